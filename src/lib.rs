// Test tables are literal tuples on purpose: a row reads as one line of data.
#![cfg_attr(test, allow(clippy::type_complexity))]

pub mod app;
pub mod cli;
pub mod cookie;
pub mod http;
pub mod server;
pub mod session;
pub mod template;
pub mod www;

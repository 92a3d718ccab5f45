pub mod app;
pub mod cli;
pub mod http;
pub mod server;
pub mod template;
pub mod www;

//! Step 2 of a connection's life: logging in. The server asks, in one
//! `'R'` message, for nothing (`trust`), the password (`password`), an MD5
//! answer (`md5`), or a SCRAM-SHA-256 exchange (`scram-sha-256`); goldfish
//! answers until `AuthenticationOk`. GSSAPI, SSPI and Kerberos are refused
//! with a sentence.

use std::time::{Duration, Instant};

use super::{Conn, ConnError, out_of_step};
use crate::random::random_bytes;
use crate::store::postgres::config::PgConfig;
use crate::store::postgres::md5;
use crate::store::postgres::scram::{self, ScramClient};
use crate::store::postgres::wire::{self, AuthRequest, Backend};
use crate::store::trace::Trace;

/// Which SASL message the server owes next.
#[derive(Clone, Copy)]
enum SaslStep {
    /// `AuthenticationSASLContinue`: SCRAM's server-first message.
    Continue,
    /// `AuthenticationSASLFinal`: SCRAM's server-final message.
    Final,
}

impl Conn {
    /// Step 2: answer the server's authentication requests until it says Ok.
    pub(super) fn log_in(
        &mut self,
        config: &PgConfig,
        (deadline, io_timeout): (&mut Instant, Duration),
        trace: &mut Trace,
    ) -> Result<(), ConnError> {
        let password =
            || {
                config.password.as_ref().map(|p| p.0.as_str()).ok_or_else(|| {
                ConnError::Login(format!(
                    "the server wants a password for {}, and the --session-store URL has none \
                     (postgres://{}:PASSWORD@…)",
                    config.user, config.user
                ))
            })
            };
        loop {
            let request = match self.next(*deadline)? {
                Backend::Auth(request) => request,
                Backend::ErrorResponse(error) => {
                    return Err(ConnError::Db {
                        error: Box::new(error),
                        usable: false,
                    });
                }
                Backend::NoticeResponse(_) | Backend::NegotiateProtocolVersion { .. } => continue,
                other => return Err(out_of_step("authentication", &other)),
            };
            match request {
                AuthRequest::Ok => {
                    trace.got(|| "AuthenticationOk".into());
                    return Ok(());
                }
                AuthRequest::CleartextPassword => {
                    trace.got(|| "AuthenticationCleartextPassword".into());
                    trace.sent(|| "PasswordMessage: (the password, in the clear)".into());
                    self.send(&wire::password(password()?), *deadline)?;
                }
                AuthRequest::Md5Password { salt } => {
                    trace.got(|| format!("AuthenticationMD5Password: salt {}", md5::hex(&salt)));
                    let answer = md5::password_message(&config.user, password()?, salt);
                    trace.sent(|| format!("PasswordMessage: {answer}"));
                    self.send(&wire::password(&answer), *deadline)?;
                }
                AuthRequest::Sasl { mechanisms } => {
                    trace.got(|| format!("AuthenticationSASL: {}", mechanisms.join(", ")));
                    if !mechanisms.iter().any(|m| m == scram::MECHANISM) {
                        return Err(ConnError::Unsupported(format!(
                            "SASL with {} (goldfish speaks SCRAM-SHA-256)",
                            mechanisms.join(", ")
                        )));
                    }
                    self.scram(password()?.as_bytes(), (*deadline, io_timeout), trace)?;
                    // The PBKDF2 was goldfish's time, not the server's.
                    *deadline = Instant::now() + io_timeout;
                }
                other => {
                    return Err(ConnError::Unsupported(format!("{other:?}")));
                }
            }
        }
    }

    /// The SCRAM-SHA-256 exchange (see `scram.rs`), up to the server's
    /// verified signature. `AuthenticationOk` follows in `log_in`.
    fn scram(
        &mut self,
        password: &[u8],
        (deadline, io_timeout): (Instant, Duration),
        trace: &mut Trace,
    ) -> Result<(), ConnError> {
        let nonce = scram::base64_encode(&random_bytes(18)?);
        let client = ScramClient::new("", &nonce);
        let first = client.first_message();
        trace.sent(|| format!("SASLInitialResponse: {} {first}", scram::MECHANISM));
        self.send(
            &wire::sasl_initial_response(scram::MECHANISM, first.as_bytes()),
            deadline,
        )?;
        let server_first = self.sasl_message(deadline, SaslStep::Continue)?;
        trace.got(|| format!("AuthenticationSASLContinue: {server_first}"));
        let (last, check) = client
            .final_message(password, &server_first)
            .map_err(|e| ConnError::Login(e.to_string()))?;
        // The PBKDF2 just done was goldfish's time, not the server's.
        let deadline = Instant::now() + io_timeout;
        trace.sent(|| format!("SASLResponse: {last}"));
        self.send(&wire::sasl_response(last.as_bytes()), deadline)?;
        let server_final = self.sasl_message(deadline, SaslStep::Final)?;
        trace.got(|| format!("AuthenticationSASLFinal: {server_final} (signature checked)"));
        check
            .verify(&server_final)
            .map_err(|e| ConnError::Login(e.to_string()))
    }

    /// The next SASL message, as text; an `ErrorResponse` (a wrong password:
    /// 28P01) or anything else instead is an error.
    fn sasl_message(&mut self, deadline: Instant, step: SaslStep) -> Result<String, ConnError> {
        let data = match (self.next(deadline)?, step) {
            (Backend::Auth(AuthRequest::SaslContinue(data)), SaslStep::Continue)
            | (Backend::Auth(AuthRequest::SaslFinal(data)), SaslStep::Final) => data,
            (Backend::ErrorResponse(error), _) => {
                return Err(ConnError::Db {
                    error: Box::new(error),
                    usable: false,
                });
            }
            (other, _) => return Err(out_of_step("SCRAM", &other)),
        };
        String::from_utf8(data).map_err(|_| ConnError::Login("a SCRAM message is not UTF-8".into()))
    }
}

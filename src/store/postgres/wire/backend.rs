//! Messages from the server, read: [`parse_backend`] and what it returns.
//!
//! Every message is `Byte1 type, Int32 length, fields` (see `wire.rs`);
//! the fields of each are listed in the PostgreSQL manual, §55.7.

use std::fmt;

use super::MAX_MESSAGE;
use super::error::{DbError, WireError};
use crate::http::Parsed;

/// One message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `'R'`: an authentication request, or its end.
    Auth(AuthRequest),
    /// `'S'`: a run-time setting the client may care about (`server_version`,
    /// `client_encoding`, `standard_conforming_strings`, …).
    ParameterStatus { name: String, value: String },
    /// `'K'`: what a client needs to cancel a query later (not used here).
    BackendKeyData { pid: i32, secret: i32 },
    /// `'Z'`: the server waits for the next command; the transaction state.
    ReadyForQuery(TxStatus),
    /// `'1'`: Parse worked.
    ParseComplete,
    /// `'2'`: Bind worked.
    BindComplete,
    /// `'3'`: Close worked.
    CloseComplete,
    /// `'n'`: the statement returns no rows (Describe's answer).
    NoData,
    /// `'I'`: the query string was empty.
    EmptyQueryResponse,
    /// `'s'`: Execute stopped at `max_rows`.
    PortalSuspended,
    /// `'C'`: a statement finished: `SELECT 1`, `INSERT 0 1`, `DELETE 3`, …
    CommandComplete { tag: String },
    /// `'D'`: one row; each column is `None` for NULL.
    DataRow(Vec<Option<Vec<u8>>>),
    /// `'T'`: the names of the columns of the rows that follow.
    RowDescription { columns: Vec<String> },
    /// `'t'`: the types the server inferred for a statement's parameters.
    ParameterDescription(Vec<u32>),
    /// `'E'`: the command failed.
    ErrorResponse(DbError),
    /// `'N'`: a warning; the command goes on.
    NoticeResponse(DbError),
    /// `'A'`: a `NOTIFY` on a channel this session `LISTEN`s to.
    NotificationResponse {
        pid: i32,
        channel: String,
        payload: String,
    },
    /// `'v'`: the server speaks an older minor version, or not all our options.
    NegotiateProtocolVersion {
        newest_minor: i32,
        unknown_options: Vec<String>,
    },
}

/// What an `'R'` message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthRequest {
    /// 0: you are in.
    Ok,
    /// 2: Kerberos V5 (long gone from PostgreSQL).
    KerberosV5,
    /// 3: send the password as it is.
    CleartextPassword,
    /// 5: send `md5(md5(password + user) + salt)`.
    Md5Password { salt: [u8; 4] },
    /// 7: GSSAPI.
    Gss,
    /// 8: more GSSAPI data.
    GssContinue(Vec<u8>),
    /// 9: SSPI (Windows).
    Sspi,
    /// 10: SASL, with the mechanisms the server offers (`SCRAM-SHA-256`, …).
    Sasl { mechanisms: Vec<String> },
    /// 11: the next SASL message (SCRAM's server-first).
    SaslContinue(Vec<u8>),
    /// 12: the last SASL message (SCRAM's server-final).
    SaslFinal(Vec<u8>),
}

/// The transaction state in `ReadyForQuery`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// `'I'`: not in a transaction.
    Idle,
    /// `'T'`: inside `BEGIN … COMMIT`.
    InTransaction,
    /// `'E'`: inside a transaction that failed; only `ROLLBACK` works now.
    Failed,
}

/// As the trace shows it: the protocol's byte, then its meaning.
impl fmt::Display for TxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TxStatus::Idle => "I (idle)",
            TxStatus::InTransaction => "T (in a transaction)",
            TxStatus::Failed => "E (in a failed transaction)",
        })
    }
}

/// Reads the fields of one message body, in order, never past its end.
struct Fields<'a> {
    body: &'a [u8],
    at: usize,
    message: &'static str,
}

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.body.len());
        let end = end.ok_or(WireError::Truncated {
            message: self.message,
        })?;
        let bytes = &self.body[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn i16(&mut self) -> Result<i16, WireError> {
        let b = self.take(2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }

    fn i32(&mut self) -> Result<i32, WireError> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A count (Int16) that must not be negative.
    fn count(&mut self) -> Result<usize, WireError> {
        usize::try_from(self.i16()?).map_err(|_| WireError::Negative {
            message: self.message,
        })
    }

    /// A String: bytes up to a NUL, which is consumed.
    fn string(&mut self) -> Result<String, WireError> {
        let rest = &self.body[self.at..];
        let nul = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(WireError::Truncated {
                message: self.message,
            })?;
        let text = std::str::from_utf8(&rest[..nul]).map_err(|_| WireError::NotUtf8 {
            message: self.message,
        })?;
        self.at += nul + 1;
        Ok(text.to_owned())
    }

    fn rest(&mut self) -> &'a [u8] {
        let bytes = &self.body[self.at..];
        self.at = self.body.len();
        bytes
    }

    fn end(&self) -> Result<(), WireError> {
        match self.body.len() - self.at {
            0 => Ok(()),
            extra => Err(WireError::Trailing {
                message: self.message,
                extra,
            }),
        }
    }
}

/// Reads one backend message from the start of `buf`.
///
/// # Errors
/// [`WireError`] for bytes that are not a protocol 3.0 backend message.
///
/// # Examples
/// ```
/// use goldfish::http::Parsed;
/// use goldfish::store::postgres::wire::{parse_backend, Backend, TxStatus};
/// let bytes = b"Z\x00\x00\x00\x05I";
/// assert_eq!(
///     parse_backend(bytes),
///     Ok(Parsed::Complete { value: Backend::ReadyForQuery(TxStatus::Idle), used: 6 })
/// );
/// assert_eq!(parse_backend(&bytes[..3]), Ok(Parsed::Partial));
/// ```
pub fn parse_backend(buf: &[u8]) -> Result<Parsed<Backend>, WireError> {
    // 1. The frame: a type byte, then a length that counts itself.
    let Some(&kind) = buf.first() else {
        return Ok(Parsed::Partial);
    };
    let message = name_of(kind).ok_or(WireError::UnknownType { found: kind })?;
    let Some(len_bytes) = buf.get(1..5) else {
        return Ok(Parsed::Partial);
    };
    let len = i32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
    let body_len = usize::try_from(len)
        .ok()
        .and_then(|l| l.checked_sub(4))
        .ok_or(WireError::BadLength { len })?;
    if body_len > MAX_MESSAGE {
        return Err(WireError::TooLarge { len: body_len });
    }
    // 2. Wait for the whole message: its length says how much that is.
    let Some(body) = buf.get(5..5 + body_len) else {
        return Ok(Parsed::Partial);
    };
    // 3. Its fields, as §55.7 lists them; every byte must be used.
    let mut f = Fields {
        body,
        at: 0,
        message,
    };
    let value = fields(kind, &mut f)?;
    f.end()?;
    Ok(Parsed::Complete {
        value,
        used: 5 + body_len,
    })
}

/// The message's name in the manual, for the type byte; `None`: not a backend message.
fn name_of(kind: u8) -> Option<&'static str> {
    Some(match kind {
        b'R' => "Authentication",
        b'S' => "ParameterStatus",
        b'K' => "BackendKeyData",
        b'Z' => "ReadyForQuery",
        b'1' => "ParseComplete",
        b'2' => "BindComplete",
        b'3' => "CloseComplete",
        b'n' => "NoData",
        b'I' => "EmptyQueryResponse",
        b's' => "PortalSuspended",
        b'C' => "CommandComplete",
        b'D' => "DataRow",
        b'T' => "RowDescription",
        b't' => "ParameterDescription",
        b'E' => "ErrorResponse",
        b'N' => "NoticeResponse",
        b'A' => "NotificationResponse",
        b'v' => "NegotiateProtocolVersion",
        _ => return None,
    })
}

/// The body of a message of type `kind`.
fn fields(kind: u8, f: &mut Fields<'_>) -> Result<Backend, WireError> {
    Ok(match kind {
        b'R' => Backend::Auth(auth(f)?),
        b'S' => Backend::ParameterStatus {
            name: f.string()?,
            value: f.string()?,
        },
        b'K' => Backend::BackendKeyData {
            pid: f.i32()?,
            secret: f.i32()?,
        },
        b'Z' => Backend::ReadyForQuery(match f.byte()? {
            b'I' => TxStatus::Idle,
            b'T' => TxStatus::InTransaction,
            b'E' => TxStatus::Failed,
            found => return Err(WireError::BadTxStatus { found }),
        }),
        b'1' => Backend::ParseComplete,
        b'2' => Backend::BindComplete,
        b'3' => Backend::CloseComplete,
        b'n' => Backend::NoData,
        b'I' => Backend::EmptyQueryResponse,
        b's' => Backend::PortalSuspended,
        b'C' => Backend::CommandComplete { tag: f.string()? },
        b'D' => Backend::DataRow(data_row(f)?),
        b'T' => Backend::RowDescription {
            columns: row_description(f)?,
        },
        b't' => {
            let n = f.count()?;
            let types = (0..n)
                .map(|_| f.i32().map(|oid| oid as u32))
                .collect::<Result<_, _>>()?;
            Backend::ParameterDescription(types)
        }
        b'E' => Backend::ErrorResponse(error_fields(f)?),
        b'N' => Backend::NoticeResponse(error_fields(f)?),
        b'A' => Backend::NotificationResponse {
            pid: f.i32()?,
            channel: f.string()?,
            payload: f.string()?,
        },
        b'v' => {
            let newest_minor = f.i32()?;
            let n = usize::try_from(f.i32()?)
                .map_err(|_| WireError::Negative { message: f.message })?;
            // Each option takes at least its NUL: no count can exceed the bytes.
            let n = n.min(f.body.len());
            let unknown_options = (0..n).map(|_| f.string()).collect::<Result<_, _>>()?;
            Backend::NegotiateProtocolVersion {
                newest_minor,
                unknown_options,
            }
        }
        _ => unreachable!("name_of refused every other type byte"),
    })
}

/// `'R'`: Int32 code, then what that code carries.
fn auth(f: &mut Fields<'_>) -> Result<AuthRequest, WireError> {
    Ok(match f.i32()? {
        0 => AuthRequest::Ok,
        2 => AuthRequest::KerberosV5,
        3 => AuthRequest::CleartextPassword,
        5 => {
            let s = f.take(4)?;
            AuthRequest::Md5Password {
                salt: [s[0], s[1], s[2], s[3]],
            }
        }
        7 => AuthRequest::Gss,
        8 => AuthRequest::GssContinue(f.rest().to_vec()),
        9 => AuthRequest::Sspi,
        10 => {
            // A list of names, each ending in NUL, ended by an empty one.
            let mut mechanisms = Vec::new();
            loop {
                let name = f.string()?;
                if name.is_empty() {
                    break;
                }
                mechanisms.push(name);
            }
            AuthRequest::Sasl { mechanisms }
        }
        11 => AuthRequest::SaslContinue(f.rest().to_vec()),
        12 => AuthRequest::SaslFinal(f.rest().to_vec()),
        code => return Err(WireError::UnknownAuth { code }),
    })
}

/// `'D'`: Int16 columns, then per column Int32 length (-1 = NULL) and bytes.
fn data_row(f: &mut Fields<'_>) -> Result<Vec<Option<Vec<u8>>>, WireError> {
    let n = f.count()?;
    let mut row = Vec::with_capacity(n.min(f.body.len() / 4));
    for _ in 0..n {
        let len = f.i32()?;
        row.push(match len {
            -1 => None,
            len => {
                let len =
                    usize::try_from(len).map_err(|_| WireError::Negative { message: f.message })?;
                Some(f.take(len)?.to_vec())
            }
        });
    }
    Ok(row)
}

/// `'T'`: Int16 columns, then per column its name and six fixed fields
/// (table OID, column number, type OID, type size, type modifier, format).
fn row_description(f: &mut Fields<'_>) -> Result<Vec<String>, WireError> {
    let n = f.count()?;
    let mut columns = Vec::with_capacity(n.min(f.body.len() / 19));
    for _ in 0..n {
        columns.push(f.string()?);
        f.take(4 + 2 + 4 + 2 + 4 + 2)?;
    }
    Ok(columns)
}

/// `'E'`/`'N'`: fields, each a type byte and a String, ended by a NUL byte.
fn error_fields(f: &mut Fields<'_>) -> Result<DbError, WireError> {
    let (mut localized, mut severity, mut code, mut message) = (None, None, None, None);
    let (mut detail, mut hint) = (None, None);
    loop {
        let kind = f.byte()?;
        if kind == 0 {
            break;
        }
        let value = f.string()?;
        match kind {
            b'S' => localized = Some(value),
            b'V' => severity = Some(value),
            b'C' => code = Some(value),
            b'M' => message = Some(value),
            b'D' => detail = Some(value),
            b'H' => hint = Some(value),
            _ => {} // position, where, schema, table, file, line, routine, …
        }
    }
    let (Some(code), Some(message)) = (code, message) else {
        return Err(WireError::IncompleteError);
    };
    Ok(DbError {
        // `V` is never translated (PostgreSQL 9.6+); `S` may be.
        severity: severity.or(localized).unwrap_or_else(|| "ERROR".into()),
        code,
        message,
        detail,
        hint,
    })
}

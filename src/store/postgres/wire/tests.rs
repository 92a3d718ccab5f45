//! The codec against the message layouts of the PostgreSQL manual, §55.7
//! "Message Formats": one row per message, each written out byte by byte
//! as the manual lists its fields.

use super::*;
use crate::http::Parsed;

/// What `parse_backend` should make of a row's bytes.
#[derive(Debug)]
enum Expect {
    /// The whole input is one message.
    Ok(Backend),
    /// A valid beginning: read more.
    Partial,
    Err(WireError),
}
use Expect::{Err as Bad, Ok as Good, Partial};

fn db_error(severity: &str, code: &str, message: &str) -> DbError {
    DbError {
        severity: severity.into(),
        code: code.into(),
        message: message.into(),
        detail: None,
        hint: None,
    }
}

#[rustfmt::skip]
fn backend_cases() -> Vec<(&'static str, &'static [u8], Expect)> {
    vec![
        // Authentication: 'R', Int32 length, Int32 code, then the code's fields.
        ("AuthenticationOk: R, length 8, code 0", b"R\0\0\0\x08\0\0\0\0", Good(Backend::Auth(AuthRequest::Ok))),
        ("AuthenticationKerberosV5: code 2", b"R\0\0\0\x08\0\0\0\x02", Good(Backend::Auth(AuthRequest::KerberosV5))),
        ("AuthenticationCleartextPassword: code 3", b"R\0\0\0\x08\0\0\0\x03", Good(Backend::Auth(AuthRequest::CleartextPassword))),
        ("AuthenticationMD5Password: code 5 and a 4-byte salt", b"R\0\0\0\x0c\0\0\0\x05\x01\x02\x03\x04",
            Good(Backend::Auth(AuthRequest::Md5Password { salt: [1, 2, 3, 4] }))),
        ("AuthenticationGSS: code 7", b"R\0\0\0\x08\0\0\0\x07", Good(Backend::Auth(AuthRequest::Gss))),
        ("AuthenticationGSSContinue: code 8 and data", b"R\0\0\0\x0a\0\0\0\x08ab", Good(Backend::Auth(AuthRequest::GssContinue(b"ab".to_vec())))),
        ("AuthenticationSSPI: code 9", b"R\0\0\0\x08\0\0\0\x09", Good(Backend::Auth(AuthRequest::Sspi))),
        ("AuthenticationSASL: code 10, mechanisms, an empty name ends the list",
            b"R\0\0\0\x2a\0\0\0\x0aSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0",
            Good(Backend::Auth(AuthRequest::Sasl { mechanisms: vec!["SCRAM-SHA-256-PLUS".into(), "SCRAM-SHA-256".into()] }))),
        ("AuthenticationSASLContinue: code 11 and the server-first message",
            b"R\0\0\0\x14\0\0\0\x0br=ab,s=c,i=1",
            Good(Backend::Auth(AuthRequest::SaslContinue(b"r=ab,s=c,i=1".to_vec())))),
        ("AuthenticationSASLFinal: code 12 and the server-final message", b"R\0\0\0\x0d\0\0\0\x0cv=abc",
            Good(Backend::Auth(AuthRequest::SaslFinal(b"v=abc".to_vec())))),
        ("an authentication code that does not exist", b"R\0\0\0\x08\0\0\0\x04", Bad(WireError::UnknownAuth { code: 4 })),
        ("MD5 without its salt", b"R\0\0\0\x0a\0\0\0\x05\x01\x02", Bad(WireError::Truncated { message: "Authentication" })),
        ("a SASL list without its final empty name", b"R\0\0\0\x15\0\0\0\x0aSCRAM-SHA-256",
            Bad(WireError::Truncated { message: "Authentication" })),
        ("AuthenticationOk with bytes left over", b"R\0\0\0\x09\0\0\0\0x", Bad(WireError::Trailing { message: "Authentication", extra: 1 })),

        // Start-up chatter.
        ("ParameterStatus: S, name, value", b"S\0\0\0\x19client_encoding\0UTF8\0",
            Good(Backend::ParameterStatus { name: "client_encoding".into(), value: "UTF8".into() })),
        ("ParameterStatus without the value's NUL", b"S\0\0\0\x18client_encoding\0UTF8",
            Bad(WireError::Truncated { message: "ParameterStatus" })),
        ("BackendKeyData: K, process id, secret key", b"K\0\0\0\x0c\0\0\x30\x39\x12\x34\x56\x78",
            Good(Backend::BackendKeyData { pid: 12345, secret: 0x1234_5678 })),
        ("NegotiateProtocolVersion: v, newest minor, unknown options", b"v\0\0\0\x13\0\0\0\0\0\0\0\x01_pq_.x\0",
            Good(Backend::NegotiateProtocolVersion { newest_minor: 0, unknown_options: vec!["_pq_.x".into()] })),

        // ReadyForQuery: Z, length 5, the transaction state.
        ("ReadyForQuery, idle", b"Z\0\0\0\x05I", Good(Backend::ReadyForQuery(TxStatus::Idle))),
        ("ReadyForQuery, in a transaction", b"Z\0\0\0\x05T", Good(Backend::ReadyForQuery(TxStatus::InTransaction))),
        ("ReadyForQuery, in a failed transaction", b"Z\0\0\0\x05E", Good(Backend::ReadyForQuery(TxStatus::Failed))),
        ("ReadyForQuery with a state that does not exist", b"Z\0\0\0\x05X", Bad(WireError::BadTxStatus { found: b'X' })),

        // The extended query protocol's answers: a type and the length 4.
        ("ParseComplete", b"1\0\0\0\x04", Good(Backend::ParseComplete)),
        ("BindComplete", b"2\0\0\0\x04", Good(Backend::BindComplete)),
        ("CloseComplete", b"3\0\0\0\x04", Good(Backend::CloseComplete)),
        ("NoData", b"n\0\0\0\x04", Good(Backend::NoData)),
        ("EmptyQueryResponse", b"I\0\0\0\x04", Good(Backend::EmptyQueryResponse)),
        ("PortalSuspended", b"s\0\0\0\x04", Good(Backend::PortalSuspended)),
        ("ParseComplete claiming a body", b"1\0\0\0\x05x", Bad(WireError::Trailing { message: "ParseComplete", extra: 1 })),
        ("CommandComplete: C and the tag", b"C\0\0\0\x0fINSERT 0 1\0", Good(Backend::CommandComplete { tag: "INSERT 0 1".into() })),
        ("CommandComplete of a SELECT", b"C\0\0\0\x0fSELECT 1\0\0\0", Bad(WireError::Trailing { message: "CommandComplete", extra: 2 })),

        // Rows.
        ("DataRow: D, one column of 2 bytes", b"D\0\0\0\x0c\0\x01\0\0\0\x02{}", Good(Backend::DataRow(vec![Some(b"{}".to_vec())]))),
        ("DataRow: a NULL is length -1, no bytes", b"D\0\0\0\x0a\0\x01\xff\xff\xff\xff", Good(Backend::DataRow(vec![None]))),
        ("DataRow: no columns", b"D\0\0\0\x06\0\0", Good(Backend::DataRow(vec![]))),
        ("DataRow: an empty value is not NULL", b"D\0\0\0\x0a\0\x01\0\0\0\0", Good(Backend::DataRow(vec![Some(vec![])]))),
        ("DataRow: two columns", b"D\0\0\0\x10\0\x02\0\0\0\x01a\0\0\0\x01b",
            Good(Backend::DataRow(vec![Some(b"a".to_vec()), Some(b"b".to_vec())]))),
        ("DataRow: a column longer than the message", b"D\0\0\0\x0c\0\x01\0\0\0\x09{}", Bad(WireError::Truncated { message: "DataRow" })),
        ("DataRow: a negative length other than -1", b"D\0\0\0\x0a\0\x01\xff\xff\xff\xfe", Bad(WireError::Negative { message: "DataRow" })),
        ("DataRow: a negative column count", b"D\0\0\0\x06\xff\xff", Bad(WireError::Negative { message: "DataRow" })),
        ("DataRow: more columns announced than sent", b"D\0\0\0\x06\x7f\xff", Bad(WireError::Truncated { message: "DataRow" })),
        ("RowDescription: T, one column: name and 18 bytes of table, number, type, size, modifier, format",
            b"T\0\0\0\x1d\0\x01data\0\0\0\x40\x01\0\x02\0\0\0\x72\xff\xff\xff\xff\xff\xff\0\0",
            Good(Backend::RowDescription { columns: vec!["data".into()] })),
        ("ParameterDescription: t, count, type OIDs (text = 25)", b"t\0\0\0\x0a\0\x01\0\0\0\x19", Good(Backend::ParameterDescription(vec![25]))),

        // Errors and notices: (type byte, String) fields, then a NUL.
        ("ErrorResponse: S, V, C, M and the end",
            b"E\0\0\0\x48SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"gf\"\0\0",
            Good(Backend::ErrorResponse(db_error("FATAL", "28P01", "password authentication failed for user \"gf\"")))),
        ("ErrorResponse: V wins over a translated S", b"E\0\0\0\x21SFEHLER\0VERROR\0C42P01\0Mnope\0\0",
            Good(Backend::ErrorResponse(db_error("ERROR", "42P01", "nope")))),
        ("ErrorResponse: detail, hint, and fields goldfish skips (P position, F file)",
            b"E\0\0\0\x2aSERROR\0C23514\0Mno\0Dwhy\0Hfix\0P12\0Fx.c\0\0",
            Good(Backend::ErrorResponse(DbError { detail: Some("why".into()), hint: Some("fix".into()), ..db_error("ERROR", "23514", "no") }))),
        ("ErrorResponse without a code", b"E\0\0\0\x10SERROR\0Mno\0\0", Bad(WireError::IncompleteError)),
        ("ErrorResponse without the final NUL", b"E\0\0\0\x12SERROR\0C0\0Mno\0", Bad(WireError::Truncated { message: "ErrorResponse" })),
        ("NoticeResponse, same fields", b"N\0\0\0\x1cSNOTICE\0C42P07\0Mexists\0\0",
            Good(Backend::NoticeResponse(db_error("NOTICE", "42P07", "exists")))),
        ("NotificationResponse: A, pid, channel, payload", b"A\0\0\0\x0e\0\0\0\x07ch\0hi\0",
            Good(Backend::NotificationResponse { pid: 7, channel: "ch".into(), payload: "hi".into() })),
        ("a String that is not UTF-8", b"C\0\0\0\x06\xff\0", Bad(WireError::NotUtf8 { message: "CommandComplete" })),

        // The frame itself.
        ("a type byte no backend message has", b"Q\0\0\0\x04", Bad(WireError::UnknownType { found: b'Q' })),
        ("an HTTP server answering", b"HTTP/1.1 400 Bad Request\r\n", Bad(WireError::UnknownType { found: b'H' })),
        ("a length under 4", b"Z\0\0\0\x03", Bad(WireError::BadLength { len: 3 })),
        ("a negative length", b"Z\xff\xff\xff\xff", Bad(WireError::BadLength { len: -1 })),
        ("over goldfish's 1 MiB", b"D\x00\x10\x00\x05", Bad(WireError::TooLarge { len: 1024 * 1024 + 1 })),
        ("exactly 1 MiB is allowed (and must be waited for)", b"D\x00\x10\x00\x04\0\x01", Partial),
    ]
}

#[test]
fn backend_messages_as_the_manual_lays_them_out() {
    for (why, bytes, want) in backend_cases() {
        let got = parse_backend(bytes);
        match want {
            Good(value) => {
                let want = Ok(Parsed::Complete {
                    value,
                    used: bytes.len(),
                });
                assert_eq!(
                    got,
                    want,
                    "{why}: parse_backend({:?}) = {got:?}; want {want:?}",
                    bytes.escape_ascii().to_string()
                );
            }
            Partial => {
                assert_eq!(got, Ok(Parsed::Partial), "{why}");
            }
            Bad(e) => {
                assert_eq!(
                    got,
                    Err(e.clone()),
                    "{why}: parse_backend({:?}) = {got:?}; want {e:?}",
                    bytes.escape_ascii().to_string()
                );
            }
        }
    }
}

/// A message that arrives in pieces: every prefix of a good message is
/// `Partial` (the frame's length says more is coming), and bytes of the
/// next message after it are left alone.
#[test]
fn every_prefix_is_partial_and_the_next_message_is_left_alone() {
    for (why, bytes, want) in backend_cases() {
        let Good(_) = want else { continue };
        for cut in 0..bytes.len() {
            assert_eq!(
                parse_backend(&bytes[..cut]),
                Ok(Parsed::Partial),
                "{why}: the first {cut} bytes"
            );
        }
        let mut two = bytes.to_vec();
        two.extend_from_slice(b"Z\0\0\0\x05I");
        match parse_backend(&two) {
            Ok(Parsed::Complete { used, .. }) => assert_eq!(used, bytes.len(), "{why}"),
            other => panic!("{why}: {other:?}"),
        }
    }
}

#[rustfmt::skip]
#[test]
fn frontend_messages_as_the_manual_lays_them_out() {
    let cases: Vec<(&str, Vec<u8>, &[u8])> = vec![
        ("StartupMessage: length, version 3.0 (196608), name/value pairs, a final NUL",
            startup(&[("user", "gf"), ("database", "db")]),
            b"\0\0\0\x1d\0\x03\0\0user\0gf\0database\0db\0\0"),
        ("PasswordMessage: p, length, the password as a String", password("pw"), b"p\0\0\0\x07pw\0"),
        ("SASLInitialResponse: p, mechanism, Int32 length, the client-first message",
            sasl_initial_response("SCRAM-SHA-256", b"n,,n=,r=x"),
            b"p\0\0\0\x1fSCRAM-SHA-256\0\0\0\0\x09n,,n=,r=x"),
        ("SASLResponse: p, the client-final message, no length of its own", sasl_response(b"c=biws"), b"p\0\0\0\x0ac=biws"),
        ("Query: Q, the SQL as a String", query("SELECT 1"), b"Q\0\0\0\x0dSELECT 1\0"),
        ("Parse: P, statement name, SQL, Int16 count, no types (inferred)",
            parse("s1", "SELECT $1", &[]), b"P\0\0\0\x13s1\0SELECT $1\0\0\0"),
        ("Parse with one parameter type, text (OID 25)",
            parse("", "SELECT $1", &[25]), b"P\0\0\0\x15\0SELECT $1\0\0\x01\0\0\0\x19"),
        ("Bind: B, portal, statement, 0 formats (text), 2 values, 0 result formats (text)",
            bind("", "s1", &[Some(b"ab"), None]),
            b"B\0\0\0\x18\0s1\0\0\0\0\x02\0\0\0\x02ab\xff\xff\xff\xff\0\0"),
        ("Bind: a quote and a semicolon are just bytes in a value",
            bind("", "", &[Some(b"'; DROP TABLE x;--")]),
            b"B\0\0\0\x22\0\0\0\0\0\x01\0\0\0\x12'; DROP TABLE x;--\0\0"),
        ("Execute: E, portal, Int32 max rows (0 = all)", execute("", 0), b"E\0\0\0\x09\0\0\0\0\0"),
        ("Sync: S, length 4", sync(), b"S\0\0\0\x04"),
        ("Terminate: X, length 4", terminate(), b"X\0\0\0\x04"),
    ];
    for (why, got, want) in cases {
        assert_eq!(got, want, "{why}: got {:?}; want {:?}", got.escape_ascii().to_string(), want.escape_ascii().to_string());
    }
}

#[test]
fn errors_are_sentences() {
    let e = WireError::UnknownType { found: b'H' };
    assert_eq!(
        e.to_string(),
        "the server sent a message of type 'H', which PostgreSQL's protocol 3.0 does not have (is it a PostgreSQL server?)"
    );
    let e = DbError {
        detail: Some("Key (id)=(x) already exists.".into()),
        hint: Some("h".into()),
        ..db_error("ERROR", "23505", "duplicate key")
    };
    assert_eq!(
        e.to_string(),
        "duplicate key (ERROR 23505). Key (id)=(x) already exists. Hint: h"
    );
}

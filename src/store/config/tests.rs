//! `--session-store` values, read and written back. (The `postgres://`
//! URLs have their own table in `postgres/config/tests.rs`.)

use super::*;

const E: &str = "--session-store must be memory, file:DIR, redis://HOST:PORT or \
                 postgres://USER:PASSWORD@HOST:PORT/DB";

fn redis(host: &str, port: u16) -> StoreConfig {
    StoreConfig::Redis {
        host: host.into(),
        port,
    }
}

#[test]
fn the_flag_is_read() {
    let cases: &[(&str, &str, Result<StoreConfig, String>)] = &[
        (
            "the default, spelled out",
            "memory",
            Ok(StoreConfig::Memory),
        ),
        (
            "an absolute directory",
            "file:/srv/s",
            Ok(StoreConfig::File("/srv/s".into())),
        ),
        (
            "a relative directory",
            "file:relative/dir",
            Ok(StoreConfig::File("relative/dir".into())),
        ),
        (
            "host and port",
            "redis://127.0.0.1:6380",
            Ok(redis("127.0.0.1", 6380)),
        ),
        (
            "no port: Redis's own",
            "redis://localhost",
            Ok(redis("localhost", 6379)),
        ),
        (
            "a trailing slash",
            "redis://localhost/",
            Ok(redis("localhost", 6379)),
        ),
        (
            "IPv6 in brackets",
            "redis://[::1]:7000",
            Ok(redis("::1", 7000)),
        ),
        ("IPv6, no port", "redis://[::1]", Ok(redis("::1", 6379))),
        // Mistakes, each with its sentence.
        ("empty", "", Err(format!("{E}, not \"\""))),
        (
            "names are lower case",
            "Memory",
            Err(format!("{E}, not \"Memory\"")),
        ),
        (
            "file: needs a directory",
            "file:",
            Err(format!(
                "{E}: file: needs a directory, e.g. file:sessions (goldfish creates it, readable only by you)"
            )),
        ),
        (
            "no host",
            "redis://",
            Err(format!("{E}: the host is missing in \"redis://\"")),
        ),
        (
            "a port, no host",
            "redis://:6379",
            Err(format!("{E}: the host is missing in \"redis://:6379\"")),
        ),
        (
            "port 0",
            "redis://h:0",
            Err(format!("{E}: the port must be 1 to 65535, not \"0\"")),
        ),
        (
            "a port name",
            "redis://h:redis",
            Err(format!("{E}: the port must be 1 to 65535, not \"redis\"")),
        ),
        (
            "an unclosed bracket",
            "redis://[::1:6379",
            Err(format!(
                "{E}: an IPv6 address is written in brackets, as in redis://[::1]:6379, not \"redis://[::1:6379\""
            )),
        ),
        (
            "AUTH",
            "redis://user:pw@h:6379",
            Err(format!(
                "{E}: goldfish's Redis client speaks no AUTH, TLS or database numbers; give just the host and port, not \"redis://user:pw@h:6379\""
            )),
        ),
        (
            "a database number",
            "redis://h:6379/2",
            Err(format!(
                "{E}: goldfish's Redis client speaks no AUTH, TLS or database numbers; give just the host and port, not \"redis://h:6379/2\""
            )),
        ),
        (
            "TLS",
            "rediss://h:6379",
            Err(format!("{E}, not \"rediss://h:6379\"")),
        ),
        (
            "another database",
            "mysql://db",
            Err(format!("{E}, not \"mysql://db\"")),
        ),
    ];
    for (why, text, want) in cases {
        let got = StoreConfig::parse(text).map_err(|e| e.to_string());
        assert_eq!(&got, want, "{why}: StoreConfig::parse({text:?})");
    }
}

#[test]
fn the_flag_round_trips_through_display() {
    for text in [
        "memory",
        "file:/srv/s",
        "redis://127.0.0.1:6380",
        "redis://[::1]:7000",
        "postgres://goldfish@127.0.0.1:5432/goldfish",
        "postgres://goldfish@[::1]:5433/sessions",
        "postgres://goldfish@%2Fvar%2Frun%2Fpostgresql:5432/goldfish",
    ] {
        let config = StoreConfig::parse(text).unwrap();
        assert_eq!(config.to_string(), text);
    }
}

#[test]
fn the_password_is_never_shown() {
    let config = StoreConfig::parse("postgres://goldfish:hunter2@db:5432/goldfish").unwrap();
    for shown in [config.to_string(), format!("{config:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

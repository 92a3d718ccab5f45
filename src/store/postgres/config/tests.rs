//! `postgres://` URLs, as libpq reads them (PostgreSQL manual §34.1.1).

use super::*;

fn tcp(user: &str, password: Option<&str>, host: &str, port: u16, db: &str) -> PgConfig {
    PgConfig {
        user: user.into(),
        password: password.map(|p| Password(p.into())),
        host: PgHost::Tcp(host.into()),
        port,
        database: db.into(),
    }
}

fn unix(user: &str, dir: &str, port: u16, db: &str) -> PgConfig {
    PgConfig {
        user: user.into(),
        password: None,
        host: PgHost::Unix(dir.into()),
        port,
        database: db.into(),
    }
}

#[test]
fn urls_are_read_as_libpq_reads_them() {
    let cases: &[(&str, &str, Result<PgConfig, PgConfigError>)] = &[
        (
            "everything",
            "postgres://goldfish:s3cret@127.0.0.1:5432/goldfish",
            Ok(tcp(
                "goldfish",
                Some("s3cret"),
                "127.0.0.1",
                5432,
                "goldfish",
            )),
        ),
        (
            "the long scheme",
            "postgresql://gf:pw@db.example:6543/sessions",
            Ok(tcp("gf", Some("pw"), "db.example", 6543, "sessions")),
        ),
        (
            "no password: trust or peer",
            "postgres://gf@localhost/gf",
            Ok(tcp("gf", None, "localhost", 5432, "gf")),
        ),
        (
            "no port: 5432",
            "postgres://gf:pw@localhost/db",
            Ok(tcp("gf", Some("pw"), "localhost", 5432, "db")),
        ),
        (
            "no database: the user's name",
            "postgres://gf:pw@localhost:5433",
            Ok(tcp("gf", Some("pw"), "localhost", 5433, "gf")),
        ),
        (
            "an empty database: the user's name",
            "postgres://gf:pw@localhost:5433/",
            Ok(tcp("gf", Some("pw"), "localhost", 5433, "gf")),
        ),
        (
            "IPv6 in brackets",
            "postgres://gf:pw@[::1]:5433/db",
            Ok(tcp("gf", Some("pw"), "::1", 5433, "db")),
        ),
        (
            "a password with @ and / encoded",
            "postgres://gf:p%40ss%2Fw@h/db",
            Ok(tcp("gf", Some("p@ss/w"), "h", 5432, "db")),
        ),
        (
            "an empty password",
            "postgres://gf:@h/db",
            Ok(tcp("gf", Some(""), "h", 5432, "db")),
        ),
        (
            "a socket directory in the host",
            "postgres://gf@%2Fvar%2Frun%2Fpostgresql/gf",
            Ok(unix("gf", "/var/run/postgresql", 5432, "gf")),
        ),
        (
            "a socket directory and a port",
            "postgres://gf@%2Ftmp%2Fpg:5433/db",
            Ok(unix("gf", "/tmp/pg", 5433, "db")),
        ),
        (
            "a socket directory as ?host=",
            "postgres://gf@/db?host=/var/run/postgresql",
            Ok(unix("gf", "/var/run/postgresql", 5432, "db")),
        ),
        (
            "?port= wins",
            "postgres://gf@/db?host=/run/pg&port=5499",
            Ok(unix("gf", "/run/pg", 5499, "db")),
        ),
        (
            "sslmode=disable: plain, as asked",
            "postgres://gf:pw@h/db?sslmode=disable",
            Ok(tcp("gf", Some("pw"), "h", 5432, "db")),
        ),
        (
            "sslmode=prefer permits plain",
            "postgres://gf:pw@h/db?sslmode=prefer",
            Ok(tcp("gf", Some("pw"), "h", 5432, "db")),
        ),
        // Refused, each with its reason.
        (
            "no user",
            "postgres://127.0.0.1:5432/db",
            Err(PgConfigError::NoUser),
        ),
        (
            "an empty user",
            "postgres://:pw@h/db",
            Err(PgConfigError::NoUser),
        ),
        (
            "no host",
            "postgres://gf:pw@/db",
            Err(PgConfigError::NoHost),
        ),
        (
            "port 0",
            "postgres://gf@h:0/db",
            Err(PgConfigError::BadPort { found: "0".into() }),
        ),
        (
            "a port name",
            "postgres://gf@h:pg/db",
            Err(PgConfigError::BadPort { found: "pg".into() }),
        ),
        (
            "an unclosed bracket",
            "postgres://gf@[::1:5432/db",
            Err(PgConfigError::BadBrackets),
        ),
        (
            "a bad escape in the password",
            "postgres://gf:p%zz@h/db",
            Err(PgConfigError::BadEscape { part: "password" }),
        ),
        (
            "TLS required",
            "postgres://gf:pw@h/db?sslmode=require",
            Err(PgConfigError::TlsRequired {
                mode: "require".into(),
            }),
        ),
        (
            "TLS verified",
            "postgres://gf:pw@h/db?sslmode=verify-full",
            Err(PgConfigError::TlsRequired {
                mode: "verify-full".into(),
            }),
        ),
        (
            "an sslmode nobody knows",
            "postgres://gf:pw@h/db?sslmode=maybe",
            Err(PgConfigError::UnknownSslMode {
                mode: "maybe".into(),
            }),
        ),
        (
            "a parameter goldfish does not use",
            "postgres://gf:pw@h/db?connect_timeout=3",
            Err(PgConfigError::UnknownParameter {
                name: "connect_timeout".into(),
            }),
        ),
    ];
    for (why, url, want) in cases {
        let got = PgConfig::parse(url);
        assert_eq!(&got, want, "{why}: PgConfig::parse({url:?})");
    }
}

#[test]
fn require_is_refused_with_a_sentence_that_says_why() {
    let e = PgConfig::parse("postgres://gf:pw@h/db?sslmode=require").unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with(
            "sslmode=require asks for TLS, and goldfish's PostgreSQL client speaks none"
        ),
        "{text}"
    );
    assert!(
        text.contains("It will not send the password in the clear instead"),
        "{text}"
    );
}

#[test]
fn the_socket_is_a_file_named_after_the_port() {
    let c = PgConfig::parse("postgres://gf@/db?host=/run/pg&port=5499").unwrap();
    assert_eq!(c.socket_path(), PathBuf::from("/run/pg/.s.PGSQL.5499"));
    assert_eq!(c.address(), "/run/pg/.s.PGSQL.5499");
    let c = PgConfig::parse("postgres://gf@[::1]:5433/db").unwrap();
    assert_eq!(c.address(), "[::1]:5433");
}

#[test]
fn display_leaves_the_password_out_and_reads_back() {
    let cases: &[(&str, &str)] = &[
        (
            "postgres://gf:pw@127.0.0.1:5432/goldfish",
            "postgres://gf@127.0.0.1:5432/goldfish",
        ),
        ("postgresql://gf@h/gf", "postgres://gf@h:5432/gf"),
        (
            "postgres://gf@/db?host=/run/pg",
            "postgres://gf@%2Frun%2Fpg:5432/db",
        ),
        (
            "postgres://g%40f:pw@h/d%2Fb",
            "postgres://g%40f@h:5432/d%2Fb",
        ),
    ];
    for (url, want) in cases {
        let c = PgConfig::parse(url).unwrap();
        assert_eq!(c.to_string(), *want, "{url}");
        let mut again = PgConfig::parse(want).unwrap();
        again.password = c.password.clone();
        assert_eq!(again, c, "{want} reads back");
    }
}

use super::*;

fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Config, CliError> {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let env = |k: &str| {
        env.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    };
    match parse(&args, &env)? {
        Command::Serve(c) => Ok(*c),
        other => panic!("{other:?}"),
    }
}

#[test]
fn start_warnings_say_what_may_not_be_meant() {
    let cases: &[(&str, &[&str], &[(&str, &str)], &[&str])] = &[
        ("a plain start says nothing", &[], &[], &[]),
        (
            "a good key says nothing",
            &[],
            &[("SECRET_KEY", "0123456789abcdef0123")],
            &[],
        ),
        (
            "a short key",
            &[],
            &[("SECRET_KEY", "s3")],
            &["SECRET_KEY is only 2 bytes"],
        ),
        (
            "the README's key",
            &[],
            &[("SECRET_KEY", README_KEY)],
            &["the example key printed in goldfish's README"],
        ),
        ("--trace", &["--trace"], &[], &["session and sid tokens"]),
        (
            "0.0.0.0",
            &["--host", "0.0.0.0"],
            &[],
            &[
                "other host names are refused with 421",
                "--allowed-hosts NAME",
            ],
        ),
        (
            "0.0.0.0 with names",
            &["--host", "0.0.0.0", "--allowed-hosts", "a.lan, b.lan"],
            &[],
            &["only these names are answered: a.lan, b.lan"],
        ),
        ("localhost is loopback", &["--host", "localhost"], &[], &[]),
        ("127.0.0.2 is loopback", &["--host", "127.0.0.2"], &[], &[]),
    ];
    for (why, args, env, want) in cases {
        let config = run(args, env).unwrap();
        let got = start_warnings(&config).join("\n");
        for w in *want {
            assert!(
                got.contains(w),
                "{why}: start_warnings = {got:?}; want it to say {w:?}"
            );
        }
        if want.is_empty() {
            assert!(
                got.is_empty(),
                "{why}: start_warnings = {got:?}; want nothing"
            );
        }
    }
    let c = run(&["--allowed-hosts", "a.lan,,.b.lan"], &[]).unwrap();
    assert_eq!(c.app.allowed_hosts, ["a.lan", ".b.lan"]);
}

#[test]
fn defaults() {
    let c = run(&[], &[]).unwrap();
    assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 5000));
    assert_eq!(c.app.www, Www::Embedded);
    assert!(!c.server.log.trace);
}

#[test]
fn flags_and_environment() {
    let cases: &[(&str, &[&str], &[(&str, &str)], (&str, u16))] = &[
        (
            "env only",
            &[],
            &[("HOST", "0.0.0.0"), ("PORT", "8080")],
            ("0.0.0.0", 8080),
        ),
        (
            "flags win over env",
            &["--port", "9000"],
            &[("PORT", "8080")],
            ("127.0.0.1", 9000),
        ),
        (
            "--flag=value form",
            &["--host=::1", "--port=0"],
            &[],
            ("::1", 0),
        ),
    ];
    for (why, args, env, want) in cases {
        let c = run(args, env).unwrap();
        assert_eq!((c.host.as_str(), c.port), *want, "{why}");
    }
}

#[test]
fn io_model_from_flag_or_environment() {
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], &[(&str, &str)], Io)] = &[
        ("the default", &[], &[], Io::default()),
        ("--io threads", &["--io", "threads"], &[], Io::Threads),
        ("--io epoll with two loops", &["--io", "epoll", "--loops", "2"], &[], Io::EventLoop { loops: 2 }),
        ("the environment, as tests set it", &[], &[("GOLDFISH_IO", "threads")], Io::Threads),
        ("the flag wins", &["--io=epoll"], &[("GOLDFISH_IO", "threads")], Io::EventLoop { loops: 1 }),
    ];
    for (why, args, env, want) in cases {
        assert_eq!(run(args, env).unwrap().server.io, *want, "{why}");
    }
    let err = run(&["--io", "fibers"], &[]).unwrap_err();
    assert_eq!(err.0, "--io must be epoll or threads, not \"fibers\"");
}

#[test]
fn classroom_mode_waits_minutes_unless_told_otherwise() {
    let minutes = Duration::from_secs(600);
    let s = Duration::from_secs;
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], (Duration, Duration, Duration))] = &[
        ("the defaults", &[], (s(5), s(10), s(10))),
        ("--classroom: ten minutes each", &["--classroom"], (minutes, minutes, minutes)),
        ("a timeout given after it wins", &["--classroom", "--idle-timeout", "30"], (s(30), minutes, minutes)),
        ("and before it, too", &["--header-timeout", "60", "--classroom"], (minutes, s(60), minutes)),
    ];
    for (why, args, want) in cases {
        let c = run(args, &[]).unwrap();
        let got = (
            c.server.idle_timeout,
            c.server.header_timeout,
            c.server.body_timeout,
        );
        assert_eq!(got, *want, "{args:?}: {why}");
    }
}

#[test]
fn also_port_adds_a_second_listener() {
    assert_eq!(run(&[], &[]).unwrap().also_port, None);
    let c = run(&["--port", "5000", "--also-port", "5001"], &[]).unwrap();
    assert_eq!((c.port, c.also_port), (5000, Some(5001)));
    let c = run(&["--also-port=0"], &[]).unwrap();
    assert_eq!(c.also_port, Some(0));
    assert!(run(&["--also-port", "http"], &[]).is_err());
}

#[test]
fn other_flags() {
    let c = run(
        &[
            "--www",
            "www",
            "--trace",
            "--max-connections",
            "10",
            "--max-connections-per-client",
            "3",
            "--idle-timeout",
            "2",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.app.www, Www::Disk("www".into()));
    assert!(c.server.log.trace);
    assert_eq!(c.server.max_connections, 10);
    assert_eq!(c.server.max_connections_per_client, 3);
    assert_eq!(c.server.idle_timeout, Duration::from_secs(2));
    let q = run(&["--quiet"], &[]).unwrap();
    assert!(!q.server.log.enabled());
}

#[test]
fn session_store_flag() {
    let cases: &[(&[&str], StoreConfig)] = &[
        (&[], StoreConfig::Memory),
        (&["--session-store", "memory"], StoreConfig::Memory),
        (
            &["--session-store=file:/tmp/gf"],
            StoreConfig::File("/tmp/gf".into()),
        ),
        (
            &["--session-store", "redis://127.0.0.1:6380"],
            StoreConfig::Redis {
                host: "127.0.0.1".into(),
                port: 6380,
            },
        ),
    ];
    for (args, want) in cases {
        let c = run(args, &[]).unwrap();
        assert_eq!(&c.app.session_store, want, "{args:?}");
    }
}

#[test]
fn session_digest_flag() {
    let cases: &[(&[&str], Digest)] = &[
        (&[], Digest::Sha256),
        (&["--session-digest", "sha1"], Digest::Sha1),
        (&["--session-digest=sha256"], Digest::Sha256),
    ];
    for (args, want) in cases {
        let c = run(args, &[]).unwrap();
        assert_eq!(c.app.session_digest, *want, "{args:?}");
    }
}

#[test]
fn store_limits_flags() {
    let c = run(&[], &[]).unwrap();
    assert_eq!(
        (c.app.max_sessions, c.app.new_sessions_per_minute),
        (10_000, 60)
    );
    assert!(!c.app.hide_store_details);
    let c = run(
        &[
            "--max-sessions",
            "500",
            "--new-sessions-per-minute=0",
            "--hide-store-details",
            "--session-store",
            "postgres://gf:pw@127.0.0.1:5432/gf",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(
        (c.app.max_sessions, c.app.new_sessions_per_minute),
        (500, 0)
    );
    assert!(c.app.hide_store_details);
    assert_eq!(
        c.app.session_store.to_string(),
        "postgres://gf@127.0.0.1:5432/gf"
    );
    let e = run(
        &["--session-store", "postgres://gf:pw@h/db?sslmode=require"],
        &[],
    )
    .unwrap_err();
    assert!(e.0.contains("sslmode=require asks for TLS"), "{}", e.0);
    assert!(
        !e.0.contains("pw@"),
        "the password is not repeated: {}",
        e.0
    );
}

#[test]
fn secrets_come_from_the_environment() {
    let c = run(
        &[],
        &[("SECRET_KEY", "k1"), ("SECRET_KEY_FALLBACKS", "k0,kminus1")],
    )
    .unwrap();
    assert_eq!(c.app.secret_key, Some(Secret(b"k1".to_vec())));
    assert_eq!(
        c.app.secret_key_fallbacks,
        [Secret(b"k0".to_vec()), Secret(b"kminus1".to_vec())]
    );
    assert!(!format!("{c:?}").contains("k1"), "secrets never print");
    let none = run(&[], &[("SECRET_KEY", "")]).unwrap();
    assert_eq!(none.app.secret_key, None, "an empty SECRET_KEY means none");
}

#[test]
fn subcommands() {
    let args = |a: &[&str]| a.iter().map(ToString::to_string).collect::<Vec<_>>();
    let env = |k: &str| (k == "SECRET_KEY").then(|| "s".to_string());
    match parse(&args(&["cookie", "check", "Set-Cookie: a=b"]), &env).unwrap() {
        Command::CookieCheck(rest) => assert_eq!(rest, ["Set-Cookie: a=b"]),
        other => panic!("{other:?}"),
    }
    match parse(&args(&["session", "decode", "x.y.z"]), &env).unwrap() {
        Command::Session { args, secret, .. } => {
            assert_eq!(args, ["decode", "x.y.z"]);
            assert_eq!(secret.map(|s| s.0), Some(b"s".to_vec()));
        }
        other => panic!("{other:?}"),
    }
    assert!(parse(&args(&["cookie", "eat"]), &env).is_err());
}

#[test]
fn mistakes_are_explained() {
    let cases: &[(&[&str], &[(&str, &str)], &str)] = &[
        (&["--port"], &[], "--port needs a value"),
        (
            &["--port", "http"],
            &[],
            "--port must be a whole number from 0 to 65535, not \"http\"",
        ),
        (
            &["--port", "70000"],
            &[],
            "--port must be a whole number from 0 to 65535, not \"70000\"",
        ),
        (
            &[],
            &[("PORT", "x")],
            "PORT must be a whole number from 0 to 65535, not \"x\"",
        ),
        (&["--colour"], &[], "unknown option \"--colour\""),
        (&["--session-store"], &[], "--session-store needs a value"),
        (
            &["--session-digest", "md5"],
            &[],
            "--session-digest is sha1 (a stock Flask app) or sha256 (goldfish's default), not \"md5\"",
        ),
        (
            &["--session-store", "mysql://db"],
            &[],
            "--session-store must be memory, file:DIR, redis://HOST:PORT or postgres://USER:PASSWORD@HOST:PORT/DB, not \"mysql://db\"",
        ),
        (
            &["--idle-timeout", "0"],
            &[],
            "--idle-timeout must be a whole number from 1 to 86400, not \"0\"",
        ),
    ];
    for (args, env, want) in cases {
        let got = run(args, env).unwrap_err();
        assert_eq!(got.0, *want, "{args:?}");
    }
}

//! `goldfish`: flags → Config → serve. Everything else lives in the library.

use std::env;
use std::process::ExitCode;
use std::time::SystemTime;

use goldfish::app::{App, ROUTES};
use goldfish::cli::{self, Command};
use goldfish::server::Server;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let config = match cli::parse(&args, &|k| env::var(k).ok()) {
        Ok(Command::Serve(config)) => config,
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("goldfish {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::CookieCheck(args)) => {
            let (text, code) =
                goldfish::cli::cookie::run(&args, SystemTime::now(), &read_file, &mut warn);
            return print_and_exit(&text, code);
        }
        Ok(Command::CookieJar(args)) => {
            let (text, code) =
                goldfish::cli::jar::run(&args, SystemTime::now(), &read_file, &mut warn);
            return print_and_exit(&text, code);
        }
        Ok(Command::Session {
            args,
            secret,
            fallbacks,
        }) => {
            let fallbacks: Vec<Vec<u8>> = fallbacks.into_iter().map(|k| k.0).collect();
            let (text, code) = goldfish::cli::session::run(
                &args,
                secret.as_ref().map(|k| k.0.as_slice()),
                &fallbacks,
                SystemTime::now(),
            );
            return print_and_exit(&text, code);
        }
        Err(e) => {
            eprintln!("goldfish: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = config.app.www.check_templates() {
        eprintln!(
            "goldfish: --www: {e}. The directory must hold templates/ and static/ as \
             goldfish's own www/ does; start from a copy of it (cp -r www my-www)."
        );
        return ExitCode::FAILURE;
    }
    let app = match App::new(config.app.clone()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("goldfish: {e}");
            return ExitCode::FAILURE;
        }
    };
    let generated_key = app.generated_key;
    // Ask the session store once now, so a Redis that is down is news at
    // start-up rather than at the first visitor's 503.
    let store_note = match app.store.ping() {
        Ok(()) => format!(" * Server-side sessions: {}\n", app.store.name()),
        Err(e) => format!(
            " * WARNING: {e}.\n   {}\n   Until then /server-session answers 503; every other lesson works.\n",
            e.advice()
        ),
    };
    let listening = app.config.listening.clone();
    let mut server = match Server::bind(
        (config.host.as_str(), config.port),
        config.server.clone(),
        app,
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "goldfish: cannot listen on {}:{}: {e}",
                config.host, config.port
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = match server.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("goldfish: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut ports = vec![addr.port()];
    let mut also_line = String::new();
    if let Some(also) = config.also_port {
        match server.also_listen((config.host.as_str(), also)) {
            Ok(a) => {
                ports.push(a.port());
                also_line = format!(
                    " * Also serving on http://{a}/ (the same goldfish: cookies ignore the port, see /sites/ports)\n"
                );
            }
            Err(e) => {
                eprintln!("goldfish: cannot listen on {}:{also}: {e}", config.host);
                return ExitCode::FAILURE;
            }
        }
    }
    listening.set(ports);
    eprint!("{}", banner(&addr.to_string()));
    eprint!("{also_line}");
    eprint!("{store_note}");
    let waits = &config.server;
    eprintln!(
        " * Waits for a client: {} s for a new connection's first byte or between requests, \
         {} s for a request head{}",
        waits.idle_timeout.as_secs(),
        waits.header_timeout.as_secs(),
        if waits.header_timeout >= goldfish::server::CLASSROOM_WAIT {
            " (classroom mode)"
        } else {
            "; typing into telnet? --classroom waits 10 minutes"
        }
    );
    if generated_key {
        eprintln!(
            " * WARNING: no SECRET_KEY is set, so goldfish made a random one for this process.\n   \
             Session cookies signed with it stop working when goldfish stops: every visitor's\n   \
             session ends with the process. Set SECRET_KEY to keep sessions across restarts\n   \
             (and to share them between two goldfish processes)."
        );
    }
    for warning in cli::start_warnings(&config) {
        eprintln!(" * {warning}");
    }
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goldfish: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a file for a subcommand; `-` is standard input.
fn read_file(path: &str) -> std::io::Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

/// A subcommand's warning, on stderr so that stdout stays machine-readable.
fn warn(message: &str) {
    eprintln!("{message}");
}

/// Prints a subcommand's output: usage errors (exit 2) to stderr.
fn print_and_exit(text: &str, code: i32) -> ExitCode {
    if code == 2 {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// What the learner sees first: where to go, and what there is.
fn banner(addr: &str) -> String {
    let mut out = format!(
        "🐟 goldfish {} — HTTP forgets; here is how the web remembers.\n \
         * Serving on http://{addr}/ (press Ctrl-C to quit)\n \
         * Lessons:\n",
        env!("CARGO_PKG_VERSION")
    );
    for r in ROUTES.iter().filter(|r| !r.about.is_empty()) {
        out.push_str(&format!(
            "     {:<5} {:<34} {}\n",
            r.method, r.pattern, r.about
        ));
    }
    out
}

//! `goldfish`: flags → Config → serve. Everything else lives in the library.

use std::env;
use std::process::ExitCode;

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
        Err(e) => {
            eprintln!("goldfish: {e}");
            return ExitCode::from(2);
        }
    };
    let app = App::new(config.app.clone());
    let server = match Server::bind(
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
    eprint!("{}", banner(&addr.to_string()));
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goldfish: {e}");
            ExitCode::FAILURE
        }
    }
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

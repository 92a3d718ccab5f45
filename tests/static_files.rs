//! `GET /static/…`: files are served with their Content-Type, and no spelling
//! of a path — `..`, percent-encoded dots or slashes, dot-files, symlinks —
//! reaches anything outside `www/static`.
//!
//! The attacks run against both ways goldfish finds its files: embedded in
//! the binary (the default) and on disk (`--www DIR`), where a traversal
//! would really touch the file system.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{TestServer, app_with, config, start, start_handler};
use goldfish::app::AppConfig;
use goldfish::www::Www;

/// GETs `target` on a new connection and returns the response.
fn get(server: &TestServer, target: &str) -> common::Resp {
    let mut c = server.connect();
    c.send(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
    c.read_response()
}

/// A server for `--www dir`.
fn serve_from(dir: PathBuf) -> TestServer {
    // Struct update syntax: the configuration may grow fields; we set one.
    let app = AppConfig {
        www: Www::Disk(dir),
        log: common::quiet(),
        ..AppConfig::default()
    };
    start_handler(config(), app_with(app))
}

/// The stylesheet every page links to, with its Content-Type.
#[test]
fn site_css_is_served_as_text_css() {
    let server = start();
    let r = get(&server, "/static/site.css");
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    let on_disk = fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/www/static/site.css")).unwrap();
    assert_eq!(
        r.body, on_disk,
        "the embedded copy is the file in www/static"
    );
}

/// Targets that try to leave `www/static`, each with the reason it is
/// dangerous. Every one must be refused (400, 403 or 404) and never show a
/// byte of the file it aims at.
const ATTACKS: &[(&str, &str)] = &[
    ("/static/../Cargo.toml", "a plain .. segment"),
    ("/static/%2e%2e/Cargo.toml", ".. hidden by percent-encoding"),
    ("/static/%2E%2E/Cargo.toml", "upper-case percent-encoding"),
    ("/static/..%2fCargo.toml", "an encoded slash after .."),
    ("/static/%2e%2e%2fCargo.toml", "all encoded"),
    ("/static/..%5cCargo.toml", "an encoded backslash (Windows)"),
    ("/static/a%2Fb", "an encoded slash inside a segment"),
    ("/static/.hidden", "a dot-file"),
    ("/static/./site.css", "a . segment"),
    ("/static//etc/passwd", "an empty segment (an absolute path)"),
    ("/static/%2fetc%2fpasswd", "an encoded absolute path"),
    ("/static/site.css%00.txt", "a NUL byte"),
    ("/static/../../../../etc/passwd", "many .. segments"),
    (
        "http://localhost/static/../Cargo.toml",
        "absolute-form target with ..",
    ),
];

fn assert_refused(server: &TestServer, secret: &str) {
    for (target, why) in ATTACKS {
        let mut c = server.connect();
        c.send(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        // Some of these are refused by the parser and close the connection;
        // the rest get an answer from the router. Either way, one response.
        let r = c.read_response();
        assert!(
            [400, 403, 404].contains(&r.status),
            "GET {target} ({why}) = {}; want 400, 403 or 404",
            r.status
        );
        for needle in ["[package]", "root:", secret] {
            assert!(
                !r.text().contains(needle),
                "GET {target} ({why}) leaked {needle:?}: {}",
                r.text()
            );
        }
    }
}

/// The embedded files: every attack refused.
#[test]
fn traversal_is_refused_for_embedded_files() {
    let server = start();
    assert_refused(&server, "[package]");
}

/// On disk (`--www DIR`): every attack refused, and a symlink inside
/// `static/` that points outside it is not followed either.
#[test]
fn traversal_is_refused_for_files_on_disk() {
    let dir = std::env::temp_dir().join(format!("goldfish-static-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("static")).unwrap();
    fs::write(dir.join("static/site.css"), "body {}\n").unwrap();
    fs::write(dir.join("static/.hidden"), "hidden\n").unwrap();
    fs::write(dir.join("secret.txt"), "the secret\n").unwrap();
    fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("static/link.css")).unwrap();

    let server = serve_from(dir.clone());
    // The honest request works...
    let r = get(&server, "/static/site.css");
    assert_eq!((r.status, r.text().as_str()), (200, "body {}\n"));
    // ... the attacks don't ...
    assert_refused(&server, "the secret");
    // ... and neither does the symlink out of static/.
    let r = get(&server, "/static/link.css");
    assert!([403, 404].contains(&r.status), "symlink: {}", r.head);
    assert!(!r.text().contains("the secret"));

    drop(server);
    let _ = fs::remove_dir_all(&dir);
}

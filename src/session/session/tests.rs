//! Session bookkeeping: what counts as a change, what counts as a look.

use std::time::SystemTime;

use super::*;
use crate::http::date::from_unix_seconds;

fn now() -> SystemTime {
    from_unix_seconds(1_764_098_723)
}

/// A session as loaded from a cookie: `{"fav_number":42,"responses":["Yes"]}`.
fn loaded() -> Session {
    Session::from_map(BTreeMap::from([
        (PyStr::from("fav_number"), Value::Int(42)),
        (
            PyStr::from("responses"),
            Value::List(vec![Value::from("Yes")]),
        ),
    ]))
}

#[test]
fn tracks_modified_and_accessed() {
    type Action = fn(&mut Session);
    // (why, action on a loaded session, modified?, accessed?)
    let cases: &[(&str, Action, bool, bool)] = &[
        ("doing nothing is clean", |_| {}, false, false),
        (
            "get only reads",
            |s| {
                s.get("fav_number");
            },
            false,
            true,
        ),
        (
            "get of a missing key still looked",
            |s| {
                s.get("nope");
            },
            false,
            true,
        ),
        (
            "contains_key reads",
            |s| {
                s.contains_key("fav_number");
            },
            false,
            true,
        ),
        (
            "len reads",
            |s| {
                s.len();
            },
            false,
            true,
        ),
        (
            "is_empty reads",
            |s| {
                s.is_empty();
            },
            false,
            true,
        ),
        (
            "iter reads",
            |s| {
                s.iter().count();
            },
            false,
            true,
        ),
        (
            "permanent reads",
            |s| {
                s.permanent();
            },
            false,
            true,
        ),
        (
            "to_json is bookkeeping, not a read by the handler",
            |s| {
                s.to_json();
            },
            false,
            false,
        ),
        (
            "insert changes",
            |s| {
                s.insert("fav_number", 43);
            },
            true,
            true,
        ),
        (
            "insert of the same value still counts (as in Flask)",
            |s| {
                s.insert("fav_number", 42);
            },
            true,
            true,
        ),
        (
            "push changes",
            |s| {
                s.push("responses", "No").ok();
            },
            true,
            true,
        ),
        (
            "push creates the list",
            |s| {
                s.push("new", 1).ok();
            },
            true,
            true,
        ),
        (
            "get_mut counts even if nothing is written",
            |s| {
                s.get_mut("responses");
            },
            true,
            true,
        ),
        (
            "get_mut of a missing key changes nothing",
            |s| {
                s.get_mut("nope");
            },
            false,
            true,
        ),
        (
            "remove changes",
            |s| {
                s.remove("fav_number");
            },
            true,
            true,
        ),
        (
            "remove of a missing key changes nothing",
            |s| {
                s.remove("nope");
            },
            false,
            true,
        ),
        ("clear changes", |s| s.clear(), true, true),
        (
            "set_permanent changes (it is a key)",
            |s| s.set_permanent(true),
            true,
            true,
        ),
    ];
    for (why, action, modified, accessed) in cases {
        let mut session = loaded();
        action(&mut session);
        let got = (session.modified(), session.accessed());
        let want = (*modified, *accessed);
        assert_eq!(
            got, want,
            "{why}: (modified, accessed) = {got:?}; want {want:?}"
        );
    }
}

#[test]
fn clearing_an_empty_session_changes_nothing() {
    let mut session = Session::new();
    session.clear();
    assert!(
        !session.modified(),
        "a fresh visitor gets no needless Set-Cookie"
    );
}

#[test]
fn from_map_is_clean() {
    let session = loaded();
    assert!(!session.modified() && !session.accessed());
    assert_eq!(session, loaded());
}

#[test]
fn push_inside_a_stored_list_is_saved() {
    // Flask's gotcha: session['responses'].append('No') is *not* saved,
    // because the dict itself did not change. goldfish sees the &mut.
    let mut session = loaded();
    if let Some(items) = session.get_mut("responses").and_then(Value::as_list_mut) {
        items.push(Value::from("No"));
    }
    assert!(session.modified());
    assert_eq!(
        session.to_json(),
        r#"{"fav_number":42,"responses":["Yes","No"]}"#
    );
}

#[test]
fn push_refuses_a_key_that_holds_something_else() {
    let mut session = loaded();
    let got = session.push("fav_number", 1);
    let want = NotAList {
        key: "fav_number".into(),
        found: "int",
    };
    assert_eq!(got, Err(want));
    assert!(!session.modified(), "nothing was changed");
    assert_eq!(session.get("fav_number"), Some(&Value::Int(42)));
}

#[test]
fn permanent_is_stored_in_the_dictionary_as_flask_does() {
    let mut session = Session::new();
    assert!(!session.permanent());
    session.set_permanent(true);
    assert!(session.permanent());
    assert_eq!(session.to_json(), r#"{"_permanent":true}"#);
    session.set_permanent(false);
    assert_eq!(session.to_json(), r#"{"_permanent":false}"#);
}

#[test]
fn cookie_round_trip() {
    let signer = Signer::new(b"SHHHHHHHHHHH SEEKRIT", &[]);
    let mut session = Session::new();
    session.insert("fav_number", 42);
    let cookie = session.encode_cookie(&signer, now());
    // The lecture's cookie, byte for byte.
    assert_eq!(
        cookie,
        "eyJmYXZfbnVtYmVyIjo0Mn0.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io"
    );

    let (back, outcome) = Session::decode_cookie(
        Some(&cookie),
        &signer,
        Some(PERMANENT_SESSION_LIFETIME),
        now(),
    );
    assert_eq!(
        outcome,
        LoadOutcome::Loaded {
            timestamp: 1_764_098_723,
            key: KeyUsed::Current
        }
    );
    assert_eq!(back.get("fav_number"), Some(&Value::Int(42)));
    assert!(!back.modified(), "a loaded session is clean");
}

#[test]
fn a_bad_cookie_gives_an_empty_session_never_an_error() {
    let signer = Signer::new(b"SHHHHHHHHHHH SEEKRIT", &[]);
    type Check = fn(&LoadOutcome) -> bool;
    let cases: &[(&str, Option<&str>, Check)] = &[
        ("no cookie at all", None, |o| {
            matches!(o, LoadOutcome::Fresh)
        }),
        ("an empty value", Some(""), |o| {
            matches!(
                o,
                LoadOutcome::Rejected(SignError::MissingSeparators { .. })
            )
        }),
        ("garbage", Some("hello"), |o| {
            matches!(o, LoadOutcome::Rejected(_))
        }),
        (
            "tampered payload",
            Some("eyJmYXZfbnVtYmVyIjo0M30.aSYCow.XTZe0hAixsAev5ZQ3zCpnZKv7vEyUfSa8_pUPXmS7io"),
            |o| matches!(o, LoadOutcome::Rejected(SignError::BadSignature { .. })),
        ),
    ];
    for (why, value, check) in cases {
        let (session, outcome) = Session::decode_cookie(*value, &signer, None, now());
        assert!(
            check(&outcome),
            "{why}: decode_cookie({value:?}) outcome = {outcome:?}"
        );
        assert_eq!(session, Session::new(), "{why}: the session is empty");
    }
}

#[test]
fn expired_cookie_gives_an_empty_session() {
    let signer = Signer::new(b"k", &[]);
    let cookie = signer.sign(r#"{"a":1}"#, from_unix_seconds(0));
    let (session, outcome) = Session::decode_cookie(
        Some(&cookie),
        &signer,
        Some(PERMANENT_SESSION_LIFETIME),
        now(),
    );
    assert!(
        matches!(outcome, LoadOutcome::Rejected(SignError::Expired { .. })),
        "{outcome:?}"
    );
    assert_eq!(session.into_map(), BTreeMap::new());
}

//! SCRAM-SHA-256 and PBKDF2 against their published vectors.

use super::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// PBKDF2-HMAC-SHA-256: RFC 7914 §11 (the scrypt RFC publishes the only
/// SHA-256 vectors from the IETF; its second, c=80000, takes seconds in a
/// debug build and is left out), plus the widely used ones for
/// "password"/"salt" (checked against Python's `hashlib.pbkdf2_hmac`).
#[test]
fn pbkdf2_vectors() {
    let cases: &[(&str, &[u8], &[u8], u32, &str)] = &[
        (
            "RFC 7914 §11, c=1, two blocks",
            b"passwd",
            b"salt",
            1,
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
          49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
        ),
        (
            "c=1, one block",
            b"password",
            b"salt",
            1,
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
        ),
        (
            "c=2",
            b"password",
            b"salt",
            2,
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
        ),
        (
            "c=4096, PostgreSQL's count",
            b"password",
            b"salt",
            4096,
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
        ),
        (
            "a key cut short of a block",
            b"pass\0word",
            b"sa\0lt",
            4096,
            "89b69d0516f829893c696226650a8687",
        ),
    ];
    for (why, password, salt, c, want) in cases {
        let mut out = vec![0u8; want.len() / 2];
        pbkdf2_sha256(password, salt, *c, &mut out);
        assert_eq!(
            hex(&out),
            *want,
            "{why}: pbkdf2_sha256(c={c}) = {}; want {want}",
            hex(&out)
        );
    }
}

/// RFC 7677 §3: the whole example exchange, user "user", password "pencil".
#[test]
fn the_rfc_7677_exchange() {
    let client = ScramClient::new("user", "rOprNGfwEbeRWgbNEkqO");
    assert_eq!(client.first_message(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                        s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    let (last, check) = client.final_message(b"pencil", server_first).unwrap();
    assert_eq!(
        last,
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
         p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    );
    assert_eq!(
        check.verify("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        Ok(())
    );
}

#[test]
fn a_server_that_cannot_sign_is_caught() {
    let client = ScramClient::new("", "abc");
    let (_, check) = client
        .final_message(b"pencil", "r=abcdef,s=QSXCR+Q6sek8bf92,i=4096")
        .unwrap();
    let cases: &[(&str, &str, ScramError)] = &[
        (
            "a signature of the wrong key",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
            ScramError::WrongServerSignature,
        ),
        ("an empty signature", "v=", ScramError::WrongServerSignature),
        (
            "the server says no",
            "e=invalid-proof",
            ScramError::ServerRefused {
                reason: "invalid-proof".into(),
            },
        ),
        (
            "not base64",
            "v=***",
            ScramError::BadServerFinal {
                found: "v=***".into(),
            },
        ),
        (
            "no v=",
            "x=1",
            ScramError::BadServerFinal {
                found: "x=1".into(),
            },
        ),
    ];
    for (why, server_final, want) in cases {
        assert_eq!(
            check.verify(server_final).as_ref(),
            Err(want),
            "{why}: verify({server_final:?})"
        );
    }
}

#[test]
fn bad_server_first_messages_are_refused() {
    let client = ScramClient::new("", "abc");
    let cases: &[(&str, &str, ScramError)] = &[
        (
            "a nonce that is not ours",
            "r=xyz123,s=QSXCR+Q6sek8bf92,i=4096",
            ScramError::NonceMismatch,
        ),
        (
            "our nonce, nothing added",
            "r=abc,s=QSXCR+Q6sek8bf92,i=4096",
            ScramError::NonceMismatch,
        ),
        (
            "zero iterations",
            "r=abcd,s=QSXCR+Q6sek8bf92,i=0",
            ScramError::Iterations { found: "0".into() },
        ),
        (
            "a billion iterations",
            "r=abcd,s=QSXCR+Q6sek8bf92,i=1000000000",
            ScramError::Iterations {
                found: "1000000000".into(),
            },
        ),
        (
            "fields out of order",
            "s=QSXCR+Q6sek8bf92,r=abcd,i=4096",
            ScramError::BadServerFirst {
                found: "s=QSXCR+Q6sek8bf92,r=abcd,i=4096".into(),
            },
        ),
        (
            "a salt that is not base64",
            "r=abcd,s=!!!!,i=4096",
            ScramError::BadServerFirst {
                found: "r=abcd,s=!!!!,i=4096".into(),
            },
        ),
        (
            "a mandatory extension",
            "m=ext,r=abcd,s=QSXCR+Q6sek8bf92,i=4096",
            ScramError::BadServerFirst {
                found: "m=ext,r=abcd,s=QSXCR+Q6sek8bf92,i=4096".into(),
            },
        ),
        (
            "empty",
            "",
            ScramError::BadServerFirst {
                found: String::new(),
            },
        ),
    ];
    for (why, server_first, want) in cases {
        let got = client
            .final_message(b"pencil", server_first)
            .map(|(m, _)| m);
        assert_eq!(
            got.as_ref(),
            Err(want),
            "{why}: final_message({server_first:?})"
        );
    }
}

#[test]
fn names_with_commas_and_equals_are_escaped() {
    assert_eq!(
        ScramClient::new("a=b,c", "n").first_message(),
        "n,,n=a=3Db=2Cc,r=n"
    );
    assert_eq!(
        ScramClient::new("", "n").first_message(),
        "n,,n=,r=n",
        "as libpq sends it"
    );
}

#[test]
fn standard_base64_with_padding() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", ""),
        ("one byte: two pads", b"f", "Zg=="),
        ("two bytes: one pad", b"fo", "Zm8="),
        ("three bytes: none", b"foo", "Zm9v"),
        ("+ and /, not - and _", &[0xfb, 0xff], "+/8="),
    ];
    for (why, bytes, text) in cases {
        assert_eq!(base64_encode(bytes), *text, "{why}: encode");
        assert_eq!(
            base64_decode(text).as_deref(),
            Some(*bytes),
            "{why}: decode"
        );
    }
    for bad in ["Zg", "Zg=", "Z===", "-_8=", "Zm9v!", "Zh=="] {
        assert_eq!(base64_decode(bad), None, "base64_decode({bad:?})");
    }
}

//! SCRAM-SHA-256 (RFC 5802, RFC 7677), the client side, by hand: how
//! PostgreSQL (10 and later, the default since 14) checks a password
//! without the password, or anything that would let an eavesdropper log
//! in, ever crossing the network.
//!
//! The exchange, three messages after the server names the mechanism:
//!
//! ```text
//! client-first   n,,n=,r=CLIENT_NONCE
//! server-first   r=CLIENT_NONCE+SERVER_NONCE,s=SALT,i=ITERATIONS
//! client-final   c=biws,r=CLIENT_NONCE+SERVER_NONCE,p=PROOF
//! server-final   v=SERVER_SIGNATURE
//! ```
//!
//! The keys (RFC 5802 §3), with `H` = SHA-256 and `HMAC` = HMAC-SHA-256:
//! 1. `SaltedPassword  = PBKDF2(HMAC, password, salt, i)` — slow on purpose.
//! 2. `ClientKey = HMAC(SaltedPassword, "Client Key")`, `StoredKey = H(ClientKey)`.
//! 3. `AuthMessage = client-first-bare + "," + server-first + "," + client-final-without-proof`.
//! 4. `ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage)`.
//! 5. `ServerSignature = HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage)`.
//!
//! The server stores only `StoredKey` and `ServerKey`. From the proof it
//! recovers `ClientKey`, hashes it, and compares with `StoredKey`: so it
//! knows the client had the password. The client, in turn, checks the
//! server's signature (step 5): only something that holds `ServerKey` can
//! make it, so a fake server that merely accepts any login is caught.
//! goldfish refuses to go on unless the signature verifies.
//!
//! Facts:
//! - `n,,` is the GS2 header: "no channel binding". Channel binding ties
//!   the login to a TLS connection (`SCRAM-SHA-256-PLUS`); goldfish has no
//!   TLS, so it never picks `-PLUS`.
//! - PostgreSQL ignores the user name in `n=` (it takes the `StartupMessage`'s),
//!   so libpq sends it empty; so does goldfish.
//! - Passwords are used as their UTF-8 bytes. RFC 5802 asks for SASLprep
//!   (RFC 4013) first, which changes only some non-ASCII passwords;
//!   goldfish leaves it out, as PostgreSQL itself does for a password that
//!   SASLprep refuses. An ASCII password is unaffected.
//! - Nonces come from the same randomness as session ids (`crate::random`).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::session::base64url;

type HmacSha256 = Hmac<Sha256>;

/// The mechanism name, as PostgreSQL lists it in `AuthenticationSASL`.
pub const MECHANISM: &str = "SCRAM-SHA-256";

/// More PBKDF2 iterations than this is refused: a hostile server could
/// otherwise make each login cost seconds. (PostgreSQL uses 4096.)
pub const MAX_ITERATIONS: u32 = 100_000;

/// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA-256, `out.len()` bytes of key.
///
/// `T_k = U_1 ^ U_2 ^ … ^ U_c`, where `U_1 = HMAC(P, S || INT(k))` and
/// `U_j = HMAC(P, U_{j-1})`; the key is `T_1 || T_2 || …`, cut to length.
///
/// # Panics
/// Never: HMAC takes keys of any length (RFC 2104 §3), so keying cannot fail.
pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    // Keying HMAC hashes the key once; every U_j reuses that keyed state.
    let keyed = HmacSha256::new_from_slice(password).expect("HMAC takes keys of any length");
    for (k, block) in out.chunks_mut(32).enumerate() {
        let mut mac = keyed.clone();
        mac.update(salt);
        mac.update(&(k as u32 + 1).to_be_bytes());
        let mut u = mac.finalize().into_bytes();
        let mut t = u;
        for _ in 1..iterations {
            let mut mac = keyed.clone();
            mac.update(&u);
            u = mac.finalize().into_bytes();
            for (t, u) in t.iter_mut().zip(u.iter()) {
                *t ^= u;
            }
        }
        block.copy_from_slice(&t[..block.len()]);
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Base64 as SCRAM writes it: the standard alphabet (`+`, `/`) with `=`
/// padding (RFC 4648 §4), not the URL-safe one the cookies use.
#[must_use]
pub fn base64_encode(bytes: &[u8]) -> String {
    let url = base64url::encode(bytes);
    let mut out: String = url
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// The inverse of [`base64_encode`]; `None` for anything else.
#[must_use]
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) || text.contains(['-', '_']) {
        return None;
    }
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 {
        return None;
    }
    let url: String = body
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    base64url::decode(&url).ok()
}

/// Why a SCRAM exchange failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScramError {
    /// The server-first message is not `r=…,s=…,i=…`.
    BadServerFirst { found: String },
    /// The server's nonce does not extend ours (a replay, or a confused server).
    NonceMismatch,
    /// Zero iterations, or more than [`MAX_ITERATIONS`].
    Iterations { found: String },
    /// The server-final message is `e=…`: the server refused.
    ServerRefused { reason: String },
    /// The server-final message is not `v=…`.
    BadServerFinal { found: String },
    /// `v=` does not match: whoever answered does not know the password's keys.
    WrongServerSignature,
}

impl std::fmt::Display for ScramError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScramError::BadServerFirst { found } => write!(
                f,
                "the SCRAM server-first message should read r=NONCE,s=SALT,i=ITERATIONS, not {found:?}"
            ),
            ScramError::NonceMismatch => {
                f.write_str("the server's SCRAM nonce does not start with goldfish's own")
            }
            ScramError::Iterations { found } => write!(
                f,
                "the server asks for {found} PBKDF2 iterations; goldfish accepts 1 to {MAX_ITERATIONS}"
            ),
            ScramError::ServerRefused { reason } => {
                write!(f, "the server refused the SCRAM proof ({reason})")
            }
            ScramError::BadServerFinal { found } => write!(
                f,
                "the SCRAM server-final message should read v=SIGNATURE, not {found:?}"
            ),
            ScramError::WrongServerSignature => f.write_str(
                "the server's SCRAM signature is wrong: whatever answered does not hold the \
                 password's keys, so it is not the server it claims to be",
            ),
        }
    }
}

/// One SCRAM-SHA-256 login, client side. See the module docs.
///
/// # Examples
/// RFC 7677 §3's example exchange:
/// ```
/// use goldfish::store::postgres::scram::ScramClient;
/// let client = ScramClient::new("user", "rOprNGfwEbeRWgbNEkqO");
/// assert_eq!(client.first_message(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
/// let (last, check) = client
///     .final_message(b"pencil", "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
///                               s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
///     .unwrap();
/// assert!(last.ends_with(",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
/// assert!(check.verify("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").is_ok());
/// ```
#[derive(Debug)]
pub struct ScramClient {
    /// `n=USER,r=NONCE`: the client-first message without its GS2 header.
    first_bare: String,
    nonce: String,
}

/// What the server-final message must prove. `Debug` shows no key.
pub struct ServerCheck {
    server_key: [u8; 32],
    auth_message: String,
}

impl std::fmt::Debug for ServerCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerCheck(..)")
    }
}

impl ScramClient {
    /// A login as `user` (empty for PostgreSQL) with a fresh `nonce`
    /// (printable, no comma: base64 of random bytes).
    #[must_use]
    pub fn new(user: &str, nonce: &str) -> ScramClient {
        // RFC 5802 §5.1: `=` and `,` in a name are written =3D and =2C.
        let user = user.replace('=', "=3D").replace(',', "=2C");
        ScramClient {
            first_bare: format!("n={user},r={nonce}"),
            nonce: nonce.to_owned(),
        }
    }

    /// The client-first message: GS2 header `n,,` + `n=USER,r=NONCE`.
    #[must_use]
    pub fn first_message(&self) -> String {
        format!("n,,{}", self.first_bare)
    }

    /// Steps 1–5 of the module docs: reads the server-first message and
    /// returns the client-final message, and what the server must answer.
    ///
    /// # Errors
    /// [`ScramError`] if the server-first message is malformed, its nonce
    /// does not extend ours, or its iteration count is out of range.
    pub fn final_message(
        &self,
        password: &[u8],
        server_first: &str,
    ) -> Result<(String, ServerCheck), ScramError> {
        let bad = || ScramError::BadServerFirst {
            found: server_first.chars().take(200).collect(),
        };
        let mut parts = server_first.split(',');
        let mut field = |name: &str| {
            parts
                .next()
                .and_then(|p| p.strip_prefix(name))
                .ok_or_else(bad)
        };
        let nonce = field("r=")?;
        let salt = field("s=")?;
        let iterations = field("i=")?;
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err(ScramError::NonceMismatch);
        }
        let salt = base64_decode(salt).ok_or_else(bad)?;
        let iterations = match iterations.parse::<u32>() {
            Ok(n) if (1..=MAX_ITERATIONS).contains(&n) => n,
            _ => {
                return Err(ScramError::Iterations {
                    found: iterations.chars().take(20).collect(),
                });
            }
        };
        // 1. The slow part.
        let mut salted = [0u8; 32];
        pbkdf2_sha256(password, &salt, iterations, &mut salted);
        // 2.
        let client_key = hmac(&salted, b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        // 3. `c=biws` is base64("n,,"): the GS2 header again, bound into the proof.
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        // 4.
        let signature = hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(signature.iter())
            .map(|(k, s)| k ^ s)
            .collect();
        // 5. Kept for `ServerCheck::verify`.
        let server_key = hmac(&salted, b"Server Key");
        let message = format!("{without_proof},p={}", base64_encode(&proof));
        Ok((
            message,
            ServerCheck {
                server_key,
                auth_message,
            },
        ))
    }
}

impl ServerCheck {
    /// Checks the server-final message, `v=SIGNATURE`, in constant time
    /// (`verify_slice`, as the session signer does).
    ///
    /// # Errors
    /// [`ScramError`]: the server refused (`e=…`), wrote something else, or
    /// signed wrongly.
    ///
    /// # Panics
    /// Never: HMAC takes keys of any length (RFC 2104 §3).
    pub fn verify(&self, server_final: &str) -> Result<(), ScramError> {
        if let Some(reason) = server_final.strip_prefix("e=") {
            return Err(ScramError::ServerRefused {
                reason: reason.chars().take(200).collect(),
            });
        }
        let signature = server_final
            .split(',')
            .next()
            .and_then(|v| v.strip_prefix("v="))
            .and_then(base64_decode)
            .ok_or_else(|| ScramError::BadServerFinal {
                found: server_final.chars().take(200).collect(),
            })?;
        let mut mac =
            HmacSha256::new_from_slice(&self.server_key).expect("HMAC takes keys of any length");
        mac.update(self.auth_message.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| ScramError::WrongServerSignature)
    }
}

#[cfg(test)]
mod tests;

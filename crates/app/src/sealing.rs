//! What the server hands out or keeps that only it may read: page cursors,
//! which carry the sort key of the last row shown (a value the caller may
//! not be allowed to see), and secrets kept at rest. Sealed with
//! ChaCha20-Poly1305 under the server's secret key; the purpose is bound as
//! associated data, so a value sealed for one use opens for no other.

use crate::AppError;
use custodian_core::hex::{from_hex, to_hex};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use std::path::Path;

/// Starts a secret sealed at rest (a raw second-factor key never does: it
/// is 20 random bytes, and a legacy one matching by chance would not open).
const AT_REST_MARKER: &[u8] = b"CSK1";

/// What a sealed value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Where a list page ended.
    Cursor,
    /// A secret kept in the database (a second factor's key).
    AtRest,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Cursor => b"custodian-cursor-v1",
            Purpose::AtRest => b"custodian-at-rest-v1",
        }
    }
}

/// The server's secret key: 32 bytes, from a file every server of one
/// installation shares (`serve --secret-key`), or random for one process.
pub struct ServerKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without an OS random source nothing can be sealed safely.
    if getrandom::getrandom(&mut bytes).is_err() {
        std::process::abort();
    }
    bytes
}

impl ServerKey {
    fn from_bytes(bytes: &[u8; 32]) -> ServerKey {
        let unbound =
            UnboundKey::new(&CHACHA20_POLY1305, bytes).unwrap_or_else(|_| std::process::abort());
        ServerKey {
            key: LessSafeKey::new(unbound),
        }
    }

    /// A key for this process only: its cursors end with it.
    pub fn random() -> ServerKey {
        ServerKey::from_bytes(&random_bytes::<32>())
    }

    /// A key given as 64 hex digits (`CUSTODIAN_SECRET_KEY`, for operators
    /// who keep secrets in the environment rather than in files).
    pub fn from_hex_key(text: &str) -> Result<ServerKey, AppError> {
        from_hex(text.trim())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(|bytes| ServerKey::from_bytes(&bytes))
            .ok_or_else(|| {
                AppError::Configuration(
                    "CUSTODIAN_SECRET_KEY does not hold a secret key (64 hex digits)".into(),
                )
            })
    }

    /// The key in `path` (64 hex digits); with `create`, a new one written
    /// there, readable by the owner only, when none exists.
    pub fn load(path: &Path, create: bool) -> Result<ServerKey, AppError> {
        match std::fs::read_to_string(path) {
            Ok(text) => from_hex(text.trim())
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .map(|bytes| ServerKey::from_bytes(&bytes))
                .ok_or_else(|| {
                    AppError::Configuration(format!(
                        "{} does not hold a secret key (64 hex digits)",
                        path.display()
                    ))
                }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                let bytes = random_bytes::<32>();
                crate::audit::write_private(path, &format!("{}\n", to_hex(&bytes)))?;
                tracing::info!(path = %path.display(), "created the server's secret key; keep a copy of it with the database backups");
                Ok(ServerKey::from_bytes(&bytes))
            }
            Err(error) => Err(AppError::Configuration(format!(
                "cannot read the secret key {}: {error}",
                path.display()
            ))),
        }
    }

    /// A fresh nonce, the ciphertext and its tag.
    fn seal_bytes(&self, purpose: Purpose, plaintext: &[u8]) -> Vec<u8> {
        let nonce = random_bytes::<NONCE_LEN>();
        let mut sealed = plaintext.to_vec();
        if self
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.label()),
                &mut sealed,
            )
            .is_err()
        {
            std::process::abort();
        }
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    fn open_bytes(&self, purpose: Purpose, bytes: &[u8]) -> Option<Vec<u8>> {
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut sealed = sealed.to_vec();
        let plaintext = self
            .key
            .open_in_place(nonce, Aad::from(purpose.label()), &mut sealed)
            .ok()?;
        Some(plaintext.to_vec())
    }

    /// Hex of a fresh nonce, the ciphertext and its tag.
    pub fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> String {
        to_hex(&self.seal_bytes(purpose, plaintext))
    }

    /// A secret as the database keeps it: a marker, then the sealed bytes.
    pub fn seal_at_rest(&self, secret: &[u8]) -> Vec<u8> {
        let mut stored = AT_REST_MARKER.to_vec();
        stored.extend(self.seal_bytes(Purpose::AtRest, secret));
        stored
    }

    /// A secret the database keeps. One kept before secrets were sealed
    /// (no marker) is taken as it is; a sealed one that this key cannot
    /// open is None.
    pub fn open_at_rest(&self, stored: &[u8]) -> Option<Vec<u8>> {
        match stored.strip_prefix(AT_REST_MARKER) {
            Some(sealed) => self.open_bytes(Purpose::AtRest, sealed),
            None => Some(stored.to_vec()),
        }
    }

    /// The plaintext, or None for anything this key did not seal for
    /// `purpose` (altered, another key's, another purpose's).
    pub fn open(&self, purpose: Purpose, token: &str) -> Option<Vec<u8>> {
        if token.len() > 4096 {
            return None;
        }
        self.open_bytes(purpose, &from_hex(token)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_purpose() {
        let key = ServerKey::random();
        let token = key.seal(Purpose::Cursor, b"TAda Lovelace\x1f42");
        assert!(!token.contains(&to_hex(b"Ada")), "the value shows through");
        assert_eq!(
            key.open(Purpose::Cursor, &token).as_deref(),
            Some(&b"TAda Lovelace\x1f42"[..])
        );
        assert_eq!(key.open(Purpose::AtRest, &token), None);
        assert_eq!(ServerKey::random().open(Purpose::Cursor, &token), None);
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            key.open(Purpose::Cursor, &String::from_utf8(altered).unwrap()),
            None
        );
        // Two seals of one value differ: equal sort keys do not show.
        assert_ne!(token, key.seal(Purpose::Cursor, b"TAda Lovelace\x1f42"));
    }

    #[test]
    fn secrets_at_rest_are_sealed_and_legacy_ones_still_read() {
        let key = ServerKey::random();
        let stored = key.seal_at_rest(b"12345678901234567890");
        assert!(!stored.windows(20).any(|w| w == b"12345678901234567890"));
        assert_eq!(
            key.open_at_rest(&stored).as_deref(),
            Some(&b"12345678901234567890"[..])
        );
        assert_eq!(ServerKey::random().open_at_rest(&stored), None);
        assert_eq!(
            key.open_at_rest(b"legacy-secret-bytes!").as_deref(),
            Some(&b"legacy-secret-bytes!"[..])
        );
    }

    #[test]
    fn a_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let made = ServerKey::load(&path, true).unwrap();
        let token = made.seal(Purpose::AtRest, b"secret");
        let read = ServerKey::load(&path, false).unwrap();
        assert_eq!(
            read.open(Purpose::AtRest, &token).as_deref(),
            Some(&b"secret"[..])
        );
        std::fs::write(&path, "not a key").unwrap();
        assert!(ServerKey::load(&path, false).is_err());
        // The same key given in the environment opens what the file's sealed.
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        std::fs::write(&path, hex).unwrap();
        let sealed = ServerKey::load(&path, false)
            .unwrap()
            .seal(Purpose::Cursor, b"x");
        let from_env = ServerKey::from_hex_key(hex).unwrap();
        assert_eq!(
            from_env.open(Purpose::Cursor, &sealed).as_deref(),
            Some(&b"x"[..])
        );
        assert!(ServerKey::from_hex_key("abc").is_err());
    }
}

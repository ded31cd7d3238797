//! The suppression list: what is kept of an erased person so that a later
//! import or form recognises them instead of silently recreating them. Only
//! a keyed hash (HMAC-SHA256 with a secret key of the tenant) of each email
//! and phone number is kept, never the value: without the key a list of
//! hashes cannot be checked against guessed addresses.

use crate::hex::to_hex;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    Email,
    Phone,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::Email => "email",
            IdentifierKind::Phone => "phone",
        }
    }
}

/// The form an identifier is compared in: a trimmed, lower-cased email; a
/// phone number's digits (international form when it was written with +).
pub fn normalise(kind: IdentifierKind, value: &str) -> Option<String> {
    let normal = match kind {
        IdentifierKind::Email => value.trim().to_lowercase(),
        IdentifierKind::Phone => value.chars().filter(char::is_ascii_digit).collect(),
    };
    (!normal.is_empty()).then_some(normal)
}

/// The keyed hash kept on the list, as hex; None for an empty identifier.
pub fn suppression_digest(key: &[u8], kind: IdentifierKind, value: &str) -> Option<String> {
    let normal = normalise(kind, value)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(kind.as_str().as_bytes());
    mac.update(b":");
    mac.update(normal.as_bytes());
    Some(to_hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_gives_the_same_digest_however_written() {
        let key = b"tenant key";
        assert_eq!(
            suppression_digest(key, IdentifierKind::Email, " Anna@Example.COM "),
            suppression_digest(key, IdentifierKind::Email, "anna@example.com")
        );
        assert_eq!(
            suppression_digest(key, IdentifierKind::Phone, "+49 30 123-4567"),
            suppression_digest(key, IdentifierKind::Phone, "+49301234567")
        );
    }

    #[test]
    fn the_digest_depends_on_key_and_kind_and_hides_the_value() {
        let digest = suppression_digest(b"k1", IdentifierKind::Email, "anna@example.com").unwrap();
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains("anna"));
        assert_ne!(
            Some(digest),
            suppression_digest(b"k2", IdentifierKind::Email, "anna@example.com")
        );
        assert_eq!(
            suppression_digest(b"k1", IdentifierKind::Phone, " - "),
            None
        );
    }
}

//! A tenant's password policy: a minimum length, a blocklist of passwords
//! that appear first in every breach list (and their obvious variants), and
//! an optional rotation interval.

use crate::validation::FieldProblem;
use serde::{Deserialize, Serialize};

pub const MIN_LENGTH_FLOOR: u32 = 8;
pub const MIN_LENGTH_CEILING: u32 = 128;
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MAX_ROTATION_DAYS: u32 = 3_650;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters a password may have (8 to 128; default 12).
    pub min_length: u32,
    /// Days after which a password must be changed at the next login;
    /// None for never.
    pub rotation_days: Option<u32>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 12,
            rotation_days: None,
        }
    }
}

/// Passwords and stems that top the published breach corpora. A password
/// is refused when, lower-cased and with digits and symbols stripped from
/// both ends, it is one of these (so "Password2026!" and "!!qwerty123" go
/// too), or when it is one character repeated.
const BLOCKED: &[&str] = &[
    "password",
    "passwort",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "qwerty",
    "qwertz",
    "azerty",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbn",
    "zxcvbnm",
    "letmein",
    "welcome",
    "willkommen",
    "iloveyou",
    "admin",
    "administrator",
    "root",
    "login",
    "master",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "soccer",
    "hockey",
    "sunshine",
    "princess",
    "shadow",
    "superman",
    "batman",
    "trustno",
    "trustnoone",
    "abc",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "secret",
    "changeme",
    "default",
    "guest",
    "hello",
    "hallo",
    "freedom",
    "whatever",
    "starwars",
    "pokemon",
    "michael",
    "jennifer",
    "jordan",
    "hunter",
    "killer",
    "charlie",
    "summer",
    "winter",
    "spring",
    "autumn",
    "sommer",
    "herbst",
    "fruehling",
    "january",
    "december",
    "monday",
    "friday",
    "computer",
    "internet",
    "samsung",
    "google",
    "apple",
    "microsoft",
    "company",
    "firma",
    "office",
    "custodian",
    "crm",
    "test",
    "tester",
    "testing",
    "demo",
    "user",
    "benutzer",
    "access",
    "zugang",
    "geheim",
    "passwd",
    "pass",
    "pw",
    "kennwort",
    "temp",
    "temporary",
    "letmeinnow",
    "iloveu",
    "loveme",
    "lovely",
    "ninja",
    "mustang",
    "matrix",
    "cheese",
    "flower",
    "purple",
    "orange",
    "banana",
    "chocolate",
    "cookie",
    "qazwsx",
    "qwe",
    "asd",
    "zaq",
    "onetwothree",
    "doesntmatter",
    "nopassword",
];

fn is_blocked(password: &str) -> bool {
    let lower = password.to_lowercase();
    let stem = lower.trim_matches(|c: char| !c.is_alphabetic());
    if stem.is_empty() {
        // Only digits and symbols: 12345678, !!!!!!!!
        return lower.chars().all(|c| c.is_ascii_digit())
            || lower
                .chars()
                .all(|c| c == lower.chars().next().unwrap_or(c));
    }
    let first = lower.chars().next();
    lower.chars().all(|c| Some(c) == first) || BLOCKED.contains(&stem)
}

impl PasswordPolicy {
    /// Checks a new password; `personal` are the user's email and name,
    /// which a password must not be built from.
    pub fn check(&self, password: &str, personal: &[&str]) -> Result<(), FieldProblem> {
        let length = password.chars().count();
        if length < self.min_length as usize {
            return Err(FieldProblem::new(
                "too_short",
                format!("Use at least {} characters.", self.min_length),
            ));
        }
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(FieldProblem::new(
                "too_long",
                format!("Use at most {MAX_PASSWORD_BYTES} characters."),
            ));
        }
        if is_blocked(password) {
            return Err(FieldProblem::new(
                "common_password",
                "This password is among the most common ones attackers try first; choose another.",
            ));
        }
        let lower = password.to_lowercase();
        for part in personal {
            let part = part.split('@').next().unwrap_or("").trim().to_lowercase();
            if part.chars().count() >= 5 && lower.contains(&part) {
                return Err(FieldProblem::new(
                    "contains_personal_data",
                    "Do not build the password from your name or email address.",
                ));
            }
        }
        Ok(())
    }

    /// The policy's own settings checked, for an administrator's change.
    pub fn validate(&self) -> Result<(), (&'static str, FieldProblem)> {
        if !(MIN_LENGTH_FLOOR..=MIN_LENGTH_CEILING).contains(&self.min_length) {
            return Err((
                "min_length",
                FieldProblem::new(
                    "out_of_range",
                    format!("Choose {MIN_LENGTH_FLOOR} to {MIN_LENGTH_CEILING} characters."),
                ),
            ));
        }
        if let Some(days) = self.rotation_days {
            if !(1..=MAX_ROTATION_DAYS).contains(&days) {
                return Err((
                    "rotation_days",
                    FieldProblem::new(
                        "out_of_range",
                        format!("Choose 1 to {MAX_ROTATION_DAYS} days, or none for no rotation."),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether a password set at `changed_at_ms` must be changed at `now_ms`.
    pub fn expired(&self, changed_at_ms: i64, now_ms: i64) -> bool {
        self.rotation_days
            .is_some_and(|days| now_ms - changed_at_ms >= i64::from(days) * 86_400_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(password: &str) -> Option<&'static str> {
        PasswordPolicy::default()
            .check(password, &["ada.lovelace@example.com", "Ada Lovelace"])
            .err()
            .map(|p| p.code)
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        assert_eq!(refused("short"), Some("too_short"));
        assert_eq!(refused("Password2026!"), Some("common_password"));
        assert_eq!(refused("!!qwertyuiop123"), Some("common_password"));
        assert_eq!(refused("123456789012"), Some("common_password"));
        assert_eq!(refused("aaaaaaaaaaaaaa"), Some("common_password"));
        assert_eq!(
            refused("my-ada.lovelace-2026"),
            Some("contains_personal_data")
        );
        assert_eq!(refused("correct horse battery staple"), None);
    }

    #[test]
    fn the_policy_itself_is_checked_and_rotation_counts_days() {
        let policy = PasswordPolicy {
            min_length: 4,
            rotation_days: None,
        };
        assert!(policy.validate().is_err());
        let policy = PasswordPolicy {
            min_length: 12,
            rotation_days: Some(90),
        };
        assert!(policy.validate().is_ok());
        let day = 86_400_000;
        assert!(!policy.expired(0, 89 * day));
        assert!(policy.expired(0, 90 * day));
        assert!(!PasswordPolicy::default().expired(0, 10_000 * day));
    }
}

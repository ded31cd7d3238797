//! Random tokens and their hashes, and Argon2id password hashing (run off
//! the async runtime, since it takes tens of milliseconds by design).

use crate::AppError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use custodian_core::hex::to_hex;
use password_hash::rand_core::OsRng;
use password_hash::SaltString;
use sha2::{Digest, Sha256};

/// 32 random bytes as hex.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // Without an OS random source no secret can be made safely: fail loudly.
    if getrandom::getrandom(&mut bytes).is_err() {
        std::process::abort();
    }
    to_hex(&bytes)
}

pub(crate) fn sha256_hex(value: &str) -> String {
    to_hex(&Sha256::digest(value.as_bytes()))
}

/// OWASP's minimum for Argon2id: 19 MiB, 2 iterations, parallelism 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub(crate) async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| AppError::PasswordHashing)
    })
    .await
    .map_err(|_| AppError::PasswordHashing)?
}

/// A hash of a random password nobody knows, verified when the user does not
/// exist so that unknown and known accounts take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(random_token().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

pub(crate) async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = hash.as_deref().unwrap_or_else(|| dummy_hash());
        match PasswordHash::new(stored) {
            Ok(parsed) => {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
                    && hash.is_some()
            }
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 s),
//! as every authenticator app computes them.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
pub const SECRET_BYTES: usize = 20;

/// RFC 4226's HOTP value for one counter.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        // HMAC takes keys of any length; this cannot happen.
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The time step a moment falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Checks a typed code against the steps around `unix_seconds` (one step of
/// clock drift either way). Returns the step it matched, which must be
/// later than `last_used_step`: a code works once.
pub fn verify(
    secret: &[u8],
    typed: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = typed.parse().ok()?;
    let now = step_at(unix_seconds);
    (now - 1..=now + 1).find(|&step| {
        step >= 0
            && last_used_step.is_none_or(|last| step > last)
            && hotp(secret, step as u64, DIGITS) == wanted
    })
}

/// Whether `typed` looks like a code at all (six digits), for a clear error.
pub fn well_formed(typed: &str) -> bool {
    let digits: Vec<char> = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS as usize && digits.iter().all(char::is_ascii_digit)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let value = BASE32
            .iter()
            .position(|&b| b as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` link an authenticator app reads (typed or as a QR code).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        encode(issuer),
        encode(account),
        base32(secret),
        encode(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1, 8 digits), and RFC 4226's HOTP table.
    #[test]
    fn the_rfc_vectors_hold() {
        let secret = b"12345678901234567890";
        assert_eq!(hotp(secret, step_at(59) as u64, 8), 94_287_082);
        assert_eq!(hotp(secret, step_at(1_111_111_109) as u64, 8), 7_081_804);
        assert_eq!(hotp(secret, step_at(20_000_000_000) as u64, 8), 65_353_130);
        assert_eq!(hotp(secret, 0, 6), 755_224);
        assert_eq!(hotp(secret, 9, 6), 520_489);
    }

    #[test]
    fn a_code_works_once_and_only_near_its_time() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_109;
        let code = format!("{:06}", hotp(secret, step_at(now) as u64, DIGITS));
        let step = verify(secret, &code, now, None).unwrap();
        assert_eq!(verify(secret, &code, now, Some(step)), None, "replayed");
        assert!(
            verify(secret, &code, now + 30, None).is_some(),
            "one step of drift"
        );
        assert_eq!(verify(secret, &code, now + 120, None), None);
        assert_eq!(verify(secret, "12345", now, None), None);
        assert!(!well_formed("12a456") && well_formed("123 456"));
    }

    #[test]
    fn base32_round_trips_and_the_uri_names_the_account() {
        let secret = b"12345678901234567890";
        assert_eq!(base32(secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32(&base32(secret)).as_deref(), Some(&secret[..]));
        let uri = otpauth_uri("Custodian Demo", "ada@example.com", secret);
        assert!(uri.starts_with("otpauth://totp/Custodian%20Demo:ada@example.com?secret=GEZD"));
    }
}

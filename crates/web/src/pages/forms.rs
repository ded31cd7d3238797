//! Reading submitted forms into typed structs: how a browser's text becomes
//! a field's value (a blank optional field is `None`, a link that is not a
//! number is id 0, a textarea of one value per line, repeated checkboxes).
//! The CSRF check runs before any of this (`crate::csrf`).

use serde::{Deserialize, Deserializer};

/// How a browser's text becomes a field's value, for
/// `#[serde(default, deserialize_with = "…")]` on a form struct. A field the
/// form did not send takes its default (`""`, `None`, empty).
///
/// An optional text: blank (or only spaces) is `None`, otherwise the value
/// as typed.
pub fn filled<'de, D: Deserializer<'de>>(field: D) -> Result<Option<String>, D::Error> {
    Ok(filled_text(String::deserialize(field)?))
}

/// [`filled`] for a text kept as typed (to show it back after a refusal).
pub fn filled_text(text: impl Into<String>) -> Option<String> {
    Some(text.into()).filter(|v| !v.trim().is_empty())
}

/// A link to another record: blank is no link. A value that is not a
/// number becomes id 0, which no record has, so the save is refused with
/// the field named instead of the link being dropped silently.
pub fn link<'de, D: Deserializer<'de>>(field: D) -> Result<Option<i64>, D::Error> {
    let value = String::deserialize(field)?;
    let value = value.trim();
    Ok((!value.is_empty()).then(|| value.parse().unwrap_or(0)))
}

/// A number, or `None` when blank or not a number.
pub fn number<'de, D: Deserializer<'de>>(field: D) -> Result<Option<i64>, D::Error> {
    Ok(String::deserialize(field)?.trim().parse().ok())
}

/// A textarea with one value per line; blank lines are skipped.
pub fn lines<'de, D: Deserializer<'de>>(field: D) -> Result<Vec<String>, D::Error> {
    Ok(lines_of(&String::deserialize(field)?))
}

/// [`lines`] for a text kept as typed.
pub fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every value of a repeated field (checkboxes of one name), trimmed;
/// blank ones are skipped.
pub fn repeated<'de, D: Deserializer<'de>>(field: D) -> Result<Vec<String>, D::Error> {
    let values = Vec::<String>::deserialize(field)?;
    Ok(values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

/// A repeated field (a multiple select) as ids; values that are not
/// numbers are skipped.
pub fn repeated_ids<'de, D: Deserializer<'de>>(field: D) -> Result<Vec<i64>, D::Error> {
    let values = Vec::<String>::deserialize(field)?;
    Ok(values
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect())
}

/// A form that sends nothing but its CSRF token (a delete button).
#[derive(Deserialize)]
pub struct NoFields {}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! Field-level validation errors: every problem names its field, so a form can
//! show it next to the input and an API client can point at it.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The input field, e.g. `emails[1]` or `work_address.city`.
    pub field: String,
    /// A stable machine code, e.g. `required`, `too_long`, `invalid_email`.
    pub code: &'static str,
    /// A sentence for a person.
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{} invalid field(s): {}", .0.len(), .0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, code, message);
        errors
    }

    pub fn add(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            code,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// Returns `Ok(value)` when no error was collected.
    pub fn finish<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Runs a parser on one field and records its error, returning the value
    /// when it parsed.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldProblem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem.code, problem.message);
                None
            }
        }
    }
}

/// What is wrong with one value, before it is attached to a field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub code: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Trims and bounds a required single-line text.
pub fn required_text(value: &str, max_chars: usize) -> Result<String, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::new("required", "This field is required."));
    }
    bounded(value, max_chars, false)
}

/// Trims and bounds an optional single-line text; blank becomes `None`.
pub fn optional_text(
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldProblem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => bounded(value, max_chars, false).map(Some),
    }
}

/// Trims and bounds a required multi-line text (a reply, a note).
pub fn required_long_text(value: &str, max_chars: usize) -> Result<String, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::new("required", "This field is required."));
    }
    bounded(value, max_chars, true)
}

/// Bounds a multi-line text (notes, bodies); blank becomes empty.
pub fn long_text(value: Option<&str>, max_chars: usize) -> Result<String, FieldProblem> {
    match value.map(str::trim) {
        None | Some("") => Ok(String::new()),
        Some(value) => bounded(value, max_chars, true),
    }
}

fn bounded(value: &str, max_chars: usize, multiline: bool) -> Result<String, FieldProblem> {
    if value.chars().count() > max_chars {
        return Err(FieldProblem::new(
            "too_long",
            format!("Use at most {max_chars} characters."),
        ));
    }
    let forbidden =
        |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'));
    if value.chars().any(forbidden) {
        return Err(FieldProblem::new(
            "invalid_characters",
            "Control characters are not allowed here.",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert_eq!(required_text("  Ada ", 10).unwrap(), "Ada");
        assert_eq!(required_text("   ", 10).unwrap_err().code, "required");
        assert_eq!(required_text("abcdef", 5).unwrap_err().code, "too_long");
        assert_eq!(
            required_text("a\u{0}b", 5).unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(optional_text(Some(" "), 5).unwrap(), None);
        assert_eq!(long_text(Some("line\nline"), 20).unwrap(), "line\nline");
    }
}

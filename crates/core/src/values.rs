//! Validated values: an `EmailAddress`, a `PhoneNumber` or a `WebUrl` that
//! exists is valid (parse, don't validate).

use crate::validation::{optional_text, FieldProblem, ValidationErrors};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 200;
pub const SHORT_MAX: usize = 100;
pub const BODY_MAX: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim();
        let invalid = || {
            FieldProblem::new(
                "invalid_email",
                "Enter an email address like name@example.com.",
            )
        };
        if value.len() > 254 {
            return Err(FieldProblem::new("too_long", "Use at most 254 characters."));
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(EmailAddress(format!("{local}@{}", domain.to_lowercase())))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as written (digits, spaces, `+`, `-`, `/`, parentheses),
/// with 5 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim();
        let allowed = value
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " -/().".contains(c) || (c == '+' && i == 0));
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(5..=20).contains(&digits) || value.len() > 40 {
            return Err(FieldProblem::new(
                "invalid_phone",
                "Enter a phone number like +49 30 1234567.",
            ));
        }
        Ok(PhoneNumber(
            value.split_whitespace().collect::<Vec<_>>().join(" "),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

/// An absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim();
        let invalid = || {
            FieldProblem::new(
                "invalid_url",
                "Enter a web address like https://example.com.",
            )
        };
        if value.len() > 500 {
            return Err(FieldProblem::new("too_long", "Use at most 500 characters."));
        }
        // "www.example.com" is what people type; it means https.
        let with_scheme;
        let value = if value.contains([':', '@']) {
            value
        } else {
            with_scheme = format!("https://{value}");
            with_scheme.as_str()
        };
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or_else(invalid)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let host_name = host.split(':').next().unwrap_or("");
        let host_ok = host_name.contains('.')
            && host_name
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
        if !host_ok || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        Ok(WebUrl(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal address; every line is optional. Read only from a JSON object:
/// serde would also fill a struct from an array by position, which lets
/// `["Main St 1", …]` land in the wrong lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "AddressLines")]
pub struct Address {
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `DE`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*([A-Za-z]{2})?\s*$"))]
    pub country: Option<String>,
}

/// An address as a map of named lines; the only shape `Address` accepts.
#[derive(Deserialize)]
struct AddressLines(std::collections::BTreeMap<String, Option<String>>);

impl TryFrom<AddressLines> for Address {
    type Error = String;

    fn try_from(AddressLines(mut lines): AddressLines) -> Result<Address, String> {
        let address = Address {
            street: lines.remove("street").flatten(),
            postcode: lines.remove("postcode").flatten(),
            city: lines.remove("city").flatten(),
            country: lines.remove("country").flatten(),
        };
        match lines.keys().next() {
            Some(unknown) => Err(format!(
                "unknown address line `{unknown}`, expected street, postcode, city or country"
            )),
            None => Ok(address),
        }
    }
}

impl Address {
    /// Validates each line, reporting errors as `prefix.line`.
    pub fn validated(&self, prefix: &str, errors: &mut ValidationErrors) -> Address {
        let mut line = |name: &str, value: &Option<String>, max: usize| {
            errors
                .check(
                    &format!("{prefix}.{name}"),
                    optional_text(value.as_deref(), max),
                )
                .flatten()
        };
        let street = line("street", &self.street, NAME_MAX);
        let postcode = line("postcode", &self.postcode, 20);
        let city = line("city", &self.city, SHORT_MAX);
        let country = line("country", &self.country, 2).map(|c| c.to_uppercase());
        if let Some(code) = &country {
            if !crate::codes::is_country(code) {
                errors.add(
                    &format!("{prefix}.country"),
                    "invalid_country",
                    "Use a two-letter ISO country code such as DE, AT or CH.",
                );
            }
        }
        Address {
            street,
            postcode,
            city,
            country,
        }
    }

    pub fn one_line(&self) -> String {
        let city = [self.postcode.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street.as_deref(),
            Some(city.as_str()),
            self.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Collects a list of values parsed one by one, naming each failure
/// `field[index]`; blank entries are dropped.
pub fn parse_list<T>(
    field: &str,
    raw: &[String],
    max_items: usize,
    parse: impl Fn(&str) -> Result<T, FieldProblem>,
    errors: &mut ValidationErrors,
) -> Vec<T> {
    let entries: Vec<&String> = raw.iter().filter(|s| !s.trim().is_empty()).collect();
    if entries.len() > max_items {
        errors.add(
            field,
            "too_many",
            format!("Give at most {max_items} entries."),
        );
        return Vec::new();
    }
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, value)| errors.check(&format!("{field}[{i}]"), parse(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        assert_eq!(
            EmailAddress::parse(" Ada@Example.COM ").unwrap().as_str(),
            "Ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a..b@example.com",
            "ada@exa mple.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(
            PhoneNumber::parse("+49  30 1234567").unwrap().as_str(),
            "+49 30 1234567"
        );
        assert_eq!(
            PhoneNumber::parse("(030) 123-456").unwrap().digits(),
            "030123456"
        );
        for bad in ["12", "call me", "+49 30 12+34", "1234567890123456789012"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn web_urls() {
        assert!(WebUrl::parse("https://acme.example/about").is_ok());
        assert!(WebUrl::parse("http://shop.acme.de:8080").is_ok());
        assert_eq!(
            WebUrl::parse("www.acme.de/about").unwrap().as_str(),
            "https://www.acme.de/about"
        );
        for bad in [
            "acme",
            "mailto:sales@acme.de",
            "sales@acme.de",
            "ftp://acme.de",
            "https://",
            "https://acme",
            "https://ac me.de",
            "javascript:alert(1)",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn address_lines_are_checked() {
        let mut errors = ValidationErrors::new();
        let address = Address {
            country: Some("Germany".into()),
            city: Some(" Berlin ".into()),
            ..Address::default()
        }
        .validated("billing_address", &mut errors);
        assert_eq!(address.city.as_deref(), Some("Berlin"));
        assert!(errors.for_field("billing_address.country").is_some());
    }
}

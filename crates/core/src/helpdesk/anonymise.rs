//! Finding personal data in a ticket's text before it becomes an FAQ
//! article: names of the tenant's known contacts and staff, email
//! addresses, phone numbers, postal addresses and postcodes, IBANs and card
//! numbers (checked by their check digits), and links carrying
//! identifiers. Each finding is a suggestion the editor reviews; accepted
//! ones are replaced by a placeholder naming the kind.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

named_enum!(
    /// What kind of personal data a finding is.
    FindingKind {
        Name => "name", "Name",
        Email => "email", "Email address",
        Phone => "phone", "Phone number",
        Address => "address", "Postal address",
        Postcode => "postcode", "Postcode",
        Iban => "iban", "IBAN",
        Card => "card", "Card number",
        Link => "link", "Link with an identifier",
    }
);

impl FindingKind {
    /// What an accepted finding is replaced with.
    pub fn placeholder(self) -> &'static str {
        match self {
            FindingKind::Name => "[name]",
            FindingKind::Email => "[email]",
            FindingKind::Phone => "[phone]",
            FindingKind::Address => "[address]",
            FindingKind::Postcode => "[postcode]",
            FindingKind::Iban => "[IBAN]",
            FindingKind::Card => "[card number]",
            FindingKind::Link => "[link]",
        }
    }
}

/// One piece of personal data found: where (byte offsets), what kind, and
/// the text itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub kind: FindingKind,
    pub text: String,
}

/// The words of the tenant's known people (contacts and staff), lower-cased.
#[derive(Debug, Clone, Default)]
pub struct KnownNames {
    words: HashSet<String>,
}

/// Name words shorter than this are not looked for on their own.
const SHORTEST_NAME_WORD: usize = 3;

impl KnownNames {
    pub fn add(&mut self, name: &str) {
        for word in name.split(|c: char| !c.is_alphabetic()) {
            if word.chars().count() >= SHORTEST_NAME_WORD {
                self.words.insert(word.to_lowercase());
            }
        }
    }

    fn contains(&self, word: &str) -> bool {
        self.words.contains(&word.to_lowercase())
    }
}

/// Every finding in `text`, in order, none overlapping another.
pub fn find_personal_data(text: &str, names: &KnownNames) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    let mut add = |start: usize, end: usize, kind: FindingKind| {
        if start < end && !found.iter().any(|f| start < f.end && f.start < end) {
            found.push(Finding {
                start,
                end,
                kind,
                text: text[start..end].to_string(),
            });
        }
    };
    // The stronger patterns first: their text is not read again as a
    // weaker kind (an email's local part as a name, an IBAN as a phone).
    for (start, end) in links(text) {
        add(start, end, FindingKind::Link);
    }
    for (start, end) in emails(text) {
        add(start, end, FindingKind::Email);
    }
    for (start, end) in ibans(text) {
        add(start, end, FindingKind::Iban);
    }
    for (start, end) in digit_runs(text) {
        let digits: String = text[start..end]
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if (13..=19).contains(&digits.len()) && luhn(&digits) {
            add(start, end, FindingKind::Card);
        } else if is_phone(&text[start..end], &digits) {
            add(start, end, FindingKind::Phone);
        }
    }
    for (start, end) in addresses(text) {
        add(start, end, FindingKind::Address);
    }
    for (start, end) in postcodes(text) {
        add(start, end, FindingKind::Postcode);
    }
    for (start, end) in name_runs(text, names) {
        add(start, end, FindingKind::Name);
    }
    found.sort_by_key(|f| f.start);
    found
}

/// `text` with each finding replaced by its kind's placeholder.
pub fn redact_findings(text: &str, findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for finding in sorted {
        if finding.start < at || finding.end > text.len() {
            continue;
        }
        out.push_str(&text[at..finding.start]);
        out.push_str(finding.kind.placeholder());
        at = finding.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Words with their byte ranges.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Runs of known name words, joined across the spaces between them.
fn name_runs(text: &str, names: &KnownNames) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (start, end) in words(text) {
        if !names.contains(&text[start..end]) {
            continue;
        }
        match runs.last_mut() {
            Some(last) if text[last.1..start].chars().all(|c| c == ' ' || c == '-') => last.1 = end,
            _ => runs.push((start, end)),
        }
    }
    runs
}

fn is_email_local(c: char) -> bool {
    c.is_alphanumeric() || "._%+-".contains(c)
}

fn is_domain(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// Email addresses, also with letters beyond ASCII (jürgen@müller.de).
fn emails(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_email_local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let mut end = at + 1;
        for (i, c) in text[at + 1..].char_indices() {
            if !is_domain(c) {
                break;
            }
            end = at + 1 + i + c.len_utf8();
        }
        while end > at + 1 && text[..end].ends_with(['.', '-']) {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        if start < at && domain.contains('.') && !domain.starts_with('.') {
            out.push((start, end));
        }
    }
    out
}

/// Links with an identifier: a query string, an email, or a path part with
/// three or more digits or a long token.
fn links(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = ["http://", "https://", "www."]
        .iter()
        .filter_map(|p| text[from..].find(p).map(|i| from + i))
        .min()
    {
        let mut end = found;
        for (i, c) in text[found..].char_indices() {
            if c.is_whitespace() || "<>\"'".contains(c) {
                break;
            }
            end = found + i + c.len_utf8();
        }
        while end > found && text[..end].ends_with(['.', ',', ';', ':', '!', '?', ')']) {
            end -= 1;
        }
        let link = &text[found..end];
        let after_scheme = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"))
            .unwrap_or(link);
        let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
        let identifying = link.contains('?')
            || link.contains('@')
            || path.split(['/', '-', '_', '.', '=']).any(|part| {
                part.chars().filter(char::is_ascii_digit).count() >= 3
                    || (part.len() >= 16 && part.chars().all(|c| c.is_ascii_alphanumeric()))
            });
        if identifying {
            out.push((found, end));
        }
        from = end.max(found + 1);
    }
    out
}

/// Numbers written with spaces, dashes, slashes, dots or brackets between
/// their digits (and a leading +): candidates for phones and cards.
fn digit_runs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let begins = c.is_ascii_digit()
            || ((c == '+' || c == '(')
                && chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit()));
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !begins || after_word {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut last_digit = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                last_digit = j;
            } else if " -/.()".contains(c) {
                // A separator counts only between digits.
                if !chars
                    .get(j + 1)
                    .is_some_and(|(_, n)| n.is_ascii_digit() || *n == '(' || *n == ' ')
                {
                    break;
                }
            } else {
                break;
            }
            j += 1;
        }
        let end = chars[last_digit].0 + 1;
        let follows_word = chars
            .get(last_digit + 1)
            .is_some_and(|(_, n)| n.is_alphabetic());
        if !follows_word {
            out.push((start, end));
        }
        i = last_digit + 1;
    }
    out
}

fn is_phone(written: &str, digits: &str) -> bool {
    // "2026-11-30", also with a time after it ("2026-11-30 14").
    let b = written.as_bytes();
    let iso_date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-';
    (7..=15).contains(&digits.len())
        && !iso_date
        && (written.starts_with(['+', '0', '(']) || digits.len() >= 10)
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn iban_valid(compact: &str) -> bool {
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u64 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v as u64,
            None => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

fn ibans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let starts = bytes[i].is_ascii_uppercase()
            && bytes[i + 1].is_ascii_uppercase()
            && bytes[i + 2].is_ascii_digit()
            && bytes[i + 3].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let mut compact = String::new();
        let mut end = i;
        let mut j = i;
        while j < bytes.len() && compact.len() < 34 {
            let c = bytes[j];
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase() as char);
                j += 1;
                end = j;
                if compact.len() >= 15 && iban_valid(&compact) {
                    let next = bytes.get(j).copied();
                    let group_goes_on = next.is_some_and(|n| n.is_ascii_alphanumeric());
                    if !group_goes_on {
                        break;
                    }
                }
            } else if c == b' ' && bytes.get(j + 1).is_some_and(|n| n.is_ascii_alphanumeric()) {
                j += 1;
            } else {
                break;
            }
        }
        if iban_valid(&compact) {
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

const STREET_WORDS: &[&str] = &[
    "straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "damm", "ufer",
    "street", "st.", "road", "rd.", "avenue", "ave.", "lane", "way", "drive", "square",
];

fn is_street_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    STREET_WORDS.iter().any(|s| lower.ends_with(s))
        && word.chars().next().is_some_and(char::is_uppercase)
}

/// "Hauptstraße 5", "Am Kanal Weg 3a", "12 Baker Street": a street word
/// with a house number after it, or a number and capitalised words ending
/// in a street word.
fn addresses(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Words with their following separator, so "Str." keeps its dot.
    let tokens: Vec<(usize, usize)> = text
        .split_whitespace()
        .map(|w| {
            let start = w.as_ptr() as usize - text.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    let clean = |(s, e): (usize, usize)| text[s..e].trim_end_matches([',', ';', ':']);
    let is_number = |word: &str| {
        let digits = word.chars().take_while(char::is_ascii_digit).count();
        (1..=4).contains(&digits)
            && word[digits..].chars().all(|c| c.is_ascii_alphabetic())
            && word.len() - digits <= 1
    };
    for (i, &token) in tokens.iter().enumerate() {
        let word = clean(token);
        if !is_street_word(word) {
            continue;
        }
        if let Some(&next) = tokens.get(i + 1) {
            if is_number(clean(next)) {
                let start = if i > 0
                    && clean(tokens[i - 1])
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                    && !is_street_word(clean(tokens[i - 1]))
                {
                    tokens[i - 1].0
                } else {
                    token.0
                };
                out.push((start, next.0 + clean(next).len()));
                continue;
            }
        }
        if i >= 1 {
            let mut k = i;
            while k >= 1
                && clean(tokens[k - 1])
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && i - k < 3
            {
                k -= 1;
            }
            if k >= 1 && is_number(clean(tokens[k - 1])) {
                out.push((tokens[k - 1].0, token.0 + word.len()));
            }
        }
    }
    out
}

/// A postcode: four or five digits on their own before a capitalised word
/// ("10115 Berlin"), or a British one ("SW1A 1AA").
fn postcodes(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let tokens: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    for (i, &(start, word)) in tokens.iter().enumerate() {
        let bare = word.trim_end_matches([',', ';']);
        let next_is_place = tokens
            .get(i + 1)
            .is_some_and(|(_, w)| w.chars().next().is_some_and(char::is_uppercase));
        if (4..=5).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_digit())
            && next_is_place
        {
            out.push((start, start + bare.len()));
            continue;
        }
        if let Some(&(_, inward)) = tokens.get(i + 1) {
            let inward = inward.trim_end_matches([',', ';', '.']);
            let outward_ok = (2..=4).contains(&bare.len())
                && bare.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && bare.chars().any(|c| c.is_ascii_digit())
                && bare
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            let b = inward.as_bytes();
            let inward_ok = b.len() == 3
                && b[0].is_ascii_digit()
                && b[1].is_ascii_uppercase()
                && b[2].is_ascii_uppercase();
            if outward_ok && inward_ok {
                let end = tokens[i + 1].0 + inward.len();
                out.push((start, end));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, names: &KnownNames) -> Vec<(FindingKind, String)> {
        find_personal_data(text, names)
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect()
    }

    #[test]
    fn every_kind_is_found() {
        let mut names = KnownNames::default();
        names.add("Ida Kessel");
        names.add("Sam Support");
        let text = "Ida Kessel (ida.kessel@brauhaus.example, +49 30 1234567) of Hauptstraße 5, 10115 Berlin asked Sam. \
                    IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111. \
                    See https://shop.example/orders/884213?session=abc and https://docs.example/setup. \
                    UK office: 12 Baker Street, London NW1 6XE.";
        let found = kinds(text, &names);
        let has =
            |kind: FindingKind, text: &str| found.iter().any(|(k, t)| *k == kind && t == text);
        assert!(has(FindingKind::Name, "Ida Kessel"), "{found:?}");
        assert!(has(FindingKind::Name, "Sam"), "{found:?}");
        assert!(
            has(FindingKind::Email, "ida.kessel@brauhaus.example"),
            "{found:?}"
        );
        assert!(has(FindingKind::Phone, "+49 30 1234567"), "{found:?}");
        assert!(has(FindingKind::Address, "Hauptstraße 5"), "{found:?}");
        assert!(has(FindingKind::Postcode, "10115"), "{found:?}");
        assert!(
            has(FindingKind::Iban, "DE89 3704 0044 0532 0130 00"),
            "{found:?}"
        );
        assert!(has(FindingKind::Card, "4111 1111 1111 1111"), "{found:?}");
        assert!(
            has(
                FindingKind::Link,
                "https://shop.example/orders/884213?session=abc"
            ),
            "{found:?}"
        );
        assert!(has(FindingKind::Address, "12 Baker Street"), "{found:?}");
        assert!(has(FindingKind::Postcode, "NW1 6XE"), "{found:?}");
        assert!(
            !found.iter().any(|(_, t)| t.contains("docs.example")),
            "a plain link is no one's"
        );
    }

    #[test]
    fn dates_error_codes_and_invalid_numbers_are_left() {
        let names = KnownNames::default();
        let text =
            "Since 2026-11-30 the printer shows E-23 on firmware 4.2.1; order 4711 shipped. \
                    Card 4111 1111 1111 1112 and DE00 1234 5678 9012 3456 78 are not valid.";
        assert_eq!(kinds(text, &names), Vec::new());
    }

    #[test]
    fn addresses_beyond_ascii_dates_with_times_and_numbered_hosts() {
        let names = KnownNames::default();
        let text = "Write to jürgen.müller@brauerei-süd.de or info@müller.de. Seen 2026-11-30 14:05 on https://shop2024.example/help.";
        let found = kinds(text, &names);
        assert_eq!(
            found,
            [
                (
                    FindingKind::Email,
                    "jürgen.müller@brauerei-süd.de".to_string()
                ),
                (FindingKind::Email, "info@müller.de".to_string()),
            ]
        );
    }

    #[test]
    fn accepted_findings_become_placeholders() {
        let mut names = KnownNames::default();
        names.add("Ida Kessel");
        let text = "Ida Kessel wrote from ida@brauhaus.example.";
        let findings = find_personal_data(text, &names);
        assert_eq!(
            redact_findings(text, &findings),
            "[name] wrote from [email]."
        );
    }
}

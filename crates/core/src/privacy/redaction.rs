//! Redacting a subject's known identifiers (names, emails, phone numbers)
//! from free text: call notes, activity bodies, request notes. A matched
//! identifier becomes [`REDACTED`]; the rest of the text stays, so the
//! business record survives without the person in it.

/// What a redacted identifier is replaced with.
pub const REDACTED: &str = "[erased]";

/// Names shorter than this are not redacted on their own (an initial would
/// blank every such letter in a text).
const SHORTEST_NAME: usize = 2;
/// Fewest digits a phone number needs before its digits are matched in text.
const SHORTEST_PHONE: usize = 6;

/// The identifiers of one subject that free text may contain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// Name words (first and last names), lower-cased.
    names: Vec<String>,
    /// Email addresses, lower-cased.
    pub(super) emails: Vec<String>,
    /// Phone numbers as digit strings, with their national form.
    pub(super) phones: Vec<String>,
    /// Whole names, as the words of the first and of the last name, which
    /// find the subject in text that is not theirs (see `mentions`).
    pub(super) full_names: Vec<(Vec<String>, Vec<String>)>,
    /// Phone numbers as they were written, for the full-text index.
    pub(super) phone_spellings: Vec<String>,
    /// Street lines of the subject's own addresses ("Flimmerweg 77"), as
    /// words; not an employer's address, which colleagues share.
    pub(super) streets: Vec<Vec<String>>,
}

impl Identifiers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds each word of a name ("Anna-Lena de Vries" adds four words).
    pub fn add_name(&mut self, name: &str) {
        for word in name.split(|c: char| !c.is_alphanumeric()) {
            let word: String = word.chars().map(fold).collect();
            if word.chars().count() >= SHORTEST_NAME && !self.names.contains(&word) {
                self.names.push(word);
            }
        }
    }

    pub fn add_email(&mut self, email: &str) {
        let email: String = email.trim().chars().map(fold).collect();
        if !email.is_empty() && !self.emails.contains(&email) {
            self.emails.push(email);
        }
    }

    /// Adds a phone number in each of the forms it is written in.
    pub fn add_phone(&mut self, phone: &str) {
        let spelling = phone.trim().to_string();
        if !phone_forms(phone).is_empty() && !self.phone_spellings.contains(&spelling) {
            self.phone_spellings.push(spelling);
        }
        for form in phone_forms(phone) {
            if !self.phones.contains(&form) {
                self.phones.push(form);
            }
        }
    }

    /// A contact's names, emails and phone numbers.
    pub fn add_contact(&mut self, contact: &crate::contacts::Contact) {
        self.add_full_name(&contact.first_name, &contact.last_name);
        self.add_name(&contact.first_name);
        self.add_name(&contact.last_name);
        for email in &contact.emails {
            self.add_email(email.as_str());
        }
        for phone in &contact.phones {
            self.add_phone(phone.as_str());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.full_names.is_empty()
            && self.streets.is_empty()
    }

    /// The text without the subject's identifiers, or None when it holds
    /// none of them.
    pub fn redact(&self, text: &str) -> Option<String> {
        let (mut out, mut changed) = match self.redact_emails_and_phones(text) {
            Some(redacted) => (redacted, true),
            None => (text.to_string(), false),
        };
        if let Some(replaced) = self.redact_streets(&out) {
            out = replaced;
            changed = true;
        }
        for name in &self.names {
            if let Some(replaced) = replace_ignoring_case(&out, name, true) {
                out = replaced;
                changed = true;
            }
        }
        changed.then_some(out)
    }

    /// The text without the subject's emails and phone numbers, or None
    /// when it holds none of them.
    pub(super) fn redact_emails_and_phones(&self, text: &str) -> Option<String> {
        let mut out = text.to_string();
        let mut changed = false;
        // Emails first: they contain name words that would split them.
        for email in &self.emails {
            if let Some(replaced) = replace_ignoring_case(&out, email, false) {
                out = replaced;
                changed = true;
            }
        }
        if let Some(replaced) = self.redact_phones(&out) {
            out = replaced;
            changed = true;
        }
        changed.then_some(out)
    }

    /// Replaces each run of digits and phone separators whose digits are
    /// one of the subject's numbers.
    fn redact_phones(&self, text: &str) -> Option<String> {
        if self.phones.is_empty() {
            return None;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut copied_to = 0;
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if !(c.is_ascii_digit() || c == '+') {
                i += 1;
                continue;
            }
            // The run: digits, with single separators between them.
            let mut j = i;
            let mut last_digit = None;
            let mut digits = String::new();
            while j < chars.len() {
                let ch = chars[j].1;
                if ch.is_ascii_digit() {
                    digits.push(ch);
                    last_digit = Some(j);
                } else if !(" -/().+".contains(ch)) {
                    break;
                }
                j += 1;
            }
            let Some(end_index) = last_digit else {
                i += 1;
                continue;
            };
            let end = chars.get(end_index + 1).map_or(text.len(), |(at, _)| *at);
            // The digits of the whole run: a number may be written with
            // spaces and run on into the next ("030 1234567 14 Uhr").
            if self.phones.iter().any(|p| {
                digits == *p || (p.len() >= SHORTEST_PHONE + 2 && digits.contains(p.as_str()))
            }) {
                out.push_str(&text[copied_to..start]);
                out.push_str(REDACTED);
                copied_to = end;
                changed = true;
            }
            i = end_index + 1;
        }
        if !changed {
            return None;
        }
        out.push_str(&text[copied_to..]);
        Some(out)
    }
}

/// The digit strings one phone number is written as: its digits, and when
/// it is written internationally (+49 30 123) its national forms (030 123,
/// 30 123). Numbers of fewer than six digits have none.
pub fn phone_forms(phone: &str) -> Vec<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < SHORTEST_PHONE {
        return Vec::new();
    }
    let mut forms = vec![digits.clone()];
    if let Some((_, national)) = phone
        .trim()
        .strip_prefix('+')
        .and_then(|p| p.split_once(' '))
    {
        let national: String = national.chars().filter(char::is_ascii_digit).collect();
        if national.len() >= SHORTEST_PHONE - 1 {
            forms.push(format!("0{national}"));
            forms.push(national);
        }
    }
    // Written nationally (030 1234567), the number without its leading
    // zero is what an international spelling (+49 30 1234567) ends with.
    let significant = digits.trim_start_matches('0');
    if significant.len() >= SHORTEST_PHONE + 2 && !forms.iter().any(|f| f == significant) {
        forms.push(significant.to_string());
    }
    forms
}

/// Every occurrence of `needle` (lower-case) in `text`, compared without
/// case; with `whole_words`, only where it is not part of a longer word.
fn replace_ignoring_case(text: &str, needle: &str, whole_words: bool) -> Option<String> {
    let needle: Vec<char> = needle.chars().collect();
    let first = *needle.first()?;
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut changed = false;
    let mut previous: Option<char> = None;
    let mut indices = text.char_indices().peekable();
    while let Some((start, c)) = indices.next() {
        let boundary_before = !whole_words || !previous.is_some_and(char::is_alphanumeric);
        previous = Some(c);
        if start < copied_to || !boundary_before || !lower_eq(c, first) {
            continue;
        }
        let mut rest = text[start..].char_indices();
        let mut end = start;
        let mut matched = true;
        for expected in &needle {
            match rest.next() {
                Some((at, actual)) if lower_eq(actual, *expected) => {
                    end = start + at + actual.len_utf8();
                }
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if !matched {
            continue;
        }
        let boundary_after = !whole_words
            || !text[end..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if !boundary_after {
            continue;
        }
        out.push_str(&text[copied_to..start]);
        out.push_str(REDACTED);
        copied_to = end;
        changed = true;
        // Skip the matched characters.
        while indices.peek().is_some_and(|(at, _)| *at < end) {
            previous = indices.next().map(|(_, ch)| ch);
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied_to..]);
    Some(out)
}

/// One character in the form names are compared in: its first lower-case
/// character ("İ" is "i", not "i" and a combining dot), final sigma as sigma.
pub(super) fn fold(c: char) -> char {
    match c.to_lowercase().next().unwrap_or(c) {
        'ς' => 'σ',
        lower => lower,
    }
}

fn lower_eq(actual: char, expected_folded: char) -> bool {
    fold(actual) == expected_folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anna() -> Identifiers {
        let mut ids = Identifiers::new();
        ids.add_name("Anna");
        ids.add_name("Schmidt-Öztürk");
        ids.add_email("Anna.Schmidt@acme.example");
        ids.add_phone("+49 30 1234567");
        ids
    }

    #[test]
    fn names_emails_and_phones_are_redacted() {
        let text = "Called ANNA schmidt-öztürk on 030 123 4567, then +49 (30) 123-4567; \
                    mail anna.schmidt@ACME.example. Hannah and Annabel stay.";
        assert_eq!(
            anna().redact(text).unwrap(),
            "Called [erased] [erased]-[erased] on [erased], then [erased]; \
             mail [erased]. Hannah and Annabel stay."
        );
    }

    #[test]
    fn numbers_are_found_however_they_are_written_and_run_on() {
        let mut ids = Identifiers::new();
        ids.add_phone("030 1234567");
        assert_eq!(
            ids.redact("Call +49 30 1234567, or 030 1234567 14 Uhr.")
                .unwrap(),
            "Call [erased], or [erased] Uhr."
        );
    }

    #[test]
    fn names_with_several_lower_case_letters_are_found() {
        let mut ids = Identifiers::new();
        ids.add_name("İlkay Σίσυφος");
        assert_eq!(
            ids.redact("İlkay, ilkay and ΣΊΣΥΦΟΣ called").unwrap(),
            "[erased], [erased] and [erased] called"
        );
    }

    #[test]
    fn text_without_identifiers_is_left_alone() {
        assert_eq!(anna().redact("Quarterly review, order 123456789."), None);
        assert_eq!(Identifiers::new().redact("Anna"), None);
    }

    #[test]
    fn short_numbers_and_initials_are_not_identifiers() {
        let mut ids = Identifiers::new();
        ids.add_name("J. Doe");
        ids.add_phone("112");
        assert_eq!(ids.redact("J. called 112 about order J-7"), None);
        assert_eq!(ids.redact("Mr Doe called").unwrap(), "Mr [erased] called");
    }
}

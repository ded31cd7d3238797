//! Mentions of a data subject in text that is not theirs: a call note filed
//! on a colleague ("spoke with Ada Lovelace's former manager"), another
//! customer's ticket that gives her email. Unlike the subject's own records,
//! where every word of their name goes, only what points at them alone is
//! redacted here: the whole name (either order), their emails, their phone
//! numbers and the street line of an address of their own. Another "Ada"
//! in the same note stays.
//!
//! The store finds candidates through a full-text index of every free-text
//! column and asks [`Identifiers::redact_mentions`] which of them really
//! mention the subject; the phrases below are what it asks the index for.

use super::redaction::{fold, Identifiers, REDACTED};

/// Most characters between two words of a name written out ("Lovelace, Ada").
const LONGEST_NAME_GAP: usize = 3;
/// Fewest digits of the last group of a written phone number that the index
/// is asked for alone: "030 5550199" is also found as "030/555 0199"'s
/// neighbour "(030) 5550199" or "+49 30 5550199".
const SHORTEST_SUBSCRIBER_GROUP: usize = 5;

impl Identifiers {
    /// Adds a person's whole name, which finds them in others' text; a
    /// name with a single word is not enough to tell them from others.
    pub fn add_full_name(&mut self, first_name: &str, last_name: &str) {
        let first = words(first_name);
        let last = words(last_name);
        if first.is_empty() || last.is_empty() {
            return;
        }
        let name = (first, last);
        if !self.full_names.contains(&name) {
            self.full_names.push(name);
        }
    }

    /// Adds the street line of an address that is the subject's own (not
    /// their employer's): it needs a house number and a word, or it would
    /// name a whole street.
    pub fn add_street(&mut self, street: &str) {
        let street = words(street);
        let numbered = street.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()));
        let named = street.iter().any(|w| w.chars().any(char::is_alphabetic));
        if street.len() >= 2 && numbered && named && !self.streets.contains(&street) {
            self.streets.push(street);
        }
    }

    /// The text without the subject's street lines, or None.
    pub(super) fn redact_streets(&self, text: &str) -> Option<String> {
        let mut out: Option<String> = None;
        for street in &self.streets {
            let words: Vec<&str> = street.iter().map(String::as_str).collect();
            if let Some(replaced) = replace_word_sequence(out.as_deref().unwrap_or(text), &words) {
                out = Some(replaced);
            }
        }
        out
    }

    /// The text without the subject's whole names, emails, phone numbers
    /// and own street lines, or None when it mentions none of them.
    pub fn redact_mentions(&self, text: &str) -> Option<String> {
        let (mut out, mut changed) = match self.redact_emails_and_phones(text) {
            Some(redacted) => (redacted, true),
            None => (text.to_string(), false),
        };
        if let Some(replaced) = self.redact_streets(&out) {
            out = replaced;
            changed = true;
        }
        for (first, last) in &self.full_names {
            let in_order: Vec<&str> = first.iter().chain(last).map(String::as_str).collect();
            let reversed: Vec<&str> = last.iter().chain(first).map(String::as_str).collect();
            for name in [in_order, reversed] {
                if let Some(replaced) = replace_word_sequence(&out, &name) {
                    out = replaced;
                    changed = true;
                }
            }
        }
        changed.then_some(out)
    }

    /// What to ask a full-text index for, each a phrase of words: the whole
    /// names in both orders, the emails, and the phone numbers as written,
    /// as digits alone, and by their last group. The index finds more than
    /// the mentions (it ignores punctuation); `redact_mentions` decides.
    pub fn mention_phrases(&self) -> Vec<String> {
        let mut phrases = Vec::new();
        for (first, last) in &self.full_names {
            phrases.push(format!("{} {}", first.join(" "), last.join(" ")));
            phrases.push(format!("{} {}", last.join(" "), first.join(" ")));
        }
        phrases.extend(self.emails.iter().cloned());
        phrases.extend(self.streets.iter().map(|street| street.join(" ")));
        for spelling in &self.phone_spellings {
            phrases.push(spelling.clone());
            let last_group: String = spelling
                .rsplit(|c: char| !c.is_ascii_digit())
                .find(|group| !group.is_empty())
                .unwrap_or_default()
                .to_string();
            if last_group.len() >= SHORTEST_SUBSCRIBER_GROUP {
                phrases.push(last_group);
            }
        }
        phrases.extend(self.phones.iter().cloned());
        phrases.retain(|p| p.chars().any(char::is_alphanumeric));
        let mut seen = Vec::new();
        phrases.retain(|p| {
            let new = !seen.contains(p);
            seen.push(p.clone());
            new
        });
        phrases
    }
}

/// The words of a name, folded as names are compared.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(fold).collect())
        .collect()
}

/// The words of a text with where each starts and ends.
fn spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut spans = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() {
            current
                .get_or_insert_with(|| (at, String::new()))
                .1
                .push(fold(c));
        } else if let Some((start, word)) = current.take() {
            spans.push((start, at, word));
        }
    }
    if let Some((start, word)) = current {
        spans.push((start, text.len(), word));
    }
    spans
}

/// Every place where the words follow each other, a few characters of
/// punctuation or space apart on one line, becomes [`REDACTED`].
fn replace_word_sequence(text: &str, name: &[&str]) -> Option<String> {
    let spans = spans(text);
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut i = 0;
    while i + name.len() <= spans.len() {
        let candidate = &spans[i..i + name.len()];
        let words_match = candidate.iter().zip(name).all(|(s, w)| s.2 == *w);
        let close = candidate.windows(2).all(|pair| {
            let gap = &text[pair[0].1..pair[1].0];
            gap.chars().count() <= LONGEST_NAME_GAP && !gap.contains(['\n', '\r'])
        });
        if words_match && close {
            out.push_str(&text[copied_to..candidate[0].0]);
            out.push_str(REDACTED);
            copied_to = candidate[name.len() - 1].1;
            i += name.len();
        } else {
            i += 1;
        }
    }
    if copied_to == 0 {
        return None;
    }
    out.push_str(&text[copied_to..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Identifiers {
        let mut ids = Identifiers::new();
        ids.add_street("Flimmerweg 77");
        ids.add_full_name("Ada", "Lovelace");
        ids.add_email("ada@analytical.example");
        ids.add_phone("+49 30 5550199");
        ids
    }

    #[test]
    fn whole_names_emails_and_phones_are_mentions() {
        let text = "Spoke with ADA LOVELACE's former manager (Lovelace, Ada in the old CRM); \
                    ada@analytical.example, 030/5550199, flimmerweg 77. \
                    Ada Byron, Mr Lovelace and Flimmerweg 78 stay.";
        assert_eq!(
            ada().redact_mentions(text).unwrap(),
            "Spoke with [erased]'s former manager ([erased] in the old CRM); \
             [erased], [erased], [erased]. Ada Byron, Mr Lovelace and Flimmerweg 78 stay."
        );
    }

    #[test]
    fn a_name_split_across_lines_or_sentences_is_not_a_mention() {
        assert_eq!(ada().redact_mentions("Ada\nLovelace"), None);
        assert_eq!(ada().redact_mentions("Ada met us. Then: Lovelace"), None);
        assert_eq!(ada().redact_mentions("Adam Lovelaces"), None);
    }

    #[test]
    fn a_street_without_a_number_is_not_an_identifier() {
        let mut ids = Identifiers::new();
        ids.add_street("Hauptstraße");
        ids.add_street("12");
        assert!(ids.is_empty());
    }

    #[test]
    fn a_single_word_name_is_not_searched_for() {
        let mut ids = Identifiers::new();
        ids.add_full_name("", "Lovelace");
        assert!(ids.mention_phrases().is_empty());
        assert_eq!(ids.redact_mentions("Lovelace called"), None);
    }

    #[test]
    fn the_index_is_asked_for_each_spelling() {
        let phrases = ada().mention_phrases();
        for expected in [
            "ada lovelace",
            "lovelace ada",
            "ada@analytical.example",
            "flimmerweg 77",
            "+49 30 5550199",
            "5550199",
            "49305550199",
            "0305550199",
        ] {
            assert!(
                phrases.iter().any(|p| p == expected),
                "{expected}: {phrases:?}"
            );
        }
    }
}

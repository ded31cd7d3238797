//! How records become searchable, and how a search box input becomes a
//! query. Both backends index the same terms, so they find the same records.

/// Lower-cased word tokens of the given texts, plus the digits of phone
/// numbers as one token each, so `030 1234` and `0301234` both find a phone.
pub fn document_terms(texts: &[&str], phones: &[&str]) -> String {
    let mut terms: Vec<String> = texts.iter().flat_map(|t| tokens(t)).collect();
    for phone in phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            terms.push(digits.clone());
            // Also index the national form: +49 30 123 → 030123 is typed as often as 4930123.
            if let Some(rest) = phone.trim().strip_prefix('+') {
                let national: String = rest
                    .split_once(' ')
                    .map_or("", |(_, n)| n)
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                if !national.is_empty() {
                    terms.push(format!("0{national}"));
                }
            }
        }
    }
    terms.join(" ")
}

/// The tokens of what a person typed; each is matched as a prefix.
/// A phone-like input (digits with separators) becomes one digits token.
pub fn query_tokens(input: &str) -> Vec<String> {
    let trimmed = input.trim();
    let phone_like = trimmed.chars().filter(char::is_ascii_digit).count() >= 3
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
    if phone_like {
        return vec![trimmed.chars().filter(char::is_ascii_digit).collect()];
    }
    let mut tokens = tokens(trimmed);
    tokens.truncate(8);
    tokens
}

/// A contact's search terms: names, emails and phones, as the index keeps
/// them (and as a search is matched again on what a reader may see).
pub fn contact_terms(
    first_name: &str,
    last_name: &str,
    emails: &[&str],
    phones: &[&str],
) -> String {
    let mut texts = vec![first_name, last_name];
    texts.extend(emails.iter().copied());
    document_terms(&texts, phones)
}

/// Whether every typed token is the start of one of the `terms` (as
/// `document_terms` writes them): how the index matched, redone on the
/// terms of what a reader may see.
pub fn matches_every_token(typed: &[String], terms: &str) -> bool {
    typed.iter().all(|token| {
        terms
            .split(' ')
            .any(|term| term.starts_with(token.as_str()))
    })
}

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().take(64).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones_become_tokens() {
        let terms = document_terms(
            &["Anna Schmidt", "anna.schmidt@acme.de"],
            &["+49 30 1234567"],
        );
        assert_eq!(
            terms,
            "anna schmidt anna schmidt acme de 49301234567 0301234567"
        );
    }

    #[test]
    fn queries_split_like_documents() {
        assert_eq!(query_tokens("anna.sch"), ["anna", "sch"]);
        assert_eq!(query_tokens(" 030 123-4 "), ["0301234"]);
        assert!(query_tokens(" ,; ").is_empty());
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// `organisation` or `contact`.
    pub record_type: String,
    pub record_id: i64,
    pub label: String,
    pub detail: String,
    /// A contact whose processing is restricted (Art. 18).
    pub restricted: bool,
}

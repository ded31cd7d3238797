//! The order people expect in a name list: case does not matter ("de Vries"
//! sits among the Ds), common accents sort with their letter ("Ölberg" with
//! the Os), and equal last names are ordered by first name. Stored keys and
//! typed filters are folded by the same function, so both backends sort and
//! filter alike.

/// Separates the parts of a key; below every printable character, so
/// "Berg, Zoe" sorts before "Bergmann, Ada".
const SEPARATOR: char = '\u{1}';

/// The sort key of a name given in parts, most significant first.
pub fn sort_key(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| fold(part))
        .collect::<Vec<_>>()
        .join(&SEPARATOR.to_string())
}

/// What a typed prefix must match the start of a key with.
pub fn prefix_key(typed: &str) -> String {
    fold(typed)
}

fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => folded.push('a'),
            'æ' => folded.push_str("ae"),
            'ç' | 'ć' | 'č' => folded.push('c'),
            'ď' | 'đ' => folded.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => folded.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => folded.push('i'),
            'ł' => folded.push('l'),
            'ñ' | 'ń' | 'ň' => folded.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => folded.push('o'),
            'œ' => folded.push_str("oe"),
            'ř' => folded.push('r'),
            'ś' | 'š' | 'ş' => folded.push('s'),
            'ß' => folded.push_str("ss"),
            'ť' | 'ţ' => folded.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'ź' | 'ż' | 'ž' => folded.push('z'),
            other => folded.push(other),
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_people_expect() {
        let mut names = [
            ("Zimmermann", "Anna"),
            ("de Vries", "Jan"),
            ("Müller", "Zoe"),
            ("Muller", "Adam"),
            ("Berg", "Zoe"),
            ("Bergmann", "Ada"),
            ("Ölberg", "Eva"),
        ];
        names.sort_by_key(|(last, first)| sort_key(&[last, first]));
        let order: Vec<&str> = names.iter().map(|(last, _)| *last).collect();
        assert_eq!(
            order,
            [
                "Berg",
                "Bergmann",
                "de Vries",
                "Muller",
                "Müller",
                "Ölberg",
                "Zimmermann"
            ]
        );
    }

    #[test]
    fn typed_prefixes_match_regardless_of_case_and_accents() {
        let key = sort_key(&["Müller-Lüdenscheidt", "Hans"]);
        for typed in ["mü", "MU", "Muller-l", " muel"] {
            let matches = key.starts_with(&prefix_key(typed));
            assert_eq!(matches, typed != " muel", "{typed}");
        }
    }
}

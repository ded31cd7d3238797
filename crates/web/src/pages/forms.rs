//! Reading submitted forms: repeated fields, one-per-line lists and the
//! version for optimistic concurrency (the CSRF check is `crate::csrf`).

/// A form read by field name; `CsrfForm<FormData>` has checked its token.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.trim().is_empty())
    }

    /// Every value of a repeated field, such as checkboxes of one name.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A textarea with one value per line.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// A repeated field, such as a multiple select, as ids; others are skipped.
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect()
    }

    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }

    /// A link to another record: empty is no link. A value that is not a
    /// number becomes id 0, which no record has, so the save is refused
    /// with the field named instead of the link being dropped silently.
    pub fn link(&self, name: &str) -> Option<i64> {
        let value = self.get(name);
        let value = value.trim();
        (!value.is_empty()).then(|| value.parse().unwrap_or(0))
    }

    pub fn version(&self) -> Option<i64> {
        self.id("_version")
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

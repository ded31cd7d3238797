//! A page of a list: its records, the cursors to the pages before and
//! after it, and, when asked, how many records the list holds.

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// Absent on the first page.
    pub previous_cursor: Option<String>,
    /// How many records match the list's filters, when it was asked for.
    pub total: Option<Count>,
}

/// A list's size, counted up to [`Count::CAP`]: past it, only that there
/// are more (counting a million rows for a page header is not worth it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// The records counted: all of them, or [`Count::CAP`] when `more`.
    pub at_least: u64,
    /// More records match than were counted.
    pub more: bool,
}

impl Count {
    pub const CAP: u64 = 10_000;

    /// From the number of rows a count stopped at (at most `CAP + 1`).
    pub fn of(rows: u64) -> Count {
        Count {
            at_least: rows.min(Count::CAP),
            more: rows > Count::CAP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Count;

    #[test]
    fn a_count_stops_at_its_cap() {
        assert_eq!(
            Count::of(0),
            Count {
                at_least: 0,
                more: false
            }
        );
        assert_eq!(
            Count::of(Count::CAP),
            Count {
                at_least: Count::CAP,
                more: false
            }
        );
        assert_eq!(
            Count::of(Count::CAP + 1),
            Count {
                at_least: Count::CAP,
                more: true
            }
        );
    }
}

//! Times as people read them in lists: "due in 3 h", "overdue by 2 d",
//! with the exact time kept for the hover title.

use custodian_core::time::Timestamp;

/// A stretch of time in its largest sensible unit: "45 min", "3 h", "2 d".
pub fn span(ms: i64) -> String {
    let minutes = ms.abs() / 60_000;
    match minutes {
        0..=59 => format!("{} min", minutes.max(1)),
        60..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// How a due time stands at `now`.
pub fn due(now: Timestamp, at: Timestamp) -> String {
    if at.0 >= now.0 {
        format!("due in {}", span(at.0 - now.0))
    } else {
        format!("overdue by {}", span(now.0 - at.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_read_in_the_largest_unit() {
        let now = Timestamp(1_000_000_000_000);
        let later = |minutes: i64| Timestamp(now.0 + minutes * 60_000);
        assert_eq!(due(now, later(0)), "due in 1 min");
        assert_eq!(due(now, later(45)), "due in 45 min");
        assert_eq!(due(now, later(180)), "due in 3 h");
        assert_eq!(due(now, later(47 * 60)), "due in 47 h");
        assert_eq!(due(now, later(3 * 1440)), "due in 3 d");
        assert_eq!(due(now, later(-120)), "overdue by 2 h");
        assert_eq!(due(now, later(-2 * 1440)), "overdue by 2 d");
    }
}

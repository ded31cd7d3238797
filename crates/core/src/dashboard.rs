//! What the home dashboard shows: the caller's work in numbers and the
//! weekly and monthly series behind its charts. Every part is optional,
//! because a role sees only what it may read (need-to-know); the items
//! themselves (tickets, requests, agreements, activities) are the records'
//! own types, masked like any list.

use crate::time::{CalendarDate, Timestamp};

/// How many weeks the ticket charts cover, the current week last.
pub const WEEKS_SHOWN: u32 = 8;
/// How many months the request chart covers, the current month last.
pub const MONTHS_SHOWN: u32 = 6;
/// Agreements ending within this many days are listed.
pub const AGREEMENTS_ENDING_WITHIN_DAYS: u32 = 60;

const DAY_MS: i64 = 86_400_000;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// Counts over the tickets the caller reaches that are not yet solved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketTotals {
    pub open: u64,
    pub unassigned: u64,
    /// Open and assigned to the caller.
    pub mine: u64,
    /// Assigned to the caller with a first answer or a solution overdue.
    pub mine_overdue: u64,
    /// No first answer and its due time passed: a service-level breach.
    pub first_response_breached: u64,
    /// Not resolved and its due time passed.
    pub resolution_breached: u64,
}

/// One week of the helpdesk, Monday to Sunday (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketWeek {
    /// The week's Monday.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts: CalendarDate,
    pub opened: u64,
    pub resolved: u64,
    /// Of the tickets opened this week, how many have had a first answer,
    /// and the mean time it took.
    pub answered: u64,
    pub mean_first_response_minutes: Option<i64>,
}

/// Data-subject requests received in one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestMonth {
    /// `2026-11`.
    pub month: String,
    pub received: u64,
}

/// The Monday (UTC) of the week `at` falls in.
pub fn week_start(at: Timestamp) -> CalendarDate {
    let day = CalendarDate::of(at);
    let back = day.0.weekday().number_days_from_monday();
    CalendarDate(day.0 - time::Duration::days(i64::from(back)))
}

/// The first instant of the oldest week the charts show.
pub fn weeks_since(now: Timestamp) -> Timestamp {
    Timestamp(week_start(now).start().0 - i64::from(WEEKS_SHOWN - 1) * WEEK_MS)
}

/// The first day of the oldest month the request chart shows.
pub fn months_since(today: CalendarDate) -> CalendarDate {
    let (mut year, mut month) = (today.0.year(), today.0.month() as i32);
    month -= MONTHS_SHOWN as i32 - 1;
    while month < 1 {
        month += 12;
        year -= 1;
    }
    let month = time::Month::try_from(month as u8).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(year, month, 1)
        .map(CalendarDate)
        .unwrap_or(today)
}

/// Every week of the chart, oldest first, with the counts found for it
/// (`found` holds week numbers counted from `weeks_since`); weeks without
/// tickets count zero.
pub fn fill_weeks(now: Timestamp, found: &[(i64, TicketWeek)]) -> Vec<TicketWeek> {
    let first = week_start(Timestamp(weeks_since(now).0));
    (0..i64::from(WEEKS_SHOWN))
        .map(|n| {
            let starts = CalendarDate(first.0 + time::Duration::days(7 * n));
            found
                .iter()
                .find(|(week, _)| *week == n)
                .map(|(_, counted)| TicketWeek { starts, ..*counted })
                .unwrap_or(TicketWeek {
                    starts,
                    opened: 0,
                    resolved: 0,
                    answered: 0,
                    mean_first_response_minutes: None,
                })
        })
        .collect()
}

/// Every month of the chart, oldest first; months without requests count zero.
pub fn fill_months(today: CalendarDate, found: &[RequestMonth]) -> Vec<RequestMonth> {
    let first = months_since(today);
    (0..MONTHS_SHOWN)
        .map(|n| {
            let month = first.plus_months(n).to_iso()[..7].to_string();
            let received = found
                .iter()
                .find(|m| m.month == month)
                .map_or(0, |m| m.received);
            RequestMonth { month, received }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse(iso).unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-12-07 is a Monday, 2026-12-13 the Sunday after.
        assert_eq!(
            week_start(at("2026-12-07T00:00:00Z")).to_iso(),
            "2026-12-07"
        );
        assert_eq!(
            week_start(at("2026-12-13T23:59:00Z")).to_iso(),
            "2026-12-07"
        );
        assert_eq!(
            week_start(at("2026-12-06T12:00:00Z")).to_iso(),
            "2026-11-30"
        );
    }

    #[test]
    fn the_chart_covers_eight_weeks_ending_with_this_one() {
        let now = at("2026-12-09T10:00:00Z");
        assert_eq!(CalendarDate::of(weeks_since(now)).to_iso(), "2026-10-19");
        let counted = TicketWeek {
            starts: CalendarDate::of(now),
            opened: 3,
            resolved: 1,
            answered: 2,
            mean_first_response_minutes: Some(90),
        };
        let weeks = fill_weeks(now, &[(7, counted)]);
        assert_eq!(weeks.len(), 8);
        assert_eq!(weeks[0].starts.to_iso(), "2026-10-19");
        assert_eq!(weeks[0].opened, 0);
        assert_eq!(weeks[7].starts.to_iso(), "2026-12-07");
        assert_eq!(weeks[7].opened, 3);
    }

    #[test]
    fn the_request_chart_covers_six_months_across_a_new_year() {
        let today = CalendarDate::parse("2027-02-15").unwrap();
        assert_eq!(months_since(today).to_iso(), "2026-09-01");
        let months = fill_months(
            today,
            &[RequestMonth {
                month: "2026-12".into(),
                received: 4,
            }],
        );
        let shown: Vec<(&str, u64)> = months
            .iter()
            .map(|m| (m.month.as_str(), m.received))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-09", 0),
                ("2026-10", 0),
                ("2026-11", 0),
                ("2026-12", 4),
                ("2027-01", 0),
                ("2027-02", 0)
            ]
        );
    }
}

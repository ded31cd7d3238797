//! Instants (UTC, millisecond precision) and calendar dates as stored and shown.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let now = OffsetDateTime::now_utc();
        Timestamp((now.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn to_offset_date_time(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339, e.g. `2026-11-24T09:30:00Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_offset_date_time()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default()
    }

    /// Accepts RFC 3339 (`2026-11-24T09:30:00Z`) and the browser's
    /// `datetime-local` form (`2026-11-24T09:30`, taken as UTC).
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        let parsed = OffsetDateTime::parse(input, &Rfc3339).ok().or_else(|| {
            let with_seconds = if input.len() == 16 {
                format!("{input}:00Z")
            } else {
                format!("{input}Z")
            };
            OffsetDateTime::parse(&with_seconds, &Rfc3339).ok()
        })?;
        Some(Timestamp(
            (parsed.unix_timestamp_nanos() / 1_000_000) as i64,
        ))
    }

    /// `2026-11-24 09:30` for pages.
    pub fn display(self) -> String {
        let t = self.to_offset_date_time();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute()
        )
    }

    /// `2026-11-24T09:30` for a `datetime-local` input.
    pub fn to_datetime_local(self) -> String {
        self.display().replacen(' ', "T", 1)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Timestamp::parse(&raw).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 time"))
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate(pub time::Date);

impl CalendarDate {
    pub fn parse(input: &str) -> Option<Self> {
        let mut parts = input.trim().splitn(3, '-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
        time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?)
            .ok()
            .map(CalendarDate)
    }

    pub fn to_iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month() as u8,
            self.0.day()
        )
    }
}

impl CalendarDate {
    /// The same day `months` later; where that month is shorter, its last
    /// day (31 January + 1 month = 28 or 29 February), as periods expressed
    /// in months are counted (Regulation 1182/71, Art. 3(2)(c)).
    pub fn plus_months(self, months: u32) -> CalendarDate {
        let zero_based = self.0.month() as i32 - 1 + months as i32;
        let year = self.0.year() + zero_based / 12;
        let month =
            time::Month::try_from((zero_based % 12 + 1) as u8).unwrap_or(time::Month::December);
        let day = self.0.day().min(month.length(year));
        time::Date::from_calendar_date(year, month, day)
            .map(CalendarDate)
            .unwrap_or(self)
    }

    pub fn plus_days(self, days: u32) -> CalendarDate {
        CalendarDate(self.0.saturating_add(time::Duration::days(i64::from(days))))
    }

    /// The first instant of the day (midnight UTC).
    pub fn start(self) -> Timestamp {
        Timestamp(self.0.midnight().assume_utc().unix_timestamp() * 1000)
    }

    /// The UTC calendar day of an instant.
    pub fn of(instant: Timestamp) -> CalendarDate {
        CalendarDate(instant.to_offset_date_time().date())
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: CalendarDate) -> i64 {
        (later.0 - self.0).whole_days()
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_iso())
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_rfc3339() {
        let t = Timestamp::parse("2026-11-24T09:30:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T09:30:00Z");
        assert_eq!(Timestamp::parse("2026-11-24T09:30"), Some(t));
        assert_eq!(t.display(), "2026-11-24 09:30");
        assert!(Timestamp::parse("yesterday").is_none());
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            CalendarDate::parse("2026-02-28").unwrap().to_iso(),
            "2026-02-28"
        );
        assert!(CalendarDate::parse("2026-02-30").is_none());
        assert!(CalendarDate::parse("28.02.2026").is_none());
    }
}

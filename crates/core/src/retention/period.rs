//! Retention periods as people write them ("2 years", "18 months", "30d",
//! "P5Y") and as they are stored (ISO 8601, "P2Y6M"). Years and months are
//! counted on the calendar, days and weeks as days.

use crate::time::{CalendarDate, Timestamp};
use crate::validation::FieldProblem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub months: u32,
    pub days: u32,
}

impl Period {
    pub const ZERO: Period = Period { months: 0, days: 0 };

    pub fn years(years: u32) -> Period {
        Period {
            months: years * 12,
            days: 0,
        }
    }

    pub fn is_zero(self) -> bool {
        self.months == 0 && self.days == 0
    }

    /// Parses "2 years", "2y", "18 months", "6w", "30 days", "1 year 6
    /// months" or ISO 8601 "P1Y6M". A negative period is refused with its
    /// own code, so that the caller can tell it from a typo.
    pub fn parse(input: &str) -> Result<Period, FieldProblem> {
        let text = input.trim().to_lowercase();
        if text.is_empty() {
            return Err(FieldProblem::new(
                "required",
                "Give a period, e.g. \"2 years\", \"18 months\" or \"30 days\".",
            ));
        }
        if text.starts_with('-') {
            return Err(FieldProblem::new(
                "negative_period",
                "A period cannot be negative: a rule acts once the period has passed.",
            ));
        }
        let unparseable = || {
            FieldProblem::new(
                "invalid_period",
                format!("\"{}\" is not a period: write e.g. \"2 years\", \"18 months\", \"6 weeks\", \"30 days\" or \"P2Y\".", input.trim()),
            )
        };
        let iso = text.strip_prefix('p');
        let body = iso.unwrap_or(&text);
        let mut period = Period::ZERO;
        let mut rest = body.trim();
        let mut parts = 0;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return Err(unparseable());
            }
            let number: u32 = rest[..digits].parse().map_err(|_| unparseable())?;
            rest = rest[digits..].trim_start();
            let unit_len = rest.len() - rest.trim_start_matches(|c: char| c.is_alphabetic()).len();
            let unit = &rest[..unit_len];
            rest = rest[unit_len..].trim_start_matches([' ', ',']).trim_start();
            rest = rest.strip_prefix("and ").unwrap_or(rest);
            let add = |period: &mut Period, months: Option<u32>, days: Option<u32>| -> Option<()> {
                period.months = period.months.checked_add(months.unwrap_or(0))?;
                period.days = period.days.checked_add(days.unwrap_or(0))?;
                Some(())
            };
            let added = match unit {
                "y" | "year" | "years" => add(&mut period, number.checked_mul(12), None),
                "m" | "mo" | "month" | "months" => add(&mut period, Some(number), None),
                "w" | "week" | "weeks" => add(&mut period, None, number.checked_mul(7)),
                "d" | "day" | "days" => add(&mut period, None, Some(number)),
                _ => None,
            };
            if added.is_none() || (iso.is_some() && unit.len() != 1) {
                return Err(unparseable());
            }
            parts += 1;
        }
        if parts == 0 || period.months > 1200 || period.days > 36_500 {
            return Err(unparseable());
        }
        Ok(period)
    }

    /// The stored form, ISO 8601: "P2Y", "P18M" is written "P1Y6M", "P30D".
    pub fn to_iso(self) -> String {
        if self.is_zero() {
            return "P0D".into();
        }
        let mut text = String::from("P");
        let (years, months) = (self.months / 12, self.months % 12);
        if years > 0 {
            text.push_str(&format!("{years}Y"));
        }
        if months > 0 {
            text.push_str(&format!("{months}M"));
        }
        if self.days > 0 {
            text.push_str(&format!("{}D", self.days));
        }
        text
    }

    /// For people: "2 years", "1 year 6 months", "30 days".
    pub fn label(self) -> String {
        if self.is_zero() {
            return "no time at all".into();
        }
        let unit = |n: u32, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut parts = Vec::new();
        let (years, months) = (self.months / 12, self.months % 12);
        if years > 0 {
            parts.push(unit(years, "year", "years"));
        }
        if months > 0 {
            parts.push(unit(months, "month", "months"));
        }
        if self.days > 0 {
            parts.push(unit(self.days, "day", "days"));
        }
        parts.join(" ")
    }

    /// The day a period that began on `start` ends.
    pub fn after(self, start: CalendarDate) -> CalendarDate {
        start.plus_months(self.months).plus_days(self.days)
    }

    /// The latest instant a period can have begun at and be over by `now`:
    /// records whose trigger is before it are due. Counted in whole days
    /// (UTC), so that a rule acts on the day its period ends.
    pub fn cutoff(self, now: Timestamp) -> Timestamp {
        let today = CalendarDate::of(now);
        let mut start = today;
        // The earliest start whose period ends after today, stepped back
        // from today: a month back at a time keeps 31 January + 1 month = 28
        // February the right way round.
        start = minus_months(start, self.months);
        start = CalendarDate(
            start
                .0
                .saturating_sub(time::Duration::days(i64::from(self.days))),
        );
        // A period that began during `start` is over at the end of today's
        // counting; everything before the next midnight is due.
        Timestamp(start.start().0 + 86_400_000)
    }
}

fn minus_months(date: CalendarDate, months: u32) -> CalendarDate {
    let zero_based = date.0.year() * 12 + date.0.month() as i32 - 1 - months as i32;
    let year = zero_based.div_euclid(12);
    let month = time::Month::try_from((zero_based.rem_euclid(12) + 1) as u8)
        .unwrap_or(time::Month::January);
    let day = date.0.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day)
        .map(CalendarDate)
        .unwrap_or(date)
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Period::parse(&text).map_err(|p| serde::de::Error::custom(p.message))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_iso_spellings_parse_to_the_same_period() {
        let two_years = Period::years(2);
        for text in [
            "2 years",
            "2y",
            "2 Years",
            "P2Y",
            "24 months",
            "p2y",
            " 2 years ",
        ] {
            assert_eq!(Period::parse(text), Ok(two_years), "{text}");
        }
        assert_eq!(
            Period::parse("1 year 6 months"),
            Ok(Period {
                months: 18,
                days: 0
            })
        );
        assert_eq!(
            Period::parse("P1Y6M").map(Period::to_iso),
            Ok("P1Y6M".into())
        );
        assert_eq!(Period::parse("6w").map(|p| p.days), Ok(42));
        assert_eq!(
            Period::parse("30 days").map(|p| p.label()),
            Ok("30 days".into())
        );
        assert_eq!(Period::parse("0d"), Ok(Period::ZERO));
    }

    #[test]
    fn nonsense_and_negative_periods_are_refused_with_their_own_codes() {
        for text in [
            "two years",
            "2 fortnights",
            "2",
            "y",
            "P2years",
            "5 years ago",
            "99999999999 days",
        ] {
            assert_eq!(
                Period::parse(text).map_err(|p| p.code),
                Err("invalid_period"),
                "{text}"
            );
        }
        assert_eq!(
            Period::parse("-1y").map_err(|p| p.code),
            Err("negative_period")
        );
        assert_eq!(Period::parse("").map_err(|p| p.code), Err("required"));
    }

    #[test]
    fn the_cutoff_is_the_start_of_the_day_after_the_last_due_start() {
        let now = Timestamp::parse("2026-12-02T10:00:00Z").unwrap();
        // Begun on 2 Dec 2024 or earlier: two years are over today.
        let cutoff = Period::years(2).cutoff(now);
        assert_eq!(cutoff.to_rfc3339(), "2024-12-03T00:00:00Z");
        let month_end = Timestamp::parse("2026-03-31T00:00:00Z").unwrap();
        let one_month = Period { months: 1, days: 0 }.cutoff(month_end);
        assert_eq!(one_month.to_rfc3339(), "2026-03-01T00:00:00Z");
        assert_eq!(
            Period::ZERO.cutoff(now).to_rfc3339(),
            "2026-12-03T00:00:00Z"
        );
    }
}

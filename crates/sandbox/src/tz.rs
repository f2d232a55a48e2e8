//! Local time for livechat working hours, without a timezone database.
//!
//! The sandbox accepts a fixed UTC offset (`UTC`, `+02:00`, `UTC-5`, `UTC+05:30`) or one of a
//! small table of IANA names whose current daylight-saving rule is written out here: the EU rule
//! (last Sunday of March to last Sunday of October, switching at 01:00 UTC) and the US rule
//! (second Sunday of March to first Sunday of November, switching at 02:00 local time). That
//! covers the shops this widget is built for without shipping a tz database; anything else is a
//! 422 naming what is supported. Historical rule changes are deliberately ignored.

use dialoge_api::livechat::Weekday;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// A timezone the sandbox knows how to turn UTC into local time for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A constant offset in seconds east of UTC.
    Fixed(i32),
    /// Standard offset in seconds; one hour more under the EU summer-time rule.
    Eu(i32),
    /// Standard offset in seconds; one hour more under the US daylight-saving rule.
    Us(i32),
}

const HOUR: i32 = 3_600;

/// IANA names the sandbox understands, with their rule.
const NAMED: &[(&str, Zone)] = &[
    ("UTC", Zone::Fixed(0)),
    ("Etc/UTC", Zone::Fixed(0)),
    ("GMT", Zone::Fixed(0)),
    ("Europe/London", Zone::Eu(0)),
    ("Europe/Dublin", Zone::Eu(0)),
    ("Europe/Lisbon", Zone::Eu(0)),
    ("Atlantic/Reykjavik", Zone::Fixed(0)),
    ("Europe/Copenhagen", Zone::Eu(HOUR)),
    ("Europe/Oslo", Zone::Eu(HOUR)),
    ("Europe/Stockholm", Zone::Eu(HOUR)),
    ("Europe/Berlin", Zone::Eu(HOUR)),
    ("Europe/Amsterdam", Zone::Eu(HOUR)),
    ("Europe/Brussels", Zone::Eu(HOUR)),
    ("Europe/Paris", Zone::Eu(HOUR)),
    ("Europe/Madrid", Zone::Eu(HOUR)),
    ("Europe/Rome", Zone::Eu(HOUR)),
    ("Europe/Vienna", Zone::Eu(HOUR)),
    ("Europe/Zurich", Zone::Eu(HOUR)),
    ("Europe/Prague", Zone::Eu(HOUR)),
    ("Europe/Warsaw", Zone::Eu(HOUR)),
    ("Europe/Helsinki", Zone::Eu(2 * HOUR)),
    ("Europe/Tallinn", Zone::Eu(2 * HOUR)),
    ("Europe/Riga", Zone::Eu(2 * HOUR)),
    ("Europe/Vilnius", Zone::Eu(2 * HOUR)),
    ("Europe/Athens", Zone::Eu(2 * HOUR)),
    ("America/New_York", Zone::Us(-5 * HOUR)),
    ("America/Chicago", Zone::Us(-6 * HOUR)),
    ("America/Denver", Zone::Us(-7 * HOUR)),
    ("America/Los_Angeles", Zone::Us(-8 * HOUR)),
    ("Asia/Kolkata", Zone::Fixed(5 * HOUR + 1_800)),
    ("Asia/Shanghai", Zone::Fixed(8 * HOUR)),
    ("Asia/Singapore", Zone::Fixed(8 * HOUR)),
    ("Asia/Tokyo", Zone::Fixed(9 * HOUR)),
    ("Australia/Brisbane", Zone::Fixed(10 * HOUR)),
];

/// The names [`parse`] accepts besides offsets, for error messages and the README.
pub fn supported_names() -> impl Iterator<Item = &'static str> {
    NAMED.iter().map(|(name, _)| *name)
}

/// Reads a timezone: an IANA name from the table, or a fixed offset.
pub fn parse(name: &str) -> Option<Zone> {
    let name = name.trim();
    if let Some((_, zone)) = NAMED.iter().find(|(known, _)| *known == name) {
        return Some(*zone);
    }
    let offset = name
        .strip_prefix("UTC")
        .or_else(|| name.strip_prefix("GMT"))
        .unwrap_or(name);
    parse_offset(offset).map(Zone::Fixed)
}

/// `+02:00`, `-5`, `+0530`, `+05:30` → seconds east of UTC (at most ±14 hours).
fn parse_offset(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    if hours.is_empty() || hours.len() > 2 || minutes.len() > 2 {
        return None;
    }
    let (hours, minutes) = (hours.parse::<i32>().ok()?, minutes.parse::<i32>().ok()?);
    (hours <= 14 && minutes < 60).then_some(sign * (hours * HOUR + minutes * 60))
}

impl Zone {
    /// Seconds east of UTC at the instant `utc`.
    pub fn offset_at(self, utc: OffsetDateTime) -> i32 {
        match self {
            Self::Fixed(offset) => offset,
            Self::Eu(standard) => {
                let year = utc.year();
                // Both switches happen at 01:00 UTC, whatever the zone.
                let start = at_utc(last_sunday(year, Month::March), 3_600);
                let end = at_utc(last_sunday(year, Month::October), 3_600);
                match (start, end) {
                    (Some(start), Some(end)) if utc >= start && utc < end => standard + HOUR,
                    _ => standard,
                }
            }
            Self::Us(standard) => {
                let year = utc.year();
                // 02:00 local standard time in spring, 02:00 local daylight time in autumn.
                let start = nth_sunday(year, Month::March, 2)
                    .and_then(|day| at_utc(day, 2 * HOUR - standard));
                let end = nth_sunday(year, Month::November, 1)
                    .and_then(|day| at_utc(day, 2 * HOUR - (standard + HOUR)));
                match (start, end) {
                    (Some(start), Some(end)) if utc >= start && utc < end => standard + HOUR,
                    _ => standard,
                }
            }
        }
    }

    /// The local weekday and minute of the day at the instant `utc`.
    pub fn local(self, utc: OffsetDateTime) -> (Weekday, u16) {
        let local = UtcOffset::from_whole_seconds(self.offset_at(utc))
            .map(|offset| utc.to_offset(offset))
            .unwrap_or(utc);
        let weekday = match local.weekday() {
            time::Weekday::Monday => Weekday::Monday,
            time::Weekday::Tuesday => Weekday::Tuesday,
            time::Weekday::Wednesday => Weekday::Wednesday,
            time::Weekday::Thursday => Weekday::Thursday,
            time::Weekday::Friday => Weekday::Friday,
            time::Weekday::Saturday => Weekday::Saturday,
            time::Weekday::Sunday => Weekday::Sunday,
        };
        let minute = u16::from(local.hour()) * 60 + u16::from(local.minute());
        (weekday, minute)
    }
}

/// Midnight UTC of `day` plus `seconds` (which may be negative: the previous evening).
fn at_utc(day: Date, seconds: i32) -> Option<OffsetDateTime> {
    let midnight = day.midnight().assume_utc();
    midnight.checked_add(time::Duration::seconds(i64::from(seconds)))
}

fn last_sunday(year: i32, month: Month) -> Date {
    let last_day = month.length(year);
    let mut day = Date::from_calendar_date(year, month, last_day).unwrap_or(Date::MIN);
    while day.weekday() != time::Weekday::Sunday {
        day = day.previous_day().unwrap_or(Date::MIN);
    }
    day
}

fn nth_sunday(year: i32, month: Month, n: u8) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let to_sunday = (7 - first.weekday().number_days_from_sunday()) % 7;
    Date::from_calendar_date(year, month, 1 + to_sunday + 7 * (n - 1)).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn utc(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn offsets_are_read_in_the_usual_spellings() {
        assert_eq!(parse("UTC"), Some(Zone::Fixed(0)));
        assert_eq!(parse("+02:00"), Some(Zone::Fixed(7_200)));
        assert_eq!(parse("UTC-5"), Some(Zone::Fixed(-18_000)));
        assert_eq!(parse("UTC+05:30"), Some(Zone::Fixed(19_800)));
        assert_eq!(parse("-0330"), Some(Zone::Fixed(-12_600)));
        assert_eq!(parse("Mars/Olympus_Mons"), None);
        assert_eq!(parse("+25:00"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn copenhagen_is_utc_plus_one_in_winter_and_plus_two_in_summer() {
        let zone = parse("Europe/Copenhagen").unwrap();
        assert_eq!(zone.offset_at(utc("2025-01-15T12:00:00Z")), 3_600);
        assert_eq!(zone.offset_at(utc("2025-07-15T12:00:00Z")), 7_200);
        // 2025: summer time from 30 March 01:00 UTC to 26 October 01:00 UTC.
        assert_eq!(zone.offset_at(utc("2025-03-30T00:59:00Z")), 3_600);
        assert_eq!(zone.offset_at(utc("2025-03-30T01:00:00Z")), 7_200);
        assert_eq!(zone.offset_at(utc("2025-10-26T00:59:00Z")), 7_200);
        assert_eq!(zone.offset_at(utc("2025-10-26T01:00:00Z")), 3_600);
    }

    #[test]
    fn new_york_switches_at_two_in_the_morning_local_time() {
        let zone = parse("America/New_York").unwrap();
        // 2025: 9 March 07:00 UTC and 2 November 06:00 UTC.
        assert_eq!(zone.offset_at(utc("2025-03-09T06:59:00Z")), -18_000);
        assert_eq!(zone.offset_at(utc("2025-03-09T07:00:00Z")), -14_400);
        assert_eq!(zone.offset_at(utc("2025-11-02T05:59:00Z")), -14_400);
        assert_eq!(zone.offset_at(utc("2025-11-02T06:00:00Z")), -18_000);
    }

    #[test]
    fn local_time_crosses_midnight_into_the_next_weekday() {
        let zone = parse("Europe/Copenhagen").unwrap();
        // Sunday 22:30 UTC in summer is Monday 00:30 in Copenhagen.
        assert_eq!(
            zone.local(utc("2025-06-15T22:30:00Z")),
            (Weekday::Monday, 30)
        );
    }
}

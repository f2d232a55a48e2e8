//! Foundation layer: local time for livechat working hours, from the IANA tz database that
//! `jiff` bundles into the binary (so any zone a shop uses works, on any host, with its history
//! of rule changes), or from a fixed UTC offset (`UTC`, `+02:00`, `UTC-5`, `UTC+05:30`).
//!
//! Pure: it knows nothing of settings, stores or HTTP, and must never read a clock.

use dialoge_api::livechat::Weekday;
use jiff::tz::{Offset, TimeZone};

use crate::clock::Timestamp;

/// A timezone the sandbox can turn an instant into local time for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    /// A constant offset in seconds east of UTC.
    Fixed(i32),
    /// A zone of the tz database, with all its daylight-saving and historical rules.
    Iana(TimeZone),
}

const HOUR: i32 = 3_600;

/// Reads a timezone: a fixed offset in one of the usual spellings, else an IANA name.
/// `None` for anything else (the caller turns that into a 422 naming the field).
pub fn parse(name: &str) -> Option<Zone> {
    let name = name.trim();
    if let Some(offset) = parse_offset_spelling(name) {
        return Some(Zone::Fixed(offset));
    }
    TimeZone::get(name).ok().map(Zone::Iana)
}

/// `UTC`, `GMT`, `UTC+2`, `GMT-05:00`, `+02:00`, `-0330` → seconds east of UTC.
fn parse_offset_spelling(name: &str) -> Option<i32> {
    match name
        .strip_prefix("UTC")
        .or_else(|| name.strip_prefix("GMT"))
    {
        Some("") => Some(0),
        Some(offset) => parse_offset(offset),
        None => parse_offset(name),
    }
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
    fn time_zone(&self) -> TimeZone {
        match self {
            // Offsets are range-checked when parsed; an impossible one can only mean UTC.
            Self::Fixed(seconds) => Offset::from_seconds(*seconds)
                .map(TimeZone::fixed)
                .unwrap_or(TimeZone::UTC),
            Self::Iana(zone) => zone.clone(),
        }
    }

    /// Seconds east of UTC at the instant `at`.
    pub fn offset_at(&self, at: Timestamp) -> i32 {
        match self {
            Self::Fixed(seconds) => *seconds,
            Self::Iana(zone) => zone.to_offset(instant(at)).seconds(),
        }
    }

    /// The instant `at` as local civil time in this zone, written with a `strftime` pattern
    /// (`%Y-%m-%d %H:%M`).
    pub fn format(&self, at: Timestamp, pattern: &str) -> String {
        self.time_zone()
            .to_datetime(instant(at))
            .strftime(pattern)
            .to_string()
    }

    /// The local weekday and minute of the day at the instant `at`.
    pub fn local(&self, at: Timestamp) -> (Weekday, u16) {
        let local = self.time_zone().to_datetime(instant(at));
        let weekday = match local.weekday() {
            jiff::civil::Weekday::Monday => Weekday::Monday,
            jiff::civil::Weekday::Tuesday => Weekday::Tuesday,
            jiff::civil::Weekday::Wednesday => Weekday::Wednesday,
            jiff::civil::Weekday::Thursday => Weekday::Thursday,
            jiff::civil::Weekday::Friday => Weekday::Friday,
            jiff::civil::Weekday::Saturday => Weekday::Saturday,
            jiff::civil::Weekday::Sunday => Weekday::Sunday,
        };
        // Hours and minutes of a civil time are never negative.
        let minute =
            u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        (weekday, minute)
    }
}

/// Our millisecond instant as jiff's (always in range: jiff spans years -9999 to 9999, far
/// beyond any clock the sandbox reads).
fn instant(at: Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(at.unix_millis()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn utc(text: &str) -> Timestamp {
        let at: jiff::Timestamp = text.parse().unwrap();
        Timestamp::UNIX_EPOCH + std::time::Duration::from_millis(at.as_millisecond() as u64)
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

    #[test]
    fn zones_with_half_hour_quarter_hour_and_half_hour_dst_offsets_work() {
        // St. John's: UTC-3:30 in winter, -2:30 in summer.
        let st_johns = parse("America/St_Johns").unwrap();
        assert_eq!(st_johns.offset_at(utc("2025-01-15T12:00:00Z")), -12_600);
        assert_eq!(st_johns.offset_at(utc("2025-07-15T12:00:00Z")), -9_000);
        // Kathmandu: UTC+5:45 all year.
        let kathmandu = parse("Asia/Kathmandu").unwrap();
        assert_eq!(kathmandu.offset_at(utc("2025-06-15T12:00:00Z")), 20_700);
        assert_eq!(
            kathmandu.local(utc("2025-06-15T18:15:00Z")),
            (Weekday::Monday, 0)
        );
        // Lord Howe Island moves by half an hour: +10:30 in (southern) winter, +11 in summer.
        let lord_howe = parse("Australia/Lord_Howe").unwrap();
        assert_eq!(lord_howe.offset_at(utc("2025-07-01T00:00:00Z")), 37_800);
        assert_eq!(lord_howe.offset_at(utc("2025-01-01T00:00:00Z")), 39_600);
    }

    #[test]
    fn sydney_leaves_daylight_saving_on_the_first_sunday_of_april() {
        // 2025-04-06 03:00 local daylight time (+11) = 2025-04-05 16:00 UTC: back to +10.
        let sydney = parse("Australia/Sydney").unwrap();
        assert_eq!(sydney.offset_at(utc("2025-04-05T15:59:00Z")), 39_600);
        assert_eq!(sydney.offset_at(utc("2025-04-05T16:00:00Z")), 36_000);
        // Local time repeats 02:00–03:00: Sunday 02:30 twice.
        assert_eq!(
            sydney.local(utc("2025-04-05T15:30:00Z")),
            (Weekday::Sunday, 150)
        );
        assert_eq!(
            sydney.local(utc("2025-04-05T16:30:00Z")),
            (Weekday::Sunday, 150)
        );
    }

    #[test]
    fn an_unknown_or_misspelled_zone_is_refused() {
        assert_eq!(parse("Europe/Copenhagn"), None);
        assert_eq!(parse("Mars/Base"), None);
    }
}

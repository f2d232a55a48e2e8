//! Foundation layer: the sandbox's one notion of time — [`Timestamp`], an instant in whole
//! milliseconds — and [`Clock`], where "now" comes from (the system clock in normal runs, a
//! hand-moved clock in tests).
//!
//! Everything that keeps or compares a time (token `iat`/`exp`, `created_at`, expiry checks,
//! a livechat session's phases) holds a [`Timestamp`], and the wire's RFC 3339 text is made from
//! one by [`Timestamp::rfc3339`] only. Nothing reads `SystemTime::now()` directly, so a test can
//! mint a token and then step two hours ahead to see it expire without sleeping. This module
//! depends on nothing else in the crate and must never gain a dependency on it.

use std::fmt;
use std::ops::Add;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in whole milliseconds since the Unix epoch. Whole milliseconds because that is
/// what the API sends (`2025-06-15T14:30:10.123Z`): a stored time and its text never disagree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    /// 1970-01-01T00:00:00.000Z.
    pub const UNIX_EPOCH: Self = Self { millis: 0 };

    /// Whole seconds since the epoch, as JWT `exp` and signed URLs carry them.
    pub fn from_unix_secs(seconds: u64) -> Self {
        let millis = i64::try_from(seconds)
            .ok()
            .and_then(|s| s.checked_mul(1_000))
            .unwrap_or(i64::MAX);
        Self { millis }
    }

    /// Whole seconds since the epoch (0 before it).
    pub fn unix_secs(self) -> u64 {
        u64::try_from(self.millis.div_euclid(1_000)).unwrap_or(0)
    }

    /// Milliseconds since the epoch.
    pub fn unix_millis(self) -> i64 {
        self.millis
    }

    /// RFC 3339 in UTC with exactly three fraction digits (`2025-06-15T14:30:10.123Z`), so
    /// timestamps have one length and compare as strings too.
    pub fn rfc3339(self) -> String {
        match jiff::Timestamp::from_millisecond(self.millis) {
            Ok(at) => format!("{at:.3}"),
            Err(_) => "1970-01-01T00:00:00.000Z".to_owned(),
        }
    }
}

impl From<SystemTime> for Timestamp {
    /// Truncated to the millisecond, like the text that is sent.
    fn from(at: SystemTime) -> Self {
        let millis = match at.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
        };
        Self { millis }
    }
}

impl Add<Duration> for Timestamp {
    type Output = Self;

    /// Saturates instead of overflowing: "never" is as good as an overflow for an expiry.
    fn add(self, by: Duration) -> Self {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        Self {
            millis: self.millis.saturating_add(by),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// A cheaply clonable clock; clones share the same time source.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(Mutex<Timestamp>),
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// The real wall clock.
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock frozen at `start` that only moves when [`Clock::advance`] or [`Clock::set`] is called.
    pub fn manual(start: impl Into<Timestamp>) -> Self {
        Self(Arc::new(Source::Manual(Mutex::new(start.into()))))
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        match &*self.0 {
            Source::System => SystemTime::now().into(),
            Source::Manual(time) => *time.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock forward; the system clock ignores this (it cannot be steered).
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(time) = &*self.0 {
            let mut time = time.lock().unwrap_or_else(PoisonError::into_inner);
            *time = *time + by;
        }
    }

    /// Sets a manual clock; the system clock ignores this.
    pub fn set(&self, to: impl Into<Timestamp>) {
        if let Source::Manual(time) = &*self.0 {
            *time.lock().unwrap_or_else(PoisonError::into_inner) = to.into();
        }
    }

    /// Seconds since the Unix epoch (JWT `iat`/`exp` use these).
    pub fn unix_secs(&self) -> u64 {
        self.now().unix_secs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_always_carry_three_fraction_digits() {
        let whole = Timestamp::from_unix_secs(1_750_000_000);
        assert_eq!(whole.rfc3339(), "2025-06-15T15:06:40.000Z");
        let fractional = whole + Duration::from_millis(120);
        assert_eq!(fractional.rfc3339(), "2025-06-15T15:06:40.120Z");
    }

    #[test]
    fn a_system_time_is_cut_to_the_millisecond_it_is_sent_as() {
        let at = UNIX_EPOCH + Duration::from_nanos(1_750_000_000_123_999_999);
        assert_eq!(Timestamp::from(at).rfc3339(), "2025-06-15T15:06:40.123Z");
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = Clock::manual(start);
        assert_eq!(clock.unix_secs(), 1_000);
        clock.advance(Duration::from_secs(3_600));
        assert_eq!(clock.clone().unix_secs(), 4_600);
    }
}

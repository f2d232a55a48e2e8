//! The sandbox's notion of "now": the system clock in normal runs, a hand-moved clock in tests.
//!
//! Everything that reads the time (token `iat`/`exp`, `created_at`, expiry checks) asks the
//! [`Clock`] in the app state, never `SystemTime::now()` directly, so a test can mint a token and
//! then step two hours ahead to see it expire without sleeping.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A cheaply clonable clock; clones share the same time source.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(Mutex<SystemTime>),
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
    pub fn manual(start: SystemTime) -> Self {
        Self(Arc::new(Source::Manual(Mutex::new(start))))
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        match &*self.0 {
            Source::System => SystemTime::now(),
            Source::Manual(time) => *time.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock forward; the system clock ignores this (it cannot be steered).
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(time) = &*self.0 {
            let mut time = time.lock().unwrap_or_else(PoisonError::into_inner);
            *time += by;
        }
    }

    /// Sets a manual clock; the system clock ignores this.
    pub fn set(&self, to: SystemTime) {
        if let Source::Manual(time) = &*self.0 {
            *time.lock().unwrap_or_else(PoisonError::into_inner) = to;
        }
    }

    /// Seconds since the Unix epoch (JWT `iat`/`exp` use these).
    pub fn unix_secs(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_secs())
            .unwrap_or(0)
    }

    /// The current time as an RFC 3339 timestamp with milliseconds, as `created_at` is sent.
    pub fn rfc3339(&self) -> String {
        rfc3339(self.now())
    }
}

/// Formats a time as RFC 3339 in UTC with millisecond precision (`2025-06-15T14:30:10.123Z`).
pub fn rfc3339(at: SystemTime) -> String {
    let millis = at
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis())
        .unwrap_or(0);
    // Whole milliseconds keep timestamps the same length and comparable as strings.
    let nanos = i128::try_from(millis).unwrap_or(0) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .map(|s| with_millis(&s))
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

/// `time` prints as few fraction digits as needed (none for a whole second); the API always
/// sends three, so pad or cut to exactly three.
fn with_millis(formatted: &str) -> String {
    let Some(body) = formatted.strip_suffix('Z') else {
        return formatted.to_owned();
    };
    let (seconds, fraction) = body.split_once('.').unwrap_or((body, ""));
    let mut digits: String = fraction.chars().take(3).collect();
    while digits.len() < 3 {
        digits.push('0');
    }
    format!("{seconds}.{digits}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_always_carry_three_fraction_digits() {
        let whole = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        assert_eq!(rfc3339(whole), "2025-06-15T15:06:40.000Z");
        let fractional = whole + Duration::from_millis(120);
        assert_eq!(rfc3339(fractional), "2025-06-15T15:06:40.120Z");
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

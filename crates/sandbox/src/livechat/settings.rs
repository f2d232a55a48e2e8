//! Livechat settings (`PUT`/`GET /livechat/settings`, API key) and the `livechat` block of
//! `/config` computed from them: enabled, a manual live/offline override, working hours in a
//! timezone ([`crate::tz`]), attachments and retention.
//!
//! Availability is decided in this order: switched off → `disabled`; a manual override →
//! `manual_live`/`manual_offline`; no working hours → `always_on`; else inside or outside the
//! hours, in the hours' timezone, at the injectable clock's "now".

use std::time::SystemTime;

use axum::extract::State;
use axum::Json;
use dialoge_api::config::{AvailabilityReason, AvailabilityStatus, LivechatConfig};
use dialoge_api::livechat::{LivechatSettings, LivechatSettingsResponse, ManualOverride, Weekday};
use dialoge_api::send::MAX_MESSAGE_DATA_BYTES;
use time::OffsetDateTime;

use crate::auth::ApiKeyAuth;
use crate::error::{ApiError, ApiJson, Problems};
use crate::state::AppState;
use crate::tz;

/// Longest retention a chatbot may ask for (ten years).
const MAX_RETENTION_DAYS: u32 = 3_650;

/// The `livechat` block for `settings` at `now`.
pub fn availability(
    settings: &LivechatSettings,
    now: SystemTime,
    configured: bool,
) -> LivechatConfig {
    let (status, reason) = if !settings.enabled {
        (AvailabilityStatus::Offline, AvailabilityReason::Disabled)
    } else if settings.manual_override == Some(ManualOverride::Live) {
        (AvailabilityStatus::Live, AvailabilityReason::ManualLive)
    } else if settings.manual_override == Some(ManualOverride::Offline) {
        (
            AvailabilityStatus::Offline,
            AvailabilityReason::ManualOffline,
        )
    } else if let Some(hours) = &settings.working_hours {
        // Settings are validated on the way in; an unreadable zone can only mean UTC.
        let zone = tz::parse(&hours.timezone).unwrap_or(tz::Zone::Fixed(0));
        let utc = OffsetDateTime::from(now);
        let (day, minute) = zone.local(utc);
        if hours.is_open(&day, minute) {
            (
                AvailabilityStatus::Live,
                AvailabilityReason::WithinWorkingHours,
            )
        } else {
            (
                AvailabilityStatus::Offline,
                AvailabilityReason::OutsideWorkingHours,
            )
        }
    } else {
        (AvailabilityStatus::Live, AvailabilityReason::AlwaysOn)
    };
    LivechatConfig {
        enabled: settings.enabled,
        configured,
        availability_status: status,
        availability_reason: Some(reason),
        show_livechat_logo: false,
        attachments_enabled: settings.attachments_enabled,
        max_attachment_size_bytes: Some(max_attachment_bytes(settings)),
    }
}

/// The largest livechat upload the settings allow.
pub fn max_attachment_bytes(settings: &LivechatSettings) -> u64 {
    settings
        .max_attachment_size_bytes
        .unwrap_or(MAX_MESSAGE_DATA_BYTES as u64)
}

/// A chatbot's settings right now.
pub(crate) fn settings_of(state: &AppState, chatbot_id: &str) -> LivechatSettings {
    state
        .livechat()
        .settings_for(chatbot_id, &state.options().livechat)
}

/// A chatbot's `livechat` block right now. `configured` means someone can answer: a webhook
/// is set, the auto agent runs, or (development mode) the console is there.
pub(crate) fn current(state: &AppState, chatbot_id: &str) -> LivechatConfig {
    let settings = settings_of(state, chatbot_id);
    let configured = state.options().auto_agent
        || state.options().dev_mode
        || state.webhooks().config(chatbot_id).is_some();
    availability(&settings, state.clock().now(), configured)
}

/// `PUT /api/v1/chat/livechat/settings`: replaces the chatbot's settings (a field left out takes
/// its default: off, no hours, no override, no attachments).
pub async fn put_settings(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(settings): ApiJson<LivechatSettings>,
) -> Result<Json<LivechatSettingsResponse>, ApiError> {
    validate(&settings)?;
    state
        .livechat()
        .settings
        .insert(auth.chatbot_id.clone(), settings);
    Ok(Json(response(&state, &auth.chatbot_id)))
}

/// `GET /api/v1/chat/livechat/settings`.
pub async fn get_settings(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
) -> Json<LivechatSettingsResponse> {
    Json(response(&state, &auth.chatbot_id))
}

fn response(state: &AppState, chatbot_id: &str) -> LivechatSettingsResponse {
    LivechatSettingsResponse {
        settings: settings_of(state, chatbot_id),
        livechat: current(state, chatbot_id),
    }
}

fn validate(settings: &LivechatSettings) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    if let Some(ManualOverride::Other(value)) = &settings.manual_override {
        problems.add(
            "manual_override",
            format!("Unknown override {value:?}: use live, offline or leave it out"),
        );
    }
    if let Some(max) = settings.max_attachment_size_bytes {
        if max == 0 || max > MAX_MESSAGE_DATA_BYTES as u64 {
            problems.add(
                "max_attachment_size_bytes",
                format!("Must be from 1 to {MAX_MESSAGE_DATA_BYTES} bytes (5 MiB, the message upload limit)"),
            );
        }
    }
    if let Some(days) = settings.retention_days {
        if days == 0 || days > MAX_RETENTION_DAYS {
            problems.add(
                "retention_days",
                format!("Must be from 1 to {MAX_RETENTION_DAYS} days"),
            );
        }
    }
    if let Some(hours) = &settings.working_hours {
        if tz::parse(&hours.timezone).is_none() {
            let names: Vec<&str> = tz::supported_names().collect();
            problems.add(
                "working_hours.timezone",
                format!(
                    "Unknown timezone {:?}: use a UTC offset such as +01:00 or one of {}",
                    hours.timezone,
                    names.join(", ")
                ),
            );
        }
        for (index, window) in hours.days.iter().enumerate() {
            let at = |field: &str| format!("working_hours.days.{index}.{field}");
            if let Weekday::Other(day) = &window.day {
                problems.add(
                    at("day"),
                    format!("Unknown weekday {day:?}: use monday … sunday"),
                );
            }
            match (minutes(&window.open), minutes(&window.close)) {
                (None, _) => problems.add(at("open"), "Use HH:MM from 00:00 to 23:59"),
                (_, None) => problems.add(at("close"), "Use HH:MM from 00:01 to 24:00"),
                (Some(open), Some(close)) if open >= close => problems.add(
                    at("close"),
                    "The window must close after it opens (use 24:00 for midnight)",
                ),
                _ => {}
            }
        }
    }
    problems.into_result()
}

/// `HH:MM` (two digits each, up to `24:00`) as minutes of the day.
fn minutes(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes) = (hours.parse::<u16>().ok()?, minutes.parse::<u16>().ok()?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 24 * 60).then_some(total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use dialoge_api::livechat::{WorkingDay, WorkingHours};
    use std::time::{Duration, UNIX_EPOCH};

    fn weekdays_nine_to_five(timezone: &str) -> LivechatSettings {
        let days = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ]
        .into_iter()
        .map(|day| WorkingDay {
            day,
            open: "09:00".to_owned(),
            close: "17:00".to_owned(),
        })
        .collect();
        LivechatSettings {
            enabled: true,
            working_hours: Some(WorkingHours {
                timezone: timezone.to_owned(),
                days,
            }),
            ..LivechatSettings::default()
        }
    }

    #[test]
    fn working_hours_are_read_in_their_own_timezone() {
        // Monday 2025-06-16 07:30 UTC is 09:30 in Copenhagen (summer time) but 07:30 in UTC.
        let at = UNIX_EPOCH + Duration::from_secs(1_750_059_000);
        let copenhagen = availability(&weekdays_nine_to_five("Europe/Copenhagen"), at, true);
        assert_eq!(copenhagen.availability_status, AvailabilityStatus::Live);
        assert_eq!(
            copenhagen.availability_reason,
            Some(AvailabilityReason::WithinWorkingHours)
        );
        let utc = availability(&weekdays_nine_to_five("UTC"), at, true);
        assert_eq!(
            utc.availability_reason,
            Some(AvailabilityReason::OutsideWorkingHours)
        );
    }

    #[test]
    fn a_manual_override_beats_working_hours_but_not_disabled() {
        let at = UNIX_EPOCH + Duration::from_secs(1_750_059_000);
        let mut settings = weekdays_nine_to_five("UTC");
        settings.manual_override = Some(ManualOverride::Live);
        assert_eq!(
            availability(&settings, at, true).availability_reason,
            Some(AvailabilityReason::ManualLive)
        );
        settings.enabled = false;
        let off = availability(&settings, at, true);
        assert_eq!(off.availability_status, AvailabilityStatus::Offline);
        assert_eq!(off.availability_reason, Some(AvailabilityReason::Disabled));
    }

    #[test]
    fn malformed_windows_and_zones_are_named_by_their_paths() {
        let mut settings = weekdays_nine_to_five("Mars/Base");
        if let Some(hours) = settings.working_hours.as_mut() {
            hours.days[1].close = "08:00".to_owned();
            hours.days[2].open = "9am".to_owned();
        }
        let error = validate(&settings).unwrap_err();
        let fields: Vec<&str> = error
            .envelope()
            .error
            .params
            .iter()
            .map(|p| p.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "working_hours.timezone",
                "working_hours.days.1.close",
                "working_hours.days.2.open"
            ]
        );
        assert_eq!(minutes("24:00"), Some(1_440));
        assert_eq!(minutes("24:01"), None);
    }
}

//! Routes: livechat settings (`PUT`/`GET /livechat/settings`, API key): enabled, a manual
//! live/offline override, working hours in a timezone ([`crate::tz`]), attachments and
//! retention. What the settings mean for availability is
//! [`crate::stores::livechat::availability`]; here they are only checked and stored.

use axum::extract::State;
use axum::routing::put;
use axum::{Json, Router};
use dialoge_api::livechat::{LivechatSettings, LivechatSettingsResponse, ManualOverride, Weekday};
use dialoge_api::send::MAX_MESSAGE_DATA_BYTES;

use crate::auth::ApiKeyAuth;
use crate::error::{ApiError, ApiJson, Problems};
use crate::state::AppState;
use crate::tz;

/// `/livechat/settings`, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/settings", put(put_settings).get(get_settings))
}

/// Longest retention a chatbot may ask for (ten years).
const MAX_RETENTION_DAYS: u32 = 3_650;

/// `PUT /api/v1/chat/livechat/settings`: replaces the chatbot's settings (a field left out takes
/// its default: off, no hours, no override, no attachments).
async fn put_settings(
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
async fn get_settings(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
) -> Json<LivechatSettingsResponse> {
    Json(response(&state, &auth.chatbot_id))
}

fn response(state: &AppState, chatbot_id: &str) -> LivechatSettingsResponse {
    LivechatSettingsResponse {
        settings: state.livechat_settings(chatbot_id),
        livechat: state.livechat_availability(chatbot_id),
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
            problems.add(
                "working_hours.timezone",
                format!(
                    "Unknown timezone {:?}: use an IANA name such as Europe/Copenhagen or \
                     America/St_Johns, or a UTC offset such as +01:00",
                    hours.timezone
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

//! Routes: development switches of the OpenDialog emulation, under `/sandbox/opendialog`
//! (development mode only, like the fault switches): list the scenarios, read and change a
//! scenario's security switches at run time (so an end-to-end test can run one scenario with
//! everything on, then each feature off), read the feedback given, and script the next answers
//! and the configuration verbatim (so a test can send any content, hostile included).
//!
//! These are the sandbox's own endpoints, not OpenDialog's: they answer with the Dialoge
//! envelope ([`ApiError`]) like every `/sandbox/*` route.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiError, ApiJson};
use crate::opendialog::definition::{Security, SecurityPatch};
use crate::opendialog::wire::FeedbackValue;
use crate::state::AppState;

/// `/opendialog/*`, relative to `/sandbox`.
pub fn dev_router() -> Router<AppState> {
    Router::new()
        .route("/opendialog/scenarios", get(get_scenarios))
        .route(
            "/opendialog/scenarios/{scenario_id}/security",
            get(get_security).patch(patch_security),
        )
        .route(
            "/opendialog/scenarios/{scenario_id}/feedback",
            get(get_feedback),
        )
        .route(
            "/opendialog/scenarios/{scenario_id}/replies",
            post(post_reply).delete(delete_replies),
        )
        .route(
            "/opendialog/scenarios/{scenario_id}/configuration",
            axum::routing::put(put_configuration).delete(delete_configuration),
        )
}

/// `POST /sandbox/opendialog/scenarios/{id}/replies` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptedAnswer {
    /// The whole answer body, sent exactly as given: an array of entries (messages, `false`,
    /// anything), a single object, or any other JSON.
    pub answer: Value,
}

/// `DELETE /sandbox/opendialog/scenarios/{id}/replies` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedAnswers {
    /// How many scripted answers were still waiting.
    pub dropped: usize,
}

/// `POST`: the scenario's next `POST /chat-api/message` that is not a `url_click` (after the
/// usual checks) is answered with exactly this body, whatever was said; stored for history as
/// sent. Queued in order.
async fn post_reply(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
    ApiJson(scripted): ApiJson<ScriptedAnswer>,
) -> Result<StatusCode, ApiError> {
    state
        .opendialog()
        .script_answer(&scenario_id, scripted.answer)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE`: drops the scripted answers not taken yet.
async fn delete_replies(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
) -> Result<Json<DroppedAnswers>, ApiError> {
    let dropped = state.opendialog().clear_scripted_answers(&scenario_id)?;
    Ok(Json(DroppedAnswers { dropped }))
}

/// `PUT`: `GET /chat-api/configuration` answers exactly this body (any JSON; no `userType` is
/// added) until `DELETE`.
async fn put_configuration(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
    ApiJson(configuration): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    state
        .opendialog()
        .script_configuration(&scenario_id, Some(configuration))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE`: the script's configuration again.
async fn delete_configuration(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .opendialog()
        .script_configuration(&scenario_id, None)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /sandbox/opendialog/scenarios`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioList {
    /// Every scenario, in file order.
    pub scenarios: Vec<ScenarioInfo>,
}

/// One scenario as a test or a developer needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// `OPENDIALOG-SCENARIO-ID`.
    pub scenario_id: String,
    /// The appKey (`Authorization: Bearer …`).
    pub app_key: String,
    /// Inactive scenarios refuse their key.
    pub active: bool,
    /// What it is for.
    pub description: String,
    /// The switches right now.
    pub security: Security,
}

/// `GET /sandbox/opendialog/scenarios/{id}/feedback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackList {
    /// Oldest first.
    pub feedback: Vec<FeedbackItem>,
}

/// One piece of feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackItem {
    /// Who gave it.
    pub user_id: String,
    /// On which template.
    pub message_template_id: String,
    /// Up or down.
    pub feedback: FeedbackValue,
    /// The request id sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
}

async fn get_scenarios(State(state): State<AppState>) -> Json<ScenarioList> {
    let definition = state.opendialog_definition();
    let store = state.opendialog();
    let scenarios = definition
        .scenarios
        .iter()
        .map(|spec| ScenarioInfo {
            scenario_id: spec.scenario_id.clone(),
            app_key: spec.app_key.clone(),
            active: spec.active,
            description: spec.description.clone(),
            security: store
                .security(&spec.scenario_id)
                .map_or_else(|_| spec.security.clone(), Clone::clone),
        })
        .collect();
    Json(ScenarioList { scenarios })
}

async fn get_security(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
) -> Result<Json<Security>, ApiError> {
    Ok(Json(state.opendialog().security(&scenario_id)?.clone()))
}

/// `PATCH`: only the named fields change (`{"csrf": {"enabled": false}}`).
async fn patch_security(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
    ApiJson(patch): ApiJson<SecurityPatch>,
) -> Result<Json<Security>, ApiError> {
    check_patch(&patch)?;
    Ok(Json(state.opendialog().set_security(&scenario_id, patch)?))
}

/// Cookie and header names must be usable as such.
fn check_patch(patch: &SecurityPatch) -> Result<(), ApiError> {
    let Some(csrf) = &patch.csrf else {
        return Ok(());
    };
    let token = |name: &str| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if csrf.cookie.as_deref().is_some_and(|name| !token(name)) {
        return Err(ApiError::invalid(
            "csrf.cookie",
            "A cookie name is letters, digits, '-', '_' or '.'",
        ));
    }
    if csrf.header.as_deref().is_some_and(|name| !token(name)) {
        return Err(ApiError::invalid(
            "csrf.header",
            "A header name is letters, digits, '-', '_' or '.'",
        ));
    }
    Ok(())
}

async fn get_feedback(
    State(state): State<AppState>,
    Path(scenario_id): Path<String>,
) -> Result<Json<FeedbackList>, ApiError> {
    let store = state.opendialog();
    let feedback = store
        .feedback(&scenario_id)?
        .iter()
        .map(|given| FeedbackItem {
            user_id: given.user_id.clone(),
            message_template_id: given.message_template_id.clone(),
            feedback: given.feedback,
            request_id: given.request_id.clone(),
            created_at: given.at.rfc3339(),
        })
        .collect();
    Ok(Json(FeedbackList { feedback }))
}

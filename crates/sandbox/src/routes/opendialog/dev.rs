//! Routes: development switches of the OpenDialog emulation, under `/sandbox/opendialog`
//! (development mode only, like the fault switches): list the scenarios, read and change a
//! scenario's security switches at run time (so an end-to-end test can run one scenario with
//! everything on, then each feature off), and read the feedback given.
//!
//! These are the sandbox's own endpoints, not OpenDialog's: they answer with the Dialoge
//! envelope ([`ApiError`]) like every `/sandbox/*` route.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

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

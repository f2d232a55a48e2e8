//! Routes: the remaining visitor endpoints (CONTRACT.md sections 3 and 7) — config, rating,
//! deletion, export, session values, forms and banners. Each answers with a `dialoge-api` type.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use dialoge_api::actions::{
    Banners, DeleteResponse, DeletedCounts, FormDefinition, PatchFormValues, RateRequest,
    SessionValue, SessionValues,
};
use dialoge_api::config::Config;
use dialoge_api::message::Message;
use dialoge_api::rules::{self, Finding, Problem};
use serde::{Deserialize, Serialize};

use super::{accepted_values, origin_of};
use crate::auth::VisitorAuth;
use crate::delivery;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::stores::visitors::{Rating, Submission, Visitor};
use crate::wording::{check, Context};

/// The visitor's own endpoints, relative to the API base (`DELETE /` included).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", delete(delete_visitor))
        .route("/config", get(get_config))
        .route("/rate", post(post_rate))
        .route("/export", get(get_export))
        .route("/session", get(get_session))
        .route("/forms/{form_id}", get(get_form))
        .route("/forms/{form_id}/values", patch(patch_form_values))
        .route("/banners", get(get_banners))
}

/// `DELETE /api/v1/chat/` with the trailing slash, for clients that join the base URL and "/"
/// literally; the app mounts it beside the API.
pub fn trailing_slash_router() -> Router<AppState> {
    Router::new().route("/api/v1/chat/", delete(delete_visitor))
}

/// `GET /api/v1/chat/config`; the `livechat` block follows the livechat settings.
async fn get_config(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
) -> Json<Config> {
    let mut config = visitor.chatbot.config_for(&origin_of(&headers));
    config.livechat = Some(state.livechat_availability(&visitor.claims.chatbot_id));
    Json(config)
}

/// `POST /api/v1/chat/rate`: 200 with an empty body.
async fn post_rate(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RateRequest>,
) -> Result<StatusCode, ApiError> {
    let key = super::messages::idempotency_key(&headers)?;
    check(
        rules::check_rating(request.rating, request.feedback.as_deref()),
        &Context::default(),
    )?;
    let created_at = state.now();
    with_visitor(&state, &visitor, |record| {
        // (ours) The same key again (a retry after a lost reply) is the rating already stored.
        let repeat = key.is_some()
            && record
                .ratings
                .iter()
                .any(|r| r.idempotency_key.is_some() && r.idempotency_key == key);
        if !repeat {
            record.ratings.push(Rating {
                rating: request.rating,
                feedback: request.feedback.clone(),
                created_at,
                idempotency_key: key.clone(),
            });
        }
    })?;
    Ok(StatusCode::OK)
}

/// `DELETE /api/v1/chat`: removes everything about the visitor, livechat included; their
/// tokens then get 401, and the agent system gets `visitor.data.deleted`.
async fn delete_visitor(
    State(state): State<AppState>,
    visitor: VisitorAuth,
) -> Result<Json<DeleteResponse>, ApiError> {
    let record = state.store().delete(visitor.visitor_id())?;
    let livechat = state.livechat().forget_visitor(visitor.visitor_id());
    let deleted = DeletedCounts {
        messages: record.messages.len() as u64 + livechat.messages,
        attachments: record.attachment_count() + livechat.attachments,
        livechat_sessions: livechat.sessions,
    };
    delivery::visitor_deleted(
        &state,
        &visitor.claims.chatbot_id,
        visitor.visitor_id(),
        record.conversation_id.clone(),
        deleted.clone(),
    );
    Ok(Json(DeleteResponse { deleted }))
}

/// The export document (format ours): everything the sandbox holds about the visitor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportDocument {
    /// RFC 3339 time of the export.
    pub exported_at: String,
    /// The chatbot.
    pub chatbot_id: String,
    /// The visitor (`sub` of their token).
    pub visitor_id: String,
    /// When the sandbox first saw the visitor.
    pub visitor_created_at: String,
    /// The conversation, if a message was sent.
    pub conversation_id: Option<String>,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Answers to marker forms.
    pub submissions: Vec<SubmissionExport>,
    /// `/rate` calls.
    pub ratings: Vec<RatingExport>,
    /// Session values.
    pub values: Vec<SessionValue>,
}

/// A submission in an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionExport {
    /// `sub_…`.
    pub submission_id: String,
    /// The marker answered.
    pub part_id: String,
    /// The action type.
    pub action_type: String,
    /// For form submissions.
    pub form_id: Option<String>,
    /// The values.
    pub values: BTreeMap<String, String>,
    /// Attachment file names.
    pub attachment_names: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A rating in an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RatingExport {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    pub feedback: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&Submission> for SubmissionExport {
    fn from(s: &Submission) -> Self {
        Self {
            submission_id: s.submission_id.clone(),
            part_id: s.part_id.clone(),
            action_type: s.action_type.clone(),
            form_id: s.form_id.clone(),
            values: s.values.clone(),
            attachment_names: s.attachment_names.clone(),
            created_at: s.created_at.rfc3339(),
        }
    }
}

/// `GET /api/v1/chat/export`: a JSON download.
async fn get_export(
    State(state): State<AppState>,
    visitor: VisitorAuth,
) -> Result<Response, ApiError> {
    let exported_at = state.now().rfc3339();
    let document = with_visitor(&state, &visitor, |record| ExportDocument {
        exported_at,
        chatbot_id: record.chatbot_id.clone(),
        visitor_id: visitor.visitor_id().to_owned(),
        visitor_created_at: record.created_at.rfc3339(),
        conversation_id: record.conversation_id.clone(),
        messages: record.messages.clone(),
        submissions: record
            .submissions
            .iter()
            .map(SubmissionExport::from)
            .collect(),
        ratings: record
            .ratings
            .iter()
            .map(|r| RatingExport {
                rating: r.rating,
                feedback: r.feedback.clone(),
                created_at: r.created_at.rfc3339(),
            })
            .collect(),
        values: record.values.values().cloned().collect(),
    })?;
    let body = serde_json::to_vec_pretty(&document)
        .map_err(|_| ApiError::internal("Could not encode the export"))?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"dialoge-export.json\""),
    );
    Ok(response)
}

/// `GET /api/v1/chat/session`.
async fn get_session(
    State(state): State<AppState>,
    visitor: VisitorAuth,
) -> Result<Json<SessionValues>, ApiError> {
    with_visitor(&state, &visitor, session_values).map(Json)
}

fn session_values(record: &mut Visitor) -> SessionValues {
    SessionValues {
        values: record.values.values().cloned().collect(),
    }
}

/// `GET /api/v1/chat/forms/{form_id}`.
async fn get_form(
    visitor: VisitorAuth,
    Path(form_id): Path<String>,
) -> Result<Json<FormDefinition>, ApiError> {
    visitor
        .chatbot
        .form(&form_id)
        .map(|form| Json(form.definition.clone()))
        .ok_or_else(|| ApiError::not_found(format!("No form {form_id}")))
}

/// `PATCH /api/v1/chat/forms/{form_id}/values`: stores the given values (a partial update:
/// only the keys sent are checked and changed) and answers with the session values.
async fn patch_form_values(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    Path(form_id): Path<String>,
    ApiJson(request): ApiJson<PatchFormValues>,
) -> Result<Json<SessionValues>, ApiError> {
    let form = visitor
        .chatbot
        .form(&form_id)
        .ok_or_else(|| ApiError::not_found(format!("No form {form_id}")))?;
    // Validate only the fields that were sent: a partial update must not fail on required
    // fields it does not touch.
    let sent: Vec<_> = form
        .definition
        .fields
        .iter()
        .filter(|field| request.values.contains_key(&field.key))
        .map(|field| {
            let mut field = field.clone();
            field.required = false;
            field.visible_when.clear();
            field
        })
        .collect();
    // Keys the form does not have first, then text for file fields, then the values' problems.
    let mut stray = rules::stray_values(&form.definition.fields, &request.values);
    stray.sort_by_key(|(_, problem)| *problem != Problem::UnknownField);
    let findings = stray
        .into_iter()
        .chain(rules::validate(&sent, &request.values, |_| false, 0).fields)
        .map(|(key, problem)| Finding {
            path: format!("values.{key}"),
            key: Some(key),
            problem,
        })
        .collect();
    check(findings, &Context::form(&sent))?;
    let accepted = accepted_values(&sent, &request.values);
    let now = state.now();
    with_visitor(&state, &visitor, |record| {
        for field in &sent {
            match accepted.iter().find(|(f, _)| f.key == field.key) {
                Some((field, value)) => record.set_value(field, value.clone(), now),
                // An empty value clears the field.
                None => {
                    record.values.remove(&field.key);
                }
            }
        }
        session_values(record)
    })
    .map(Json)
}

/// Query of `GET /banners`.
#[derive(Debug, Deserialize)]
struct BannerQuery {
    url: Option<String>,
}

/// `GET /api/v1/chat/banners?url=U`: banners whose pattern matches the page (without `url`,
/// only the banners meant for every page).
async fn get_banners(
    visitor: VisitorAuth,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Banners>, ApiError> {
    let Query(query) = Query::<BannerQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("url", rejection.body_text()))?;
    let banners = visitor
        .chatbot
        .banners_for(query.url.as_deref(), &origin_of(&headers));
    Ok(Json(Banners { banners }))
}

/// Runs `f` on the visitor's record under the store lock.
fn with_visitor<T>(
    state: &AppState,
    visitor: &VisitorAuth,
    f: impl FnOnce(&mut Visitor) -> T,
) -> Result<T, ApiError> {
    let mut store = state.store();
    Ok(f(store.visitor_mut(visitor.visitor_id())?))
}

//! Foundation layer: OpenDialog's error bodies, the shapes a Laravel application answers with —
//! `{"message": "..."}`, and for a failed validation
//! `{"message": "...", "errors": {"<field>": ["..."]}}` (OPENDIALOG.md section 1). Every
//! `/chat-api/*` failure is built here, so the statuses and wordings live in one place:
//! 401 `Unauthenticated.`, 403 origin refused, 404/405 unknown routes, 413, 419
//! `CSRF token mismatch.`, 422 validation, 429 and 5xx (injected faults).
//!
//! Like every foundation module it never depends on the app state or the stores; the stores'
//! domain errors become Laravel errors in `mapping`.

use std::collections::BTreeMap;

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The body Laravel sends with an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaravelBody {
    /// A sentence; for a 422 the first field message (plus "(and N more errors)").
    pub message: String,
    /// Field → messages, on 422s only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
}

/// An OpenDialog error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaravelError {
    status: StatusCode,
    body: LaravelBody,
    retry_after: Option<u64>,
}

/// Laravel's 419 status ("Page Expired"), which has no constant in `http`.
pub const CSRF_STATUS: u16 = 419;

impl LaravelError {
    /// A plain `{message}` error with this status.
    pub fn plain(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: LaravelBody {
                message: message.into(),
                errors: BTreeMap::new(),
            },
            retry_after: None,
        }
    }

    /// 401: a bad appKey, an inactive scenario, a missing or foreign anonymous cookie.
    pub fn unauthenticated() -> Self {
        Self::plain(StatusCode::UNAUTHORIZED, "Unauthenticated.")
    }

    /// 419: the CSRF header is missing or differs from the cookie.
    pub fn csrf_mismatch() -> Self {
        let status = StatusCode::from_u16(CSRF_STATUS).unwrap_or(StatusCode::FORBIDDEN);
        Self::plain(status, "CSRF token mismatch.")
    }

    /// 403: the page's origin is not on the scenario's allow-list.
    pub fn origin_not_allowed(origin: &str) -> Self {
        Self::plain(
            StatusCode::FORBIDDEN,
            format!("The origin {origin} is not allowed to call this scenario."),
        )
    }

    /// 404 for a path Laravel has no route for (`path` without the leading slash, as Laravel
    /// words it).
    pub fn route_not_found(path: &str) -> Self {
        Self::plain(
            StatusCode::NOT_FOUND,
            format!(
                "The route {} could not be found.",
                path.trim_start_matches('/')
            ),
        )
    }

    /// 405 for a known path with another method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::plain(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "The {method} method is not supported for route {}.",
                path.trim_start_matches('/')
            ),
        )
    }

    /// 413 for a body over the limit.
    pub fn too_large(limit: usize) -> Self {
        Self::plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than the limit of {limit} bytes."),
        )
    }

    /// 500: a bug; the message never leaks internals.
    pub fn server_error() -> Self {
        Self::plain(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
    }

    /// A fault switch's answer: the status with Laravel's body (429 with `Retry-After`).
    pub fn injected(status: u16, retry_after: Option<u64>) -> Self {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = Self::plain(code, format!("Injected fault: HTTP {status}"));
        if code == StatusCode::TOO_MANY_REQUESTS {
            error.retry_after = Some(retry_after.unwrap_or(1));
        }
        error
    }

    /// 422 with one field message.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut validation = Validation::default();
        validation.add(field, message);
        validation.into_error()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body that is sent.
    pub fn body(&self) -> &LaravelBody {
        &self.body
    }
}

impl IntoResponse for LaravelError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Collects field messages in rule order, so the 422's `message` is the first one, as Laravel's.
#[derive(Debug, Default)]
pub struct Validation(Vec<(String, String)>);

impl Validation {
    /// Records one message for a field (a dotted path like `content.type`, or a header name).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// Laravel's `required` message: `The user id field is required.`
    pub fn required(&mut self, field: &str) {
        self.add(
            field,
            format!("The {} field is required.", attribute(field)),
        );
    }

    /// Laravel's `string` message.
    pub fn not_string(&mut self, field: &str) {
        self.add(field, format!("The {} must be a string.", attribute(field)));
    }

    /// Laravel's `in` / `exists` message: `The selected feedback is invalid.`
    pub fn not_in(&mut self, field: &str) {
        self.add(
            field,
            format!("The selected {} is invalid.", attribute(field)),
        );
    }

    /// Whether a field already has a message.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(name, _)| name == field)
    }

    /// `Ok(())` if nothing was recorded, else the 422.
    pub fn into_result(self) -> Result<(), LaravelError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The 422 with every recorded message.
    pub fn into_error(self) -> LaravelError {
        let count = self.0.len();
        let message = match self.0.first() {
            None => "The given data was invalid.".to_owned(),
            Some((_, first)) if count == 1 => first.clone(),
            Some((_, first)) if count == 2 => format!("{first} (and 1 more error)"),
            Some((_, first)) => format!("{first} (and {} more errors)", count - 1),
        };
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, text) in self.0 {
            errors.entry(field).or_default().push(text);
        }
        LaravelError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: LaravelBody { message, errors },
            retry_after: None,
        }
    }
}

/// How Laravel names a field in a message: underscores become spaces (`user id`); dots and
/// dashes stay (`content.type`, `opendialog-user-id`).
pub fn attribute(field: &str) -> String {
    field.replace('_', " ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_validation_error_names_every_field_and_leads_with_the_first() {
        let mut validation = Validation::default();
        validation.required("opendialog-user-id");
        validation.required("user_id");
        validation.not_in("feedback");
        let error = validation.into_error();
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            error.body().message,
            "The opendialog-user-id field is required. (and 2 more errors)"
        );
        assert_eq!(
            error.body().errors["user_id"],
            vec!["The user id field is required.".to_owned()]
        );
        assert_eq!(
            error.body().errors["feedback"],
            vec!["The selected feedback is invalid.".to_owned()]
        );
    }

    #[test]
    fn plain_errors_have_no_errors_key() {
        let json = serde_json::to_value(LaravelError::unauthenticated().body()).unwrap();
        assert_eq!(json, serde_json::json!({"message": "Unauthenticated."}));
        assert_eq!(LaravelError::csrf_mismatch().status().as_u16(), 419);
    }
}

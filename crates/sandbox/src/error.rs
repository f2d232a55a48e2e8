//! Foundation layer: the one error type of the sandbox's HTTP surface. Every failure, from a bad
//! token to a malformed JSON body, leaves as the contract's error envelope (CONTRACT.md section 2)
//! with a precise message.
//!
//! [`ApiJson`] replaces axum's `Json` extractor so that body problems (wrong content type, bad
//! JSON, a missing field, a body over the limit) get the envelope too, with dotted field paths in
//! `params` for 422s. Handlers return `Result<_, ApiError>` and never build error JSON themselves.
//!
//! This module must never depend on the app state or the stores: the extractor learns the body
//! limit through [`BodyLimit`] (`FromRef`), and the stores' domain errors are mapped to envelopes
//! in the routes layer, not here.

use axum::extract::{FromRef, FromRequest, OriginalUri, Request};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use dialoge_api::error::{ErrorCode, ErrorEnvelope, ErrorParam};
use serde::de::DeserializeOwned;

/// An error response: a status, the envelope, and (for 429) a `Retry-After` in seconds.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    envelope: ErrorEnvelope,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error whose status follows from its (known) code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self {
            status,
            envelope: ErrorEnvelope::new(code, message),
            retry_after: None,
        }
    }

    /// An error with a status the contract's code table does not cover (400, 405, 413, 415):
    /// the code is ours and clients fall back to the status, as the contract tells them to.
    pub fn other(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            envelope: ErrorEnvelope::new(ErrorCode::Other(code.to_owned()), message),
            retry_after: None,
        }
    }

    /// 401: the visitor (or the API key) is not who they claim, or the token has expired.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// 403: authenticated, but not allowed here.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// 409.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// 429 with a `Retry-After` header when `retry_after_secs` is given.
    pub fn rate_limited(message: impl Into<String>, retry_after_secs: Option<u64>) -> Self {
        let mut error = Self::new(ErrorCode::RateLimited, message);
        error.retry_after = retry_after_secs;
        error
    }

    /// 500: a bug or an injected fault; the message never leaks internals.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// 422 with one field message.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut problems = Problems::default();
        problems.add(field, message);
        problems.into_error()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The envelope that is sent.
    pub fn envelope(&self) -> &ErrorEnvelope {
        &self.envelope
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.envelope).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Collects field problems so a 422 names every offending field at once, not just the first.
#[derive(Debug, Default)]
pub struct Problems(Vec<ErrorParam>);

impl Problems {
    /// Records one problem with a field (a dotted path or a form field key).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(ErrorParam {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, else the 422.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The 422 carrying every recorded problem.
    pub fn into_error(self) -> ApiError {
        let message = match self.0.as_slice() {
            [only] => format!("Validation failed: {}", only.message),
            _ => "Validation failed".to_owned(),
        };
        let mut error = ApiError::new(ErrorCode::Validation, message);
        error.envelope.error.params = self.0;
        error
    }
}

/// The largest request body the app accepts, so a 413 can say what the limit is. The app state
/// provides it (`FromRef`); this module never sees the state itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// A JSON body, read with the contract's error envelope for every way it can be wrong.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    BodyLimit: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_json_content_type(request.headers().get(CONTENT_TYPE))?;
        let BodyLimit(limit) = BodyLimit::from_ref(state);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large(limit)
                } else {
                    ApiError::other(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        format!("Could not read the request body: {}", rejection.body_text()),
                    )
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The 413 for a body over `limit` bytes.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::other(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The request body is larger than the limit of {limit} bytes"),
    )
}

fn check_json_content_type(value: Option<&HeaderValue>) -> Result<(), ApiError> {
    let Some(value) = value else {
        return Err(ApiError::other(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Missing Content-Type header: expected application/json",
        ));
    };
    let text = value.to_str().unwrap_or_default();
    let essence = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::other(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Unsupported Content-Type {text:?}: expected application/json"),
        ))
    }
}

/// Parses a JSON body; syntax errors are 400s, shape errors 422s naming the field path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::other(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "The request body is empty: expected a JSON object",
        ));
    }
    let syntax_error = |error: serde_json::Error| {
        ApiError::other(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("The request body is not valid JSON: {error}"),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = dotted_path(error.path());
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let (field, message) = describe_data_error(&path, &inner);
                ApiError::invalid(field, message)
            }
            _ => syntax_error(inner),
        }
    })?;
    // Trailing garbage after the value is a syntax error, as with `serde_json::from_slice`.
    deserializer.end().map_err(syntax_error)?;
    Ok(value)
}

/// `message.parts[0]` as the contract spells field paths: `message.parts.0`.
fn dotted_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// serde reports a missing field at its parent's path; name the field itself instead, so the
/// param reads `message.parts.0.text: This field is required`.
fn describe_data_error(path: &str, error: &serde_json::Error) -> (String, String) {
    let text = error.to_string();
    // serde_json appends " at line L column C", which is noise next to a field path.
    let text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(head, _)| head)
        .to_owned();
    if let Some(field) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let full = if path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        return (full, "This field is required".to_owned());
    }
    let field = if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    (field, capitalize(&text))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The 404 envelope for unknown routes.
pub async fn api_not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("No such endpoint: {method} {}", uri.path()))
}

/// The 405 envelope for a known path with a method it does not take.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::other(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        text: String,
    }

    #[test]
    fn a_missing_nested_field_is_named_by_its_dotted_path() {
        let error = parse_json::<Outer>(br#"{"items": [{"text": "a"}, {}]}"#).unwrap_err();
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let param = &error.envelope().error.params[0];
        assert_eq!(param.field, "items.1.text");
        assert_eq!(param.message, "This field is required");
    }

    #[test]
    fn a_wrong_type_names_the_field_and_what_was_expected() {
        let error = parse_json::<Outer>(br#"{"items": [{"text": 5}]}"#).unwrap_err();
        let param = &error.envelope().error.params[0];
        assert_eq!(param.field, "items.0.text");
        assert!(
            param.message.starts_with("Invalid type: integer `5`"),
            "{}",
            param.message
        );
    }

    #[test]
    fn broken_json_is_a_400_not_a_422() {
        let error = parse_json::<Outer>(br#"{"items": ["#).unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.envelope().error.code.as_str(), "invalid_json");
        let error = parse_json::<Outer>(br#"{"items": []} trailing"#).unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn content_types_with_parameters_and_json_suffixes_are_accepted() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(check_json_content_type(Some(&HeaderValue::from_static(ok))).is_ok());
        }
        let error =
            check_json_content_type(Some(&HeaderValue::from_static("text/plain"))).unwrap_err();
        assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(check_json_content_type(None).is_err());
    }
}

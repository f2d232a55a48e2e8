//! The error envelope every non-2xx response carries (CONTRACT.md section 2).
//!
//! Wire types only: deciding what to do about an error (refresh the token, back off, show field
//! messages) belongs to the widget's transport and state layers.

use serde::Serialize;

use crate::FromJson;

/// `{"error": {...}}`: the body of every non-2xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ErrorEnvelope {
    /// The error itself.
    pub error: ErrorBody,
}

impl ErrorEnvelope {
    /// An envelope without field params.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorBody {
                code,
                message: message.into(),
                params: Vec::new(),
            },
        }
    }

    /// Adds a field-level message (used with [`ErrorCode::Validation`]).
    pub fn with_param(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.error.params.push(ErrorParam {
            field: field.into(),
            message: message.into(),
        });
        self
    }

    /// The HTTP status this envelope is sent with.
    pub fn status(&self) -> u16 {
        self.error.code.status()
    }
}

/// The inside of an [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ErrorBody {
    /// Machine-readable code; unknown codes are kept as [`ErrorCode::Other`].
    pub code: ErrorCode,
    /// Human-readable text, safe to show.
    #[serde(default)]
    pub message: String,
    /// Field-level messages, mostly for `validation`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ErrorParam>,
}

/// One field-level message; `field` is a dotted path such as `message.parts.0.text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ErrorParam {
    /// Dotted path of the offending field (or a form field key).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

wire_enum! {
    /// Error codes of the HTTP API. Stream errors are a separate vocabulary
    /// ([`crate::StreamErrorCode`]).
    pub enum ErrorCode {
        /// 401: get a new visitor token and retry once.
        Unauthorized = "unauthorized",
        /// 403: stop; show "chat unavailable".
        Forbidden = "forbidden",
        /// 404: do not retry.
        NotFound = "not_found",
        /// 409: a state conflict; meaning depends on the endpoint (the code name is ours).
        Conflict = "conflict",
        /// 422: show `params` next to the fields.
        Validation = "validation",
        /// 429: back off, honour `Retry-After`.
        RateLimited = "rate_limited",
        /// 500: retry only if the call is safe to repeat.
        Internal = "internal",
    }
}

impl ErrorCode {
    /// The HTTP status that goes with this code. An unknown code has no status of its own: the
    /// contract says to treat it by the response's real status, so callers should prefer
    /// [`ErrorCode::resolve`]; on its own it reports 500.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::Validation => 422,
            Self::RateLimited => 429,
            Self::Internal | Self::Other(_) => 500,
        }
    }

    /// The code a response with this status and no readable envelope means (a proxy's HTML 502,
    /// an empty 401). Statuses without a code of their own count as `internal`.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 | 410 => Self::NotFound,
            409 => Self::Conflict,
            400 | 422 => Self::Validation,
            429 => Self::RateLimited,
            _ => Self::Internal,
        }
    }

    /// A known code stays as it is; an unknown one is replaced by what its HTTP status means.
    pub fn resolve(self, status: u16) -> Self {
        match self {
            Self::Other(_) => Self::from_status(status),
            known => known,
        }
    }
}

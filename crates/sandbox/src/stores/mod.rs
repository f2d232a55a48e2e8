//! Domain layer: everything the sandbox remembers, as plain structs whose methods are the only
//! way it changes. A method takes what it needs as values — the current [`Timestamp`] included —
//! and answers with what happened or a [`DomainError`].
//!
//! Stores never lock (the app state owns the mutexes), never await, never read a clock, never
//! send anything and never know about HTTP: no axum, no `ApiError`. The routes layer turns a
//! [`DomainError`] into the contract's envelope in one place. The one side effect allowed is a
//! `tokio::sync::watch` notification (it never blocks), which wakes held requests on a change.
//!
//! [`Timestamp`]: crate::clock::Timestamp

pub mod faults;
pub mod livechat;
pub mod opendialog;
pub mod visitors;
pub mod webhooks;

/// How long an `Idempotency-Key` is remembered (CONTRACT.md section 3; livechat sends ours).
pub const IDEMPOTENCY_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Why a store refused a transition. Each kind maps to one HTTP status; the message is written
/// for the developer reading the error envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The thing exists but is in the wrong state for this (409).
    #[error("{0}")]
    Conflict(String),
    /// The thing does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// The visitor's data was deleted; their tokens no longer count (401).
    #[error("This visitor's data was deleted; the token is no longer valid")]
    VisitorDeleted,
    /// A record another one points at is gone: a bug, not the caller's fault (500).
    #[error("{0}")]
    Inconsistent(String),
    /// The caller is not who they claim (401), e.g. an OpenDialog user id on someone else's
    /// anonymous cookie.
    #[error("{0}")]
    Unauthenticated(String),
    /// A value refers to something the store does not know for this caller (422 naming the
    /// field), e.g. feedback on a message template the user was never shown.
    #[error("{message}")]
    Invalid {
        /// The request field.
        field: String,
        /// Why it is refused.
        message: String,
    },
}

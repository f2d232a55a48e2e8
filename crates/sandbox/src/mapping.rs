//! Mapping layer: the one place a store's [`DomainError`] becomes an HTTP error — the Dialoge
//! contract's envelope ([`ApiError`]) or OpenDialog's Laravel body ([`LaravelError`]) — so `?`
//! on a transition answers with the right status everywhere. It sits above both (the error
//! types and the stores know nothing of each other) and holds no other logic.

use axum::http::StatusCode;

use crate::error::ApiError;
use crate::opendialog::laravel::LaravelError;
use crate::stores::DomainError;

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let message = error.to_string();
        match error {
            DomainError::Conflict(_) => Self::conflict(message),
            DomainError::NotFound(_) => Self::not_found(message),
            DomainError::VisitorDeleted | DomainError::Unauthenticated(_) => {
                Self::unauthorized(message)
            }
            DomainError::Inconsistent(_) => Self::internal(message),
            DomainError::Invalid { field, message } => Self::invalid(field, message),
        }
    }
}

impl From<DomainError> for LaravelError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Conflict(message) => Self::plain(StatusCode::CONFLICT, message),
            DomainError::NotFound(message) => Self::plain(StatusCode::NOT_FOUND, message),
            // Laravel never says why authentication failed.
            DomainError::VisitorDeleted | DomainError::Unauthenticated(_) => {
                Self::unauthenticated()
            }
            DomainError::Inconsistent(_) => Self::server_error(),
            DomainError::Invalid { field, message } => Self::invalid(field, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_domain_error_keeps_its_message_under_its_status() {
        let cases = [
            (DomainError::Conflict("busy".into()), StatusCode::CONFLICT),
            (DomainError::NotFound("gone".into()), StatusCode::NOT_FOUND),
            (DomainError::VisitorDeleted, StatusCode::UNAUTHORIZED),
            (
                DomainError::Inconsistent("bug".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                DomainError::Unauthenticated("who".into()),
                StatusCode::UNAUTHORIZED,
            ),
        ];
        for (domain, status) in cases {
            let message = domain.to_string();
            let api = ApiError::from(domain);
            assert_eq!(api.status(), status);
            assert_eq!(api.envelope().error.message, message);
        }
    }

    #[test]
    fn opendialog_gets_laravel_bodies_with_the_same_statuses() {
        let unauthenticated = LaravelError::from(DomainError::Unauthenticated("x".into()));
        assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(unauthenticated.body().message, "Unauthenticated.");
        let invalid = LaravelError::from(DomainError::Invalid {
            field: "message_template_id".into(),
            message: "The selected message template id is invalid.".into(),
        });
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(invalid.body().errors.contains_key("message_template_id"));
    }
}

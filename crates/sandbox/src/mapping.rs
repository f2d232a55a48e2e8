//! Mapping layer: the one place a store's [`DomainError`] becomes the contract's error envelope
//! ([`ApiError`]), so `?` on a transition answers with the right status everywhere. It sits
//! above both (the error type and the stores know nothing of each other) and holds no other
//! logic.

use crate::error::ApiError;
use crate::stores::DomainError;

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let message = error.to_string();
        match error {
            DomainError::Conflict(_) => Self::conflict(message),
            DomainError::NotFound(_) => Self::not_found(message),
            DomainError::VisitorDeleted => Self::unauthorized(message),
            DomainError::Inconsistent(_) => Self::internal(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

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
        ];
        for (domain, status) in cases {
            let message = domain.to_string();
            let api = ApiError::from(domain);
            assert_eq!(api.status(), status);
            assert_eq!(api.envelope().error.message, message);
        }
    }
}

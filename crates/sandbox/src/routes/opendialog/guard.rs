//! Routes: the checks every `/chat-api/*` request passes before its handler runs, in the order
//! a Laravel application would make them — the three required headers (422 naming each missing
//! one), the appKey (401), CSRF (419) and anonymous authentication (401) — and the cookies
//! those checks set. A [`Caller`] is what a request that passed is; its [`Caller::respond`]
//! puts the cookies on whatever the handler answers.
//!
//! The decisions about users live in the store ([`OpenDialogStore::admit`]); this module reads
//! headers, verifies the cookie's signature and writes `Set-Cookie`. It must never hold a lock
//! across an `.await` (it has none) or two locks at once.
//!
//! [`OpenDialogStore::admit`]: crate::stores::opendialog::OpenDialogStore::admit

use std::time::Duration;

use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use dialoge_api::auth::TokenClaims;

use crate::opendialog::definition::Security;
use crate::opendialog::laravel::{LaravelError, Validation};
use crate::opendialog::wire::{ANONYMOUS_COOKIE, SCENARIO_ID_HEADER, USER_ID_HEADER};
use crate::state::AppState;
use crate::stores::opendialog::{Admission, Presented};
use crate::token;

/// How long the anonymous cookie (and the token in it) lasts [I].
const ANONYMOUS_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a CSRF cookie lasts: Laravel's default session lifetime, 120 minutes [I].
const CSRF_TTL: Duration = Duration::from_secs(2 * 3600);

/// A request that passed every check.
pub(super) struct Caller {
    /// `OPENDIALOG-SCENARIO-ID`.
    pub scenario_id: String,
    /// `OPENDIALOG-USER-ID`.
    pub user_id: String,
    set_cookies: Vec<HeaderValue>,
}

impl Caller {
    /// The handler's answer (or error) with the cookies the checks issued.
    pub fn respond(self, result: Result<Response, LaravelError>) -> Response {
        let response = result.unwrap_or_else(IntoResponse::into_response);
        with_cookies(response, self.set_cookies)
    }
}

/// Runs the checks. An `Err` is the finished response (with any cookie already issued, so a
/// client refused for a missing CSRF cookie can retry with the one it just got).
pub(super) fn admit(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Caller, Box<Response>> {
    let reject = |error: LaravelError, cookies: Vec<HeaderValue>| {
        Box::new(with_cookies(error.into_response(), cookies))
    };

    let user_id = header(headers, USER_ID_HEADER);
    let scenario_id = header(headers, SCENARIO_ID_HEADER);
    let authorization = header(headers, AUTHORIZATION.as_str());
    let mut missing = Validation::default();
    for (name, value) in [
        (USER_ID_HEADER, &user_id),
        (SCENARIO_ID_HEADER, &scenario_id),
        (AUTHORIZATION.as_str(), &authorization),
    ] {
        if value.is_none() {
            missing.required(name);
        }
    }
    let (Some(user_id), Some(scenario_id), Some(authorization)) =
        (user_id, scenario_id, authorization)
    else {
        return Err(reject(missing.into_error(), Vec::new()));
    };

    // The appKey is one scenario's key, valid only while that scenario is active.
    let key_fits = state
        .opendialog_definition()
        .scenario(&scenario_id)
        .is_some_and(|scenario| {
            scenario.active && bearer(&authorization) == Some(scenario.app_key.as_str())
        });
    if !key_fits {
        return Err(reject(LaravelError::unauthenticated(), Vec::new()));
    }
    let security = match state.opendialog().security(&scenario_id) {
        Ok(security) => security.clone(),
        Err(error) => return Err(reject(error.into(), Vec::new())),
    };

    let mut set_cookies = Vec::new();
    if let Err(error) = check_csrf(&security, method, headers, &mut set_cookies) {
        return Err(reject(error, set_cookies));
    }

    let secret = anonymous_secret(state);
    let now = state.now();
    let claims = cookie(headers, ANONYMOUS_COOKIE).map(|value| {
        token::verify(value, &secret)
            .ok()
            .filter(|claims| claims.chatbot_id == scenario_id && claims.exp > now.unix_secs())
    });
    let presented = match &claims {
        None => Presented::Nothing,
        Some(None) => Presented::Invalid,
        Some(Some(claims)) => Presented::For(&claims.sub),
    };
    let admission = state.opendialog().admit(&scenario_id, &user_id, presented);
    match admission {
        Ok(Admission::Off | Admission::Known) => {}
        Ok(Admission::Issue) => {
            let claims = TokenClaims {
                sub: user_id.clone(),
                // The token type is the visitor token's; here it names the scenario.
                chatbot_id: scenario_id.clone(),
                iat: now.unix_secs(),
                exp: (now + ANONYMOUS_TTL).unix_secs(),
                conversation_id: None,
            };
            match token::sign(&claims, &secret) {
                Ok(value) => set_cookies.extend(set_cookie(
                    ANONYMOUS_COOKIE,
                    &value,
                    true,
                    ANONYMOUS_TTL,
                    security.cross_site_cookies,
                )),
                Err(_) => return Err(reject(LaravelError::server_error(), set_cookies)),
            }
        }
        Err(error) => return Err(reject(error.into(), set_cookies)),
    }

    Ok(Caller {
        scenario_id,
        user_id,
        set_cookies,
    })
}

/// CSRF as Laravel does it: reads (GET, HEAD, OPTIONS) pass, any other method needs the header
/// to repeat the cookie [I: the doc says the header goes on every request; checking only the
/// state-changing ones lets the first `GET configuration` fetch the cookie]. A request without
/// the cookie is issued one, whatever else happens.
fn check_csrf(
    security: &Security,
    method: &Method,
    headers: &HeaderMap,
    set_cookies: &mut Vec<HeaderValue>,
) -> Result<(), LaravelError> {
    let csrf = &security.csrf;
    if !csrf.enabled {
        return Ok(());
    }
    let cookie_value = cookie(headers, &csrf.cookie).filter(|value| !value.is_empty());
    if cookie_value.is_none() {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        set_cookies.extend(set_cookie(
            &csrf.cookie,
            &token,
            false,
            CSRF_TTL,
            security.cross_site_cookies,
        ));
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let echoed = header(headers, &csrf.header.to_ascii_lowercase());
    match (cookie_value, echoed) {
        (Some(expected), Some(echoed)) if expected == echoed => Ok(()),
        _ => Err(LaravelError::csrf_mismatch()),
    }
}

/// The key anonymous cookies are signed with: the sandbox's key, told apart from visitor tokens
/// so one can never stand in for the other.
fn anonymous_secret(state: &AppState) -> Vec<u8> {
    let mut secret = state.options().jwt_secret.clone();
    secret.extend_from_slice(b"|opendialog-anonymous-authentication");
    secret
}

/// A header's value, trimmed; `None` when absent, empty or not text.
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// `Bearer <token>` → the token (the scheme is case-insensitive).
fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A cookie's value from the request's `Cookie` headers.
pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// A `Set-Cookie` value. `SameSite=Lax` serves pages on the same site (any port of localhost);
/// `cross_site` switches to `SameSite=None; Secure` for pages elsewhere.
fn set_cookie(
    name: &str,
    value: &str,
    http_only: bool,
    max_age: Duration,
    cross_site: bool,
) -> Option<HeaderValue> {
    let mut text = format!("{name}={value}; Path=/; Max-Age={}", max_age.as_secs());
    if http_only {
        text.push_str("; HttpOnly");
    }
    text.push_str(if cross_site {
        "; SameSite=None; Secure"
    } else {
        "; SameSite=Lax"
    });
    HeaderValue::from_str(&text).ok()
}

fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    for cookie in cookies {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn cookies_are_found_among_several_headers_and_pairs() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; XSRF-TOKEN=abc"));
        headers.append(COOKIE, HeaderValue::from_static("b=\"2\""));
        assert_eq!(cookie(&headers, "XSRF-TOKEN"), Some("abc"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "XSRF"), None);
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer("Bearer 1|abc"), Some("1|abc"));
        assert_eq!(bearer("bearer 1|abc"), Some("1|abc"));
        assert_eq!(bearer("Basic 1|abc"), None);
        assert_eq!(bearer("1|abc"), None);
    }
}

//! The error envelope for every way a request can be wrong, and CORS.

use std::time::Duration;

use dialoge_api::auth::TokenClaims;
use dialoge_api::error::ErrorCode;

use crate::common::{error_of, spawn_app, spawn_with};

#[tokio::test]
async fn malformed_json_is_a_400_envelope_saying_where() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"message": {"parts": [{"type": "text", "text": "hi"}"#)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(envelope.error.code.as_str(), "invalid_json");
    assert!(
        envelope.error.message.contains("line 1"),
        "{}",
        envelope.error.message
    );
}

#[tokio::test]
async fn a_missing_field_is_a_422_with_its_dotted_path() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/rate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"feedback": "no rating"}"#)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.code, ErrorCode::Validation);
    assert_eq!(envelope.error.params[0].field, "rating");
    assert_eq!(envelope.error.params[0].message, "This field is required");
}

#[tokio::test]
async fn an_empty_text_part_is_a_422_naming_message_parts_0_text() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"message": {"parts": [{"type": "text", "text": "   "}]}}"#)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "message.parts.0.text");
    assert_eq!(envelope.error.params[0].message, "Text is required");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415_envelope() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 415);
    assert!(envelope.error.message.contains("expected application/json"));
}

#[tokio::test]
async fn a_missing_authorization_header_is_401() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/chat/config"))
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 401);
    assert_eq!(envelope.error.code, ErrorCode::Unauthorized);
    assert!(envelope.error.message.contains("Bearer"));
}

#[tokio::test]
async fn a_forged_token_is_401() {
    let app = spawn_app().await;
    let claims = TokenClaims {
        sub: "v_x".to_owned(),
        chatbot_id: "shop-bot".to_owned(),
        exp: app.clock.unix_secs() + 60,
        iat: app.clock.unix_secs(),
        conversation_id: None,
    };
    let forged = dialoge_sandbox::token::sign(&claims, b"not the sandbox key").unwrap();
    let (status, envelope) = error_of(app.get("/api/v1/chat/config", &forged).await).await;
    assert_eq!(status, 401);
    assert!(envelope.error.message.contains("signature"));
}

#[tokio::test]
async fn an_expired_token_is_401_and_says_so() {
    let app = spawn_app().await;
    let token = app.token().await;
    assert_eq!(app.get("/api/v1/chat/config", &token).await.status(), 200);
    app.clock.advance(Duration::from_secs(3601));
    let (status, envelope) = error_of(app.get("/api/v1/chat/config", &token).await).await;
    assert_eq!(status, 401);
    assert!(
        envelope.error.message.contains("expired"),
        "{}",
        envelope.error.message
    );
}

#[tokio::test]
async fn a_token_naming_a_chatbot_this_sandbox_does_not_serve_is_403() {
    let app = spawn_app().await;
    let claims = TokenClaims {
        sub: "v_other".to_owned(),
        chatbot_id: "someone-elses-bot".to_owned(),
        exp: app.clock.unix_secs() + 60,
        iat: app.clock.unix_secs(),
        conversation_id: None,
    };
    let token = dialoge_sandbox::token::sign(&claims, &app.secret()).unwrap();
    let (status, envelope) = error_of(app.get("/api/v1/chat/messages", &token).await).await;
    assert_eq!(status, 403);
    assert!(envelope.error.message.contains("someone-elses-bot"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_envelope() {
    let app = spawn_with(|options| options.body_limit_bytes = 64 * 1024).await;
    let token = app.token().await;
    let big = "x".repeat(100 * 1024);
    let body = format!(r#"{{"message": {{"parts": [{{"type": "text", "text": "{big}"}}]}}}}"#);
    let response = app
        .client
        .post(app.url("/api/v1/chat/messages"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 413);
    assert_eq!(envelope.error.code.as_str(), "payload_too_large");
    assert!(envelope.error.message.contains("65536"));
}

#[tokio::test]
async fn an_unknown_route_under_the_api_is_a_404_envelope() {
    let app = spawn_app().await;
    let token = app.token().await;
    let (status, envelope) = error_of(app.get("/api/v1/chat/nope", &token).await).await;
    assert_eq!(status, 404);
    assert_eq!(envelope.error.code, ErrorCode::NotFound);
    assert!(envelope.error.message.contains("/api/v1/chat/nope"));
}

#[tokio::test]
async fn a_wrong_method_is_a_405_envelope() {
    let app = spawn_app().await;
    let response = app
        .client
        .put(app.url("/api/v1/chat/config"))
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 405);
    assert_eq!(envelope.error.code.as_str(), "method_not_allowed");
}

#[tokio::test]
async fn cors_preflight_allows_a_configured_origin_with_the_widget_headers() {
    let app = spawn_app().await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/chat/messages"))
        .header("origin", "http://allowed.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://allowed.example"
    );
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for header in ["authorization", "content-type", "idempotency-key"] {
        assert!(allowed.contains(header), "{allowed}");
    }
}

#[tokio::test]
async fn cors_matches_origin_patterns_and_exposes_retry_after() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .get(app.url("/api/v1/chat/config"))
        .bearer_auth(&token)
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase()
        .contains("retry-after"));
}

#[tokio::test]
async fn cors_gives_an_unlisted_origin_nothing() {
    let app = spawn_app().await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/chat/config"))
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

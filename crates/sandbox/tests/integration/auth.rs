//! `/auth` and `/auth/reset`: API key in, visitor token out.

use dialoge_api::auth::{AuthRequest, AuthResetRequest, TokenResponse};
use dialoge_api::error::ErrorCode;
use dialoge_sandbox::{CLOSED_BOT_API_KEY, SHOP_BOT_API_KEY};

use crate::common::{error_of, spawn_app};

fn request(chatbot_id: &str, visitor_id: Option<&str>) -> AuthRequest {
    AuthRequest {
        chatbot_id: chatbot_id.to_owned(),
        visitor_id: visitor_id.map(str::to_owned),
    }
}

#[tokio::test]
async fn auth_with_the_api_key_returns_an_hs256_jwt_valid_for_an_hour() {
    let app = spawn_app().await;
    let response = app
        .auth_raw(SHOP_BOT_API_KEY, &request("shop-bot", None))
        .await;
    assert_eq!(response.status(), 200);
    let token = response.json::<TokenResponse>().await.unwrap().token;
    let header = token.split('.').next().unwrap();
    let header = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
    )
    .unwrap();
    assert!(header.contains("\"alg\":\"HS256\""), "{header}");
    let claims = app.claims(&token);
    assert_eq!(claims.chatbot_id, "shop-bot");
    assert!(claims.sub.starts_with("v_"));
    assert_eq!(claims.iat, app.clock.unix_secs());
    assert_eq!(claims.exp, claims.iat + 3600);
    assert_eq!(claims.conversation_id, None);
}

#[tokio::test]
async fn auth_with_a_visitor_id_reissues_for_that_visitor_and_keeps_the_conversation() {
    let app = spawn_app().await;
    let first = app.token().await;
    let visitor_id = app.claims(&first).sub;
    let streamed = app.send(&first, "returns").await;
    let conversation = app
        .claims(streamed.done().unwrap().visitor_token.as_ref().unwrap())
        .conversation_id;
    assert!(conversation.is_some());

    let response = app
        .auth_raw(SHOP_BOT_API_KEY, &request("shop-bot", Some(&visitor_id)))
        .await;
    let again = response.json::<TokenResponse>().await.unwrap().token;
    let claims = app.claims(&again);
    assert_eq!(claims.sub, visitor_id);
    assert_eq!(
        claims.conversation_id, conversation,
        "a re-issued token continues the conversation"
    );
    let page: dialoge_api::history::HistoryPage =
        app.get_json("/api/v1/chat/messages", &again).await;
    assert_eq!(page.messages.len(), 2);
}

#[tokio::test]
async fn auth_without_basic_credentials_is_a_401_envelope() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/auth"))
        .json(&request("shop-bot", None))
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 401);
    assert_eq!(envelope.error.code, ErrorCode::Unauthorized);
    assert!(envelope.error.message.contains("Missing API key"));
}

#[tokio::test]
async fn auth_with_an_unknown_api_key_is_401() {
    let app = spawn_app().await;
    let (status, envelope) =
        error_of(app.auth_raw("sk_wrong", &request("shop-bot", None)).await).await;
    assert_eq!(status, 401);
    assert_eq!(envelope.error.message, "Unknown API key");
}

#[tokio::test]
async fn auth_with_a_bearer_token_instead_of_basic_is_401() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/auth"))
        .bearer_auth(SHOP_BOT_API_KEY)
        .json(&request("shop-bot", None))
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 401);
    assert!(envelope.error.message.contains("HTTP Basic"));
}

#[tokio::test]
async fn auth_for_a_chatbot_the_key_does_not_belong_to_is_403() {
    let app = spawn_app().await;
    let (status, envelope) = error_of(
        app.auth_raw(CLOSED_BOT_API_KEY, &request("shop-bot", None))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(envelope.error.code, ErrorCode::Forbidden);
}

#[tokio::test]
async fn auth_with_a_malformed_visitor_id_is_422_naming_the_field() {
    let app = spawn_app().await;
    let (status, envelope) = error_of(
        app.auth_raw(
            SHOP_BOT_API_KEY,
            &request("shop-bot", Some("no spaces allowed")),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "visitor_id");
}

#[tokio::test]
async fn auth_reset_trades_an_expired_token_for_a_fresh_visitor() {
    let app = spawn_app().await;
    let old = app.token().await;
    app.clock.advance(std::time::Duration::from_secs(7200));
    let response = app
        .client
        .post(app.url("/api/v1/chat/auth/reset"))
        .basic_auth(SHOP_BOT_API_KEY, Some(""))
        .json(&AuthResetRequest {
            visitor_token: old.clone(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let fresh = response.json::<TokenResponse>().await.unwrap().token;
    assert_ne!(app.claims(&fresh).sub, app.claims(&old).sub);
    assert_eq!(app.get("/api/v1/chat/config", &fresh).await.status(), 200);
}

#[tokio::test]
async fn auth_reset_with_something_that_is_not_a_token_is_422() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/auth/reset"))
        .basic_auth(SHOP_BOT_API_KEY, Some(""))
        .json(&AuthResetRequest {
            visitor_token: "abc".to_owned(),
        })
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "visitor_token");
}

#[tokio::test]
async fn a_token_of_the_switched_off_chatbot_is_403_on_visitor_endpoints() {
    let app = spawn_app().await;
    let response = app
        .auth_raw(CLOSED_BOT_API_KEY, &request("closed-bot", None))
        .await;
    assert_eq!(response.status(), 200);
    let token = response.json::<TokenResponse>().await.unwrap().token;
    let (status, envelope) = error_of(app.get("/api/v1/chat/config", &token).await).await;
    assert_eq!(status, 403);
    assert_eq!(envelope.error.code, ErrorCode::Forbidden);
}

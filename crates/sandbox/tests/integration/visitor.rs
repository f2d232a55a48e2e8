//! Config, rate, delete, export, session, forms and banners.

use dialoge_api::SortedMap;

use dialoge_api::actions::{
    Banners, DeleteResponse, FormDefinition, PatchFormValues, RateRequest, SessionValues,
};
use dialoge_api::config::{AvailabilityStatus, Config};

use crate::common::{error_of, spawn_app};

#[tokio::test]
async fn config_carries_full_branding_with_the_sandbox_origin_filled_in() {
    let app = spawn_app().await;
    let token = app.token().await;
    let config: Config = app.get_json("/api/v1/chat/config", &token).await;
    assert_eq!(config.display.name, "Nordlys Assistant");
    assert_eq!(
        config.display.avatar.url,
        Some(format!("{}/shop/img/bot.svg", app.base))
    );
    assert!(config.display.welcome_message.is_some());
    assert_eq!(config.theme.brand.primary_color.as_deref(), Some("#0E7C7B"));
    assert!(
        config
            .theme
            .messages
            .assistant
            .thinking_border_gradient
            .len()
            >= 2
    );
    assert!(config.dark_theme.is_some());
    assert_eq!(config.start_prompts.len(), 3);
    assert_eq!(
        config.start_prompts_for("http://shop/products/tee").count(),
        3
    );
    assert_eq!(config.start_prompts_for("http://shop/").count(), 2);
    assert_eq!(
        config
            .popup_messages_for("http://shop/products/tee")
            .count(),
        2
    );
    assert_eq!(config.language.as_deref(), Some("en"));
    assert!(config.product_card.add_to_cart.enabled);
    // The livechat block comes from the livechat settings: on and always live by default.
    assert_eq!(
        config.livechat.unwrap().availability_status,
        AvailabilityStatus::Live
    );
    assert_eq!(config.forms.len(), 2);
}

#[tokio::test]
async fn rate_answers_200_with_an_empty_body_and_checks_the_range() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .post_json(
            "/api/v1/chat/rate",
            &token,
            &RateRequest {
                rating: 5,
                feedback: Some("Great".to_owned()),
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, envelope) = error_of(
        app.post_json(
            "/api/v1/chat/rate",
            &token,
            &RateRequest {
                rating: 6,
                feedback: None,
            },
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "rating");
}

#[tokio::test]
async fn a_rating_sent_again_with_its_idempotency_key_is_stored_once() {
    let app = spawn_app().await;
    let token = app.token().await;
    let rate = |key: &'static str| {
        app.client
            .post(app.url("/api/v1/chat/rate"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&RateRequest {
                rating: 4,
                feedback: Some("Good".to_owned()),
            })
            .send()
    };
    assert_eq!(rate("k-1").await.unwrap().status(), 200);
    assert_eq!(rate("k-1").await.unwrap().status(), 200, "a retry is fine");
    assert_eq!(rate("k-2").await.unwrap().status(), 200, "another rating");
    let export: dialoge_sandbox::routes::visitor::ExportDocument = app
        .get("/api/v1/chat/export", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export.ratings.len(), 2, "k-1 once, k-2 once");
}

#[tokio::test]
async fn delete_counts_what_it_removed_and_the_old_token_then_gets_401() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.send(&token, "returns").await;
    app.send(&token, "menu").await;
    let response = app
        .client
        .delete(app.url("/api/v1/chat"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deleted: DeleteResponse = response.json().await.unwrap();
    assert_eq!(
        (
            deleted.deleted.messages,
            deleted.deleted.attachments,
            deleted.deleted.livechat_sessions
        ),
        (4, 0, 0)
    );
    let (status, envelope) = error_of(app.get("/api/v1/chat/messages", &token).await).await;
    assert_eq!(status, 401);
    assert!(envelope.error.message.contains("deleted"));
}

#[tokio::test]
async fn delete_also_answers_with_a_trailing_slash() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .delete(app.url("/api/v1/chat/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(app.get("/api/v1/chat/config", &token).await.status(), 401);
}

#[tokio::test]
async fn after_deletion_the_shop_token_endpoint_starts_a_new_visitor() {
    let app = spawn_app().await;
    let token = app.token().await;
    let old_visitor = app.claims(&token).sub;
    app.client
        .delete(app.url("/api/v1/chat"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&dialoge_sandbox::routes::shop::ChatTokenRequest {
            chatbot_id: "shop-bot".to_owned(),
            visitor_token: Some(token),
        })
        .send()
        .await
        .unwrap();
    let fresh = response
        .json::<dialoge_api::auth::TokenResponse>()
        .await
        .unwrap()
        .token;
    assert_ne!(app.claims(&fresh).sub, old_visitor);
    let page: dialoge_api::history::HistoryPage =
        app.get_json("/api/v1/chat/messages", &fresh).await;
    assert!(page.messages.is_empty());
}

#[tokio::test]
async fn export_is_a_json_download_of_everything_held() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.send(&token, "returns").await;
    app.post_json(
        "/api/v1/chat/rate",
        &token,
        &RateRequest {
            rating: 4,
            feedback: None,
        },
    )
    .await;
    let response = app.get("/api/v1/chat/export", &token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let export: dialoge_sandbox::routes::visitor::ExportDocument = response.json().await.unwrap();
    assert_eq!(export.visitor_id, app.claims(&token).sub);
    assert_eq!(export.messages.len(), 2);
    assert_eq!(export.ratings.len(), 1);
    assert!(export.conversation_id.is_some());
}

#[tokio::test]
async fn session_starts_empty_and_patching_form_values_fills_it() {
    let app = spawn_app().await;
    let token = app.token().await;
    let session: SessionValues = app.get_json("/api/v1/chat/session", &token).await;
    assert!(session.values.is_empty());
    let patch = PatchFormValues {
        values: SortedMap::from([
            ("name".to_owned(), "Jane".to_owned()),
            ("topic".to_owned(), "Order".to_owned()),
        ]),
    };
    let response = app
        .patch_json("/api/v1/chat/forms/f_pre/values", &token, &patch)
        .await;
    assert_eq!(response.status(), 200);
    let session: SessionValues = response.json().await.unwrap();
    let keys: Vec<_> = session.values.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["name", "topic"]);
    assert!(session.values.iter().all(|v| v.updated_at.is_some()));
    let again: SessionValues = app.get_json("/api/v1/chat/session", &token).await;
    assert_eq!(again, session);
}

#[tokio::test]
async fn patching_form_values_checks_keys_formats_and_options() {
    let app = spawn_app().await;
    let token = app.token().await;
    let patch = PatchFormValues {
        values: SortedMap::from([
            ("email".to_owned(), "not-an-email".to_owned()),
            ("topic".to_owned(), "Weather".to_owned()),
            ("colour".to_owned(), "blue".to_owned()),
        ]),
    };
    let (status, envelope) = error_of(
        app.patch_json("/api/v1/chat/forms/f_pre/values", &token, &patch)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<_> = envelope
        .error
        .params
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(fields, ["values.colour", "values.email", "values.topic"]);
    let (status, _) = error_of(
        app.patch_json("/api/v1/chat/forms/f_nope/values", &token, &patch)
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_form_definition_is_served_by_id_and_an_unknown_one_is_404() {
    let app = spawn_app().await;
    let token = app.token().await;
    let form: FormDefinition = app.get_json("/api/v1/chat/forms/f_pre", &token).await;
    assert_eq!(form.form_id, "f_pre");
    assert_eq!(form.trigger.as_str(), "livechat_waiting");
    assert_eq!(form.fields.len(), 3);
    assert_eq!(form.min_filled_fields, Some(1));
    let (status, envelope) = error_of(app.get("/api/v1/chat/forms/f_nope", &token).await).await;
    assert_eq!(status, 404);
    assert!(envelope.error.message.contains("f_nope"));
}

#[tokio::test]
async fn banners_follow_the_page_url() {
    let app = spawn_app().await;
    let token = app.token().await;
    let everywhere: Banners = app
        .get_json("/api/v1/chat/banners?url=http%3A%2F%2Fshop%2F", &token)
        .await;
    assert_eq!(everywhere.banners.len(), 1);
    assert_eq!(
        everywhere.banners[0].cta_url,
        Some(format!("{}/", app.base))
    );
    let product: Banners = app
        .get_json(
            "/api/v1/chat/banners?url=http%3A%2F%2Fshop%2Fproducts%2Ftee",
            &token,
        )
        .await;
    let ids: Vec<_> = product.banners.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b_free_shipping", "b_size_help"]);
    let no_url: Banners = app.get_json("/api/v1/chat/banners", &token).await;
    assert_eq!(no_url.banners.len(), 1);
}

//! `GET /embed`: the demo page with the script-tag attributes a test asks for.

use dialoge_sandbox::routes::CSP;

use crate::common::{error_of, spawn_app};

#[tokio::test]
async fn the_embed_page_puts_the_asked_attributes_on_the_script_tag() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/embed?storage=session&position=left&hidden=true&open=false&language=da"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-security-policy"], CSP);
    let html = response.text().await.unwrap();
    let tag = format!(
        r#"<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot" data-token-url="/shop/chat-token" data-api-base="{}" data-storage="session" data-position="left" data-hidden="true" data-open="false" data-language="da"></script>"#,
        app.base
    );
    assert!(html.contains(&tag), "{html}");
    assert_eq!(html.matches("/widget/dialoge.js").count(), 1);
}

#[tokio::test]
async fn without_a_query_it_is_the_home_page_tag_and_token_none_leaves_the_url_off() {
    let app = spawn_app().await;
    let plain = app
        .client
        .get(app.url("/embed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let tag = format!(
        r#"<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot" data-token-url="/shop/chat-token" data-api-base="{}"></script>"#,
        app.base
    );
    assert!(plain.contains(&tag), "{plain}");
    let no_url = app
        .client
        .get(app.url("/embed?token=none"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!no_url.contains("data-token-url"), "{no_url}");
    assert!(no_url.contains(r#"data-chatbot-id="shop-bot""#));
}

#[tokio::test]
async fn an_unknown_value_is_refused_and_never_reaches_the_markup() {
    let app = spawn_app().await;
    for query in [
        "storage=cookie",
        "position=%22%3E%3Cscript%3E",
        "hidden=yes",
        "language=xx",
        "token=maybe",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/embed?{query}")))
            .send()
            .await
            .unwrap();
        let (status, envelope) = error_of(response).await;
        assert_eq!(status, 422, "{query}");
        let field = query.split('=').next().unwrap();
        assert_eq!(envelope.error.params[0].field, field, "{query}");
    }
}

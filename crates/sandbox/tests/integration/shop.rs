//! The demo shop pages, their assets, the shop's token endpoint and the widget files.

use dialoge_api::auth::TokenResponse;
use dialoge_sandbox::routes::shop::ChatTokenRequest;
use dialoge_sandbox::routes::CSP;

use crate::common::{error_of, spawn_app, spawn_with};

#[tokio::test]
async fn the_home_page_embeds_the_widget_exactly_under_a_strict_csp() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-security-policy"], CSP);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = response.text().await.unwrap();
    let tag = format!(
        r#"<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot" data-token-url="/shop/chat-token" data-api-base="{}"></script>"#,
        app.base
    );
    assert!(html.contains(&tag), "{html}");
    assert!(html.contains(r#"<link rel="stylesheet" href="/shop/shop.css">"#));
    // Nothing inline: every <script> has a src, and there is no <style> or style attribute.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=").count() + html.matches("<script async src=").count()
    );
    assert!(!html.contains("<style") && !html.contains("style="));
    assert!(!html.contains("onclick") && !html.contains("onload"));
}

#[tokio::test]
async fn the_tee_product_page_exists_for_url_pattern_tests() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/products/tee"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-security-policy"], CSP);
    let html = response.text().await.unwrap();
    assert!(html.contains("Organic Basic Tee"));
    assert!(html.contains(r#"data-token-url="/shop/chat-token""#));
    assert_eq!(
        app.client
            .get(app.url("/products/unicorn"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn the_stylesheet_and_script_are_separate_files() {
    let app = spawn_app().await;
    let css = app
        .client
        .get(app.url("/shop/shop.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let js = app
        .client
        .get(app.url("/shop/shop.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(js.text().await.unwrap().contains("dialoge:marker"));
}

#[tokio::test]
async fn a_host_header_with_markup_cannot_reach_the_page() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("host", "evil\"><script>x</script>")
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"data-api-base="http://localhost""#));
    assert!(!html.contains("<script>x"));
}

#[tokio::test]
async fn the_token_endpoint_issues_a_token_without_the_browser_seeing_the_key() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&ChatTokenRequest {
            chatbot_id: "shop-bot".to_owned(),
            visitor_token: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token = response.json::<TokenResponse>().await.unwrap().token;
    assert_eq!(app.claims(&token).chatbot_id, "shop-bot");
    assert_eq!(app.get("/api/v1/chat/config", &token).await.status(), 200);
}

#[tokio::test]
async fn the_token_endpoint_reissues_for_the_same_visitor_even_from_an_expired_token() {
    let app = spawn_app().await;
    let token = app.token().await;
    let bound = app
        .send(&token, "returns")
        .await
        .done()
        .unwrap()
        .visitor_token
        .clone()
        .unwrap();
    app.clock.advance(std::time::Duration::from_secs(2 * 3600));
    assert_eq!(app.get("/api/v1/chat/config", &bound).await.status(), 401);
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&ChatTokenRequest {
            chatbot_id: "shop-bot".to_owned(),
            visitor_token: Some(bound.clone()),
        })
        .send()
        .await
        .unwrap();
    let renewed = response.json::<TokenResponse>().await.unwrap().token;
    let (old, new) = (app.claims(&bound), app.claims(&renewed));
    assert_eq!(new.sub, old.sub);
    assert_eq!(new.conversation_id, old.conversation_id);
    assert!(new.exp > app.clock.unix_secs());
    let page: dialoge_api::history::HistoryPage =
        app.get_json("/api/v1/chat/messages", &renewed).await;
    assert_eq!(page.messages.len(), 2, "the conversation continues");
}

#[tokio::test]
async fn the_token_endpoint_starts_over_on_a_token_it_did_not_issue() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&ChatTokenRequest {
            chatbot_id: "shop-bot".to_owned(),
            visitor_token: Some("garbage".to_owned()),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_token_endpoint_refuses_a_chatbot_the_shop_has_no_key_for() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/shop/chat-token"))
        .json(&ChatTokenRequest {
            chatbot_id: "other-bot".to_owned(),
            visitor_token: None,
        })
        .send()
        .await
        .unwrap();
    let (status, _) = error_of(response).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_built_widget_folder_is_served_under_widget_with_the_wasm_mime_type() {
    let dir =
        std::env::temp_dir().join(format!("dialoge-widget-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("dialoge.js"), "console.log('loader');").unwrap();
    std::fs::write(dir.join("dialoge_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let widget_dir = dir.clone();
    let app = spawn_with(move |options| options.widget_dir = widget_dir).await;
    let js = app
        .client
        .get(app.url("/widget/dialoge.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let wasm = app
        .client
        .get(app.url("/widget/dialoge_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        app.client
            .get(app.url("/widget/missing.js"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn the_preview_page_previews_the_branding_file_without_a_token_endpoint() {
    let app = spawn_app().await;
    for (path, scheme) in [
        ("/preview", ""),
        ("/preview?scheme=dark", r#" data-color-scheme="dark""#),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-security-policy"], CSP);
        let html = response.text().await.unwrap();
        let tag = format!(
            r#"<script async src="/widget/dialoge.js" data-preview data-config-url="/shop/branding.json" data-open="true"{scheme}></script>"#
        );
        assert!(html.contains(&tag), "{html}");
        assert!(!html.contains("data-token-url"));
    }
    // The file is the shop bot's config, its URLs on this origin, livechat availability in it.
    let config: dialoge_api::config::Config = app
        .client
        .get(app.url("/shop/branding.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config.theme.brand.primary_color.as_deref(), Some("#0E7C7B"));
    assert!(config.dark_theme.is_some());
    assert!(config.livechat.is_some());
}

#[tokio::test]
async fn the_studio_is_one_redirect_away_and_the_built_folder_is_under_the_strict_csp() {
    let dir =
        std::env::temp_dir().join(format!("dialoge-studio-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("studio")).unwrap();
    std::fs::write(
        dir.join("studio").join("index.html"),
        "<!doctype html><title>studio</title>",
    )
    .unwrap();
    let widget_dir = dir.clone();
    let app = spawn_with(move |options| options.widget_dir = widget_dir).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(app.url("/studio")).send().await.unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], "/widget/studio/");
    let page = app
        .client
        .get(app.url("/widget/studio/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-security-policy"], CSP);
    assert!(page.text().await.unwrap().contains("studio"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn widget_files_are_served_precompressed_by_accept_encoding_and_revalidated() {
    let dir = std::env::temp_dir().join(format!("dialoge-cdn-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("dialoge.js"), "plain").unwrap();
    std::fs::write(dir.join("dialoge.js.br"), "brotli twin").unwrap();
    std::fs::write(dir.join("dialoge.js.gz"), "gzip twin").unwrap();
    let widget_dir = dir.clone();
    let app = spawn_with(move |options| options.widget_dir = widget_dir).await;
    let get = |encoding: &'static str| {
        app.client
            .get(app.url("/widget/dialoge.js"))
            .header("accept-encoding", encoding)
            .send()
    };
    let br = get("gzip, deflate, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["cache-control"], "no-cache");
    assert!(br.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let modified = br.headers()["last-modified"].clone();
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli twin");
    let gz = get("gzip").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let plain = get("identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"plain");
    // Unchanged: a revalidation answers 304 without the body.
    let again = app
        .client
        .get(app.url("/widget/dialoge.js"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    std::fs::remove_dir_all(dir).unwrap();
}

//! Routes: the demo shop — a few plain HTML pages that embed the widget with the script tag exactly as
//! EMBED.md shows, their stylesheet, script and images, and `POST /shop/chat-token` — the shop
//! backend's half of the token handshake, which holds the API key server-side.
//!
//! Pages carry no inline scripts or styles and are served under the strict CSP of EMBED.md, so
//! the demo proves the widget works there.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dialoge_api::auth::{AuthRequest, TokenResponse};
use serde::{Deserialize, Serialize};

use super::{origin_of, CSP, TRUSTED_TYPES_CSP};
use crate::auth::authenticate;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::token;

/// The shop's pages and files. The token endpoint is [`token_router`]: the app mounts it
/// separately, behind the fault middleware.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/products/{slug}", get(product))
        .route("/privacy", get(privacy))
        .route("/trusted-types", get(trusted_types))
        .route("/opendialog", get(opendialog))
        .route("/preview", get(preview))
        .route("/embed", get(embed))
        .route("/shop/branding.json", get(branding))
        .route("/shop/shop.css", get(stylesheet))
        .route("/shop/shop.js", get(script))
        .route("/shop/img/{name}", get(image))
        .route("/shop/files/size-chart.pdf", get(size_chart))
}

/// `POST /shop/chat-token`, the shop backend's token endpoint.
pub fn token_router() -> Router<AppState> {
    Router::new().route("/shop/chat-token", post(chat_token))
}

const LAYOUT: &str = include_str!("../../assets/pages/layout.html");

/// `GET /`.
async fn home(headers: HeaderMap) -> Response {
    page(
        "Spring sale",
        include_str!("../../assets/pages/home.html"),
        &headers,
    )
}

/// `GET /products/{slug}`: the tee and the hoodie (the widget's `url_pattern` tests use them).
async fn product(Path(slug): Path<String>, headers: HeaderMap) -> Response {
    match slug.as_str() {
        "tee" => page(
            "Organic Basic Tee",
            include_str!("../../assets/pages/tee.html"),
            &headers,
        ),
        "hoodie" => page(
            "Nordlys Hoodie",
            include_str!("../../assets/pages/hoodie.html"),
            &headers,
        ),
        _ => {
            let mut response = page(
                "Not found",
                "<article class=\"text-page\"><h1>Sold out</h1><p>This product is not in the demo shop.</p></article>",
                &headers,
            );
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    }
}

/// `GET /privacy`.
async fn privacy(headers: HeaderMap) -> Response {
    page(
        "Privacy",
        include_str!("../../assets/pages/privacy.html"),
        &headers,
    )
}

/// `GET /trusted-types`: the home page under [`TRUSTED_TYPES_CSP`] — the strict CSP with Trusted
/// Types enforced and no policy allowed — proving the widget (and the shop's own script) writes
/// no string into a script-capable DOM sink.
async fn trusted_types(headers: HeaderMap) -> Response {
    let mut response = page(
        "Trusted Types",
        include_str!("../../assets/pages/home.html"),
        &headers,
    );
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(TRUSTED_TYPES_CSP),
    );
    response
}

/// The widget as every page embeds it: the Dialoge API, through the shop's token endpoint.
const DIALOGE_WIDGET: &str = r#"<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot" data-token-url="/shop/chat-token" data-api-base="{{api_base}}"></script>"#;

/// The OpenDialog build of the widget on the scenario with anonymous auth, CSRF and CORS on.
const OPENDIALOG_WIDGET: &str = r#"<script async src="/widget/opendialog/dialoge.js" data-backend="opendialog" data-api-base="{{api_base}}" data-scenario-id="3377699723000023" data-app-key="1|sbxNordlysSecureAppKey0000000000000000001"></script>"#;

/// `GET /opendialog`: the shop with the widget speaking OpenDialog's Chat API v3.
async fn opendialog(headers: HeaderMap) -> Response {
    page_with(
        "OpenDialog",
        include_str!("../../assets/pages/opendialog.html"),
        OPENDIALOG_WIDGET,
        &headers,
    )
}

/// The query of `GET /embed`: script-tag attributes of EMBED.md section 1 (absent: not on the
/// tag).
#[derive(Debug, Default, Deserialize)]
pub struct EmbedQuery {
    /// `data-storage`: `local`, `session` or `none`.
    pub storage: Option<String>,
    /// `data-position`: `left` or `right`.
    pub position: Option<String>,
    /// `data-hidden`: `true` or `false`.
    pub hidden: Option<String>,
    /// `data-open`: `true` or `false`.
    pub open: Option<String>,
    /// `data-language`: `da` or `en`.
    pub language: Option<String>,
    /// `token=none` leaves `data-token-url` off (the page boots a `getToken` function itself).
    pub token: Option<String>,
}

/// The script tag `GET /embed` serves for `query`; every value is one of a fixed few, so
/// nothing a request sends reaches the markup. An unknown value is a 422 naming the parameter.
pub fn embed_tag(query: &EmbedQuery) -> Result<String, ApiError> {
    fn pick(
        name: &str,
        value: Option<&String>,
        allowed: &[&'static str],
    ) -> Result<Option<&'static str>, ApiError> {
        match value {
            None => Ok(None),
            Some(value) => allowed
                .iter()
                .find(|a| **a == value.as_str())
                .map(|a| Some(*a))
                .ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        format!("{name} must be one of {}", allowed.join(", ")),
                    )
                }),
        }
    }
    let mut tag =
        String::from(r#"<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot""#);
    match pick("token", query.token.as_ref(), &["url", "none"])? {
        Some("none") => {}
        _ => tag.push_str(r#" data-token-url="/shop/chat-token""#),
    }
    tag.push_str(r#" data-api-base="{{api_base}}""#);
    let attributes = [
        (
            "data-storage",
            pick(
                "storage",
                query.storage.as_ref(),
                &["local", "session", "none"],
            )?,
        ),
        (
            "data-position",
            pick("position", query.position.as_ref(), &["left", "right"])?,
        ),
        (
            "data-hidden",
            pick("hidden", query.hidden.as_ref(), &["true", "false"])?,
        ),
        (
            "data-open",
            pick("open", query.open.as_ref(), &["true", "false"])?,
        ),
        (
            "data-language",
            pick("language", query.language.as_ref(), &["da", "en"])?,
        ),
    ];
    for (name, value) in attributes {
        if let Some(value) = value {
            tag.push_str(&format!(r#" {name}="{value}""#));
        }
    }
    tag.push_str("></script>");
    Ok(tag)
}

/// `GET /embed?storage=&position=&hidden=&open=&language=&token=`: the home page with the
/// widget's script tag carrying the given attributes (EMBED.md section 1), for tests of the
/// embedding options.
async fn embed(uri: axum::http::Uri, headers: HeaderMap) -> Result<Response, ApiError> {
    let Query(query) = Query::<EmbedQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let tag = embed_tag(&query)?;
    Ok(page_with(
        "Embedding options",
        include_str!("../../assets/pages/home.html"),
        &tag,
        &headers,
    ))
}

/// The widget as a branding preview (EMBED.md section 5): the config from a file the shop
/// hosts, no token endpoint, no API.
const PREVIEW_WIDGET: &str = r#"<script async src="/widget/dialoge.js" data-preview data-config-url="/shop/branding.json" data-open="true"></script>"#;

/// The same preview in the dark colour scheme (`/preview?scheme=dark`).
const PREVIEW_WIDGET_DARK: &str = r#"<script async src="/widget/dialoge.js" data-preview data-config-url="/shop/branding.json" data-open="true" data-color-scheme="dark"></script>"#;

/// `?scheme=dark` of `/preview`.
#[derive(Deserialize)]
struct PreviewQuery {
    scheme: Option<String>,
}

/// `GET /preview`: the shop with the widget previewing its branding file, network-free;
/// `?scheme=dark` fixes the dark theme.
async fn preview(Query(query): Query<PreviewQuery>, headers: HeaderMap) -> Response {
    let widget = match query.scheme.as_deref() {
        Some("dark") => PREVIEW_WIDGET_DARK,
        _ => PREVIEW_WIDGET,
    };
    page_with(
        "Branding preview",
        "<article class=\"text-page\"><h1>Branding preview</h1><p>The widget on this page is a preview: it shows <code>/shop/branding.json</code> with a sample conversation and sends nothing. The <a href=\"/studio\">studio</a> edits it live.</p></article>",
        widget,
        &headers,
    )
}

/// `GET /shop/branding.json`: the shop bot's `/config` as a file a shop could host for
/// `data-config-url` (what the studio exports).
async fn branding(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(bot) = state.chatbot("shop-bot") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut config = bot.config_for(&origin_of(&headers));
    config.livechat = Some(state.livechat_availability("shop-bot"));
    Json(config).into_response()
}

/// Fills the layout with the Dialoge widget.
fn page(title: &str, main: &str, headers: &HeaderMap) -> Response {
    page_with(title, main, DIALOGE_WIDGET, headers)
}

/// Fills the layout. The only dynamic value is the origin, taken from a validated Host header,
/// so nothing a request sends can inject markup.
fn page_with(title: &str, main: &str, widget: &str, headers: &HeaderMap) -> Response {
    let html = LAYOUT
        .replace("{{title}}", title)
        .replace("{{main}}", main)
        .replace("{{widget}}", widget)
        .replace("{{api_base}}", &origin_of(headers));
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `GET /shop/shop.css`.
async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_bytes!("../../assets/shop.css"),
    )
}

/// `GET /shop/shop.js`.
async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/shop.js"),
    )
}

/// `GET /shop/files/size-chart.pdf` (the `file` part of the media scenario).
async fn size_chart() -> Response {
    asset(
        "application/pdf",
        include_bytes!("../../assets/size-chart.pdf"),
    )
}

/// `GET /shop/img/{name}`: the product pictures, bot avatar and logo.
async fn image(Path(name): Path<String>) -> Response {
    let body: &'static [u8] = match name.as_str() {
        "bot.svg" => include_bytes!("../../assets/img/bot.svg"),
        "logo.svg" => include_bytes!("../../assets/img/logo.svg"),
        "tee.svg" => include_bytes!("../../assets/img/tee.svg"),
        "hoodie.svg" => include_bytes!("../../assets/img/hoodie.svg"),
        "truck.svg" => include_bytes!("../../assets/img/truck.svg"),
        "box.svg" => include_bytes!("../../assets/img/box.svg"),
        "agent.svg" => include_bytes!("../../assets/img/agent.svg"),
        // The products scenario's "broken image" points here on purpose.
        _ => return ApiError::not_found(format!("No image {name}")).into_response(),
    };
    asset("image/svg+xml", body)
}

/// `POST /shop/chat-token` body (EMBED.md section 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTokenRequest {
    /// The chatbot the widget was booted with.
    pub chatbot_id: String,
    /// The widget's previous token, if it has one (possibly expired).
    #[serde(default)]
    pub visitor_token: Option<String>,
}

/// `POST /shop/chat-token`: what a shop's backend does — look up its API key for the chatbot and
/// ask `/auth` for a token. A previous token of this sandbox (even an expired one) names the
/// visitor to re-issue for, so the conversation continues; anything else starts a new visitor.
async fn chat_token(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ChatTokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let api_key = state
        .options()
        .key_for_chatbot(&request.chatbot_id)
        .map(|key| key.api_key.clone())
        .ok_or_else(|| {
            ApiError::forbidden(format!(
                "This shop has no chat for chatbot {}",
                request.chatbot_id
            ))
        })?;
    let visitor_id = request
        .visitor_token
        .as_deref()
        .and_then(|previous| token::verify(previous, &state.options().jwt_secret).ok())
        .filter(|claims| claims.chatbot_id == request.chatbot_id)
        .map(|claims| claims.sub);
    let auth = AuthRequest {
        chatbot_id: request.chatbot_id,
        visitor_id,
    };
    authenticate(&state, &api_key, &auth).map(Json)
}

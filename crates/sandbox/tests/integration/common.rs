//! `spawn_app`: starts the sandbox on 127.0.0.1:0 with test options (no pacing, a hand-moved
//! clock) and gives typed helpers for the calls the tests make. Streams are read with the api
//! crate's SSE parser, the same one the widget uses.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dialoge_api::auth::{TokenClaims, TokenResponse};
use dialoge_api::error::ErrorEnvelope;
use dialoge_api::livechat::{
    AgentCloseRequest, AgentMessageRequest, AgentTypingRequest, HandoverRequest, HandoverSource,
    LivechatMessages, LivechatSession, LivechatSettings, LivechatState, WebhookConfig,
};
use dialoge_api::message::{Message, Part};
use dialoge_api::reducer::MessageBuilder;
use dialoge_api::send::{InputPart, OutgoingMessage, SendMessage};
use dialoge_api::sse::{SseEnd, SseParser};
use dialoge_api::stream::{DoneEvent, StreamEvent};
use dialoge_api::webhook::{WebhookData, WebhookEnvelope, WebhookEventList, WebhookEventRecord};
use dialoge_sandbox::routes::agent::SessionTokenResponse;
use dialoge_sandbox::stores::faults::FaultRequest;
use dialoge_sandbox::{app, AppState, Clock, SandboxOptions, SHOP_BOT_API_KEY};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Clock,
    pub state: AppState,
}

/// A sandbox with the test options.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// A sandbox with the test options, adjusted by `adjust`.
pub async fn spawn_with(adjust: impl FnOnce(&mut SandboxOptions)) -> TestApp {
    let clock = Clock::manual(SystemTime::now());
    let mut options = SandboxOptions::for_tests();
    options.clock = clock.clone();
    options.allowed_origins = vec![
        "http://allowed.example".to_owned(),
        "http://localhost:*".to_owned(),
    ];
    adjust(&mut options);
    let clock = options.clock.clone();
    let state = AppState::new(options).expect("the builtin chatbots load");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        clock,
        state,
    }
}

/// What a message stream delivered.
#[derive(Debug)]
pub struct Streamed {
    pub status: u16,
    pub content_type: String,
    pub events: Vec<StreamEvent>,
    /// `: …` comment lines seen.
    pub comments: usize,
    /// Network chunks received.
    pub chunks: usize,
    pub raw: Vec<u8>,
    pub end: SseEnd,
}

impl Streamed {
    pub fn done(&self) -> Option<&DoneEvent> {
        self.events.iter().find_map(|event| match event {
            StreamEvent::Done(done) => Some(done),
            _ => None,
        })
    }

    pub fn done_message(&self) -> &Message {
        &self.done().expect("a done event").message
    }

    pub fn names(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| e.event_name().to_owned())
            .collect()
    }

    pub fn final_parts(&self) -> Vec<&Part> {
        self.events
            .iter()
            .filter_map(|event| match event {
                StreamEvent::Part(p) => Some(&p.part),
                _ => None,
            })
            .collect()
    }

    pub fn deltas_for(&self, part_id: &str) -> usize {
        self.events
            .iter()
            .filter(|event| matches!(event, StreamEvent::PartDelta(d) if d.part_id == part_id))
            .count()
    }

    /// Rebuilds the reply from the deltas with the api crate's reducer and checks it against
    /// every `part` event and against `done`.
    pub fn assert_consistent(&self) {
        let mut builder = MessageBuilder::new();
        for event in &self.events {
            match event {
                StreamEvent::PartDelta(delta) => {
                    builder
                        .apply_delta(&delta.part_id, &delta.delta)
                        .unwrap_or_else(|error| panic!("delta rejected: {error}"));
                }
                StreamEvent::Part(final_part) => {
                    let id = final_part.part.part_id().unwrap_or_default();
                    if let Some(index) = builder.position(id) {
                        assert_eq!(
                            builder.part(index),
                            Some(&final_part.part),
                            "deltas of {id} built something else than its part event"
                        );
                    }
                    builder.apply_part(final_part.part.clone());
                }
                _ => {}
            }
        }
        let done = self.done().expect("a done event");
        let parts: Vec<Part> = self.final_parts().into_iter().cloned().collect();
        assert_eq!(
            done.message.parts, parts,
            "done's parts differ from the part events"
        );
        assert_eq!(
            builder.into_parts(),
            parts,
            "the reducer's result differs from done"
        );
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn secret(&self) -> Vec<u8> {
        self.state.options().jwt_secret.clone()
    }

    /// `POST /auth` with an API key.
    pub async fn auth_raw(&self, api_key: &str, body: &impl Serialize) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/chat/auth"))
            .basic_auth(api_key, Some(""))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A fresh shop-bot visitor token.
    pub async fn token(&self) -> String {
        let response = self
            .auth_raw(
                SHOP_BOT_API_KEY,
                &dialoge_api::auth::AuthRequest {
                    chatbot_id: "shop-bot".to_owned(),
                    visitor_id: None,
                },
            )
            .await;
        assert_eq!(response.status(), 200);
        response
            .json::<TokenResponse>()
            .await
            .expect("token json")
            .token
    }

    /// A fresh token for a known visitor (after the clock moved past an old one's expiry).
    pub async fn token_for(&self, visitor_token: &str) -> String {
        let response = self
            .auth_raw(
                SHOP_BOT_API_KEY,
                &dialoge_api::auth::AuthRequest {
                    chatbot_id: "shop-bot".to_owned(),
                    visitor_id: Some(self.claims(visitor_token).sub),
                },
            )
            .await;
        assert_eq!(response.status(), 200);
        response
            .json::<TokenResponse>()
            .await
            .expect("token json")
            .token
    }

    /// The claims of a token, read without verifying (as the widget may).
    pub fn claims(&self, token: &str) -> TokenClaims {
        dialoge_sandbox::token::verify(token, &self.secret()).expect("a sandbox token")
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(
        &self,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// Sends a text message and reads the whole stream.
    pub async fn send(&self, token: &str, text: &str) -> Streamed {
        self.send_parts(token, vec![text_part(text)], None).await
    }

    /// Sends a text message with an `Idempotency-Key`.
    pub async fn send_keyed(&self, token: &str, text: &str, key: &str) -> Streamed {
        self.send_parts(token, vec![text_part(text)], Some(key))
            .await
    }

    pub async fn send_parts(
        &self,
        token: &str,
        parts: Vec<InputPart>,
        key: Option<&str>,
    ) -> Streamed {
        let body = SendMessage {
            message: OutgoingMessage { parts },
            context: None,
        };
        let mut request = self
            .client
            .post(self.url("/api/v1/chat/messages"))
            .bearer_auth(token)
            .json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        read_stream(request.send().await.expect("request")).await
    }

    /// Arms a fault switch.
    pub async fn arm(&self, fault: FaultRequest) {
        let response = self
            .client
            .post(self.url("/sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201, "arming {fault:?}");
    }

    /// Arms a fault given as JSON text (the shape an integrator's test would send).
    pub async fn arm_json(&self, json: &str) -> reqwest::Response {
        self.client
            .post(self.url("/sandbox/faults"))
            .header("content-type", "application/json")
            .body(json.to_owned())
            .send()
            .await
            .expect("request")
    }
}

/// Reads a response body as an SSE message stream.
pub async fn read_stream(response: reqwest::Response) -> Streamed {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    let mut raw = Vec::new();
    let mut chunks = 0;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { break };
        chunks += 1;
        raw.extend_from_slice(&chunk);
        for event in parser.push(&chunk) {
            events.push(event.parse().expect("a well-formed stream event"));
        }
    }
    let comments = String::from_utf8_lossy(&raw)
        .split('\n')
        .filter(|line| line.starts_with(':'))
        .count();
    Streamed {
        status,
        content_type,
        events,
        comments,
        chunks,
        raw,
        end: parser.finish(),
    }
}

pub fn text_part(text: &str) -> InputPart {
    InputPart::Text {
        text: text.to_owned(),
    }
}

/// A 1×1 transparent PNG, base64.
pub fn tiny_png() -> String {
    STANDARD.encode([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
}

/// Reads an error response: status and envelope.
pub async fn error_of(response: reqwest::Response) -> (u16, ErrorEnvelope) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        content_type, "application/json",
        "an error envelope is JSON"
    );
    let envelope = response
        .json::<ErrorEnvelope>()
        .await
        .expect("an error envelope");
    (status, envelope)
}

/// The rich-text parts of a message, flattened to their visible text.
pub fn visible_text(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        if let Part::RichText(rich) = part {
            for block in &rich.blocks {
                match block {
                    dialoge_api::message::Block::Paragraph { spans } => {
                        spans.iter().for_each(|s| out.push_str(s.text()));
                    }
                    dialoge_api::message::Block::BulletList { items } => {
                        items
                            .iter()
                            .flat_map(|i| &i.spans)
                            .for_each(|s| out.push_str(s.text()));
                    }
                    dialoge_api::message::Block::Unknown { .. } => {}
                }
                out.push('\n');
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Livechat and webhooks

impl TestApp {
    /// A request with the shop-bot API key.
    pub fn with_key(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .basic_auth(SHOP_BOT_API_KEY, Some(""))
    }

    pub async fn key_put(&self, path: &str, body: &impl Serialize) -> reqwest::Response {
        self.with_key(reqwest::Method::PUT, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn key_get<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self
            .with_key(reqwest::Method::GET, path)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// Replaces shop-bot's livechat settings.
    pub async fn livechat_settings(&self, settings: &LivechatSettings) {
        let response = self
            .key_put("/api/v1/chat/livechat/settings", settings)
            .await;
        assert_eq!(response.status(), 200, "PUT settings");
    }

    /// A handover from the livechat button; asserts 200.
    pub async fn handover(&self, token: &str) -> LivechatSession {
        let response = self
            .post_json(
                "/api/v1/chat/livechat/handover",
                token,
                &HandoverRequest::website_from(HandoverSource::ManualButton, None),
            )
            .await;
        assert_eq!(response.status(), 200, "handover");
        response.json().await.expect("session")
    }

    pub async fn livechat_state(&self, token: &str) -> LivechatState {
        self.get_json("/api/v1/chat/livechat/state", token).await
    }

    pub async fn livechat_messages(&self, token: &str, after: u64) -> LivechatMessages {
        self.get_json(
            &format!("/api/v1/chat/livechat/messages?after_sequence_number={after}"),
            token,
        )
        .await
    }

    /// Sends a visitor livechat text; returns the raw response.
    pub async fn livechat_send(&self, token: &str, text: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/chat/livechat/messages",
            token,
            &SendMessage {
                message: OutgoingMessage {
                    parts: vec![text_part(text)],
                },
                context: None,
            },
        )
        .await
    }

    /// A session token from the development helper.
    pub async fn session_token(&self, session_id: &str) -> String {
        let response = self
            .client
            .get(self.url(&format!("/sandbox/livechat/sessions/{session_id}/token")))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "dev token");
        response
            .json::<SessionTokenResponse>()
            .await
            .expect("token")
            .token
    }

    /// An agent's text message with a session token.
    pub async fn agent_says(
        &self,
        session_token: &str,
        agent_id: &str,
        text: &str,
    ) -> reqwest::Response {
        self.post_json(
            "/api/v1/chat/livechat/agent/messages",
            session_token,
            &AgentMessageRequest {
                agent_id: agent_id.to_owned(),
                message: OutgoingMessage {
                    parts: vec![text_part(text)],
                },
            },
        )
        .await
    }

    pub async fn agent_typing(
        &self,
        session_token: &str,
        agent_id: &str,
        is_typing: bool,
    ) -> reqwest::Response {
        self.post_json(
            "/api/v1/chat/livechat/agent/typing",
            session_token,
            &AgentTypingRequest {
                agent_id: agent_id.to_owned(),
                is_typing,
            },
        )
        .await
    }

    pub async fn agent_close(&self, session_token: &str, agent_id: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/chat/livechat/agent/close",
            session_token,
            &AgentCloseRequest {
                agent_id: agent_id.to_owned(),
                reason: Some("resolved".to_owned()),
            },
        )
        .await
    }

    /// A visitor in an active session with agent `agent_id`: (visitor token, session, session token).
    pub async fn active_session(&self, agent_id: &str) -> (String, LivechatSession, String) {
        let token = self.token().await;
        let session = self.handover(&token).await;
        let session_token = self.session_token(&session.livechat_session_id).await;
        let response = self
            .agent_says(&session_token, agent_id, "Hello, how can I help?")
            .await;
        assert_eq!(response.status(), 200, "agent joins");
        (token, session, session_token)
    }

    /// Points shop-bot's webhook at `url` with `secret` (all events).
    pub async fn subscribe(&self, url: &str, secret: &str) {
        let response = self
            .key_put(
                "/api/v1/chat/webhooks",
                &WebhookConfig {
                    url: url.to_owned(),
                    signing_secret: secret.to_owned(),
                    events: Vec::new(),
                },
            )
            .await;
        assert_eq!(response.status(), 200, "PUT webhooks");
    }

    pub async fn events(&self, query: &str) -> Vec<WebhookEventRecord> {
        self.key_get::<WebhookEventList>(&format!("/api/v1/chat/events{query}"))
            .await
            .events
    }

    /// Polls until `check` passes on the event log (deliveries are asynchronous).
    pub async fn wait_for_events(
        &self,
        query: &str,
        check: impl Fn(&[WebhookEventRecord]) -> bool,
    ) -> Vec<WebhookEventRecord> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let events = self.events(query).await;
            if check(&events) {
                return events;
            }
            assert!(
                Instant::now() < deadline,
                "events never settled: {events:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// One request a [`Receiver`] caught.
#[derive(Debug, Clone)]
pub struct Caught {
    pub headers: reqwest::header::HeaderMap,
    pub body: bytes::Bytes,
}

impl Caught {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn envelope(&self) -> WebhookEnvelope {
        serde_json::from_slice(&self.body).expect("a webhook envelope")
    }

    pub fn data(&self) -> WebhookData {
        serde_json::from_value(self.envelope().data.into()).expect("webhook data")
    }
}

/// A webhook receiver on 127.0.0.1:0 that answers 500 to the first `failures` requests, then 204.
pub struct Receiver {
    pub url: String,
    caught: std::sync::Arc<std::sync::Mutex<Vec<Caught>>>,
}

impl Receiver {
    pub async fn start(failures: usize) -> Self {
        use axum::http::{HeaderMap, StatusCode};
        let caught = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Caught>::new()));
        let sink = caught.clone();
        let handler = move |headers: HeaderMap, body: bytes::Bytes| {
            let sink = sink.clone();
            async move {
                let mut caught = sink.lock().expect("lock");
                caught.push(Caught { headers, body });
                if caught.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        Self {
            url: format!("http://{addr}/hook"),
            caught,
        }
    }

    pub fn caught(&self) -> Vec<Caught> {
        self.caught.lock().expect("lock").clone()
    }

    /// Waits until `n` requests have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Caught> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let caught = self.caught();
            if caught.len() >= n {
                return caught;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} webhooks arrived",
                caught.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Deliveries of one event type.
    pub fn of_type(&self, event: &str) -> Vec<Caught> {
        self.caught()
            .into_iter()
            .filter(|c| c.header("x-di-event") == event)
            .collect()
    }
}

/// HMAC-SHA256 written from RFC 2104 over `sha2`'s SHA-256, independent of the `hmac` crate the
/// sandbox signs with: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), K padded (or hashed) to 64 bytes.
pub fn rfc2104_hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .into()
}

pub fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

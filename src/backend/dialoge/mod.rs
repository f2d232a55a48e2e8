//! The Dialoge Chatbot API v1 (CONTRACT.md) as a [`Backend`](super::Backend): every endpoint the
//! widget uses, each one request shape over [`client::ApiClient`], which owns the visitor token
//! (handshake through the site, renewal on 401). Answers stream as SSE over `fetch`.

pub mod client;
pub mod token;

use std::rc::Rc;

use dialoge_api::actions::{ActionRequest, ActionResponse, DeleteResponse, RateRequest};
use dialoge_api::config::Config;
use dialoge_api::history::HistoryPage;
use dialoge_api::livechat::{
    CloseRequest, FeedbackRequest, HandoverRequest, LivechatMessages, LivechatSendResponse,
    LivechatSession, LivechatState, SyncResponse, TypingRequest,
};
use dialoge_api::send::SendMessage;
use dialoge_api::stream::StreamEvent;
use web_sys::AbortSignal;

use super::{Capabilities, Download, Raw, TurnEnd, TurnEvent};
use crate::boot::options::Options;
use crate::transport::storage::Store;
use crate::transport::stream::{raw_message, read_events};
use crate::transport::{http, ApiError};
use client::{ApiClient, Call};
use token::TokenSource;

/// Everything: the Dialoge API is the widget's home service.
pub const CAPABILITIES: Capabilities = Capabilities {
    streaming: true,
    markers: true,
    livechat: true,
    attachments: true,
    rating: true,
    export: true,
    delete: true,
    message_feedback: false,
    stable_ids: true,
};

type Result<T> = std::result::Result<T, ApiError>;

/// The Dialoge API for one chatbot and one visitor.
pub struct Dialoge {
    api: ApiClient,
}

/// A request's JSON body, as `Call` takes it.
fn body<T: dialoge_api::ToJson>(value: &T) -> Option<String> {
    Some(dialoge_api::to_json(value))
}

/// `?cursor=…` escaped for a query string.
fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

impl Dialoge {
    pub fn new(options: &Options, store: Rc<Store>) -> Dialoge {
        let source = TokenSource::from_options(options);
        Dialoge {
            api: ApiClient::new(
                options.api_base.clone(),
                options.chatbot_id.clone(),
                source,
                store,
            ),
        }
    }

    pub fn base(&self) -> &str {
        self.api.base()
    }

    pub fn knows_visitor(&self) -> bool {
        self.api.has_token()
    }

    pub fn adopt(&self, token: String) {
        self.api.adopt(token);
    }

    pub fn forget(&self) {
        self.api.forget();
    }

    async fn call(
        &self,
        call: Call<'_>,
        signal: Option<&AbortSignal>,
    ) -> Result<web_sys::Response> {
        self.api.send(&call, signal).await
    }

    async fn get<T: dialoge_api::FromJson>(
        &self,
        path: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<T> {
        self.api.get_json(path, signal).await
    }

    /// `GET {path}`'s body as text (one copy of the request code for every type read).
    async fn get_text(&self, path: &str, signal: Option<&AbortSignal>) -> Result<String> {
        let resp = self.call(Call::new("GET", path, None), signal).await?;
        http::text(&resp).await
    }

    /// `GET {path}`: the typed answer and the same JSON as the page's own object.
    async fn get_raw<T: dialoge_api::FromJson>(
        &self,
        path: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Raw<T>> {
        let text = self.get_text(path, signal).await?;
        let value = dialoge_api::from_json(&text)
            .map_err(|e| ApiError::Protocol(format!("bad JSON: {e}")))?;
        let json = js_sys::JSON::parse(&text).unwrap_or(wasm_bindgen::JsValue::NULL);
        Ok(Raw { value, json })
    }

    async fn post<T: dialoge_api::FromJson>(
        &self,
        path: &str,
        json: Option<String>,
        signal: Option<&AbortSignal>,
    ) -> Result<T> {
        let resp = self.call(Call::new("POST", path, json), signal).await?;
        http::json(&resp).await
    }

    pub async fn config(&self, signal: Option<&AbortSignal>) -> Result<(Config, String)> {
        let resp = self.call(Call::new("GET", "/config", None), signal).await?;
        let text = http::text(&resp).await?;
        match dialoge_api::from_json::<Config>(&text) {
            Ok(config) => Ok((config, text)),
            Err(e) => Err(ApiError::Protocol(format!("bad JSON: {e}"))),
        }
    }

    pub async fn send(
        &self,
        body: &SendMessage,
        key: &str,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd> {
        let resp = self.api.open_stream(body, key, signal).await?;
        on_event(TurnEvent::Accepted);
        read_events(&resp, |event, frame| {
            let done = matches!(event, StreamEvent::Done(_));
            on_event(TurnEvent::Stream(event));
            if done {
                on_event(TurnEvent::Final(raw_message(frame)));
            }
        })
        .await
    }

    pub async fn history(
        &self,
        cursor: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<HistoryPage> {
        const PAGE: u32 = 20;
        let path = match cursor {
            None => format!("/messages?limit={PAGE}"),
            Some(c) => format!("/messages?limit={PAGE}&cursor={}", encode(c)),
        };
        self.get(&path, signal).await
    }

    pub async fn action(
        &self,
        request: &ActionRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<ActionResponse> {
        self.post("/actions", body(request), signal).await
    }

    /// `POST /rate` with an **(ours)** `Idempotency-Key`, so a retry after a lost reply is not
    /// a second rating.
    pub async fn rate(
        &self,
        request: &RateRequest,
        key: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        let mut call = Call::new("POST", "/rate", body(request));
        call.extra_headers.push(("Idempotency-Key", key));
        self.call(call, signal).await.map(drop)
    }

    pub async fn form(
        &self,
        form_id: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::FormDefinition> {
        self.get(&format!("/forms/{}", encode(form_id)), signal)
            .await
    }

    pub async fn session(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::SessionValues> {
        self.get("/session", signal).await
    }

    pub async fn save_form(
        &self,
        form_id: &str,
        values: &dialoge_api::actions::PatchFormValues,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::SessionValues> {
        let path = format!("/forms/{}/values", encode(form_id));
        let resp = self
            .call(Call::new("PATCH", &path, body(values)), signal)
            .await?;
        http::json(&resp).await
    }

    pub async fn banners(
        &self,
        url: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<dialoge_api::actions::Banners> {
        self.get(&format!("/banners?url={}", encode(url)), signal)
            .await
    }

    pub async fn export(&self, signal: Option<&AbortSignal>) -> Result<Download> {
        let resp = self.call(Call::new("GET", "/export", None), signal).await?;
        Ok(Download {
            filename: "my-chat-data.json".to_owned(),
            mime: "application/json",
            body: http::text(&resp).await?,
        })
    }

    pub async fn delete(&self, signal: Option<&AbortSignal>) -> Result<()> {
        let resp = self.call(Call::new("DELETE", "", None), signal).await?;
        http::json::<DeleteResponse>(&resp).await.map(drop)
    }

    pub async fn handover(
        &self,
        request: &HandoverRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<LivechatSession> {
        self.post("/livechat/handover", body(request), signal).await
    }

    pub async fn livechat_state(&self, signal: Option<&AbortSignal>) -> Result<Raw<LivechatState>> {
        self.get_raw("/livechat/state", signal).await
    }

    pub async fn livechat_sync(
        &self,
        after: u64,
        cursor: Option<&str>,
        wait_ms: Option<u32>,
        signal: Option<&AbortSignal>,
    ) -> Result<Raw<SyncResponse>> {
        let mut path = format!("/livechat/sync?after_sequence_number={after}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&encode(c));
        }
        if let Some(ms) = wait_ms {
            path.push_str(&format!("&wait_ms={ms}"));
        }
        self.get_raw(&path, signal).await
    }

    pub async fn livechat_messages(
        &self,
        after: u64,
        signal: Option<&AbortSignal>,
    ) -> Result<Raw<LivechatMessages>> {
        let path = format!("/livechat/messages?after_sequence_number={after}");
        self.get_raw(&path, signal).await
    }

    /// `POST /livechat/messages` with an **(ours)** `Idempotency-Key` (the outbox entry's, as
    /// on `POST /messages`), so a retry after a lost reply is the message already sent, not a
    /// second one in front of the agent.
    pub async fn livechat_send(
        &self,
        message: &SendMessage,
        key: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<LivechatSendResponse> {
        let mut call = Call::new("POST", "/livechat/messages", body(message));
        call.extra_headers.push(("Idempotency-Key", key));
        let resp = self.call(call, signal).await?;
        http::json(&resp).await
    }

    pub async fn livechat_typing(
        &self,
        is_typing: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        let json = body(&TypingRequest { is_typing });
        self.call(Call::new("POST", "/livechat/typing", json), signal)
            .await
            .map(drop)
    }

    pub async fn livechat_close(&self, signal: Option<&AbortSignal>) -> Result<()> {
        let json = body(&CloseRequest { reason: None });
        self.call(Call::new("POST", "/livechat/close", json), signal)
            .await
            .map(drop)
    }

    pub async fn livechat_feedback(
        &self,
        request: &FeedbackRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        self.call(
            Call::new("POST", "/livechat/feedback", body(request)),
            signal,
        )
        .await
        .map(drop)
    }
}

//! The Dialoge API client: base URL, the visitor token's life (stored, renewed through the site
//! on 401 or expiry, adopted from `done`), and one authenticated call shape. A 401 renews the
//! token and retries the call exactly once — never a loop.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use dialoge_api::error::ErrorCode;
use dialoge_api::send::SendMessage;
use web_sys::{AbortSignal, Response};

use super::token::{self, TokenSource};
use crate::transport::http::{self, HttpRequest};
use crate::transport::storage::Store;
use crate::transport::ApiError;

const TOKEN_KEY: &str = "token";
/// How many times a 429 is waited out before it is the caller's error.
const RATE_LIMIT_RETRIES: u32 = 3;
/// Renew this many seconds before `exp`, so a request never leaves with a dying token.
const EXPIRY_MARGIN_SECS: f64 = 30.0;

/// One API call, described without its token (so it can be re-sent after a renewal).
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub json_body: Option<String>,
    pub extra_headers: Vec<(&'a str, &'a str)>,
}

impl<'a> Call<'a> {
    /// A call without extra headers.
    pub fn new(method: &'a str, path: &'a str, json_body: Option<String>) -> Self {
        Call {
            method,
            path,
            json_body,
            extra_headers: Vec::new(),
        }
    }
}

/// Talks to one chatbot on one API base for one visitor.
pub struct ApiClient {
    base: String,
    chatbot_id: String,
    source: Option<TokenSource>,
    store: Rc<Store>,
    token: RefCell<Option<String>>,
    /// The renewal in flight, which every other caller waits for instead of asking the site
    /// again: two requests that find no token (or one 401 each) make one handshake, and a
    /// handshake waiting out the site's 429 is not doubled by the next caller.
    renewing: RefCell<Option<Rc<Renewal>>>,
}

impl ApiClient {
    pub fn new(
        base: String,
        chatbot_id: String,
        source: Option<TokenSource>,
        store: Rc<Store>,
    ) -> Self {
        let token = RefCell::new(store.get(TOKEN_KEY));
        ApiClient {
            base,
            chatbot_id,
            source,
            store,
            token,
            renewing: RefCell::new(None),
        }
    }

    /// `{base}/api/v1/chat{path}`; `path` starts with `/` (or is empty for the chat root).
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1/chat{}", self.base, path)
    }

    /// The API base, for resolving host-less URLs in parts.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The visitor's token: the stored one first, so a token another tab of this visitor got
    /// or renewed is used here too (one visitor, not one per tab).
    fn current(&self) -> Option<String> {
        self.store
            .get(TOKEN_KEY)
            .or_else(|| self.token.borrow().clone())
    }

    /// Is there a token from an earlier visit (so history is worth loading)?
    pub fn has_token(&self) -> bool {
        self.current().is_some()
    }

    /// Adopts a token the stream handed us (`done.visitor_token`) before the next request.
    pub fn adopt(&self, token: String) {
        self.store.set(TOKEN_KEY, &token);
        *self.token.borrow_mut() = Some(token);
    }

    /// Forgets the visitor (reset, delete).
    pub fn forget(&self) {
        self.store.remove(TOKEN_KEY);
        *self.token.borrow_mut() = None;
    }

    /// A usable token: the stored one unless it is about to expire, else a fresh one.
    pub async fn token(&self) -> Result<String, ApiError> {
        match self.current() {
            Some(t) if !expires_soon(&t) => Ok(t),
            _ => self.renew().await,
        }
    }

    /// Asks the site for a new token, passing the previous one so the visitor continues. One
    /// handshake at a time: a caller arriving while one is in flight gets its result.
    pub async fn renew(&self) -> Result<String, ApiError> {
        loop {
            let running = self.renewing.borrow().clone();
            if let Some(renewal) = running {
                match (Wait { renewal }).await {
                    Some(result) => return result,
                    // Its caller went away before the answer (its life ended): ask here.
                    None => continue,
                }
            }
            let renewal = Rc::new(Renewal::default());
            *self.renewing.borrow_mut() = Some(renewal.clone());
            let mut leader = Leader {
                client: self,
                renewal,
                result: None,
            };
            let result = self.handshake().await;
            leader.result = Some(result.clone());
            return result;
        }
    }

    async fn handshake(&self) -> Result<String, ApiError> {
        let source = self
            .source
            .as_ref()
            .ok_or_else(|| ApiError::Handshake("no token source (preview mode)".into()))?;
        let previous = self.current();
        let fresh = token::handshake(source, &self.chatbot_id, previous.as_deref()).await?;
        self.adopt(fresh.clone());
        Ok(fresh)
    }

    /// Sends an authenticated call; on 401 renews the token and sends it once more. A 429 (the
    /// server did nothing) is waited out for its `Retry-After` and sent again, up to
    /// [`RATE_LIMIT_RETRIES`] times — except the message stream, whose service shows the
    /// countdown itself (`open_stream`).
    pub async fn send(
        &self,
        call: &Call<'_>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, ApiError> {
        let mut waits = 0;
        loop {
            match self.send_once(call, signal).await {
                Err(ApiError::Http {
                    code: ErrorCode::RateLimited,
                    retry_after,
                    ..
                }) if waits < RATE_LIMIT_RETRIES && call.path != "/messages" => {
                    waits += 1;
                    let seconds = retry_after.unwrap_or(2 << waits).clamp(1, 30);
                    crate::life::sleep(seconds * 1000).await;
                }
                other => return other,
            }
        }
    }

    async fn send_once(
        &self,
        call: &Call<'_>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, ApiError> {
        let token = self.token().await?;
        match self.send_with(call, &token, signal).await {
            Err(e) if e.is_unauthorized() => {
                // Another call may have renewed while this one was out: use its token.
                let token = match self.current() {
                    Some(newer) if newer != token => newer,
                    _ => self.renew().await?,
                };
                self.send_with(call, &token, signal).await
            }
            other => other,
        }
    }

    async fn send_with(
        &self,
        call: &Call<'_>,
        token: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, ApiError> {
        let url = self.url(call.path);
        let mut req = HttpRequest::new(call.method, &url);
        req.bearer = Some(token);
        req.json_body = call.json_body.clone();
        req.extra_headers = &call.extra_headers;
        req.signal = signal;
        http::send(req).await
    }

    /// `GET {path}` parsed as JSON.
    pub async fn get_json<T: dialoge_api::FromJson>(
        &self,
        path: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<T, ApiError> {
        let call = Call {
            method: "GET",
            path,
            json_body: None,
            extra_headers: Vec::new(),
        };
        let resp = self.send(&call, signal).await?;
        http::json(&resp).await
    }

    /// `POST /messages`: opens the answer stream. The idempotency key makes a retry safe.
    pub async fn open_stream(
        &self,
        body: &SendMessage,
        idempotency_key: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, ApiError> {
        let json = dialoge_api::to_json(body);
        let call = Call {
            method: "POST",
            path: "/messages",
            json_body: Some(json),
            extra_headers: vec![
                ("Idempotency-Key", idempotency_key),
                ("Accept", "text/event-stream"),
            ],
        };
        self.send(&call, signal).await
    }
}

/// One handshake in flight: its outcome once known (`Some(None)`: its caller was dropped
/// first), and the callers waiting for it.
#[derive(Default)]
struct Renewal {
    outcome: RefCell<Option<Option<Result<String, ApiError>>>>,
    waiting: RefCell<Vec<Waker>>,
}

/// The caller that runs the handshake. Dropped — finished or abandoned midway — it hands the
/// outcome to everyone waiting and clears the slot, so no waiter hangs on a dead handshake.
struct Leader<'a> {
    client: &'a ApiClient,
    renewal: Rc<Renewal>,
    result: Option<Result<String, ApiError>>,
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        let mine =
            matches!(&*self.client.renewing.borrow(), Some(r) if Rc::ptr_eq(r, &self.renewal));
        if mine {
            *self.client.renewing.borrow_mut() = None;
        }
        *self.renewal.outcome.borrow_mut() = Some(self.result.take());
        for waker in self.renewal.waiting.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

/// Waits for another caller's handshake.
struct Wait {
    renewal: Rc<Renewal>,
}

impl Future for Wait {
    type Output = Option<Result<String, ApiError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(outcome) = self.renewal.outcome.borrow().clone() {
            return Poll::Ready(outcome);
        }
        self.renewal.waiting.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}

/// Reads the JWT's `exp` without verifying it (the server verifies; we only plan ahead).
/// A token we cannot read is assumed valid: the server's 401 is the final word.
fn expires_soon(jwt: &str) -> bool {
    let Some(exp) = jwt_exp(jwt) else {
        return false;
    };
    let now = js_sys::Date::now() / 1000.0;
    exp - EXPIRY_MARGIN_SECS <= now
}

fn jwt_exp(jwt: &str) -> Option<f64> {
    let payload = jwt.split('.').nth(1)?;
    // base64url → base64 with padding, then the browser's own decoder (no extra wasm).
    let mut b64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !b64.len().is_multiple_of(4) {
        b64.push('=');
    }
    let json = crate::window().atob(&b64).ok()?;
    let claims = dialoge_api::json::parse(&json).ok()?;
    claims.get("exp")?.as_f64()
}

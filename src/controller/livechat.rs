//! Livechat: handing the visitor over to a person and following the session. One follower task
//! per session keeps state and messages in step — a held `/livechat/sync` request when the
//! server offers it, else polling at the SDKs' cadence — and pauses while the page is hidden or
//! the panel closed. What is new and what is stale is decided by the pure
//! [`LivechatSync`](dialoge_api::livechat_sync::LivechatSync) machine.

use std::sync::Arc;

use dialoge_api::livechat::{
    ClientContext, CloseRequest, FeedbackRequest, HandoverRequest, HandoverSource,
    LivechatMessages, LivechatSendResponse, LivechatState, LivechatStatus, SyncResponse,
    TypingRequest,
};
use dialoge_api::livechat_sync::{next_poll_delay_ms, StateChange, BACKOFF_MS, SYNC_WAIT_MS};
use dialoge_api::message::{AgentInfo, Message, Role};
use dialoge_api::send::{OutgoingMessage, SendMessage};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{log, Ctx, Status};
use crate::boot::events;
use crate::state::conversation::{Entry, EntryState};
use crate::transport::client::Call;
use crate::transport::timer::sleep;
use crate::transport::{http, ApiError};

/// Typing stops being announced this long after the last keystroke.
const TYPING_IDLE_MS: u32 = 3_000;
/// At most one "typing" announcement per this interval while the visitor keeps typing.
const TYPING_REPEAT_MS: f64 = 2_000.0;
/// How often a paused follower looks whether the page is visible and the panel open again.
const PAUSE_CHECK_MS: u32 = 300;

/// What the livechat banner shows. Signals only; the machine itself lives in `Inner`.
#[derive(Clone, Copy)]
pub struct LivechatView {
    pub status: RwSignal<LivechatStatus>,
    pub agent: RwSignal<Option<AgentInfo>>,
    pub agent_typing: RwSignal<bool>,
    /// `(closed by the agent?, reason)` once closed.
    pub closed: RwSignal<Option<(bool, Option<String>)>>,
    pub feedback_pending: RwSignal<bool>,
}

impl Default for LivechatView {
    fn default() -> Self {
        LivechatView {
            status: RwSignal::new(LivechatStatus::Inactive),
            agent: RwSignal::new(None),
            agent_typing: RwSignal::new(false),
            closed: RwSignal::new(None),
            feedback_pending: RwSignal::new(false),
        }
    }
}

fn call<'a>(method: &'a str, path: &'a str, body: Option<String>) -> Call<'a> {
    Call::new(method, path, body)
}

impl Ctx {
    /// Whether visitor input goes to the agent rather than the assistant.
    pub fn livechat_active(&self) -> bool {
        self.livechat.status.get_untracked() == LivechatStatus::Active
    }

    /// "Talk to a person": starts a handover (header button or `request_human_agent` marker).
    pub fn request_human(&self, source: HandoverSource, part_id: Option<String>) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            let window = web_sys::window();
            let navigator = window.as_ref().map(|w| w.navigator());
            let body = HandoverRequest {
                platform: "website".to_owned(),
                source,
                part_id,
                client_context: Some(ClientContext {
                    browser: navigator.as_ref().and_then(|n| n.user_agent().ok()),
                    browser_language: navigator.as_ref().and_then(|n| n.language()),
                    current_page_url: window.as_ref().and_then(|w| w.location().href().ok()),
                    language: Some(ctx.lang_tag().to_owned()),
                    ..Default::default()
                }),
            };
            let json = serde_json::to_string(&body).ok();
            match inner
                .api
                .send(&call("POST", "/livechat/handover", json), None)
                .await
            {
                Ok(_) => ctx.follow_livechat(),
                Err(e) => {
                    log(&format!("handover: {e}"));
                    let t = ctx.lang.get_untracked().t();
                    ctx.status.set(Status::Error {
                        message: t.livechat_unavailable.to_owned(),
                        retry: None,
                    });
                }
            }
        });
    }

    /// A handover already happened elsewhere (an action's response, a 409 on send): follow it.
    pub fn on_livechat_started(&self, status: LivechatStatus) {
        if status.is_open() {
            // Show it at once; the first synced state (with its version) takes over from here.
            if !self.livechat.status.get_untracked().is_open() {
                self.livechat.status.set(status);
            }
            self.follow_livechat();
        }
    }

    /// On open with a known visitor: resume a session that is still waiting or active.
    pub(crate) fn resume_livechat(&self) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            if let Ok(resp) = inner
                .api
                .send(&call("GET", "/livechat/state", None), None)
                .await
            {
                if let Ok(state) = http::json::<LivechatState>(&resp).await {
                    let open = state.status.is_open();
                    ctx.apply_livechat_state(state);
                    if open {
                        ctx.follow_livechat();
                    }
                }
            }
        });
    }

    /// Starts the follower task unless one is running.
    pub fn follow_livechat(&self) {
        let Some(inner) = self.inner() else { return };
        if inner.livechat_running.replace(true) {
            return;
        }
        let ctx = *self;
        spawn_local(async move {
            let mut use_sync = true;
            let mut cursor: Option<String> = None;
            let mut failures = 0u32;
            let mut first = true;
            loop {
                let status = inner.livechat.borrow().status();
                if !first && !status.is_open() {
                    break;
                }
                let looking = ctx.open.get_untracked() && page_visible();
                if !first && !looking {
                    // Paused; the next pass after this resyncs at once.
                    cursor = None;
                    sleep(PAUSE_CHECK_MS, None).await;
                    if inner.destroyed.get() {
                        break;
                    }
                    continue;
                }
                first = false;
                let after = inner.livechat.borrow().last_sequence();
                let result = if use_sync {
                    let mut path = format!("/livechat/sync?after_sequence_number={after}");
                    if let Some(c) = &cursor {
                        path.push_str(&format!(
                            "&cursor={}&wait_ms={SYNC_WAIT_MS}",
                            String::from(js_sys::encode_uri_component(c))
                        ));
                    }
                    match inner.api.get_json::<SyncResponse>(&path, None).await {
                        Ok(sync) => {
                            cursor = sync.sync_cursor.clone();
                            ctx.apply_livechat_state(sync.state);
                            ctx.apply_livechat_messages(sync.messages);
                            Ok(())
                        }
                        // No sync on this server: fall back to polling, at once.
                        Err(ApiError::Http { status: 404, .. }) => {
                            use_sync = false;
                            first = true; // nothing is known yet: poll before judging
                            continue;
                        }
                        Err(e) => Err(e),
                    }
                } else {
                    ctx.poll_livechat_once(after).await
                };
                if inner.destroyed.get() {
                    break;
                }
                match result {
                    Ok(()) => failures = 0,
                    Err(e) => {
                        log(&format!("livechat sync: {e}"));
                        failures += 1;
                    }
                }
                let status = inner.livechat.borrow().status();
                if use_sync && failures == 0 {
                    // The held request is the cadence; ask again right away.
                    continue;
                }
                let delay =
                    next_poll_delay_ms(&status, failures, true, true).unwrap_or(BACKOFF_MS[0]);
                sleep(delay, None).await;
            }
            inner.livechat_running.set(false);
        });
    }

    async fn poll_livechat_once(&self, after: u64) -> Result<(), ApiError> {
        let Some(inner) = self.inner() else {
            return Ok(());
        };
        let state: LivechatState = inner.api.get_json("/livechat/state", None).await?;
        self.apply_livechat_state(state);
        let path = format!("/livechat/messages?after_sequence_number={after}");
        let page: LivechatMessages = inner.api.get_json(&path, None).await?;
        self.apply_livechat_messages(page.messages);
        Ok(())
    }

    pub(crate) fn apply_livechat_state(&self, state: LivechatState) {
        let Some(inner) = self.inner() else { return };
        let typing = state.is_agent_typing;
        let before = inner.livechat.borrow().status();
        let change = inner.livechat.borrow_mut().apply_state(state.clone());
        if change == StateChange::Stale {
            return;
        }
        let v = self.livechat;
        v.agent_typing
            .set(typing && state.status == LivechatStatus::Active);
        if change == StateChange::Status {
            v.status.set(state.status.clone());
            v.agent.set(state.active_agent.clone());
            v.closed
                .set((state.status == LivechatStatus::Closed).then(|| {
                    (
                        state.closed_by.as_ref().map(|c| c.as_str()) == Some("agent"),
                        state.close_reason.clone(),
                    )
                }));
            // Learning that there is no livechat (the first state of a visitor) is no change.
            if before == LivechatStatus::Inactive && state.status == LivechatStatus::Inactive {
                return;
            }
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&detail, &"status".into(), &state.status.as_str().into());
            let agent = state
                .active_agent
                .as_ref()
                .and_then(|a| serde_json::to_string(a).ok())
                .and_then(|s| js_sys::JSON::parse(&s).ok())
                .unwrap_or(wasm_bindgen::JsValue::NULL);
            let _ = js_sys::Reflect::set(&detail, &"agent".into(), &agent);
            events::emit("livechat", &detail);
        }
        v.feedback_pending.set(
            state.status == LivechatStatus::Closed
                && state
                    .feedback
                    .as_ref()
                    .is_some_and(|f| f.status.as_str() == "pending"),
        );
    }

    fn apply_livechat_messages(&self, messages: Vec<Message>) {
        let Some(inner) = self.inner() else { return };
        let fresh = inner.livechat.borrow_mut().merge(messages);
        for m in fresh {
            // The sync can bring the visitor's own message before its POST has answered:
            // it is the optimistic entry already shown, not a new one.
            if m.role == Role::User && self.claim_pending_user_entry(&m) {
                continue;
            }
            if m.role != Role::User && !self.open.get_untracked() {
                self.unread.update(|n| *n += 1);
            }
            self.convo.push_message(&m);
            events::emit_json("message", &m);
        }
    }

    /// Finds the visitor's unconfirmed message with this text and gives it the server's id.
    fn claim_pending_user_entry(&self, m: &Message) -> bool {
        let text: String = m
            .parts
            .iter()
            .filter_map(|p| match p {
                dialoge_api::message::Part::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        let pending = self.convo.entries.with_untracked(|entries| {
            entries
                .iter()
                .find(|e| {
                    e.message_id.get_untracked().is_none()
                        && e.outgoing.as_ref().is_some_and(|o| o.text == text)
                        && matches!(e.state.get_untracked(), EntryState::Sending)
                })
                .cloned()
        });
        match pending {
            Some(entry) => {
                entry.message_id.set(Some(m.message_id.clone()));
                entry.state.set(EntryState::Sent);
                true
            }
            None => false,
        }
    }

    /// Sends the visitor's message to the agent (`POST /livechat/messages`).
    pub(crate) fn livechat_send(&self, entry: Entry) {
        let Some(inner) = self.inner() else { return };
        let Some(outgoing) = entry.outgoing.clone() else {
            return;
        };
        let ctx = *self;
        entry.state.set(EntryState::Sending);
        ctx.busy.set(true);
        spawn_local(async move {
            let body = SendMessage {
                message: OutgoingMessage {
                    parts: ctx.outgoing_parts(entry.key, &outgoing.text),
                },
                context: None,
            };
            let json = serde_json::to_string(&body).ok();
            let mut result = inner
                .api
                .send(&call("POST", "/livechat/messages", json.clone()), None)
                .await;
            if let Err(ApiError::Http { status: 409, .. }) = result {
                // Stale state: refresh it, then try once more.
                let _ = ctx.poll_livechat_once(last_sequence(&inner)).await;
                result = inner
                    .api
                    .send(&call("POST", "/livechat/messages", json), None)
                    .await;
            }
            let sent = match result {
                Ok(resp) => http::json::<LivechatSendResponse>(&resp).await,
                Err(e) => Err(e),
            };
            ctx.busy.set(false);
            match sent {
                Ok(sent) => {
                    // Marked as seen, so the sync never shows it a second time.
                    inner
                        .livechat
                        .borrow_mut()
                        .merge(vec![sent.message.clone()]);
                    entry.message_id.set(Some(sent.message.message_id));
                    entry.state.set(EntryState::Sent);
                }
                Err(e) => {
                    log(&format!("livechat send: {e}"));
                    entry.state.set(EntryState::Failed);
                    let t = ctx.lang.get_untracked().t();
                    ctx.status.set(Status::Error {
                        message: t.error_network.to_owned(),
                        retry: Some(entry.key),
                    });
                }
            }
        });
    }

    /// Composer keystrokes while an agent is active: "typing" at most every 2 s, and "stopped"
    /// 3 s after the last key.
    pub fn livechat_typing(&self) {
        let Some(inner) = self.inner() else { return };
        if !self.livechat_active() {
            return;
        }
        let now = js_sys::Date::now();
        let generation = inner.typing_generation.get() + 1;
        inner.typing_generation.set(generation);
        if now - inner.typing_sent_at.get() >= TYPING_REPEAT_MS {
            inner.typing_sent_at.set(now);
            self.send_typing(true);
        }
        let ctx = *self;
        spawn_local(async move {
            sleep(TYPING_IDLE_MS, None).await;
            if inner.typing_generation.get() == generation && ctx.livechat_active() {
                inner.typing_sent_at.set(0.0);
                ctx.send_typing(false);
            }
        });
    }

    fn send_typing(&self, is_typing: bool) {
        let Some(inner) = self.inner() else { return };
        spawn_local(async move {
            let json = serde_json::to_string(&TypingRequest { is_typing }).ok();
            if let Err(e) = inner
                .api
                .send(&call("POST", "/livechat/typing", json), None)
                .await
            {
                log(&format!("typing: {e}"));
            }
        });
    }

    /// The visitor ends the livechat.
    pub fn close_livechat(&self) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            let json = serde_json::to_string(&CloseRequest { reason: None }).ok();
            match inner
                .api
                .send(&call("POST", "/livechat/close", json), None)
                .await
            {
                Ok(_) => {
                    let _ = ctx.poll_livechat_once(last_sequence(&inner)).await;
                }
                Err(e) => log(&format!("close: {e}")),
            }
        });
    }

    /// Feedback after a closed livechat (once).
    pub fn livechat_feedback(&self, rating: u8, feedback: Option<String>) {
        let Some(inner) = self.inner() else { return };
        let ctx = *self;
        spawn_local(async move {
            let json = serde_json::to_string(&FeedbackRequest { rating, feedback }).ok();
            match inner
                .api
                .send(&call("POST", "/livechat/feedback", json), None)
                .await
            {
                Ok(_) => ctx.livechat.feedback_pending.set(false),
                Err(e) => log(&format!("feedback: {e}")),
            }
        });
    }

    /// A fresh signed URL for a livechat attachment: its messages are fetched again and the part
    /// with this `attachment_id` read. URLs are never stored, so this is how an expired one heals.
    pub async fn fresh_attachment_url(&self, attachment_id: &str) -> Option<String> {
        let inner = self.inner()?;
        let mut after = 0u64;
        loop {
            let path = format!("/livechat/messages?after_sequence_number={after}");
            let page: LivechatMessages = inner.api.get_json(&path, None).await.ok()?;
            for m in &page.messages {
                for p in &m.parts {
                    let hit = match p {
                        dialoge_api::message::Part::Image(i) => (i.attachment_id.as_deref()
                            == Some(attachment_id))
                        .then(|| i.url.clone()),
                        dialoge_api::message::Part::File(f) => (f.attachment_id.as_deref()
                            == Some(attachment_id))
                        .then(|| f.url.clone()),
                        _ => None,
                    };
                    if hit.is_some() {
                        return hit;
                    }
                }
            }
            let last = page.messages.iter().filter_map(|m| m.sequence_number).max();
            match last {
                Some(seq) if page.has_more && seq > after => after = seq,
                _ => return None,
            }
        }
    }

    /// Whether the header may offer "talk to a person" now.
    pub fn can_request_human(&self) -> bool {
        let live = self
            .config
            .with(|c| c.as_ref().is_some_and(|c| Arc::clone(c).livechat_live()));
        live && !self.livechat.status.get().is_open()
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// The last merged sequence number, read without holding the borrow across an await.
fn last_sequence(inner: &super::Inner) -> u64 {
    inner.livechat.borrow().last_sequence()
}

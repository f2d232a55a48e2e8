//! Livechat: handing the visitor over to a person and following the session. One follower task
//! per session keeps state and messages in step; *when* it asks and how long it waits is
//! decided by the pure [`Follower`] step machine of `dialoge-api` (a held sync when the
//! service offers it, else polling; paused while nobody is looking; backoff on failures) and
//! *what* is new or stale by the pure [`LivechatSync`] machine. This service only executes
//! their steps and mirrors the result into the banner's signals.

use crate::reactive::*;
use dialoge_api::error::ErrorCode;
use dialoge_api::livechat::{
    ClientContext, ClosedBy, FeedbackRequest, FeedbackStatus, HandoverRequest, HandoverSource,
    LivechatMessages, LivechatState, LivechatStatus,
};
use dialoge_api::livechat_follow::{Answer, Follower, Step};
use dialoge_api::livechat_sync::{LivechatSync, StateChange};
use dialoge_api::message::{AgentInfo, Message, Part, Role};
use dialoge_api::send::{OutgoingMessage, SendMessage};

use crate::state::Read;

use super::conversation::{tell_host_error, Conversation};
use super::ui::Ui;
use super::{log_failed, Outcome, Shared};
use crate::backend::BackendError;
use crate::backend::Raw;
use crate::boot::events::{raw_message_in, HostEvent, Where};
use crate::life::sleep;
use crate::state::conversation::{Entry, EntryState};

/// Typing stops being announced this long after the last keystroke.
const TYPING_IDLE_MS: u32 = 3_000;
/// At most one "typing" announcement per this interval while the visitor keeps typing.
const TYPING_REPEAT_MS: f64 = 2_000.0;
/// A tab waiting to follow says this often that someone looks at its livechat…
const LOOK_EVERY_MS: u32 = 1_000;
/// …and the follower counts them as looking for this long after the last word.
const LOOK_LASTS_MS: f64 = 3_000.0;

/// How a closed session ended, for the banner.
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    pub by: Option<ClosedBy>,
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Default)]
struct Typing {
    generation: u32,
    sent_at: f64,
}

/// The livechat service.
#[derive(Clone, Copy)]
pub struct Livechat {
    env: Shared,
    ui: Ui,
    conversation: Conversation,
    status: RwSignal<LivechatStatus>,
    agent: RwSignal<Option<AgentInfo>>,
    agent_typing: RwSignal<bool>,
    closed: RwSignal<Option<Closed>>,
    feedback_pending: RwSignal<bool>,
    machine: StoredValue<LivechatSync>,
    following: StoredValue<bool>,
    /// A new session began while the follower ran: it starts over, asking first.
    renew: StoredValue<bool>,
    typing: StoredValue<Typing>,
    /// Until when (epoch ms) another tab's visitor is looking at this livechat.
    others_look_until: StoredValue<f64>,
    /// A poll for what this tab missed of the other tabs' livechat is on its way.
    catching_up: StoredValue<bool>,
}

fn page_visible() -> bool {
    crate::window().document().is_none_or(|d| !d.hidden())
}

impl Livechat {
    pub(super) fn new(env: Shared, ui: Ui, conversation: Conversation) -> Livechat {
        Livechat {
            env,
            ui,
            conversation,
            status: RwSignal::new(LivechatStatus::Inactive),
            agent: RwSignal::new(None),
            agent_typing: RwSignal::new(false),
            closed: RwSignal::new(None),
            feedback_pending: RwSignal::new(false),
            machine: StoredValue::new(LivechatSync::new()),
            following: StoredValue::new(false),
            renew: StoredValue::new(false),
            typing: StoredValue::new(Typing::default()),
            others_look_until: StoredValue::new(0.0),
            catching_up: StoredValue::new(false),
        }
    }

    pub fn status(&self) -> Read<LivechatStatus> {
        Read::of(self.status)
    }

    pub fn agent(&self) -> Read<Option<AgentInfo>> {
        Read::of(self.agent)
    }

    pub fn agent_typing(&self) -> Read<bool> {
        Read::of(self.agent_typing)
    }

    pub fn closed(&self) -> Read<Option<Closed>> {
        Read::of(self.closed)
    }

    pub fn feedback_pending(&self) -> Read<bool> {
        Read::of(self.feedback_pending)
    }

    /// Whether visitor input goes to the agent rather than the assistant.
    pub fn active(&self) -> bool {
        self.status.try_get_untracked() == Some(LivechatStatus::Active)
    }

    fn client_context(&self) -> ClientContext {
        let window = crate::window();
        let navigator = window.navigator();
        ClientContext {
            browser: navigator.user_agent().ok(),
            browser_language: navigator.language(),
            current_page_url: window.location().href().ok(),
            language: Some(self.ui.lang_tag().to_owned()),
            ..Default::default()
        }
    }

    /// Asks for a person. A session that is waiting or active is followed from here on.
    pub async fn handover(
        &self,
        source: HandoverSource,
        part_id: Option<String>,
    ) -> Outcome<LivechatStatus> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let mut body = HandoverRequest::website_from(source, part_id);
        body.client_context = Some(self.client_context());
        let signal = env.conversation_life().signal();
        match env.backend.handover(&body, signal.as_ref()).await {
            Ok(session) => {
                // An earlier failed attempt's words are no longer true.
                self.conversation.clear_error(None);
                self.started(session.status.clone());
                Outcome::Done(session.status)
            }
            Err(e) => {
                log_failed("handover", &e);
                tell_host_error(&e, Where::Livechat, self.ui.lang().get_untracked());
                Outcome::from_error(e)
            }
        }
    }

    /// "Talk to a person" from the header: a failure is said in the status line.
    pub(super) fn request(&self, source: HandoverSource) {
        let Some(env) = self.env.get() else { return };
        let this = *self;
        env.conversation_life().spawn(async move {
            if let Outcome::Invalid { .. } | Outcome::Conflict | Outcome::Failed =
                this.handover(source, None).await
            {
                this.unavailable();
            }
        });
    }

    /// "Talk to a person" did not work: said in the status line.
    pub(super) fn unavailable(&self) {
        let t = self.ui.lang().get_untracked().t();
        self.conversation.show_error(
            "livechat_unavailable",
            t.livechat_unavailable,
            None,
            false,
            Where::Livechat,
        );
    }

    /// A handover happened (here, through an action's response, or a 409 on send): follow it.
    pub(crate) fn started(&self, status: LivechatStatus) {
        if status.is_open() {
            // Show it at once; the first synced state (with its version) takes over from here.
            if !self.status.get_untracked().is_open() {
                self.status.set(status);
            }
            // A follower still winding down the last session (its state says closed) would
            // stop without looking: it asks again first instead.
            self.renew.set_value(true);
            self.follow();
        }
    }

    /// On first open with a known visitor: is there a session (waiting, active, or closed with
    /// its transcript)? Its state is applied (the banner shows it), and the status of a session
    /// handed back for [`Livechat::resumed`] to follow. The common answer, none, ends here.
    pub(super) async fn look_up(&self) -> Option<LivechatStatus> {
        let env = self.env.get()?;
        let signal = env.conversation_life().signal();
        // After the first history page: livechat messages go in among it by their time.
        while self.conversation.loading() {
            sleep(50).await;
        }
        // A session to resume must not be missed for a passing failure: asked again.
        let state = super::read_again(|| env.backend.livechat_state(signal.as_ref())).await;
        match state {
            // Applied even when there is none: a preview's scene can go back to none.
            Ok(state) => {
                let status = state.value.status.clone();
                self.apply_state(state.value);
                (status != LivechatStatus::Inactive).then_some(status)
            }
            Err(e) => {
                // A refused visitor (403) is a refused chat, said calmly where the composer was.
                if e.is_forbidden() {
                    self.conversation.report(&e, Where::Livechat, None);
                }
                None
            }
        }
    }

    /// A session [`Livechat::look_up`] found: followed while open; a closed one is still the
    /// visitor's transcript (as long as the service keeps it), shown once, not followed.
    pub(super) fn resumed(&self, status: LivechatStatus) {
        if status.is_open() {
            self.follow();
        } else if status == LivechatStatus::Closed {
            let Some(env) = self.env.get() else { return };
            let this = *self;
            env.conversation_life().spawn(async move {
                if let Err(e) = this.poll_once(0).await {
                    log_failed("livechat transcript", &e);
                }
            });
        }
    }

    /// Another tab says its visitor looks at the livechat: this tab's follower must not pause.
    pub(super) fn someone_looks(&self) {
        self.others_look_until
            .try_set_value(js_sys::Date::now() + LOOK_LASTS_MS);
    }

    /// What the follower in another tab learned: applied as if this tab had asked. A session
    /// that is open is followed here too — that is, this tab waits to take over should the
    /// follower's tab close. Messages after `after` are all there is since then; a tab that
    /// has not seen up to `after` (it just learned of the session) asks once for what it
    /// missed instead, so nothing between is skipped.
    pub(super) fn heard_from_follower(&self, state: &str, page: &str, after: u64) {
        if let Ok(state) = dialoge_api::from_json::<LivechatState>(state) {
            let open = state.status.is_open();
            self.apply_state(state);
            if open {
                self.follow();
            }
        }
        let Some(last) = self.machine.try_with_value(LivechatSync::last_sequence) else {
            return;
        };
        if last < after {
            self.catch_up();
        } else if let Ok(messages) = dialoge_api::from_json::<LivechatMessages>(page) {
            let json = js_sys::JSON::parse(page).unwrap_or(wasm_bindgen::JsValue::NULL);
            self.apply_messages(messages.messages, &json);
        }
    }

    /// One poll for the messages this tab missed (one at a time).
    fn catch_up(&self) {
        let Some(env) = self.env.get() else { return };
        if self
            .catching_up
            .try_update_value(|c| std::mem::replace(c, true))
            != Some(false)
        {
            return;
        }
        let this = *self;
        env.conversation_life().spawn(async move {
            let after = this.machine.with_value(LivechatSync::last_sequence);
            if let Err(e) = this.poll_once(after).await {
                log_failed("livechat catch-up", &e);
            }
            this.catching_up.set_value(false);
        });
    }

    /// Hands what the follower learned to the visitor's other tabs.
    fn tell_tabs(&self, state: &wasm_bindgen::JsValue, page: &wasm_bindgen::JsValue, after: u64) {
        let Some(env) = self.env.get() else { return };
        let Some(tabs) = env.tabs.as_ref() else {
            return;
        };
        let text = |v: &wasm_bindgen::JsValue| {
            js_sys::JSON::stringify(v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        };
        tabs.post(&crate::transport::tabs::Note::Live {
            state: text(state),
            page: text(page),
            after,
        });
    }

    /// While this tab waits to follow, it tells the follower whenever its visitor looks.
    fn say_when_looking(&self, life: &crate::life::Life) {
        let Some(env) = self.env.get() else { return };
        let this = *self;
        life.spawn(async move {
            loop {
                if this.ui.open().get_untracked() && page_visible() {
                    env.tell_tabs(&crate::transport::tabs::Note::Look);
                }
                sleep(LOOK_EVERY_MS).await;
            }
        });
    }

    /// Starts the follower task unless one is running. It executes the steps of the pure
    /// [`Follower`] machine until the session is over (or the conversation's life ends).
    fn follow(&self) {
        let Some(env) = self.env.get() else { return };
        if self
            .following
            .try_update_value(|f| std::mem::replace(f, true))
            != Some(false)
        {
            return;
        }
        let this = *self;
        let life = env.conversation_life();
        life.clone().spawn(async move {
            let signal = life.signal();
            // One follower among the visitor's tabs: the others hear from it (`heard_from_follower`)
            // and wait here, and the next takes over when its tab closes. The lock goes with
            // this task.
            let _lock = match env.tabs.as_ref() {
                Some(tabs) => {
                    let waiting = life.child();
                    this.say_when_looking(&waiting);
                    let lock = tabs.follower_lock(signal.as_ref()).await;
                    waiting.end();
                    lock
                }
                None => None,
            };
            let mut follower = Follower::new();
            loop {
                if this.renew.try_update_value(std::mem::take) == Some(true) {
                    follower = Follower::new();
                }
                let (status, last) = this.machine.with_value(|m| (m.status(), m.last_sequence()));
                // Someone looking in another tab counts as looking here.
                let others = js_sys::Date::now() < this.others_look_until.get_value();
                let looking = this.ui.open().get_untracked() || others;
                match follower.next(&status, last, looking, page_visible() || others) {
                    Step::Stop => break,
                    Step::Wait { ms } => sleep(ms).await,
                    Step::Sync {
                        after_sequence,
                        cursor,
                        wait_ms,
                    } => {
                        let sync = env
                            .backend
                            .livechat_sync(
                                after_sequence,
                                cursor.as_deref(),
                                wait_ms,
                                signal.as_ref(),
                            )
                            .await;
                        let answer = match sync {
                            Ok(Raw { value: sync, json }) => {
                                let state = js_sys::Reflect::get(&json, &"state".into())
                                    .unwrap_or(wasm_bindgen::JsValue::NULL);
                                this.tell_tabs(&state, &json, after_sequence);
                                let cursor = sync.sync_cursor.clone();
                                this.apply_state(sync.state);
                                this.apply_messages(sync.messages, &json);
                                Answer::Synced { cursor }
                            }
                            // No sync on this service: the machine falls back to polling.
                            Err(BackendError::Http {
                                code: ErrorCode::NotFound,
                                ..
                            }) => Answer::SyncUnsupported,
                            Err(e) => {
                                log_failed("livechat sync", &e);
                                Answer::Failed
                            }
                        };
                        follower.answered(answer);
                    }
                    Step::Poll { after_sequence } => {
                        let answer = match this.poll_once(after_sequence).await {
                            Ok(()) => Answer::Polled,
                            Err(e) => {
                                log_failed("livechat poll", &e);
                                Answer::Failed
                            }
                        };
                        follower.answered(answer);
                    }
                }
            }
            this.following.try_set_value(false);
        });
    }

    async fn poll_once(&self, after: u64) -> Result<(), BackendError> {
        let Some(env) = self.env.get() else {
            return Err(BackendError::Aborted);
        };
        let signal = env.conversation_life().signal();
        let state = env.backend.livechat_state(signal.as_ref()).await?;
        self.apply_state(state.value);
        let page = env
            .backend
            .livechat_messages(after, signal.as_ref())
            .await?;
        self.tell_tabs(&state.json, &page.json, after);
        self.apply_messages(page.value.messages, &page.json);
        Ok(())
    }

    fn apply_state(&self, state: LivechatState) {
        let before = self.machine.with_value(LivechatSync::status);
        let typing = state.is_agent_typing;
        let Some(change) = self
            .machine
            .try_update_value(|m| m.apply_state(state.clone()))
        else {
            return;
        };
        if change == StateChange::Stale {
            return;
        }
        let active = state.status == LivechatStatus::Active;
        self.agent_typing.set(typing && active);
        if change == StateChange::Status {
            if state.status == LivechatStatus::Closed {
                // Closed after all (a close whose reply was lost): its error is no longer true.
                self.conversation.clear_error(None);
            }
            self.status.set(state.status.clone());
            self.agent.set(state.active_agent.clone());
            self.closed
                .set((state.status == LivechatStatus::Closed).then(|| Closed {
                    by: state.closed_by.clone(),
                    reason: state.close_reason.clone(),
                }));
            // Learning that there is no livechat (the first state of a visitor) is no change.
            if !(before == LivechatStatus::Inactive && state.status == LivechatStatus::Inactive) {
                HostEvent::Livechat {
                    status: &state.status,
                    agent: state.active_agent.as_ref(),
                }
                .emit();
            }
        }
        self.feedback_pending.set(
            state.status == LivechatStatus::Closed
                && state
                    .feedback
                    .as_ref()
                    .is_some_and(|f| f.status == FeedbackStatus::Pending),
        );
    }

    /// Merges a page of messages; `page` is the same page as the service wrote it.
    fn apply_messages(&self, messages: Vec<Message>, page: &wasm_bindgen::JsValue) {
        let Some(fresh) = self.machine.try_update_value(|m| m.merge(messages)) else {
            return;
        };
        for m in fresh {
            // The sync can bring the visitor's own message before its POST has answered:
            // it is the optimistic entry already shown, not a new one.
            if m.role == Role::User && self.conversation.claim(&m) {
                continue;
            }
            // Already shown (history carries agent messages too): not again, not told again.
            if !self.conversation.push_message(&m) {
                continue;
            }
            if m.role != Role::User {
                self.ui.note_unread();
            }
            HostEvent::Message(&raw_message_in(page, &m.message_id)).emit();
        }
    }

    /// The service says a person has the conversation (a 409 or `livechat_active` on a turn):
    /// follow the session and send the message to them.
    /// `then` runs once the message is through (or failed), for the messages held meanwhile.
    pub(super) async fn adopt(&self, entry: Entry, then: impl FnOnce() + 'static) {
        let Some(env) = self.env.get() else { return };
        let signal = env.conversation_life().signal();
        if let Ok(state) = env.backend.livechat_state(signal.as_ref()).await {
            self.apply_state(state.value);
        }
        self.follow();
        if self.active() {
            self.send(entry, then);
        } else {
            then();
            entry.set_state(EntryState::Failed);
            let t = self.ui.lang().get_untracked().t();
            self.conversation.show_error(
                "livechat_unavailable",
                t.error_generic,
                Some(entry.key),
                true,
                Where::Livechat,
            );
        }
    }

    /// Sends the visitor's message (from the outbox) to the agent; `then` runs once it is
    /// through (or failed), for the messages held meanwhile.
    pub(super) fn send(&self, entry: Entry, then: impl FnOnce() + 'static) {
        let Some(env) = self.env.get() else { return };
        let Some(outgoing) = self.conversation.outgoing(entry.key) else {
            return;
        };
        entry.set_state(EntryState::Sending);
        self.conversation.set_busy(true);
        let this = *self;
        let life = env.conversation_life();
        life.clone().spawn(async move {
            let signal = life.signal();
            let body = SendMessage {
                message: OutgoingMessage {
                    parts: outgoing.parts(),
                },
                // Where the visitor writes from, as with the assistant.
                context: this.conversation.context_now(),
            };
            let mut result = env
                .backend
                .livechat_send(&body, &outgoing.idempotency_key, signal.as_ref())
                .await;
            if let Err(BackendError::Http {
                code: ErrorCode::Conflict,
                ..
            }) = result
            {
                // Stale state: refresh it, then try once more (with the same key: if the first
                // went through after all, this is that message, not a second).
                let after = this.machine.with_value(LivechatSync::last_sequence);
                let _ = this.poll_once(after).await;
                result = env
                    .backend
                    .livechat_send(&body, &outgoing.idempotency_key, signal.as_ref())
                    .await;
            }
            this.conversation.set_busy(false);
            match result {
                Ok(sent) => {
                    this.conversation
                        .tell_host(entry.key, Some(&sent.message.message_id));
                    // Marked as seen, so the sync never shows it a second time (without moving
                    // past agent messages before it that the sync has yet to bring).
                    this.machine
                        .update_value(|m| m.mark_seen(&sent.message.message_id));
                    this.conversation.clear_error(Some(entry.key));
                    this.conversation
                        .delivered(&entry, Some(sent.message.message_id));
                }
                // The sync already brought it back (the reply was lost, the message was not):
                // it is delivered, not failed.
                Err(_) if this.conversation.outgoing(entry.key).is_none() => {}
                Err(e) => {
                    log_failed("livechat send", &e);
                    entry.set_state(EntryState::Failed);
                    // A refusal of what the message carries (a 422: an attachment's type or
                    // size) is said at the message, in the service's words.
                    if let BackendError::Http {
                        code: ErrorCode::Validation,
                        message,
                        ..
                    } = &e
                    {
                        entry.set_problem(Some(message.clone()));
                    }
                    this.conversation
                        .report(&e, Where::Livechat, Some(entry.key));
                }
            }
            then();
        });
    }

    /// Composer keystrokes while an agent is active: "typing" at most every 2 s, and "stopped"
    /// 3 s after the last key.
    pub fn typing(&self) {
        let Some(env) = self.env.get() else { return };
        if !self.active() {
            return;
        }
        let now = js_sys::Date::now();
        let mut announce = false;
        let generation = self.typing.try_update_value(|t| {
            t.generation += 1;
            if now - t.sent_at >= TYPING_REPEAT_MS {
                t.sent_at = now;
                announce = true;
            }
            t.generation
        });
        let Some(generation) = generation else { return };
        if announce {
            self.send_typing(true);
        }
        let this = *self;
        env.conversation_life().spawn(async move {
            sleep(TYPING_IDLE_MS).await;
            let idle = this.typing.with_value(|t| t.generation == generation);
            if idle && this.active() {
                this.typing.update_value(|t| t.sent_at = 0.0);
                this.send_typing(false);
            }
        });
    }

    fn send_typing(&self, typing: bool) {
        let Some(env) = self.env.get() else { return };
        let life = env.conversation_life();
        life.clone().spawn(async move {
            let signal = life.signal();
            if let Err(e) = env.backend.livechat_typing(typing, signal.as_ref()).await {
                log_failed("typing", &e);
            }
        });
    }

    /// Closes the session now ("new conversation" while a person is there); a failure is only
    /// logged: the visitor is leaving either way.
    pub(super) async fn close_now(&self) {
        let Some(env) = self.env.get() else { return };
        let signal = env.life.signal();
        if let Err(e) = env.backend.livechat_close(signal.as_ref()).await {
            log_failed("close before reset", &e);
        }
    }

    /// The visitor ends the livechat.
    pub fn close(&self) {
        let Some(env) = self.env.get() else { return };
        let this = *self;
        let life = env.conversation_life();
        life.clone().spawn(async move {
            let signal = life.signal();
            match env.backend.livechat_close(signal.as_ref()).await {
                Ok(()) => {
                    this.conversation.clear_error(None);
                    let after = this.machine.with_value(LivechatSync::last_sequence);
                    let _ = this.poll_once(after).await;
                }
                Err(e) => {
                    log_failed("close", &e);
                    // A close whose reply was lost may have closed the session all the same:
                    // if the sync already shows it closed, there is nothing to say.
                    if this.status.get_untracked() == LivechatStatus::Closed {
                        return;
                    }
                    // Said where the visitor looks (the chat is still open; they can end it
                    // again); the host page hears it from `report`. A look at the state right
                    // after clears it again if the session closed after all.
                    this.conversation.report(&e, Where::Livechat, None);
                    let after = this.machine.with_value(LivechatSync::last_sequence);
                    let _ = this.poll_once(after).await;
                }
            }
        });
    }

    /// Feedback after a closed livechat (once).
    pub async fn feedback(&self, rating: u8, feedback: Option<String>) -> Outcome<()> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        let request = FeedbackRequest { rating, feedback };
        let result = env
            .backend
            .livechat_feedback(&request, signal.as_ref())
            .await;
        match &result {
            Ok(()) => self.feedback_pending.set(false),
            // Given already (another tab, a reply that was lost on the way): it is in.
            Err(e) if e.code() == Some(&ErrorCode::Conflict) => {
                self.feedback_pending.set(false);
                return Outcome::Done(());
            }
            Err(e) => {
                log_failed("feedback", &e);
                tell_host_error(e, Where::Livechat, self.ui.lang().get_untracked());
            }
        }
        Outcome::from_result(result)
    }

    /// A fresh signed URL for a livechat attachment: its messages are fetched again and the part
    /// with this `attachment_id` read. URLs are never stored, so this is how an expired one heals.
    pub async fn fresh_attachment_url(&self, attachment_id: &str) -> Option<String> {
        let env = self.env.get()?;
        let signal = env.conversation_life().signal();
        let mut after = 0u64;
        loop {
            let page = env
                .backend
                .livechat_messages(after, signal.as_ref())
                .await
                .ok()?
                .value;
            for m in &page.messages {
                for p in &m.parts {
                    let hit = match p {
                        Part::Image(i) => (i.attachment_id.as_deref() == Some(attachment_id))
                            .then(|| i.url.clone()),
                        Part::File(f) => (f.attachment_id.as_deref() == Some(attachment_id))
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

    /// A new conversation: no session known any more.
    pub(super) fn clear(&self) {
        self.machine.update_value(LivechatSync::reset);
        self.following.set_value(false);
        self.catching_up.set_value(false);
        self.status.set(LivechatStatus::Inactive);
        self.agent.set(None);
        self.agent_typing.set(false);
        self.closed.set(None);
        self.feedback_pending.set(false);
    }
}

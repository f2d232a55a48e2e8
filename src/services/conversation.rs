//! The conversation: the transcript, the outbox, the status line, the draft, history paging and
//! the context sent with messages.
//!
//! The **outbox** is the one place a visitor message's payload lives until the service has the
//! whole turn: its text, its attachments and its idempotency key. A failed or dropped send
//! stays there, so "retry" sends exactly the same message with the same key (the service then
//! replays the turn instead of answering twice); nothing the visitor wrote is ever lost.

use crate::reactive::*;
use dialoge_api::error::ErrorCode;
use dialoge_api::message::{Message, Part, TextPart};
use dialoge_api::send::{Context, InputPart, OutgoingMessage, SendMessage};
use dialoge_api::stream::{StreamErrorCode, StreamErrorEvent};

use crate::state::Read;

use super::ui::Ui;
use super::{log, log_failed, Shared};
use crate::backend::{BackendError, TurnEnd, TurnEvent};
use crate::boot::events::{HostEvent, Where};
use crate::i18n::Lang;
use crate::life::{sleep, sleep_within, Life};
use crate::state::conversation::{Applied, Entry, EntryState, Transcript, TurnApplier};
use crate::transport::storage::Store;

/// What the status line says.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Connecting,
    Thinking,
    /// Rate limited: trying again by itself in this many seconds.
    Waiting {
        seconds: u32,
    },
    /// Plain words for the visitor; `retry` names the visitor message to send again.
    Error {
        message: String,
        retry: Option<u64>,
    },
}

/// A visitor message the service does not have all of yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// The transcript entry that shows it.
    pub entry: u64,
    pub text: String,
    pub attachments: Vec<InputPart>,
    pub idempotency_key: String,
    /// The host page heard of it (`message`), once.
    pub told: bool,
}

impl Outgoing {
    /// The message's parts on the wire: its text, then its attachments.
    pub fn parts(&self) -> Vec<InputPart> {
        let mut parts = Vec::new();
        if !self.text.trim().is_empty() {
            parts.push(InputPart::Text {
                text: self.text.clone(),
            });
        }
        parts.extend(self.attachments.iter().cloned());
        parts
    }
}

/// How a turn ended, for what comes next.
pub enum TurnOutcome {
    /// Answered, stopped or failed (shown in the status line).
    Over,
    /// A person has taken the conversation over: this message is theirs to answer.
    TakenOver(Entry),
}

const DRAFT_KEY: &str = "draft";
/// How many times a 429 is waited out before it is shown as an error.
const MAX_RATE_LIMIT_WAITS: u32 = 3;

/// The conversation service.
#[derive(Clone, Copy)]
pub struct Conversation {
    env: Shared,
    ui: Ui,
    transcript: Transcript,
    status: RwSignal<Status>,
    busy: RwSignal<bool>,
    draft: RwSignal<String>,
    history_loading: RwSignal<bool>,
    /// The newest page is on its way (another tab's turn, naming the visitor's message): not
    /// shown as "loading older", but a turn waits for it like for any page.
    refreshing: StoredValue<bool>,
    history_cursor: RwSignal<Option<String>>,
    outbox: StoredValue<Vec<Outgoing>>,
    /// The answer in flight: ending it is the stop button.
    turn: StoredValue<Option<Life>>,
    /// `Dialoge('setContext', {...})`, sent with every following message: its `page` when a
    /// string (until the shop navigates) and the rest.
    context: StoredValue<(Option<String>, dialoge_api::json::Map)>,
    /// History was asked for in this conversation.
    started: StoredValue<bool>,
    /// Another tab ended a turn while this one could not look (busy, loading): look after.
    stale: StoredValue<bool>,
    /// Visitor messages written while an answer was arriving, in order: sent after it.
    queue: StoredValue<Vec<u64>>,
    /// The preview's scripted tail (see `play_sample`): its task and the entries it showed.
    #[cfg(feature = "preview")]
    sample: StoredValue<(Option<Life>, Vec<u64>)>,
    /// The service opened this conversation (see `greet`).
    #[cfg(feature = "opendialog")]
    greeted: StoredValue<bool>,
}

impl Conversation {
    pub(super) fn new(env: Shared, ui: Ui, store: &Store) -> Conversation {
        Conversation {
            env,
            ui,
            transcript: Transcript::new(),
            status: RwSignal::new(Status::Idle),
            busy: RwSignal::new(false),
            draft: RwSignal::new(store.get(DRAFT_KEY).unwrap_or_default()),
            history_loading: RwSignal::new(false),
            refreshing: StoredValue::new(false),
            history_cursor: RwSignal::new(None),
            outbox: StoredValue::new(Vec::new()),
            turn: StoredValue::new_local(None),
            context: StoredValue::new((None, dialoge_api::json::Map::new())),
            started: StoredValue::new(false),
            stale: StoredValue::new(false),
            queue: StoredValue::new(Vec::new()),
            #[cfg(feature = "preview")]
            sample: StoredValue::new_local((None, Vec::new())),
            #[cfg(feature = "opendialog")]
            greeted: StoredValue::new(false),
        }
    }

    pub fn entries(&self) -> Read<Vec<Entry>> {
        self.transcript.entries()
    }

    pub fn status(&self) -> Read<Status> {
        Read::of(self.status)
    }

    /// An answer is on its way (the composer offers "stop" instead of "send").
    pub fn busy(&self) -> Read<bool> {
        Read::of(self.busy)
    }

    pub fn draft(&self) -> Read<String> {
        Read::of(self.draft)
    }

    /// A history page is on its way.
    pub fn history_loading(&self) -> Read<bool> {
        Read::of(self.history_loading)
    }

    /// Whether older history can be loaded.
    pub fn has_older(&self) -> bool {
        self.history_cursor.with_untracked(Option::is_some)
    }

    /// Whether the visitor wrote anything in this page (tracked: call it in a memo or effect).
    pub fn visitor_spoke(&self) -> bool {
        self.entries().with(|e| e.iter().any(|x| x.from_visitor))
    }

    fn lang(&self) -> Lang {
        self.ui.lang().try_get_untracked().unwrap_or_default()
    }

    /// Keeps the composer draft across reloads.
    pub fn set_draft(&self, text: String) {
        if let Some(env) = self.env.get() {
            if text.is_empty() {
                env.store.remove(DRAFT_KEY);
            } else {
                env.store.set(DRAFT_KEY, &text);
            }
        }
        self.draft.set(text);
    }

    /// `Dialoge('setContext', obj)`: replaces the context sent with the next messages.
    pub fn set_context(&self, value: &wasm_bindgen::JsValue) {
        let parsed = js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| dialoge_api::json::parse(&s).ok());
        // Through `Value` (not straight into a `Map`): the text parser is then compiled once.
        match parsed {
            Some(dialoge_api::json::Value::Object(map)) => {
                // The rest copied without `page` rather than `page` removed: the map's removal
                // would be code used for this alone.
                let mut rest = dialoge_api::json::Map::new();
                for (key, value) in map.iter().filter(|(key, _)| *key != "page") {
                    rest.insert(key.clone(), value.clone());
                }
                let page = map.get("page").and_then(|p| p.as_str()).map(str::to_owned);
                self.context.set_value((page, rest));
            }
            _ => log("setContext expects a plain object"),
        }
    }

    /// The shop moved to another URL: a `page` given with `setContext` applied to the last one.
    pub(super) fn navigated(&self) {
        self.context.update_value(|c| c.0 = None);
    }

    /// The context sent with a message now: the page the visitor is on (or the `page` the site
    /// set since the last navigation) and the rest of `setContext`.
    pub(crate) fn context_now(&self) -> Option<Context> {
        page_context(&self.context.get_value())
    }

    /// The first open of this conversation: loads the history of a known visitor. `true` when
    /// this call began it and there is a visitor to resume.
    pub(super) fn begin(&self) -> bool {
        let Some(env) = self.env.get() else {
            return false;
        };
        if self
            .started
            .try_update_value(|s| std::mem::replace(s, true))
            != Some(false)
            || !env.backend.knows_visitor()
        {
            return false;
        }
        self.load_history(None, false);
        true
    }

    /// Loads the page before the oldest shown, if there is one (scrolled to the top).
    pub fn load_older(&self) {
        if let Some(cursor) = self.history_cursor.get_untracked() {
            self.load_history(Some(cursor), false);
        }
    }

    /// Loads a history page: the first one, the one before `cursor` (both put before
    /// everything shown), or — `newest` — what another tab added after what is shown.
    fn load_history(&self, cursor: Option<String>, newest: bool) {
        let Some(env) = self.env.get() else { return };
        if self.loading() {
            return;
        }
        if newest {
            self.refreshing.set_value(true);
        } else {
            self.history_loading.set(true);
        }
        drop(env);
        self.fetch_history(cursor, newest);
    }

    /// The history request of [`Conversation::load_history`] and what its page does.
    fn fetch_history(&self, cursor: Option<String>, newest: bool) {
        let Some(env) = self.env.get() else { return };
        let this = *self;
        let life = env.conversation_life();
        life.clone().spawn(async move {
            let signal = life.signal();
            // A page that failed for a passing reason is asked for again (it is only a read).
            let result =
                super::read_again(|| env.backend.history(cursor.as_deref(), signal.as_ref())).await;
            match result {
                Ok(page) if newest => {
                    if this.transcript.merge_newest(&page.into_chronological()) > 0 {
                        this.ui.note_unread();
                    }
                }
                Ok(page) => {
                    this.history_cursor.set(page.next_cursor.clone());
                    this.transcript.prepend(&page.into_chronological());
                }
                // A failed history load loses nothing: the visitor can still write (unless
                // the service refused the chat altogether). The next open tries again.
                Err(e) => {
                    log_failed("history", &e);
                    if e.is_forbidden() {
                        this.ui.set_unavailable();
                    } else if !newest && cursor.is_none() {
                        this.started.set_value(false);
                    }
                    tell_host_error(&e, Where::History, this.lang());
                }
            }
            this.history_loading.set(false);
            this.refreshing.set_value(false);
            this.refresh_if_stale();
        });
    }

    /// A history page (older or newest) is on its way.
    pub(crate) fn loading(&self) -> bool {
        self.history_loading.get_untracked() || self.refreshing.get_value()
    }

    /// Another tab of this visitor ended a turn: the newest history page has what it said,
    /// and what it was answered. Shown after what this tab shows, each message once; a tab
    /// that has not loaded its history yet gets it all with that first page.
    pub(super) fn refresh(&self) {
        // Only where history keeps the live answers' ids can pages be merged with what shows.
        if !self
            .env
            .get()
            .is_some_and(|env| env.backend.capabilities().stable_ids)
        {
            return;
        }
        if !self.started.get_value() && self.entries().with_untracked(Vec::is_empty) {
            // Never loaded (the panel was never opened) or started over since: the first page
            // brings it all — now if the panel is open, else when it opens.
            if self.ui.open().get_untracked() {
                self.begin();
            }
            return;
        }
        // What is shown is this conversation: from here on, newer pages add to it.
        self.started.set_value(true);
        // One request at a time, and never while this tab's own turn is arriving (its
        // messages are not named yet): after it.
        if self.busy.get_untracked() || self.loading() {
            self.stale.set_value(true);
            return;
        }
        self.load_history(None, true);
    }

    fn refresh_if_stale(&self) {
        if self.stale.try_update_value(std::mem::take) == Some(true) {
            self.refresh();
        }
    }

    /// Tells the visitor's other tabs that the server has a new turn.
    fn tell_tabs(&self) {
        if let Some(env) = self.env.get() {
            env.tell_tabs(&crate::transport::tabs::Note::Turn);
        }
    }

    /// Shows the visitor's message at once and puts its payload in the outbox. `None` when
    /// there is nothing to send.
    pub(super) fn push_visitor(&self, text: String, attachments: Vec<InputPart>) -> Option<Entry> {
        let text = text.trim().to_owned();
        if text.is_empty() && attachments.is_empty() {
            return None;
        }
        // Uploads show at once from their `data:` URL, as the server echoes them in history.
        let mut shown: Vec<Part> = attachments.iter().map(dialoge_api::rules::echo).collect();
        if !text.is_empty() {
            shown.push(Part::Text(TextPart {
                part_id: None,
                text: text.clone(),
            }));
        }
        let entry = self.transcript.push_user(&shown);
        self.outbox.update_value(|outbox| {
            outbox.push(Outgoing {
                entry: entry.key,
                text,
                attachments,
                idempotency_key: new_idempotency_key(),
                told: false,
            })
        });
        Some(entry)
    }

    /// The outbox item of an entry.
    pub(crate) fn outgoing(&self, entry: u64) -> Option<Outgoing> {
        self.outbox
            .try_with_value(|o| o.iter().find(|x| x.entry == entry).cloned())
            .flatten()
    }

    /// The host page's `message` event for the visitor's own message, once, as soon as the
    /// service has it: `role: "user"`, its parts (attachments by type, name and MIME, without
    /// their bytes) and the server's id when known.
    pub(crate) fn tell_host(&self, entry: u64, message_id: Option<&str>) {
        let Some(Some(out)) = self.outbox.try_update_value(|o| {
            o.iter_mut().find(|x| x.entry == entry && !x.told).map(|x| {
                x.told = true;
                x.clone()
            })
        }) else {
            return;
        };
        HostEvent::Message(&visitor_message(&out, message_id)).emit();
    }

    /// The service has the whole message: its payload leaves the outbox.
    pub(crate) fn delivered(&self, entry: &Entry, message_id: Option<String>) {
        self.outbox
            .try_update_value(|o| o.retain(|x| x.entry != entry.key));
        if let Some(id) = message_id {
            entry.set_message_id(id);
        }
        entry.set_state(EntryState::Sent);
    }

    /// The visitor's unconfirmed message with this text (a livechat echo that arrived before
    /// the send's own answer): it is the entry already shown, not a new one.
    pub(crate) fn claim(&self, message: &Message) -> bool {
        let text = crate::state::conversation::message_text(&message.parts);
        let keys: Vec<u64> = self
            .outbox
            .try_with_value(|o| {
                o.iter()
                    .filter(|x| x.text == text)
                    .map(|x| x.entry)
                    .collect()
            })
            .unwrap_or_default();
        let pending = keys
            .into_iter()
            .filter_map(|key| self.transcript.find(key))
            // Still on its way, or failed on the way back (the service has it after all).
            .find(|e| {
                matches!(
                    e.state().get_untracked(),
                    EntryState::Sending | EntryState::Failed
                )
            });
        match pending {
            Some(entry) => {
                self.tell_host(entry.key, Some(&message.message_id));
                self.delivered(&entry, Some(message.message_id.clone()));
                self.clear_error(Some(entry.key));
                true
            }
            None => false,
        }
    }

    /// Shows a finished message (livechat), once; `false` when it was already shown.
    pub(crate) fn push_message(&self, message: &Message) -> bool {
        self.transcript.push_message(message).is_some()
    }

    /// A failed visitor message, ready to be sent again; a partial answer after it goes (the
    /// replayed turn brings the whole one).
    pub(super) fn take_for_retry(&self, key: u64, to_livechat: bool) -> Option<Entry> {
        if self.busy.get_untracked() || self.outgoing(key).is_none() {
            return None;
        }
        let entry = self.transcript.find(key)?;
        if !to_livechat {
            let later: Vec<u64> = self.entries().with_untracked(|e| {
                e.iter()
                    .skip_while(|x| x.key != key)
                    .skip(1)
                    .filter(|x| !x.from_visitor)
                    .map(|x| x.key)
                    .collect()
            });
            for k in later {
                self.transcript.remove(k);
            }
        }
        Some(entry)
    }

    /// Holds a visitor message until the answer in flight is over.
    pub(super) fn hold(&self, entry: &Entry) {
        self.queue.update_value(|q| q.push(entry.key));
    }

    /// The next held message, once nothing is arriving any more.
    pub(super) fn next_held(&self) -> Option<Entry> {
        if self.busy.get_untracked() {
            return None;
        }
        let key = self
            .queue
            .try_update_value(|q| (!q.is_empty()).then(|| q.remove(0)))
            .flatten()?;
        self.transcript.find(key)
    }

    /// The stop button: aborts the answer in flight.
    pub fn stop(&self) {
        if let Some(Some(turn)) = self.turn.try_update_value(Option::take) {
            turn.end();
        }
    }

    /// Marks the composer busy (a livechat send) or free again.
    pub(crate) fn set_busy(&self, busy: bool) {
        self.busy.try_set(busy);
    }

    /// Runs one assistant turn for `entry` (already in the outbox). Runs inside the
    /// conversation's life; the stop button aborts only its request.
    pub(super) async fn turn(&self, entry: Entry) -> TurnOutcome {
        let Some(env) = self.env.get() else {
            return TurnOutcome::Over;
        };
        let Some(outgoing) = self.outgoing(entry.key) else {
            return TurnOutcome::Over;
        };
        let request = env.conversation_life().child();
        if let Some(Some(old)) = self.turn.try_update_value(|t| t.replace(request.clone())) {
            old.end();
        }
        let signal = request.signal();
        self.busy.set(true);
        self.status.set(Status::Connecting);
        entry.set_state(EntryState::Sending);
        // The first history page goes first, so this turn is never shown twice.
        while self.loading() && !request.is_over() {
            sleep(50).await;
        }
        let body = SendMessage {
            message: OutgoingMessage {
                parts: outgoing.parts(),
            },
            context: self.context_now(),
        };
        let mut waits = 0;
        let mut applier = TurnApplier::new(self.transcript);
        // The server's own `error` event, if it ended the turn with one.
        let mut failure = None;
        let end = loop {
            let this = *self;
            let mut on_event = |event: TurnEvent| match event {
                TurnEvent::Accepted => {
                    entry.set_state(EntryState::Sent);
                    this.tell_host(entry.key, None);
                }
                TurnEvent::Final(raw) => HostEvent::Message(&raw).emit(),
                TurnEvent::Stream(event) => {
                    if let Some(e) = this.apply_stream(&mut applier, event, &env.backend) {
                        failure = Some(e);
                    }
                }
            };
            let result = env
                .backend
                .send(
                    &body,
                    &outgoing.idempotency_key,
                    signal.as_ref(),
                    &mut on_event,
                )
                .await;
            match result {
                // 429: wait as long as the server asks (or back off), then try again with the
                // same key; the visitor sees the countdown, not an error.
                Err(BackendError::Http {
                    code: ErrorCode::RateLimited,
                    retry_after,
                    ..
                }) if waits < MAX_RATE_LIMIT_WAITS => {
                    waits += 1;
                    let seconds = retry_after.unwrap_or(2 << waits).clamp(1, 60);
                    self.status.set(Status::Waiting { seconds });
                    sleep_within(&request, seconds * 1000).await;
                    if request.is_over() {
                        break Err(BackendError::Aborted);
                    }
                    self.status.set(Status::Connecting);
                }
                other => break other,
            }
        };
        self.turn.try_update_value(|t| {
            if t.as_ref().is_some_and(|t| t.same(&request)) {
                *t = None;
            }
        });
        self.busy.set(false);
        // The server has this turn (answered, or dropped on the way back): the visitor's other
        // tabs show it too. A turn that never reached it stays here, with its retry.
        if end.is_ok() {
            self.tell_tabs();
        }
        // An answered turn: the newest page names the visitor's message (the stream names only
        // the answer), so it carries its `data-message-id` like any message from history.
        if matches!(end, Ok(TurnEnd::Terminal)) && failure.is_none() {
            self.stale.set_value(true);
        }
        self.refresh_if_stale();
        if let (Ok(TurnEnd::Terminal), Some(e)) = (&end, &failure) {
            return self.stream_error(&entry, e);
        }
        self.finish_turn(&entry, end, applier.entry())
    }

    /// Applies one stream event to the answer; the server's own `error` event is handed back
    /// (what it means is decided when the turn ends).
    fn apply_stream(
        &self,
        applier: &mut TurnApplier,
        event: dialoge_api::stream::StreamEvent,
        backend: &crate::backend::Backend,
    ) -> Option<StreamErrorEvent> {
        match applier.apply(event) {
            Ok(Applied::Error(e)) => Some(e),
            Ok(applied) => {
                self.on_applied(applied, backend);
                None
            }
            Err(why) => {
                log_failed("skipped a delta", &why);
                None
            }
        }
    }

    /// "Connecting" and "thinking" give way to nothing once the answer shows (or is over).
    fn settle_status(&self) {
        if matches!(
            self.status.get_untracked(),
            Status::Connecting | Status::Thinking
        ) {
            self.status.set(Status::Idle);
        }
    }

    fn on_applied(&self, applied: Applied, backend: &crate::backend::Backend) {
        match applied {
            Applied::Nothing => {}
            Applied::Processing => self.status.set(Status::Thinking),
            // The answer itself now shows progress.
            Applied::Content => self.settle_status(),
            Applied::Done(_, token) => {
                if let Some(token) = token {
                    backend.adopt(token);
                }
                self.status.set(Status::Idle);
                self.ui.note_unread();
                // The host page hears of it with the service's own JSON (`TurnEvent::Final`).
            }
            // Handled when the turn ends (`stream_error`).
            Applied::Error(_) => {}
        }
    }

    fn finish_turn(
        &self,
        user: &Entry,
        end: Result<TurnEnd, BackendError>,
        answer: Option<&Entry>,
    ) -> TurnOutcome {
        let t = self.lang().t();
        match end {
            Ok(TurnEnd::Terminal) => {
                self.delivered(user, None);
                // A service may answer with nothing to show (OpenDialog's `url_click`).
                self.settle_status();
                TurnOutcome::Over
            }
            Ok(TurnEnd::Dropped) => {
                if let Some(a) = answer {
                    a.set_state(EntryState::Incomplete);
                }
                user.set_state(EntryState::Failed);
                self.show_error(
                    "dropped",
                    t.error_dropped,
                    Some(user.key),
                    true,
                    Where::Send,
                );
                TurnOutcome::Over
            }
            // A person has taken over: this message belongs to them.
            Err(BackendError::Http {
                code: ErrorCode::Conflict,
                ..
            }) => {
                self.status.set(Status::Idle);
                TurnOutcome::TakenOver(user.clone())
            }
            Err(BackendError::Aborted) => {
                if let Some(a) = answer {
                    a.set_state(EntryState::Incomplete);
                }
                self.status.set(Status::Idle);
                TurnOutcome::Over
            }
            Err(e) => {
                user.set_state(EntryState::Failed);
                self.report(&e, Where::Send, Some(user.key));
                TurnOutcome::Over
            }
        }
    }

    /// The server ended the turn with an `error` event.
    fn stream_error(&self, user: &Entry, e: &StreamErrorEvent) -> TurnOutcome {
        if e.code == StreamErrorCode::LivechatActive {
            self.status.set(Status::Idle);
            return TurnOutcome::TakenOver(user.clone());
        }
        let retry = e.retryable.then_some(user.key);
        if retry.is_some() {
            user.set_state(EntryState::Failed);
        }
        let message = if e.message.is_empty() {
            self.lang().t().error_generic
        } else {
            e.message.as_str()
        };
        self.show_error(e.code.as_str(), message, retry, e.retryable, Where::Send);
        TurnOutcome::Over
    }

    /// A later success makes a shown error untrue: the status line clears (only the error
    /// about the visitor message `about`, when one is named).
    pub(crate) fn clear_error(&self, about: Option<u64>) {
        let stale = self.status.with_untracked(|s| match s {
            Status::Error { retry, .. } => about.is_none() || *retry == about,
            _ => false,
        });
        if stale {
            self.status.try_set(Status::Idle);
        }
    }

    /// Shows a failed request in the status line (with a retry when `retry` names a message
    /// and trying again can help) and tells the host page.
    pub(crate) fn report(&self, e: &BackendError, place: Where, retry: Option<u64>) {
        if e.is_forbidden() {
            // Not this visitor's or this site's chat: the composer gives way to a calm notice.
            self.ui.set_unavailable();
        }
        let (message, retryable) = describe(e, self.lang());
        self.show_error(
            &error_code(e),
            &message,
            retry.filter(|_| retryable),
            retryable,
            place,
        );
    }

    pub(crate) fn show_error(
        &self,
        code: &str,
        message: &str,
        retry: Option<u64>,
        retryable: bool,
        place: Where,
    ) {
        HostEvent::Error {
            code,
            message,
            retryable,
            place,
        }
        .emit();
        self.status.try_set(Status::Error {
            message: message.to_owned(),
            retry,
        });
    }

    /// The service's own opening of the conversation (OpenDialog's `chat_open`), once per
    /// conversation, after the first history page: answered like a turn, with no visitor
    /// message before it.
    #[cfg(feature = "opendialog")]
    pub(super) fn greet(&self) {
        let Some(env) = self.env.get() else { return };
        if self
            .greeted
            .try_update_value(|g| std::mem::replace(g, true))
            != Some(false)
        {
            return;
        }
        let this = *self;
        let life = env.conversation_life();
        life.clone().spawn(async move {
            while this.history_loading.get_untracked() {
                sleep(50).await;
            }
            let signal = life.signal();
            let mut applier = TurnApplier::new(this.transcript);
            let mut on_event = |event: TurnEvent| match event {
                TurnEvent::Accepted => {}
                TurnEvent::Final(raw) => HostEvent::Message(&raw).emit(),
                TurnEvent::Stream(event) => {
                    // A failed greeting is only logged: the visitor has asked nothing yet.
                    this.apply_stream(&mut applier, event, &env.backend);
                }
            };
            if let Err(e) = env.backend.greeting(signal.as_ref(), &mut on_event).await {
                log_failed("greeting", &e);
            }
            this.settle_status();
        });
    }

    /// The preview's scripted tail, after the sample history: a streamed answer, then a visitor
    /// message that failed to send (with its retry, answered locally). Played again from the
    /// start by `Dialoge('preview')`: what the last play showed is taken away first (a failed
    /// message the visitor has since retried stays, with its answer).
    #[cfg(feature = "preview")]
    pub(super) fn play_sample(&self) {
        let Some(env) = self.env.get() else { return };
        if env.backend.preview().is_none() {
            return;
        }
        let life = env.conversation_life().child();
        let old = self
            .sample
            .try_update_value(|(task, keys)| (task.replace(life.clone()), std::mem::take(keys)));
        if let Some((task, keys)) = old {
            if let Some(task) = task {
                task.end();
            }
            for key in keys {
                if self.transcript.find(key).is_some_and(|e| !e.from_visitor)
                    || self.outgoing(key).is_some()
                {
                    self.transcript.remove(key);
                    self.outbox.update_value(|o| o.retain(|x| x.entry != key));
                }
            }
        }
        self.status.set(Status::Idle);
        let this = *self;
        life.spawn(async move {
            while this.history_loading.get_untracked() {
                sleep(50).await;
            }
            let Some(preview) = env.backend.preview() else {
                return;
            };
            let mut applier = TurnApplier::new(this.transcript);
            {
                let mut on_event = |event: TurnEvent| {
                    if let TurnEvent::Stream(event) = event {
                        this.apply_stream(&mut applier, event, &env.backend);
                    }
                };
                let _ = preview
                    .stream(crate::backend::preview::SAMPLE_REPLY, &mut on_event)
                    .await;
            }
            let mut keys: Vec<u64> = applier.entry().map(|e| e.key).into_iter().collect();
            this.settle_status();
            let failed = crate::backend::preview::SAMPLE_FAILED.to_owned();
            if let Some(entry) = this.push_visitor(failed, Vec::new()) {
                entry.set_state(EntryState::Failed);
                keys.push(entry.key);
                let t = this.lang().t();
                this.show_error(
                    "network",
                    t.error_network,
                    Some(entry.key),
                    true,
                    Where::Send,
                );
            }
            this.sample.update_value(|(_, k)| *k = keys);
        });
    }

    /// A new conversation: nothing shown, nothing pending, nothing typed.
    pub(super) fn clear(&self) {
        self.turn.try_set_value(None);
        self.outbox.try_set_value(Vec::new());
        self.transcript.clear();
        self.history_cursor.set(None);
        self.history_loading.set(false);
        self.refreshing.set_value(false);
        self.busy.set(false);
        self.started.set_value(false);
        self.stale.set_value(false);
        self.queue.set_value(Vec::new());
        #[cfg(feature = "opendialog")]
        self.greeted.set_value(false);
        self.set_draft(String::new());
        self.status.set(Status::Idle);
    }
}

/// The visitor's message as the host page's `message` event sees it.
fn visitor_message(out: &Outgoing, message_id: Option<&str>) -> wasm_bindgen::JsValue {
    use wasm_bindgen::JsValue;
    let object = |pairs: &[(&str, JsValue)]| {
        let o = js_sys::Object::new();
        for (k, v) in pairs {
            let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
        }
        JsValue::from(o)
    };
    let parts = js_sys::Array::new();
    if !out.text.trim().is_empty() {
        parts.push(&object(&[
            ("type", "text".into()),
            ("text", out.text.as_str().into()),
        ]));
    }
    for a in &out.attachments {
        let (kind, mime, filename) = match a {
            InputPart::Image { mime, filename, .. } => ("image", mime, filename),
            InputPart::File { mime, filename, .. } => ("file", mime, filename),
            InputPart::Text { .. } => continue,
        };
        parts.push(&object(&[
            ("type", kind.into()),
            ("mime", mime.as_str().into()),
            ("filename", filename.as_str().into()),
        ]));
    }
    object(&[
        (
            "message_id",
            message_id.map_or(JsValue::NULL, JsValue::from),
        ),
        ("role", "user".into()),
        ("parts", parts.into()),
    ])
}

/// Tells the host page of a failure the visitor sees where it happened (a form, a livechat
/// call, a rating): the `error` event, in the same words as the status line would use. An
/// abort (reset, destroy) is no failure.
pub(crate) fn tell_host_error(e: &BackendError, place: Where, lang: Lang) {
    if matches!(e, BackendError::Aborted) {
        return;
    }
    let (message, retryable) = describe(e, lang);
    HostEvent::Error {
        code: &error_code(e),
        message: &message,
        retryable,
        place,
    }
    .emit();
}

/// The `code` of the host page's `error` event: the envelope's code, or what went wrong.
pub(crate) fn error_code(e: &BackendError) -> String {
    match e {
        BackendError::Http { code, .. } => code.as_str().to_owned(),
        BackendError::Network(_) => "network".to_owned(),
        BackendError::Aborted => "aborted".to_owned(),
        BackendError::Protocol(_) => "protocol".to_owned(),
        BackendError::Handshake(_) => "handshake".to_owned(),
        BackendError::Unsupported => "unsupported".to_owned(),
    }
}

/// Plain words for a failed request, and whether trying again can help.
fn describe(e: &BackendError, lang: Lang) -> (String, bool) {
    let t = lang.t();
    match e {
        BackendError::Network(_) => (t.error_network.to_owned(), true),
        BackendError::Handshake(_) => (t.error_auth.to_owned(), true),
        BackendError::Http { code, message, .. } => match code {
            ErrorCode::Forbidden => (t.error_unavailable.to_owned(), false),
            ErrorCode::NotFound => (t.error_generic.to_owned(), false),
            ErrorCode::Validation => (message.clone(), false),
            ErrorCode::RateLimited => (t.error_rate_limited.to_owned(), true),
            ErrorCode::Unauthorized => (t.error_auth.to_owned(), true),
            ErrorCode::Conflict | ErrorCode::Internal | ErrorCode::Other(_) => {
                (t.error_generic.to_owned(), true)
            }
        },
        _ => (t.error_generic.to_owned(), true),
    }
}

/// The page the visitor is on now (read at send time, so single-page apps that change the URL
/// with `pushState` are followed without any hook), plus what the site set with `setContext`.
fn page_context((page, extra): &(Option<String>, dialoge_api::json::Map)) -> Option<Context> {
    let page = page
        .clone()
        .or_else(|| crate::window().location().href().ok());
    Some(Context {
        page,
        extra: extra.clone(),
    })
}

/// A random UUID v4 from `crypto.getRandomValues` (works on plain-http pages too, where
/// `crypto.randomUUID` does not).
pub fn new_idempotency_key() -> String {
    let mut b = [0u8; 16];
    let filled = crate::window()
        .crypto()
        .is_ok_and(|c| c.get_random_values_with_u8_array(&mut b).is_ok());
    if !filled {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // 8-4-4-4-12 lowercase hex digits, written out (no `format!` machinery for hex).
    let mut key = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        for nibble in [x >> 4, x & 0x0f] {
            key.push(char::from(b"0123456789abcdef"[usize::from(nibble)]));
        }
    }
    key
}

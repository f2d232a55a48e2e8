//! OpenDialog's Chat API v3 (`../shared/api/OPENDIALOG.md`) as a [`Backend`](super::Backend),
//! in its own build (the `opendialog` feature), so the Dialoge build carries none of it.
//!
//! Every call carries the three headers, goes with the browser's cookies (the anonymous-auth
//! cookie) and echoes the CSRF cookie as its header; a 401 or 419 is tried once more after the
//! cookie is read again. Answers are not streamed: each bot message of an answer is revealed
//! after the configuration's `messageDelay` (the typing indicator shows meanwhile), as `part`
//! events of one turn, so the widget's own components draw them:
//! text → rich text (entities decoded, links and Markdown as safe spans), image → image, buttons
//! → quick replies (a reply's text is mapped back to its button here), link / phone buttons →
//! link spans, the transcript button → a quick reply that downloads it, card → a product card,
//! carousel → product cards, vertical list → its items, form and long text → the marker form UI.
//! Anything else is skipped and logged. What OpenDialog lacks (streaming, livechat, uploads)
//! is not in [`CAPABILITIES`], so the UI does not offer it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dialoge_api::actions::{Action, ActionRequest, ActionResponse};
use dialoge_api::config::Config;
use dialoge_api::error::ErrorCode;
use dialoge_api::history::HistoryPage;
use dialoge_api::json::FromJson;
use dialoge_api::message::{
    Block, FieldType, FormField, ImagePart, Message, Part, ProductCard, ProductsPart,
    QuickRepliesPart, RichTextPart, Role, ShowForm, Span,
};
use dialoge_api::opendialog::{
    rich_text, BotBody, BotMessage, Button, ButtonAction, Configuration, ElementType, Feedback,
    FeedbackRequest, FieldValue, FormData, History, LaravelError, LongTextData, MessageAnswer,
    MessageRequest, Sender, UserType, ViewType,
};
use dialoge_api::send::{texts, SendMessage};
use dialoge_api::stream::{DoneEvent, PartEvent, StatusEvent, StreamEvent, StreamStatus};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, RequestCredentials, Response};

use super::dialoge::token::{handshake, TokenSource};
use super::{Capabilities, Download, TurnEnd, TurnEvent};
use crate::boot::options::{BackendKind, Options};
use crate::life::sleep;
use crate::transport::http::{self, HttpRequest};
use crate::transport::storage::Store;
use crate::transport::ApiError;

/// Forms (and long texts), the transcript, and thumbs on answers; no streaming, no livechat, no
/// uploads, no conversation rating, nothing to delete.
pub const CAPABILITIES: Capabilities = Capabilities {
    streaming: false,
    markers: true,
    livechat: false,
    attachments: false,
    rating: false,
    export: true,
    delete: false,
    message_feedback: true,
    stable_ids: false,
};

/// The visitor's user id, per `data-storage` (the anonymous-auth cookie is bound to it).
const USER_KEY: &str = "od_user";
/// Separates the parts of an answer's id that carry its feedback target.
const ID_SEP: char = '#';

type Result<T> = std::result::Result<T, ApiError>;

/// A quick reply that stands for an OpenDialog button.
enum Choice {
    Callback {
        text: String,
        callback_id: String,
        value: Option<String>,
    },
    Download {
        text: String,
    },
}

/// The OpenDialog backend of one mount.
pub struct OpenDialog {
    base: String,
    scenario_id: String,
    key: RefCell<Option<String>>,
    key_source: Option<TokenSource>,
    csrf_cookie: String,
    csrf_header: String,
    user_id: String,
    /// The user id was kept from an earlier visit.
    returning: bool,
    config: RefCell<Option<Configuration>>,
    choices: RefCell<Vec<Choice>>,
    /// Forms and long texts shown, by `callback_id`, for their responses.
    forms: RefCell<Vec<FormData>>,
    long_texts: RefCell<Vec<LongTextData>>,
    /// The messages the last form or long text was answered with.
    replies: RefCell<Vec<Message>>,
    turns: Cell<u32>,
    /// "New conversation" asked for a restart (see `greeting`).
    restart: Cell<bool>,
    /// A restart happened in this page.
    restarted: Cell<bool>,
    /// The configuration is being fetched.
    config_pending: Cell<bool>,
}

impl OpenDialog {
    pub fn new(options: &Options, store: Rc<Store>) -> OpenDialog {
        let (scenario_id, app_key, csrf_cookie, csrf_header) = match &options.backend {
            BackendKind::OpenDialog {
                scenario_id,
                app_key,
                csrf_cookie,
                csrf_header,
            } => (
                scenario_id.clone(),
                app_key.clone(),
                csrf_cookie.clone(),
                csrf_header.clone(),
            ),
            BackendKind::Dialoge => Default::default(),
        };
        let key_source = TokenSource::from_options(options);
        let stored = store.get(USER_KEY);
        let returning = stored.is_some();
        let user_id = stored.unwrap_or_else(|| {
            // Random and unguessable (OPENDIALOG.md section 1): a UUID v4.
            let id = crate::services::conversation::new_idempotency_key();
            store.set(USER_KEY, &id);
            id
        });
        OpenDialog {
            base: options.api_base.clone(),
            scenario_id,
            key: RefCell::new(app_key),
            key_source,
            csrf_cookie,
            csrf_header,
            user_id,
            returning,
            config: RefCell::new(None),
            choices: RefCell::new(Vec::new()),
            forms: RefCell::new(Vec::new()),
            long_texts: RefCell::new(Vec::new()),
            replies: RefCell::new(Vec::new()),
            turns: Cell::new(0),
            restart: Cell::new(false),
            restarted: Cell::new(false),
            config_pending: Cell::new(false),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A visitor from an earlier visit whose history the configuration wants shown.
    pub fn knows_visitor(&self) -> bool {
        self.returning
            && !self.restarted.get()
            && self
                .config
                .borrow()
                .as_ref()
                .is_none_or(|c| c.webchat_history.show_history)
    }

    /// A new conversation: OpenDialog's restart — the same user (its cookie is bound to the
    /// id), and the next greeting is the configured restart trigger.
    pub fn forget(&self) {
        self.restart.set(true);
        // The screen was cleared on purpose: its history does not come back.
        self.restarted.set(true);
    }

    fn sender(&self) -> Sender {
        let navigator = crate::window().navigator();
        let timezone =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        let timezone = js_sys::Reflect::get(&timezone, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        Sender {
            user_id: self.user_id.clone(),
            scenario_id: self.scenario_id.clone(),
            browser_language: navigator.language().unwrap_or_default(),
            timezone,
        }
    }

    /// The appKey: the tag's, or the site's token endpoint answer.
    async fn app_key(&self, fresh: bool) -> Result<String> {
        if !fresh {
            if let Some(key) = self.key.borrow().clone() {
                return Ok(key);
            }
        }
        let source = self.key_source.as_ref().ok_or_else(|| {
            ApiError::Handshake("no appKey (data-app-key or data-token-url)".into())
        })?;
        let key = handshake(source, &self.scenario_id, None).await?;
        *self.key.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    /// One call with the three headers, the cookies and the CSRF echo; a 401 or 419 is tried
    /// once more (cookies read again, a site-given key fetched again). Non-2xx answers become
    /// [`ApiError::Http`]; a 422 also names what is missing in one console error.
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response> {
        let url = format!("{}{path}", self.base);
        let mut retried = false;
        loop {
            let key = self.app_key(retried && self.key_source.is_some()).await?;
            let csrf = read_cookie(&self.csrf_cookie);
            let mut headers: Vec<(&str, &str)> = vec![
                ("OPENDIALOG-USER-ID", &self.user_id),
                ("OPENDIALOG-SCENARIO-ID", &self.scenario_id),
                ("Accept", "application/json"),
            ];
            if let Some(token) = &csrf {
                headers.push((&self.csrf_header, token));
            }
            let mut req = HttpRequest::new(method, &url);
            req.bearer = Some(&key);
            req.json_body = body.clone();
            req.extra_headers = &headers;
            req.credentials = RequestCredentials::Include;
            req.signal = signal;
            let resp = http::fetch(req).await?;
            let status = resp.status();
            if resp.ok() {
                return Ok(resp);
            }
            if matches!(status, 401 | 419) && !retried {
                retried = true;
                continue;
            }
            let text = http::text(&resp).await.unwrap_or_default();
            let laravel = dialoge_api::json::parse(&text)
                .ok()
                .and_then(|v| LaravelError::read(&v).ok())
                .unwrap_or_default();
            if status == 422 {
                let fields: Vec<&str> = laravel.errors.keys().map(String::as_str).collect();
                web_sys::console::error_1(
                    &format!(
                        "[dialoge] OpenDialog refused {path}: {} ({})",
                        laravel.message,
                        fields.join(", ")
                    )
                    .into(),
                );
            }
            // The visitor sees calm words (a 422 is the embed's fault, told in the console).
            let code = match status {
                422 => ErrorCode::Other("opendialog_refused".to_owned()),
                other => ErrorCode::from_status(other),
            };
            return Err(ApiError::Http {
                status,
                code,
                message: laravel.message,
                params: Vec::new(),
                retry_after: None,
            });
        }
    }

    async fn text(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        signal: Option<&AbortSignal>,
    ) -> Result<String> {
        let resp = self.call(method, path, body, signal).await?;
        http::text(&resp).await
    }

    /// The configuration, kept for the lifecycle; the branding it carries as the widget's own
    /// config (cached verbatim by the branding service, so it is the mapped one).
    pub async fn config(&self, signal: Option<&AbortSignal>) -> Result<(Config, String)> {
        self.config_pending.set(true);
        let text = self
            .text("GET", "/chat-api/configuration", None, signal)
            .await;
        self.config_pending.set(false);
        let text = text?;
        let value = dialoge_api::json::parse(&text)
            .map_err(|e| ApiError::Protocol(format!("bad JSON: {e}")))?;
        let od = Configuration::read(&value)
            .map_err(|e| ApiError::Protocol(format!("bad configuration: {e}")))?;
        let branding = od.branding();
        *self.config.borrow_mut() = Some(od);
        let config = Config::from_json(&branding)
            .map_err(|e| ApiError::Protocol(format!("bad config: {e}")))?;
        Ok((config, dialoge_api::to_json(&branding)))
    }

    /// The configuration, fetched once: a caller that finds the first fetch under way waits
    /// for it. Two first calls at once would both be a new user's first call, and the second
    /// anonymous-auth cookie could arrive after a request that needed the first.
    async fn configuration(&self, signal: Option<&AbortSignal>) -> Result<()> {
        // At most ~10 s: a fetch whose task ended never clears the flag.
        let mut waits = 0;
        while self.config.borrow().is_none() && self.config_pending.get() && waits < 200 {
            sleep(50).await;
            waits += 1;
        }
        if self.config.borrow().is_none() {
            self.config(signal).await?;
        }
        Ok(())
    }

    /// `chat_open` with the open intent, unless the user is mid-conversation (`ongoing`) or the
    /// configuration names no open intent (OPENDIALOG.md section 5).
    pub async fn greeting(
        &self,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<()> {
        self.configuration(signal).await?;
        let restart = self.restart.replace(false);
        let (intent, restart_callback) = {
            let config = self.config.borrow();
            let Some(config) = config.as_ref() else {
                return Ok(());
            };
            let callback = config
                .general
                .restart_button_callback
                .clone()
                .filter(|_| config.general.show_restart_button);
            if config.user_type == Some(UserType::Ongoing) && !restart {
                return Ok(());
            }
            (config.chat_open_intent().map(str::to_owned), callback)
        };
        let id = crate::services::conversation::new_idempotency_key();
        let request = match (restart, restart_callback, intent) {
            // The restart button's own trigger.
            (true, Some(callback), _) => {
                MessageRequest::trigger(&self.sender(), &id, &callback, None)
            }
            (_, _, Some(intent)) => {
                let page = crate::window().location().href().unwrap_or_default();
                MessageRequest::chat_open(&self.sender(), &id, &intent, &page)
            }
            (_, _, None) => return Ok(()),
        };
        self.exchange(&request, signal, on_event).await.map(drop)
    }

    /// Sends the visitor's text: a quick reply that stands for a button goes as that button's
    /// `button_response`, the transcript button downloads the transcript, anything else is text.
    pub async fn send(
        &self,
        body: &SendMessage,
        key: &str,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd> {
        let text: String = texts(&body.message.parts).collect();
        let sender = self.sender();
        // `None`: the transcript button.
        let request = self
            .choices
            .borrow()
            .iter()
            .find(|c| match c {
                Choice::Callback { text: t, .. } | Choice::Download { text: t } => *t == text,
            })
            .map_or_else(
                || Some(MessageRequest::text(&sender, key, &text)),
                |choice| match choice {
                    Choice::Callback {
                        callback_id, value, ..
                    } => Some(MessageRequest::button_response(
                        &sender,
                        key,
                        callback_id,
                        &text,
                        value.as_deref(),
                    )),
                    Choice::Download { .. } => None,
                },
            );
        let Some(request) = request else {
            on_event(TurnEvent::Accepted);
            let file = self.export(signal).await?;
            crate::services::save(&file);
            return Ok(TurnEnd::Terminal);
        };
        self.exchange(&request, signal, on_event).await?;
        Ok(TurnEnd::Terminal)
    }

    /// Posts a message and reveals the answer as a turn.
    async fn exchange(
        &self,
        request: &MessageRequest,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<()> {
        let body = dialoge_api::to_json(request);
        let text = self
            .text("POST", "/chat-api/message", Some(body), signal)
            .await?;
        on_event(TurnEvent::Accepted);
        let answer = MessageAnswer::parse(&text)
            .map_err(|e| ApiError::Protocol(format!("bad answer: {e}")))?;
        for skipped in &answer.skipped {
            log(&format!(
                "skipped answer entry {}: {}",
                skipped.index, skipped.reason
            ));
        }
        let delay = self
            .config
            .borrow()
            .as_ref()
            .map_or(0, |c| c.general.message_delay);
        let turn = self.next_turn();
        let mut parts = Vec::new();
        let mut target = None;
        for (i, message) in answer.messages.iter().enumerate() {
            if !message.is_shown() {
                if matches!(message.body, BotBody::Unknown) {
                    log(&format!(
                        "skipped a message of unknown type '{}'",
                        message.kind
                    ));
                }
                continue;
            }
            // The typing indicator, then the message (OpenDialog's client-side reveal).
            on_event(TurnEvent::Stream(StreamEvent::Status(StatusEvent {
                status: StreamStatus::Processing,
                message: None,
            })));
            if delay > 0 {
                sleep(delay).await;
            }
            for part in self.parts_of(message, &format!("od{turn}_{i}")) {
                on_event(TurnEvent::Stream(StreamEvent::Part(PartEvent {
                    part: part.clone(),
                })));
                parts.push(part);
            }
            if let Some((template, request)) = message.feedback_target() {
                target = Some((template.to_owned(), request.unwrap_or_default().to_owned()));
            }
        }
        if parts.is_empty() {
            return Ok(());
        }
        let mut message_id = format!("od-{}-{turn}", self.user_id);
        if let Some((template, request)) = target {
            message_id = format!(
                "{message_id}{ID_SEP}{}{ID_SEP}{}",
                id_piece(&template),
                id_piece(&request)
            );
        }
        on_event(TurnEvent::Stream(StreamEvent::Done(DoneEvent {
            message: Message {
                message_id,
                role: Role::Assistant,
                agent: None,
                parts,
                created_at: String::new(),
                sequence_number: None,
            },
            visitor_token: None,
        })));
        // The host page hears of it as OpenDialog wrote it.
        on_event(TurnEvent::Final(
            js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL),
        ));
        Ok(())
    }

    fn next_turn(&self) -> u32 {
        let n = self.turns.get() + 1;
        self.turns.set(n);
        n
    }

    /// The widget's parts for one bot message; it remembers buttons, forms and long texts so
    /// the visitor's answers go back as what they answer.
    fn parts_of(&self, message: &BotMessage, id: &str) -> Vec<Part> {
        let mut parts = Vec::new();
        self.body_parts(&message.body, id, &mut parts);
        parts
    }

    fn body_parts(&self, body: &BotBody, id: &str, parts: &mut Vec<Part>) {
        match body {
            BotBody::Text(t) => push_text(parts, id, &t.text),
            BotBody::Image(image) => parts.push(Part::Image(ImagePart {
                part_id: Some(id.to_owned()),
                url: image.img_src.clone(),
                attachment_id: None,
                mime_type: None,
                size_bytes: None,
                url_expires_at: None,
                thumbnail_url: None,
                caption: None,
            })),
            BotBody::Button(b) => {
                push_text(parts, id, &b.text);
                self.buttons(&b.buttons, id, parts);
            }
            BotBody::Rich(card) => {
                // Its text is in the card's description (as in a carousel), not said twice.
                parts.push(Part::Products(ProductsPart {
                    part_id: format!("{id}_card"),
                    products: vec![card_of(card)],
                }));
                self.buttons(&card.buttons, id, parts);
            }
            BotBody::List(list) => {
                if let Some(title) = &list.title {
                    push_text(parts, &format!("{id}_title"), title);
                }
                if list.view_type == ViewType::Horizontal {
                    // A carousel: its cards side by side; other items below.
                    let cards: Vec<ProductCard> = list
                        .items
                        .iter()
                        .filter_map(|item| match &item.body {
                            BotBody::Rich(card) => Some(card_of(card)),
                            _ => None,
                        })
                        .collect();
                    if !cards.is_empty() {
                        parts.push(Part::Products(ProductsPart {
                            part_id: format!("{id}_cards"),
                            products: cards,
                        }));
                    }
                    for (j, item) in list.items.iter().enumerate() {
                        if !matches!(item.body, BotBody::Rich(_)) {
                            self.body_parts(&item.body, &format!("{id}_{j}"), parts);
                        }
                    }
                } else {
                    for (j, item) in list.items.iter().enumerate() {
                        self.body_parts(&item.body, &format!("{id}_{j}"), parts);
                    }
                }
            }
            BotBody::Form(form) => {
                parts.push(Part::ShowForm(form_of(form, id)));
                self.forms.borrow_mut().push(form.clone());
            }
            BotBody::LongText(long) => {
                parts.push(Part::ShowForm(long_text_form(long, id)));
                self.long_texts.borrow_mut().push(long.clone());
            }
            BotBody::HandToSystem(_)
            | BotBody::Meta(_)
            | BotBody::Cta(_)
            | BotBody::Empty
            | BotBody::Unknown => {}
        }
    }

    /// Callback buttons become quick replies; links and phone numbers link spans; the
    /// transcript button a quick reply that downloads it.
    fn buttons(&self, buttons: &[Button], id: &str, parts: &mut Vec<Part>) {
        let mut replies = Vec::new();
        let mut links = Vec::new();
        for button in buttons {
            match &button.action {
                ButtonAction::Callback { callback_id, value } => {
                    replies.push(button.text.clone());
                    self.choices.borrow_mut().push(Choice::Callback {
                        text: button.text.clone(),
                        callback_id: callback_id.clone(),
                        value: value.clone(),
                    });
                }
                ButtonAction::Download => {
                    replies.push(button.text.clone());
                    self.choices.borrow_mut().push(Choice::Download {
                        text: button.text.clone(),
                    });
                }
                // As link spans of rich text, so they pass the same link policy as every
                // text. Built as spans, never as Markdown: a `)` or a space in a URL must not
                // end it early and let the rest read as a second link.
                ButtonAction::Link { link, .. } => links.push((button.text.clone(), link.clone())),
                ButtonAction::Phone { phone_number } => {
                    let number: String = phone_number
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    links.push((button.text.clone(), format!("tel:{number}")));
                }
                ButtonAction::TabSwitch { .. } | ButtonAction::Unknown => {}
            }
        }
        if !links.is_empty() {
            parts.push(Part::RichText(RichTextPart {
                part_id: format!("{id}_links"),
                blocks: links
                    .into_iter()
                    .map(|(text, url)| Block::Paragraph {
                        spans: vec![Span::Link {
                            text: dialoge_api::opendialog::decode_entities(&text),
                            url,
                        }],
                    })
                    .collect(),
            }));
        }
        if !replies.is_empty() {
            parts.push(Part::QuickReplies(QuickRepliesPart {
                part_id: format!("{id}_buttons"),
                replies,
            }));
        }
    }

    /// History rows as messages, newest first (one page: OpenDialog has no cursor).
    pub async fn history(
        &self,
        cursor: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<HistoryPage> {
        if cursor.is_some() {
            return Ok(HistoryPage {
                messages: Vec::new(),
                next_cursor: None,
            });
        }
        self.configuration(signal).await?;
        let limit = self
            .config
            .borrow()
            .as_ref()
            .map_or(20, |c| c.webchat_history.number_of_messages.max(1));
        let path = format!("/chat-api/history?limit={limit}&ignore=chat_open,trigger,cta");
        let text = self.text("GET", &path, None, signal).await?;
        let history =
            History::parse(&text).map_err(|e| ApiError::Protocol(format!("bad history: {e}")))?;
        let mut messages = Vec::new();
        for row in &history.rows {
            let id = format!("odh-{}", row.id);
            let data = row.data.as_object().cloned().unwrap_or_default();
            let bot = row.author == dialoge_api::opendialog::BOT_AUTHOR;
            let parts = if bot {
                match BotBody::read(&row.kind, &data) {
                    // Forms and buttons of history are past: shown as their text only.
                    Ok(BotBody::Form(_) | BotBody::LongText(_)) | Err(_) => Vec::new(),
                    Ok(body) => {
                        let mut parts = Vec::new();
                        self.body_parts(&body, &id, &mut parts);
                        parts.retain(|p| !matches!(p, Part::QuickReplies(_)));
                        parts
                    }
                }
            } else {
                data.get("text")
                    .and_then(|t| t.as_str())
                    .map(|t| {
                        vec![Part::Text(dialoge_api::message::TextPart {
                            part_id: None,
                            text: t.to_owned(),
                        })]
                    })
                    .unwrap_or_default()
            };
            if parts.is_empty() {
                continue;
            }
            messages.push(Message {
                message_id: id,
                role: if bot { Role::Assistant } else { Role::User },
                agent: None,
                parts,
                created_at: row.created_at.clone().unwrap_or_default(),
                sequence_number: None,
            });
        }
        Ok(HistoryPage {
            messages,
            next_cursor: None,
        })
    }

    /// A form or long text answered: `form_response` / `longtext_response`; the messages it is
    /// answered with wait in [`OpenDialog::take_replies`].
    pub async fn action(
        &self,
        request: &ActionRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<ActionResponse> {
        let Action::FormSubmission(submission) = &request.action else {
            return Err(ApiError::Unsupported);
        };
        let id = crate::services::conversation::new_idempotency_key();
        let sender = self.sender();
        let long = self
            .long_texts
            .borrow()
            .iter()
            .find(|l| l.callback_id == submission.form_id)
            .cloned();
        let message = match long {
            Some(long) => {
                let text = submission
                    .values
                    .get(LONG_TEXT_KEY)
                    .cloned()
                    .unwrap_or_default();
                MessageRequest::longtext_response(&sender, &id, &long.callback_id, &text)
            }
            None => {
                let form = self
                    .forms
                    .borrow()
                    .iter()
                    .find(|f| f.callback_id == submission.form_id)
                    .cloned()
                    .ok_or(ApiError::Unsupported)?;
                let values: Vec<(String, FieldValue)> = form
                    .elements
                    .iter()
                    .filter_map(|e| {
                        let shown = submission.values.get(&e.name)?;
                        // Choices are shown by label and answered by key.
                        let value = match e.options.iter().find(|o| &o.label == shown) {
                            Some(option) => option.key.clone(),
                            None => shown.clone(),
                        };
                        let value = if e.element_type == ElementType::Checkbox {
                            FieldValue::Many(vec![value])
                        } else {
                            FieldValue::One(value)
                        };
                        Some((e.name.clone(), value))
                    })
                    .collect();
                MessageRequest::form_response(&sender, &id, &form, &values)
            }
        };
        let mut parts_seen = Vec::new();
        let mut on_event = |event: TurnEvent| {
            if let TurnEvent::Stream(StreamEvent::Done(done)) = event {
                parts_seen.push(done.message);
            }
        };
        self.exchange(&message, signal, &mut on_event).await?;
        self.replies.borrow_mut().extend(parts_seen);
        Ok(ActionResponse {
            submission_id: id,
            confirmation_text: None,
            livechat_session: None,
        })
    }

    pub fn take_replies(&self) -> Vec<Message> {
        std::mem::take(&mut *self.replies.borrow_mut())
    }

    /// The transcript as OpenDialog writes it.
    pub async fn export(&self, signal: Option<&AbortSignal>) -> Result<Download> {
        let resp = self
            .call("GET", "/chat-api/transcript", None, signal)
            .await?;
        let filename = resp
            .headers()
            .get("Content-Disposition")
            .ok()
            .flatten()
            .and_then(|d| {
                d.split("filename=")
                    .nth(1)
                    .map(|f| f.trim_matches('"').to_owned())
            })
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| "Chat Transcript.txt".to_owned());
        Ok(Download {
            filename,
            mime: "text/plain",
            body: http::text(&resp).await?,
        })
    }

    /// The header menu as the configuration switches it (restart, transcript, end chat).
    pub fn menu(&self) -> super::Menu {
        let config = self.config.borrow();
        let general = config.as_ref().map(|c| &c.general);
        super::Menu {
            new_conversation: general.is_none_or(|g| g.show_restart_button),
            download: general.is_none_or(|g| g.show_download_button),
            end_chat: general.is_some_and(|g| g.show_end_chat_button),
        }
    }

    /// `url_click`: OpenDialog hears which link was followed (answered with an empty body).
    pub async fn link_followed(&self, url: &str, signal: Option<&AbortSignal>) -> Result<()> {
        let id = crate::services::conversation::new_idempotency_key();
        let request = MessageRequest::url_click(&self.sender(), &id, url);
        let body = dialoge_api::to_json(&request);
        self.call("POST", "/chat-api/message", Some(body), signal)
            .await
            .map(drop)
    }

    pub fn rates_answer(&self, message_id: &str) -> bool {
        message_id.contains(ID_SEP)
    }

    /// Thumbs on an answer: the feedback target travels in the answer's id.
    pub async fn answer_feedback(
        &self,
        message_id: &str,
        positive: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<()> {
        let mut pieces = message_id.split(ID_SEP).skip(1).map(from_id_piece);
        let template = pieces.next().ok_or(ApiError::Unsupported)?;
        let request = pieces.next().filter(|r| !r.is_empty());
        let (template, request) = (template.as_str(), request.as_deref());
        let feedback = if positive {
            Feedback::Positive
        } else {
            Feedback::Negative
        };
        let body = dialoge_api::to_json(&FeedbackRequest::new(template, feedback, request));
        self.call("POST", "/chat-api/feedback", Some(body), signal)
            .await
            .map(drop)
    }
}

/// The key a long text's answer is under in the widget's form.
const LONG_TEXT_KEY: &str = "text";

fn log(msg: &str) {
    web_sys::console::warn_1(&format!("[dialoge] {msg}").into());
}

fn push_text(parts: &mut Vec<Part>, id: &str, text: &str) {
    if !text.trim().is_empty() {
        parts.push(Part::RichText(rich_text(id, text)));
    }
}

/// A feedback target inside an answer's id: its own `#` (and `%`) escaped, so a template id
/// with a `#` in it is not cut at it.
fn id_piece(text: &str) -> String {
    text.replace('%', "%25").replace(ID_SEP, "%23")
}

fn from_id_piece(piece: &str) -> String {
    piece.replace("%23", "#").replace("%25", "%")
}

fn card_of(card: &dialoge_api::opendialog::RichData) -> ProductCard {
    let description = [card.subtitle.as_deref(), card.text.as_deref()]
        .into_iter()
        .flatten()
        .map(dialoge_api::opendialog::decode_entities)
        .collect::<Vec<_>>()
        .join(" — ");
    ProductCard {
        id: String::new(),
        title: card
            .title
            .as_deref()
            .map(dialoge_api::opendialog::decode_entities)
            .unwrap_or_default(),
        description: Some(description).filter(|d| !d.is_empty()),
        image_url: card
            .image
            .as_ref()
            .map(|i| i.src.clone())
            .unwrap_or_default(),
        price: None,
        original_price: None,
        splash: None,
        url: card
            .image
            .as_ref()
            .and_then(|i| i.url.clone())
            .unwrap_or_default(),
        add_to_cart: None,
    }
}

fn form_of(form: &FormData, id: &str) -> ShowForm {
    let fields = form
        .elements
        .iter()
        .map(|e| FormField {
            key: e.name.clone(),
            label: dialoge_api::opendialog::decode_entities(&e.display),
            placeholder: None,
            field_type: match e.element_type {
                ElementType::Textarea => FieldType::Textarea,
                ElementType::Email => FieldType::Email,
                ElementType::Select
                | ElementType::Radio
                | ElementType::Checkbox
                | ElementType::AutoSelect => FieldType::Dropdown,
                ElementType::Text | ElementType::Number | ElementType::Other(_) => FieldType::Text,
            },
            required: e.required,
            options: e.options.iter().map(|o| o.label.clone()).collect(),
            visible_when: Vec::new(),
        })
        .collect();
    ShowForm {
        part_id: format!("{id}_form"),
        form_id: form.callback_id.clone(),
        // The form's own words are its title (the submit button keeps the widget's label).
        name: form
            .text
            .as_deref()
            .map(dialoge_api::opendialog::decode_entities)
            .unwrap_or_default(),
        confirmation_text: None,
        fields,
        min_filled_fields: None,
        submitted: None,
    }
}

fn long_text_form(long: &LongTextData, id: &str) -> ShowForm {
    ShowForm {
        part_id: format!("{id}_long"),
        form_id: long.callback_id.clone(),
        name: long
            .text
            .as_deref()
            .map(dialoge_api::opendialog::decode_entities)
            .unwrap_or_default(),
        confirmation_text: long.confirmation_text.clone(),
        fields: vec![FormField {
            key: LONG_TEXT_KEY.to_owned(),
            label: long
                .placeholder
                .clone()
                .unwrap_or_else(|| "Text".to_owned()),
            placeholder: long.initial_text.clone(),
            field_type: FieldType::Textarea,
            required: true,
            options: Vec::new(),
            visible_when: Vec::new(),
        }],
        min_filled_fields: None,
        submitted: None,
    }
}

/// A previewed OpenDialog `configuration` (the branding studio) as the widget's config: the
/// same mapping as a fetched one.
pub fn preview_config(text: &str) -> std::result::Result<Config, String> {
    let value = dialoge_api::json::parse(text).map_err(|e| format!("bad JSON: {e}"))?;
    let od = Configuration::read(&value).map_err(|e| format!("bad configuration: {e}"))?;
    Config::from_json(&od.branding()).map_err(|e| format!("bad config: {e}"))
}

/// A cookie of the page (`document.cookie`), decoded: Laravel's CSRF cookie is URL-encoded.
fn read_cookie(name: &str) -> Option<String> {
    let document = crate::window().document()?;
    let html: web_sys::HtmlDocument = document.dyn_into().ok()?;
    let cookies = html.cookie().ok()?;
    cookies.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| {
            js_sys::decode_uri_component(value)
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_else(|| value.to_owned())
        })
    })
}

//! Foundation layer: OpenDialog Chat API v3 bodies as Rust types (OPENDIALOG.md sections 2–3):
//! the incoming `POST /chat-api/message` body, bot messages and the answer that carries them,
//! the configuration, history rows and the feedback request.
//!
//! Parsing is tolerant where OPENDIALOG.md says the real server may vary: unknown keys are
//! ignored, an unknown bot message type is kept as [`BotBody::Other`] (a client skips it), a
//! `false` entry is [`BotEntry::Skip`], and the alternative spellings (`fp-rich`, `fp-form`,
//! `longtext`) are accepted and sent back as spelled. Nothing here reads state or builds HTTP
//! responses; the Laravel error bodies live in [`super::laravel`].

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// `OPENDIALOG-USER-ID` (header names are compared lowercase).
pub const USER_ID_HEADER: &str = "opendialog-user-id";
/// `OPENDIALOG-SCENARIO-ID`.
pub const SCENARIO_ID_HEADER: &str = "opendialog-scenario-id";
/// The anonymous-authentication cookie (OPENDIALOG.md section 4).
pub const ANONYMOUS_COOKIE: &str = "opendialog_anonymous_authentication_token";
/// Laravel's CSRF cookie, the likely default [I].
pub const DEFAULT_CSRF_COOKIE: &str = "XSRF-TOKEN";
/// Laravel's CSRF header, the likely default [I].
pub const DEFAULT_CSRF_HEADER: &str = "X-XSRF-TOKEN";
/// The `author` of every bot message and bot history row.
pub const BOT_AUTHOR: &str = "them";

// ---------------------------------------------------------------------------------------------
// Incoming

/// `POST /chat-api/message` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingMessage {
    /// Always `"message"` from the official widget; not checked.
    pub notification: String,
    /// Must equal the `OPENDIALOG-USER-ID` header.
    pub user_id: String,
    /// The user id again.
    pub author: String,
    /// The client's id of this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// What the visitor did.
    pub content: IncomingContent,
}

/// The `content` of an incoming message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingContent {
    /// `chat_open`, `trigger`, `text`, `button_response`, `form_response`, `url_click`,
    /// `longtext_response`, or something newer (kept, answered with nothing).
    #[serde(rename = "type")]
    pub kind: String,
    /// The client's id of the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Beside `data`, not inside it [C-1.x].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Type-specific: `{text}`, `{text, value}`, form values, `{url}`, `{value}`.
    #[serde(default)]
    pub data: Map<String, Value>,
    /// Browser language, timezone and the selected scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<ChatUser>,
}

/// The kinds of incoming content the sandbox tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// The chat was opened (`callback_id` = the open intent).
    ChatOpen,
    /// A programmatic trigger (`callback_id` required).
    Trigger,
    /// Typed text.
    Text,
    /// A clicked button.
    ButtonResponse,
    /// A submitted (or cancelled) form.
    FormResponse,
    /// A followed link: answered with an empty body.
    UrlClick,
    /// A submitted long-text take-over.
    LongtextResponse,
    /// Anything else: stored, answered with no messages.
    Other,
}

impl IncomingContent {
    /// Which kind of content this is.
    pub fn content_kind(&self) -> ContentKind {
        match self.kind.as_str() {
            "chat_open" => ContentKind::ChatOpen,
            "trigger" => ContentKind::Trigger,
            "text" => ContentKind::Text,
            "button_response" => ContentKind::ButtonResponse,
            "form_response" => ContentKind::FormResponse,
            "url_click" => ContentKind::UrlClick,
            "longtext_response" => ContentKind::LongtextResponse,
            _ => ContentKind::Other,
        }
    }

    /// `data.text`, if it is a string.
    pub fn text(&self) -> Option<&str> {
        self.data.get("text").and_then(Value::as_str)
    }
}

/// `content.user`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// e.g. `da-DK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_language: Option<String>,
    /// An IANA zone; the transcript is written in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `selected_scenario` and whatever else the page adds.
    #[serde(default)]
    pub custom: Map<String, Value>,
}

// ---------------------------------------------------------------------------------------------
// Bot messages

/// One entry of a message answer: a bot message, or `false` (to be skipped).
#[derive(Debug, Clone, PartialEq)]
pub enum BotEntry {
    /// A message.
    Message(Box<BotMessage>),
    /// `false` on the wire (an `empty` message).
    Skip,
}

impl Serialize for BotEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Message(message) => message.serialize(serializer),
            Self::Skip => serializer.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for BotEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if value == Value::Bool(false) {
            return Ok(Self::Skip);
        }
        serde_json::from_value(value)
            .map(|message| Self::Message(Box::new(message)))
            .map_err(D::Error::custom)
    }
}

/// The answer to `POST /chat-api/message`: a single object when there is exactly one message,
/// else an array [C-1.x].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageAnswer {
    /// Several entries (or none).
    Many(Vec<BotEntry>),
    /// Exactly one message.
    One(Box<BotMessage>),
}

impl MessageAnswer {
    /// The wire form of these entries: one message alone becomes a single object.
    pub fn from_entries(mut entries: Vec<BotEntry>) -> Self {
        if entries.len() == 1 {
            if let Some(BotEntry::Message(message)) = entries.pop() {
                return Self::One(message);
            }
            entries.push(BotEntry::Skip);
        }
        Self::Many(entries)
    }

    /// The entries, whichever shape they came in.
    pub fn into_entries(self) -> Vec<BotEntry> {
        match self {
            Self::Many(entries) => entries,
            Self::One(message) => vec![BotEntry::Message(message)],
        }
    }
}

/// A bot message: `{"author": "them", "type", "intent"?, "data"}`. Its `type` and `data` are
/// checked together (a `button` must have button data) when it is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawBotMessage", into = "RawBotMessage")]
pub struct BotMessage {
    /// `"them"`.
    pub author: String,
    kind: String,
    /// The intent that produced it.
    pub intent: Option<String>,
    /// Feedback may be given on messages that carry one (ours: top level, beside `intent`).
    pub message_template_id: Option<String>,
    /// Goes with `message_template_id` into a feedback request.
    pub request_id: Option<String>,
    body: BotBody,
}

#[derive(Serialize, Deserialize)]
struct RawBotMessage {
    #[serde(default = "bot_author")]
    author: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_template_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(default)]
    data: Value,
}

fn bot_author() -> String {
    BOT_AUTHOR.to_owned()
}

impl TryFrom<RawBotMessage> for BotMessage {
    type Error = String;

    fn try_from(raw: RawBotMessage) -> Result<Self, Self::Error> {
        let body = BotBody::parse(&raw.kind, raw.data)
            .map_err(|error| format!("a {:?} message: {error}", raw.kind))?;
        Ok(Self {
            author: raw.author,
            kind: raw.kind,
            intent: raw.intent,
            message_template_id: raw.message_template_id,
            request_id: raw.request_id,
            body,
        })
    }
}

impl From<BotMessage> for RawBotMessage {
    fn from(message: BotMessage) -> Self {
        Self {
            data: message.body.to_data(),
            author: message.author,
            kind: message.kind,
            intent: message.intent,
            message_template_id: message.message_template_id,
            request_id: message.request_id,
        }
    }
}

impl BotMessage {
    /// A bot message of type `kind` with `data`, checked like a received one.
    pub fn new(kind: &str, data: Value) -> Result<Self, String> {
        Self::try_from(RawBotMessage {
            author: bot_author(),
            kind: kind.to_owned(),
            intent: None,
            message_template_id: None,
            request_id: None,
            data,
        })
    }

    /// The `type` as it is spelled on the wire.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The typed `data`.
    pub fn body(&self) -> &BotBody {
        &self.body
    }

    /// The `data` as JSON (history rows keep it so).
    pub fn data(&self) -> Value {
        self.body.to_data()
    }

    /// Sets `data.date` and `data.time` (every bot message carries them [C-1.x]).
    pub fn stamp(&mut self, date: &str, time: &str) {
        if let Some(common) = self.body.common_mut() {
            common.date = Some(date.to_owned());
            common.time = Some(time.to_owned());
        }
    }
}

/// A bot message's `data`, by type (OPENDIALOG.md section 3).
#[derive(Debug, Clone, PartialEq)]
pub enum BotBody {
    /// `text`.
    Text(TextData),
    /// `image`.
    Image(ImageData),
    /// `button`: text with buttons.
    Button(ButtonData),
    /// `rich` / `fp-rich`: a card.
    Rich(RichData),
    /// `list`: a carousel (`horizontal`) or a vertical list.
    List(ListData),
    /// `form` / `fp-form`.
    Form(FormData),
    /// `long_text` / `longtext`: a text take-over.
    LongText(LongTextData),
    /// `meta`: never shown.
    Meta(MetaData),
    /// `cta`: the launcher's call to action.
    Cta(TextData),
    /// `hand-to-system`: the chat mode changes (a handover).
    HandToSystem(Map<String, Value>),
    /// `date-picker`, `autocomplete`, `audio`, `esign`, … and anything newer: kept as sent.
    Other(Value),
}

impl BotBody {
    fn parse(kind: &str, data: Value) -> Result<Self, serde_json::Error> {
        use serde_json::from_value as from;
        Ok(match kind {
            "text" => Self::Text(from(data)?),
            "image" => Self::Image(from(data)?),
            "button" => Self::Button(from(data)?),
            "rich" | "fp-rich" => Self::Rich(from(data)?),
            "list" => Self::List(from(data)?),
            "form" | "fp-form" => Self::Form(from(data)?),
            "long_text" | "longtext" => Self::LongText(from(data)?),
            "meta" => Self::Meta(from(data)?),
            "cta" => Self::Cta(from(data)?),
            "hand-to-system" => Self::HandToSystem(from(data)?),
            _ => Self::Other(data),
        })
    }

    fn to_data(&self) -> Value {
        let value = match self {
            Self::Text(data) | Self::Cta(data) => serde_json::to_value(data),
            Self::Image(data) => serde_json::to_value(data),
            Self::Button(data) => serde_json::to_value(data),
            Self::Rich(data) => serde_json::to_value(data),
            Self::List(data) => serde_json::to_value(data),
            Self::Form(data) => serde_json::to_value(data),
            Self::LongText(data) => serde_json::to_value(data),
            Self::Meta(data) => serde_json::to_value(data),
            Self::HandToSystem(data) => Ok(Value::Object(data.clone())),
            Self::Other(data) => Ok(data.clone()),
        };
        // Plain structs of strings, numbers and maps always serialize.
        value.unwrap_or(Value::Null)
    }

    fn common_mut(&mut self) -> Option<&mut Common> {
        match self {
            Self::Text(data) | Self::Cta(data) => Some(&mut data.common),
            Self::Image(data) => Some(&mut data.common),
            Self::Button(data) => Some(&mut data.common),
            Self::Rich(data) => Some(&mut data.common),
            Self::List(data) => Some(&mut data.common),
            Self::Form(data) => Some(&mut data.common),
            Self::LongText(data) => Some(&mut data.common),
            Self::Meta(_) | Self::HandToSystem(_) | Self::Other(_) => None,
        }
    }
}

/// Fields any shown message may carry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Common {
    /// Disable the text input while this is the latest message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_text: Option<bool>,
    /// Not shown to the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    /// Hide the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidetime: Option<bool>,
    /// Hide the avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hideavatar: Option<bool>,
    /// When it was sent (ours: `HH:MM`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// When it was sent (ours: `YYYY-MM-DD`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// `text` (and `cta`) data. `text` arrives HTML-escaped and may hold links and Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextData {
    /// HTML-escaped text.
    pub text: String,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `image` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageData {
    /// The picture.
    pub img_src: String,
    /// Where a click leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub img_link: Option<String>,
    /// Open `img_link` in a new tab.
    #[serde(default)]
    pub link_new_tab: bool,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `button` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ButtonData {
    /// The text above the buttons.
    #[serde(default)]
    pub text: String,
    /// The buttons.
    #[serde(default)]
    pub buttons: Vec<Button>,
    /// Render the buttons outside the bubble.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// Remove the buttons once one was used.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clear_after_interaction: bool,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// One button: a label and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button {
    /// The label.
    pub text: String,
    /// Shown or not (its exact type is not documented, so it is kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<Value>,
    /// A styling hint.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// What a click does.
    #[serde(flatten)]
    pub action: ButtonAction,
}

/// What a button does; told apart by which key it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ButtonAction {
    /// Sends a `button_response` with this `callback_id` and `value`.
    Callback {
        /// The intent to trigger.
        callback_id: String,
        /// Sent as `data.value`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Opens a link (and sends a `url_click`).
    Link {
        /// The URL.
        link: String,
        /// In a new tab.
        #[serde(default)]
        link_new_tab: bool,
    },
    /// Calls a number.
    Phone {
        /// `tel:` target.
        phone_number: String,
    },
    /// Downloads the transcript.
    Download {
        /// `true`.
        download: bool,
    },
    /// Switches a tab of the host page.
    TabSwitch {
        /// Which tab.
        tab_switch: Value,
    },
}

/// `rich` / `fp-rich` data: a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RichData {
    /// Card title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Card subtitle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Card text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Card picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<RichImage>,
    /// Card buttons.
    #[serde(default)]
    pub buttons: Vec<Button>,
    /// Sent when a card without buttons is clicked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_value: Option<String>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// A card's picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RichImage {
    /// The picture.
    pub src: String,
    /// Where a click leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// In a new tab.
    #[serde(default)]
    pub link_new_tab: bool,
}

/// `list` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListData {
    /// Above the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `horizontal` (a carousel), `vertical` or `list`.
    #[serde(default = "vertical")]
    pub view_type: String,
    /// Each a message's data plus `message_type`.
    #[serde(default)]
    pub items: Vec<ListItem>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

fn vertical() -> String {
    "vertical".to_owned()
}

/// A list item: the type of message it stands for and that message's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    /// `rich`, `button`, `text`, `image`, …
    pub message_type: String,
    /// That type's data.
    #[serde(flatten)]
    pub data: Map<String, Value>,
}

/// `form` / `fp-form` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormData {
    /// Above the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sent with the `form_response`.
    pub callback_id: String,
    /// The fields.
    #[serde(default)]
    pub elements: Vec<FormElement>,
    /// Submit button label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_text: Option<String>,
    /// Cancel button label (no cancel button when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_text: Option<String>,
    /// Sent as the `callback_id` on cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_callback: Option<String>,
    /// Submit as soon as the (single) element has a value.
    #[serde(default)]
    pub auto_submit: bool,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// One form field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormElement {
    /// The key in the `form_response` data.
    pub name: String,
    /// The label.
    pub display: String,
    /// Must be filled.
    #[serde(default)]
    pub required: bool,
    /// Lower bound (number) or shortest length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Upper bound (number) or longest length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Pre-filled value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    /// What kind of input.
    pub element_type: ElementType,
    /// Choices of `select`, `radio`, `checkbox` and `auto-select`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<FormOptions>,
}

/// A form element's kind; an unknown one is kept by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ElementType {
    /// One line.
    Text,
    /// Several lines.
    Textarea,
    /// A number.
    Number,
    /// An e-mail address.
    Email,
    /// A drop-down.
    Select,
    /// Radio buttons.
    Radio,
    /// Check boxes.
    Checkbox,
    /// A searchable drop-down (`options` as `[{key, value}]`).
    AutoSelect,
    /// Anything newer.
    Other(String),
}

impl From<String> for ElementType {
    fn from(name: String) -> Self {
        match name.as_str() {
            "text" => Self::Text,
            "textarea" => Self::Textarea,
            "number" => Self::Number,
            "email" => Self::Email,
            "select" => Self::Select,
            "radio" => Self::Radio,
            "checkbox" => Self::Checkbox,
            "auto-select" => Self::AutoSelect,
            _ => Self::Other(name),
        }
    }
}

impl From<ElementType> for String {
    fn from(kind: ElementType) -> Self {
        match kind {
            ElementType::Text => "text".to_owned(),
            ElementType::Textarea => "textarea".to_owned(),
            ElementType::Number => "number".to_owned(),
            ElementType::Email => "email".to_owned(),
            ElementType::Select => "select".to_owned(),
            ElementType::Radio => "radio".to_owned(),
            ElementType::Checkbox => "checkbox".to_owned(),
            ElementType::AutoSelect => "auto-select".to_owned(),
            ElementType::Other(name) => name,
        }
    }
}

/// A form element's choices: key → label, or `[{key, value}]` for `auto-select`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FormOptions {
    /// `[{key, value}]`.
    Pairs(Vec<OptionPair>),
    /// `{key: label}`.
    Map(BTreeMap<String, String>),
}

/// One `auto-select` choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionPair {
    /// Sent.
    pub key: String,
    /// Shown.
    pub value: String,
}

/// `long_text` / `longtext` data: a take-over for a longer text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LongTextData {
    /// Above the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sent with the `longtext_response`.
    pub callback_id: String,
    /// Longest text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_limit: Option<u32>,
    /// Submit label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_text: Option<String>,
    /// Pre-filled text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_text: Option<String>,
    /// Placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Shown after submitting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_text: Option<String>,
    /// Common fields.
    #[serde(flatten)]
    pub common: Common,
}

/// `meta` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaData {
    /// key → value, e.g. `progressPercentage`.
    #[serde(default)]
    pub elements: Map<String, Value>,
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// `GET /chat-api/configuration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// Names, avatar, timings and buttons.
    pub general: General,
    /// Hex colours.
    pub colours: Colours,
    /// Whether the client loads history, and how much.
    pub webchat_history: WebchatHistory,
    /// Interface texts (`inputPlaceholder`, `sendButtonText`, `endChatText`, …).
    #[serde(default)]
    pub texts: BTreeMap<String, String>,
    /// Error texts.
    #[serde(default)]
    pub messages: BTreeMap<String, String>,
    /// Per user: `new`, `returning` or `ongoing`.
    #[serde(default)]
    pub user_type: UserType,
    /// Start with the chat minimized.
    #[serde(default)]
    pub show_minimized: bool,
    /// The `callback_id` of `chat_open`; null = send no `chat_open`.
    #[serde(default)]
    pub open_intent: Option<String>,
}

/// `general`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct General {
    /// Shown in the header.
    pub chatbot_name: String,
    /// Avatar picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chatbot_avatar_path: Option<String>,
    /// Header logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The team behind the bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_name: Option<String>,
    /// Bot message *i* is revealed after `(i + 1) × messageDelay` ms.
    #[serde(default)]
    pub message_delay: u64,
    /// Hide message times.
    #[serde(default)]
    pub hide_message_time: bool,
    /// Offer a restart button.
    #[serde(default)]
    pub show_restart_button: bool,
    /// What the restart button triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_button_callback: Option<String>,
    /// Offer an end-chat button.
    #[serde(default)]
    pub show_end_chat_button: bool,
    /// Offer the transcript download.
    #[serde(default)]
    pub show_download_button: bool,
    /// The client-drawn typing indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing_indicator_settings: Option<TypingIndicatorSettings>,
}

/// `general.typingIndicatorSettings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypingIndicatorSettings {
    /// Dot colour.
    pub color: String,
    /// Texts shown while typing.
    #[serde(default)]
    pub texts: Vec<String>,
}

/// `colours`: hex strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Colours {
    pub header_background: String,
    pub header_text: String,
    pub launcher_background: String,
    pub message_list_background: String,
    pub sent_message_background: String,
    pub sent_message_text: String,
    pub received_message_background: String,
    pub received_message_text: String,
    pub user_input_background: String,
    pub user_input_text: String,
    pub button_background: String,
    pub button_hover_background: String,
    pub button_text: String,
    pub external_button_background: String,
    pub external_button_hover_background: String,
    pub external_button_text: String,
    pub icon_background: String,
    pub icon_hover_background: String,
}

/// `webchatHistory`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebchatHistory {
    /// Load history on start.
    pub show_history: bool,
    /// How many messages.
    pub number_of_messages: u32,
}

/// `userType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserType {
    /// Never wrote before: gets `chat_open`.
    #[default]
    New,
    /// Wrote, but not recently: gets `chat_open`.
    Returning,
    /// In the middle of a conversation: no `chat_open`.
    Ongoing,
}

// ---------------------------------------------------------------------------------------------
// History and feedback

/// One row of `GET /chat-api/history`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Increasing with time (ours: an integer, like a Laravel auto-increment key).
    pub id: u64,
    /// Laravel's timestamp text (`2025-06-15T14:30:10.123000Z`).
    pub created_at: String,
    /// The visitor.
    pub user_id: String,
    /// `"them"` for the bot, the user id for the visitor.
    pub author: String,
    /// The message type (`text`, `button_response`, `chat_open`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// The message's data.
    pub data: Value,
    /// The message id.
    pub message_id: String,
    /// The intent (bot rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// Feedback can be given on this row (bot rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_template_id: Option<String>,
}

/// `POST /chat-api/feedback`, once validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRequest {
    /// The message template the feedback is about (required).
    pub message_template_id: String,
    /// Thumbs up or down.
    pub feedback: FeedbackValue,
    /// The request the message came with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// `positive` or `negative`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackValue {
    /// Thumbs up.
    Positive,
    /// Thumbs down.
    Negative,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn a_false_entry_and_an_unknown_type_survive_a_round_trip() {
        let wire = json!([
            {"author": "them", "type": "text", "data": {"text": "a &amp; b"}},
            false,
            {"author": "them", "type": "esign", "data": {"url": "x"}}
        ]);
        let answer: MessageAnswer = serde_json::from_value(wire.clone()).unwrap();
        let entries = answer.clone().into_entries();
        assert_eq!(entries[1], BotEntry::Skip);
        let BotEntry::Message(unknown) = &entries[2] else {
            panic!("a message")
        };
        assert!(matches!(unknown.body(), BotBody::Other(_)));
        assert_eq!(serde_json::to_value(answer).unwrap(), wire);
    }

    #[test]
    fn one_message_is_a_single_object_and_spellings_are_kept() {
        let message = BotMessage::new(
            "fp-rich",
            json!({"title": "Card", "buttons": [{"text": "Go", "link": "https://x"}]}),
        )
        .unwrap();
        assert!(matches!(message.body(), BotBody::Rich(_)));
        let answer = MessageAnswer::from_entries(vec![BotEntry::Message(Box::new(message))]);
        let wire = serde_json::to_value(answer).unwrap();
        assert_eq!(wire["type"], "fp-rich");
        assert_eq!(wire["data"]["buttons"][0]["link"], "https://x");
    }

    #[test]
    fn a_message_whose_data_does_not_fit_its_type_is_refused() {
        assert!(BotMessage::new("button", json!({"buttons": "none"})).is_err());
        assert!(BotMessage::new("form", json!({"elements": []})).is_err());
    }

    #[test]
    fn buttons_are_told_apart_by_their_keys() {
        let data: ButtonData = serde_json::from_value(json!({"text": "t", "buttons": [
            {"text": "a", "callback_id": "A", "value": "1"},
            {"text": "b", "link": "https://x", "link_new_tab": true},
            {"text": "c", "phone_number": "+4512345678"},
            {"text": "d", "download": true}
        ]}))
        .unwrap();
        let actions: Vec<_> = data.buttons.iter().map(|b| &b.action).collect();
        assert!(matches!(actions[0], ButtonAction::Callback { .. }));
        assert!(matches!(actions[1], ButtonAction::Link { .. }));
        assert!(matches!(actions[2], ButtonAction::Phone { .. }));
        assert!(matches!(
            actions[3],
            ButtonAction::Download { download: true }
        ));
    }
}

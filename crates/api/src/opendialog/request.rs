//! What the widget sends to OpenDialog (OPENDIALOG.md section 2): the `POST /chat-api/message`
//! envelope for each content type, and the `POST /chat-api/feedback` body.
//!
//! Constructors take every id as an argument: choosing the user id and minting message uuids
//! (randomness) and stamping times (the clock) are the caller's business. Every field is public,
//! so the caller can add what a scenario needs (`data.date`, more `user.custom` keys) before
//! serializing.

use crate::json::{Map, Value};
use serde::Serialize;

use crate::write::write_str;
use crate::ToJson;

use super::wire::{ElementType, FormData};

/// Who sends, and the browser facts every message carries in `content.user`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// `OPENDIALOG-USER-ID`: also `user_id` and `author` of every message.
    pub user_id: String,
    /// `OPENDIALOG-SCENARIO-ID`: also `content.user.custom.selected_scenario`.
    pub scenario_id: String,
    /// e.g. `da-DK`.
    pub browser_language: String,
    /// An IANA zone, e.g. `Europe/Copenhagen`.
    pub timezone: String,
}

/// The content types the widget sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    /// The chat was opened: `callback_id` = the open intent, `data.value` = the page URL.
    ChatOpen,
    /// A programmatic trigger: `callback_id` required, `data.value` optional.
    Trigger,
    /// Typed text: `data.text`.
    Text,
    /// A clicked button: its `callback_id`, `data {text, value}`.
    ButtonResponse,
    /// A submitted (or cancelled) form.
    FormResponse,
    /// A followed link: `data.url`; answered with an empty body.
    UrlClick,
    /// A submitted long text: its `callback_id`, `data.text`.
    LongtextResponse,
}

impl ContentType {
    /// The spelling on the wire (serde's `snake_case` of the variant).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChatOpen => "chat_open",
            Self::Trigger => "trigger",
            Self::Text => "text",
            Self::ButtonResponse => "button_response",
            Self::FormResponse => "form_response",
            Self::UrlClick => "url_click",
            Self::LongtextResponse => "longtext_response",
        }
    }
}

impl ToJson for ContentType {
    fn write_json(&self, out: &mut String) {
        write_str(out, self.as_str());
    }
}

/// `POST /chat-api/message` body.
#[derive(Debug, Clone, PartialEq, Serialize, ToJson)]
pub struct MessageRequest {
    /// Always `"message"`.
    pub notification: &'static str,
    /// The user id.
    pub user_id: String,
    /// The user id again.
    pub author: String,
    /// The caller's uuid of this message.
    pub message_id: String,
    /// What the visitor did.
    pub content: Content,
}

/// The `content` of a [`MessageRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, ToJson)]
pub struct Content {
    /// What kind of input this is.
    #[serde(rename = "type")]
    pub kind: ContentType,
    /// The message's uuid (the same as `message_id`).
    pub id: String,
    /// The user id.
    pub author: String,
    /// The user id.
    pub user_id: String,
    /// Beside `data`, not inside it [C-1.x]; left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Type-specific fields.
    pub data: Map,
    /// Browser language, timezone and the selected scenario.
    pub user: ChatUser,
}

/// `content.user`.
#[derive(Debug, Clone, PartialEq, Serialize, ToJson)]
pub struct ChatUser {
    /// e.g. `da-DK`.
    #[serde(rename = "browserLanguage")]
    pub browser_language: String,
    /// An IANA zone.
    pub timezone: String,
    /// `selected_scenario` (required in v3), plus whatever the page adds.
    pub custom: Map,
}

/// A form element's value as the visitor entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// One value (text, number as typed, the chosen option's key).
    One(String),
    /// The checked keys of a `checkbox` element.
    Many(Vec<String>),
}

impl FieldValue {
    fn is_empty(&self) -> bool {
        match self {
            Self::One(value) => value.trim().is_empty(),
            Self::Many(values) => values.is_empty(),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Self::One(value) => Value::String(value.clone()),
            Self::Many(values) => {
                let mut out = Vec::with_capacity(values.len());
                for value in values {
                    out.push(Value::String(value.clone()));
                }
                Value::Array(out)
            }
        }
    }
}

fn string(value: &str) -> Value {
    Value::String(value.to_owned())
}

impl MessageRequest {
    /// An envelope of any content type with this `callback_id` and `data`.
    pub fn new(
        sender: &Sender,
        message_id: &str,
        kind: ContentType,
        callback_id: Option<&str>,
        data: Map,
    ) -> Self {
        let mut custom = Map::new();
        custom.insert("selected_scenario".to_owned(), string(&sender.scenario_id));
        Self {
            notification: "message",
            user_id: sender.user_id.clone(),
            author: sender.user_id.clone(),
            message_id: message_id.to_owned(),
            content: Content {
                kind,
                id: message_id.to_owned(),
                author: sender.user_id.clone(),
                user_id: sender.user_id.clone(),
                callback_id: callback_id.map(str::to_owned),
                data,
                user: ChatUser {
                    browser_language: sender.browser_language.clone(),
                    timezone: sender.timezone.clone(),
                    custom,
                },
            },
        }
    }

    /// `chat_open` with the open intent (see
    /// [`super::Configuration::chat_open_intent`]) and the page URL.
    pub fn chat_open(sender: &Sender, message_id: &str, open_intent: &str, page_url: &str) -> Self {
        let data = data([("value", string(page_url))]);
        Self::new(
            sender,
            message_id,
            ContentType::ChatOpen,
            Some(open_intent),
            data,
        )
    }

    /// `trigger` of an intent, with an optional value.
    pub fn trigger(
        sender: &Sender,
        message_id: &str,
        callback_id: &str,
        value: Option<&str>,
    ) -> Self {
        let mut data = Map::new();
        if let Some(value) = value {
            data.insert("value".to_owned(), string(value));
        }
        Self::new(
            sender,
            message_id,
            ContentType::Trigger,
            Some(callback_id),
            data,
        )
    }

    /// `text` typed by the visitor.
    pub fn text(sender: &Sender, message_id: &str, text: &str) -> Self {
        let data = data([("text", string(text))]);
        Self::new(sender, message_id, ContentType::Text, None, data)
    }

    /// `button_response` for a clicked button (or a clicked card: its `callback` and
    /// `callback_value`). `text` is the label the visitor saw; a missing value is left out.
    pub fn button_response(
        sender: &Sender,
        message_id: &str,
        callback_id: &str,
        text: &str,
        value: Option<&str>,
    ) -> Self {
        let mut data = data([("text", string(text))]);
        if let Some(value) = value {
            data.insert("value".to_owned(), string(value));
        }
        Self::new(
            sender,
            message_id,
            ContentType::ButtonResponse,
            Some(callback_id),
            data,
        )
    }

    /// `form_response` for a submitted form: each value under its element's name, plus `text`,
    /// one `<Label>: <value>` line per filled element in the form's order (options shown by
    /// their labels, checked boxes joined by `, `). Values for names the form does not have
    /// are sent but not summarised; a value named `text` is overwritten by the summary.
    pub fn form_response(
        sender: &Sender,
        message_id: &str,
        form: &FormData,
        values: &[(String, FieldValue)],
    ) -> Self {
        let mut data = Map::new();
        for (name, value) in values {
            data.insert(name.clone(), value.to_value());
        }
        data.insert("text".to_owned(), Value::String(form_summary(form, values)));
        Self::new(
            sender,
            message_id,
            ContentType::FormResponse,
            Some(&form.callback_id),
            data,
        )
    }

    /// `form_response` for the cancel button: `callback_id` = the form's `cancel_callback`,
    /// `data.text` = its `cancel_text` when it has one. `None` if the form has no
    /// `cancel_callback` (it then has nothing to cancel to).
    pub fn form_cancel(sender: &Sender, message_id: &str, form: &FormData) -> Option<Self> {
        let callback = form.cancel_callback.as_deref()?;
        let mut data = Map::new();
        if let Some(text) = &form.cancel_text {
            data.insert("text".to_owned(), string(text));
        }
        Some(Self::new(
            sender,
            message_id,
            ContentType::FormResponse,
            Some(callback),
            data,
        ))
    }

    /// `url_click` for a followed link.
    pub fn url_click(sender: &Sender, message_id: &str, url: &str) -> Self {
        let data = data([("url", string(url))]);
        Self::new(sender, message_id, ContentType::UrlClick, None, data)
    }

    /// `longtext_response` with the long-text message's `callback_id`.
    pub fn longtext_response(
        sender: &Sender,
        message_id: &str,
        callback_id: &str,
        text: &str,
    ) -> Self {
        let data = data([("text", string(text))]);
        Self::new(
            sender,
            message_id,
            ContentType::LongtextResponse,
            Some(callback_id),
            data,
        )
    }
}

/// A `data` map from pairs.
fn data<const N: usize>(pairs: [(&str, Value); N]) -> Map {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    map
}

/// The `text` of a `form_response`: `<Label>: <value>` lines, in the form's order.
pub fn form_summary(form: &FormData, values: &[(String, FieldValue)]) -> String {
    let mut text = String::new();
    for element in &form.elements {
        let Some((_, value)) = values.iter().find(|(name, _)| *name == element.name) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        // Options are shown by label; a key the form does not list is shown as sent.
        let shown = |key: &str| -> String {
            match element.element_type {
                ElementType::Select
                | ElementType::Radio
                | ElementType::Checkbox
                | ElementType::AutoSelect => element.option_label(key).unwrap_or(key).to_owned(),
                _ => key.to_owned(),
            }
        };
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&element.display);
        text.push_str(": ");
        match value {
            FieldValue::One(value) => text.push_str(&shown(value)),
            FieldValue::Many(values) => {
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        text.push_str(", ");
                    }
                    text.push_str(&shown(value));
                }
            }
        }
    }
    text
}

/// Thumbs up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Feedback {
    /// `positive`.
    Positive,
    /// `negative`.
    Negative,
}

impl ToJson for Feedback {
    fn write_json(&self, out: &mut String) {
        // serde's `lowercase` of the variant.
        out.push_str(match self {
            Self::Positive => "\"positive\"",
            Self::Negative => "\"negative\"",
        });
    }
}

/// `POST /chat-api/feedback` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToJson)]
pub struct FeedbackRequest {
    /// The message template the feedback is about (required).
    pub message_template_id: String,
    /// Thumbs up or down.
    pub feedback: Feedback,
    /// The request the message came with; left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl FeedbackRequest {
    /// Feedback on the message with this template id (and request id, if it had one).
    pub fn new(message_template_id: &str, feedback: Feedback, request_id: Option<&str>) -> Self {
        Self {
            message_template_id: message_template_id.to_owned(),
            feedback,
            request_id: request_id.map(str::to_owned),
        }
    }
}

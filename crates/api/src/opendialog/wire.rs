//! What the widget reads from OpenDialog (OPENDIALOG.md sections 2–3): the answer to
//! `POST /chat-api/message`, bot messages by type, the configuration, history rows and
//! Laravel's error body.
//!
//! Everything is read by hand from a parsed [`Value`] with lenient helpers, not through the
//! `FromJson` derive: OpenDialog is a PHP application whose optional fields may arrive as `null`,
//! as `"1"` for `true`, as `[]` for an empty object, or as a number where a string was expected.
//! A strict reader would drop a whole message for one odd flag, so here only what the widget
//! cannot act without is required (an image's `img_src`, a form's `callback_id`, …); any other
//! field of the wrong type reads as absent.

use crate::json::{Map, Value};

use crate::json::{self, Error, FromJson};

/// The `author` of every bot message and bot history row.
pub const BOT_AUTHOR: &str = "them";

/// The `callback_id` of `chat_open` when the configuration does not name one.
pub const DEFAULT_OPEN_INTENT: &str = "WELCOME";

type Object = Map;

// ------------------------------------------------------------------------------------------------
// Lenient field readers

/// A string field; absent if missing or not a string.
fn text(o: &Object, key: &str) -> Option<String> {
    o.get(key)?.as_str().map(str::to_owned)
}

/// A string field, defaulting to empty.
fn text_or_empty(o: &Object, key: &str) -> String {
    text(o, key).unwrap_or_default()
}

/// A required string field.
fn required_text(o: &Object, key: &'static str) -> Result<String, Error> {
    match o.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(Error::missing_field(key)),
        Some(other) => Err(json::invalid_type(other, "a string")),
    }
}

/// An id: a string, or an integer written out (PHP ids may be either).
fn id(o: &Object, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Some(u.to_string()),
            (_, Some(i)) => Some(i.to_string()),
            // A float id is not an id; formatting it would also link the float formatter.
            _ => None,
        },
        _ => None,
    }
}

/// A flag: `true`, `1`, `"true"` and `"1"` are true; anything else (also missing) is false.
fn flag(o: &Object, key: &str) -> bool {
    match o.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        Some(Value::String(s)) => s == "true" || s == "1",
        _ => false,
    }
}

/// An integer: a JSON integer, a float (truncated) or a numeric string.
fn int(o: &Object, key: &str) -> Option<i64> {
    match o.get(key)? {
        // `as` saturates, so no float can panic here.
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-negative integer, saturating at `u32::MAX`; negative values read as absent.
fn count(o: &Object, key: &str) -> Option<u32> {
    let n = int(o, key)?;
    (n >= 0).then(|| u32::try_from(n).unwrap_or(u32::MAX))
}

/// An object field (`[]`, PHP's empty array, counts as an empty object); absent otherwise.
fn object_field<'a>(o: &'a Object, key: &str) -> Option<&'a Object> {
    o.get(key)?.as_object()
}

/// An object field copied out, empty if missing or of another shape.
fn map_field(o: &Object, key: &str) -> Object {
    object_field(o, key).cloned().unwrap_or_default()
}

/// The object items of an array field, each read by `read`; items that are not objects or do
/// not read are left out, so one odd button does not drop the message around it.
fn items<T>(o: &Object, key: &str, read: fn(&Object) -> Option<T>) -> Vec<T> {
    let mut out = Vec::new();
    if let Some(Value::Array(values)) = o.get(key) {
        for value in values {
            if let Some(item) = value.as_object().and_then(read) {
                out.push(item);
            }
        }
    }
    out
}

/// The strings of an array field (other items left out).
fn strings(o: &Object, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Array(values)) = o.get(key) {
        for value in values {
            if let Some(s) = value.as_str() {
                out.push(s.to_owned());
            }
        }
    }
    out
}

/// A message's `data` as an object: missing, `null` and `[]` are empty; anything else is an
/// error for a known type.
fn data_object(value: Option<&Value>) -> Result<Object, Error> {
    match value {
        None | Some(Value::Null) => Ok(Object::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(Value::Array(a)) if a.is_empty() => Ok(Object::new()),
        Some(other) => Err(json::invalid_type(other, "a JSON object")),
    }
}

// ------------------------------------------------------------------------------------------------
// The message answer

/// The answer to `POST /chat-api/message`, whichever shape it came in (an array, a single
/// object, or an empty body for `url_click`), with the entries that could not be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageAnswer {
    /// The bot messages in order; `false`/`null` entries and unreadable entries left out.
    /// Unknown types are kept as [`BotBody::Unknown`] for the caller to skip (and count).
    pub messages: Vec<BotMessage>,
    /// Entries that were not a readable message, for the caller to log.
    pub skipped: Vec<SkippedEntry>,
}

/// An entry of an answer (or a history row) that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// Its position in the array (0 for a single object).
    pub index: usize,
    /// Why, as serde words it (for logs only).
    pub reason: String,
}

/// Parses a response body with `read`; an empty (or blank) body is the empty answer, and only a
/// body that is not JSON at all is an error.
fn parse_or_empty<T: Default>(body: &str, read: fn(&Value) -> T) -> Result<T, Error> {
    if body.trim().is_empty() {
        return Ok(T::default());
    }
    let value = crate::json::parse(body)?;
    Ok(read(&value))
}

impl MessageAnswer {
    /// Parses a response body. An empty (or blank) body is an empty answer (`url_click` is
    /// answered so); only a body that is not JSON at all is an error.
    pub fn parse(body: &str) -> Result<Self, Error> {
        parse_or_empty(body, Self::read)
    }

    /// Reads a parsed body; never fails.
    pub fn read(value: &Value) -> Self {
        let mut answer = Self::default();
        match value {
            Value::Array(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    answer.push_entry(index, entry);
                }
            }
            other => answer.push_entry(0, other),
        }
        answer
    }

    fn push_entry(&mut self, index: usize, entry: &Value) {
        match entry {
            // `false` is how an `empty` message is sent; `null` is treated alike.
            Value::Bool(false) | Value::Null => {}
            other => match BotMessage::read(other) {
                Ok(message) => self.messages.push(message),
                Err(error) => self.skipped.push(SkippedEntry {
                    index,
                    reason: error.to_string(),
                }),
            },
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Bot messages

/// A bot message: `{author, type, intent, message_template_id?, request_id?, data}`.
#[derive(Debug, Clone, PartialEq)]
pub struct BotMessage {
    /// `"them"` (the default when missing).
    pub author: String,
    /// The `type` as spelled on the wire (`fp-rich` stays `fp-rich`).
    pub kind: String,
    /// The intent that produced it.
    pub intent: Option<String>,
    /// Feedback may be given on messages that carry one.
    pub message_template_id: Option<String>,
    /// Goes with `message_template_id` into a feedback request.
    pub request_id: Option<String>,
    /// The fields any message's `data` may carry.
    pub common: Common,
    /// The typed `data`.
    pub body: BotBody,
}

impl BotMessage {
    /// Reads one message; an error if it is not an object, has no string `type`, or its
    /// `data` does not fit its (known) type.
    pub fn read(value: &Value) -> Result<Self, Error> {
        let o = json::object(value)?;
        let kind = required_text(o, "type")?;
        let (body, data) = match data_object(o.get("data")) {
            Ok(data) => (BotBody::read(&kind, &data), data),
            // An unknown type's data is never looked at, so its shape does not matter.
            Err(_) if BotBody::is_unknown_type(&kind) => (Ok(BotBody::Unknown), Object::new()),
            Err(error) => (Err(error), Object::new()),
        };
        let body = body.map_err(|error| Error::custom(format!("a '{kind}' message: {error}")))?;
        Ok(Self {
            author: text(o, "author").unwrap_or_else(|| BOT_AUTHOR.to_owned()),
            intent: text(o, "intent"),
            message_template_id: id(o, "message_template_id"),
            request_id: id(o, "request_id"),
            common: Common::read(&data),
            kind,
            body,
        })
    }

    /// Whether it is drawn as a bubble: not `internal`, and not a message the widget acts on
    /// instead (`meta`, `cta`, `hand-to-system`, `empty`) or does not know.
    pub fn is_shown(&self) -> bool {
        !self.common.internal && self.body.is_shown()
    }

    /// The feedback target, if feedback may be given on it: its template id and request id.
    pub fn feedback_target(&self) -> Option<(&str, Option<&str>)> {
        let template = self.message_template_id.as_deref()?;
        Some((template, self.request_id.as_deref()))
    }
}

impl FromJson for BotMessage {
    fn from_json(value: &Value) -> Result<Self, Error> {
        Self::read(value)
    }
}

/// Fields any shown message's `data` may carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Common {
    /// Disable the text input while this is the latest message.
    pub disable_text: bool,
    /// Not shown to the visitor.
    pub internal: bool,
    /// Hide the time.
    pub hidetime: bool,
    /// Hide the avatar.
    pub hideavatar: bool,
    /// When it was sent, as the server wrote it.
    pub time: Option<String>,
    /// The day it was sent, as the server wrote it.
    pub date: Option<String>,
}

impl Common {
    fn read(o: &Object) -> Self {
        Self {
            disable_text: flag(o, "disable_text"),
            internal: flag(o, "internal"),
            hidetime: flag(o, "hidetime"),
            hideavatar: flag(o, "hideavatar"),
            time: text(o, "time"),
            date: text(o, "date"),
        }
    }
}

/// A bot message's `data`, by type (OPENDIALOG.md section 3).
#[derive(Debug, Clone, PartialEq)]
pub enum BotBody {
    /// `text`: `data.text` (HTML-escaped, with links and Markdown: see [`super::rich_text`]).
    Text(TextData),
    /// `image`.
    Image(ImageData),
    /// `button`: text with buttons.
    Button(ButtonData),
    /// `rich` / `fp-rich`: a card.
    Rich(RichData),
    /// `list`: a carousel or a vertical list of items.
    List(ListData),
    /// `form` / `fp-form`.
    Form(FormData),
    /// `long_text` / `longtext`: a take-over for a longer text.
    LongText(LongTextData),
    /// `hand-to-system`: the chat mode changes (a handover); its data, as sent.
    HandToSystem(Map),
    /// `meta`: never shown.
    Meta(MetaData),
    /// `cta`: text for the launcher's call to action, not a bubble.
    Cta(TextData),
    /// `empty`: nothing (usually sent as `false` instead).
    Empty,
    /// Any other type (`date-picker`, `autocomplete`, `audio`, …): skipped.
    Unknown,
}

impl BotBody {
    /// Reads the `data` of a message of type `kind`; an error if a known type's required
    /// fields are missing. Unknown types read as [`BotBody::Unknown`].
    pub fn read(kind: &str, data: &Map) -> Result<Self, Error> {
        Ok(match kind {
            "text" => Self::Text(TextData::read(data)),
            "image" => Self::Image(ImageData::read(data)?),
            "button" => Self::Button(ButtonData::read(data)),
            "rich" | "fp-rich" => Self::Rich(RichData::read(data)),
            "list" => Self::List(ListData::read(data)),
            "form" | "fp-form" => Self::Form(FormData::read(data)?),
            "long_text" | "longtext" => Self::LongText(LongTextData::read(data)?),
            "hand-to-system" => Self::HandToSystem(data.clone()),
            "meta" => Self::Meta(MetaData {
                elements: map_field(data, "elements"),
            }),
            "cta" => Self::Cta(TextData::read(data)),
            "empty" => Self::Empty,
            _ => Self::Unknown,
        })
    }

    fn is_unknown_type(kind: &str) -> bool {
        matches!(Self::read(kind, &Object::new()), Ok(Self::Unknown))
    }

    /// Whether this is drawn as a bubble (see [`BotMessage::is_shown`]).
    pub fn is_shown(&self) -> bool {
        !matches!(
            self,
            Self::HandToSystem(_) | Self::Meta(_) | Self::Cta(_) | Self::Empty | Self::Unknown
        )
    }
}

/// `text` (and `cta`) data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextData {
    /// HTML-escaped text with links and Markdown; empty if missing.
    pub text: String,
}

impl TextData {
    fn read(o: &Object) -> Self {
        Self {
            text: text_or_empty(o, "text"),
        }
    }
}

/// `image` data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageData {
    /// The picture (required).
    pub img_src: String,
    /// Where a click leads.
    pub img_link: Option<String>,
    /// Open `img_link` in a new tab.
    pub link_new_tab: bool,
}

impl ImageData {
    fn read(o: &Object) -> Result<Self, Error> {
        Ok(Self {
            img_src: required_text(o, "img_src")?,
            img_link: text(o, "img_link"),
            link_new_tab: flag(o, "link_new_tab"),
        })
    }
}

/// `button` data.
#[derive(Debug, Clone, PartialEq)]
pub struct ButtonData {
    /// The text above the buttons (HTML-escaped, like `data.text`).
    pub text: String,
    /// The buttons.
    pub buttons: Vec<Button>,
    /// Render the buttons outside the bubble.
    pub external: bool,
    /// Remove the buttons once one was used.
    pub clear_after_interaction: bool,
}

impl ButtonData {
    fn read(o: &Object) -> Self {
        Self {
            text: text_or_empty(o, "text"),
            buttons: items(o, "buttons", Button::read),
            external: flag(o, "external"),
            clear_after_interaction: flag(o, "clear_after_interaction"),
        }
    }
}

/// One button: a label and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    /// The label.
    pub text: String,
    /// Shown or not; its type is not documented, so it is kept as sent.
    pub display: Option<Value>,
    /// A styling hint (`type`).
    pub kind: Option<String>,
    /// What a click does.
    pub action: ButtonAction,
}

impl Button {
    fn read(o: &Object) -> Option<Self> {
        Some(Self {
            text: text_or_empty(o, "text"),
            display: o.get("display").filter(|v| !v.is_null()).cloned(),
            kind: text(o, "type"),
            action: ButtonAction::read(o),
        })
    }
}

/// What a button does, told apart by which key it has. The order of the checks is the 1.x
/// widget's: download, phone, link, tab switch, then callback.
#[derive(Debug, Clone, PartialEq)]
pub enum ButtonAction {
    /// `{download: true}`: download the transcript (`GET /chat-api/transcript`).
    Download,
    /// `{phone_number}`: call a number.
    Phone {
        /// The number, for a `tel:` link.
        phone_number: String,
    },
    /// `{link, link_new_tab}`: open a link (and send a `url_click`).
    Link {
        /// The URL (check its scheme before following it).
        link: String,
        /// In a new tab.
        link_new_tab: bool,
    },
    /// `{tab_switch}`: switch a tab of the host page; its value as sent.
    TabSwitch {
        /// Which tab.
        tab_switch: Value,
    },
    /// `{callback_id, value}`: send a `button_response`.
    Callback {
        /// The intent to trigger.
        callback_id: String,
        /// Sent back as `data.value`.
        value: Option<String>,
    },
    /// None of the above: nothing to do (the widget may show it disabled or leave it out).
    Unknown,
}

impl ButtonAction {
    fn read(o: &Object) -> Self {
        if flag(o, "download") {
            Self::Download
        } else if let Some(phone_number) = text(o, "phone_number").filter(|s| !s.is_empty()) {
            Self::Phone { phone_number }
        } else if let Some(link) = text(o, "link").filter(|s| !s.is_empty()) {
            Self::Link {
                link,
                link_new_tab: flag(o, "link_new_tab"),
            }
        } else if let Some(tab_switch) = o.get("tab_switch").filter(|v| !is_falsy(v)) {
            Self::TabSwitch {
                tab_switch: tab_switch.clone(),
            }
        } else if let Some(callback_id) = id(o, "callback_id").filter(|s| !s.is_empty()) {
            Self::Callback {
                callback_id,
                value: id(o, "value"),
            }
        } else {
            Self::Unknown
        }
    }
}

/// `null`, `false` and `""`: how PHP says "not set".
fn is_falsy(value: &Value) -> bool {
    matches!(value, Value::Null | Value::Bool(false)) || value.as_str() == Some("")
}

/// `rich` / `fp-rich` data: a card.
#[derive(Debug, Clone, PartialEq)]
pub struct RichData {
    /// Card title.
    pub title: Option<String>,
    /// Card subtitle.
    pub subtitle: Option<String>,
    /// Card text (HTML-escaped, like `data.text`).
    pub text: Option<String>,
    /// Card picture.
    pub image: Option<RichImage>,
    /// Card buttons.
    pub buttons: Vec<Button>,
    /// Sent as a `button_response` `callback_id` when a card without buttons is clicked.
    pub callback: Option<String>,
    /// Its value.
    pub callback_value: Option<String>,
}

impl RichData {
    fn read(o: &Object) -> Self {
        Self {
            title: text(o, "title"),
            subtitle: text(o, "subtitle"),
            text: text(o, "text"),
            image: object_field(o, "image").and_then(RichImage::read),
            buttons: items(o, "buttons", Button::read),
            callback: id(o, "callback").filter(|s| !s.is_empty()),
            callback_value: id(o, "callback_value"),
        }
    }
}

/// A card's picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RichImage {
    /// The picture.
    pub src: String,
    /// Where a click leads.
    pub url: Option<String>,
    /// In a new tab.
    pub link_new_tab: bool,
}

impl RichImage {
    fn read(o: &Object) -> Option<Self> {
        Some(Self {
            src: text(o, "src").filter(|s| !s.is_empty())?,
            url: text(o, "url"),
            link_new_tab: flag(o, "link_new_tab"),
        })
    }
}

wire_enum! {
    unknown = Vertical;
    /// How a `list` is laid out; missing or unknown is `vertical`.
    pub enum ViewType {
        /// A carousel.
        Horizontal = "horizontal",
        /// A vertical list.
        Vertical = "vertical",
        /// A plain list.
        List = "list",
    }
}

/// `list` data.
#[derive(Debug, Clone, PartialEq)]
pub struct ListData {
    /// Above the list.
    pub title: Option<String>,
    /// Carousel or list.
    pub view_type: ViewType,
    /// The items, in order.
    pub items: Vec<ListItem>,
}

impl ListData {
    fn read(o: &Object) -> Self {
        Self {
            title: text(o, "title"),
            view_type: text(o, "view_type")
                .map(|s| ViewType::from_wire(&s))
                .unwrap_or_default(),
            items: items(o, "items", ListItem::read),
        }
    }
}

/// A list item: the type of message it stands for and that message's data.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `rich`, `button`, `text`, `image`, … as sent.
    pub message_type: String,
    /// That type's data; [`BotBody::Unknown`] if the type is unknown or its data does not
    /// fit (one odd item does not drop the list).
    pub body: BotBody,
}

impl ListItem {
    fn read(o: &Object) -> Option<Self> {
        let message_type = text(o, "message_type")?;
        let body = BotBody::read(&message_type, o).unwrap_or(BotBody::Unknown);
        Some(Self { message_type, body })
    }
}

/// `form` / `fp-form` data.
#[derive(Debug, Clone, PartialEq)]
pub struct FormData {
    /// Above the form (HTML-escaped).
    pub text: Option<String>,
    /// Sent with the `form_response` (required).
    pub callback_id: String,
    /// The fields.
    pub elements: Vec<FormElement>,
    /// Submit button label.
    pub submit_text: Option<String>,
    /// Cancel button label (no cancel button when absent).
    pub cancel_text: Option<String>,
    /// Sent as the `callback_id` on cancel.
    pub cancel_callback: Option<String>,
    /// Submit as soon as the (single) element has a value.
    pub auto_submit: bool,
}

impl FormData {
    fn read(o: &Object) -> Result<Self, Error> {
        Ok(Self {
            text: text(o, "text"),
            callback_id: id(o, "callback_id")
                .filter(|s| !s.is_empty())
                .ok_or_else(|| Error::missing_field("callback_id"))?,
            elements: items(o, "elements", FormElement::read),
            submit_text: text(o, "submit_text"),
            cancel_text: text(o, "cancel_text"),
            cancel_callback: id(o, "cancel_callback").filter(|s| !s.is_empty()),
            auto_submit: flag(o, "auto_submit"),
        })
    }

    /// The element named `name`.
    pub fn element(&self, name: &str) -> Option<&FormElement> {
        self.elements.iter().find(|e| e.name == name)
    }
}

wire_enum! {
    /// A form element's kind; an unknown one is kept by name (render it as `text`).
    pub enum ElementType {
        /// One line.
        Text = "text",
        /// Several lines.
        Textarea = "textarea",
        /// A number.
        Number = "number",
        /// An e-mail address.
        Email = "email",
        /// A drop-down.
        Select = "select",
        /// Radio buttons.
        Radio = "radio",
        /// Check boxes (several values).
        Checkbox = "checkbox",
        /// A searchable drop-down.
        AutoSelect = "auto-select",
    }
}

/// One form field.
#[derive(Debug, Clone, PartialEq)]
pub struct FormElement {
    /// The key in the `form_response` data (required).
    pub name: String,
    /// The label (the name when missing).
    pub display: String,
    /// Must be filled.
    pub required: bool,
    /// Lower bound (number) or shortest length.
    pub min: Option<i64>,
    /// Upper bound (number) or longest length.
    pub max: Option<i64>,
    /// Pre-filled value, as sent.
    pub default_value: Option<Value>,
    /// What kind of input (`text` when missing).
    pub element_type: ElementType,
    /// Choices of `select`, `radio`, `checkbox` and `auto-select`, in wire order for the array
    /// form; a key → label map comes in key order (serde_json's map is sorted).
    pub options: Vec<FormOption>,
}

impl FormElement {
    fn read(o: &Object) -> Option<Self> {
        let name = id(o, "name").filter(|s| !s.is_empty())?;
        Some(Self {
            display: text(o, "display").unwrap_or_else(|| name.clone()),
            required: flag(o, "required"),
            min: int(o, "min"),
            max: int(o, "max"),
            default_value: o.get("default_value").filter(|v| !v.is_null()).cloned(),
            element_type: text(o, "element_type")
                .map(|s| ElementType::from_wire(&s))
                .unwrap_or(ElementType::Text),
            options: FormOption::read_all(o.get("options")),
            name,
        })
    }

    /// The label of the option with this key, if there is one.
    pub fn option_label(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|option| option.key == key)
            .map(|option| option.label.as_str())
    }
}

/// One choice of a form element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormOption {
    /// Sent in the `form_response`.
    pub key: String,
    /// Shown.
    pub label: String,
}

impl FormOption {
    /// `{key: label}` or `[{key, value}]` (plain strings in the array are both key and label).
    fn read_all(options: Option<&Value>) -> Vec<Self> {
        let mut out = Vec::new();
        match options {
            Some(Value::Object(map)) => {
                for (key, label) in map {
                    let label = label.as_str().map_or_else(|| key.clone(), str::to_owned);
                    out.push(Self {
                        key: key.clone(),
                        label,
                    });
                }
            }
            Some(Value::Array(values)) => {
                for value in values {
                    let option = match value {
                        Value::String(s) => Some(Self {
                            key: s.clone(),
                            label: s.clone(),
                        }),
                        Value::Object(o) => id(o, "key").map(|key| Self {
                            label: text(o, "value").unwrap_or_else(|| key.clone()),
                            key,
                        }),
                        _ => None,
                    };
                    out.extend(option);
                }
            }
            _ => {}
        }
        out
    }
}

/// `long_text` / `longtext` data: a take-over for a longer text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongTextData {
    /// Above the input (HTML-escaped).
    pub text: Option<String>,
    /// Sent with the `longtext_response` (required).
    pub callback_id: String,
    /// Longest text.
    pub character_limit: Option<u32>,
    /// Submit label.
    pub submit_text: Option<String>,
    /// Pre-filled text.
    pub initial_text: Option<String>,
    /// Placeholder.
    pub placeholder: Option<String>,
    /// Shown after submitting.
    pub confirmation_text: Option<String>,
}

impl LongTextData {
    fn read(o: &Object) -> Result<Self, Error> {
        Ok(Self {
            text: text(o, "text"),
            callback_id: id(o, "callback_id")
                .filter(|s| !s.is_empty())
                .ok_or_else(|| Error::missing_field("callback_id"))?,
            character_limit: count(o, "character_limit").filter(|n| *n > 0),
            submit_text: text(o, "submit_text"),
            initial_text: text(o, "initial_text"),
            placeholder: text(o, "placeholder"),
            confirmation_text: text(o, "confirmation_text"),
        })
    }
}

/// `meta` data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetaData {
    /// key → value, e.g. `progressPercentage`.
    pub elements: Map,
}

// ------------------------------------------------------------------------------------------------
// Configuration

wire_enum! {
    /// `userType`: decides whether the widget sends `chat_open`.
    pub enum UserType {
        /// Never wrote before: gets `chat_open`.
        New = "new",
        /// Wrote, but not recently: gets `chat_open`.
        Returning = "returning",
        /// In the middle of a conversation: no `chat_open`.
        Ongoing = "ongoing",
    }
}

/// `GET /chat-api/configuration`. Every section is optional; unknown keys are ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Configuration {
    /// Names, avatar, timings and buttons.
    pub general: General,
    /// Hex colours.
    pub colours: Colours,
    /// Whether the client loads history, and how much.
    pub webchat_history: WebchatHistory,
    /// Interface texts (`inputPlaceholder`, `sendButtonText`, `endChatText`, …), as sent.
    pub texts: Map,
    /// Error texts, as sent.
    pub messages: Map,
    /// Per user; `None` when missing.
    pub user_type: Option<UserType>,
    /// Start with the chat minimized.
    pub show_minimized: bool,
    /// The `callback_id` of `chat_open`: `None` when the server sent `null` (send no
    /// `chat_open`), [`DEFAULT_OPEN_INTENT`] when it sent nothing.
    pub open_intent: Option<String>,
}

impl Configuration {
    /// Reads a parsed configuration; an error only if it is not an object.
    pub fn read(value: &Value) -> Result<Self, Error> {
        let o = json::object(value)?;
        let empty = Object::new();
        let section = |key| object_field(o, key).unwrap_or(&empty);
        Ok(Self {
            general: General::read(section("general")),
            colours: Colours::read(section("colours")),
            webchat_history: WebchatHistory::read(section("webchatHistory")),
            texts: map_field(o, "texts"),
            messages: map_field(o, "messages"),
            user_type: text(o, "userType").map(|s| UserType::from_wire(&s)),
            show_minimized: flag(o, "showMinimized"),
            open_intent: match o.get("openIntent") {
                None => Some(DEFAULT_OPEN_INTENT.to_owned()),
                Some(value) => value.as_str().filter(|s| !s.is_empty()).map(str::to_owned),
            },
        })
    }

    /// The `callback_id` to send `chat_open` with, or `None` to send none: only `new` and
    /// `returning` users (and a missing `userType`, read as `new`) are greeted, and only when
    /// there is an open intent. An unknown `userType` is not greeted, so a conversation in
    /// progress is never interrupted by a second welcome.
    pub fn chat_open_intent(&self) -> Option<&str> {
        match self.user_type {
            None | Some(UserType::New | UserType::Returning) => self.open_intent.as_deref(),
            Some(UserType::Ongoing | UserType::Other(_)) => None,
        }
    }

    /// An interface text by key (`inputPlaceholder`, …), if it is a string.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.get(key)?.as_str()
    }

    /// An error text by key, if it is a string.
    pub fn message(&self, key: &str) -> Option<&str> {
        self.messages.get(key)?.as_str()
    }

    /// `general` and `colours` as the widget's own config (a [`crate::Config`] as JSON): the
    /// same custom properties as Dialoge branding (the widget validates every colour again). A
    /// `Value`, so the widget reads it as a `Config` and caches its text from the same thing.
    pub fn branding(&self) -> Value {
        let c = &self.colours;
        let g = &self.general;
        let one = |key: &str, value: &Option<String>| object(vec![(key, or_null(value))]);
        let pair = |background: &Option<String>, text: &Option<String>| {
            object(vec![
                ("background_color", or_null(background)),
                ("text_color", or_null(text)),
            ])
        };
        let primary = c
            .header_background
            .clone()
            .or_else(|| c.launcher_background.clone());
        object(vec![
            (
                "display",
                object(vec![
                    (
                        "name",
                        Value::String(g.chatbot_name.clone().unwrap_or_default()),
                    ),
                    ("avatar", one("url", &g.chatbot_avatar_path)),
                ]),
            ),
            (
                "theme",
                object(vec![
                    ("brand", one("primary_color", &primary)),
                    (
                        "surface",
                        one("background_color", &c.message_list_background),
                    ),
                    ("header", object(vec![("logo", one("url", &g.logo))])),
                    (
                        "messages",
                        object(vec![
                            (
                                "assistant",
                                pair(&c.received_message_background, &c.received_message_text),
                            ),
                            (
                                "user",
                                pair(&c.sent_message_background, &c.sent_message_text),
                            ),
                        ]),
                    ),
                    (
                        "input",
                        object(vec![
                            ("background_color", or_null(&c.user_input_background)),
                            ("text_color", or_null(&c.user_input_text)),
                            ("send_button", one("icon_color", &c.icon_background)),
                        ]),
                    ),
                    (
                        "product_card",
                        object(vec![(
                            "button",
                            one("background_color", &c.button_background),
                        )]),
                    ),
                ]),
            ),
        ])
    }
}

/// A JSON object of these entries.
fn object(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// A text, or `null` when there is none.
fn or_null(text: &Option<String>) -> Value {
    text.clone().map_or(Value::Null, Value::String)
}

impl FromJson for Configuration {
    fn from_json(value: &Value) -> Result<Self, Error> {
        Self::read(value)
    }
}

/// `general`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct General {
    /// Shown in the header.
    pub chatbot_name: Option<String>,
    /// Avatar picture.
    pub chatbot_avatar_path: Option<String>,
    /// Header logo.
    pub logo: Option<String>,
    /// The team behind the bot.
    pub team_name: Option<String>,
    /// Bot message *i* of an answer is revealed after `(i + 1) × message_delay` ms.
    pub message_delay: u32,
    /// Hide message times.
    pub hide_message_time: bool,
    /// Offer a restart button.
    pub show_restart_button: bool,
    /// What the restart button triggers.
    pub restart_button_callback: Option<String>,
    /// Offer an end-chat button.
    pub show_end_chat_button: bool,
    /// Offer the transcript download.
    pub show_download_button: bool,
    /// The client-drawn typing indicator.
    pub typing_indicator: Option<TypingIndicator>,
}

impl General {
    fn read(o: &Object) -> Self {
        Self {
            chatbot_name: text(o, "chatbotName"),
            chatbot_avatar_path: text(o, "chatbotAvatarPath"),
            logo: text(o, "logo"),
            team_name: text(o, "teamName"),
            message_delay: count(o, "messageDelay").unwrap_or(0),
            hide_message_time: flag(o, "hideMessageTime"),
            show_restart_button: flag(o, "showRestartButton"),
            restart_button_callback: text(o, "restartButtonCallback"),
            show_end_chat_button: flag(o, "showEndChatButton"),
            show_download_button: flag(o, "showDownloadButton"),
            typing_indicator: object_field(o, "typingIndicatorSettings").map(|t| TypingIndicator {
                color: text(t, "color"),
                texts: strings(t, "texts"),
            }),
        }
    }
}

/// `general.typingIndicatorSettings`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypingIndicator {
    /// Dot colour.
    pub color: Option<String>,
    /// Texts shown while typing.
    pub texts: Vec<String>,
}

/// Declares [`Colours`] from its wire keys, so each colour is named once.
macro_rules! colours {
    ($($field:ident = $key:literal,)*) => {
        /// `colours`: hex strings as sent; `None` falls back to the widget's own.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct Colours {
            $(
                #[doc = concat!("`", $key, "`.")]
                pub $field: Option<String>,
            )*
        }

        impl Colours {
            fn read(o: &Object) -> Self {
                Self { $( $field: text(o, $key), )* }
            }
        }
    };
}

colours! {
    header_background = "headerBackground",
    header_text = "headerText",
    launcher_background = "launcherBackground",
    message_list_background = "messageListBackground",
    sent_message_background = "sentMessageBackground",
    sent_message_text = "sentMessageText",
    received_message_background = "receivedMessageBackground",
    received_message_text = "receivedMessageText",
    user_input_background = "userInputBackground",
    user_input_text = "userInputText",
    button_background = "buttonBackground",
    button_hover_background = "buttonHoverBackground",
    button_text = "buttonText",
    external_button_background = "externalButtonBackground",
    external_button_hover_background = "externalButtonHoverBackground",
    external_button_text = "externalButtonText",
    icon_background = "iconBackground",
    icon_hover_background = "iconHoverBackground",
}

/// `webchatHistory`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WebchatHistory {
    /// Load history on start.
    pub show_history: bool,
    /// How many messages (`limit`); 0 when missing.
    pub number_of_messages: u32,
}

impl WebchatHistory {
    fn read(o: &Object) -> Self {
        Self {
            show_history: flag(o, "showHistory"),
            number_of_messages: count(o, "numberOfMessages").unwrap_or(0),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// History

/// `GET /chat-api/history`: rows newest first, as sent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// The rows, newest first.
    pub rows: Vec<HistoryRow>,
    /// Rows that could not be read, for the caller to log.
    pub skipped: Vec<SkippedEntry>,
}

impl History {
    /// Parses a response body (an empty body is an empty history).
    pub fn parse(body: &str) -> Result<Self, Error> {
        parse_or_empty(body, Self::read)
    }

    /// Reads a parsed body: an array of rows, or Laravel's `{"data": [...]}` wrapping of one;
    /// anything else is an empty history.
    pub fn read(value: &Value) -> Self {
        let rows = match value {
            Value::Array(rows) => rows.as_slice(),
            Value::Object(o) => match o.get("data") {
                Some(Value::Array(rows)) => rows.as_slice(),
                _ => &[],
            },
            _ => &[],
        };
        let mut history = Self::default();
        for (index, row) in rows.iter().enumerate() {
            match HistoryRow::read(row) {
                Ok(row) => history.rows.push(row),
                Err(error) => history.skipped.push(SkippedEntry {
                    index,
                    reason: error.to_string(),
                }),
            }
        }
        history
    }

    /// The rows oldest first, the order a conversation is drawn in.
    pub fn oldest_first(&self) -> impl Iterator<Item = &HistoryRow> {
        self.rows.iter().rev()
    }
}

/// One row of `GET /chat-api/history`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// The row's id (an integer written out, or a string), empty if missing.
    pub id: String,
    /// Laravel's timestamp text.
    pub created_at: Option<String>,
    /// The visitor.
    pub user_id: Option<String>,
    /// `"them"` for the bot, the user id for the visitor.
    pub author: String,
    /// The message type (`text`, `button_response`, `chat_open`, …).
    pub kind: String,
    /// The message's data, as sent.
    pub data: Value,
    /// The message id.
    pub message_id: Option<String>,
    /// The intent (bot rows).
    pub intent: Option<String>,
    /// Feedback can be given on this row (bot rows).
    pub message_template_id: Option<String>,
}

impl HistoryRow {
    /// Reads one row; an error if it is not an object or has no string `type`.
    pub fn read(value: &Value) -> Result<Self, Error> {
        let o = json::object(value)?;
        Ok(Self {
            id: id(o, "id").unwrap_or_default(),
            created_at: text(o, "created_at"),
            user_id: id(o, "user_id"),
            author: text_or_empty(o, "author"),
            kind: required_text(o, "type")?,
            data: o.get("data").cloned().unwrap_or(Value::Null),
            message_id: id(o, "message_id"),
            intent: text(o, "intent"),
            message_template_id: id(o, "message_template_id"),
        })
    }

    /// Whether the bot wrote it (`author` is `"them"`); any other author is the visitor.
    pub fn is_bot(&self) -> bool {
        self.author == BOT_AUTHOR
    }

    /// `data.text`, if it is a string (what a visitor row shows).
    pub fn text(&self) -> Option<&str> {
        self.data.get("text")?.as_str()
    }

    /// A bot row read as the message it was; an error if its data does not fit its type.
    pub fn bot_message(&self) -> Result<BotMessage, Error> {
        let data = data_object(Some(&self.data))?;
        Ok(BotMessage {
            author: self.author.clone(),
            kind: self.kind.clone(),
            intent: self.intent.clone(),
            message_template_id: self.message_template_id.clone(),
            request_id: None,
            common: Common::read(&data),
            body: BotBody::read(&self.kind, &data)?,
        })
    }
}

// ------------------------------------------------------------------------------------------------
// Errors

/// Laravel's error body: `{"message": "...", "errors"?: {"<field>": ["..."]}}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaravelError {
    /// A sentence (empty if missing).
    pub message: String,
    /// Field → messages, on 422s; empty otherwise.
    pub errors: Map,
}

impl LaravelError {
    /// Reads an error body; an error only if it is not an object.
    pub fn read(value: &Value) -> Result<Self, Error> {
        let o = json::object(value)?;
        Ok(Self {
            message: text_or_empty(o, "message"),
            errors: map_field(o, "errors"),
        })
    }

    /// The messages for one field (a lone string counts as one message).
    pub fn field_messages(&self, field: &str) -> Vec<&str> {
        match self.errors.get(field) {
            Some(Value::Array(messages)) => messages.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(message)) => vec![message.as_str()],
            _ => Vec::new(),
        }
    }
}

impl FromJson for LaravelError {
    fn from_json(value: &Value) -> Result<Self, Error> {
        Self::read(value)
    }
}

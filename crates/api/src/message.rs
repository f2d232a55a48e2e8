//! Messages and their parts (CONTRACT.md section 5): the one place that says what a reply can
//! contain.
//!
//! Every union here is one enum with an `Unknown` fallback, so a part, block or span this version
//! does not understand degrades to `Unknown` instead of failing the message around it. A known
//! type whose shape cannot be read degrades the same way (serde tries the known variants first,
//! then the untagged fallback). This module must never decide how anything is rendered.

use serde::Serialize;

use crate::json::Value;
use crate::{FromJson, ToJson};

use crate::tagged;

/// One message in a conversation, as streamed in `done`, listed in history and in livechat.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct Message {
    /// Server id, e.g. `msg_123`.
    pub message_id: String,
    /// Who wrote it.
    pub role: Role,
    /// The human agent, for `role: agent` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentInfo>,
    /// Ordered parts; markers sit between content parts.
    #[serde(default)]
    pub parts: Vec<Part>,
    /// RFC 3339 timestamp, kept as text (the widget only displays and orders by it).
    #[serde(default)]
    pub created_at: String,
    /// Livechat messages only: the cursor for `after_sequence_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

wire_enum! {
    /// Author of a [`Message`].
    pub enum Role {
        /// The visitor.
        User = "user",
        /// The chatbot.
        Assistant = "assistant",
        /// A human agent (livechat).
        Agent = "agent",
        /// A notice such as "Alice joined the chat".
        System = "system",
    }
}

/// A human agent as shown to the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct AgentInfo {
    /// The agent system's id for this agent.
    pub agent_id: String,
    /// Name shown above their messages.
    #[serde(default)]
    pub display_name: String,
    /// Avatar image; may be missing or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// The wire `type` tags of the parts this version knows: written once, for reading
/// ([`Part`]'s `FromJson`), for [`Part::type_name`] and for whoever names a part type.
pub mod part_type {
    /// `rich_text`.
    pub const RICH_TEXT: &str = "rich_text";
    /// `table`.
    pub const TABLE: &str = "table";
    /// `products`.
    pub const PRODUCTS: &str = "products";
    /// `suggestions`.
    pub const SUGGESTIONS: &str = "suggestions";
    /// `quick_replies`.
    pub const QUICK_REPLIES: &str = "quick_replies";
    /// `image`.
    pub const IMAGE: &str = "image";
    /// `file`.
    pub const FILE: &str = "file";
    /// `text`.
    pub const TEXT: &str = "text";
    /// `show_contact_form`.
    pub const SHOW_CONTACT_FORM: &str = "show_contact_form";
    /// `show_support_ticket`.
    pub const SHOW_SUPPORT_TICKET: &str = "show_support_ticket";
    /// `show_form`.
    pub const SHOW_FORM: &str = "show_form";
    /// `request_image_upload`.
    pub const REQUEST_IMAGE_UPLOAD: &str = "request_image_upload";
    /// `request_human_agent`.
    pub const REQUEST_HUMAN_AGENT: &str = "request_human_agent";
    /// `custom`.
    pub const CUSTOM: &str = "custom";
}

/// One part of a message: content the widget renders, or a marker the widget acts on.
/// (`Deserialize` is written out in [`crate::tagged`]'s way; the `serde` attributes serialize.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Paragraphs and bullet lists.
    RichText(RichTextPart),
    /// A table of rich cells.
    Table(TablePart),
    /// Product cards.
    Products(ProductsPart),
    /// Clickable suggestion cards that send a prompt.
    Suggestions(SuggestionsPart),
    /// Clickable reply chips that send their text.
    QuickReplies(QuickRepliesPart),
    /// An image (echoed upload or attachment).
    Image(ImagePart),
    /// A file attachment.
    File(FilePart),
    /// Plain text, as a visitor's own message is echoed in history.
    Text(TextPart),
    /// Marker: render the contact form inline.
    ShowContactForm(ShowContactForm),
    /// Marker: render the support-ticket form.
    ShowSupportTicket(ShowSupportTicket),
    /// Marker: render a generic form.
    ShowForm(ShowForm),
    /// Marker: prompt the visitor for an image upload.
    RequestImageUpload(RequestImageUpload),
    /// Marker: offer handover to a human.
    RequestHumanAgent(RequestHumanAgent),
    /// Marker: hand `key`/`payload` to the host page; renders nothing.
    Custom(CustomMarker),
    /// A part type this version does not know (or cannot read): skipped by the view.
    #[serde(untagged)]
    Unknown(UnknownPart),
}

impl Part {
    /// The part's id, if it has one (plain image/file/text parts may not).
    pub fn part_id(&self) -> Option<&str> {
        let id = match self {
            Self::RichText(p) => &p.part_id,
            Self::Table(p) => &p.part_id,
            Self::Products(p) => &p.part_id,
            Self::Suggestions(p) => &p.part_id,
            Self::QuickReplies(p) => &p.part_id,
            Self::ShowContactForm(p) => &p.part_id,
            Self::ShowSupportTicket(p) => &p.part_id,
            Self::ShowForm(p) => &p.part_id,
            Self::RequestImageUpload(p) => &p.part_id,
            Self::RequestHumanAgent(p) => &p.part_id,
            Self::Custom(p) => &p.part_id,
            Self::Image(p) => return p.part_id.as_deref(),
            Self::File(p) => return p.part_id.as_deref(),
            Self::Text(p) => return p.part_id.as_deref(),
            Self::Unknown(p) => return p.part_id.as_deref(),
        };
        Some(id.as_str())
    }

    /// The `type` tag as it appears on the wire (an unknown part's own tag).
    pub fn type_name(&self) -> &str {
        match self {
            Self::Unknown(p) => &p.type_name,
            known => known.known_type().unwrap_or_default(),
        }
    }

    /// The `type` tag of a part this version knows, as a constant of [`part_type`]; `None` for
    /// [`Part::Unknown`].
    pub fn known_type(&self) -> Option<&'static str> {
        Some(match self {
            Self::RichText(_) => part_type::RICH_TEXT,
            Self::Table(_) => part_type::TABLE,
            Self::Products(_) => part_type::PRODUCTS,
            Self::Suggestions(_) => part_type::SUGGESTIONS,
            Self::QuickReplies(_) => part_type::QUICK_REPLIES,
            Self::Image(_) => part_type::IMAGE,
            Self::File(_) => part_type::FILE,
            Self::Text(_) => part_type::TEXT,
            Self::ShowContactForm(_) => part_type::SHOW_CONTACT_FORM,
            Self::ShowSupportTicket(_) => part_type::SHOW_SUPPORT_TICKET,
            Self::ShowForm(_) => part_type::SHOW_FORM,
            Self::RequestImageUpload(_) => part_type::REQUEST_IMAGE_UPLOAD,
            Self::RequestHumanAgent(_) => part_type::REQUEST_HUMAN_AGENT,
            Self::Custom(_) => part_type::CUSTOM,
            Self::Unknown(_) => return None,
        })
    }

    /// Whether this is a marker (the client acts on it) rather than content.
    pub fn is_marker(&self) -> bool {
        self.submitted_flag().is_some()
    }

    /// For markers: whether the visitor already submitted it (ours; history marks it).
    /// `None` for content parts.
    pub fn submitted(&self) -> Option<bool> {
        self.submitted_flag().map(|flag| flag.unwrap_or(false))
    }

    /// Marks a marker as submitted (or not). Returns `false`, changing nothing, for content parts.
    pub fn set_submitted(&mut self, submitted: bool) -> bool {
        let flag = match self {
            Self::ShowContactForm(p) => &mut p.submitted,
            Self::ShowSupportTicket(p) => &mut p.submitted,
            Self::ShowForm(p) => &mut p.submitted,
            Self::RequestImageUpload(p) => &mut p.submitted,
            Self::RequestHumanAgent(p) => &mut p.submitted,
            Self::Custom(p) => &mut p.submitted,
            _ => return false,
        };
        *flag = submitted.then_some(true);
        true
    }

    fn submitted_flag(&self) -> Option<Option<bool>> {
        match self {
            Self::ShowContactForm(p) => Some(p.submitted),
            Self::ShowSupportTicket(p) => Some(p.submitted),
            Self::ShowForm(p) => Some(p.submitted),
            Self::RequestImageUpload(p) => Some(p.submitted),
            Self::RequestHumanAgent(p) => Some(p.submitted),
            Self::Custom(p) => Some(p.submitted),
            _ => None,
        }
    }
}

/// A part of a type this version does not know. Only what is needed to skip it (and log it) is
/// kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct UnknownPart {
    /// The unknown `type` tag.
    #[serde(rename = "type", default)]
    pub type_name: String,
    /// Its id, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
}

// ------------------------------------------------------------------------------------------------
// Rich text

/// `rich_text`: ordered blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct RichTextPart {
    /// Stable id; deltas address the part by it.
    #[serde(default)]
    pub part_id: String,
    /// Paragraphs and lists, in order.
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// A rich-text block. (`Deserialize` is written out, see [`Part`].)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of inline spans.
    Paragraph {
        /// Inline content.
        #[serde(default)]
        spans: Vec<Span>,
    },
    /// A bullet list.
    BulletList {
        /// The list items.
        #[serde(default)]
        items: Vec<ListItem>,
    },
    /// A block type this version does not know: skipped by the view.
    #[serde(untagged)]
    Unknown {
        /// The unknown `type` tag.
        #[serde(rename = "type", default)]
        type_name: String,
    },
}

/// One bullet-list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ListItem {
    /// Inline content of the item.
    #[serde(default)]
    pub spans: Vec<Span>,
}

/// Inline rich-text content. (`Deserialize` is written out, see [`Part`].)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Span {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// Bold text.
    Bold {
        /// The text.
        text: String,
    },
    /// Struck-through text.
    Strike {
        /// The text.
        text: String,
    },
    /// A link.
    Link {
        /// The link text.
        text: String,
        /// The target.
        url: String,
    },
    /// A span type this version does not know: shown as its plain `text` if it has one.
    #[serde(untagged)]
    Unknown {
        /// The unknown `type` tag.
        #[serde(rename = "type", default)]
        type_name: String,
        /// Its text, if any, so it can degrade to plain text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
}

impl Span {
    /// The visible text of the span (empty for an unknown span without text).
    pub fn text(&self) -> &str {
        match self {
            Self::Text { text } | Self::Bold { text } | Self::Strike { text } => text,
            Self::Link { text, .. } => text,
            Self::Unknown { text, .. } => text.as_deref().unwrap_or(""),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Tables

/// `table`: headers and rows of rich cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct TablePart {
    /// Stable id.
    #[serde(default)]
    pub part_id: String,
    /// Optional caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Header cells.
    #[serde(default)]
    pub headers: Vec<Cell>,
    /// Per-column alignment; missing columns are left-aligned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignments: Vec<Alignment>,
    /// Body rows.
    #[serde(default)]
    pub rows: Vec<Vec<Cell>>,
}

wire_enum! {
    /// Column alignment in a table.
    pub enum Alignment {
        /// Left.
        Left = "left",
        /// Center.
        Center = "center",
        /// Right.
        Right = "right",
    }
}

/// A table cell: a small stack of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct Cell {
    /// The cell content.
    #[serde(default)]
    pub blocks: Vec<CellBlock>,
}

/// A block inside a table cell. (`Deserialize` is written out, see [`Part`].)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CellBlock {
    /// A paragraph.
    Paragraph {
        /// Inline content.
        #[serde(default)]
        spans: Vec<Span>,
    },
    /// A bullet list.
    BulletList {
        /// The list items.
        #[serde(default)]
        items: Vec<ListItem>,
    },
    /// An image.
    Image {
        /// Full-size image.
        url: String,
        /// Smaller image to show in the cell.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thumbnail_url: Option<String>,
        /// Alternative text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alt: Option<String>,
    },
    /// A cell block type this version does not know: skipped.
    #[serde(untagged)]
    Unknown {
        /// The unknown `type` tag.
        #[serde(rename = "type", default)]
        type_name: String,
    },
}

// ------------------------------------------------------------------------------------------------
// Products, suggestions, quick replies

/// `products`: product cards.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct ProductsPart {
    /// Stable id.
    #[serde(default)]
    pub part_id: String,
    /// The cards, in order.
    #[serde(default)]
    pub products: Vec<ProductCard>,
}

/// One product card. Text fields default to empty so one odd card does not drop the others.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct ProductCard {
    /// Shop's product id.
    #[serde(default)]
    pub id: String,
    /// Product name.
    #[serde(default)]
    pub title: String,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Product image; may be malformed, so the view needs a placeholder.
    #[serde(default)]
    pub image_url: String,
    /// Current price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Price before discount, shown struck through when above `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_price: Option<Price>,
    /// A badge such as "60% Deal".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub splash: Option<String>,
    /// Product page.
    #[serde(default)]
    pub url: String,
    /// Present when the product can be added to the cart from the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_to_cart: Option<AddToCart>,
}

impl ProductCard {
    /// Whether `original_price` should be shown struck through: it exists, is in the same
    /// currency and is higher than `price`.
    pub fn is_discounted(&self) -> bool {
        match (&self.price, &self.original_price) {
            (Some(now), Some(before)) => {
                before.currency == now.currency && before.amount > now.amount
            }
            _ => false,
        }
    }
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct Price {
    /// Amount in major units (499.0 = 499 kr).
    pub amount: f64,
    /// ISO 4217 code, e.g. `DKK`.
    #[serde(default)]
    pub currency: String,
}

/// How to add a product to the host shop's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AddToCart {
    /// The SKU handed to the host page.
    pub sku: String,
    /// An add-to-cart URL, if the shop has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `suggestions`: cards that send `prompt_text` when clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct SuggestionsPart {
    /// Stable id.
    #[serde(default)]
    pub part_id: String,
    /// The cards.
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
}

/// One suggestion card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct Suggestion {
    /// Id.
    #[serde(default)]
    pub id: String,
    /// Card title.
    #[serde(default)]
    pub title: String,
    /// Card text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Card image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Sent as the visitor's message on click.
    pub prompt_text: String,
}

/// `quick_replies`: chips that send their text when clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct QuickRepliesPart {
    /// Stable id.
    #[serde(default)]
    pub part_id: String,
    /// The reply texts.
    #[serde(default)]
    pub replies: Vec<String>,
}

// ------------------------------------------------------------------------------------------------
// Images, files, plain text

/// `image`. `url` may be host-less (resolve against the API base) or a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ImagePart {
    /// Usually absent on plain images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
    /// Where to load it from; signed URLs expire, so never store them.
    pub url: String,
    /// Stable attachment id (refetch for a fresh `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// When a signed `url` stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_expires_at: Option<String>,
    /// A smaller rendition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// Caption under the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// `file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct FilePart {
    /// Usually absent on plain files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
    /// Name to show and to download as.
    #[serde(default)]
    pub filename: String,
    /// Where to load it from; signed URLs expire, so never store them.
    pub url: String,
    /// Stable attachment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// When a signed `url` stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_expires_at: Option<String>,
}

/// `text`: plain text (the visitor's own message echoed in history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct TextPart {
    /// Usually absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
    /// The text.
    pub text: String,
}

// ------------------------------------------------------------------------------------------------
// Markers

/// Marker `show_contact_form`: submit as [`crate::Action::ContactForm`].
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct ShowContactForm {
    /// Passed back in the action.
    #[serde(default)]
    pub part_id: String,
    /// The form's fields.
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// (ours) `true` once submitted, so history renders it as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

/// Marker `show_support_ticket`: submit as [`crate::Action::SupportTicket`].
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct ShowSupportTicket {
    /// Passed back in the action.
    #[serde(default)]
    pub part_id: String,
    /// Extra fields beyond name, email and message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FormField>,
    /// Defaults to true; see [`ShowSupportTicket::accepts_attachments`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments_accepted: Option<bool>,
    /// See [`ShowSupportTicket::max_attachment_size`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attachment_size_bytes: Option<u64>,
    /// (ours) `true` once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

impl ShowSupportTicket {
    /// Default of `max_attachment_size_bytes` (2 MiB).
    pub const DEFAULT_MAX_ATTACHMENT_SIZE_BYTES: u64 = 2_097_152;

    /// Whether attachments may be added (default true).
    pub fn accepts_attachments(&self) -> bool {
        self.attachments_accepted.unwrap_or(true)
    }

    /// Largest attachment in bytes (default 2 MiB).
    pub fn max_attachment_size(&self) -> u64 {
        self.max_attachment_size_bytes
            .unwrap_or(Self::DEFAULT_MAX_ATTACHMENT_SIZE_BYTES)
    }
}

/// Marker `show_form`: a generic form; submit as [`crate::Action::FormSubmission`].
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct ShowForm {
    /// Passed back in the action.
    #[serde(default)]
    pub part_id: String,
    /// The form's id.
    pub form_id: String,
    /// Title.
    #[serde(default)]
    pub name: String,
    /// Shown once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_text: Option<String>,
    /// The fields.
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// Least number of non-empty fields to allow submitting (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_filled_fields: Option<u32>,
    /// (ours) `true` once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

/// Marker `request_image_upload`: the upload goes out as an `image` part in the next message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct RequestImageUpload {
    /// Id of the marker.
    #[serde(default)]
    pub part_id: String,
    /// Accepted MIME types; see [`RequestImageUpload::accepted_types`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_types: Option<Vec<String>>,
    /// See [`RequestImageUpload::max_size`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_bytes: Option<u64>,
    /// (ours) `true` once answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

impl RequestImageUpload {
    /// The accepted types when the marker names none.
    pub const DEFAULT_ACCEPTED_TYPES: [&'static str; 3] = ["image/png", "image/jpeg", "image/webp"];
    /// Default of `max_size_bytes` (5 MiB).
    pub const DEFAULT_MAX_SIZE_BYTES: u64 = 5_242_880;

    /// Accepted MIME types (default png, jpeg, webp).
    pub fn accepted_types(&self) -> Vec<&str> {
        match &self.accepted_types {
            Some(types) if !types.is_empty() => types.iter().map(String::as_str).collect(),
            _ => Self::DEFAULT_ACCEPTED_TYPES.to_vec(),
        }
    }

    /// Largest upload in bytes (default 5 MiB).
    pub fn max_size(&self) -> u64 {
        self.max_size_bytes.unwrap_or(Self::DEFAULT_MAX_SIZE_BYTES)
    }
}

/// Marker `request_human_agent`: offer handover, passing this `part_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct RequestHumanAgent {
    /// Sent as `part_id` to `/livechat/handover`.
    #[serde(default)]
    pub part_id: String,
    /// (ours) `true` once acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

/// Marker `custom` (shape ours): hands `key`/`payload` to the host page.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct CustomMarker {
    /// Id of the marker.
    #[serde(default)]
    pub part_id: String,
    /// What the host page should do.
    pub key: String,
    /// Any JSON for the host page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    /// (ours) `true` once handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
}

// ------------------------------------------------------------------------------------------------
// Form fields

/// One field of a form marker or form definition.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct FormField {
    /// Key used in the submitted map, exactly as given.
    pub key: String,
    /// Label shown above the field.
    #[serde(default)]
    pub label: String,
    /// Placeholder text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Input kind; unknown kinds are `text`.
    #[serde(rename = "type", default)]
    pub field_type: FieldType,
    /// Must be filled (when visible).
    #[serde(default, skip_serializing_if = "crate::is_default")]
    pub required: bool,
    /// Choices of a `dropdown`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// All conditions must hold for the field to be shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visible_when: Vec<VisibleWhen>,
}

impl FormField {
    /// Whether the field is shown, given a lookup of the other fields' current values. A hidden
    /// field is neither validated nor submitted.
    pub fn is_visible<'a>(&self, value_of: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.visible_when
            .iter()
            .all(|condition| condition.holds(value_of(&condition.field)))
    }
}

wire_enum! {
    unknown = Text;
    /// The kind of a form field. Unknown kinds render as `text` (contract), so they read as
    /// [`FieldType::Text`]; `phone` is an old alias of `tel`.
    pub enum FieldType {
        /// Single-line text.
        Text = "text",
        /// Email address.
        Email = "email",
        /// Phone number.
        Tel = "tel" | "phone",
        /// Multi-line text.
        Textarea = "textarea",
        /// File upload.
        File = "file",
        /// One of `options`.
        Dropdown = "dropdown",
    }
}

/// A visibility condition on another field.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct VisibleWhen {
    /// Key of the field it depends on.
    pub field: String,
    /// The comparison.
    #[serde(default = "VisibleWhen::default_operator")]
    pub operator: ConditionOperator,
    /// The value compared against (any JSON; strings are the norm).
    #[serde(default)]
    pub value: Value,
}

impl VisibleWhen {
    fn default_operator() -> ConditionOperator {
        ConditionOperator::Equals
    }

    /// Whether the condition holds for the other field's current value. An unknown operator
    /// counts as holding: showing a field the server meant to hide is safer than silently
    /// dropping one it meant to show.
    pub fn holds(&self, current: Option<&str>) -> bool {
        match self.operator {
            ConditionOperator::Equals => {
                let current = current.unwrap_or("");
                match &self.value {
                    Value::String(expected) => current == expected,
                    Value::Null => current.is_empty(),
                    // A number or bool condition matches the field's text form ("1", "true"):
                    // its JSON text, as `Value`'s `Display` writes it.
                    other => current == crate::write::to_json(other),
                }
            }
            ConditionOperator::Other(_) => true,
        }
    }
}

wire_enum! {
    /// Operator of a [`VisibleWhen`] condition.
    pub enum ConditionOperator {
        /// The other field's value equals `value`.
        Equals = "equals",
    }
}

// ------------------------------------------------------------------------------------------------
// Reading the unions (see `crate::tagged` for why these are not derived)

tagged::tagged_union!(Part);

impl Part {
    fn from_json_value(value: &Value) -> Option<Self> {
        let known = match tagged::tag(value, "type") {
            Some(part_type::RICH_TEXT) => tagged::body(value).map(Self::RichText),
            Some(part_type::TABLE) => tagged::body(value).map(Self::Table),
            Some(part_type::PRODUCTS) => tagged::body(value).map(Self::Products),
            Some(part_type::SUGGESTIONS) => tagged::body(value).map(Self::Suggestions),
            Some(part_type::QUICK_REPLIES) => tagged::body(value).map(Self::QuickReplies),
            Some(part_type::IMAGE) => tagged::body(value).map(Self::Image),
            Some(part_type::FILE) => tagged::body(value).map(Self::File),
            Some(part_type::TEXT) => tagged::body(value).map(Self::Text),
            Some(part_type::SHOW_CONTACT_FORM) => tagged::body(value).map(Self::ShowContactForm),
            Some(part_type::SHOW_SUPPORT_TICKET) => {
                tagged::body(value).map(Self::ShowSupportTicket)
            }
            Some(part_type::SHOW_FORM) => tagged::body(value).map(Self::ShowForm),
            Some(part_type::REQUEST_IMAGE_UPLOAD) => {
                tagged::body(value).map(Self::RequestImageUpload)
            }
            Some(part_type::REQUEST_HUMAN_AGENT) => {
                tagged::body(value).map(Self::RequestHumanAgent)
            }
            Some(part_type::CUSTOM) => tagged::body(value).map(Self::Custom),
            _ => None,
        };
        known.or_else(|| {
            Some(Self::Unknown(UnknownPart {
                type_name: tagged::string_or_default(value, "type")?,
                part_id: tagged::optional_string(value, "part_id")?,
            }))
        })
    }
}

/// The body of a `bullet_list` block (in rich text and in cells).
#[derive(FromJson)]
struct BulletListBody {
    #[serde(default)]
    items: Vec<ListItem>,
}

tagged::tagged_union!(Block);

impl Block {
    fn from_json_value(value: &Value) -> Option<Self> {
        let known = match tagged::tag(value, "type") {
            // A paragraph's body is exactly a list item's: `spans`, defaulting to none.
            Some("paragraph") => {
                tagged::body(value).map(|ListItem { spans }| Self::Paragraph { spans })
            }
            Some("bullet_list") => {
                tagged::body(value).map(|BulletListBody { items }| Self::BulletList { items })
            }
            _ => None,
        };
        known.or_else(|| {
            Some(Self::Unknown {
                type_name: tagged::string_or_default(value, "type")?,
            })
        })
    }
}

tagged::tagged_union!(Span);

impl Span {
    pub(crate) fn from_json_value(value: &Value) -> Option<Self> {
        let text = || tagged::string(value, "text");
        let known = match tagged::tag(value, "type") {
            Some("text") => text().map(|text| Self::Text { text }),
            Some("bold") => text().map(|text| Self::Bold { text }),
            Some("strike") => text().map(|text| Self::Strike { text }),
            Some("link") => text().and_then(|text| {
                Some(Self::Link {
                    text,
                    url: tagged::string(value, "url")?,
                })
            }),
            _ => None,
        };
        known.or_else(|| {
            Some(Self::Unknown {
                type_name: tagged::string_or_default(value, "type")?,
                text: tagged::optional_string(value, "text")?,
            })
        })
    }
}

tagged::tagged_union!(CellBlock);

impl CellBlock {
    fn from_json_value(value: &Value) -> Option<Self> {
        let known = match tagged::tag(value, "type") {
            Some("paragraph") => {
                tagged::body(value).map(|ListItem { spans }| Self::Paragraph { spans })
            }
            Some("bullet_list") => {
                tagged::body(value).map(|BulletListBody { items }| Self::BulletList { items })
            }
            Some("image") => (|| {
                Some(Self::Image {
                    url: tagged::string(value, "url")?,
                    thumbnail_url: tagged::optional_string(value, "thumbnail_url")?,
                    alt: tagged::optional_string(value, "alt")?,
                })
            })(),
            _ => None,
        };
        known.or_else(|| {
            Some(Self::Unknown {
                type_name: tagged::string_or_default(value, "type")?,
            })
        })
    }
}

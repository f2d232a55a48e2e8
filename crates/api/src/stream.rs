//! Payloads of the message stream's SSE events (CONTRACT.md section 4), and their encoding into
//! SSE frames so the sandbox emits exactly what the widget parses.
//!
//! This module knows event names and JSON shapes only; framing bytes into events is [`crate::sse`]
//! and applying deltas is [`crate::reducer`]. It must never fail on an event name or delta action
//! it does not know: those become `Unknown` and the caller logs and skips them.

use serde::Serialize;

use crate::FromJson;

use crate::json::Value;

use crate::{tagged, Alignment, Cell, ListItem, Message, Part, ProductCard, Span};

/// One event of the message stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// `status`: progress of the request.
    Status(StatusEvent),
    /// `part_delta`: an incremental change to a streamed part.
    PartDelta(PartDeltaEvent),
    /// `part`: a part in its final shape.
    Part(PartEvent),
    /// `done` (terminal): the whole reply.
    Done(DoneEvent),
    /// `error` (terminal): generation failed.
    Error(StreamErrorEvent),
    /// An event name this version does not know; its data is not read.
    Unknown {
        /// The event name.
        name: String,
    },
}

/// Why an SSE event could not be read as a [`StreamEvent`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamEventError {
    /// The data of a known event is not the JSON it should be.
    #[error("malformed `{event}` event data: {reason}")]
    Malformed {
        /// The event name.
        event: String,
        /// What the JSON reader said (worded as serde_json words it).
        reason: String,
    },
}

impl StreamEvent {
    /// Reads one dispatched SSE event. An unknown event name is `Ok(Unknown)`; bad JSON in a
    /// known event is an error (the caller logs and skips it).
    pub fn from_sse(name: &str, data: &str) -> Result<StreamEvent, StreamEventError> {
        fn parse<T: FromJson>(name: &str, data: &str) -> Result<T, StreamEventError> {
            crate::from_json(data).map_err(|err| StreamEventError::Malformed {
                event: name.to_owned(),
                reason: err.to_string(),
            })
        }
        Ok(match name {
            "status" => Self::Status(parse(name, data)?),
            "part_delta" => Self::PartDelta(parse(name, data)?),
            "part" => Self::Part(parse(name, data)?),
            "done" => Self::Done(parse(name, data)?),
            "error" => Self::Error(parse(name, data)?),
            other => Self::Unknown {
                name: other.to_owned(),
            },
        })
    }

    /// The SSE event name.
    pub fn event_name(&self) -> &str {
        match self {
            Self::Status(_) => "status",
            Self::PartDelta(_) => "part_delta",
            Self::Part(_) => "part",
            Self::Done(_) => "done",
            Self::Error(_) => "error",
            Self::Unknown { name } => name,
        }
    }

    /// Whether the server closes the stream after this event.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Done(_) | Self::Error(_))
    }

    /// The JSON `data` of this event (`{}` for `Unknown`, whose data is not kept).
    pub fn data_json(&self) -> String {
        let json = match self {
            Self::Status(e) => serde_json::to_string(e),
            Self::PartDelta(e) => serde_json::to_string(e),
            Self::Part(e) => serde_json::to_string(e),
            Self::Done(e) => serde_json::to_string(e),
            Self::Error(e) => serde_json::to_string(e),
            Self::Unknown { .. } => Ok(String::from("{}")),
        };
        // These types only have string map keys, so serializing cannot fail; an empty object
        // is still a well-formed frame if it somehow did.
        json.unwrap_or_else(|_| String::from("{}"))
    }

    /// The complete SSE frame: `event: <name>\ndata: <json>\n\n`. serde_json escapes newlines
    /// inside strings, so the data always fits on one `data:` line.
    pub fn to_sse_frame(&self) -> String {
        format!(
            "event: {}\ndata: {}\n\n",
            self.event_name(),
            self.data_json()
        )
    }
}

/// `status` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct StatusEvent {
    /// The stage.
    pub status: StreamStatus,
    /// Optional text to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

wire_enum! {
    /// Stage reported by a `status` event.
    pub enum StreamStatus {
        /// The stream is open.
        Connected = "connected",
        /// The assistant is working (show "thinking").
        Processing = "processing",
        /// Generation finished.
        Complete = "complete",
        /// Generation failed.
        Error = "error",
    }
}

/// `part_delta` data.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct PartDeltaEvent {
    /// The part being built.
    pub part_id: String,
    /// The change.
    pub delta: Delta,
}

/// `part` data: the final shape of one part.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct PartEvent {
    /// The part; replaces whatever deltas built for its `part_id`.
    pub part: Part,
}

/// `done` data: the source of truth for the whole reply.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct DoneEvent {
    /// The finished assistant message.
    pub message: Message,
    /// A new visitor token bound to the conversation; adopt it before the next request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_token: Option<String>,
}

/// `error` data (terminal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct StreamErrorEvent {
    /// What went wrong.
    pub code: StreamErrorCode,
    /// Text to show.
    #[serde(default)]
    pub message: String,
    /// Whether offering "retry" makes sense.
    #[serde(default)]
    pub retryable: bool,
}

wire_enum! {
    /// Codes of a stream `error` event.
    pub enum StreamErrorCode {
        /// The model failed (known).
        GenerationFailed = "generation_failed",
        /// (ours) Generation took too long.
        Timeout = "timeout",
        /// (ours) The reply was blocked.
        ContentFiltered = "content_filtered",
        /// (ours) A livechat session is active; switch input to livechat.
        LivechatActive = "livechat_active",
        /// (ours) Server fault.
        Internal = "internal",
    }
}

/// One incremental change to a streamed part (`delta.action`). (`Deserialize` is written out in
/// [`crate::tagged`]'s way; the `serde` attributes serialize.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Delta {
    /// A new part with this `part_id` begins.
    StartPart {
        /// What kind of part.
        part_type: PartType,
        /// Tables: header cells.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<Cell>,
        /// Tables: column alignments.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        alignments: Vec<Alignment>,
        /// Tables: caption.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    /// A rich-text block begins; an existing index is replaced.
    StartBlock {
        /// Position in `blocks`.
        block_index: usize,
        /// Paragraph or bullet list.
        block_type: BlockType,
    },
    /// Plain text appended to a paragraph.
    AppendText {
        /// The paragraph.
        block_index: usize,
        /// The text.
        text: String,
    },
    /// A finished span appended to a paragraph.
    AppendSpan {
        /// The paragraph.
        block_index: usize,
        /// The span.
        span: Span,
    },
    /// An item appended to a bullet list.
    AppendItem {
        /// The list.
        block_index: usize,
        /// The item.
        item: ListItem,
    },
    /// The block is complete.
    EndBlock {
        /// The block.
        block_index: usize,
    },
    /// A product card appended to a `products` part.
    AppendProduct {
        /// The card.
        product: ProductCard,
    },
    /// A row appended to a `table` part.
    AppendRow {
        /// The cells.
        row: Vec<Cell>,
    },
    /// The part is complete; a `part` event follows.
    EndPart,
    /// An action this version does not know (or cannot read); ignored, never fatal.
    #[serde(untagged)]
    Unknown {
        /// The `action` as sent.
        #[serde(default)]
        action: String,
    },
}

tagged::tagged_union!(Delta);

/// The body of a `start_part` delta.
#[derive(FromJson)]
struct StartPartBody {
    part_type: PartType,
    #[serde(default)]
    headers: Vec<Cell>,
    #[serde(default)]
    alignments: Vec<Alignment>,
    #[serde(default)]
    caption: Option<String>,
}

impl Delta {
    fn from_json_value(value: &Value) -> Option<Self> {
        let block_index = || tagged::index(value, "block_index");
        let field = |key| value.get(key);
        let known = match tagged::tag(value, "action") {
            Some("start_part") => tagged::body(value).map(|body: StartPartBody| Self::StartPart {
                part_type: body.part_type,
                headers: body.headers,
                alignments: body.alignments,
                caption: body.caption,
            }),
            Some("start_block") => (|| {
                Some(Self::StartBlock {
                    block_index: block_index()?,
                    block_type: BlockType::from_wire(field("block_type")?.as_str()?),
                })
            })(),
            Some("append_text") => (|| {
                Some(Self::AppendText {
                    block_index: block_index()?,
                    text: tagged::string(value, "text")?,
                })
            })(),
            Some("append_span") => (|| {
                Some(Self::AppendSpan {
                    block_index: block_index()?,
                    span: Span::from_json_value(field("span")?)?,
                })
            })(),
            Some("append_item") => (|| {
                Some(Self::AppendItem {
                    block_index: block_index()?,
                    item: tagged::body(field("item")?)?,
                })
            })(),
            Some("end_block") => block_index().map(|block_index| Self::EndBlock { block_index }),
            Some("append_product") => field("product")
                .and_then(tagged::body)
                .map(|product| Self::AppendProduct { product }),
            Some("append_row") => field("row")
                .and_then(tagged::body)
                .map(|row| Self::AppendRow { row }),
            Some("end_part") => Some(Self::EndPart),
            _ => None,
        };
        known.or_else(|| {
            Some(Self::Unknown {
                action: tagged::string_or_default(value, "action")?,
            })
        })
    }

    /// The `action` as on the wire.
    pub fn action(&self) -> &str {
        match self {
            Self::StartPart { .. } => "start_part",
            Self::StartBlock { .. } => "start_block",
            Self::AppendText { .. } => "append_text",
            Self::AppendSpan { .. } => "append_span",
            Self::AppendItem { .. } => "append_item",
            Self::EndBlock { .. } => "end_block",
            Self::AppendProduct { .. } => "append_product",
            Self::AppendRow { .. } => "append_row",
            Self::EndPart => "end_part",
            Self::Unknown { action } => action,
        }
    }
}

wire_enum! {
    /// The kind of part a `start_part` begins. Only these stream; others arrive whole.
    pub enum PartType {
        /// [`crate::RichTextPart`].
        RichText = "rich_text",
        /// [`crate::ProductsPart`].
        Products = "products",
        /// [`crate::TablePart`].
        Table = "table",
    }
}

wire_enum! {
    /// The kind of block a `start_block` begins.
    pub enum BlockType {
        /// [`crate::Block::Paragraph`].
        Paragraph = "paragraph",
        /// [`crate::Block::BulletList`].
        BulletList = "bullet_list",
    }
}

//! The body of `POST /messages` and `POST /livechat/messages` (CONTRACT.md section 3), and the
//! upload size limits. Wire types only: reading files and base64-encoding them is the widget's job.

use serde::{Deserialize, Serialize};

use crate::json::Map;
use crate::write::{write_str, Object};
use crate::ToJson;

/// Largest `data` of an `image`/`file` input part, in base64 characters (5 MiB decoded).
pub const MAX_MESSAGE_DATA_BASE64_LEN: usize = 6_990_508;
/// Largest decoded upload in a message (5 MiB).
pub const MAX_MESSAGE_DATA_BYTES: usize = 5 * 1024 * 1024;
/// Largest `data_base64` of an action attachment, in base64 characters (2 MiB decoded).
pub const MAX_ACTION_ATTACHMENT_BASE64_LEN: usize = 2_796_203;
/// Largest decoded action attachment (2 MiB).
pub const MAX_ACTION_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;

/// Length of the base64 (padded) encoding of `bytes` bytes: lets the widget check a file against
/// the limits before encoding it.
pub const fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3) * 4
}

/// `POST /messages` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToJson)]
pub struct SendMessage {
    /// What the visitor sends.
    pub message: OutgoingMessage,
    /// Where the visitor is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
}

/// The parts a visitor (or agent) sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToJson)]
pub struct OutgoingMessage {
    /// Text, images and files, in order.
    pub parts: Vec<InputPart>,
}

/// One outgoing part. No `Unknown` fallback: the server must reject what it does not accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputPart {
    /// Text typed by the visitor.
    Text {
        /// The text.
        text: String,
    },
    /// An image upload.
    Image {
        /// Base64 without a `data:` prefix, at most [`MAX_MESSAGE_DATA_BASE64_LEN`] characters.
        data: String,
        /// MIME type, e.g. `image/png`.
        mime: String,
        /// Original file name.
        #[serde(default)]
        filename: String,
    },
    /// A file upload.
    File {
        /// Base64 without a `data:` prefix, at most [`MAX_MESSAGE_DATA_BASE64_LEN`] characters.
        data: String,
        /// MIME type, e.g. `application/pdf`.
        mime: String,
        /// Original file name.
        #[serde(default)]
        filename: String,
    },
}

/// As serde writes an internally tagged enum: the tag first, then the variant's fields.
impl ToJson for InputPart {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::open(out);
        match self {
            InputPart::Text { text } => {
                object.key("\"type\":").push_str("\"text\"");
                write_str(object.key("\"text\":"), text);
            }
            InputPart::Image {
                data,
                mime,
                filename,
            }
            | InputPart::File {
                data,
                mime,
                filename,
            } => {
                let tag = if matches!(self, InputPart::Image { .. }) {
                    "\"image\""
                } else {
                    "\"file\""
                };
                object.key("\"type\":").push_str(tag);
                write_str(object.key("\"data\":"), data);
                write_str(object.key("\"mime\":"), mime);
                write_str(object.key("\"filename\":"), filename);
            }
        }
        object.close();
    }
}

/// The text parts of a message, in order (attachments skipped).
pub fn texts(parts: &[InputPart]) -> impl Iterator<Item = &str> {
    parts.iter().filter_map(|part| match part {
        InputPart::Text { text } => Some(text.as_str()),
        _ => None,
    })
}

/// Page context sent with a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToJson)]
pub struct Context {
    /// The page URL the visitor is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Anything else the host page adds, passed through untouched.
    #[serde(flatten)]
    pub extra: Map,
}

//! Bodies of `/actions`, `/rate`, `DELETE /`, `/session`, `/forms` and `/banners`
//! (CONTRACT.md sections 3 and 6). Wire types only; what a visitor may type, and what the server
//! accepts, is [`crate::rules`].

use serde::{Deserialize, Serialize};

use crate::json::{Map, Value};
use crate::write::{Object, ToJsonFields};
use crate::{FromJson, ToJson};

use crate::{FormField, FormTrigger, LivechatStatus, SortedMap};

/// `POST /actions` body: the answer to a marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToJson)]
pub struct ActionRequest {
    /// The marker being answered.
    pub part_id: String,
    /// What was submitted.
    pub action: Action,
}

/// A submitted marker form. Keys in the maps are sent exactly as the marker named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Answer to `show_contact_form`.
    ContactForm(ContactForm),
    /// Answer to `show_support_ticket`.
    SupportTicket(SupportTicket),
    /// Answer to `show_form`.
    FormSubmission(FormSubmission),
}

/// As serde writes an internally tagged enum of structs: the tag first, then the struct's fields.
impl ToJson for Action {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::open(out);
        let (tag, fields): (&str, &dyn ToJsonFields) = match self {
            Action::ContactForm(form) => ("\"contact_form\"", form),
            Action::SupportTicket(ticket) => ("\"support_ticket\"", ticket),
            Action::FormSubmission(form) => ("\"form_submission\"", form),
        };
        object.key("\"type\":").push_str(tag);
        fields.write_fields(&mut object);
        object.close();
    }
}

/// `contact_form`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson, ToJson)]
pub struct ContactForm {
    /// Visible fields, by key.
    #[serde(default)]
    pub fields: SortedMap<String>,
    /// **(ours)** The files of visible `file` fields, by key (as `form_submission` sends them).
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub files: SortedMap<AttachmentUpload>,
}

/// `support_ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToJson)]
pub struct SupportTicket {
    /// Visitor's name.
    #[serde(default)]
    pub name: String,
    /// Visitor's email.
    #[serde(default)]
    pub email: String,
    /// The request.
    #[serde(default)]
    pub message: String,
    /// Attached files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentUpload>,
    /// Any extra fields the marker asked for, by key.
    #[serde(flatten)]
    pub extra: Map,
}

/// `form_submission`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson, ToJson)]
pub struct FormSubmission {
    /// The form.
    pub form_id: String,
    /// Visible non-file fields, by key.
    #[serde(default)]
    pub values: SortedMap<String>,
    /// File fields, by key.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub files: SortedMap<AttachmentUpload>,
}

/// A file inside an action; `data_base64` is at most
/// [`crate::MAX_ACTION_ATTACHMENT_BASE64_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct AttachmentUpload {
    /// Original file name.
    pub filename: String,
    /// MIME type.
    pub mime_type: String,
    /// Base64 without a `data:` prefix.
    pub data_base64: String,
}

/// `POST /actions` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ActionResponse {
    /// Server id of the submission.
    pub submission_id: String,
    /// Text to show in place of the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_text: Option<String>,
    /// Present when the submission already started a handover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livechat_session: Option<ActionLivechatSession>,
}

/// `livechat_session` in an [`ActionResponse`]: `waiting`/`active` means start livechat polling
/// without calling `/livechat/handover`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ActionLivechatSession {
    /// Session status.
    pub status: LivechatStatus,
}

/// `POST /rate` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct RateRequest {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// `DELETE /api/v1/chat` response (ours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct DeleteResponse {
    /// What was deleted.
    pub deleted: DeletedCounts,
}

/// Counts in a [`DeleteResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct DeletedCounts {
    /// Messages deleted.
    pub messages: u64,
    /// Attachments deleted.
    pub attachments: u64,
    /// Livechat sessions deleted.
    pub livechat_sessions: u64,
}

/// `GET /session` response (and `PATCH /forms/{id}/values`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct SessionValues {
    /// Values collected in this session.
    #[serde(default)]
    pub values: Vec<SessionValue>,
}

/// One collected value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct SessionValue {
    /// Field key.
    pub key: String,
    /// Field label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Field type, as the form named it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// The value (any JSON; usually a string).
    #[serde(default)]
    pub value: Value,
    /// When it was last set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// `GET /forms/{form_id}` response.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct FormDefinition {
    /// The form.
    pub form_id: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it appears.
    pub trigger: FormTrigger,
    /// Its fields.
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// Least number of non-empty fields to allow submitting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_filled_fields: Option<u32>,
    /// **(ours)** What to say once the values are saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_text: Option<String>,
}

/// `PATCH /forms/{form_id}/values` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson, ToJson)]
pub struct PatchFormValues {
    /// Values by field key.
    #[serde(default)]
    pub values: SortedMap<String>,
}

/// `GET /banners?url=U` response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct Banners {
    /// Banners for that page.
    #[serde(default)]
    pub banners: Vec<Banner>,
}

/// One banner above the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct Banner {
    /// Id, for "dismissed" bookkeeping.
    pub id: String,
    /// Text.
    #[serde(default)]
    pub message: String,
    /// Background colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Text colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
    /// Call-to-action target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta_url: Option<String>,
    /// Call-to-action label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta_label: Option<String>,
    /// Link or button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta_style: Option<CtaStyle>,
    /// Whether the visitor may close it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissible: Option<bool>,
}

wire_enum! {
    /// How a banner's call to action is drawn.
    pub enum CtaStyle {
        /// An inline link.
        Link = "link",
        /// A button.
        Button = "button",
    }
}

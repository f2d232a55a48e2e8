//! Domain layer: visitors and their assistant conversation — history, idempotency records of
//! turns, submissions, ratings and session values.
//!
//! Plain data with plain methods (see [`crate::stores`]): no locks, no clock, no HTTP. History
//! is append-only, so `GET /messages` cursors (indexes) stay valid.

use std::collections::{BTreeMap, HashMap, HashSet};

use dialoge_api::actions::SessionValue;
use dialoge_api::json::Value;
use dialoge_api::message::{FormField, Message, Part, Role};
use dialoge_api::send::InputPart;
use tokio::sync::watch;

use super::DomainError;
use crate::clock::Timestamp;

/// All visitors, and the ids of deleted ones (their tokens get 401 forever).
#[derive(Default)]
pub struct Store {
    pub visitors: HashMap<String, Visitor>,
    pub deleted: HashSet<String>,
}

impl Store {
    /// A visitor who has not been deleted.
    pub fn visitor(&self, visitor_id: &str) -> Result<&Visitor, DomainError> {
        self.visitors
            .get(visitor_id)
            .ok_or(DomainError::VisitorDeleted)
    }

    /// [`Self::visitor`], to change.
    pub fn visitor_mut(&mut self, visitor_id: &str) -> Result<&mut Visitor, DomainError> {
        self.visitors
            .get_mut(visitor_id)
            .ok_or(DomainError::VisitorDeleted)
    }

    /// The visitor, created on first sight. A deleted visitor's id is refused for good.
    pub fn enter(
        &mut self,
        visitor_id: &str,
        chatbot_id: &str,
        now: Timestamp,
    ) -> Result<&mut Visitor, DomainError> {
        if self.deleted.contains(visitor_id) {
            return Err(DomainError::VisitorDeleted);
        }
        Ok(self
            .visitors
            .entry(visitor_id.to_owned())
            .or_insert_with(|| Visitor::new(chatbot_id, now)))
    }

    /// Removes a visitor and remembers the id, so their tokens get 401 from now on.
    pub fn delete(&mut self, visitor_id: &str) -> Result<Visitor, DomainError> {
        let record = self
            .visitors
            .remove(visitor_id)
            .ok_or(DomainError::VisitorDeleted)?;
        self.deleted.insert(visitor_id.to_owned());
        Ok(record)
    }
}

/// One visitor of one chatbot, with their single conversation.
pub struct Visitor {
    pub chatbot_id: String,
    pub created_at: Timestamp,
    /// Set by the first message; tokens bound to it are issued from then on.
    pub conversation_id: Option<String>,
    /// Oldest first. Only ever appended to, so history cursors (indexes) stay valid.
    pub messages: Vec<Message>,
    /// Source of `part_N` ids, unique within the conversation (actions address markers by them).
    pub next_part: u64,
    /// Idempotency records by key.
    pub turns: HashMap<String, Turn>,
    pub submissions: Vec<Submission>,
    pub ratings: Vec<Rating>,
    /// Session values by key (sorted, so `/session` is stable).
    pub values: BTreeMap<String, SessionValue>,
}

impl Visitor {
    pub fn new(chatbot_id: &str, created_at: Timestamp) -> Self {
        Self {
            chatbot_id: chatbot_id.to_owned(),
            created_at,
            conversation_id: None,
            messages: Vec::new(),
            next_part: 1,
            turns: HashMap::new(),
            submissions: Vec::new(),
            ratings: Vec::new(),
            values: BTreeMap::new(),
        }
    }

    /// A fresh part id.
    pub fn part_id(&mut self) -> String {
        let id = format!("part_{}", self.next_part);
        self.next_part += 1;
        id
    }

    /// Stores a session value from a form or action field.
    pub fn set_value(&mut self, field: &FormField, value: String, now: Timestamp) {
        self.values.insert(
            field.key.clone(),
            SessionValue {
                key: field.key.clone(),
                label: Some(field.label.clone()),
                value_type: Some(field.field_type.as_str().to_owned()),
                value: Value::String(value),
                updated_at: Some(now.rfc3339()),
            },
        );
    }

    /// The form marker (`show_*` part) of the assistant with this part id, unanswered.
    pub fn open_marker(&self, part_id: &str) -> Result<&Part, DomainError> {
        let marker = self
            .messages
            .iter()
            .filter(|message| message.role == Role::Assistant)
            .flat_map(|message| &message.parts)
            .find(|part| part.is_marker() && part.part_id() == Some(part_id))
            .ok_or_else(|| {
                DomainError::NotFound(format!(
                    "No form marker with part_id {part_id} in this conversation"
                ))
            })?;
        if marker.submitted() == Some(true) {
            return Err(DomainError::Conflict(format!(
                "The form of part {part_id} was already submitted"
            )));
        }
        Ok(marker)
    }

    /// Records an accepted submission: its values become session values and its marker shows
    /// `submitted: true` in history.
    pub fn submit(&mut self, submission: Submission, accepted: Vec<(FormField, String)>) {
        for (field, value) in accepted {
            self.set_value(&field, value, submission.created_at);
        }
        if let Some(part) = self
            .messages
            .iter_mut()
            .flat_map(|message| message.parts.iter_mut())
            .find(|part| part.is_marker() && part.part_id() == Some(&submission.part_id))
        {
            part.set_submitted(true);
        }
        self.submissions.push(submission);
    }

    /// Uploaded images and files: in the visitor's own messages and in submitted actions.
    pub fn attachment_count(&self) -> u64 {
        let in_messages = self
            .messages
            .iter()
            .filter(|message| message.role == Role::User)
            .flat_map(|message| &message.parts)
            .filter(|part| matches!(part, Part::Image(_) | Part::File(_)))
            .count() as u64;
        let in_actions: u64 = self.submissions.iter().map(|s| s.attachments).sum();
        in_messages + in_actions
    }
}

/// One visitor message and the reply it got, remembered under its `Idempotency-Key`.
pub struct Turn {
    pub created: Timestamp,
    /// What the visitor sent, kept so a failed turn can be generated again without a second
    /// user message.
    pub input: Vec<InputPart>,
    /// 1 for the first generation; a retry after a failed one counts up.
    pub attempt: u32,
    pub outcome: watch::Sender<TurnOutcome>,
}

/// Where a turn stands.
#[derive(Debug, Clone)]
pub enum TurnOutcome {
    /// Still streaming.
    Pending,
    /// Finished; replays send this message.
    Answered(Box<Message>),
    /// Generation failed; a retry with the same key generates again.
    Failed(dialoge_api::stream::StreamErrorEvent),
}

/// A stored answer to a marker (for export and for "already submitted").
#[derive(Debug, Clone)]
pub struct Submission {
    /// `sub_…`.
    pub submission_id: String,
    /// The marker answered.
    pub part_id: String,
    /// `contact_form`, `support_ticket` or `form_submission`.
    pub action_type: String,
    /// The form, for `form_submission`.
    pub form_id: Option<String>,
    /// Visible, validated values by key.
    pub values: BTreeMap<String, String>,
    /// File names of attachments (their bytes are counted, not kept).
    pub attachment_names: Vec<String>,
    /// How many attachments (for the deletion counts).
    pub attachments: u64,
    /// When it was submitted.
    pub created_at: Timestamp,
}

/// A stored `/rate` call.
#[derive(Debug, Clone)]
pub struct Rating {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    pub feedback: Option<String>,
    /// When it was given.
    pub created_at: Timestamp,
    /// **(ours)** The `Idempotency-Key` it came with: a repeat is not a second rating.
    pub idempotency_key: Option<String>,
}

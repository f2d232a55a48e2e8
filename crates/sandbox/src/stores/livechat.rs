//! Domain layer: livechat (CONTRACT.md section 8) — sessions, their transcript, settings, agent
//! profiles, session tokens and attachments, and the state machine
//! `inactive → waiting → active → closed` that the visitor endpoints, the agent endpoints and the
//! auto agent all go through, so every path obeys the same 409 rules.
//!
//! A session's lifecycle is its [`Phase`], which carries what only exists in that phase (the
//! agent and typing indicators while active, who closed it and the feedback once closed), so an
//! impossible mix — a waiting session with an agent, a typing indicator on a closed one — cannot
//! be written down. Transitions are plain methods on [`LivechatStore`] that take the time as a
//! value and return what happened plus the webhooks to send ([`EventDraft`]) or a
//! [`DomainError`]; they never await, never read a clock, never lock and never send anything.
//!
//! Per visitor there is one transcript of livechat messages across all their sessions, numbered
//! by one `sequence_number` counter, and one `state_version` counter; both only grow, so a
//! widget's `after_sequence_number` and its "drop older states" rule stay valid when a new session
//! starts. A per-visitor `revision` counts every change (typing included) and wakes held
//! `/livechat/sync` requests through a `watch` channel.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use dialoge_api::config::{AvailabilityReason, AvailabilityStatus, LivechatConfig};
use dialoge_api::livechat::{
    AgentProfile, ClientContext, ClosedBy, FeedbackResponse, FeedbackState, FeedbackStatus,
    HandoverSource, LivechatSession, LivechatSettings, LivechatState, LivechatStatus, LivechatTurn,
    ManualOverride,
};
use dialoge_api::message::{AgentInfo, FilePart, ImagePart, Message, Part, Role, TextPart};
use dialoge_api::rules;
use dialoge_api::webhook::{
    WebhookChatbot, WebhookData, WebhookEventType, WebhookFeedback, WebhookSession, WebhookVisitor,
};
use tokio::sync::watch;

use super::webhooks::EventDraft;
use super::{DomainError, IDEMPOTENCY_WINDOW};
use crate::clock::Timestamp;
use crate::signing::Signer;
use crate::tz;

/// Most messages one answer of `/livechat/messages` or `/livechat/sync` carries.
pub const PAGE_LIMIT: usize = 50;

/// Everything livechat keeps, for every chatbot.
#[derive(Default)]
pub struct LivechatStore {
    /// Settings per chatbot; a chatbot without an entry uses the options' defaults.
    pub settings: HashMap<String, LivechatSettings>,
    /// Agent profiles by (chatbot, agent id).
    pub agents: HashMap<(String, String), AgentProfile>,
    /// Per visitor: their sessions, transcript and counters.
    pub visitors: HashMap<String, VisitorLivechat>,
    /// Every session by id.
    pub sessions: HashMap<String, Session>,
    /// Livechat session tokens (opaque, random) by token.
    pub tokens: HashMap<String, SessionToken>,
    /// Uploaded bytes by attachment id.
    pub attachments: HashMap<String, StoredAttachment>,
    /// Counts sessions, so lists order sessions requested in the same millisecond.
    opened: u64,
}

/// One visitor's livechat record.
pub struct VisitorLivechat {
    /// Session ids, oldest first; the last one is the current session.
    pub sessions: Vec<String>,
    /// The transcript of every session, by sequence number.
    pub messages: Vec<LiveMessage>,
    next_sequence: u64,
    pub state_version: u64,
    pub updated_at: Option<Timestamp>,
    /// Counts every change; `/livechat/sync` cursors name it.
    pub revision: u64,
    changes: watch::Sender<u64>,
    /// **(ours)** The message each `Idempotency-Key` created, and when: a repeat within the
    /// window is that message again, not a second one.
    sent: HashMap<String, (String, Timestamp)>,
}

impl VisitorLivechat {
    fn new() -> Self {
        let (changes, _) = watch::channel(0);
        Self {
            sessions: Vec::new(),
            messages: Vec::new(),
            next_sequence: 1,
            state_version: 0,
            updated_at: None,
            revision: 0,
            changes,
            sent: HashMap::new(),
        }
    }

    /// The message an earlier send with `key` created, if it is still remembered and kept.
    fn sent_with(&self, key: &str, now: Timestamp) -> Option<Message> {
        let (id, at) = self.sent.get(key)?;
        if *at + IDEMPOTENCY_WINDOW <= now {
            return None;
        }
        self.messages
            .iter()
            .find(|m| &m.message.message_id == id)
            .map(|m| m.message.clone())
    }

    /// Records a change and wakes held syncs; a change the visitor's state shows also bumps the
    /// state version.
    fn touch(&mut self, state_changed: bool, now: Timestamp) {
        if state_changed {
            self.state_version += 1;
            self.updated_at = Some(now);
        }
        self.revision += 1;
        self.changes.send_replace(self.revision);
    }

    /// A receiver that wakes on the next change (or when the record is deleted).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The `sync_cursor` naming the current revision.
    pub fn cursor(&self) -> String {
        format!("r{}", self.revision)
    }

    /// The current session's id.
    pub fn current(&self) -> Option<&str> {
        self.sessions.last().map(String::as_str)
    }

    /// Messages after `after`, at most `limit`, and whether more follow.
    pub fn after(&self, after: u64, limit: usize) -> (Vec<&LiveMessage>, bool) {
        let newer: Vec<&LiveMessage> = self
            .messages
            .iter()
            .filter(|m| m.message.sequence_number.is_some_and(|n| n > after))
            .collect();
        let has_more = newer.len() > limit;
        (newer.into_iter().take(limit).collect(), has_more)
    }

    fn push(
        &mut self,
        session_id: &str,
        role: Role,
        agent: Option<AgentInfo>,
        parts: Vec<Part>,
        now: Timestamp,
    ) -> Message {
        let message = Message {
            message_id: format!("msg_{}", uuid::Uuid::new_v4().simple()),
            role,
            agent,
            parts,
            created_at: now.rfc3339(),
            sequence_number: Some(self.next_sequence),
        };
        self.next_sequence += 1;
        self.messages.push(LiveMessage {
            session_id: session_id.to_owned(),
            message: message.clone(),
        });
        message
    }
}

/// A livechat message and the session it belongs to.
pub struct LiveMessage {
    pub session_id: String,
    pub message: Message,
}

/// An agent who joined a session, and when.
#[derive(Debug, Clone)]
pub struct Joined {
    pub agent: AgentInfo,
    pub at: Timestamp,
}

/// The visitor's rating of a closed session.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub rating: u8,
    pub text: Option<String>,
    pub at: Timestamp,
}

impl Feedback {
    fn wire(&self) -> WebhookFeedback {
        WebhookFeedback {
            rating: self.rating,
            feedback: self.text.clone(),
            submitted_at: self.at.rfc3339(),
        }
    }
}

/// Where a session is in its lifecycle, with what only exists in that phase.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Requested; no agent yet. The assistant keeps answering the visitor meanwhile.
    Waiting,
    /// An agent took the session. Typing indicators exist only here; each clears itself at its
    /// deadline unless refreshed.
    Active {
        joined: Joined,
        agent_typing_until: Option<Timestamp>,
        customer_typing_until: Option<Timestamp>,
    },
    /// Over, closed by either side. `joined` is the agent who had taken it (if any): only then
    /// can the visitor give feedback, once.
    Closed {
        at: Timestamp,
        by: ClosedBy,
        by_agent_id: Option<String>,
        reason: Option<String>,
        joined: Option<Joined>,
        feedback: Option<Feedback>,
    },
}

impl Phase {
    /// The contract's status of this phase.
    pub fn status(&self) -> LivechatStatus {
        match self {
            Self::Waiting => LivechatStatus::Waiting,
            Self::Active { .. } => LivechatStatus::Active,
            Self::Closed { .. } => LivechatStatus::Closed,
        }
    }

    /// The agent who joined, while active and after.
    pub fn joined(&self) -> Option<&Joined> {
        match self {
            Self::Waiting => None,
            Self::Active { joined, .. } => Some(joined),
            Self::Closed { joined, .. } => joined.as_ref(),
        }
    }

    fn is_open(&self) -> bool {
        !matches!(self, Self::Closed { .. })
    }
}

/// One livechat session.
pub struct Session {
    pub id: String,
    pub chatbot_id: String,
    pub visitor_id: String,
    pub phase: Phase,
    pub platform: String,
    pub source: HandoverSource,
    pub part_id: Option<String>,
    pub client_context: Option<ClientContext>,
    pub language: String,
    /// The sandbox origin the visitor reached it at (the auto agent's avatar URL uses it).
    pub origin: String,
    pub requested: Timestamp,
    /// 1 for the first session the store opened, then 2, …
    pub ordinal: u64,
    /// Who wrote the last visitor or agent message (system lines do not count).
    pub last_author: Option<Role>,
    pub last_message_at: Option<Timestamp>,
    pub message_count: u64,
}

impl Session {
    /// The contract's status.
    pub fn status(&self) -> LivechatStatus {
        self.phase.status()
    }

    /// The agent who joined (while active, and after closing).
    pub fn agent(&self) -> Option<&AgentInfo> {
        self.phase.joined().map(|joined| &joined.agent)
    }

    /// The contract's LivechatSession.
    pub fn wire(&self) -> LivechatSession {
        let closure = self.closure();
        LivechatSession {
            livechat_session_id: self.id.clone(),
            status: self.status(),
            platform: Some(self.platform.clone()),
            language: Some(self.language.clone()),
            requested_at: Some(self.requested.rfc3339()),
            closed_at: closure.at,
            closed_by: closure.by,
            closed_by_agent_id: closure.by_agent_id,
            close_reason: closure.reason,
        }
    }

    /// The session as webhooks describe it (no token).
    pub fn webhook(&self) -> WebhookSession {
        let closure = self.closure();
        WebhookSession {
            id: self.id.clone(),
            status: self.status(),
            token: None,
            token_expires_at: None,
            platform: Some(self.platform.clone()),
            source: Some(self.source.clone()),
            part_id: self.part_id.clone(),
            requested_at: Some(self.requested.rfc3339()),
            active_agent: self.agent().cloned(),
            closed_at: closure.at,
            closed_by: closure.by,
            closed_by_agent_id: closure.by_agent_id,
            close_reason: closure.reason,
        }
    }

    /// The closing facts as the wire spells them (all `None` until closed).
    fn closure(&self) -> WireClosure {
        match &self.phase {
            Phase::Closed {
                at,
                by,
                by_agent_id,
                reason,
                ..
            } => WireClosure {
                at: Some(at.rfc3339()),
                by: Some(by.clone()),
                by_agent_id: by_agent_id.clone(),
                reason: reason.clone(),
            },
            _ => WireClosure::default(),
        }
    }

    pub fn is_agent_typing(&self, now: Timestamp) -> bool {
        matches!(self.phase, Phase::Active { agent_typing_until: Some(until), .. } if until > now)
    }

    pub fn is_customer_typing(&self, now: Timestamp) -> bool {
        matches!(self.phase, Phase::Active { customer_typing_until: Some(until), .. } if until > now)
    }

    /// Feedback can be given on a closed session an agent had joined, once.
    pub fn feedback_status(&self) -> FeedbackStatus {
        match &self.phase {
            Phase::Closed {
                joined: Some(_),
                feedback: None,
                ..
            } => FeedbackStatus::Pending,
            Phase::Closed {
                joined: Some(_),
                feedback: Some(_),
                ..
            } => FeedbackStatus::Submitted,
            _ => FeedbackStatus::NotAvailable,
        }
    }

    /// Whose turn it is while the session is open.
    pub fn turn(&self) -> Option<LivechatTurn> {
        if !self.phase.is_open() {
            return None;
        }
        Some(match self.last_author {
            Some(Role::Agent) => LivechatTurn::Visitor,
            _ => LivechatTurn::Agent,
        })
    }

    /// The agent's name for system lines.
    fn agent_name(&self) -> String {
        self.agent()
            .map_or_else(|| "The agent".to_owned(), |a| a.display_name.clone())
    }
}

#[derive(Default)]
struct WireClosure {
    at: Option<String>,
    by: Option<ClosedBy>,
    by_agent_id: Option<String>,
    reason: Option<String>,
}

/// A livechat session token: the agent system's credential for one session.
pub struct SessionToken {
    pub session_id: String,
    pub expires: Timestamp,
}

/// An uploaded livechat attachment.
pub struct StoredAttachment {
    pub visitor_id: String,
    pub session_id: String,
    pub bytes: Bytes,
    pub mime: String,
    pub filename: String,
}

/// A part of an outgoing message, checked and decoded before the store lock is taken.
#[derive(Debug, Clone)]
pub enum Prepared {
    Text(String),
    Upload {
        image: bool,
        bytes: Bytes,
        mime: String,
        filename: String,
    },
}

/// What a handover did.
pub enum Handover {
    /// A session was already open: it is answered as it is.
    Existing(LivechatSession),
    /// A new waiting session, with the token its webhook carries.
    Opened {
        session: LivechatSession,
        token: String,
        token_expires: Timestamp,
    },
}

/// The facts of a handover request.
pub struct HandoverInput {
    pub visitor_id: String,
    pub chatbot_id: String,
    pub platform: String,
    pub source: HandoverSource,
    pub part_id: Option<String>,
    pub client_context: Option<ClientContext>,
    pub language: String,
    pub origin: String,
}

/// What deleting a visitor removed from livechat.
#[derive(Debug, Default, Clone, Copy)]
pub struct Forgotten {
    pub sessions: u64,
    pub messages: u64,
    pub attachments: u64,
}

fn vanished() -> DomainError {
    DomainError::Inconsistent("The session vanished".to_owned())
}

fn no_session() -> DomainError {
    DomainError::NotFound("This livechat session no longer exists".to_owned())
}

impl LivechatStore {
    /// A chatbot's settings (the options' defaults until `PUT /livechat/settings`).
    pub fn settings_for(&self, chatbot_id: &str, defaults: &LivechatSettings) -> LivechatSettings {
        self.settings
            .get(chatbot_id)
            .cloned()
            .unwrap_or_else(|| defaults.clone())
    }

    /// The visitor's record, created on first use (a held sync needs a channel to wait on).
    pub fn record_mut(&mut self, visitor_id: &str) -> &mut VisitorLivechat {
        self.visitors
            .entry(visitor_id.to_owned())
            .or_insert_with(VisitorLivechat::new)
    }

    /// The visitor's current (latest) session.
    pub fn current_session(&self, visitor_id: &str) -> Option<&Session> {
        self.visitors
            .get(visitor_id)
            .and_then(VisitorLivechat::current)
            .and_then(|id| self.sessions.get(id))
    }

    /// `POST /messages` is for the assistant: while an agent is active the visitor writes to the
    /// livechat instead (409, CONTRACT.md section 2).
    pub fn ensure_assistant_turn(&self, visitor_id: &str) -> Result<(), DomainError> {
        let active = self
            .current_session(visitor_id)
            .is_some_and(|s| matches!(s.phase, Phase::Active { .. }));
        if active {
            Err(DomainError::Conflict(
                "A livechat session is active: send to /livechat/messages instead".to_owned(),
            ))
        } else {
            Ok(())
        }
    }

    /// The webhook for a message of the assistant conversation while the visitor waits for an
    /// agent (`livechat.waiting.customer/assistant.message.created`); `None` when not waiting.
    pub fn waiting_message_draft(&self, visitor_id: &str, message: &Message) -> Option<EventDraft> {
        let event_type = match message.role {
            Role::User => WebhookEventType::WaitingCustomerMessageCreated,
            Role::Assistant => WebhookEventType::WaitingAssistantMessageCreated,
            _ => return None,
        };
        let session = self
            .current_session(visitor_id)
            .filter(|s| matches!(s.phase, Phase::Waiting))?;
        let mut draft = self.draft(&session.id, event_type)?;
        draft.data.message = Some(message.clone());
        Some(draft)
    }

    /// The visitor's state as `GET /livechat/state` shows it.
    pub fn state(&self, visitor_id: &str, now: Timestamp) -> LivechatState {
        let Some(record) = self.visitors.get(visitor_id) else {
            return LivechatState {
                status: LivechatStatus::Inactive,
                updated_at: now.rfc3339(),
                ..LivechatState::default()
            };
        };
        let updated_at = record.updated_at.unwrap_or(now).rfc3339();
        let Some(session) = self.current_session(visitor_id) else {
            return LivechatState {
                status: LivechatStatus::Inactive,
                state_version: record.state_version,
                updated_at,
                ..LivechatState::default()
            };
        };
        let closure = session.closure();
        LivechatState {
            status: session.status(),
            livechat_session_id: Some(session.id.clone()),
            active_agent: session.agent().cloned(),
            is_agent_typing: session.is_agent_typing(now),
            agent_joined_at: session.phase.joined().map(|joined| joined.at.rfc3339()),
            closed_by: closure.by,
            close_reason: closure.reason,
            feedback: Some(FeedbackState {
                status: session.feedback_status(),
            }),
            state_version: record.state_version,
            updated_at,
        }
    }

    /// Clears typing indicators nobody refreshed in time. A cleared visitor indicator tells the
    /// agent system (`livechat.customer.typing.stopped`).
    pub fn settle(&mut self, session_id: &str, now: Timestamp) -> Vec<EventDraft> {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return Vec::new();
        };
        let Phase::Active {
            agent_typing_until,
            customer_typing_until,
            ..
        } = &mut session.phase
        else {
            return Vec::new();
        };
        let agent_stopped = agent_typing_until.is_some_and(|until| until <= now);
        let customer_stopped = customer_typing_until.is_some_and(|until| until <= now);
        if agent_stopped {
            *agent_typing_until = None;
        }
        if customer_stopped {
            *customer_typing_until = None;
        }
        if agent_stopped || customer_stopped {
            if let Some(record) = self.visitors.get_mut(&session.visitor_id) {
                record.touch(agent_stopped, now);
            }
        }
        if customer_stopped {
            self.draft(session_id, WebhookEventType::CustomerTypingStopped)
                .into_iter()
                .collect()
        } else {
            Vec::new()
        }
    }

    /// [`Self::settle`] for the visitor's current session.
    pub fn settle_visitor(&mut self, visitor_id: &str, now: Timestamp) -> Vec<EventDraft> {
        match self.current_session(visitor_id).map(|s| s.id.clone()) {
            Some(id) => self.settle(&id, now),
            None => Vec::new(),
        }
    }

    /// [`Self::settle`] for every session with a typing indicator (the background sweep).
    pub fn settle_all(&mut self, now: Timestamp) -> Vec<EventDraft> {
        let typing: Vec<String> = self
            .sessions
            .values()
            .filter(|s| {
                matches!(
                    s.phase,
                    Phase::Active {
                        agent_typing_until: Some(_),
                        ..
                    } | Phase::Active {
                        customer_typing_until: Some(_),
                        ..
                    }
                )
            })
            .map(|s| s.id.clone())
            .collect();
        typing.iter().flat_map(|id| self.settle(id, now)).collect()
    }

    /// The webhook skeleton for an event about a session: chatbot, visitor and session.
    pub fn draft(&self, session_id: &str, event_type: WebhookEventType) -> Option<EventDraft> {
        let session = self.sessions.get(session_id)?;
        Some(EventDraft {
            chatbot_id: session.chatbot_id.clone(),
            event_type,
            data: WebhookData {
                chatbot: Some(WebhookChatbot {
                    id: session.chatbot_id.clone(),
                }),
                visitor: Some(WebhookVisitor {
                    id: session.visitor_id.clone(),
                    ..WebhookVisitor::default()
                }),
                livechat_session: Some(session.webhook()),
                ..WebhookData::default()
            },
        })
    }

    /// Starts a session, or answers the open one. Refused (409) while livechat is not live.
    pub fn handover(
        &mut self,
        input: HandoverInput,
        availability: &LivechatConfig,
        token_ttl: Duration,
        now: Timestamp,
    ) -> Result<Handover, DomainError> {
        if let Some(open) = self
            .current_session(&input.visitor_id)
            .filter(|s| s.phase.is_open())
        {
            return Ok(Handover::Existing(open.wire()));
        }
        if availability.availability_status != AvailabilityStatus::Live {
            return Err(DomainError::Conflict(unavailable_message(availability)));
        }
        let id = format!("lcs_{}", uuid::Uuid::new_v4().simple());
        self.opened += 1;
        let session = Session {
            id: id.clone(),
            chatbot_id: input.chatbot_id.clone(),
            visitor_id: input.visitor_id.clone(),
            phase: Phase::Waiting,
            platform: input.platform,
            source: input.source,
            part_id: input.part_id,
            client_context: input.client_context,
            language: input.language,
            origin: input.origin,
            requested: now,
            ordinal: self.opened,
            last_author: None,
            last_message_at: None,
            message_count: 0,
        };
        let wire = session.wire();
        self.sessions.insert(id.clone(), session);
        let record = self.record_mut(&input.visitor_id);
        record.sessions.push(id.clone());
        record.touch(true, now);
        let (token, token_expires) = self.issue_token(&id, token_ttl, now);
        Ok(Handover::Opened {
            session: wire,
            token,
            token_expires,
        })
    }

    /// A fresh livechat session token for one session.
    pub fn issue_token(
        &mut self,
        session_id: &str,
        ttl: Duration,
        now: Timestamp,
    ) -> (String, Timestamp) {
        // Expired tokens are dropped here rather than by a timer: the map stays small.
        self.tokens.retain(|_, token| token.expires > now);
        let token = format!(
            "lst_{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let expires = now + ttl;
        self.tokens.insert(
            token.clone(),
            SessionToken {
                session_id: session_id.to_owned(),
                expires,
            },
        );
        (token, expires)
    }

    /// Stores uploads and turns prepared parts into the parts the transcript keeps (attachment
    /// URLs are signed when a message is shown, never stored).
    fn store_parts(
        &mut self,
        visitor_id: &str,
        session_id: &str,
        parts: Vec<Prepared>,
    ) -> Vec<Part> {
        parts
            .into_iter()
            .map(|part| match part {
                Prepared::Text(text) => Part::Text(TextPart {
                    part_id: None,
                    text,
                }),
                Prepared::Upload {
                    image,
                    bytes,
                    mime,
                    filename,
                } => {
                    let id = format!("att_{}", uuid::Uuid::new_v4().simple());
                    let size = bytes.len() as u64;
                    self.attachments.insert(
                        id.clone(),
                        StoredAttachment {
                            visitor_id: visitor_id.to_owned(),
                            session_id: session_id.to_owned(),
                            bytes,
                            mime: mime.clone(),
                            filename: filename.clone(),
                        },
                    );
                    if image {
                        Part::Image(ImagePart {
                            part_id: None,
                            url: String::new(),
                            attachment_id: Some(id),
                            mime_type: Some(mime),
                            size_bytes: Some(size),
                            url_expires_at: None,
                            thumbnail_url: None,
                            caption: (!filename.is_empty()).then_some(filename),
                        })
                    } else {
                        Part::File(FilePart {
                            part_id: None,
                            filename,
                            url: String::new(),
                            attachment_id: Some(id),
                            mime_type: Some(mime),
                            size_bytes: Some(size),
                            url_expires_at: None,
                        })
                    }
                }
            })
            .collect()
    }

    /// A visitor's livechat message: only into a waiting or active session (else the visitor's
    /// state is stale: 409).
    /// **(ours)** The message an earlier send with this `Idempotency-Key` created (within the
    /// window), if any: a repeat answers it, before its parts are even looked at again.
    pub fn sent_before(
        &self,
        visitor_id: &str,
        key: Option<&str>,
        now: Timestamp,
    ) -> Option<Message> {
        self.visitors.get(visitor_id)?.sent_with(key?, now)
    }

    /// A visitor's message into their open session. **(ours)** With an `Idempotency-Key` that an
    /// earlier send used (a retry after a lost reply), the message that send created, and no
    /// draft: nothing new happened, so no event.
    pub fn visitor_send(
        &mut self,
        visitor_id: &str,
        key: Option<&str>,
        parts: Vec<Prepared>,
        now: Timestamp,
    ) -> Result<(Message, Option<EventDraft>), DomainError> {
        if let Some(again) = self.sent_before(visitor_id, key, now) {
            return Ok((again, None));
        }
        let session = self
            .current_session(visitor_id)
            .filter(|s| s.phase.is_open())
            .ok_or_else(|| {
                DomainError::Conflict(
                    "No open livechat session: the state is stale; fetch /livechat/state and start a handover if needed".to_owned(),
                )
            })?;
        let session_id = session.id.clone();
        let parts = self.store_parts(visitor_id, &session_id, parts);
        let record = self.record_mut(visitor_id);
        let message = record.push(&session_id, Role::User, None, parts, now);
        if let Some(key) = key {
            // Keys past the window are forgotten as new ones come.
            record
                .sent
                .retain(|_, (_, at)| *at + IDEMPOTENCY_WINDOW > now);
            record
                .sent
                .insert(key.to_owned(), (message.message_id.clone(), now));
        }
        record.touch(false, now);
        let waiting = match self.sessions.get_mut(&session_id) {
            Some(session) => {
                session.last_author = Some(Role::User);
                session.last_message_at = Some(now);
                session.message_count += 1;
                // Sending ends the visitor's typing; the message event says as much.
                if let Phase::Active {
                    customer_typing_until,
                    ..
                } = &mut session.phase
                {
                    *customer_typing_until = None;
                }
                matches!(session.phase, Phase::Waiting)
            }
            None => false,
        };
        let event_type = if waiting {
            WebhookEventType::WaitingCustomerMessageCreated
        } else {
            WebhookEventType::CustomerMessageCreated
        };
        let mut draft = self.draft(&session_id, event_type).ok_or_else(vanished)?;
        draft.data.message = Some(message.clone());
        Ok((message, Some(draft)))
    }

    /// `POST /livechat/typing`: only while active. Starting (from not typing) and stopping are
    /// webhooks; a refresh only pushes the auto-clear further out.
    pub fn visitor_typing(
        &mut self,
        visitor_id: &str,
        is_typing: bool,
        timeout: Duration,
        now: Timestamp,
    ) -> Result<Vec<EventDraft>, DomainError> {
        let not_active = || {
            DomainError::Conflict(
                "Typing is only sent while a livechat session is active".to_owned(),
            )
        };
        let session_id = self
            .current_session(visitor_id)
            .map(|s| s.id.clone())
            .ok_or_else(not_active)?;
        let session = self.sessions.get_mut(&session_id).ok_or_else(vanished)?;
        let was_typing = session.is_customer_typing(now);
        let Phase::Active {
            customer_typing_until,
            ..
        } = &mut session.phase
        else {
            return Err(not_active());
        };
        *customer_typing_until = is_typing.then(|| now + timeout);
        let event = match (was_typing, is_typing) {
            (false, true) => Some(WebhookEventType::CustomerTypingStarted),
            (true, false) => Some(WebhookEventType::CustomerTypingStopped),
            _ => None,
        };
        if event.is_some() {
            if let Some(record) = self.visitors.get_mut(visitor_id) {
                record.touch(false, now);
            }
        }
        Ok(event
            .and_then(|event| self.draft(&session_id, event))
            .into_iter()
            .collect())
    }

    /// `POST /livechat/close`: closes the open session; a closed one is answered again
    /// (idempotent); a visitor who never had a session gets 409.
    pub fn visitor_close(
        &mut self,
        visitor_id: &str,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<(LivechatSession, Vec<EventDraft>), DomainError> {
        let session = self.current_session(visitor_id).ok_or_else(|| {
            DomainError::Conflict("There is no livechat session to close".to_owned())
        })?;
        if !session.phase.is_open() {
            return Ok((session.wire(), Vec::new()));
        }
        let id = session.id.clone();
        let events = self.close(&id, ClosedBy::Customer, None, reason, now);
        let wire = self
            .sessions
            .get(&id)
            .map(Session::wire)
            .ok_or_else(vanished)?;
        Ok((wire, events))
    }

    fn close(
        &mut self,
        session_id: &str,
        by: ClosedBy,
        agent_id: Option<String>,
        reason: Option<String>,
        now: Timestamp,
    ) -> Vec<EventDraft> {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return Vec::new();
        };
        let line = match by {
            ClosedBy::Agent => format!("{} closed the chat", session.agent_name()),
            _ => "The customer closed the chat".to_owned(),
        };
        // Typing indicators end with the active phase.
        session.phase = Phase::Closed {
            at: now,
            by,
            by_agent_id: agent_id,
            reason: reason.filter(|r| !r.trim().is_empty()),
            joined: session.phase.joined().cloned(),
            feedback: None,
        };
        session.message_count += 1;
        let visitor_id = session.visitor_id.clone();
        let record = self.record_mut(&visitor_id);
        record.push(session_id, Role::System, None, vec![text(line)], now);
        record.touch(true, now);
        self.draft(session_id, WebhookEventType::SessionClosed)
            .into_iter()
            .collect()
    }

    /// `POST /livechat/feedback`: once, on a closed session whose feedback is pending.
    pub fn feedback(
        &mut self,
        visitor_id: &str,
        rating: u8,
        text: Option<String>,
        now: Timestamp,
    ) -> Result<(FeedbackResponse, EventDraft), DomainError> {
        let session = self.current_session(visitor_id).ok_or_else(|| {
            DomainError::Conflict("There is no livechat session to rate".to_owned())
        })?;
        match session.feedback_status() {
            FeedbackStatus::Pending => {}
            FeedbackStatus::Submitted => {
                return Err(DomainError::Conflict(
                    "Feedback for this livechat session was already submitted".to_owned(),
                ))
            }
            _ => {
                return Err(DomainError::Conflict(
                    "Feedback is only possible once an agent's session has closed".to_owned(),
                ))
            }
        }
        let id = session.id.clone();
        let given = Feedback {
            rating,
            text: text.clone(),
            at: now,
        };
        if let Some(Phase::Closed { feedback, .. }) =
            self.sessions.get_mut(&id).map(|session| &mut session.phase)
        {
            *feedback = Some(given.clone());
        }
        if let Some(record) = self.visitors.get_mut(visitor_id) {
            record.touch(true, now);
        }
        let mut draft = self
            .draft(&id, WebhookEventType::FeedbackSubmitted)
            .ok_or_else(vanished)?;
        draft.data.feedback = Some(given.wire());
        Ok((
            FeedbackResponse {
                livechat_session_id: id,
                status: FeedbackStatus::Submitted,
                rating,
                feedback: text,
                submitted_at: now.rfc3339(),
            },
            draft,
        ))
    }

    /// The agent as visitors see them: their profile, or their id as the name.
    pub fn agent_info(&self, chatbot_id: &str, agent_id: &str) -> AgentInfo {
        match self
            .agents
            .get(&(chatbot_id.to_owned(), agent_id.to_owned()))
        {
            Some(profile) => AgentInfo {
                agent_id: agent_id.to_owned(),
                display_name: profile.display_name.clone(),
                avatar_url: profile.avatar_url.clone(),
            },
            None => AgentInfo {
                agent_id: agent_id.to_owned(),
                display_name: agent_id.to_owned(),
                avatar_url: None,
            },
        }
    }

    /// Makes `agent_id` the session's agent if it has none (the session becomes active and the
    /// transcript says who joined); another agent than the assigned one gets 409.
    pub fn claim(
        &mut self,
        session_id: &str,
        agent_id: &str,
        now: Timestamp,
    ) -> Result<(), DomainError> {
        let session = self.sessions.get(session_id).ok_or_else(no_session)?;
        match &session.phase {
            Phase::Closed { .. } => {
                return Err(DomainError::Conflict(
                    "This livechat session is closed".to_owned(),
                ))
            }
            Phase::Active { joined, .. } => {
                return if joined.agent.agent_id == agent_id {
                    Ok(())
                } else {
                    Err(DomainError::Conflict(format!(
                        "This livechat session is already assigned to agent {}",
                        joined.agent.agent_id
                    )))
                };
            }
            Phase::Waiting => {}
        }
        let agent = self.agent_info(&session.chatbot_id, agent_id);
        let visitor_id = session.visitor_id.clone();
        let line = format!("{} joined the chat", agent.display_name);
        if let Some(session) = self.sessions.get_mut(session_id) {
            session.phase = Phase::Active {
                joined: Joined { agent, at: now },
                agent_typing_until: None,
                customer_typing_until: None,
            };
            session.message_count += 1;
        }
        let record = self.record_mut(&visitor_id);
        record.push(session_id, Role::System, None, vec![text(line)], now);
        record.touch(true, now);
        Ok(())
    }

    /// An agent's message (assigning the agent first if the session has none).
    pub fn agent_send(
        &mut self,
        session_id: &str,
        agent_id: &str,
        parts: Vec<Prepared>,
        now: Timestamp,
    ) -> Result<Message, DomainError> {
        self.claim(session_id, agent_id, now)?;
        let session = self.sessions.get_mut(session_id).ok_or_else(no_session)?;
        let was_typing = session.is_agent_typing(now);
        if let Phase::Active {
            agent_typing_until, ..
        } = &mut session.phase
        {
            *agent_typing_until = None;
        }
        session.last_author = Some(Role::Agent);
        session.last_message_at = Some(now);
        session.message_count += 1;
        let (visitor_id, agent) = (session.visitor_id.clone(), session.agent().cloned());
        let parts = self.store_parts(&visitor_id, session_id, parts);
        let record = self.record_mut(&visitor_id);
        let message = record.push(session_id, Role::Agent, agent, parts, now);
        record.touch(was_typing, now);
        Ok(message)
    }

    /// An agent's typing indicator (assigning the agent first if the session has none).
    pub fn agent_typing(
        &mut self,
        session_id: &str,
        agent_id: &str,
        is_typing: bool,
        timeout: Duration,
        now: Timestamp,
    ) -> Result<(), DomainError> {
        self.claim(session_id, agent_id, now)?;
        let session = self.sessions.get_mut(session_id).ok_or_else(no_session)?;
        let was_typing = session.is_agent_typing(now);
        if let Phase::Active {
            agent_typing_until, ..
        } = &mut session.phase
        {
            *agent_typing_until = is_typing.then(|| now + timeout);
        }
        if was_typing != is_typing {
            let visitor_id = session.visitor_id.clone();
            if let Some(record) = self.visitors.get_mut(&visitor_id) {
                record.touch(true, now);
            }
        }
        Ok(())
    }

    /// `POST /livechat/agent/close`: idempotent on a closed session; an agent other than the
    /// assigned one gets 409.
    pub fn agent_close(
        &mut self,
        session_id: &str,
        agent_id: &str,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<(LivechatSession, Vec<EventDraft>), DomainError> {
        let session = self.sessions.get(session_id).ok_or_else(no_session)?;
        if !session.phase.is_open() {
            return Ok((session.wire(), Vec::new()));
        }
        if let Some(agent) = session.agent().filter(|a| a.agent_id != agent_id) {
            return Err(DomainError::Conflict(format!(
                "This livechat session is assigned to agent {}",
                agent.agent_id
            )));
        }
        let events = self.close(
            session_id,
            ClosedBy::Agent,
            Some(agent_id.to_owned()),
            reason,
            now,
        );
        let wire = self
            .sessions
            .get(session_id)
            .map(Session::wire)
            .ok_or_else(vanished)?;
        Ok((wire, events))
    }

    /// Removes everything livechat holds about a visitor (held syncs wake and then get 401).
    pub fn forget_visitor(&mut self, visitor_id: &str) -> Forgotten {
        let Some(record) = self.visitors.remove(visitor_id) else {
            return Forgotten::default();
        };
        let sessions: HashSet<&String> = record.sessions.iter().collect();
        self.sessions.retain(|id, _| !sessions.contains(id));
        self.tokens
            .retain(|_, token| !sessions.contains(&token.session_id));
        let before = self.attachments.len();
        self.attachments.retain(|_, a| a.visitor_id != visitor_id);
        Forgotten {
            sessions: record.sessions.len() as u64,
            messages: record.messages.len() as u64,
            attachments: (before - self.attachments.len()) as u64,
        }
    }

    /// Deletes closed sessions older than their chatbot's `retention_days`, with their messages,
    /// attachments and tokens.
    pub fn purge_expired(&mut self, defaults: &LivechatSettings, now: Timestamp) {
        let expired: Vec<(String, String)> = self
            .sessions
            .values()
            .filter(|s| {
                let days = self.settings_for(&s.chatbot_id, defaults).retention_days;
                match (&s.phase, days) {
                    (Phase::Closed { at, .. }, Some(days)) => {
                        *at + Duration::from_secs(u64::from(days) * 86_400) <= now
                    }
                    _ => false,
                }
            })
            .map(|s| (s.id.clone(), s.visitor_id.clone()))
            .collect();
        for (session_id, visitor_id) in expired {
            self.sessions.remove(&session_id);
            self.tokens.retain(|_, t| t.session_id != session_id);
            self.attachments.retain(|_, a| a.session_id != session_id);
            if let Some(record) = self.visitors.get_mut(&visitor_id) {
                record.sessions.retain(|id| id != &session_id);
                record.messages.retain(|m| m.session_id != session_id);
                record.touch(true, now);
            }
        }
    }

    /// A stored message as clients get it: attachment URLs freshly signed.
    pub fn present(&self, message: &Message, signer: &Signer) -> Message {
        let mut message = message.clone();
        for part in &mut message.parts {
            let (url, expires, id) = match part {
                Part::Image(image) => (
                    &mut image.url,
                    &mut image.url_expires_at,
                    &image.attachment_id,
                ),
                Part::File(file) => (&mut file.url, &mut file.url_expires_at, &file.attachment_id),
                _ => continue,
            };
            if let Some(id) = id
                .as_deref()
                .filter(|id| self.attachments.contains_key(*id))
            {
                let (signed, expires_at) = signer.sign(id);
                *url = signed;
                *expires = Some(expires_at);
            }
        }
        message
    }
}

/// A plain text part (system lines, the auto agent).
pub fn text(text: impl Into<String>) -> Part {
    Part::Text(TextPart {
        part_id: None,
        text: text.into(),
    })
}

/// Why a handover is refused, in words a developer reading the 409 understands.
fn unavailable_message(availability: &LivechatConfig) -> String {
    match availability.availability_reason {
        Some(AvailabilityReason::Disabled) => {
            "Livechat is switched off for this chatbot".to_owned()
        }
        Some(AvailabilityReason::ManualOffline) => {
            "Livechat is set offline by hand; no agent will answer".to_owned()
        }
        Some(AvailabilityReason::OutsideWorkingHours) => {
            "Livechat is outside its working hours; no agent will answer".to_owned()
        }
        _ => "Livechat is not available now".to_owned(),
    }
}

/// The `livechat` block for `settings` at `now`, decided in this order: switched off →
/// `disabled`; a manual override → `manual_live`/`manual_offline`; no working hours →
/// `always_on`; else inside or outside the hours, in the hours' timezone.
pub fn availability(
    settings: &LivechatSettings,
    now: Timestamp,
    configured: bool,
) -> LivechatConfig {
    let (status, reason) = if !settings.enabled {
        (AvailabilityStatus::Offline, AvailabilityReason::Disabled)
    } else if settings.manual_override == Some(ManualOverride::Live) {
        (AvailabilityStatus::Live, AvailabilityReason::ManualLive)
    } else if settings.manual_override == Some(ManualOverride::Offline) {
        (
            AvailabilityStatus::Offline,
            AvailabilityReason::ManualOffline,
        )
    } else if let Some(hours) = &settings.working_hours {
        // Settings are validated on the way in; an unreadable zone can only mean UTC.
        let zone = tz::parse(&hours.timezone).unwrap_or(tz::Zone::Fixed(0));
        let (day, minute) = zone.local(now);
        if hours.is_open(&day, minute) {
            (
                AvailabilityStatus::Live,
                AvailabilityReason::WithinWorkingHours,
            )
        } else {
            (
                AvailabilityStatus::Offline,
                AvailabilityReason::OutsideWorkingHours,
            )
        }
    } else {
        (AvailabilityStatus::Live, AvailabilityReason::AlwaysOn)
    };
    LivechatConfig {
        enabled: settings.enabled,
        configured,
        availability_status: status,
        availability_reason: Some(reason),
        show_livechat_logo: false,
        attachments_enabled: settings.attachments_enabled,
        max_attachment_size_bytes: Some(max_attachment_bytes(settings)),
    }
}

/// The largest livechat upload the settings allow ([`rules::livechat_upload_limit`]).
pub fn max_attachment_bytes(settings: &LivechatSettings) -> u64 {
    rules::livechat_upload_limit(settings.max_attachment_size_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialoge_api::livechat::{Weekday, WorkingDay, WorkingHours};

    fn weekdays_nine_to_five(timezone: &str) -> LivechatSettings {
        let days = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ]
        .into_iter()
        .map(|day| WorkingDay {
            day,
            open: "09:00".to_owned(),
            close: "17:00".to_owned(),
        })
        .collect();
        LivechatSettings {
            enabled: true,
            working_hours: Some(WorkingHours {
                timezone: timezone.to_owned(),
                days,
            }),
            ..LivechatSettings::default()
        }
    }

    #[test]
    fn working_hours_are_read_in_their_own_timezone() {
        // Monday 2025-06-16 07:30 UTC is 09:30 in Copenhagen (summer time) but 07:30 in UTC.
        let at = Timestamp::from_unix_secs(1_750_059_000);
        let copenhagen = availability(&weekdays_nine_to_five("Europe/Copenhagen"), at, true);
        assert_eq!(copenhagen.availability_status, AvailabilityStatus::Live);
        assert_eq!(
            copenhagen.availability_reason,
            Some(AvailabilityReason::WithinWorkingHours)
        );
        let utc = availability(&weekdays_nine_to_five("UTC"), at, true);
        assert_eq!(
            utc.availability_reason,
            Some(AvailabilityReason::OutsideWorkingHours)
        );
    }

    #[test]
    fn a_manual_override_beats_working_hours_but_not_disabled() {
        let at = Timestamp::from_unix_secs(1_750_059_000);
        let mut settings = weekdays_nine_to_five("UTC");
        settings.manual_override = Some(ManualOverride::Live);
        assert_eq!(
            availability(&settings, at, true).availability_reason,
            Some(AvailabilityReason::ManualLive)
        );
        settings.enabled = false;
        let off = availability(&settings, at, true);
        assert_eq!(off.availability_status, AvailabilityStatus::Offline);
        assert_eq!(off.availability_reason, Some(AvailabilityReason::Disabled));
    }
}

//! Livechat wire types (CONTRACT.md section 8): the visitor side, the agent side and the setup
//! calls. Wire types only: the livechat state machine and polling cadence live in the widget's
//! state layer, which must drop a [`LivechatState`] older than one already applied
//! ([`LivechatState::is_newer_than`]).

use serde::{Deserialize, Serialize};

use crate::json::Map;
use crate::{FromJson, ToJson};

use crate::{
    AgentInfo, Environment, LivechatConfig, Message, OutgoingMessage, SessionValue,
    WebhookEventType,
};

wire_enum! {
    /// Livechat session status: `inactive → waiting → active → closed`.
    pub enum LivechatStatus {
        /// No session.
        Inactive = "inactive",
        /// Requested; no agent yet.
        Waiting = "waiting",
        /// An agent is assigned; visitor input goes to `/livechat/messages`.
        Active = "active",
        /// Ended (terminal for this session).
        Closed = "closed",
    }
}

// `wire_enum!` derives no `Default`, so this cannot be a derive.
#[allow(clippy::derivable_impls)]
impl Default for LivechatStatus {
    fn default() -> Self {
        Self::Inactive
    }
}

impl LivechatStatus {
    /// `waiting` or `active`: the visitor is in (or queued for) a livechat.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Waiting | Self::Active)
    }
}

wire_enum! {
    /// Who closed a session.
    pub enum ClosedBy {
        /// The visitor.
        Customer = "customer",
        /// The agent.
        Agent = "agent",
    }
}

/// A livechat session (response of handover and close).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct LivechatSession {
    /// Session id.
    pub livechat_session_id: String,
    /// Status.
    pub status: LivechatStatus,
    /// Where it was requested (`website`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Visitor's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// When it was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<ClosedBy>,
    /// The agent who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by_agent_id: Option<String>,
    /// Why it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
}

/// `GET /livechat/state` response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
pub struct LivechatState {
    /// Status.
    #[serde(default)]
    pub status: LivechatStatus,
    /// The current (or last) session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livechat_session_id: Option<String>,
    /// The assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_agent: Option<AgentInfo>,
    /// Show "agent is typing".
    #[serde(default, skip_serializing_if = "crate::is_default")]
    pub is_agent_typing: bool,
    /// When the agent joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_joined_at: Option<String>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<ClosedBy>,
    /// Why it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    /// Whether feedback can be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackState>,
    /// Monotonic version; drop a state older than one already applied.
    #[serde(default)]
    pub state_version: u64,
    /// When the state last changed.
    #[serde(default)]
    pub updated_at: String,
}

impl LivechatState {
    /// Whether this state should replace `applied` (its version is not lower).
    pub fn is_newer_than(&self, applied: &LivechatState) -> bool {
        self.state_version >= applied.state_version
    }
}

/// `feedback` in a [`LivechatState`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct FeedbackState {
    /// Whether feedback can be or was given.
    pub status: FeedbackStatus,
}

wire_enum! {
    /// Livechat feedback availability.
    pub enum FeedbackStatus {
        /// No feedback possible.
        NotAvailable = "not_available",
        /// Ask for it.
        Pending = "pending",
        /// Already given.
        Submitted = "submitted",
    }
}

/// `POST /livechat/handover` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct HandoverRequest {
    /// Always `website` for this widget.
    #[serde(default = "HandoverRequest::website")]
    pub platform: String,
    /// What the visitor clicked.
    pub source: HandoverSource,
    /// The `request_human_agent` marker, when that was the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<String>,
    /// Browser facts for the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_context: Option<ClientContext>,
}

impl HandoverRequest {
    fn website() -> String {
        String::from("website")
    }

    /// A handover from this website widget.
    pub fn website_from(source: HandoverSource, part_id: Option<String>) -> Self {
        Self {
            platform: Self::website(),
            source,
            part_id,
            client_context: None,
        }
    }
}

wire_enum! {
    /// What started a handover.
    pub enum HandoverSource {
        /// The livechat button.
        ManualButton = "manual_button",
        /// A `request_human_agent` marker.
        AssistantMarker = "assistant_marker",
    }
}

/// `client_context` of a handover.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson, ToJson)]
#[serde(default)]
pub struct ClientContext {
    /// Browser name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// `navigator.language`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_language: Option<String>,
    /// Browser version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_version: Option<String>,
    /// Page the visitor is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_page_url: Option<String>,
    /// Widget UI language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

/// `GET /livechat/messages` response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, FromJson)]
pub struct LivechatMessages {
    /// Messages with `sequence_number`, oldest first.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// More are waiting: ask again at once.
    #[serde(default)]
    pub has_more: bool,
}

/// `POST /livechat/messages` response.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct LivechatSendResponse {
    /// The stored message.
    pub message: Message,
}

/// `POST /livechat/typing` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct TypingRequest {
    /// Typing started or stopped.
    pub is_typing: bool,
}

/// `POST /livechat/close` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson, ToJson)]
pub struct CloseRequest {
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /livechat/feedback` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson, ToJson)]
pub struct FeedbackRequest {
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

/// `POST /livechat/feedback` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct FeedbackResponse {
    /// The session rated.
    pub livechat_session_id: String,
    /// Feedback status (`submitted`).
    pub status: FeedbackStatus,
    /// 1..=5.
    pub rating: u8,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// When.
    #[serde(default)]
    pub submitted_at: String,
}

/// `GET /livechat/sync` response (ours): state and messages in one held request.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct SyncResponse {
    /// Current state.
    pub state: LivechatState,
    /// New messages after `after_sequence_number`.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// More messages are waiting.
    #[serde(default)]
    pub has_more: bool,
    /// Pass back as `cursor` to wait for the next change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_cursor: Option<String>,
}

// ------------------------------------------------------------------------------------------------
// Agent side (Bearer livechat session token)

/// `GET /livechat/agent/context` response.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct AgentContext {
    /// The session.
    pub session: LivechatSession,
    /// What is known about the visitor (shape not fixed by the contract).
    #[serde(default)]
    pub visitor: Map,
    /// Values collected in the session.
    #[serde(default)]
    pub values: Vec<SessionValue>,
    /// The conversation so far.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// (ours) The visitor is typing right now (cleared a few seconds after their last refresh).
    #[serde(default, skip_serializing_if = "crate::is_default")]
    pub is_customer_typing: bool,
}

/// `POST /livechat/agent/messages` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentMessageRequest {
    /// The sending agent (assigned on first message if none is active).
    pub agent_id: String,
    /// The message.
    pub message: OutgoingMessage,
}

/// `POST /livechat/agent/typing` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AgentTypingRequest {
    /// The agent.
    pub agent_id: String,
    /// Typing started or stopped.
    pub is_typing: bool,
}

/// `POST /livechat/agent/close` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AgentCloseRequest {
    /// The agent.
    pub agent_id: String,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

// ------------------------------------------------------------------------------------------------
// Setup (Basic API key; paths ours except the agent profile)

/// `PUT /livechat/settings` body (ours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct LivechatSettings {
    /// Livechat on at all.
    pub enabled: bool,
    /// When agents answer; absent = always (while enabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_hours: Option<WorkingHours>,
    /// Forces live or offline regardless of working hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_override: Option<ManualOverride>,
    /// Visitors may attach files.
    pub attachments_enabled: bool,
    /// Largest attachment in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attachment_size_bytes: Option<u64>,
    /// Days livechat data is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

wire_enum! {
    /// `manual_override` of [`LivechatSettings`].
    pub enum ManualOverride {
        /// Force live.
        Live = "live",
        /// Force offline.
        Offline = "offline",
    }
}

/// Working hours (ours): per-weekday opening windows in an IANA timezone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct WorkingHours {
    /// IANA name, e.g. `Europe/Copenhagen`.
    pub timezone: String,
    /// Open windows; a weekday without an entry is closed.
    pub days: Vec<WorkingDay>,
}

impl WorkingHours {
    /// Whether `minute_of_day` (0..1440, local time in `timezone`, computed by the caller) on `day`
    /// falls inside an open window. Windows are `[open, close)`; malformed times never match.
    pub fn is_open(&self, day: &Weekday, minute_of_day: u16) -> bool {
        self.days.iter().any(|window| {
            &window.day == day
                && matches!(
                    (parse_hhmm(&window.open), parse_hhmm(&window.close)),
                    (Some(open), Some(close)) if open <= minute_of_day && minute_of_day < close
                )
        })
    }
}

fn parse_hhmm(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes) = (hours.parse::<u16>().ok()?, minutes.parse::<u16>().ok()?);
    (hours <= 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// One open window of [`WorkingHours`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WorkingDay {
    /// The weekday.
    pub day: Weekday,
    /// Opening time `HH:MM`.
    pub open: String,
    /// Closing time `HH:MM` (exclusive; `24:00` for midnight).
    pub close: String,
}

wire_enum! {
    /// A day of the week.
    pub enum Weekday {
        /// Monday.
        Monday = "monday",
        /// Tuesday.
        Tuesday = "tuesday",
        /// Wednesday.
        Wednesday = "wednesday",
        /// Thursday.
        Thursday = "thursday",
        /// Friday.
        Friday = "friday",
        /// Saturday.
        Saturday = "saturday",
        /// Sunday.
        Sunday = "sunday",
    }
}

/// `PUT /webhooks` body (ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookConfig {
    /// Where events are POSTed.
    pub url: String,
    /// HMAC key for `x-di-signature`.
    pub signing_secret: String,
    /// Subscribed events; empty = all.
    #[serde(default)]
    pub events: Vec<WebhookEventType>,
}

/// `PUT /webhooks` response (ours): the stored subscription, without the signing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct WebhookSubscription {
    /// Where events are POSTed.
    pub url: String,
    /// Subscribed events; empty = all.
    #[serde(default)]
    pub events: Vec<WebhookEventType>,
    /// The `x-di-environment` deliveries carry.
    pub environment: Environment,
}

/// `PUT` and `GET /livechat/settings` response (ours): the stored settings and the `livechat`
/// block of `/config` they produce right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct LivechatSettingsResponse {
    /// The settings as stored.
    pub settings: LivechatSettings,
    /// What visitors' `/config` says at this moment.
    pub livechat: LivechatConfig,
}

wire_enum! {
    /// Whose turn it is in an open session (`GET /livechat/sessions?turn=`).
    pub enum LivechatTurn {
        /// The visitor wrote last (or nobody has answered yet): an agent should reply.
        Agent = "agent",
        /// An agent wrote last: waiting for the visitor.
        Visitor = "visitor",
    }
}

/// One entry of `GET /livechat/sessions` (ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivechatSessionSummary {
    /// The session.
    #[serde(flatten)]
    pub session: LivechatSession,
    /// The visitor (`sub` of their token).
    pub visitor_id: String,
    /// The assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_agent: Option<AgentInfo>,
    /// Whose turn it is; absent for closed sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<LivechatTurn>,
    /// Livechat messages in this session (system lines included).
    #[serde(default)]
    pub message_count: u64,
    /// When the last livechat message was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_at: Option<String>,
}

/// `GET /livechat/sessions` response (ours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LivechatSessionList {
    /// Newest request first.
    #[serde(default)]
    pub sessions: Vec<LivechatSessionSummary>,
}

/// `GET /livechat/notifications/count` response (ours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct NotificationCount {
    /// Sessions that need an agent: `waiting` plus `awaiting_reply`.
    pub count: u64,
    /// Sessions nobody has taken yet.
    pub waiting: u64,
    /// Active sessions whose visitor wrote last.
    pub awaiting_reply: u64,
}

/// `PUT /livechat/agents/{agent_id}` body (known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct AgentProfile {
    /// Name shown to visitors.
    pub display_name: String,
    /// Avatar shown to visitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

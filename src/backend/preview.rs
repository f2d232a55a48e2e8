//! A scripted, network-free backend: the branding preview (EMBED.md section 5) and tests run on
//! it. It sends nothing anywhere. It plays a sample conversation with every part type and
//! marker (as a history page), a streamed answer (through the same decoder and reducer as a
//! real one), and a livechat whose state the studio chooses (`previewScene`) or a handover
//! starts. The visitor's messages are answered locally. Everything goes through the same
//! services and views as a real conversation, so what the preview shows is what shoppers see.

use std::cell::{Cell, RefCell};

use dialoge_api::actions::ActionResponse;
use dialoge_api::config::Config;
use dialoge_api::history::HistoryPage;
use dialoge_api::livechat::{
    ClosedBy, FeedbackState, FeedbackStatus, LivechatMessages, LivechatSendResponse,
    LivechatSession, LivechatState, LivechatStatus,
};
use dialoge_api::message::{AgentInfo, Message};
use dialoge_api::send::{texts, SendMessage};
use dialoge_api::sse::SseEvent;
use dialoge_api::{from_json, ErrorCode};

use super::{BackendError, Capabilities, Raw, TurnEnd, TurnEvent};
use crate::life::sleep;
use crate::transport::stream::{decode, raw_message};

/// What the preview can show: everything but the visitor's stored data.
pub const CAPABILITIES: Capabilities = Capabilities {
    streaming: true,
    markers: true,
    livechat: true,
    attachments: true,
    rating: true,
    export: false,
    delete: false,
    message_feedback: false,
    stable_ids: false,
};

/// Pause between the words of a scripted answer: slow enough to be seen streaming.
const WORD_MS: u32 = 40;
/// After a handover in the preview, the sample agent joins this much later.
const JOIN_MS: f64 = 2_500.0;

/// The sample conversation, oldest first.
const SAMPLE: &str = include_str!("preview_sample.json");
/// The sample's streamed answer, replayed by `Dialoge('preview')`.
pub const SAMPLE_REPLY: &str =
    "Anything else? I can also check where your order is. Just give me the order number.";
/// The sample's visitor message that failed to send (its retry is answered locally).
pub const SAMPLE_FAILED: &str = "Can I pay with MobilePay?";

/// The livechat state the preview shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scene {
    None,
    Waiting,
    /// The agent is there and typing.
    Active,
    /// The agent closed it; feedback is asked for.
    Closed,
}

impl Scene {
    pub fn parse(name: &str) -> Option<Scene> {
        Some(match name {
            "none" => Scene::None,
            "waiting" => Scene::Waiting,
            "active" => Scene::Active,
            "closed" => Scene::Closed,
            _ => return None,
        })
    }
}

/// The sample agent (named in `message_json` too).
const AGENT_NAME: &str = "Maja";
/// The sample agent's words, by sequence number (1-based).
const AGENT_LINES: [&str; 2] = [
    "Hi, I'm Maja from customer service. I can see your order. What would you like to change?",
    "Thanks for chatting with us. Have a lovely day!",
];

/// The preview backend.
pub struct Preview {
    /// Host-less URLs in a previewed config resolve against the API the config is meant for.
    base: String,
    /// Numbers the scripted replies, so their ids differ.
    turns: Cell<u32>,
    scene: Cell<Scene>,
    /// Bumped on every change, as a service's `state_version` is.
    version: Cell<u64>,
    /// A handover in the preview: the agent joins at this `Date.now()`.
    join_at: Cell<Option<f64>>,
    /// The visitor's livechat messages, as JSON objects (after the agent's lines).
    echoed: RefCell<Vec<String>>,
    feedback_given: Cell<bool>,
    closed_by_visitor: Cell<bool>,
}

/// A JSON string literal of `text`.
fn quoted(text: &str) -> String {
    dialoge_api::to_json(text)
}

/// One message with one paragraph of `text`, as JSON.
fn message_json(id: &str, role: &str, text: &str, seq: u64, agent: bool) -> String {
    let agent = if agent {
        r#","agent":{"agent_id":"preview-agent","display_name":"Maja"}"#
    } else {
        ""
    };
    format!(
        r#"{{"message_id":"{id}","role":"{role}"{agent},"sequence_number":{seq},"created_at":"","parts":[{{"type":"rich_text","part_id":"{id}_t","blocks":[{{"type":"paragraph","spans":[{{"type":"text","text":{}}}]}}]}}]}}"#,
        quoted(text)
    )
}

/// The sample is ours: failing to read it is a bug, said as a protocol error.
fn unread(e: impl std::fmt::Display) -> BackendError {
    BackendError::Protocol(format!("preview sample: {e}"))
}

impl Preview {
    pub fn new(base: String) -> Preview {
        Preview {
            base,
            turns: Cell::new(0),
            scene: Cell::new(Scene::None),
            version: Cell::new(1),
            join_at: Cell::new(None),
            echoed: RefCell::new(Vec::new()),
            feedback_given: Cell::new(false),
            closed_by_visitor: Cell::new(false),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The preview's config comes with the boot options, never from a server.
    pub fn config(&self) -> Result<(Config, String), BackendError> {
        Err(BackendError::Unsupported)
    }

    /// The sample conversation, as one history page.
    pub fn history(&self) -> Result<HistoryPage, BackendError> {
        let mut messages: Vec<Message> = from_json(SAMPLE).map_err(unread)?;
        // A page lists the newest first.
        messages.reverse();
        Ok(HistoryPage {
            messages,
            next_cursor: None,
        })
    }

    /// Answers locally: the visitor's words come back as a streamed rich-text reply.
    pub async fn send(
        &self,
        body: &SendMessage,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd, BackendError> {
        on_event(TurnEvent::Accepted);
        let said: String = texts(&body.message.parts).collect();
        self.stream(&format!("(Preview) You wrote: {said}"), on_event)
            .await
    }

    /// Streams `reply` word by word as a rich-text answer, then its `done`.
    pub async fn stream(
        &self,
        reply: &str,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd, BackendError> {
        let n = self.turns.get() + 1;
        self.turns.set(n);
        let part = format!("preview_{n}");
        let mut emit = |name: &str, data: String| {
            let frame = SseEvent {
                event: name.to_owned(),
                data,
                id: None,
            };
            if let Some(event) = decode(&frame) {
                on_event(TurnEvent::Stream(event));
            }
        };
        emit(
            "part_delta",
            format!(
                r#"{{"part_id":"{part}","delta":{{"action":"start_part","part_type":"rich_text"}}}}"#
            ),
        );
        emit(
            "part_delta",
            format!(
                r#"{{"part_id":"{part}","delta":{{"action":"start_block","block_index":0,"block_type":"paragraph"}}}}"#
            ),
        );
        for (i, word) in reply.split(' ').enumerate() {
            let text = if i == 0 {
                word.to_owned()
            } else {
                format!(" {word}")
            };
            emit(
                "part_delta",
                format!(
                    r#"{{"part_id":"{part}","delta":{{"action":"append_text","block_index":0,"text":{}}}}}"#,
                    quoted(&text)
                ),
            );
            sleep(WORD_MS).await;
        }
        let done = format!(
            r#"{{"message":{{"message_id":"msg_{part}","role":"assistant","parts":[{{"type":"rich_text","part_id":"{part}","blocks":[{{"type":"paragraph","spans":[{{"type":"text","text":{}}}]}}]}}]}}}}"#,
            quoted(reply)
        );
        let frame = SseEvent {
            event: "done".to_owned(),
            data: done,
            id: None,
        };
        if let Some(event) = decode(&frame) {
            on_event(TurnEvent::Stream(event));
            on_event(TurnEvent::Final(raw_message(&frame)));
        }
        Ok(TurnEnd::Terminal)
    }

    /// `Dialoge('previewScene', name)`: shows that livechat state. `false` for an unknown name.
    pub fn set_scene(&self, name: &str) -> bool {
        let Some(scene) = Scene::parse(name) else {
            return false;
        };
        self.join_at.set(None);
        self.feedback_given.set(false);
        self.closed_by_visitor.set(false);
        self.change(scene);
        true
    }

    fn change(&self, scene: Scene) {
        self.scene.set(scene);
        self.version.set(self.version.get() + 1);
    }

    /// The scene now, after a pending agent join has happened.
    fn current(&self) -> Scene {
        if let Some(at) = self.join_at.get() {
            if js_sys::Date::now() >= at && self.scene.get() == Scene::Waiting {
                self.join_at.set(None);
                self.change(Scene::Active);
            }
        }
        self.scene.get()
    }

    /// A handover: waiting now, the sample agent joins shortly.
    pub fn handover(&self) -> Result<LivechatSession, BackendError> {
        self.set_scene("waiting");
        self.join_at.set(Some(js_sys::Date::now() + JOIN_MS));
        from_json(r#"{"livechat_session_id":"preview","status":"waiting"}"#).map_err(unread)
    }

    pub fn livechat_state(&self) -> Result<LivechatState, BackendError> {
        let scene = self.current();
        let agent = matches!(scene, Scene::Active | Scene::Closed);
        let closed = scene == Scene::Closed;
        Ok(LivechatState {
            status: match scene {
                Scene::None => LivechatStatus::Inactive,
                Scene::Waiting => LivechatStatus::Waiting,
                Scene::Active => LivechatStatus::Active,
                Scene::Closed => LivechatStatus::Closed,
            },
            active_agent: agent.then(|| AgentInfo {
                agent_id: "preview-agent".to_owned(),
                display_name: AGENT_NAME.to_owned(),
                avatar_url: None,
            }),
            is_agent_typing: scene == Scene::Active,
            closed_by: closed.then(|| {
                if self.closed_by_visitor.get() {
                    ClosedBy::Customer
                } else {
                    ClosedBy::Agent
                }
            }),
            feedback: closed.then(|| FeedbackState {
                status: if self.feedback_given.get() {
                    FeedbackStatus::Submitted
                } else {
                    FeedbackStatus::Pending
                },
            }),
            state_version: self.version.get(),
            ..Default::default()
        })
    }

    /// The agent's lines the scene has reached and the visitor's messages to the agent.
    pub fn livechat_messages(&self, after: u64) -> Result<Raw<LivechatMessages>, BackendError> {
        let lines = match self.current() {
            Scene::None | Scene::Waiting => 0,
            Scene::Active => 1,
            Scene::Closed => 2,
        };
        let mut all: Vec<String> = AGENT_LINES[..lines]
            .iter()
            .enumerate()
            .map(|(i, text)| {
                message_json(&format!("pv_agent_{i}"), "agent", text, i as u64 + 1, true)
            })
            .collect();
        all.extend(self.echoed.borrow().iter().cloned());
        let fresh: Vec<String> = all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 + 1 > after)
            .map(|(_, m)| m)
            .collect();
        let page = format!(r#"{{"messages":[{}],"has_more":false}}"#, fresh.join(","));
        Ok(Raw {
            value: from_json(&page).map_err(unread)?,
            json: js_sys::JSON::parse(&page).unwrap_or(wasm_bindgen::JsValue::NULL),
        })
    }

    /// The visitor writes to the sample agent: kept and shown, answered by nobody.
    pub fn livechat_send(&self, body: &SendMessage) -> Result<LivechatSendResponse, BackendError> {
        let text: String = texts(&body.message.parts).collect();
        let seq = AGENT_LINES.len() as u64 + self.echoed.borrow().len() as u64 + 1;
        let message = message_json(&format!("pv_visitor_{seq}"), "user", &text, seq, false);
        self.echoed.borrow_mut().push(message.clone());
        from_json(&format!(r#"{{"message":{message}}}"#)).map_err(unread)
    }

    /// The visitor ends the livechat: closed, feedback asked for.
    pub fn livechat_close(&self) {
        self.closed_by_visitor.set(true);
        self.change(Scene::Closed);
    }

    pub fn livechat_feedback(&self) {
        self.feedback_given.set(true);
        self.version.set(self.version.get() + 1);
    }

    /// The preview has no held sync: the follower polls (nothing leaves the page).
    pub fn no_sync() -> BackendError {
        BackendError::Http {
            status: 404,
            code: ErrorCode::NotFound,
            message: String::new(),
            params: Vec::new(),
            retry_after: None,
        }
    }
}

/// A marker form answered in the preview: shown as sent, stored nowhere.
pub fn action_response() -> ActionResponse {
    ActionResponse {
        submission_id: String::new(),
        confirmation_text: None,
        livechat_session: None,
    }
}

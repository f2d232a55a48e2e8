//! A scripted, network-free backend: the branding preview (EMBED.md section 5) and tests run on
//! it. It sends nothing anywhere. A visitor's message is answered locally with a short streamed
//! reply, through the same typed events and the same reducer as a real answer, so what the
//! preview shows is what shoppers see.

use dialoge_api::actions::ActionResponse;
use dialoge_api::config::Config;
use dialoge_api::send::{InputPart, SendMessage};
use dialoge_api::sse::SseEvent;

use super::{BackendError, Capabilities, TurnEnd, TurnEvent};
use crate::life::sleep;
use crate::transport::stream::{decode, raw_message};

/// What the preview can show: everything but a person and the visitor's stored data.
pub const CAPABILITIES: Capabilities = Capabilities {
    streaming: true,
    markers: true,
    livechat: false,
    attachments: true,
    rating: true,
    export: false,
    delete: false,
    message_feedback: false,
};

/// Pause between the words of a scripted reply: slow enough to be seen streaming.
const WORD_MS: u32 = 40;

/// The preview backend.
pub struct Preview {
    /// Host-less URLs in a previewed config resolve against the API the config is meant for.
    base: String,
    /// Numbers the scripted replies, so their ids differ.
    turns: std::cell::Cell<u32>,
}

impl Preview {
    pub fn new(base: String) -> Preview {
        Preview {
            base,
            turns: std::cell::Cell::new(0),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The preview's config comes with the boot options, never from a server.
    pub fn config(&self) -> Result<(Config, String), BackendError> {
        Err(BackendError::Unsupported)
    }

    /// Answers locally: the visitor's words come back as a streamed rich-text reply.
    pub async fn send(
        &self,
        body: &SendMessage,
        on_event: &mut dyn FnMut(TurnEvent),
    ) -> Result<TurnEnd, BackendError> {
        let n = self.turns.get() + 1;
        self.turns.set(n);
        on_event(TurnEvent::Accepted);
        let said: String = body
            .message
            .parts
            .iter()
            .filter_map(|p| match p {
                InputPart::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let reply = format!("(Preview) You wrote: {said}");
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
            let text = serde_json::to_string(&text).unwrap_or_default();
            emit(
                "part_delta",
                format!(
                    r#"{{"part_id":"{part}","delta":{{"action":"append_text","block_index":0,"text":{text}}}}}"#
                ),
            );
            sleep(WORD_MS).await;
        }
        let text = serde_json::to_string(&reply).unwrap_or_default();
        let done = format!(
            r#"{{"message":{{"message_id":"msg_{part}","role":"assistant","parts":[{{"type":"rich_text","part_id":"{part}","blocks":[{{"type":"paragraph","spans":[{{"type":"text","text":{text}}}]}}]}}]}}}}"#
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
}

/// A marker form answered in the preview: shown as sent, stored nowhere.
pub fn action_response() -> ActionResponse {
    ActionResponse {
        submission_id: String::new(),
        confirmation_text: None,
        livechat_session: None,
    }
}

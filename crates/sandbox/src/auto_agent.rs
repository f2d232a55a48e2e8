//! Effects layer: the auto agent (`--auto-agent`, [`crate::SandboxOptions::auto_agent`]): a scripted human for
//! the demo. It takes sessions that have waited [`crate::SandboxOptions::auto_agent_delay`],
//! greets, and answers the visitor's latest message by keyword, typing first like a person:
//!
//! | keyword | answer |
//! |---|---|
//! | `file`, `pdf`, `invoice`, `document`, `size` | a text and the size chart as a PDF `file` part |
//! | `order`, `track`, `delivery` | asks for the order number |
//! | `return`, `refund` | the return policy in one line |
//! | `bye`, `thanks`, `thank you`, `close` | says goodbye and closes the session (feedback becomes pending) |
//! | anything else | says what it understands |
//!
//! It acts through the same store transitions as the agent API, so it obeys the same rules
//! (a session a person took in the console first is left alone). It never holds the store lock
//! across a pause, and never answers an HTTP request.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use dialoge_api::livechat::AgentProfile;
use dialoge_api::message::{Part, Role};

use crate::chatbot::keyword_matches;
use crate::delivery::emit;
use crate::state::AppState;
use crate::stores::livechat::{Phase, Prepared};

/// The auto agent's `agent_id`.
pub const AUTO_AGENT_ID: &str = "auto_alice";
/// How often it looks for work.
const TICK: Duration = Duration::from_millis(200);

const SIZE_CHART: &[u8] = include_bytes!("../assets/size-chart.pdf");

enum Task {
    Join {
        session_id: String,
        chatbot_id: String,
        origin: String,
    },
    Reply {
        session_id: String,
        sequence: u64,
        text: String,
    },
}

/// Runs until the runtime stops.
pub(crate) async fn run(state: AppState) {
    // Per session: the sequence number of the visitor message last answered.
    let mut answered: HashMap<String, u64> = HashMap::new();
    loop {
        tokio::time::sleep(TICK).await;
        let tasks = plan(&state, &answered);
        for task in tasks {
            act(&state, task, &mut answered).await;
        }
    }
}

fn plan(state: &AppState, answered: &HashMap<String, u64>) -> Vec<Task> {
    let now = state.now();
    let delay = state.options().auto_agent_delay;
    let store = state.livechat();
    let mut tasks = Vec::new();
    for session in store.sessions.values() {
        match &session.phase {
            Phase::Waiting if session.requested + delay <= now => {
                tasks.push(Task::Join {
                    session_id: session.id.clone(),
                    chatbot_id: session.chatbot_id.clone(),
                    origin: session.origin.clone(),
                });
            }
            Phase::Active { joined, .. } if joined.agent.agent_id == AUTO_AGENT_ID => {
                let last = store.visitors.get(&session.visitor_id).and_then(|record| {
                    record
                        .messages
                        .iter()
                        .rev()
                        .find(|m| m.session_id == session.id && m.message.role == Role::User)
                });
                let Some(last) = last else { continue };
                let sequence = last.message.sequence_number.unwrap_or(0);
                if sequence > answered.get(&session.id).copied().unwrap_or(0) {
                    let text = last
                        .message
                        .parts
                        .iter()
                        .filter_map(|p| match p {
                            Part::Text(t) => Some(t.text.as_str()),
                            Part::File(_) | Part::Image(_) => Some("file"),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                    tasks.push(Task::Reply {
                        session_id: session.id.clone(),
                        sequence,
                        text,
                    });
                }
            }
            _ => {}
        }
    }
    tasks
}

async fn act(state: &AppState, task: Task, answered: &mut HashMap<String, u64>) {
    let typing = state.options().auto_agent_typing;
    match task {
        Task::Join {
            session_id,
            chatbot_id,
            origin,
        } => {
            {
                let mut store = state.livechat();
                store
                    .agents
                    .entry((chatbot_id, AUTO_AGENT_ID.to_owned()))
                    .or_insert_with(|| AgentProfile {
                        display_name: "Alice (auto agent)".to_owned(),
                        avatar_url: Some(format!("{origin}/shop/img/agent.svg")),
                    });
            }
            // Typing claims the session: "Alice joined the chat" shows while she types.
            if !type_for(state, &session_id, typing).await {
                return;
            }
            let greeting = "Hi, I'm Alice from customer service (a scripted demo agent). \
                            Try \"order\", \"file\" or \"bye\".";
            send(
                state,
                &session_id,
                vec![Prepared::Text(greeting.to_owned())],
            );
        }
        Task::Reply {
            session_id,
            sequence,
            text,
        } => {
            answered.insert(session_id.clone(), sequence);
            if !type_for(state, &session_id, typing).await {
                return;
            }
            let reply = reply_to(&text);
            send(state, &session_id, reply.parts);
            if reply.close {
                let closed = state.livechat().agent_close(
                    &session_id,
                    AUTO_AGENT_ID,
                    Some("resolved".to_owned()),
                    state.now(),
                );
                if let Ok((_, events)) = closed {
                    emit(state, events);
                }
            }
        }
    }
}

/// Shows "typing" for `pause`; `false` if the session cannot be taken (closed, or a person
/// took it).
async fn type_for(state: &AppState, session_id: &str, pause: Duration) -> bool {
    let timeout = state.options().typing_timeout;
    if state
        .livechat()
        .agent_typing(session_id, AUTO_AGENT_ID, true, timeout, state.now())
        .is_err()
    {
        return false;
    }
    if !pause.is_zero() {
        tokio::time::sleep(pause).await;
    }
    true
}

fn send(state: &AppState, session_id: &str, parts: Vec<Prepared>) {
    // A session closed by the visitor meanwhile simply gets no answer.
    let _ = state
        .livechat()
        .agent_send(session_id, AUTO_AGENT_ID, parts, state.now());
}

struct Reply {
    parts: Vec<Prepared>,
    close: bool,
}

fn reply_to(text: &str) -> Reply {
    let text = text.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| keyword_matches(&text, w));
    let say = |line: &str| vec![Prepared::Text(line.to_owned())];
    if any(&["bye", "thanks", "thank you", "close"]) {
        Reply {
            parts: say("You're welcome! I'll close this chat now. Have a lovely day."),
            close: true,
        }
    } else if any(&["file", "pdf", "invoice", "document", "size"]) {
        let mut parts = say("Here is our size chart as a PDF.");
        parts.push(Prepared::Upload {
            image: false,
            bytes: Bytes::from_static(SIZE_CHART),
            mime: "application/pdf".to_owned(),
            filename: "size-chart.pdf".to_owned(),
        });
        Reply {
            parts,
            close: false,
        }
    } else if any(&["order", "track", "delivery"]) {
        Reply {
            parts: say("Let me look that up. What is your order number?"),
            close: false,
        }
    } else if any(&["return", "refund"]) {
        Reply {
            parts: say("You can return anything within 30 days; I've noted it on your case."),
            close: false,
        }
    } else {
        Reply {
            parts: say("Thanks! I'm a scripted demo agent: I understand \"order\", \"return\", \"file\" and \"bye\"."),
            close: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goodbye_closes_and_a_file_request_attaches_the_size_chart() {
        assert!(reply_to("Thanks, bye!").close);
        let file = reply_to("Can I get the invoice?");
        assert!(!file.close);
        assert!(file
            .parts
            .iter()
            .any(|p| matches!(p, Prepared::Upload { mime, .. } if mime == "application/pdf")));
        assert!(!reply_to("hmm").close);
    }
}

//! `GET /messages` history pages (CONTRACT.md section 3). Wire type only.

use serde::Serialize;

use crate::FromJson;

use crate::Message;

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, FromJson)]
pub struct HistoryPage {
    /// Messages, newest first.
    #[serde(default)]
    pub messages: Vec<crate::Message>,
    /// Cursor for the next older page; `null` (sent explicitly) when there is none.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

impl HistoryPage {
    /// The messages oldest first, as a conversation is shown.
    pub fn into_chronological(self) -> Vec<Message> {
        let mut messages = self.messages;
        messages.reverse();
        messages
    }
}

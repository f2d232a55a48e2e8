//! The transcript: the visitor's optimistic messages (their payload waits in the conversation
//! service's outbox until the server has the turn) and the assistant's replies as
//! they stream in, reconciled with `part` and `done`.

use std::sync::Arc;

use crate::reactive::*;
use dialoge_api::message::{Message, Part, Role};
use dialoge_api::reducer::{Change, MessageBuilder};
use dialoge_api::stream::{Delta, StreamEvent};

use super::live::{LiveBlock, LiveBlockKind, LiveKind, LivePart, LiveSpan};
use super::Read;

/// Where a message is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum EntryState {
    /// The visitor's message is on its way.
    Sending,
    /// The server has it.
    Sent,
    /// Not sent (or the answer failed): the text stays, with a retry.
    Failed,
    /// The assistant's answer is arriving.
    Streaming,
    /// Final.
    Done,
    /// The answer stopped part-way (stopped by the visitor or dropped).
    Incomplete,
}

/// One message in the list. Its signals are written only by the conversation service and the
/// [`TurnApplier`]; views read them through the accessors.
#[derive(Clone)]
pub struct Entry {
    pub key: u64,
    pub role: Role,
    /// Written by the visitor in this page (not from history or another tab).
    pub from_visitor: bool,
    /// Who wrote it, for agent messages.
    pub agent: Option<dialoge_api::message::AgentInfo>,
    /// When the service says it was written (RFC 3339; empty for what this page wrote).
    created_at: String,
    message_id: RwSignal<Option<String>>,
    parts: RwSignal<Vec<LivePart>>,
    state: RwSignal<EntryState>,
    /// Why the service refused this visitor message (a 422), said at the message.
    problem: RwSignal<Option<String>>,
}

impl Entry {
    pub fn message_id(&self) -> Read<Option<String>> {
        Read::of(self.message_id)
    }

    pub fn parts(&self) -> Read<Vec<LivePart>> {
        Read::of(self.parts)
    }

    pub fn state(&self) -> Read<EntryState> {
        Read::of(self.state)
    }

    pub(crate) fn set_state(&self, state: EntryState) {
        self.state.try_set(state);
    }

    pub fn problem(&self) -> Read<Option<String>> {
        Read::of(self.problem)
    }

    pub(crate) fn set_problem(&self, problem: Option<String>) {
        self.problem.try_set(problem);
    }

    pub(crate) fn set_message_id(&self, id: String) {
        self.message_id.try_set(Some(id));
    }
}

/// A message's text parts, joined (what tells a visitor message from another).
pub(crate) fn message_text(parts: &[Part]) -> String {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect()
}

/// The text a visitor entry shows.
fn entry_text(entry: &Entry) -> String {
    entry.parts.with_untracked(|parts| {
        parts
            .iter()
            .filter_map(|p| match &p.kind {
                LiveKind::Whole(part) => match part.as_ref() {
                    Part::Text(t) => Some(t.text.as_str()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    })
}

/// The messages shown in the panel, in order.
#[derive(Clone, Copy)]
pub struct Transcript {
    entries: RwSignal<Vec<Entry>>,
    next: StoredValue<u64>,
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

impl Transcript {
    pub fn new() -> Self {
        Transcript {
            entries: RwSignal::new(Vec::new()),
            next: StoredValue::new(1),
        }
    }

    fn key(&self) -> u64 {
        let k = self.next.get_value();
        self.next.set_value(k + 1);
        k
    }

    /// The entries, for views.
    pub fn entries(&self) -> Read<Vec<Entry>> {
        Read::of(self.entries)
    }

    /// Shows the visitor's message at once, before the server has seen it.
    pub fn push_user(&self, parts: &[Part]) -> Entry {
        let entry = Entry {
            key: self.key(),
            role: Role::User,
            from_visitor: true,
            message_id: RwSignal::new(None),
            parts: RwSignal::new(parts.iter().map(LivePart::from_part).collect()),
            state: RwSignal::new(EntryState::Sending),
            problem: RwSignal::new(None),
            agent: None,
            created_at: String::new(),
        };
        self.entries.update(|e| e.push(entry.clone()));
        entry
    }

    /// Appends a finished message (history, livechat): rendered once, never again.
    /// A message already shown (same id: an agent message that history also carries) is not
    /// shown twice. One written before messages already shown (a closed livechat's transcript
    /// after a reload, next to the assistant's history) goes in by its time.
    pub fn push_message(&self, message: &Message) -> Option<Entry> {
        let id = Some(message.message_id.clone());
        if self
            .entries
            .with_untracked(|e| e.iter().any(|x| x.message_id.get_untracked() == id))
        {
            return None;
        }
        let entry = self.entry_for(message);
        self.entries.update(|e| {
            // Before the first message the service dated later (RFC 3339 times of one service
            // compare as text); a message newer than all of them (a live one) goes last.
            let at = (!message.created_at.is_empty())
                .then(|| {
                    e.iter().position(|x| {
                        !x.created_at.is_empty()
                            && x.created_at.as_str() > message.created_at.as_str()
                    })
                })
                .flatten()
                .unwrap_or(e.len());
            e.insert(at, entry.clone());
        });
        Some(entry)
    }

    /// The ids of the messages shown. A plain list, searched from end to end: it is checked
    /// against one page of history (tens of messages) at a time, and a hash set would bring
    /// its hasher and table code into the wasm for nothing measurable.
    fn known_ids(&self) -> Vec<String> {
        self.entries.with_untracked(|e| {
            e.iter()
                .filter_map(|x| x.message_id.get_untracked())
                .collect()
        })
    }

    /// Puts older messages (a history page, oldest first) before everything shown. A message
    /// already in the list (same id) is not shown twice.
    pub fn prepend(&self, older: &[Message]) {
        let known = self.known_ids();
        let fresh: Vec<Entry> = older
            .iter()
            .filter(|m| !known.contains(&m.message_id))
            .map(|m| self.entry_for(m))
            .collect();
        if !fresh.is_empty() {
            self.entries.update(|e| {
                e.splice(0..0, fresh);
            });
        }
    }

    /// Appends what the newest history page (oldest first) has after the newest message
    /// shown: what another tab of this visitor said and was answered. A message already shown
    /// (same id) is not shown twice, and a visitor message of this tab the server had not named
    /// yet (same text, no id) gets the page's id instead of a second entry. Returns how many
    /// messages were appended.
    pub fn merge_newest(&self, page: &[Message]) -> usize {
        let known = self.known_ids();
        // This tab's own messages the server has named since (they sit before their answers,
        // so anywhere in the page): the first unnamed one with the same text takes the id.
        let mut claimed: Vec<&str> = Vec::new();
        for message in page.iter().filter(|m| m.role == Role::User) {
            if known.contains(&message.message_id) {
                continue;
            }
            let text = message_text(&message.parts);
            let unnamed = self.entries.with_untracked(|e| {
                e.iter()
                    .find(|x| {
                        x.from_visitor
                            && x.message_id.get_untracked().is_none()
                            && entry_text(x) == text
                    })
                    .cloned()
            });
            if let Some(own) = unnamed {
                own.set_message_id(message.message_id.clone());
                claimed.push(message.message_id.as_str());
            }
        }
        // Everything up to the newest known message is older than what is shown.
        let start = page
            .iter()
            .rposition(|m| known.contains(&m.message_id))
            .map_or(0, |i| i + 1);
        let fresh: Vec<Entry> = page[start..]
            .iter()
            .filter(|m| !known.contains(&m.message_id) && !claimed.contains(&m.message_id.as_str()))
            .map(|m| self.entry_for(m))
            .collect();
        let count = fresh.len();
        if count > 0 {
            self.entries.update(|e| e.extend(fresh));
        }
        count
    }

    fn entry_for(&self, message: &Message) -> Entry {
        Entry {
            key: self.key(),
            role: message.role.clone(),
            message_id: RwSignal::new(Some(message.message_id.clone())),
            parts: RwSignal::new(message.parts.iter().map(LivePart::from_part).collect()),
            state: RwSignal::new(EntryState::Done),
            problem: RwSignal::new(None),
            from_visitor: false,
            agent: message.agent.clone(),
            created_at: message.created_at.clone(),
        }
    }

    fn push_assistant(&self) -> Entry {
        let entry = Entry {
            key: self.key(),
            role: Role::Assistant,
            message_id: RwSignal::new(None),
            parts: RwSignal::new(Vec::new()),
            state: RwSignal::new(EntryState::Streaming),
            problem: RwSignal::new(None),
            from_visitor: false,
            agent: None,
            created_at: String::new(),
        };
        self.entries.update(|e| e.push(entry.clone()));
        entry
    }

    /// Removes an entry (a partial answer before its turn is retried).
    pub fn remove(&self, key: u64) {
        self.entries.update(|e| e.retain(|x| x.key != key));
    }

    /// Forgets everything (reset).
    pub fn clear(&self) {
        self.entries.set(Vec::new());
    }

    /// The entry with this key.
    pub fn find(&self, key: u64) -> Option<Entry> {
        self.entries
            .with_untracked(|e| e.iter().find(|x| x.key == key).cloned())
    }
}

/// What applying one stream event meant, for the status line and the host page.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// Nothing visible (status, unknown event, a skipped delta).
    Nothing,
    /// The server started working on the answer.
    Processing,
    /// Content arrived.
    Content,
    /// The answer is complete.
    Done(Box<Message>, Option<String>),
    /// The server ended the turn with an error.
    Error(dialoge_api::stream::StreamErrorEvent),
}

/// Applies one turn's stream to the conversation: creates the assistant entry on the first
/// content, mirrors each reducer change into exactly one signal, and reconciles with the final
/// `part` and `done` (a part whose final shape differs from what the deltas built is replaced).
pub struct TurnApplier {
    convo: Transcript,
    builder: MessageBuilder,
    entry: Option<Entry>,
}

impl TurnApplier {
    pub fn new(convo: Transcript) -> Self {
        TurnApplier {
            convo,
            builder: MessageBuilder::new(),
            entry: None,
        }
    }

    /// The assistant entry, once content has arrived.
    pub fn entry(&self) -> Option<&Entry> {
        self.entry.as_ref()
    }

    fn entry_mut(&mut self) -> Entry {
        match &self.entry {
            Some(e) => e.clone(),
            None => {
                let e = self.convo.push_assistant();
                self.entry = Some(e.clone());
                e
            }
        }
    }

    pub fn apply(&mut self, event: StreamEvent) -> Result<Applied, String> {
        match event {
            StreamEvent::Status(s) => Ok(
                if s.status == dialoge_api::stream::StreamStatus::Processing {
                    Applied::Processing
                } else {
                    Applied::Nothing
                },
            ),
            StreamEvent::PartDelta(d) => {
                let change = self
                    .builder
                    .apply_delta(&d.part_id, &d.delta)
                    .map_err(|e| e.to_string())?;
                self.mirror(change, &d.delta);
                Ok(Applied::Content)
            }
            StreamEvent::Part(p) => {
                self.reconcile_part(p.part);
                Ok(Applied::Content)
            }
            StreamEvent::Done(done) => {
                self.reconcile_message(&done.message);
                Ok(Applied::Done(Box::new(done.message), done.visitor_token))
            }
            StreamEvent::Error(e) => {
                if let Some(entry) = &self.entry {
                    entry.state.set(EntryState::Incomplete);
                }
                Ok(Applied::Error(e))
            }
            StreamEvent::Unknown { .. } => Ok(Applied::Nothing),
        }
    }

    /// Moves one reducer change into the one signal it concerns.
    fn mirror(&mut self, change: Change, delta: &Delta) {
        let entry = self.entry_mut();
        match change {
            Change::PartStarted { index } => {
                if let Some(p) = self.builder.parts().get(index) {
                    let live = LivePart::from_part(p);
                    entry.parts.update(|parts| parts.push(live));
                }
            }
            Change::BlockStarted { part, block } => {
                let fresh = self
                    .builder
                    .parts()
                    .get(part)
                    .and_then(|p| match p {
                        Part::RichText(rt) => rt.blocks.get(block),
                        _ => None,
                    })
                    .and_then(LiveBlock::from_block);
                if let (Some(fresh), Some(rt)) = (fresh, rich_text(&entry, part)) {
                    rt.blocks.update(|blocks| {
                        if block < blocks.len() {
                            blocks[block] = fresh;
                        } else {
                            blocks.push(fresh);
                        }
                    });
                }
            }
            Change::TextAppended {
                part,
                block,
                span_index,
            } => {
                let Delta::AppendText { text, .. } = delta else {
                    return;
                };
                if let Some(LiveBlockKind::Paragraph(spans)) = live_block(&entry, part, block) {
                    let grown = spans.with_untracked(|s| match s.get(span_index) {
                        Some(LiveSpan::Text(sig)) => Some(*sig),
                        _ => None,
                    });
                    match grown {
                        // The common case: one text node grows.
                        Some(sig) => sig.update(|s| s.push_str(text)),
                        None => {
                            spans.update(|s| s.push(LiveSpan::Text(RwSignal::new(text.clone()))))
                        }
                    }
                }
            }
            Change::SpanAppended {
                part,
                block,
                span_index,
            } => {
                let span = self.builder.parts().get(part).and_then(|p| match p {
                    Part::RichText(rt) => match rt.blocks.get(block) {
                        Some(dialoge_api::message::Block::Paragraph { spans }) => {
                            spans.get(span_index).cloned()
                        }
                        _ => None,
                    },
                    _ => None,
                });
                if let (Some(span), Some(LiveBlockKind::Paragraph(spans))) =
                    (span, live_block(&entry, part, block))
                {
                    spans.update(|s| s.push(LiveSpan::from_span(&span)));
                }
            }
            Change::ItemAppended { part, block, .. } => {
                if let (Delta::AppendItem { item, .. }, Some(LiveBlockKind::List(items))) =
                    (delta, live_block(&entry, part, block))
                {
                    items.update(|i| i.push(Arc::new(item.clone())));
                }
            }
            Change::ProductAppended { part, .. } => {
                if let Delta::AppendProduct { product } = delta {
                    if let Some(LiveKind::Products(p)) = live_kind(&entry, part) {
                        p.products.update(|v| v.push(Arc::new(product.clone())));
                    }
                }
            }
            Change::RowAppended { part, .. } => {
                if let Delta::AppendRow { row } = delta {
                    if let Some(LiveKind::Table(t)) = live_kind(&entry, part) {
                        t.rows.update(|v| v.push(Arc::new(row.clone())));
                    }
                }
            }
            // Nothing visible changes; final parts go through `reconcile_part`.
            Change::BlockEnded { .. }
            | Change::PartEnded { .. }
            | Change::PartReplaced { .. }
            | Change::PartAppended { .. } => {}
        }
    }

    /// A final `part`: keep what the deltas built when it matches, else re-render that part.
    fn reconcile_part(&mut self, part: Part) {
        let entry = self.entry_mut();
        // Only the part this event replaces is compared, so the cost does not grow with the reply.
        let before = part
            .part_id()
            .and_then(|id| self.builder.position(id))
            .and_then(|i| self.builder.parts().get(i).cloned());
        let index = match self.builder.apply_part(part) {
            Change::PartReplaced { index } | Change::PartAppended { index } => index,
            _ => return,
        };
        let after = self.builder.parts();
        if let Some(final_part) = after.get(index) {
            if before.as_ref() != Some(final_part)
                || entry.parts.with_untracked(|p| p.len()) <= index
            {
                let live = LivePart::from_part(final_part);
                entry.parts.update(|parts| {
                    if index < parts.len() {
                        parts[index] = live;
                    } else {
                        parts.push(live);
                    }
                });
            }
        }
    }

    /// `done` is the source of truth: any part that differs from what streamed is replaced.
    fn reconcile_message(&mut self, message: &Message) {
        let entry = self.entry_mut();
        let built = self.builder.parts();
        if built != message.parts.as_slice() {
            let same_prefix = built
                .iter()
                .zip(&message.parts)
                .take_while(|(a, b)| a == b)
                .count();
            entry.parts.update(|parts| {
                parts.truncate(same_prefix);
                parts.extend(message.parts[same_prefix..].iter().map(LivePart::from_part));
            });
        }
        entry.message_id.set(Some(message.message_id.clone()));
        entry.state.set(EntryState::Done);
    }
}

fn live_kind(entry: &Entry, part: usize) -> Option<LiveKind> {
    entry
        .parts
        .with_untracked(|p| p.get(part).map(|lp| lp.kind.clone()))
}

fn rich_text(entry: &Entry, part: usize) -> Option<super::live::LiveRichText> {
    match live_kind(entry, part)? {
        LiveKind::RichText(rt) => Some(rt),
        _ => None,
    }
}

fn live_block(entry: &Entry, part: usize, block: usize) -> Option<LiveBlockKind> {
    rich_text(entry, part)?
        .blocks
        .with_untracked(|b| b.get(block).map(|b| b.kind))
}

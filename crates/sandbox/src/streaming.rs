//! Stream layer (above the stores, below the routes): turning a reply into the SSE message
//! stream (CONTRACT.md section 4), and writing it out with pacing, keep-alives and the stream
//! fault switches applied. It never touches the app state or a store lock.
//!
//! [`part_events`] is pure: rich text, products and tables become real deltas (`start_part` …
//! `end_part`) followed by the final `part`; everything else is one whole `part` event. Every frame
//! is encoded by the api crate's `StreamEvent::to_sse_frame`, the same code the widget's parser is
//! tested against. [`SseWriter`] owns the sending half of the response body: when it is dropped,
//! the body ends.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use dialoge_api::message::{Block, Part};
use dialoge_api::stream::{
    BlockType, Delta, PartDeltaEvent, PartEvent, PartType, StatusEvent, StreamErrorEvent,
    StreamEvent, StreamStatus,
};
use futures_util::stream;
use tokio::sync::mpsc;

use crate::stores::faults::StreamFaults;

/// Longest `append_text` delta: a 100 KB word still arrives in pieces a parser can chew on.
const MAX_TEXT_DELTA_BYTES: usize = 4096;
/// Words per `append_text` delta: roughly what a model emits per token burst.
const WORDS_PER_DELTA: usize = 2;

/// The events that deliver `part`: deltas then the final `part` for streamed types, else the
/// whole `part` alone.
pub fn part_events(part: &Part) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    match part {
        Part::RichText(rich) => {
            let id = &rich.part_id;
            events.push(delta(id, start_part(PartType::RichText)));
            for (index, block) in rich.blocks.iter().enumerate() {
                match block {
                    Block::Paragraph { spans } => {
                        events.push(delta(
                            id,
                            Delta::StartBlock {
                                block_index: index,
                                block_type: BlockType::Paragraph,
                            },
                        ));
                        for span in spans {
                            match span {
                                dialoge_api::message::Span::Text { text } => {
                                    for piece in text_pieces(text) {
                                        events.push(delta(
                                            id,
                                            Delta::AppendText {
                                                block_index: index,
                                                text: piece.to_owned(),
                                            },
                                        ));
                                    }
                                }
                                other => events.push(delta(
                                    id,
                                    Delta::AppendSpan {
                                        block_index: index,
                                        span: other.clone(),
                                    },
                                )),
                            }
                        }
                    }
                    Block::BulletList { items } => {
                        events.push(delta(
                            id,
                            Delta::StartBlock {
                                block_index: index,
                                block_type: BlockType::BulletList,
                            },
                        ));
                        for item in items {
                            events.push(delta(
                                id,
                                Delta::AppendItem {
                                    block_index: index,
                                    item: item.clone(),
                                },
                            ));
                        }
                    }
                    // The sandbox never produces unknown blocks; were one to appear, the final
                    // `part` still carries it.
                    Block::Unknown { .. } => continue,
                }
                events.push(delta(id, Delta::EndBlock { block_index: index }));
            }
            events.push(delta(id, Delta::EndPart));
        }
        Part::Products(products) => {
            let id = &products.part_id;
            events.push(delta(id, start_part(PartType::Products)));
            for product in &products.products {
                events.push(delta(
                    id,
                    Delta::AppendProduct {
                        product: product.clone(),
                    },
                ));
            }
            events.push(delta(id, Delta::EndPart));
        }
        Part::Table(table) => {
            let id = &table.part_id;
            events.push(delta(
                id,
                Delta::StartPart {
                    part_type: PartType::Table,
                    headers: table.headers.clone(),
                    alignments: table.alignments.clone(),
                    caption: table.caption.clone(),
                },
            ));
            for row in &table.rows {
                events.push(delta(id, Delta::AppendRow { row: row.clone() }));
            }
            events.push(delta(id, Delta::EndPart));
        }
        _ => {}
    }
    events.push(StreamEvent::Part(PartEvent { part: part.clone() }));
    events
}

/// The events of a reply that fails: a rich-text part begins, some text arrives, then the error.
pub fn failure_events(
    part_id: &str,
    partial_text: &str,
    error: &StreamErrorEvent,
) -> Vec<StreamEvent> {
    let mut events = vec![
        delta(part_id, start_part(PartType::RichText)),
        delta(
            part_id,
            Delta::StartBlock {
                block_index: 0,
                block_type: BlockType::Paragraph,
            },
        ),
    ];
    for piece in text_pieces(partial_text) {
        events.push(delta(
            part_id,
            Delta::AppendText {
                block_index: 0,
                text: piece.to_owned(),
            },
        ));
    }
    events.push(StreamEvent::Error(error.clone()));
    events
}

/// A `status` event.
pub fn status(status: StreamStatus) -> StreamEvent {
    StreamEvent::Status(StatusEvent {
        status,
        message: None,
    })
}

fn start_part(part_type: PartType) -> Delta {
    Delta::StartPart {
        part_type,
        headers: Vec::new(),
        alignments: Vec::new(),
        caption: None,
    }
}

fn delta(part_id: &str, delta: Delta) -> StreamEvent {
    StreamEvent::PartDelta(PartDeltaEvent {
        part_id: part_id.to_owned(),
        delta,
    })
}

/// Splits text into small pieces of a couple of words each (whitespace stays attached to the
/// word before it, so the pieces concatenate back to the text), never longer than
/// [`MAX_TEXT_DELTA_BYTES`] and never inside a UTF-8 character.
pub fn text_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut words = 0;
    let mut previous_was_space = false;
    for (at, ch) in text.char_indices() {
        let is_space = ch.is_whitespace();
        if !is_space && previous_was_space {
            words += 1;
            if words == WORDS_PER_DELTA {
                pieces.push(&text[start..at]);
                start = at;
                words = 0;
            }
        }
        if at + ch.len_utf8() - start > MAX_TEXT_DELTA_BYTES {
            pieces.push(&text[start..at]);
            start = at;
            words = 0;
        }
        previous_was_space = is_space;
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

/// Why writing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The client went away.
    Disconnected,
    /// A drop fault ended the stream on purpose.
    Dropped,
}

/// Writes SSE frames into a response body.
pub struct SseWriter {
    tx: mpsc::Sender<Bytes>,
    faults: StreamFaults,
    keepalive: Duration,
    events: usize,
    stalled: bool,
}

impl SseWriter {
    /// A writer and the streaming response that carries what it writes.
    pub fn new(faults: StreamFaults, keepalive: Duration) -> (Self, Response) {
        let (tx, rx) = mpsc::channel::<Bytes>(64);
        let body = stream::unfold(rx, |mut rx| async move {
            rx.recv()
                .await
                .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
        });
        let mut response = Response::new(Body::from_stream(body));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        // Tells nginx-style proxies in front of the sandbox not to buffer the stream.
        headers.insert(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        );
        let writer = Self {
            tx,
            faults,
            keepalive: keepalive.max(Duration::from_millis(10)),
            events: 0,
            stalled: false,
        };
        (writer, response)
    }

    /// Sends one event, applying the stall and drop faults first.
    pub async fn event(&mut self, event: &StreamEvent) -> Result<(), Stopped> {
        if let Some((after, duration)) = self.faults.stall {
            if !self.stalled && self.events >= after {
                self.stalled = true;
                self.idle(duration).await?;
            }
        }
        if self
            .faults
            .drop_after_events
            .is_some_and(|limit| self.events >= limit)
        {
            return Err(Stopped::Dropped);
        }
        self.write(event.to_sse_frame().as_bytes()).await?;
        self.events += 1;
        Ok(())
    }

    /// Sends a `: keep-alive` comment.
    pub async fn keep_alive(&mut self) -> Result<(), Stopped> {
        self.write(b": keep-alive\n\n").await
    }

    /// Waits `duration`, sending a keep-alive at once and then every keep-alive interval, so the
    /// client (and any proxy) sees the connection is alive.
    pub async fn idle(&mut self, duration: Duration) -> Result<(), Stopped> {
        if duration.is_zero() {
            return Ok(());
        }
        let deadline = tokio::time::Instant::now() + duration;
        loop {
            self.keep_alive().await?;
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(());
            }
            tokio::time::sleep_until(deadline.min(now + self.keepalive)).await;
            if tokio::time::Instant::now() >= deadline {
                return Ok(());
            }
        }
    }

    /// Waits for `until` to resolve, with keep-alives meanwhile.
    pub async fn idle_until<F: std::future::Future>(
        &mut self,
        until: F,
    ) -> Result<F::Output, Stopped> {
        tokio::pin!(until);
        loop {
            self.keep_alive().await?;
            tokio::select! {
                output = &mut until => return Ok(output),
                () = tokio::time::sleep(self.keepalive) => {}
            }
        }
    }

    /// How many events went out.
    pub fn events_sent(&self) -> usize {
        self.events
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), Stopped> {
        if self.faults.byte_by_byte {
            for byte in bytes {
                self.tx
                    .send(Bytes::copy_from_slice(std::slice::from_ref(byte)))
                    .await
                    .map_err(|_| Stopped::Disconnected)?;
                // Let the connection task flush each byte before the next is queued, so they
                // leave as separate chunks instead of being coalesced into one write.
                tokio::task::yield_now().await;
            }
            Ok(())
        } else {
            self.tx
                .send(Bytes::copy_from_slice(bytes))
                .await
                .map_err(|_| Stopped::Disconnected)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pieces_concatenate_back_to_the_text() {
        for text in [
            "Our return window is ",
            " leading space and  double spaces ",
            "ændringer gælder fra 1. juli 🙂",
            "",
            "one",
        ] {
            let pieces = text_pieces(text);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|piece| !piece.is_empty()));
        }
    }

    #[test]
    fn a_huge_word_is_cut_into_pieces_at_character_boundaries() {
        let word = "å".repeat(10_000);
        let pieces = text_pieces(&word);
        assert!(pieces.len() >= 5);
        assert!(pieces
            .iter()
            .all(|piece| piece.len() <= MAX_TEXT_DELTA_BYTES));
        assert_eq!(pieces.concat(), word);
    }

    #[test]
    fn text_pieces_hold_about_two_words() {
        let pieces = text_pieces("a b c d e");
        assert_eq!(pieces, vec!["a b ", "c d ", "e"]);
    }
}

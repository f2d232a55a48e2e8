//! An incremental Server-Sent Events parser for a `fetch()` body (CONTRACT.md section 4).
//!
//! Browsers' `EventSource` cannot POST, so the widget parses the body itself. Bytes go in as the
//! network delivers them (split anywhere, even inside a line ending or a UTF-8 character); whole
//! events come out. The parser follows the WHATWG event-stream rules; it never reads JSON, never
//! allocates per byte, and never panics: invalid UTF-8 is decoded lossily.
//!
//! Cost is linear in the input: each byte is scanned once for a line ending and copied at most
//! once into the current line.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name; `message` when the frame named none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen on the stream so far (SSE's "last event ID"; it persists).
    pub id: Option<String>,
}

impl SseEvent {
    /// Reads the event as a message-stream event.
    pub fn parse(&self) -> Result<crate::StreamEvent, crate::StreamEventError> {
        crate::StreamEvent::from_sse(&self.event, &self.data)
    }
}

/// How the body ended, as reported by [`SseParser::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SseEnd {
    /// The body ended on a frame boundary: nothing was lost.
    Clean,
    /// The body ended inside a frame (a partial line, or fields not yet followed by a blank
    /// line). SSE never dispatches such a frame, so it was discarded: for the message stream this
    /// means a dropped connection.
    DiscardedPartialFrame,
}

/// The incremental parser. Feed it with [`SseParser::push`], end it with [`SseParser::finish`].
#[derive(Debug, Clone, Default)]
pub struct SseParser {
    /// Bytes of the line being read, without its line ending. Kept as bytes so a UTF-8 character
    /// split across chunks is decoded only once the line is complete.
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next chunk belongs to it.
    after_cr: bool,
    /// No line has completed yet, so a BOM at the start of the first line is still to be dropped.
    started: bool,
    /// A field line (not a comment) has been read since the last blank line.
    in_frame: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
}

const BOM: &[u8] = "\u{feff}".as_bytes();

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk and returns the events it completed, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut rest = bytes;
        // An empty chunk must not lose the pending `\r`: only real bytes settle it.
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some((b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (line, tail) = rest.split_at(end);
            self.line.extend_from_slice(line);
            // `tail` starts with the line ending itself.
            rest = match tail {
                [b'\r', b'\n', after @ ..] => after,
                [b'\r'] => {
                    self.after_cr = true;
                    &[]
                }
                [_, after @ ..] => after,
                [] => &[],
            };
            self.end_line(&mut events);
        }
        self.line.extend_from_slice(rest);
        events
    }

    /// Ends the stream. A frame that was not closed by a blank line is discarded, as SSE demands;
    /// the result says whether that happened.
    pub fn finish(self) -> SseEnd {
        let mut line = self.line.as_slice();
        if !self.started {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        let partial_field_line = !line.is_empty() && !line.starts_with(b":");
        if self.in_frame || partial_field_line {
            SseEnd::DiscardedPartialFrame
        } else {
            SseEnd::Clean
        }
    }

    fn end_line(&mut self, events: &mut Vec<SseEvent>) {
        let bytes = std::mem::take(&mut self.line);
        let mut line = bytes.as_slice();
        if !self.started {
            self.started = true;
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        let text = String::from_utf8_lossy(line);
        self.process_line(&text, events);
        // Reuse the allocation for the next line.
        self.line = bytes;
        self.line.clear();
    }

    fn process_line(&mut self, line: &str, events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        self.in_frame = true;
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => {
                self.event.clear();
                self.event.push_str(value);
            }
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            // The spec ignores ids containing NUL (they could not be echoed in a header).
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            // `retry` only matters to auto-reconnecting clients; this stream is never resumed.
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        self.in_frame = false;
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        events.push(SseEvent {
            event: if event.is_empty() {
                String::from("message")
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        });
    }
}

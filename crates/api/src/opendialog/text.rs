//! OpenDialog's `data.text` → the widget's rich text ([`RichTextPart`]).
//!
//! The text arrives HTML-escaped (`&amp; &lt; &gt; &quot; &#39;`, numeric entities), so a raw
//! `<` can only start a real tag. It may hold links (`<a href>` tags and bare `https://…`) and
//! Markdown (`**bold**`, `*italic*`/`_italic_`, `~~strike~~`, `[text](url)`, `- `/`* ` bullet
//! lines, blank-line paragraphs). The output is only ever text, bold, strike and link spans:
//! no markup survives. Every other tag is dropped (its content stays, as text); only `http:`,
//! `https:`, `mailto:` and `tel:` targets become links, any other link keeps its words as text.
//! Italic has no span in the widget, so it reads as plain text; single line breaks stay `\n`
//! inside the text.
//!
//! Entities are decoded only when text is emitted, after tags and Markdown were recognised, so
//! `&lt;script&gt;` always ends up as the visible words `<script>`, never as a tag.
//!
//! Work is linear-ish on any input: closing-delimiter searches are memoised (see [`Finder`]),
//! tags are looked for within a bounded window, and nesting stops at [`MAX_DEPTH`].

use crate::message::{Block, ListItem, RichTextPart, Span};

/// How deep bold/strike/italic/links may nest before delimiters read as literal text.
const MAX_DEPTH: u8 = 6;

/// Longest tag looked for: a `<` without a `>` this close is literal text.
const MAX_TAG_LEN: usize = 2048;

/// Converts OpenDialog's `data.text` into a rich-text part with this id.
pub fn rich_text(part_id: &str, text: &str) -> RichTextPart {
    let normalized = block_tags_to_newlines(text);
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<ListItem> = Vec::new();
    for line in normalized.split('\n') {
        let trimmed = line.trim();
        if let Some(item) = bullet(trimmed) {
            flush_paragraph(&mut paragraph, &mut blocks);
            let spans = inline_spans(item);
            if !spans.is_empty() {
                list.push(ListItem { spans });
            }
        } else if trimmed.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut list, &mut blocks);
        } else if let Some(heading) = heading(trimmed) {
            // A heading has no block of its own in the widget: a bold paragraph of its own.
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut list, &mut blocks);
            let spans = embolden(inline_spans(heading));
            if !spans.is_empty() {
                blocks.push(Block::Paragraph { spans });
            }
        } else {
            flush_list(&mut list, &mut blocks);
            paragraph.push(trimmed);
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut list, &mut blocks);
    RichTextPart {
        part_id: part_id.to_owned(),
        blocks,
    }
}

/// The text of a bullet line (`- `, `* `, `+ `, `• `), if it is one.
fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "+ ", "• "]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .map(str::trim)
}

/// The text of an ATX heading line (`# ` … `###### `), if it is one.
fn heading(line: &str) -> Option<&str> {
    let text = line.trim_start_matches('#');
    let level = line.len() - text.len();
    (1..=6).contains(&level).then_some(())?;
    text.strip_prefix(' ').map(str::trim)
}

fn flush_paragraph(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if lines.is_empty() {
        return;
    }
    let spans = inline_spans(&lines.join("\n"));
    lines.clear();
    if !spans.is_empty() {
        blocks.push(Block::Paragraph { spans });
    }
}

fn flush_list(items: &mut Vec<ListItem>, blocks: &mut Vec<Block>) {
    if !items.is_empty() {
        blocks.push(Block::BulletList {
            items: std::mem::take(items),
        });
    }
}

/// Block-level tags become the line structure the Markdown reader understands: `<br>` a line
/// break, `<p>`/`<div>` a blank line, `<li>` a bullet line. Other tags are left for the inline
/// reader; no entity is decoded here.
fn block_tags_to_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['<', '\r']) {
        out.push_str(slice(rest, 0, at));
        let from = slice(rest, at, rest.len());
        if let Some(after) = from.strip_prefix("\r\n") {
            out.push('\n');
            rest = after;
            continue;
        }
        if let Some(after) = from.strip_prefix('\r') {
            out.push('\n');
            rest = after;
            continue;
        }
        let Some(tag) = Tag::parse(from) else {
            out.push('<');
            rest = slice(from, 1, from.len());
            continue;
        };
        let replacement = match tag.name.as_str() {
            "br" => Some("\n"),
            "p" | "div" => Some("\n\n"),
            "ul" | "ol" => Some("\n"),
            "li" if tag.closing => Some("\n"),
            "li" => Some("\n- "),
            _ => None,
        };
        match replacement {
            Some(replacement) => out.push_str(replacement),
            None => out.push_str(slice(from, 0, tag.len)),
        }
        rest = slice(from, tag.len, from.len());
    }
    out.push_str(rest);
    out
}

/// Inline spans of one paragraph or list item, with adjacent text spans merged and empty ones
/// dropped.
fn inline_spans(text: &str) -> Vec<Span> {
    let mut raw = Vec::new();
    Inline::new(text, 0).run(&mut raw);
    let mut spans: Vec<Span> = Vec::with_capacity(raw.len());
    for span in raw {
        if span.text().is_empty() {
            continue;
        }
        if let (Some(Span::Text { text: last }), Span::Text { text }) = (spans.last_mut(), &span) {
            last.push_str(text);
            continue;
        }
        spans.push(span);
    }
    // Text next to a tag or a dropped line may leave stray whitespace at the ends.
    trim_ends(&mut spans);
    spans
}

fn trim_ends(spans: &mut Vec<Span>) {
    if let Some(Span::Text { text }) = spans.first_mut() {
        let trimmed = text.trim_start().len();
        text.drain(..text.len() - trimmed);
    }
    if let Some(Span::Text { text }) = spans.last_mut() {
        text.truncate(text.trim_end().len());
    }
    spans.retain(|span| !span.text().is_empty());
}

/// Text spans become bold; links and struck text stay as they are (spans do not nest).
fn embolden(spans: Vec<Span>) -> Vec<Span> {
    spans
        .into_iter()
        .map(|span| match span {
            Span::Text { text } => Span::Bold { text },
            other => other,
        })
        .collect()
}

fn strike(spans: Vec<Span>) -> Vec<Span> {
    spans
        .into_iter()
        .map(|span| match span {
            Span::Text { text } => Span::Strike { text },
            other => other,
        })
        .collect()
}

/// The visible text of spans, concatenated (a link's label, which cannot hold spans).
fn plain(spans: &[Span]) -> String {
    let mut out = String::new();
    for span in spans {
        out.push_str(span.text());
    }
    out
}

/// `s[from..to]`, or empty if that is not a slice of `s`: every index used here sits at an
/// ASCII byte, so the fallback never triggers, but no input can make this panic.
fn slice(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or_default()
}

/// Whether the byte counts as part of a word for `_` and autolink boundaries (any non-ASCII
/// byte does, so `æ_ø_` stays a word).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// Memoised search for one needle: the parser only ever searches forward from increasing
/// positions, so the last answer holds until the position passes it. Without this, text like
/// `**a **a **a …` would rescan the rest of the input for every opener.
struct Finder {
    needle: &'static str,
    searched_from: usize,
    found: Option<usize>,
}

impl Finder {
    fn new(needle: &'static str) -> Self {
        Self {
            needle,
            searched_from: usize::MAX,
            found: None,
        }
    }

    /// The first occurrence of the needle at or after `from` in `hay`.
    fn find(&mut self, hay: &str, from: usize) -> Option<usize> {
        if from >= self.searched_from {
            match self.found {
                None => return None,
                Some(found) if found >= from => return Some(found),
                Some(_) => {}
            }
        }
        let found = hay
            .get(from..)
            .and_then(|rest| rest.find(self.needle))
            .map(|at| at + from);
        self.searched_from = from;
        self.found = found;
        found
    }
}

/// The inline reader of one run of text.
struct Inline<'a> {
    s: &'a str,
    bytes: &'a [u8],
    depth: u8,
    /// Where the pending plain text starts.
    plain_from: usize,
    finders: [Finder; 8],
}

/// Indexes into [`Inline::finders`].
const F_STAR2: usize = 0;
const F_UNDER2: usize = 1;
const F_STAR: usize = 2;
const F_UNDER: usize = 3;
const F_TILDE2: usize = 4;
const F_LINK_MID: usize = 5;
const F_PAREN: usize = 6;
const F_CLOSE_TAG: usize = 7;

impl<'a> Inline<'a> {
    fn new(s: &'a str, depth: u8) -> Self {
        Self {
            s,
            bytes: s.as_bytes(),
            depth,
            plain_from: 0,
            finders: [
                Finder::new("**"),
                Finder::new("__"),
                Finder::new("*"),
                Finder::new("_"),
                Finder::new("~~"),
                Finder::new("]("),
                Finder::new(")"),
                Finder::new("</"),
            ],
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn is_space_at(&self, at: usize) -> bool {
        self.byte(at).is_none_or(|b| b.is_ascii_whitespace())
    }

    fn flush(&mut self, to: usize, out: &mut Vec<Span>) {
        if to > self.plain_from {
            out.push(Span::Text {
                text: decode_entities(slice(self.s, self.plain_from, to)),
            });
        }
    }

    /// Reads `inner` one level deeper.
    fn nested(&self, inner: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        Inline::new(inner, self.depth + 1).run(&mut spans);
        spans
    }

    fn run(mut self, out: &mut Vec<Span>) {
        let markdown = self.depth < MAX_DEPTH;
        let mut i = 0;
        while i < self.bytes.len() {
            let step = match self.bytes[i] {
                b'<' => self.tag(i, markdown, out),
                b'\\' if markdown => self.escape(i, out),
                b'*' | b'_' if markdown => self.emphasis(i, out),
                b'~' if markdown => self.strikethrough(i, out),
                b'[' if markdown => self.markdown_link(i, out),
                b'h' | b'H' => self.autolink(i, out),
                _ => None,
            };
            match step {
                Some(next) => {
                    i = next;
                    self.plain_from = next;
                }
                None => i += 1,
            }
        }
        self.flush(self.bytes.len(), out);
    }

    /// `\*` and friends: the next ASCII punctuation is literal.
    fn escape(&mut self, i: usize, out: &mut Vec<Span>) -> Option<usize> {
        let next = self.byte(i + 1).filter(u8::is_ascii_punctuation)?;
        // `\<` is not an escape here: a raw `<` is a tag, and tags are handled first.
        if next == b'<' || next == b'&' {
            return None;
        }
        self.flush(i, out);
        out.push(Span::Text {
            text: char::from(next).to_string(),
        });
        Some(i + 2)
    }

    /// A tag: `<a href>…</a>` a link, `<b>`/`<strong>` bold, `<s>`/`<del>`/`<strike>` struck;
    /// any other tag is dropped, its content read on as text.
    fn tag(&mut self, i: usize, markdown: bool, out: &mut Vec<Span>) -> Option<usize> {
        let tag = Tag::parse(slice(self.s, i, self.s.len()))?;
        self.flush(i, out);
        let open_end = i + tag.len;
        if tag.closing || !markdown {
            return Some(open_end);
        }
        if !matches!(tag.name.as_str(), "a" | "b" | "strong") && !is_strike_tag(&tag.name) {
            return Some(open_end);
        }
        // The content runs to the matching closing tag, or to the end if it is missing (as a
        // browser reads it).
        let (close_at, after) = self.closing_tag(&tag.name, open_end);
        let inner = self.nested(slice(self.s, open_end, close_at));
        match tag.name.as_str() {
            "a" => {
                let label = plain(&inner);
                match tag.href.as_deref().map(decode_entities) {
                    Some(url) if is_allowed_url(&url) => out.push(link(label, url)),
                    _ => out.push(Span::Text { text: label }),
                }
            }
            "b" | "strong" => out.extend(embolden(inner)),
            _ => out.extend(strike(inner)),
        }
        Some(after)
    }

    /// Where the closing tag `</name>` starts and ends, searching from `from`.
    /// (`</s>`, `</del>` and `</strike>` close one another.)
    fn closing_tag(&mut self, name: &str, from: usize) -> (usize, usize) {
        let mut from = from;
        while let Some(at) = self.finders[F_CLOSE_TAG].find(self.s, from) {
            if let Some(tag) = Tag::parse(slice(self.s, at, self.s.len())) {
                let same = tag.name == name || (is_strike_tag(name) && is_strike_tag(&tag.name));
                if tag.closing && same {
                    return (at, at + tag.len);
                }
            }
            from = at + 1;
        }
        (self.s.len(), self.s.len())
    }

    /// `**bold**`, `__bold__`, `*italic*`, `_italic_` (italic read as plain text).
    fn emphasis(&mut self, i: usize, out: &mut Vec<Span>) -> Option<usize> {
        let marker = self.bytes[i];
        let double = self.byte(i + 1) == Some(marker);
        let width = if double { 2 } else { 1 };
        let underscore = marker == b'_';
        // An opener is followed by a non-space and, for `_`, not inside a word.
        if self.is_space_at(i + width) {
            return None;
        }
        if underscore && i > 0 && is_word_byte(self.bytes[i - 1]) {
            return None;
        }
        let finder = match (marker, double) {
            (b'*', true) => F_STAR2,
            (b'*', false) => F_STAR,
            (_, true) => F_UNDER2,
            (_, false) => F_UNDER,
        };
        let close = self.finders[finder].find(self.s, i + width)?;
        // A closer follows a non-space and, for `_`, is not inside a word.
        if close == i + width || self.is_space_at(close - 1) {
            return None;
        }
        if underscore && self.byte(close + width).is_some_and(is_word_byte) {
            return None;
        }
        self.flush(i, out);
        let inner = self.nested(slice(self.s, i + width, close));
        if double {
            out.extend(embolden(inner));
        } else {
            out.extend(inner);
        }
        Some(close + width)
    }

    /// `~~struck~~`.
    fn strikethrough(&mut self, i: usize, out: &mut Vec<Span>) -> Option<usize> {
        if self.byte(i + 1) != Some(b'~') || self.is_space_at(i + 2) {
            return None;
        }
        let close = self.finders[F_TILDE2].find(self.s, i + 2)?;
        if close == i + 2 || self.is_space_at(close - 1) {
            return None;
        }
        self.flush(i, out);
        let inner = self.nested(slice(self.s, i + 2, close));
        out.extend(strike(inner));
        Some(close + 2)
    }

    /// `[text](url)`: a link if the URL is allowed, else just the text.
    fn markdown_link(&mut self, i: usize, out: &mut Vec<Span>) -> Option<usize> {
        let mid = self.finders[F_LINK_MID].find(self.s, i + 1)?;
        let label_raw = slice(self.s, i + 1, mid);
        // The label must not hold another bracket: `[a] b [c](u)` links only `c`.
        if label_raw.contains(['[', ']']) {
            return None;
        }
        let close = self.finders[F_PAREN].find(self.s, mid + 2)?;
        let target = slice(self.s, mid + 2, close).trim();
        // `(url "title")`: the URL is the first word.
        let url_raw = target.split_whitespace().next().unwrap_or_default();
        let url_raw = url_raw
            .strip_prefix('<')
            .and_then(|u| u.strip_suffix('>'))
            .unwrap_or(url_raw);
        self.flush(i, out);
        let label = plain(&self.nested(label_raw));
        let url = decode_entities(url_raw);
        if is_allowed_url(&url) {
            let label = if label.trim().is_empty() {
                url.clone()
            } else {
                label
            };
            out.push(link(label, url));
        } else {
            out.push(Span::Text { text: label });
        }
        Some(close + 1)
    }

    /// A bare `http://` or `https://` URL, up to whitespace, a quote, a tag or an escaped
    /// bracket, without trailing punctuation.
    fn autolink(&mut self, i: usize, out: &mut Vec<Span>) -> Option<usize> {
        let rest = &self.bytes[i..];
        let scheme = [&b"https://"[..], &b"http://"[..]]
            .into_iter()
            .find(|scheme| {
                rest.len() > scheme.len() && rest[..scheme.len()].eq_ignore_ascii_case(scheme)
            })?;
        if i > 0 && is_word_byte(self.bytes[i - 1]) {
            return None;
        }
        let mut end = i + scheme.len();
        while let Some(byte) = self.byte(end) {
            let stop = byte.is_ascii_whitespace()
                || matches!(byte, b'<' | b'>' | b'"' | b'\'' | b'*' | b'`')
                || (byte == b'&' && starts_escaped_delimiter(&self.bytes[end..]));
            if stop {
                break;
            }
            end += 1;
        }
        // Trailing punctuation ends the sentence, not the URL; a `)` only if unbalanced.
        while end > i + scheme.len() {
            let last = self.bytes[end - 1];
            let url = &self.bytes[i..end];
            let unbalanced_paren = last == b')'
                && url.iter().filter(|b| **b == b')').count()
                    > url.iter().filter(|b| **b == b'(').count();
            if matches!(last, b'.' | b',' | b';' | b':' | b'!' | b'?' | b']') || unbalanced_paren {
                end -= 1;
            } else {
                break;
            }
        }
        if end == i + scheme.len() {
            return None;
        }
        let url = decode_entities(slice(self.s, i, end));
        if !is_allowed_url(&url) {
            return None;
        }
        self.flush(i, out);
        out.push(link(url.clone(), url));
        Some(end)
    }
}

fn is_strike_tag(name: &str) -> bool {
    matches!(name, "s" | "del" | "strike")
}

/// Whether `bytes` starts with an escaped `<`, `>`, `"` or `'`.
fn starts_escaped_delimiter(bytes: &[u8]) -> bool {
    [
        &b"&lt;"[..],
        b"&gt;",
        b"&quot;",
        b"&#39;",
        b"&#039;",
        b"&#x27;",
    ]
    .iter()
    .any(|entity| bytes.len() >= entity.len() && bytes[..entity.len()].eq_ignore_ascii_case(entity))
}

fn link(text: String, url: String) -> Span {
    Span::Link { text, url }
}

/// Whether a link target may become a link: `http:`, `https:`, `mailto:` or `tel:` with
/// something after the scheme, and no control characters (which browsers strip, turning
/// `java\tscript:` into a scheme). Everything else (`javascript:`, `data:`, relative paths)
/// stays text.
pub fn is_allowed_url(url: &str) -> bool {
    let url = url.trim();
    if url.chars().any(char::is_control) {
        return false;
    }
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| {
            url.len() > scheme.len()
                && url
                    .get(..scheme.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
        })
}

/// Decodes `&amp; &lt; &gt; &quot; &#39; &apos; &nbsp;` and numeric entities in one pass (so
/// `&amp;lt;` is `&lt;`, not `<`). Unknown entities stay as written; a numeric entity that
/// is not a character (0, a surrogate, too large) becomes U+FFFD.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(slice(rest, 0, at));
        let from = slice(rest, at, rest.len());
        // Entities are short; a `;` further away is not this one's.
        let end = from.as_bytes().iter().take(12).position(|b| *b == b';');
        let decoded = end.and_then(|end| entity(slice(from, 1, end)).map(|c| (c, end + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = slice(from, len, from.len());
            }
            None => {
                out.push('&');
                rest = slice(from, 1, from.len());
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of an entity body (between `&` and `;`).
fn entity(body: &str) -> Option<char> {
    let named = match body {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let number = body.strip_prefix('#')?;
    // Digits only: the std parsers would also take a leading `+`.
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
            number.parse::<u32>().ok()
        }
        _ => None,
    }?;
    Some(
        char::from_u32(code)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{fffd}'),
    )
}

/// One HTML tag at the start of a string.
struct Tag {
    /// Lowercase name (`!` for comments and doctypes).
    name: String,
    closing: bool,
    /// Byte length of the whole tag.
    len: usize,
    /// The `href` attribute, raw (entities not decoded).
    href: Option<String>,
}

impl Tag {
    /// Parses `<name attrs>`, `</name>` or `<!-- … -->` at the start of `s`; `None` if `s`
    /// does not start with a tag (a lone `<`, `< b`, or no `>` within [`MAX_TAG_LEN`]).
    fn parse(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        if bytes.first() != Some(&b'<') {
            return None;
        }
        if s.starts_with("<!--") {
            // Bounded like any tag, so `<!--<!--…` stays linear.
            let end = bytes
                .get(4..)?
                .windows(3)
                .take(MAX_TAG_LEN)
                .position(|w| w == b"-->")?;
            return Some(Self::other("!", 4 + end + 3));
        }
        let closing = bytes.get(1) == Some(&b'/');
        let name_from = if closing { 2 } else { 1 };
        let first = *bytes.get(name_from)?;
        if !(first.is_ascii_alphabetic() || (first == b'!' && !closing)) {
            return None;
        }
        let mut at = name_from + 1;
        while bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric()) {
            at += 1;
        }
        let name = slice(s, name_from, at).to_ascii_lowercase();
        let attrs_from = at;
        let mut quote: Option<u8> = None;
        loop {
            let byte = *bytes.get(at)?;
            if at > MAX_TAG_LEN {
                return None;
            }
            match quote {
                Some(q) if byte == q => quote = None,
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                None if byte == b'>' => break,
                // A raw `<` before the `>`: this was not a tag.
                None if byte == b'<' => return None,
                None => {}
            }
            at += 1;
        }
        let href = (name == "a" && !closing)
            .then(|| attribute(slice(s, attrs_from, at), "href"))
            .flatten();
        Some(Self {
            name: if first == b'!' { "!".to_owned() } else { name },
            closing,
            len: at + 1,
            href,
        })
    }

    fn other(name: &str, len: usize) -> Self {
        Self {
            name: name.to_owned(),
            closing: false,
            len,
            href: None,
        }
    }
}

/// The raw value of attribute `name` in a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let bytes = attrs.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        while bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            at += 1;
        }
        let name_from = at;
        while bytes
            .get(at)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            at += 1;
        }
        let key = slice(attrs, name_from, at);
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let mut value = None;
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            let (from, to) = match bytes.get(at) {
                Some(q @ (b'"' | b'\'')) => {
                    let from = at + 1;
                    let len = bytes.get(from..)?.iter().position(|b| b == q)?;
                    (from, from + len)
                }
                _ => {
                    let from = at;
                    let len = bytes
                        .get(from..)?
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .unwrap_or(bytes.len() - from);
                    (from, from + len)
                }
            };
            value = Some(slice(attrs, from, to).to_owned());
            at = to + 1;
        }
        if key.eq_ignore_ascii_case(name) {
            return value;
        }
        if at == name_from {
            // Nothing consumed (a stray `=`): step over it so the loop always ends.
            at += 1;
        }
    }
    None
}

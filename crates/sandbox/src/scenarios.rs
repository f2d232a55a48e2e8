//! Picks and builds the scripted reply to a visitor's message: the scenario whose keyword occurs
//! in the text (see the README's table), a thank-you for an upload, or the default answer.
//!
//! Pure: no locks, no clock, no I/O. The result is the reply's final parts with fresh part ids;
//! how they are streamed is `streaming`'s business.

use dialoge_api::message::{Block, ListItem, Part, RichTextPart, Span};
use dialoge_api::rules;
use dialoge_api::send::InputPart;
use dialoge_api::stream::StreamErrorEvent;

use crate::chatbot::{localize, ChatbotDefinition, Generator};

/// What the assistant will say.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyPlan {
    /// Which scenario answered (`default`, `upload_received` or a scenario name).
    pub scenario: String,
    /// The final parts; empty when the turn fails.
    pub parts: Vec<Part>,
    /// Set when this attempt fails with a stream error.
    pub failure: Option<FailurePlan>,
}

/// A reply that starts streaming and then fails.
#[derive(Debug, Clone, PartialEq)]
pub struct FailurePlan {
    /// The rich-text part that is started but never finished.
    pub part_id: String,
    /// Its text so far.
    pub partial_text: String,
    /// The terminal error.
    pub error: StreamErrorEvent,
}

/// Builds the reply to `input`. `attempt` counts generations of the same turn (a retry with the
/// same `Idempotency-Key` after a failure is attempt 2); `next_id` hands out part ids.
pub fn plan_reply(
    chatbot: &ChatbotDefinition,
    input: &[InputPart],
    attempt: u32,
    origin: &str,
    next_id: &mut dyn FnMut() -> String,
) -> ReplyPlan {
    let text = dialoge_api::send::texts(input)
        .collect::<Vec<_>>()
        .join("\n");
    let scenario = chatbot.scenario_for(&text);

    if let Some(fail) = scenario.and_then(|s| s.fail.as_ref()) {
        if attempt <= 1 {
            return ReplyPlan {
                scenario: scenario.map(|s| s.name.clone()).unwrap_or_default(),
                parts: Vec::new(),
                failure: Some(FailurePlan {
                    part_id: next_id(),
                    partial_text: fail.partial_text.clone(),
                    error: fail.error.clone(),
                }),
            };
        }
    }

    let (name, parts) = match scenario {
        Some(scenario) => {
            let parts = match scenario.generate {
                Some(Generator::LongAnswer) => long_answer(),
                None => scenario.parts.clone(),
            };
            (scenario.name.clone(), parts)
        }
        None if has_upload(input) => ("upload_received".to_owned(), upload_received(input)),
        None => ("default".to_owned(), chatbot.default_reply.clone()),
    };
    let mut parts = localize(&parts, origin);
    for part in &mut parts {
        complete_form_marker(chatbot, part);
        set_part_id(part, next_id());
        normalize(part);
    }
    ReplyPlan {
        scenario: name,
        parts,
        failure: None,
    }
}

/// A reply a test scripted verbatim (`POST /sandbox/replies`): its parts as given (with
/// `{origin}` filled in), each with a fresh id, normalized like every reply.
pub fn scripted_reply(
    parts: Vec<Part>,
    origin: &str,
    next_id: &mut dyn FnMut() -> String,
) -> ReplyPlan {
    let mut parts = localize(&parts, origin);
    for part in &mut parts {
        set_part_id(part, next_id());
        normalize(part);
    }
    ReplyPlan {
        scenario: "scripted".to_owned(),
        parts,
        failure: None,
    }
}

fn has_upload(input: &[InputPart]) -> bool {
    input
        .iter()
        .any(|part| matches!(part, InputPart::Image { .. } | InputPart::File { .. }))
}

/// A `show_form` in a scenario names only its form; the rest comes from the form definition so
/// the marker and `GET /forms/{id}` can never disagree.
fn complete_form_marker(chatbot: &ChatbotDefinition, part: &mut Part) {
    if let Part::ShowForm(marker) = part {
        if let Some(form) = chatbot.form(&marker.form_id) {
            if marker.fields.is_empty() {
                marker.fields = form.definition.fields.clone();
            }
            if marker.name.is_empty() {
                marker.name = form.definition.name.clone().unwrap_or_default();
            }
            if marker.confirmation_text.is_none() {
                marker.confirmation_text = form.confirmation_text.clone();
            }
            if marker.min_filled_fields.is_none() {
                marker.min_filled_fields = form.definition.min_filled_fields;
            }
        }
    }
}

/// Gives a part its conversation-unique id. Plain images and files keep none, as the contract
/// describes them.
pub fn set_part_id(part: &mut Part, id: String) {
    match part {
        Part::RichText(p) => p.part_id = id,
        Part::Table(p) => p.part_id = id,
        Part::Products(p) => p.part_id = id,
        Part::Suggestions(p) => p.part_id = id,
        Part::QuickReplies(p) => p.part_id = id,
        Part::ShowContactForm(p) => p.part_id = id,
        Part::ShowSupportTicket(p) => p.part_id = id,
        Part::ShowForm(p) => p.part_id = id,
        Part::RequestImageUpload(p) => p.part_id = id,
        Part::RequestHumanAgent(p) => p.part_id = id,
        Part::Custom(p) => p.part_id = id,
        Part::Unknown(p) => p.part_id = Some(id),
        Part::Text(_) | Part::Image(_) | Part::File(_) => {}
    }
}

/// Streaming appends plain text to the paragraph's last text span, so two adjacent text spans
/// (or an empty one) in a final part could never be rebuilt from deltas. Merge them first so
/// the streamed and the final shapes agree by construction.
pub fn normalize(part: &mut Part) {
    if let Part::RichText(rich) = part {
        for block in &mut rich.blocks {
            if let Block::Paragraph { spans } = block {
                *spans = merge_text_spans(std::mem::take(spans));
            }
        }
    }
}

fn merge_text_spans(spans: Vec<Span>) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match (merged.last_mut(), span) {
            (_, Span::Text { text }) if text.is_empty() => {}
            (Some(Span::Text { text: previous }), Span::Text { text }) => previous.push_str(&text),
            (_, span) => merged.push(span),
        }
    }
    merged
}

fn text(text: &str) -> Span {
    Span::Text {
        text: text.to_owned(),
    }
}

fn bold(text: &str) -> Span {
    Span::Bold {
        text: text.to_owned(),
    }
}

/// The reply to an image or file sent without a keyword (e.g. after `request_image_upload`).
fn upload_received(input: &[InputPart]) -> Vec<Part> {
    let items = input
        .iter()
        .filter_map(|part| match part {
            InputPart::Image { data, filename, .. } | InputPart::File { data, filename, .. } => {
                // Validated before a reply is planned.
                let size = rules::base64_decoded_len(data).unwrap_or(0);
                let name = if filename.is_empty() {
                    "your file"
                } else {
                    filename
                };
                Some(ListItem {
                    spans: vec![bold(name), text(&format!(" ({})", human_size(size)))],
                })
            }
            InputPart::Text { .. } => None,
        })
        .collect();
    vec![Part::RichText(RichTextPart {
        part_id: String::new(),
        blocks: vec![
            Block::Paragraph {
                spans: vec![text("Thanks! I received:")],
            },
            Block::BulletList { items },
            Block::Paragraph {
                spans: vec![
                    text("A colleague will look at it. Read about "),
                    Span::Link {
                        text: "damaged items".to_owned(),
                        url: "https://shop.example.com/help/damaged".to_owned(),
                    },
                    text(" in the meantime."),
                ],
            },
        ],
    })]
}

fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        // One decimal is plenty for a chat message; precision loss is irrelevant at this size.
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

/// About 5,200 words in paragraphs with bold lead-ins, a bullet list half-way and a closing link.
fn long_answer() -> Vec<Part> {
    const SENTENCES: [&str; 12] = [
        "Wash dark colours inside out at thirty degrees so the dye stays where it belongs.",
        "Organic cotton softens with every wash, but it shrinks a little the first time, so allow for half a size.",
        "Hang knitwear to dry flat on a towel rather than on a hanger, which stretches the shoulders.",
        "A lint roller and a cool iron keep a hoodie looking new for far longer than a tumble dryer does.",
        "Wool needs less washing than you think: airing it overnight removes most smells on its own.",
        "Stains come out best when treated at once with cold water, because heat sets proteins into the fibres.",
        "Zips and buttons should be closed before washing so they do not snag the fabric around them.",
        "Detergent doses on the bottle assume hard water; in soft Danish water, half a dose is usually enough.",
        "Store summer clothes clean and dry in breathable bags, never in plastic, to keep moths and mould away.",
        "Repairing a loose seam early takes five minutes and saves a garment that would otherwise tear further.",
        "Sneakers keep their shape if you stuff them with newspaper and let them dry away from the radiator.",
        "Caps survive a gentle hand wash, but the brim should be reshaped while it is still damp.",
    ];
    let mut blocks = vec![Block::Paragraph {
        spans: vec![
            text("Here is the "),
            bold("complete care guide"),
            text(
                " you asked for. It is long on purpose: the sandbox uses it to measure streaming.",
            ),
        ],
    }];
    for section in 0..40_usize {
        let mut body = String::new();
        for offset in 0..7 {
            body.push(' ');
            body.push_str(SENTENCES[(section * 5 + offset) % SENTENCES.len()]);
        }
        blocks.push(Block::Paragraph {
            spans: vec![bold(&format!("Tip {}.", section + 1)), text(&body)],
        });
        if section == 19 {
            blocks.push(Block::BulletList {
                items: SENTENCES
                    .iter()
                    .take(8)
                    .map(|sentence| ListItem {
                        spans: vec![text(sentence)],
                    })
                    .collect(),
            });
        }
    }
    blocks.push(Block::Paragraph {
        spans: vec![
            text("That is all. The short version lives on the "),
            Span::Link {
                text: "care page".to_owned(),
                url: "https://shop.example.com/care".to_owned(),
            },
            text("."),
        ],
    });
    vec![Part::RichText(RichTextPart {
        part_id: String::new(),
        blocks,
    })]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn adjacent_and_empty_text_spans_are_merged() {
        let merged = merge_text_spans(vec![text("a"), text(""), text("b"), bold("c"), text("d")]);
        assert_eq!(merged, vec![text("ab"), bold("c"), text("d")]);
    }

    #[test]
    fn the_long_answer_has_several_thousand_words() {
        let Part::RichText(rich) = &long_answer()[0] else {
            panic!("rich text expected");
        };
        let words: usize = rich
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph { spans } => spans
                    .iter()
                    .map(|s| s.text().split_whitespace().count())
                    .sum(),
                Block::BulletList { items } => items
                    .iter()
                    .flat_map(|i| &i.spans)
                    .map(|s| s.text().split_whitespace().count())
                    .sum(),
                Block::Unknown { .. } => 0,
            })
            .sum();
        assert!(words > 3_000, "{words} words");
    }
}

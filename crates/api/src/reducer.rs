//! The delta reducer: builds a reply's [`Part`]s from `part_delta` and `part` events.
//!
//! Pure: events in, plain values and a precise [`Change`] out, so the view can touch only the spot
//! that changed (habit 7: cost per delta must not grow with the length of the reply). A delta that
//! does not fit is an error value and leaves the state exactly as it was; this module never
//! panics, never logs and never decides what to show for an error.

use crate::{
    Block, BlockType, Delta, ListItem, Part, PartType, ProductsPart, RichTextPart, Span,
    StreamEvent, TablePart,
};

/// What one applied event changed. Indices are positions in [`MessageBuilder::parts`] (`part`,
/// `index` of a part) and inside that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A streamed part was started at this position.
    PartStarted {
        /// Position of the new part.
        index: usize,
    },
    /// A block was started, or an existing block at that index was replaced (render it afresh).
    BlockStarted {
        /// The part.
        part: usize,
        /// The block.
        block: usize,
    },
    /// Text was appended to the span at `span_index`: the last span when it was plain text
    /// (extend it), otherwise a new plain-text span.
    TextAppended {
        /// The part.
        part: usize,
        /// The paragraph.
        block: usize,
        /// The span that grew or was added.
        span_index: usize,
    },
    /// A finished span was appended.
    SpanAppended {
        /// The part.
        part: usize,
        /// The paragraph.
        block: usize,
        /// The new span.
        span_index: usize,
    },
    /// A list item was appended.
    ItemAppended {
        /// The part.
        part: usize,
        /// The bullet list.
        block: usize,
        /// The new item.
        item_index: usize,
    },
    /// A block is complete (nothing changed in its content).
    BlockEnded {
        /// The part.
        part: usize,
        /// The block.
        block: usize,
    },
    /// A product card was appended.
    ProductAppended {
        /// The part.
        part: usize,
        /// The new card.
        index: usize,
    },
    /// A table row was appended.
    RowAppended {
        /// The part.
        part: usize,
        /// The new row.
        index: usize,
    },
    /// A streamed part is complete (nothing changed in its content).
    PartEnded {
        /// The part.
        part: usize,
    },
    /// A final `part` replaced the part with the same `part_id` (render it afresh).
    PartReplaced {
        /// The part.
        index: usize,
    },
    /// A final `part` with a new `part_id` (or none) was appended.
    PartAppended {
        /// The part.
        index: usize,
    },
}

/// Why a delta could not be applied. The builder is unchanged after any of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    /// A delta for a `part_id` no `start_part` (or `part`) introduced.
    #[error("delta `{action}` for unknown part `{part_id}`")]
    UnknownPart {
        /// The part id.
        part_id: String,
        /// The delta action.
        action: String,
    },
    /// A second `start_part` for the same id.
    #[error("part `{part_id}` was already started")]
    PartAlreadyStarted {
        /// The part id.
        part_id: String,
    },
    /// `start_part` with a part type that cannot stream.
    #[error("part `{part_id}`: part type `{part_type}` cannot be streamed")]
    UnsupportedPartType {
        /// The part id.
        part_id: String,
        /// The type as sent.
        part_type: String,
    },
    /// `start_block` with a block type this version does not know.
    #[error("part `{part_id}`: block type `{block_type}` cannot be streamed")]
    UnsupportedBlockType {
        /// The part id.
        part_id: String,
        /// The type as sent.
        block_type: String,
    },
    /// The action does not apply to this kind of part (e.g. `append_row` on `rich_text`).
    #[error("delta `{action}` does not apply to part `{part_id}` of type `{part_type}`")]
    WrongPartType {
        /// The part id.
        part_id: String,
        /// The delta action.
        action: String,
        /// The part's type.
        part_type: String,
    },
    /// The block index does not name an existing block (or, for `start_block`, the next one).
    #[error(
        "delta `{action}` on part `{part_id}`: block {block_index} is out of range ({len} blocks)"
    )]
    BlockOutOfRange {
        /// The part id.
        part_id: String,
        /// The delta action.
        action: String,
        /// The index sent.
        block_index: usize,
        /// How many blocks the part has.
        len: usize,
    },
    /// The action does not apply to this kind of block (e.g. `append_item` on a paragraph).
    #[error(
        "delta `{action}` does not apply to block {block_index} of part `{part_id}` ({block_type})"
    )]
    WrongBlockType {
        /// The part id.
        part_id: String,
        /// The delta action.
        action: String,
        /// The block index.
        block_index: usize,
        /// The block's type.
        block_type: String,
    },
    /// A delta for a part whose final `part` event was already applied: the final part wins,
    /// so a late (reordered or duplicated) delta must not change it.
    #[error("delta `{action}` for part `{part_id}`, which is already final")]
    PartFinal {
        /// The part id.
        part_id: String,
        /// The delta action.
        action: String,
    },
    /// An action this version does not know (or could not read).
    #[error("unknown delta action `{action}` for part `{part_id}`")]
    UnknownAction {
        /// The part id.
        part_id: String,
        /// The action as sent.
        action: String,
    },
}

/// Builds the parts of one streamed reply, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageBuilder {
    parts: Vec<Part>,
    /// Per part (same positions as `parts`): its final `part` event was applied. Without this,
    /// a delta arriving after the final part (reordered or duplicated on the way) would edit
    /// it, and the view would show text the final part does not have.
    finished: Vec<bool>,
}

impl MessageBuilder {
    /// An empty reply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The parts built so far, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// One part by position.
    pub fn part(&self, index: usize) -> Option<&Part> {
        self.parts.get(index)
    }

    /// The built parts.
    pub fn into_parts(self) -> Vec<Part> {
        self.parts
    }

    /// Position of the part with this id. A linear scan: a reply has a handful of parts, and
    /// their number does not grow with the length of the text.
    pub fn position(&self, part_id: &str) -> Option<usize> {
        self.parts.iter().position(|p| p.part_id() == Some(part_id))
    }

    /// Applies `part_delta` and `part` events; other events change nothing (`Ok(None)`).
    pub fn apply_event(&mut self, event: &StreamEvent) -> Result<Option<Change>, DeltaError> {
        match event {
            StreamEvent::PartDelta(e) => self.apply_delta(&e.part_id, &e.delta).map(Some),
            StreamEvent::Part(e) => Ok(Some(self.apply_part(e.part.clone()))),
            _ => Ok(None),
        }
    }

    /// Applies a final part: it replaces whatever deltas built for its `part_id`, or is appended.
    /// Later deltas for it are refused ([`DeltaError::PartFinal`]): the final part wins.
    pub fn apply_part(&mut self, part: Part) -> Change {
        let existing = part.part_id().and_then(|id| self.position(id));
        match existing.and_then(|index| self.parts.get_mut(index).map(|slot| (index, slot))) {
            Some((index, slot)) => {
                *slot = part;
                if let Some(finished) = self.finished.get_mut(index) {
                    *finished = true;
                }
                Change::PartReplaced { index }
            }
            None => {
                self.parts.push(part);
                self.finished.push(true);
                Change::PartAppended {
                    index: self.parts.len() - 1,
                }
            }
        }
    }

    /// Applies one delta to the part `part_id`.
    pub fn apply_delta(&mut self, part_id: &str, delta: &Delta) -> Result<Change, DeltaError> {
        match delta {
            Delta::StartPart {
                part_type,
                headers,
                alignments,
                caption,
            } => {
                if self.position(part_id).is_some() {
                    return Err(DeltaError::PartAlreadyStarted {
                        part_id: part_id.to_owned(),
                    });
                }
                let part_id = part_id.to_owned();
                let part = match part_type {
                    PartType::RichText => Part::RichText(RichTextPart {
                        part_id,
                        blocks: Vec::new(),
                    }),
                    PartType::Products => Part::Products(ProductsPart {
                        part_id,
                        products: Vec::new(),
                    }),
                    PartType::Table => Part::Table(TablePart {
                        part_id,
                        caption: caption.clone(),
                        headers: headers.clone(),
                        alignments: alignments.clone(),
                        rows: Vec::new(),
                    }),
                    PartType::Other(other) => {
                        return Err(DeltaError::UnsupportedPartType {
                            part_id,
                            part_type: other.clone(),
                        })
                    }
                };
                self.parts.push(part);
                self.finished.push(false);
                Ok(Change::PartStarted {
                    index: self.parts.len() - 1,
                })
            }
            Delta::Unknown { action } => Err(DeltaError::UnknownAction {
                part_id: part_id.to_owned(),
                action: action.clone(),
            }),
            _ => {
                let unknown = || DeltaError::UnknownPart {
                    part_id: part_id.to_owned(),
                    action: delta.action().to_owned(),
                };
                let index = self.position(part_id).ok_or_else(unknown)?;
                if self.finished.get(index).copied().unwrap_or(false) {
                    return Err(DeltaError::PartFinal {
                        part_id: part_id.to_owned(),
                        action: delta.action().to_owned(),
                    });
                }
                let part = self.parts.get_mut(index).ok_or_else(unknown)?;
                apply_to_part(index, part, part_id, delta)
            }
        }
    }
}

/// Applies every delta except `start_part` and unknown actions to an existing part.
fn apply_to_part(
    index: usize,
    part: &mut Part,
    part_id: &str,
    delta: &Delta,
) -> Result<Change, DeltaError> {
    let wrong_part = |part: &Part| DeltaError::WrongPartType {
        part_id: part_id.to_owned(),
        action: delta.action().to_owned(),
        part_type: part.type_name().to_owned(),
    };
    match (delta, &mut *part) {
        (Delta::EndPart, _) => Ok(Change::PartEnded { part: index }),
        (Delta::AppendProduct { product }, Part::Products(products)) => {
            products.products.push(product.clone());
            Ok(Change::ProductAppended {
                part: index,
                index: products.products.len() - 1,
            })
        }
        (Delta::AppendRow { row }, Part::Table(table)) => {
            table.rows.push(row.clone());
            Ok(Change::RowAppended {
                part: index,
                index: table.rows.len() - 1,
            })
        }
        (
            Delta::StartBlock { .. }
            | Delta::AppendText { .. }
            | Delta::AppendSpan { .. }
            | Delta::AppendItem { .. }
            | Delta::EndBlock { .. },
            Part::RichText(rich),
        ) => apply_to_rich_text(index, &mut rich.blocks, part_id, delta),
        _ => Err(wrong_part(part)),
    }
}

fn apply_to_rich_text(
    part: usize,
    blocks: &mut Vec<Block>,
    part_id: &str,
    delta: &Delta,
) -> Result<Change, DeltaError> {
    let len = blocks.len();
    let out_of_range = |block_index: usize| DeltaError::BlockOutOfRange {
        part_id: part_id.to_owned(),
        action: delta.action().to_owned(),
        block_index,
        len,
    };
    let wrong_block = |block_index: usize, block: &Block| DeltaError::WrongBlockType {
        part_id: part_id.to_owned(),
        action: delta.action().to_owned(),
        block_index,
        block_type: block_type_name(block).to_owned(),
    };
    match delta {
        Delta::StartBlock {
            block_index,
            block_type,
        } => {
            let block = match block_type {
                BlockType::Paragraph => Block::Paragraph { spans: Vec::new() },
                BlockType::BulletList => Block::BulletList { items: Vec::new() },
                BlockType::Other(other) => {
                    return Err(DeltaError::UnsupportedBlockType {
                        part_id: part_id.to_owned(),
                        block_type: other.clone(),
                    })
                }
            };
            let block_index = *block_index;
            match blocks.get_mut(block_index) {
                Some(existing) => *existing = block,
                None if block_index == len => blocks.push(block),
                None => return Err(out_of_range(block_index)),
            }
            Ok(Change::BlockStarted {
                part,
                block: block_index,
            })
        }
        Delta::AppendText { block_index, text } => {
            let block = blocks
                .get_mut(*block_index)
                .ok_or_else(|| out_of_range(*block_index))?;
            let Block::Paragraph { spans } = block else {
                return Err(wrong_block(*block_index, block));
            };
            // Extending the last plain span keeps a streamed sentence one text node.
            let span_index = match spans.last_mut() {
                Some(Span::Text { text: last }) => {
                    last.push_str(text);
                    spans.len() - 1
                }
                _ => {
                    spans.push(Span::Text { text: text.clone() });
                    spans.len() - 1
                }
            };
            Ok(Change::TextAppended {
                part,
                block: *block_index,
                span_index,
            })
        }
        Delta::AppendSpan { block_index, span } => {
            let block = blocks
                .get_mut(*block_index)
                .ok_or_else(|| out_of_range(*block_index))?;
            let Block::Paragraph { spans } = block else {
                return Err(wrong_block(*block_index, block));
            };
            spans.push(span.clone());
            Ok(Change::SpanAppended {
                part,
                block: *block_index,
                span_index: spans.len() - 1,
            })
        }
        Delta::AppendItem { block_index, item } => {
            let block = blocks
                .get_mut(*block_index)
                .ok_or_else(|| out_of_range(*block_index))?;
            let Block::BulletList { items } = block else {
                return Err(wrong_block(*block_index, block));
            };
            items.push(ListItem::clone(item));
            Ok(Change::ItemAppended {
                part,
                block: *block_index,
                item_index: items.len() - 1,
            })
        }
        Delta::EndBlock { block_index } => {
            if *block_index >= len {
                return Err(out_of_range(*block_index));
            }
            Ok(Change::BlockEnded {
                part,
                block: *block_index,
            })
        }
        // The caller only routes block actions here.
        other => Err(DeltaError::UnknownAction {
            part_id: part_id.to_owned(),
            action: other.action().to_owned(),
        }),
    }
}

fn block_type_name(block: &Block) -> &str {
    match block {
        Block::Paragraph { .. } => "paragraph",
        Block::BulletList { .. } => "bullet_list",
        Block::Unknown { type_name } => type_name,
    }
}

//! The reactive mirror of a message's parts. The pure reducer of `dialoge-api` decides what a
//! delta means and reports the one spot that changed ([`Change`]); this module moves exactly that
//! spot into a signal, so the view updates one text node per `append_text`, one element per
//! `append_span`/`append_item`/`append_product`/`append_row`, and never re-renders a finished
//! part. Parts that never stream (markers, images, files…) are kept as their final value.

use std::sync::Arc;

use crate::reactive::*;
use dialoge_api::message::{Block, Cell, ListItem, Part, ProductCard, Span};

/// Unique keys for keyed lists, so a replaced block is a new DOM node and an unchanged one is not.
fn next_key() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEY: AtomicU64 = AtomicU64::new(1);
    KEY.fetch_add(1, Ordering::Relaxed)
}

/// One rendered part.
#[derive(Clone)]
pub struct LivePart {
    pub key: u64,
    pub kind: LiveKind,
}

/// Streamable parts get signals; everything else is its final value.
#[derive(Clone)]
pub enum LiveKind {
    RichText(LiveRichText),
    Table(LiveTable),
    Products(LiveProducts),
    Whole(Arc<Part>),
}

#[derive(Clone)]
pub struct LiveRichText {
    pub part_id: ArcStr,
    pub blocks: RwSignal<Vec<LiveBlock>>,
}

/// Cheap-to-clone id string for views.
pub type ArcStr = Arc<str>;

#[derive(Clone)]
pub struct LiveBlock {
    pub key: u64,
    pub kind: LiveBlockKind,
}

#[derive(Clone, Copy)]
pub enum LiveBlockKind {
    Paragraph(RwSignal<Vec<LiveSpan>>),
    List(RwSignal<Vec<Arc<ListItem>>>),
}

/// A plain text span grows in place (`append_text`); other spans arrive finished.
#[derive(Clone)]
pub enum LiveSpan {
    Text(RwSignal<String>),
    Fixed(Arc<Span>),
}

#[derive(Clone)]
pub struct LiveTable {
    pub part_id: ArcStr,
    pub caption: Option<String>,
    pub headers: Arc<Vec<Cell>>,
    pub alignments: Arc<Vec<dialoge_api::message::Alignment>>,
    pub rows: RwSignal<Vec<Arc<Vec<Cell>>>>,
}

#[derive(Clone)]
pub struct LiveProducts {
    pub part_id: ArcStr,
    pub products: RwSignal<Vec<Arc<ProductCard>>>,
}

impl LiveSpan {
    pub fn from_span(span: &Span) -> LiveSpan {
        match span {
            Span::Text { text } => LiveSpan::Text(RwSignal::new(text.clone())),
            other => LiveSpan::Fixed(Arc::new(other.clone())),
        }
    }
}

impl LiveBlock {
    pub fn from_block(block: &Block) -> Option<LiveBlock> {
        let kind = match block {
            Block::Paragraph { spans } => LiveBlockKind::Paragraph(RwSignal::new(
                spans.iter().map(LiveSpan::from_span).collect(),
            )),
            Block::BulletList { items } => {
                LiveBlockKind::List(RwSignal::new(items.iter().cloned().map(Arc::new).collect()))
            }
            Block::Unknown { .. } => return None,
        };
        Some(LiveBlock {
            key: next_key(),
            kind,
        })
    }
}

impl LivePart {
    /// Mirrors a part as it is now (a streamed part's current state, or a final one).
    pub fn from_part(part: &Part) -> LivePart {
        let kind = match part {
            Part::RichText(rt) => LiveKind::RichText(LiveRichText {
                part_id: Arc::from(rt.part_id.as_str()),
                blocks: RwSignal::new(rt.blocks.iter().filter_map(LiveBlock::from_block).collect()),
            }),
            Part::Table(t) => LiveKind::Table(LiveTable {
                part_id: Arc::from(t.part_id.as_str()),
                caption: t.caption.clone(),
                headers: Arc::new(t.headers.clone()),
                alignments: Arc::new(t.alignments.clone()),
                rows: RwSignal::new(t.rows.iter().cloned().map(Arc::new).collect()),
            }),
            Part::Products(p) => LiveKind::Products(LiveProducts {
                part_id: Arc::from(p.part_id.as_str()),
                products: RwSignal::new(p.products.iter().cloned().map(Arc::new).collect()),
            }),
            other => LiveKind::Whole(Arc::new(other.clone())),
        };
        LivePart {
            key: next_key(),
            kind,
        }
    }
}

//! Tables: caption, header row, per-column alignment, cells holding blocks and images. Rows
//! stream in one at a time; the wrapper scrolls horizontally on narrow screens. Plain DOM
//! (`view::dom`): a streamed row draws its `<tr>` alone.

use dialoge_api::message::{Alignment, Cell, CellBlock};
use web_sys::Element;

use super::rich_text::{item_el, spans_into};
use crate::services::use_services;
use crate::state::live::LiveTable;
use crate::view::dom;
use crate::view::url::safe_image;

/// A `table` part.
pub fn table_el(t: &LiveTable) -> Option<Element> {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    let wrap = dom::el("div|class=dlg-table-wrap|tabindex=0");
    let table = dom::el("table|class=dlg-table");
    if let Some(caption) = &t.caption {
        let el = dom::el("caption");
        dom::text(&el, caption);
        dom::add(&table, &el);
    }
    let thead = dom::el("thead");
    let head = dom::el("tr");
    for (i, cell) in t.headers.iter().enumerate() {
        let class = align_class(t.alignments.get(i));
        let th = dom::el_with("th|scope=col", &[("class", class)]);
        cell_into(&th, cell, &base);
        dom::add(&head, &th);
    }
    dom::add(&thead, &head);
    dom::add(&table, &thead);
    let tbody = dom::el("tbody");
    let rows = t.rows;
    let align = t.alignments.clone();
    dom::list(
        &tbody,
        Box::new(move || rows.with(|r| dom::places(r.len()))),
        Box::new(move |i: usize| {
            let row = rows.with_untracked(|r| r.get(i).cloned())?;
            let tr = dom::el("tr");
            for (i, cell) in row.iter().enumerate() {
                let td = dom::el_with("td", &[("class", align_class(align.get(i)))]);
                cell_into(&td, cell, &base);
                dom::add(&tr, &td);
            }
            Some(tr.into())
        }),
    );
    dom::add(&table, &tbody);
    dom::add(&wrap, &table);
    Some(wrap.into())
}

fn align_class(a: Option<&Alignment>) -> &'static str {
    match a {
        Some(Alignment::Center) => "dlg-center",
        Some(Alignment::Right) => "dlg-right",
        _ => "dlg-left",
    }
}

/// A cell's blocks, appended to its `<th>`/`<td>`.
fn cell_into(host: &Element, cell: &Cell, base: &str) {
    for block in &cell.blocks {
        let el = match block {
            CellBlock::Paragraph { spans } => {
                let p = dom::el("p");
                spans_into(&p, spans);
                Some(p)
            }
            CellBlock::BulletList { items } => {
                let ul = dom::el("ul");
                for li in items.iter().map(item_el) {
                    dom::add(&ul, &li);
                }
                Some(ul)
            }
            CellBlock::Image {
                url,
                thumbnail_url,
                alt,
            } => thumbnail_url
                .as_deref()
                .and_then(|u| safe_image(u, base))
                .or_else(|| safe_image(url, base))
                .map(|src| {
                    dom::el_with(
                        "img|class=dlg-cell-img|loading=lazy",
                        &[("src", &src), ("alt", alt.as_deref().unwrap_or_default())],
                    )
                }),
            CellBlock::Unknown { .. } => None,
        };
        if let Some(el) = el {
            dom::add(host, &el);
        }
    }
}

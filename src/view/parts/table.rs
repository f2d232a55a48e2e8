//! Tables: caption, header row, per-column alignment, cells holding blocks and images. Rows
//! stream in one at a time; the wrapper scrolls horizontally on narrow screens.

use dialoge_api::message::{Alignment, Cell, CellBlock};
use leptos::prelude::*;

use super::rich_text::span_view;
use crate::services::use_services;
use crate::state::live::LiveTable;
use crate::view::each::{keyed, Row};
use crate::view::url::safe_image;

/// A `table` part.
#[component]
pub fn TableView(t: LiveTable) -> impl IntoView {
    let align = t.alignments.clone();
    let headers: Vec<AnyView> = t
        .headers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let class = align_class(align.get(i));
            view! { <th scope="col" class=class>{cell_view(c)}</th> }.into_any()
        })
        .collect();
    let rows = t.rows;
    view! {
        <div class="dlg-table-wrap" tabindex="0">
            <table class="dlg-table">
                {t.caption.clone().map(|c| view! { <caption>{c}</caption> })}
                <thead><tr>{headers}</tr></thead>
                <tbody>
                    {keyed(move || {
                        let align = align.clone();
                        rows.get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, row)| {
                                let align = align.clone();
                                Row::new(i as u64, move || row_view(&row, &align))
                            })
                            .collect()
                    })}
                </tbody>
            </table>
        </div>
    }
}

fn row_view(row: &[Cell], align: &[Alignment]) -> AnyView {
    let cells: Vec<AnyView> = row
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let class = align_class(align.get(i));
            view! { <td class=class>{cell_view(c)}</td> }.into_any()
        })
        .collect();
    view! { <tr>{cells}</tr> }.into_any()
}

fn align_class(a: Option<&Alignment>) -> &'static str {
    match a {
        Some(Alignment::Center) => "dlg-center",
        Some(Alignment::Right) => "dlg-right",
        _ => "dlg-left",
    }
}

fn cell_view(cell: &Cell) -> Vec<AnyView> {
    let base = use_services().map(|c| c.api_base()).unwrap_or_default();
    cell.blocks
        .iter()
        .map(|b| match b {
            CellBlock::Paragraph { spans } => {
                let spans: Vec<AnyView> = spans.iter().map(span_view).collect();
                view! { <p>{spans}</p> }.into_any()
            }
            CellBlock::BulletList { items } => {
                let items: Vec<AnyView> = items
                    .iter()
                    .map(|it| {
                        let spans: Vec<AnyView> = it.spans.iter().map(span_view).collect();
                        view! { <li>{spans}</li> }.into_any()
                    })
                    .collect();
                view! { <ul>{items}</ul> }.into_any()
            }
            CellBlock::Image {
                url,
                thumbnail_url,
                alt,
            } => {
                let src = thumbnail_url
                    .as_deref()
                    .and_then(|u| safe_image(u, &base))
                    .or_else(|| safe_image(url, &base));
                match src {
                    Some(src) => view! {
                        <img class="dlg-cell-img" src=src alt=alt.clone().unwrap_or_default() loading="lazy"/>
                    }
                    .into_any(),
                    None => ().into_any(),
                }
            }
            CellBlock::Unknown { .. } => ().into_any(),
        })
        .collect()
}

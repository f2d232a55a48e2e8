//! One builder per part type (plain DOM, `view::dom`), chosen by an exhaustive `match`: a new part type in
//! `dialoge-api` is a compile error here until it is rendered (or deliberately skipped).

pub mod forms;
mod markers;
mod media;
mod products;
pub mod rich_text;
mod table;

use dialoge_api::message::Part;

use web_sys::Element;

use crate::state::live::{LiveKind, LivePart};
use crate::view::dom;

pub(crate) use forms::next_uid;
pub use media::human_size;

/// One part as plain DOM: its wrapper with the `data-testid="part"` hook, and its body. `None`
/// for parts that show nothing.
pub fn part_el(part: LivePart) -> Option<Element> {
    let (type_name, id, body): (&'static str, String, Option<Element>) = match &part.kind {
        LiveKind::RichText(rt) => (
            "rich_text",
            rt.part_id.to_string(),
            rich_text::rich_text_el(rt),
        ),
        LiveKind::Table(t) => ("table", t.part_id.to_string(), table::table_el(t)),
        LiveKind::Products(p) => ("products", p.part_id.to_string(), products::products_el(p)),
        LiveKind::Whole(whole) => match &**whole {
            // Streamable parts are mirrored above; a final one lands there too.
            Part::RichText(_) | Part::Table(_) | Part::Products(_) => return None,
            Part::Suggestions(s) => ("suggestions", s.part_id.clone(), media::suggestions(s)),
            Part::QuickReplies(q) => ("quick_replies", q.part_id.clone(), media::quick_replies(q)),
            Part::Image(i) => (
                "image",
                i.part_id.clone().unwrap_or_default(),
                media::image(i),
            ),
            Part::File(f) => (
                "file",
                f.part_id.clone().unwrap_or_default(),
                media::file(f),
            ),
            Part::Text(t) => ("text", t.part_id.clone().unwrap_or_default(), {
                let p = dom::el("p|class=dlg-plain");
                dom::text(&p, &t.text);
                Some(p.into())
            }),
            // Markers ask the widget to act: forms, an upload, a handover.
            Part::ShowContactForm(f) => (
                "show_contact_form",
                f.part_id.clone(),
                forms::contact_form(f),
            ),
            Part::ShowSupportTicket(f) => (
                "show_support_ticket",
                f.part_id.clone(),
                forms::support_ticket(f),
            ),
            Part::ShowForm(f) => ("show_form", f.part_id.clone(), forms::generic_form(f)),
            Part::RequestImageUpload(u) => (
                "request_image_upload",
                u.part_id.clone(),
                markers::image_upload(u),
            ),
            Part::RequestHumanAgent(h) => (
                "request_human_agent",
                h.part_id.clone(),
                markers::human_agent(h),
            ),
            // Draws nothing (not even the part wrapper); the host page gets an event, handed
            // over after this render.
            Part::Custom(c) => {
                markers::custom_marker(c);
                return None;
            }
            // A part type from the future: skipped, never fatal.
            Part::Unknown(_) => return None,
        },
    };
    let wrapper: Element = dom::el_with(
        "div|class=dlg-part|data-testid=part",
        &[("data-part-type", type_name), ("data-part-id", &id)],
    )
    .into();
    if let Some(el) = body {
        dom::add(&wrapper, &el);
    }
    Some(wrapper)
}

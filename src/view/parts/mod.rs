//! One component per part type, chosen by an exhaustive `match`: a new part type in
//! `dialoge-api` is a compile error here until it is rendered (or deliberately skipped).

pub mod forms;
mod markers;
mod media;
mod products;
pub mod rich_text;
mod table;

use dialoge_api::message::Part;
use leptos::prelude::*;

use crate::state::live::{LiveKind, LivePart};

pub(crate) use forms::{next_uid, Flag, MaybeText, Text};
pub use forms::{ContactFormPart, GenericFormPart, SupportTicketPart};
pub use markers::{CustomMarkerPart, HumanAgentPart, ImageUploadPart};
pub use media::{human_size, FileView, ImageView, QuickReplies, Suggestions};
pub use products::ProductsView;
pub use rich_text::RichTextPart;
pub use table::TableView;

/// Renders one part with its `data-testid="part"` hook, or nothing for parts that show nothing.
pub fn part_view(part: LivePart) -> AnyView {
    let (type_name, id, body): (&'static str, String, AnyView) = match &part.kind {
        LiveKind::RichText(rt) => (
            "rich_text",
            rt.part_id.to_string(),
            view! { <RichTextPart rt=rt.clone()/> }.into_any(),
        ),
        LiveKind::Table(t) => ("table", t.part_id.to_string(), asking(part.clone())),
        LiveKind::Products(p) => ("products", p.part_id.to_string(), asking(part.clone())),
        LiveKind::Whole(whole) => match &**whole {
            // Streamable parts are mirrored above; a final one lands there too.
            Part::RichText(_) | Part::Table(_) | Part::Products(_) => return ().into_any(),
            Part::Suggestions(s) => (
                "suggestions",
                s.part_id.clone(),
                view! { <Suggestions part=s.clone()/> }.into_any(),
            ),
            Part::QuickReplies(q) => (
                "quick_replies",
                q.part_id.clone(),
                view! { <QuickReplies part=q.clone()/> }.into_any(),
            ),
            Part::Image(i) => (
                "image",
                i.part_id.clone().unwrap_or_default(),
                view! { <ImageView part=i.clone()/> }.into_any(),
            ),
            Part::File(f) => (
                "file",
                f.part_id.clone().unwrap_or_default(),
                view! { <FileView part=f.clone()/> }.into_any(),
            ),
            Part::Text(t) => (
                "text",
                t.part_id.clone().unwrap_or_default(),
                view! { <p class="dlg-plain">{t.text.clone()}</p> }.into_any(),
            ),
            // Markers ask the widget to act: forms, an upload, a handover.
            Part::ShowContactForm(f) => {
                ("show_contact_form", f.part_id.clone(), asking(part.clone()))
            }
            Part::ShowSupportTicket(f) => (
                "show_support_ticket",
                f.part_id.clone(),
                asking(part.clone()),
            ),
            Part::ShowForm(f) => ("show_form", f.part_id.clone(), asking(part.clone())),
            Part::RequestImageUpload(u) => (
                "request_image_upload",
                u.part_id.clone(),
                asking(part.clone()),
            ),
            Part::RequestHumanAgent(h) => (
                "request_human_agent",
                h.part_id.clone(),
                asking(part.clone()),
            ),
            // Renders nothing (not even the part wrapper); the host page gets an event.
            Part::Custom(c) => return view! { <CustomMarkerPart part=c.clone()/> }.into_any(),
            // A part type from the future: skipped, never fatal.
            Part::Unknown(_) => return ().into_any(),
        },
    };
    view! {
        <div class="dlg-part" data-testid="part" data-part-type=type_name data-part-id=id>
            {body}
        </div>
    }
    .into_any()
}

/// A part that asks for something (a form, an upload, a handover), products or a table.
fn asking(part: LivePart) -> AnyView {
    match part.kind {
        LiveKind::Table(t) => view! { <TableView t/> }.into_any(),
        LiveKind::Products(p) => view! { <ProductsView p/> }.into_any(),
        LiveKind::RichText(_) => ().into_any(),
        LiveKind::Whole(whole) => match &*whole {
            Part::ShowContactForm(f) => view! { <ContactFormPart part=f.clone()/> }.into_any(),
            Part::ShowSupportTicket(f) => view! { <SupportTicketPart part=f.clone()/> }.into_any(),
            Part::ShowForm(f) => view! { <GenericFormPart part=f.clone()/> }.into_any(),
            Part::RequestImageUpload(u) => view! { <ImageUploadPart part=u.clone()/> }.into_any(),
            Part::RequestHumanAgent(h) => view! { <HumanAgentPart part=h.clone()/> }.into_any(),
            _ => ().into_any(),
        },
    }
}

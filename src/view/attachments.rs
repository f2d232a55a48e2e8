//! Attachments in the composer: the attach button, drag-and-drop onto the panel and paste from
//! the clipboard all land here. Type and size are checked before anything is read or sent, with
//! a clear message; accepted files are read (by the browser's encoder, off the main thread) and
//! shown as chips with a remove button until the message goes out with them.

use crate::reactive::*;
use dialoge_api::rules::{self, Problem, MAX_ATTACHMENTS};
use dialoge_api::send::{InputPart, MAX_MESSAGE_DATA_BYTES};
use web_sys::{Element, File};

use crate::services::Services;
use crate::view::dom;
use crate::view::files::read_base64;
use crate::view::parts::human_size;

/// One chosen file.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub id: u64,
    pub name: String,
    pub mime: String,
    pub size: u64,
    pub image: bool,
    /// Base64 once read.
    pub data: Option<String>,
}

/// The parts these attachments send (the unread ones are left out: the send waits for them).
pub fn input_parts(list: &[Attachment]) -> Vec<InputPart> {
    list.iter()
        .filter_map(|a| {
            let data = a.data.clone()?;
            let (mime, filename) = (a.mime.clone(), a.name.clone());
            Some(if a.image {
                InputPart::Image {
                    data,
                    mime,
                    filename,
                }
            } else {
                InputPart::File {
                    data,
                    mime,
                    filename,
                }
            })
        })
        .collect()
}

/// The composer's attachments and the last refusal message.
#[derive(Clone, Copy)]
pub struct Attachments {
    pub list: RwSignal<Vec<Attachment>>,
    pub refusal: RwSignal<Option<String>>,
    next: StoredValue<u64>,
}

impl Default for Attachments {
    fn default() -> Self {
        Attachments {
            list: RwSignal::new(Vec::new()),
            refusal: RwSignal::new(None),
            next: StoredValue::new(1),
        }
    }
}

impl Attachments {
    /// Checks and reads files from any source (chooser, drop, paste).
    pub fn add(&self, svc: Services, files: Vec<File>) {
        // Uploads switched off (the backend, or the config where this message goes) take none,
        // however they come (drop, paste, chooser).
        if !svc.uploads_allowed() {
            return;
        }
        let limit = attachment_limit(svc);
        let t = svc.ui.lang().get_untracked().t();
        self.refusal.set(None);
        for file in files {
            let mime = file.type_();
            let size = file.size() as u64;
            let name = file.name();
            let already = self.list.with_untracked(Vec::len);
            match rules::check_attachment(&mime, size, limit, already) {
                Err(why) => {
                    let (code, text) = match why {
                        Problem::TooLarge(_) => (
                            "attachment_too_large",
                            format!("{name}: {} {}", t.attach_too_big, human_size(limit)),
                        ),
                        Problem::TooMany(_) => (
                            "too_many_attachments",
                            format!("{} {MAX_ATTACHMENTS}", t.attach_too_many),
                        ),
                        _ => (
                            "attachment_type",
                            format!("{name}: {}", t.attach_wrong_type),
                        ),
                    };
                    refused(code, &text);
                    self.refusal.set(Some(text));
                }
                Ok(image) => {
                    let id = self.next.get_value();
                    self.next.set_value(id + 1);
                    self.list.update(|l| {
                        l.push(Attachment {
                            id,
                            name,
                            mime,
                            size,
                            image,
                            data: None,
                        })
                    });
                    let list = self.list;
                    let refusal = self.refusal;
                    svc.spawn(async move {
                        match read_base64(&file).await {
                            Ok(data) => list.update(|l| {
                                if let Some(a) = l.iter_mut().find(|a| a.id == id) {
                                    a.data = Some(data);
                                }
                            }),
                            Err(_) => {
                                list.update(|l| l.retain(|a| a.id != id));
                                refused("attachment_unreadable", t.attach_unreadable);
                                refusal.set(Some(t.attach_unreadable.to_owned()));
                            }
                        }
                    });
                }
            }
        }
    }

    /// Every file has been read (sending waits until then).
    pub fn ready(&self) -> bool {
        self.list.with(|l| l.iter().all(|a| a.data.is_some()))
    }

    pub fn remove(&self, id: u64) {
        self.list.update(|l| l.retain(|a| a.id != id));
    }

    /// Hands the attachments to a send and forgets them here.
    pub fn take(&self) -> Vec<InputPart> {
        let parts = self.list.with_untracked(|l| input_parts(l));
        self.list.set(Vec::new());
        self.refusal.set(None);
        parts
    }
}

/// The chips above the composer, and the refusal message, at the end of `host` while `shown`
/// holds (the composer is there).
pub fn attachment_chips(
    svc: Services,
    att: Attachments,
    host: &Element,
    shown: impl Fn() -> bool + Copy + 'static,
) {
    dom::when(
        host,
        Box::new(move || shown() && att.refusal.with(Option::is_some)),
        Box::new(move || refusal(att)),
    );
    dom::when(
        host,
        Box::new(move || shown() && att.list.with(|l| !l.is_empty())),
        Box::new(move || chips(svc, att)),
    );
}

/// Why a file was refused.
fn refusal(att: Attachments) -> Option<Element> {
    let p = dom::el("p|class=dlg-attach-error|data-testid=attach-error|role=alert");
    let text = dom::text_slot(&p);
    dom::watch(Box::new(move || {
        att.refusal
            .with(|r| text.set_data(r.as_deref().unwrap_or_default()));
    }));
    Some(p.into())
}

/// The chosen files, a chip each: a chip is redrawn once its file is read (it gains its preview
/// and size); a removed chip goes alone.
fn chips(svc: Services, att: Attachments) -> Option<Element> {
    let ul = dom::el("ul|class=dlg-chips-att|data-testid=attachments");
    dom::list(
        &ul,
        Box::new(move || {
            att.list.with(|l| {
                l.iter()
                    .map(|a| a.id << 1 | u64::from(a.data.is_some()))
                    .collect()
            })
        }),
        Box::new(move |i| {
            let a = att.list.with_untracked(|l| l.get(i).cloned())?;
            chip(svc, att, a).map(Into::into)
        }),
    );
    Some(ul.into())
}

/// One chip: preview (images, once read), name, size (or "reading…") and its remove button.
fn chip(svc: Services, att: Attachments, a: Attachment) -> Option<Element> {
    let t = svc.ui.lang().get_untracked().t();
    let reading = a.data.is_none();
    let li = dom::el_with(
        "li|class=dlg-att|data-testid=attachment",
        &[("data-ready", if reading { "false" } else { "true" })],
    );
    if let (Some(data), true) = (&a.data, a.image) {
        let src = format!("data:{};base64,{data}", a.mime);
        let img = dom::el_with("img|alt", &[("src", &src)]);
        dom::add(&li, &img);
    }
    let name = dom::el("span|class=dlg-att-name");
    dom::text(&name, &a.name);
    dom::add(&li, &name);
    let size = dom::el("span|class=dlg-att-size");
    let size_text = if reading {
        t.reading.to_owned()
    } else {
        human_size(a.size)
    };
    dom::text(&size, &size_text);
    dom::add(&li, &size);
    let label = format!("{} {}", t.remove, a.name);
    let remove = dom::el_with(
        "button|type=button|class=dlg-att-remove",
        &[("aria-label", &label)],
    );
    dom::text(&remove, "×");
    let id = a.id;
    dom::on(&remove, "click", Box::new(move |_| att.remove(id)));
    dom::add(&li, &remove);
    Some(li.into())
}

/// A file the composer refused is an error the visitor sees: the host page hears it too.
fn refused(code: &str, message: &str) {
    crate::boot::events::HostEvent::Error {
        code,
        message,
        retryable: false,
        place: crate::boot::events::Where::Upload,
    }
    .emit();
}

/// What a message may carry now: livechat's own limit while a person is chatting.
fn attachment_limit(svc: Services) -> u64 {
    let message_limit = MAX_MESSAGE_DATA_BYTES as u64;
    match svc.branding.livechat_attachment_limit() {
        Some(limit) if svc.livechat.active() => limit.min(message_limit),
        _ => message_limit,
    }
}

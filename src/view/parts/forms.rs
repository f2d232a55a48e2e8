//! Marker forms inline in the conversation: `show_contact_form`, `show_support_ticket` and
//! `show_form`, one thin function each over a shared form, and the config's session forms.
//! Plain DOM (`view::dom`): a form is built once, and each signal it shows is written by one
//! small effect (as Leptos views they were the largest view code in the wasm: 43 KB raw in a
//! build with names). Every field is labelled; a field
//! hidden by `visible_when` is not in the DOM (so neither checked nor sent); problems show next
//! to their field (`aria-invalid` + `aria-describedby`) and focus moves to the first one; a
//! server 422 is put on the field its `params` name. Once answered — here, or in history with
//! `submitted: true` — the form shows as sent with its confirmation.
//!
//! What counts as valid and what is sent is decided by `dialoge_api::rules` (the sandbox checks
//! with the same functions); the request goes
//! through the controller. API text is only ever text nodes.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::reactive::*;
use dialoge_api::actions::{ActionRequest, AttachmentUpload, FormDefinition};
use dialoge_api::message::{FieldType, FormField, ShowContactForm, ShowForm, ShowSupportTicket};
use dialoge_api::send::MAX_ACTION_ATTACHMENT_BYTES;
use web_sys::{Element, HtmlElement};

use super::media::human_size;
use crate::i18n::{fill, Lang};
use crate::services::markers::Phase;
use crate::services::{use_services, Outcome, Services};
use crate::view::dom;
use crate::view::files::{files_of, input_of, read_base64};
use dialoge_api::rules::{self as forms, Problem, Values, ATTACHMENTS_KEY, MAX_ATTACHMENTS};

/// A number unique in the page, for element ids (a shadow root is one id space).
pub(crate) fn next_uid() -> u64 {
    static UID: AtomicU64 = AtomicU64::new(1);
    UID.fetch_add(1, Ordering::Relaxed)
}

/// The UI language, read once: forms keep the words they were drawn with.
pub(crate) fn lang_of(svc: Option<Services>) -> Lang {
    svc.map(|c| c.ui.lang().get_untracked()).unwrap_or_default()
}

/// The visitor's words for a problem.
pub(super) fn problem_text(problem: &Problem, lang: Lang, types: &str) -> String {
    let m = lang.m();
    match problem {
        Problem::Required => m.required.to_owned(),
        Problem::Email => m.email_invalid.to_owned(),
        Problem::Tel => m.tel_invalid.to_owned(),
        Problem::MinFilled(n) => fill(m.min_filled, "n", &n.to_string()),
        Problem::TooLarge(max) => fill(m.file_too_large, "size", &human_size(*max)),
        Problem::WrongType => fill(m.file_wrong_type, "types", types),
        Problem::TooMany(n) => fill(m.too_many_files, "n", &n.to_string()),
        Problem::TooLong(n) => fill(m.too_long, "n", &n.to_string()),
        Problem::NotAnOption => m.not_an_option.to_owned(),
        // What only a malformed request has: the visitor's input never produces these.
        Problem::UnknownField
        | Problem::TextForFile
        | Problem::NotAFileField
        | Problem::NotText
        | Problem::NotAccepted
        | Problem::Empty
        | Problem::NotBase64
        | Problem::DataUrl
        | Problem::WrongForm => m.form_failed.to_owned(),
    }
}

/// `show_contact_form`: the marker's fields, sent as `contact_form`.
pub fn contact_form(part: &ShowContactForm) -> Option<Element> {
    let lang = lang_of(use_services());
    marker_form(Form {
        part_id: part.part_id.clone(),
        title: lang.m().contact_title.to_owned(),
        specs: part.fields.iter().cloned().map(Spec::plain).collect(),
        kind: Kind::Contact,
        submitted: part.submitted == Some(true),
        confirmation: None,
        given: Values::new(),
    })
}

/// `show_support_ticket`: name, e-mail and message, the marker's extra fields, and attachments
/// when accepted (each within `max_attachment_size_bytes`), sent as `support_ticket`.
pub fn support_ticket(part: &ShowSupportTicket) -> Option<Element> {
    let lang = lang_of(use_services());
    let m = lang.m();
    // The marker's own labels for name, e-mail and message when it gives them (the same
    // fields the server checks the ticket against).
    let labels = [m.ticket_name, m.ticket_email, m.ticket_message];
    let mut specs: Vec<Spec> = forms::ticket_fields(part, labels)
        .into_iter()
        .map(Spec::plain)
        .collect();
    if part.accepts_attachments() {
        let max = part
            .max_attachment_size()
            .min(MAX_ACTION_ATTACHMENT_BYTES as u64);
        let hint = fill(
            &fill(m.attachments_hint, "n", &MAX_ATTACHMENTS.to_string()),
            "size",
            &human_size(max),
        );
        specs.push(Spec {
            field: field(
                ATTACHMENTS_KEY,
                m.ticket_attachments,
                FieldType::File,
                false,
            ),
            multiple: true,
            max_bytes: max,
            hint: Some(hint),
        });
    }
    marker_form(Form {
        part_id: part.part_id.clone(),
        title: m.ticket_title.to_owned(),
        specs,
        kind: Kind::Ticket,
        submitted: part.submitted == Some(true),
        confirmation: None,
        given: Values::new(),
    })
}

/// `show_form`: a configured form with `visible_when`, dropdowns, file fields and
/// `min_filled_fields`, sent as `form_submission`; confirmed with its `confirmation_text`.
pub fn generic_form(part: &ShowForm) -> Option<Element> {
    marker_form(Form {
        part_id: part.part_id.clone(),
        title: part.name.clone(),
        specs: part.fields.iter().cloned().map(Spec::plain).collect(),
        kind: Kind::Generic {
            form_id: part.form_id.clone(),
            min_filled: part.min_filled_fields.unwrap_or(0),
        },
        submitted: part.submitted == Some(true),
        confirmation: part.confirmation_text.clone(),
        given: Values::new(),
    })
}

/// A session form: `session_start` before the first message, `livechat_waiting` while the
/// visitor waits for a person. Fetched with what the session already knows, which fills its
/// fields (so what was given shows, and can be corrected); saved with a partial PATCH, field
/// problems at their fields. Nothing shows until it has been fetched.
pub fn session_form_el(form_id: &str) -> Option<Element> {
    // The wrapper is there from the start (hidden), so its place is kept; the form goes in
    // once fetched.
    let wrapper: Element = dom::el_with(
        "div|class=dlg-session-form|data-testid=session-form|hidden",
        &[("data-form-id", form_id)],
    )
    .into();
    let loaded = RwSignal::new(None::<(FormDefinition, Values)>);
    if let Some(svc) = use_services() {
        let form_id = form_id.to_owned();
        svc.spawn(async move {
            if let Outcome::Done(found) = svc.markers.session_form(&form_id).await {
                loaded.try_set(Some(found));
            }
        });
    }
    {
        let wrapper = wrapper.clone();
        dom::watch(Box::new(move || {
            dom::flag(&wrapper, "hidden", loaded.with(Option::is_none));
        }));
    }
    dom::when(
        &wrapper,
        Box::new(move || loaded.with(Option::is_some)),
        Box::new(move || loaded.get_untracked().and_then(session_form)),
    );
    Some(wrapper)
}

/// The fetched session form.
fn session_form((form, given): (FormDefinition, Values)) -> Option<Element> {
    marker_form(Form {
        part_id: crate::services::markers::session_part_id(&form.form_id),
        title: form.name.unwrap_or_default(),
        specs: form.fields.into_iter().map(Spec::plain).collect(),
        kind: Kind::Session {
            form_id: form.form_id,
            min_filled: form.min_filled_fields.unwrap_or(0),
        },
        submitted: false,
        confirmation: form.confirmation_text,
        given,
    })
}

fn field(key: &str, label: &str, field_type: FieldType, required: bool) -> FormField {
    FormField {
        key: key.to_owned(),
        label: label.to_owned(),
        placeholder: None,
        field_type,
        required,
        options: Vec::new(),
        visible_when: Vec::new(),
    }
}

/// One field as the form draws it.
#[derive(Clone)]
struct Spec {
    field: FormField,
    /// A file field that takes several files (the ticket's attachments).
    multiple: bool,
    /// Largest file, for file fields.
    max_bytes: u64,
    hint: Option<String>,
}

impl Spec {
    fn plain(field: FormField) -> Spec {
        Spec {
            field,
            multiple: false,
            max_bytes: MAX_ACTION_ATTACHMENT_BYTES as u64,
            hint: None,
        }
    }
}

/// Which action the form answers with.
#[derive(Clone)]
enum Kind {
    Contact,
    Ticket,
    Generic {
        form_id: String,
        min_filled: u32,
    },
    /// A session form: its values are saved to the session (`PATCH /forms/{id}/values`).
    Session {
        form_id: String,
        min_filled: u32,
    },
}

/// The form's state, shared by its fields.
#[derive(Clone, Copy)]
struct FormState {
    values: RwSignal<Values>,
    /// Messages by field key (the client's checks or the server's 422).
    errors: RwSignal<Values>,
    /// A problem of the whole form (too few fields filled, a failed send).
    form_error: RwSignal<Option<String>>,
    files: StoredValue<Vec<(String, Vec<web_sys::File>)>>,
    /// The chosen files' names and sizes, by field key, as shown.
    file_names: RwSignal<Values>,
    phase: RwSignal<Phase>,
}

impl FormState {
    fn set_error(&self, key: &str, message: Option<String>) {
        self.errors.update(|e| {
            match message {
                Some(m) => e.insert(key.to_owned(), m),
                None => e.remove(key),
            };
        });
    }
}

/// Moves the keyboard focus to the element with this id inside `form`.
fn focus_in(form: &Element, id: Option<String>) {
    if let Some(el) = id.and_then(|id| dom::find(form, &format!("#{id}"))) {
        dom::focus(&el);
    }
}

/// The "✓ sent" line of a form or prompt, appended to `parent`: the paragraph (a status),
/// its check mark and the text node for what was sent.
pub(super) fn sent_line(parent: &Element) -> Option<(HtmlElement, HtmlElement, web_sys::Text)> {
    let p = dom::el("p|class=dlg-form-sent|role=status");
    let check = dom::el("span|class=dlg-form-check|aria-hidden=true");
    dom::text(&check, "✓");
    dom::add(&p, &check);
    let span = dom::el("span");
    let text = dom::text_slot(&span);
    dom::add(&p, &span);
    dom::add(parent, &p);
    Some((p, check, text))
}

/// What a marker form is drawn from.
struct Form {
    part_id: String,
    title: String,
    specs: Vec<Spec>,
    kind: Kind,
    submitted: bool,
    confirmation: Option<String>,
    /// Values the fields start with (what the session already knows).
    given: Values,
}

/// The form itself, as plain DOM: its fields, its problems, its submit button, and its
/// confirmation once sent. Every attribute that changes is written by one effect per signal.
fn marker_form(form_spec: Form) -> Option<Element> {
    let Form {
        part_id,
        title,
        specs,
        kind,
        submitted,
        confirmation,
        given,
    } = form_spec;
    let svc = use_services();
    let lang = lang_of(svc);
    let m = lang.m();
    let uid = next_uid();
    let ids: Vec<String> = (0..specs.len())
        .map(|i| format!("dlg-f{uid}-{i}"))
        .collect();
    let sent_text = move |server: Option<String>, confirmation: &Option<String>| {
        server
            .or_else(|| confirmation.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| m.sent.to_owned())
    };
    let initial = match svc.and_then(|s| s.markers.sent(&part_id)) {
        Some(text) => Phase::Sent(sent_text(text, &confirmation)),
        None if submitted => Phase::Sent(sent_text(None, &confirmation)),
        None => Phase::Editing,
    };
    let state = FormState {
        values: RwSignal::new(given),
        errors: RwSignal::new(Values::new()),
        form_error: RwSignal::new(None),
        files: StoredValue::new_local(Vec::new()),
        file_names: RwSignal::new(Values::new()),
        phase: RwSignal::new(initial),
    };
    let fields: Vec<FormField> = specs.iter().map(|s| s.field.clone()).collect();
    let keys: Vec<(String, String)> = specs
        .iter()
        .zip(&ids)
        .map(|(s, id)| (s.field.key.clone(), id.clone()))
        .collect();

    let root = dom::el("div|class=dlg-form|data-testid=form");
    let (sent_p, _, sent_message) = sent_line(&root)?;
    // Focus moves here once sent (see `finish`).
    dom::attr(&sent_p, "tabindex", "-1");

    let form = dom::el("form|novalidate");
    if !title.is_empty() {
        let title_id = format!("dlg-f{uid}");
        dom::attr(&form, "aria-labelledby", &title_id);
        let p = dom::el_with("p|class=dlg-form-title", &[("id", &title_id)]);
        dom::text(&p, &title);
        dom::add(&form, &p);
    }
    for (spec, id) in specs.into_iter().zip(ids) {
        field_row(&form, state, spec, id, lang);
    }
    let error_p = dom::el("p|class=dlg-form-error|role=alert");
    let error_text = dom::text_slot(&error_p);
    dom::add(&form, &error_p);
    let button = dom::el("button|type=submit|class=dlg-form-submit");
    let button_text = dom::text_slot(&button);
    dom::add(&form, &button);
    dom::add(&root, &form);

    // Everything the phase decides: the state hook, which of form and confirmation shows, the
    // busy form and button.
    {
        let (root, sent_p, form, button) =
            (root.clone(), sent_p.clone(), form.clone(), button.clone());
        dom::watch(Box::new(move || {
            state.phase.with(|phase| {
                let (name, sent, sending) = match phase {
                    Phase::Editing => ("editing", false, false),
                    Phase::Sending => ("sending", false, true),
                    Phase::Sent(_) => ("sent", true, false),
                };
                dom::attr(&root, "data-state", name);
                dom::flag(&sent_p, "hidden", !sent);
                dom::flag(&form, "hidden", sent);
                dom::opt_attr(&form, "aria-busy", sending.then_some("true"));
                dom::flag(&button, "disabled", sending);
                button_text.set_data(if sending { m.sending } else { m.submit });
                sent_message.set_data(match phase {
                    Phase::Sent(text) => text,
                    _ => "",
                });
            });
        }));
    }
    dom::watch(Box::new(move || {
        state.form_error.with(|error| {
            dom::flag(&error_p, "hidden", error.is_none());
            error_text.set_data(error.as_deref().unwrap_or(""));
        });
    }));

    // Puts problems on their fields and focuses the first one, in the order of the form.
    let show_problems = {
        let form = form.clone();
        move |problems: Vec<(String, String)>, whole: Option<String>| {
            let first = keys
                .iter()
                .find(|(key, _)| problems.iter().any(|(k, _)| k == key))
                .map(|(_, id)| id.clone());
            let mut by_key = Values::new();
            // Backwards, so the first message for a field is the one that stays.
            for (key, message) in problems.into_iter().rev() {
                by_key.insert(key, message);
            }
            state.errors.try_set(by_key);
            state.form_error.try_set(whole);
            focus_in(&form, first);
        }
    };

    let on_submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        if state.phase.get_untracked() != Phase::Editing {
            return;
        }
        let values = state.values.get_untracked();
        let chosen: Vec<(String, Vec<web_sys::File>)> = state.files.with_value(|f| {
            f.iter()
                .filter(|(key, list)| {
                    !list.is_empty()
                        && fields
                            .iter()
                            .any(|fd| &fd.key == key && forms::is_visible(fd, &values))
                })
                .cloned()
                .collect()
        });
        let min_filled = match &kind {
            Kind::Generic { min_filled, .. } | Kind::Session { min_filled, .. } => *min_filled,
            _ => 0,
        };
        let has_file = |key: &str| chosen.iter().any(|(k, _)| k == key);
        let check = forms::validate(&fields, &values, has_file, min_filled);
        if !check.is_ok() {
            let problems = check
                .fields
                .iter()
                .map(|(k, p)| (k.clone(), problem_text(p, lang, "")))
                .collect();
            show_problems(problems, check.form.map(|p| problem_text(&p, lang, "")));
            return;
        }
        let Some(svc) = svc else { return };
        state.errors.set(Values::new());
        state.form_error.set(None);
        state.phase.set(Phase::Sending);
        let (part_id, fields, kind) = (part_id.clone(), fields.clone(), kind.clone());
        let (show_problems, confirmation) = (show_problems.clone(), confirmation.clone());
        let sent_p = sent_p.clone();
        // How the service answered: sent (with its confirmation), field problems, or a failure.
        let finish = {
            let fields = fields.clone();
            move |outcome: Outcome<Option<String>>| {
                let next = match outcome {
                    Outcome::Done(text) => Phase::Sent(sent_text(text, &confirmation)),
                    Outcome::Invalid { params, message } => {
                        let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
                        let (mut problems, mut rest) = (Vec::new(), Vec::new());
                        for p in params {
                            match forms::field_for_param(&p.field, &known) {
                                Some(key) => problems.push((key, p.message)),
                                None => rest.push(p.message),
                            }
                        }
                        if problems.is_empty() && rest.is_empty() {
                            rest.push(message);
                        }
                        state.phase.try_set(Phase::Editing);
                        show_problems(problems, (!rest.is_empty()).then(|| rest.join(" ")));
                        return;
                    }
                    // Already answered (another tab, a retry): it is sent either way.
                    Outcome::Conflict => Phase::Sent(sent_text(None, &confirmation)),
                    Outcome::Cancelled => Phase::Editing,
                    Outcome::Failed => {
                        state.form_error.try_set(Some(m.form_failed.to_owned()));
                        Phase::Editing
                    }
                };
                let done = matches!(next, Phase::Sent(_));
                state.phase.try_set(next);
                // The form hides with its focused button: focus moves to the confirmation, so
                // a keyboard is not dropped out of the panel (where Escape and Tab work).
                if done {
                    request_animation_frame(move || {
                        dom::focus(&sent_p);
                    });
                }
            }
        };
        svc.spawn(async move {
            let mut uploads: Vec<(String, AttachmentUpload)> = Vec::new();
            for (key, list) in chosen {
                for file in list {
                    let Ok(data_base64) = read_base64(&file).await else {
                        state.form_error.try_set(Some(m.upload_failed.to_owned()));
                        state.phase.try_set(Phase::Editing);
                        return;
                    };
                    let filename = file.name();
                    let upload = AttachmentUpload {
                        mime_type: forms::mime_of(&file.type_(), &filename),
                        filename,
                        data_base64,
                    };
                    uploads.push((key.clone(), upload));
                }
            }
            let action = match &kind {
                Kind::Contact => forms::contact_action(&fields, &values, uploads),
                Kind::Ticket => {
                    let all = uploads.into_iter().map(|(_, u)| u).collect();
                    forms::ticket_action(&fields, &values, all)
                }
                Kind::Generic { form_id, .. } => {
                    forms::form_action(form_id, &fields, &values, uploads)
                }
                Kind::Session { form_id, .. } => {
                    // Saved to the session, not answered as a marker.
                    let body = forms::session_form_values(&fields, &values);
                    let saved = svc.markers.save_form(form_id, &body).await;
                    finish(saved.map(|_| None));
                    return;
                }
            };
            let request = ActionRequest {
                part_id: part_id.clone(),
                action,
            };
            finish(
                svc.markers
                    .submit(request)
                    .await
                    .map(|r| r.confirmation_text),
            );
        });
    };
    dom::on(&form, "submit", Box::new(on_submit));
    Some(root.into())
}

/// One field, drawn only while `visible_when` holds. Redrawn only when visibility flips, never
/// per keystroke (that would steal the focus).
fn field_row(form: &Element, state: FormState, spec: Spec, id: String, lang: Lang) {
    let field = spec.field.clone();
    dom::when(
        form,
        Box::new(move || state.values.with(|v| forms::is_visible(&field, v))),
        Box::new(move || field_view(state, &spec, &id, lang)),
    );
}

/// A labelled field with its hint and its problem (`aria-invalid` + `aria-describedby` on the
/// control).
fn field_view(state: FormState, spec: &Spec, id: &str, lang: Lang) -> Option<Element> {
    let key = spec.field.key.clone();
    let row = dom::el("div|class=dlg-field");
    let label = dom::el_with("label|class=dlg-field-label", &[("for", id)]);
    dom::text(
        &label,
        if spec.field.label.is_empty() {
            &key
        } else {
            &spec.field.label
        },
    );
    if spec.field.required {
        let star = dom::el("span|class=dlg-required|aria-hidden=true");
        dom::text(&star, " *");
        dom::add(&label, &star);
    }
    dom::add(&row, &label);
    let input = control(&row, state, spec, id, lang)?;
    let hint_id = match &spec.hint {
        Some(hint) => {
            let hint_id = format!("{id}-hint");
            let p = dom::el_with("p|class=dlg-field-hint", &[("id", &hint_id)]);
            dom::text(&p, hint);
            dom::add(&row, &p);
            Some(hint_id)
        }
        None => None,
    };
    let err_id = format!("{id}-err");
    let err_p = dom::el_with("p|class=dlg-field-error", &[("id", &err_id)]);
    let err_text = dom::text_slot(&err_p);
    dom::add(&row, &err_p);
    dom::watch(Box::new(move || {
        state.errors.with(|errors| {
            let error = errors.get(&key);
            dom::flag(&err_p, "hidden", error.is_none());
            err_text.set_data(error.map_or("", String::as_str));
            dom::opt_attr(&input, "aria-invalid", error.map(|_| "true"));
            let ids: Vec<&str> = hint_id
                .as_deref()
                .into_iter()
                .chain(error.map(|_| err_id.as_str()))
                .collect();
            dom::opt_attr(
                &input,
                "aria-describedby",
                (!ids.is_empty()).then(|| ids.join(" ")).as_deref(),
            );
        });
    }));
    Some(row.into())
}

/// The input itself, appended to `row`: text, e-mail, tel, textarea, dropdown or file chooser.
/// Returns the control (which carries the field's ARIA).
fn control(row: &Element, state: FormState, spec: &Spec, id: &str, lang: Lang) -> Option<Element> {
    let key = spec.field.key.clone();
    let placeholder = spec.field.placeholder.as_deref();
    let (tag, input_type, autocomplete) = match spec.field.field_type {
        FieldType::Textarea => ("textarea", None, None),
        FieldType::Dropdown => ("select", None, None),
        FieldType::File => ("input", Some("file"), None),
        FieldType::Email => ("input", Some("email"), Some("email")),
        FieldType::Tel => ("input", Some("tel"), Some("tel")),
        _ if key == "name" => ("input", Some("text"), Some("name")),
        _ => ("input", Some("text"), None),
    };
    let input: Element = dom::el(tag).into();
    let file = matches!(spec.field.field_type, FieldType::File);
    if let Some(t) = input_type {
        dom::attr(&input, "type", t);
    }
    let class = if file {
        "dlg-field-file"
    } else {
        "dlg-field-input"
    };
    dom::set_attrs(&input, &[("class", class), ("id", id)]);
    match spec.field.field_type {
        FieldType::Textarea => dom::set_attrs(&input, &[("rows", "3")]),
        FieldType::File => dom::flag(&input, "multiple", spec.multiple),
        _ => {}
    }
    if tag != "select" && !file {
        dom::opt_attr(&input, "placeholder", placeholder);
        dom::opt_attr(&input, "autocomplete", autocomplete);
    }
    dom::opt_attr(
        &input,
        "aria-required",
        spec.field.required.then_some("true"),
    );
    dom::add(row, &input);

    if file {
        let names_p = dom::el("p|class=dlg-file-names");
        let names = dom::text_slot(&names_p);
        dom::add(row, &names_p);
        {
            let key = key.clone();
            dom::watch(Box::new(move || {
                state
                    .file_names
                    .with(|n| names.set_data(n.get(&key).map_or("", String::as_str)));
            }));
        }
        let (multiple, max) = (spec.multiple, spec.max_bytes);
        let on_change = move |ev: web_sys::Event| {
            let Some(input) = input_of(&ev) else { return };
            let chosen = files_of(&input);
            let problem = if multiple && chosen.len() > MAX_ATTACHMENTS {
                Some(Problem::TooMany(MAX_ATTACHMENTS))
            } else {
                chosen
                    .iter()
                    .find_map(|f| forms::check_file(&f.type_(), f.size() as u64, &[], max).err())
            };
            state.form_error.set(None);
            state.files.update_value(|f| f.retain(|(k, _)| k != &key));
            state.file_names.update(|n| {
                n.remove(&key);
            });
            match problem {
                Some(p) => {
                    // Nothing of a refused choice is kept or sent.
                    input.set_value("");
                    state.set_error(&key, Some(problem_text(&p, lang, "")));
                }
                None => {
                    let shown: Vec<String> = chosen
                        .iter()
                        .map(|f| format!("{} ({})", f.name(), human_size(f.size() as u64)))
                        .collect();
                    if !shown.is_empty() {
                        state.file_names.update(|n| {
                            n.insert(key.clone(), shown.join(", "));
                        });
                    }
                    state.files.update_value(|f| f.push((key.clone(), chosen)));
                    state.set_error(&key, None);
                }
            }
        };
        dom::on(&input, "change", Box::new(on_change));
        return Some(input);
    }

    if tag == "select" {
        let first = dom::el("option|value");
        dom::text(&first, lang.m().choose_option);
        dom::add(&input, &first);
        let mut options: Vec<(Element, String)> = Vec::new();
        for o in &spec.field.options {
            let option = dom::el_with("option", &[("value", o)]);
            dom::text(&option, o);
            dom::add(&input, &option);
            options.push((option.into(), o.clone()));
        }
        // The chosen option is selected; none is when the value is not one of them.
        let key = key.clone();
        dom::watch(Box::new(move || {
            state.values.with(|v| {
                let chosen = v.get(&key);
                for (option, value) in &options {
                    dom::prop(option, "selected", &(chosen == Some(value)).into());
                }
            });
        }));
    } else {
        // What the visitor typed, or what the session already knew.
        let (input, key) = (input.clone(), key.clone());
        dom::watch(Box::new(move || {
            state.values.with(|v| {
                let value = v.get(&key).map_or("", String::as_str);
                dom::prop(&input, "value", &value.into());
            });
        }));
    }
    // One handler for text, textarea and dropdown (a `<select>` fires `input` too).
    let on_input = move |ev: web_sys::Event| {
        let v = dom::event_target_value(&ev);
        state.values.update(|m| {
            m.insert(key.clone(), v);
        });
        state.set_error(&key, None);
        state.form_error.set(None);
    };
    dom::on(&input, "input", Box::new(on_input));
    Some(input)
}

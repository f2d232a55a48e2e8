//! Marker forms inline in the conversation: `show_contact_form`, `show_support_ticket` and
//! `show_form`, one thin component each over a shared form. Every field is labelled; a field
//! hidden by `visible_when` is not in the DOM (so neither checked nor sent); problems show next
//! to their field (`aria-invalid` + `aria-describedby`) and focus moves to the first one; a
//! server 422 is put on the field its `params` name. Once answered — here, or in history with
//! `submitted: true` — the form shows as sent with its confirmation.
//!
//! What counts as valid and what is sent is decided by `dialoge_api::rules` (the sandbox checks
//! with the same functions); the request goes
//! through the controller. API text is only ever text nodes.

use std::sync::atomic::{AtomicU64, Ordering};

use dialoge_api::actions::{ActionRequest, AttachmentUpload};
use dialoge_api::message::{FieldType, FormField, ShowContactForm, ShowForm, ShowSupportTicket};
use dialoge_api::send::MAX_ACTION_ATTACHMENT_BYTES;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::view::icons::ARIA_TRUE;
use wasm_bindgen::JsCast;

use super::media::human_size;
use crate::i18n::{fill, Lang};
use crate::services::markers::Phase;
use crate::services::{use_services, Outcome, Services};
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
#[component]
pub fn ContactFormPart(part: ShowContactForm) -> impl IntoView {
    let lang = lang_of(use_services());
    let specs = part.fields.into_iter().map(Spec::plain).collect();
    view! {
        <MarkerForm part_id=part.part_id title=lang.m().contact_title.to_owned() specs
            kind=Kind::Contact submitted=part.submitted == Some(true) confirmation=None/>
    }
}

/// `show_support_ticket`: name, e-mail and message, the marker's extra fields, and attachments
/// when accepted (each within `max_attachment_size_bytes`), sent as `support_ticket`.
#[component]
pub fn SupportTicketPart(part: ShowSupportTicket) -> impl IntoView {
    let lang = lang_of(use_services());
    let m = lang.m();
    // The marker's own labels for name, e-mail and message when it gives them (the same
    // fields the server checks the ticket against).
    let labels = [m.ticket_name, m.ticket_email, m.ticket_message];
    let mut specs: Vec<Spec> = forms::ticket_fields(&part, labels)
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
    view! {
        <MarkerForm part_id=part.part_id title=m.ticket_title.to_owned() specs
            kind=Kind::Ticket submitted=part.submitted == Some(true) confirmation=None/>
    }
}

/// `show_form`: a configured form with `visible_when`, dropdowns, file fields and
/// `min_filled_fields`, sent as `form_submission`; confirmed with its `confirmation_text`.
#[component]
pub fn GenericFormPart(part: ShowForm) -> impl IntoView {
    let specs = part.fields.into_iter().map(Spec::plain).collect();
    let kind = Kind::Generic {
        form_id: part.form_id,
        min_filled: part.min_filled_fields.unwrap_or(0),
    };
    view! {
        <MarkerForm part_id=part.part_id title=part.name specs kind
            submitted=part.submitted == Some(true) confirmation=part.confirmation_text/>
    }
}

/// A session form: `session_start` before the first message, `livechat_waiting` while the
/// visitor waits for a person. Fetched with what the session already knows, which fills its
/// fields (so what was given shows, and can be corrected); saved with a partial PATCH, field
/// problems at their fields.
#[component]
pub fn SessionForm(form_id: String) -> impl IntoView {
    let svc = use_services();
    let loaded = RwSignal::new(None::<(dialoge_api::actions::FormDefinition, Values)>);
    if let Some(svc) = svc {
        svc.spawn(async move {
            if let Outcome::Done(found) = svc.markers.session_form(&form_id).await {
                loaded.try_set(Some(found));
            }
        });
    }
    move || {
        loaded.get().map(|(form, given)| {
            let specs = form.fields.iter().cloned().map(Spec::plain).collect();
            let kind = Kind::Session {
                form_id: form.form_id.clone(),
                min_filled: form.min_filled_fields.unwrap_or(0),
            };
            let part_id = crate::services::markers::session_part_id(&form.form_id);
            view! {
                <div class="dlg-session-form" data-testid="session-form" data-form-id=form.form_id.clone()>
                    <MarkerForm part_id title=form.name.clone().unwrap_or_default() specs kind
                        submitted=false confirmation=form.confirmation_text.clone() given/>
                </div>
            }
        })
    }
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

// Every reactive attribute and text of the marker parts is one of these few types, so the
// rendering code behind them is compiled once per type instead of once per closure (it was
// most of the markers' cost in wasm). `--cfg erase_components` does not change that: it erases
// components and views, but a closure attribute or child is still its own `RenderEffect`
// instance. Measured on 2026-11-29 (whole widget 240.7 KB brotli): plain `move ||` closures
// instead of these cost +1.6 KB brotli in this file, +2.1 KB in `markers.rs`, +1.0 KB in
// `rating.rs`; kept everywhere.
/// A reactive on/off attribute (`hidden`, `disabled`).
pub(crate) type Flag = Signal<bool>;
/// A reactive text or attribute value.
pub(crate) type Text = Signal<String>;
/// A reactive optional attribute (`aria-invalid`, `aria-describedby`) or text.
pub(crate) type MaybeText = Signal<Option<String>>;

/// The form's state, shared by its fields.
#[derive(Clone, Copy)]
struct FormState {
    values: RwSignal<Values>,
    /// Messages by field key (the client's checks or the server's 422).
    errors: RwSignal<Values>,
    /// A problem of the whole form (too few fields filled, a failed send).
    form_error: RwSignal<Option<String>>,
    files: StoredValue<Vec<(String, Vec<web_sys::File>)>, LocalStorage>,
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
fn focus_in(form: Option<web_sys::HtmlFormElement>, id: Option<String>) {
    let el = form
        .zip(id)
        .and_then(|(form, id)| form.query_selector(&format!("#{id}")).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

#[component]
fn MarkerForm(
    part_id: String,
    title: String,
    specs: Vec<Spec>,
    kind: Kind,
    submitted: bool,
    confirmation: Option<String>,
    /// Values the fields start with (what the session already knows).
    #[prop(optional)]
    given: Values,
) -> impl IntoView {
    let svc = use_services();
    let lang = lang_of(svc);
    let m = lang.m();
    let uid = next_uid();
    let title_id = format!("dlg-f{uid}");
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
    let form_ref = NodeRef::<html::Form>::new();
    let fields: Vec<FormField> = specs.iter().map(|s| s.field.clone()).collect();
    let keys: Vec<(String, String)> = specs
        .iter()
        .zip(&ids)
        .map(|(s, id)| (s.field.key.clone(), id.clone()))
        .collect();

    // Puts problems on their fields and focuses the first one, in the order of the form.
    let show_problems = move |problems: Vec<(String, String)>, whole: Option<String>| {
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
        focus_in(form_ref.get_untracked(), first);
    };

    let sent_ref = NodeRef::<leptos::html::P>::new();
    let on_submit = move |ev: ev::SubmitEvent| {
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
                        if let Some(p) = sent_ref.get_untracked() {
                            let _ = p.focus();
                        }
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

    let rows: Vec<AnyView> = specs
        .into_iter()
        .zip(ids)
        .map(|(spec, id)| field_row(state, spec, id, lang))
        .collect();
    let phase_name: Text = Signal::derive(move || {
        match state.phase.get() {
            Phase::Editing => "editing",
            Phase::Sending => "sending",
            Phase::Sent(_) => "sent",
        }
        .to_owned()
    });
    let sent: Flag = Signal::derive(move || matches!(state.phase.get(), Phase::Sent(_)));
    let not_sent: Flag = Signal::derive(move || !sent.get());
    let sending: Flag = Signal::derive(move || state.phase.get() == Phase::Sending);
    let busy: MaybeText = Signal::derive(move || sending.get().then(|| "true".to_owned()));
    let sent_message: MaybeText = Signal::derive(move || match state.phase.get() {
        Phase::Sent(text) => Some(text),
        _ => None,
    });
    let form_error: MaybeText = Signal::derive(move || state.form_error.get());
    let no_form_error: Flag = Signal::derive(move || state.form_error.with(Option::is_none));
    let submit_label: Text =
        Signal::derive(move || if sending.get() { m.sending } else { m.submit }.to_owned());
    let has_title = !title.is_empty();
    let labelled_by = has_title.then(|| title_id.clone());
    view! {
        <div class="dlg-form" data-testid="form" data-state=phase_name>
            <p class="dlg-form-sent" role="status" hidden=not_sent tabindex="-1" node_ref=sent_ref>
                <span class="dlg-form-check" aria-hidden=ARIA_TRUE>"✓"</span>
                <span>{sent_message}</span>
            </p>
            <form novalidate node_ref=form_ref hidden=sent aria-busy=busy
                aria-labelledby=labelled_by on:submit=on_submit>
                {has_title.then(|| view! { <p class="dlg-form-title" id=title_id>{title}</p> })}
                {rows}
                <p class="dlg-form-error" role="alert" hidden=no_form_error>{form_error}</p>
                <button type="submit" class="dlg-form-submit" disabled=sending>{submit_label}</button>
            </form>
        </div>
    }
}

/// One field, drawn only while `visible_when` holds. Rebuilt only when visibility flips, never
/// per keystroke (that would steal the focus).
fn field_row(state: FormState, spec: Spec, id: String, lang: Lang) -> AnyView {
    let visible = {
        let field = spec.field.clone();
        Memo::new(move |_| state.values.with(|v| forms::is_visible(&field, v)))
    };
    (move || visible.get().then(|| field_view(state, &spec, &id, lang))).into_any()
}

/// The reactive ARIA of one control.
struct Aria {
    required: Option<String>,
    invalid: MaybeText,
    described: MaybeText,
}

/// A labelled field with its hint and its problem (`aria-invalid` + `aria-describedby`).
fn field_view(state: FormState, spec: &Spec, id: &str, lang: Lang) -> AnyView {
    let key = spec.field.key.clone();
    let err_id = format!("{id}-err");
    let hint_id = spec.hint.as_ref().map(|_| format!("{id}-hint"));
    let error: MaybeText = {
        let key = key.clone();
        Signal::derive(move || state.errors.with(|e| e.get(&key).cloned()))
    };
    let aria = Aria {
        required: spec.field.required.then(|| "true".to_owned()),
        invalid: Signal::derive(move || error.with(|e| e.as_ref().map(|_| "true".to_owned()))),
        described: {
            let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
            Signal::derive(move || {
                let err = error.with(Option::is_some).then_some(err_id.as_str());
                let ids: Vec<&str> = hint_id.as_deref().into_iter().chain(err).collect();
                (!ids.is_empty()).then(|| ids.join(" "))
            })
        },
    };
    let no_error: Flag = Signal::derive(move || error.with(Option::is_none));
    let label = if spec.field.label.is_empty() {
        key
    } else {
        spec.field.label.clone()
    };
    view! {
        <div class="dlg-field">
            <label class="dlg-field-label" for=id.to_owned()>
                {label}
                {spec.field.required.then(|| view! { <span class="dlg-required" aria-hidden="true">" *"</span> })}
            </label>
            {control(state, spec, id.to_owned(), lang, aria)}
            {spec.hint.clone().map(|h| view! { <p class="dlg-field-hint" id=hint_id>{h}</p> })}
            <p class="dlg-field-error" id=err_id hidden=no_error>{error}</p>
        </div>
    }
    .into_any()
}

/// The input itself: text, e-mail, tel, textarea, dropdown or file chooser.
fn control(state: FormState, spec: &Spec, id: String, lang: Lang, aria: Aria) -> AnyView {
    let key = spec.field.key.clone();
    let placeholder = spec.field.placeholder.clone();
    let Aria {
        required,
        invalid,
        described,
    } = aria;
    let value: Text = {
        let key = key.clone();
        Signal::derive(move || {
            state
                .values
                .with(|v| v.get(&key).cloned().unwrap_or_default())
        })
    };
    // One handler for text, textarea and dropdown (a `<select>` fires `input` too).
    let on_input = {
        let key = key.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            state.values.update(|m| {
                m.insert(key.clone(), v);
            });
            state.set_error(&key, None);
            state.form_error.set(None);
        }
    };
    match spec.field.field_type {
        FieldType::Textarea => view! {
            <textarea class="dlg-field-input" id=id rows="3" placeholder=placeholder
                aria-required=required aria-invalid=invalid aria-describedby=described
                prop:value=value on:input=on_input></textarea>
        }
        .into_any(),
        FieldType::Dropdown => {
            let options: Vec<AnyView> = spec
                .field
                .options
                .iter()
                .map(|o| {
                    let selected: Flag = {
                        let (o, key) = (o.clone(), key.clone());
                        Signal::derive(move || state.values.with(|v| v.get(&key) == Some(&o)))
                    };
                    view! { <option value=o.clone() prop:selected=selected>{o.clone()}</option> }
                        .into_any()
                })
                .collect();
            view! {
                <select class="dlg-field-input" id=id aria-required=required aria-invalid=invalid
                    aria-describedby=described on:input=on_input>
                    <option value="">{lang.m().choose_option}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        FieldType::File => {
            let (multiple, max) = (spec.multiple, spec.max_bytes);
            let names: MaybeText = {
                let key = key.clone();
                Signal::derive(move || state.file_names.with(|n| n.get(&key).cloned()))
            };
            let on_change = move |ev: ev::Event| {
                let Some(input) = input_of(&ev) else { return };
                let chosen = files_of(&input);
                let problem = if multiple && chosen.len() > MAX_ATTACHMENTS {
                    Some(Problem::TooMany(MAX_ATTACHMENTS))
                } else {
                    chosen.iter().find_map(|f| {
                        forms::check_file(&f.type_(), f.size() as u64, &[], max).err()
                    })
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
            view! {
                <input type="file" class="dlg-field-file" id=id multiple=multiple
                    aria-required=required aria-invalid=invalid aria-describedby=described
                    on:change=on_change/>
                <p class="dlg-file-names">{names}</p>
            }
            .into_any()
        }
        ref other => {
            let (input_type, autocomplete) = match other {
                FieldType::Email => ("email", Some("email")),
                FieldType::Tel => ("tel", Some("tel")),
                _ if key == "name" => ("text", Some("name")),
                _ => ("text", None),
            };
            view! {
                <input type=input_type class="dlg-field-input" id=id placeholder=placeholder
                    autocomplete=autocomplete aria-required=required aria-invalid=invalid
                    aria-describedby=described prop:value=value on:input=on_input/>
            }
            .into_any()
        }
    }
}

/// [`SessionForm`] as a view of its own.
pub fn session_form_view(form_id: String) -> AnyView {
    view! { <SessionForm form_id/> }.into_any()
}

//! Marker forms inline in the conversation: `show_contact_form`, `show_support_ticket` and
//! `show_form`, one thin component each over a shared form. Every field is labelled; a field
//! hidden by `visible_when` is not in the DOM (so neither checked nor sent); problems show next
//! to their field (`aria-invalid` + `aria-describedby`) and focus moves to the first one; a
//! server 422 is put on the field its `params` name. Once answered — here, or in history with
//! `submitted: true` — the form shows as sent with its confirmation.
//!
//! What counts as valid and what is sent is decided by `state::forms`; the request goes
//! through the controller. API text is only ever text nodes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use dialoge_api::actions::{ActionRequest, AttachmentUpload};
use dialoge_api::message::{FieldType, FormField, ShowContactForm, ShowForm, ShowSupportTicket};
use dialoge_api::send::MAX_ACTION_ATTACHMENT_BYTES;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::media::human_size;
use crate::controller::{use_ctx, Ctx};
use crate::i18n::{fill, Lang};
use crate::state::forms::{self, Problem, Values, ATTACHMENTS_KEY, MAX_ATTACHMENTS};
use crate::transport::ApiError;
use crate::view::files::{files_of, input_of, read_base64};

/// A number unique in the page, for element ids (a shadow root is one id space).
pub(crate) fn next_uid() -> u64 {
    static UID: AtomicU64 = AtomicU64::new(1);
    UID.fetch_add(1, Ordering::Relaxed)
}

/// The UI language, read once: forms keep the words they were drawn with.
pub(super) fn lang_of(ctx: Option<Ctx>) -> Lang {
    ctx.map(|c| c.lang.get_untracked()).unwrap_or_default()
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
    }
}

/// `show_contact_form`: the marker's fields, sent as `contact_form`.
#[component]
pub fn ContactFormPart(part: ShowContactForm) -> impl IntoView {
    let lang = lang_of(use_ctx());
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
    let lang = lang_of(use_ctx());
    let m = lang.m();
    let base = [
        ("name", m.ticket_name, FieldType::Text),
        ("email", m.ticket_email, FieldType::Email),
        ("message", m.ticket_message, FieldType::Textarea),
    ];
    let mut specs: Vec<Spec> = base
        .into_iter()
        .map(|(key, label, field_type)| Spec::plain(field(key, label, field_type, true)))
        .collect();
    specs.extend(
        part.fields
            .iter()
            .filter(|f| !forms::TICKET_BASE_KEYS.contains(&f.key.as_str()))
            .cloned()
            .map(Spec::plain),
    );
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
    Generic { form_id: String, min_filled: u32 },
}

#[derive(Clone, PartialEq)]
enum Phase {
    Editing,
    Sending,
    Sent(String),
}

/// The form's state, shared by its fields.
#[derive(Clone, Copy)]
struct FormState {
    values: RwSignal<Values>,
    /// Messages by field key (the client's checks or the server's 422).
    errors: RwSignal<BTreeMap<String, String>>,
    /// A problem of the whole form (too few fields filled, a failed send).
    form_error: RwSignal<Option<String>>,
    files: StoredValue<BTreeMap<String, Vec<web_sys::File>>, LocalStorage>,
    file_names: RwSignal<BTreeMap<String, Vec<String>>>,
    phase: RwSignal<Phase>,
}

#[component]
fn MarkerForm(
    part_id: String,
    title: String,
    specs: Vec<Spec>,
    kind: Kind,
    submitted: bool,
    confirmation: Option<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = lang_of(ctx);
    let m = lang.m();
    let uid = next_uid();
    let title_id = format!("dlg-f{uid}");
    let ids: Vec<String> = (0..specs.len())
        .map(|i| format!("dlg-f{uid}-{i}"))
        .collect();
    let sent_text = {
        let confirmation = confirmation.clone();
        move |server: Option<String>| {
            server
                .or_else(|| confirmation.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| m.sent.to_owned())
        }
    };
    let answered = ctx.and_then(|c| c.marker_sent(&part_id));
    let initial = match answered {
        Some(text) => Phase::Sent(sent_text(text)),
        None if submitted => Phase::Sent(sent_text(None)),
        None => Phase::Editing,
    };
    let state = FormState {
        values: RwSignal::new(Values::new()),
        errors: RwSignal::new(BTreeMap::new()),
        form_error: RwSignal::new(None),
        files: StoredValue::new_local(BTreeMap::new()),
        file_names: RwSignal::new(BTreeMap::new()),
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
    let show_problems = {
        let keys = keys.clone();
        move |by_key: BTreeMap<String, String>, whole: Option<String>| {
            let first = keys
                .iter()
                .find(|(key, _)| by_key.contains_key(key))
                .map(|(_, id)| id.clone());
            state.errors.try_set(by_key);
            state.form_error.try_set(whole);
            if let (Some(id), Some(form)) = (first, form_ref.get_untracked()) {
                if let Ok(Some(el)) = form.query_selector(&format!("#{id}")) {
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        }
    };

    let on_submit = {
        let show_problems = show_problems.clone();
        let sent_text = sent_text.clone();
        move |ev: ev::SubmitEvent| {
            ev.prevent_default();
            if state.phase.get_untracked() != Phase::Editing {
                return;
            }
            let values = state.values.get_untracked();
            let chosen: BTreeMap<String, Vec<web_sys::File>> = state.files.with_value(|f| {
                f.iter()
                    .filter(|(key, list)| {
                        !list.is_empty()
                            && fields
                                .iter()
                                .any(|fd| &fd.key == *key && forms::is_visible(fd, &values))
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            });
            let present: BTreeSet<String> = chosen.keys().cloned().collect();
            let min_filled = match &kind {
                Kind::Generic { min_filled, .. } => *min_filled,
                _ => 0,
            };
            let check = forms::validate(&fields, &values, &present, min_filled);
            if !check.is_ok() {
                let by_key = check
                    .fields
                    .iter()
                    .map(|(k, p)| (k.clone(), problem_text(p, lang, "")))
                    .collect();
                show_problems(by_key, check.form.map(|p| problem_text(&p, lang, "")));
                return;
            }
            let Some(ctx) = ctx else { return };
            state.errors.set(BTreeMap::new());
            state.form_error.set(None);
            state.phase.set(Phase::Sending);
            let (part_id, fields, kind) = (part_id.clone(), fields.clone(), kind.clone());
            let (show_problems, sent_text) = (show_problems.clone(), sent_text.clone());
            spawn_local(async move {
                let mut uploads: BTreeMap<String, Vec<AttachmentUpload>> = BTreeMap::new();
                for (key, list) in chosen {
                    for file in list {
                        let Ok(data_base64) = read_base64(&file).await else {
                            state.form_error.try_set(Some(m.upload_failed.to_owned()));
                            state.phase.try_set(Phase::Editing);
                            return;
                        };
                        let filename = file.name();
                        uploads
                            .entry(key.clone())
                            .or_default()
                            .push(AttachmentUpload {
                                mime_type: forms::mime_of(&file.type_(), &filename),
                                filename,
                                data_base64,
                            });
                    }
                }
                let action = match &kind {
                    Kind::Contact => forms::contact_action(&fields, &values),
                    Kind::Ticket => {
                        let all = uploads.into_values().flatten().collect();
                        forms::ticket_action(&fields, &values, all)
                    }
                    Kind::Generic { form_id, .. } => {
                        let first = uploads
                            .into_iter()
                            .filter_map(|(k, mut v)| (!v.is_empty()).then(|| (k, v.remove(0))))
                            .collect();
                        forms::form_action(form_id, &fields, &values, first)
                    }
                };
                let request = ActionRequest {
                    part_id: part_id.clone(),
                    action,
                };
                match ctx.submit_action(request).await {
                    Ok(resp) => {
                        state
                            .phase
                            .try_set(Phase::Sent(sent_text(resp.confirmation_text)));
                    }
                    Err(ApiError::Http {
                        status: 422,
                        params,
                        message,
                        ..
                    }) => {
                        let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
                        let mut by_key = BTreeMap::new();
                        let mut rest = Vec::new();
                        for p in params {
                            match forms::field_for_param(&p.field, &known) {
                                Some(key) => {
                                    by_key.entry(key).or_insert(p.message);
                                }
                                None => rest.push(p.message),
                            }
                        }
                        if by_key.is_empty() && rest.is_empty() {
                            rest.push(message);
                        }
                        state.phase.try_set(Phase::Editing);
                        let whole = (!rest.is_empty()).then(|| rest.join(" "));
                        show_problems(by_key, whole);
                    }
                    // Already answered (another tab, a retry): it is sent either way.
                    Err(ApiError::Http { status: 409, .. }) => {
                        ctx.mark_sent(&part_id, None);
                        state.phase.try_set(Phase::Sent(sent_text(None)));
                    }
                    Err(ApiError::Aborted) => {
                        state.phase.try_set(Phase::Editing);
                    }
                    Err(_) => {
                        state.form_error.try_set(Some(m.form_failed.to_owned()));
                        state.phase.try_set(Phase::Editing);
                    }
                }
            });
        }
    };

    let rows: Vec<AnyView> = specs
        .into_iter()
        .zip(ids)
        .map(|(spec, id)| field_row(state, spec, id, lang))
        .collect();
    let sending = move || state.phase.get() == Phase::Sending;
    let sent = move || matches!(state.phase.get(), Phase::Sent(_));
    let has_title = !title.is_empty();
    view! {
        <div class="dlg-form" data-testid="form"
            data-state=move || match state.phase.get() {
                Phase::Editing => "editing",
                Phase::Sending => "sending",
                Phase::Sent(_) => "sent",
            }>
            {move || match state.phase.get() {
                Phase::Sent(text) => Some(view! {
                    <p class="dlg-form-sent" role="status">
                        <span class="dlg-form-check" aria-hidden="true">"✓"</span>
                        <span>{text}</span>
                    </p>
                }),
                _ => None,
            }}
            <form novalidate node_ref=form_ref hidden=sent aria-busy=move || sending().then_some("true")
                aria-labelledby=has_title.then(|| title_id.clone()) on:submit=on_submit>
                {has_title.then(|| view! { <p class="dlg-form-title" id=title_id.clone()>{title.clone()}</p> })}
                {rows}
                <p class="dlg-form-error" role="alert" hidden=move || state.form_error.with(Option::is_none)>
                    {move || state.form_error.get().unwrap_or_default()}
                </p>
                <button type="submit" class="dlg-form-submit" disabled=sending>
                    {move || if sending() { m.sending } else { m.submit }}
                </button>
            </form>
        </div>
    }
}

/// One labelled field with its hint and its problem, shown only while `visible_when` holds.
fn field_row(state: FormState, spec: Spec, id: String, lang: Lang) -> AnyView {
    let visible = {
        let field = spec.field.clone();
        move || state.values.with(|v| forms::is_visible(&field, v))
    };
    let row = move || {
        let spec = spec.clone();
        let id = id.clone();
        let key = spec.field.key.clone();
        let err_id = format!("{id}-err");
        let hint_id = spec.hint.as_ref().map(|_| format!("{id}-hint"));
        let has_error = {
            let key = key.clone();
            move || state.errors.with(|e| e.contains_key(&key))
        };
        let described = {
            let (hint_id, err_id, has_error) = (hint_id.clone(), err_id.clone(), has_error.clone());
            move || {
                let ids: Vec<&str> = hint_id
                    .as_deref()
                    .into_iter()
                    .chain(has_error().then_some(err_id.as_str()))
                    .collect();
                (!ids.is_empty()).then(|| ids.join(" "))
            }
        };
        let invalid = {
            let has_error = has_error.clone();
            move || has_error().then_some("true")
        };
        let label = if spec.field.label.is_empty() {
            key.clone()
        } else {
            spec.field.label.clone()
        };
        let required = spec.field.required;
        let control = control(state, &spec, id.clone(), lang, described, invalid);
        let message = {
            let key = key.clone();
            move || {
                state
                    .errors
                    .with(|e| e.get(&key).cloned().unwrap_or_default())
            }
        };
        view! {
            <div class="dlg-field">
                <label class="dlg-field-label" for=id>
                    {label}
                    {required.then(|| view! { <span class="dlg-required" aria-hidden="true">" *"</span> })}
                </label>
                {control}
                {spec.hint.clone().map(|h| view! { <p class="dlg-field-hint" id=hint_id.clone()>{h}</p> })}
                <p class="dlg-field-error" id=err_id hidden=move || !has_error()>{message}</p>
            </div>
        }
    };
    // Rebuilt only when visibility flips, never per keystroke (that would steal the focus).
    let shown = Memo::new(move |_| visible());
    (move || shown.get().then(row.clone())).into_any()
}

/// The input itself: text, e-mail, tel, textarea, dropdown or file chooser.
fn control(
    state: FormState,
    spec: &Spec,
    id: String,
    lang: Lang,
    described: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
    invalid: impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static,
) -> AnyView {
    let key = spec.field.key.clone();
    let placeholder = spec.field.placeholder.clone();
    let required = spec.field.required.then_some("true");
    let value = {
        let key = key.clone();
        move || {
            state
                .values
                .with(|v| v.get(&key).cloned().unwrap_or_default())
        }
    };
    let on_input = {
        let key = key.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            let key = key.clone();
            state.values.update(|m| {
                m.insert(key.clone(), v);
            });
            state.errors.update(|e| {
                e.remove(&key);
            });
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
                    let (o, key) = (o.clone(), key.clone());
                    let selected = {
                        let o = o.clone();
                        move || state.values.with(|v| v.get(&key) == Some(&o))
                    };
                    view! { <option value=o.clone() prop:selected=selected>{o.clone()}</option> }
                        .into_any()
                })
                .collect();
            view! {
                <select class="dlg-field-input" id=id aria-required=required aria-invalid=invalid
                    aria-describedby=described on:change=on_input>
                    <option value="">{lang.m().choose_option}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        FieldType::File => {
            let (multiple, max) = (spec.multiple, spec.max_bytes);
            let on_change = {
                let key = key.clone();
                move |ev: ev::Event| {
                    let Some(input) = input_of(&ev) else { return };
                    let chosen = files_of(&input);
                    let problem = if multiple && chosen.len() > MAX_ATTACHMENTS {
                        Some(Problem::TooMany(MAX_ATTACHMENTS))
                    } else {
                        chosen.iter().find_map(|f| {
                            forms::check_file(&f.type_(), f.size() as u64, &[], max).err()
                        })
                    };
                    let key = key.clone();
                    state.form_error.set(None);
                    match problem {
                        Some(p) => {
                            // Nothing of a refused choice is kept or sent.
                            input.set_value("");
                            state.files.update_value(|f| {
                                f.remove(&key);
                            });
                            state.file_names.update(|n| {
                                n.remove(&key);
                            });
                            state.errors.update(|e| {
                                e.insert(key, problem_text(&p, lang, ""));
                            });
                        }
                        None => {
                            let names = chosen
                                .iter()
                                .map(|f| format!("{} ({})", f.name(), human_size(f.size() as u64)))
                                .collect();
                            state.files.update_value(|f| {
                                f.insert(key.clone(), chosen);
                            });
                            state.file_names.update(|n| {
                                n.insert(key.clone(), names);
                            });
                            state.errors.update(|e| {
                                e.remove(&key);
                            });
                        }
                    }
                }
            };
            let names = move || {
                state
                    .file_names
                    .with(|n| n.get(&key).cloned().unwrap_or_default())
                    .into_iter()
                    .map(|n| view! { <li>{n}</li> })
                    .collect_view()
            };
            view! {
                <input type="file" class="dlg-field-file" id=id multiple=multiple
                    aria-required=required aria-invalid=invalid aria-describedby=described
                    on:change=on_change/>
                <ul class="dlg-file-names">{names}</ul>
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

//! The markers that are not forms: `request_image_upload` (a file chooser that checks type and
//! size before anything is read or sent, then sends the image as a part of the next message),
//! `request_human_agent` (a "talk to a person" button when livechat is enabled and live, an
//! honest word when it is not) and `custom` (nothing drawn; the host page gets a `marker`
//! event, once per part). Requests go through the services; the async state is the shared
//! [`Phase`]. Plain DOM (`view::dom`), as the forms: built once, each signal it shows written
//! by one small effect.

use crate::reactive::*;
use dialoge_api::config::AvailabilityReason;
use dialoge_api::message::{CustomMarker, RequestHumanAgent, RequestImageUpload};
use dialoge_api::rules;
use dialoge_api::send::{InputPart, MAX_MESSAGE_DATA_BYTES};
use dialoge_api::LivechatStatus;
use web_sys::Element;

use super::forms::{lang_of, next_uid, problem_text, sent_line};
use super::media::human_size;
use crate::i18n::fill;
use crate::services::markers::Phase;
use crate::services::{use_services, Outcome};
use crate::view::dom;
use crate::view::files::{files_of, input_of, read_base64};

/// `request_image_upload`: accepted types and size limit, and a labelled file chooser.
pub fn image_upload(part: &RequestImageUpload) -> Option<Element> {
    let svc = use_services();
    let lang = lang_of(svc);
    let m = lang.m();
    let accepted: Vec<String> = part
        .accepted_types()
        .into_iter()
        .map(str::to_owned)
        .collect();
    // A message carries at most 5 MiB per upload, whatever the marker allows.
    let max = part.max_size().min(MAX_MESSAGE_DATA_BYTES as u64);
    let types = accepted
        .iter()
        .map(|t| rules::type_label(t))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = fill(
        &fill(m.upload_hint, "types", &types),
        "size",
        &human_size(max),
    );
    let uid = next_uid();
    let (id, hint_id, err_id) = (
        format!("dlg-u{uid}"),
        format!("dlg-u{uid}-hint"),
        format!("dlg-u{uid}-err"),
    );
    let part_id = part.part_id.clone();
    // `Sent` carries the file's name (empty when history only says `submitted`).
    let initial = match svc.and_then(|s| s.markers.sent(&part_id)) {
        Some(name) => Phase::Sent(name.unwrap_or_default()),
        None if part.submitted == Some(true) => Phase::Sent(String::new()),
        None => Phase::Editing,
    };
    let state = RwSignal::new(initial);
    // The file being read and sent.
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let accept_attr = accepted.join(",");

    let on_change = move |ev: web_sys::Event| {
        let Some(input) = input_of(&ev) else { return };
        let Some(file) = files_of(&input).into_iter().next() else {
            return;
        };
        // Choosing the same file again after a refusal must fire `change` again.
        input.set_value("");
        let filename = file.name();
        let mime = rules::mime_of(&file.type_(), &filename);
        let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
        if let Err(p) = rules::check_file(&mime, file.size() as u64, &accepted, max) {
            error.set(Some(problem_text(&p, lang, &types)));
            return;
        }
        error.set(None);
        let Some(svc) = svc else { return };
        chosen.set(filename.clone());
        state.set(Phase::Sending);
        let part_id = part_id.clone();
        svc.spawn(async move {
            let Ok(data) = read_base64(&file).await else {
                state.try_set(Phase::Editing);
                error.try_set(Some(m.upload_failed.to_owned()));
                return;
            };
            let image = InputPart::Image {
                data,
                mime,
                filename: filename.clone(),
            };
            if svc.send(String::new(), vec![image]) {
                svc.markers.mark_sent(&part_id, Some(filename.clone()));
                state.try_set(Phase::Sent(filename));
            } else {
                // An answer is still arriving; the chooser is enabled again once it is done.
                state.try_set(Phase::Editing);
            }
        });
    };

    let root = dom::el("div|class=dlg-upload|data-testid=upload-prompt");
    let (status_p, check, status_text) = sent_line(&root)?;
    let choose = dom::el("div|class=dlg-upload-choose");
    let label = dom::el_with("label|class=dlg-field-label", &[("for", &id)]);
    dom::text(&label, m.upload_label);
    dom::add(&choose, &label);
    let input = dom::el_with(
        "input|type=file|class=dlg-field-file",
        &[("id", &id), ("accept", &accept_attr)],
    );
    dom::add(&choose, &input);
    let hint_p = dom::el_with("p|class=dlg-field-hint", &[("id", &hint_id)]);
    dom::text(&hint_p, &hint);
    dom::add(&choose, &hint_p);
    let err_p = dom::el_with("p|class=dlg-field-error|role=alert", &[("id", &err_id)]);
    let err_text = dom::text_slot(&err_p);
    dom::add(&choose, &err_p);
    dom::add(&root, &choose);

    // The phase: the state hook, the chooser or what was sent.
    {
        let (root, choose) = (root.clone(), choose.clone());
        dom::watch(Box::new(move || {
            let phase = state.get();
            let (name, text) = match &phase {
                Phase::Editing => ("idle", None),
                Phase::Sending => (
                    "sending",
                    Some(fill(m.upload_sending, "name", &chosen.get())),
                ),
                Phase::Sent(name) if name.is_empty() => ("sent", Some(m.sent.to_owned())),
                Phase::Sent(name) => ("sent", Some(fill(m.upload_sent, "name", name))),
            };
            let sent = matches!(phase, Phase::Sent(_));
            dom::attr(&root, "data-state", name);
            dom::flag(&status_p, "hidden", phase == Phase::Editing);
            dom::flag(&check, "hidden", !sent);
            status_text.set_data(text.as_deref().unwrap_or(""));
            dom::flag(&choose, "hidden", sent);
        }));
    }
    {
        let input = input.clone();
        dom::watch(Box::new(move || {
            let busy = svc.is_some_and(|s| s.conversation.busy().get())
                || state.with(|s| *s != Phase::Editing);
            dom::flag(&input, "disabled", busy);
        }));
    }
    {
        let input = input.clone();
        dom::watch(Box::new(move || {
            error.with(|error| {
                dom::flag(&err_p, "hidden", error.is_none());
                err_text.set_data(error.as_deref().unwrap_or(""));
                dom::opt_attr(&input, "aria-invalid", error.as_ref().map(|_| "true"));
                let described = match error {
                    Some(_) => format!("{hint_id} {err_id}"),
                    None => hint_id.clone(),
                };
                dom::attr(&input, "aria-describedby", &described);
            });
        }));
    }
    dom::on(&input, "change", Box::new(on_change));
    Some(root.into())
}

/// `request_human_agent`: a button that asks for a person when livechat is enabled and live;
/// otherwise it says plainly that no one can take over now.
pub fn human_agent(part: &RequestHumanAgent) -> Option<Element> {
    let svc = use_services();
    let m = lang_of(svc).m();
    let phase = RwSignal::new(Phase::Editing);
    let failed = RwSignal::new(None::<&'static str>);
    // (enabled, live) from config and backend; unknown config counts as neither.
    let availability = move || {
        svc.filter(|s| s.capabilities().livechat)
            .map(|s| s.branding.livechat_availability())
            .unwrap_or((false, false))
    };
    let livechat = move || {
        svc.map(|s| s.livechat.status().get())
            .unwrap_or(LivechatStatus::Inactive)
    };
    let part_id = part.part_id.clone();
    let on_click = move |_: web_sys::Event| {
        let Some(svc) = svc else { return };
        if phase.get_untracked() == Phase::Sending {
            return;
        }
        phase.set(Phase::Sending);
        failed.set(None);
        let part_id = part_id.clone();
        svc.spawn(async move {
            let failure = match svc.markers.handover(part_id).await {
                Outcome::Done(status) if status.is_open() => None,
                // 409: livechat is unavailable after all; a closed session is no handover.
                Outcome::Done(_) | Outcome::Conflict => Some(m.handover_unavailable),
                Outcome::Cancelled => None,
                Outcome::Invalid { .. } | Outcome::Failed => Some(m.handover_failed),
            };
            failed.try_set(failure);
            phase.try_set(Phase::Editing);
        });
    };
    let open = move || livechat().is_open();
    // Why no one can take over, as the config says (outside working hours, offline, off).
    let reason = move || svc.and_then(|s| s.branding.livechat_reason());

    let root = dom::el("div|class=dlg-handover|data-testid=handover");
    let status_p = dom::el("p|class=dlg-handover-status|role=status");
    let status_text = dom::text_slot(&status_p);
    dom::add(&root, &status_p);
    let button = dom::el("button|type=button|class=dlg-form-submit|data-testid=handover-button");
    let label = dom::text_slot(&button);
    dom::add(&root, &button);
    let failure_p = dom::el("p|class=dlg-form-error|role=alert");
    let failure_text = dom::text_slot(&failure_p);
    dom::add(&root, &failure_p);
    let offline_p = dom::el("p|class=dlg-handover-offline|data-testid=handover-offline");
    let offline_text = dom::text_slot(&offline_p);
    dom::add(&root, &offline_p);

    // Where the livechat is, and whether a person can take over at all.
    {
        let button = button.clone();
        dom::watch(Box::new(move || {
            let status = match livechat() {
                LivechatStatus::Waiting => m.handover_waiting,
                LivechatStatus::Active => m.handover_active,
                _ => "",
            };
            status_text.set_data(status);
            let offline = match (open(), availability()) {
                (true, _) | (_, (true, true)) => "",
                (_, (true, false)) => match reason() {
                    Some(AvailabilityReason::OutsideWorkingHours) => m.handover_after_hours,
                    Some(AvailabilityReason::Disabled) => m.handover_disabled,
                    _ => m.handover_offline,
                },
                (_, (false, _)) => m.handover_disabled,
            };
            offline_text.set_data(offline);
            dom::flag(&button, "hidden", open() || availability() != (true, true));
        }));
    }
    {
        let button = button.clone();
        dom::watch(Box::new(move || {
            let requesting = phase.get() == Phase::Sending;
            dom::flag(&button, "disabled", requesting);
            label.set_data(if requesting {
                m.handover_requesting
            } else {
                m.handover_button
            });
        }));
    }
    dom::watch(Box::new(move || {
        let failed = failed.get();
        dom::flag(&failure_p, "hidden", failed.is_none());
        failure_text.set_data(failed.unwrap_or(""));
    }));
    dom::on(&button, "click", Box::new(on_click));
    Some(root.into())
}

/// `custom`: draws nothing; hands `{partId, key, payload}` to the host page once per part.
pub fn custom_marker(part: &CustomMarker) {
    if let Some(svc) = use_services() {
        let part = part.clone();
        // After this render, so a host listener that calls back into the widget does not run
        // in the middle of it.
        svc.spawn(async move { svc.markers.emit_custom(&part) });
    }
}

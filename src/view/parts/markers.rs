//! The markers that are not forms: `request_image_upload` (a file chooser that checks type and
//! size before anything is read or sent, then sends the image as a part of the next message),
//! `request_human_agent` (a "talk to a person" button when livechat is enabled and live, an
//! honest word when it is not) and `custom` (nothing drawn; the host page gets a `marker`
//! event, once per part). Requests go through the services; the async state is the shared
//! [`Phase`]. Reactive attributes and text go through the `Flag`/`Text`/`MaybeText` signals of
//! `forms` (as plain closures, measured on 2026-11-29: +2.1 KB brotli; see there).

use dialoge_api::config::AvailabilityReason;
use dialoge_api::message::{CustomMarker, RequestHumanAgent, RequestImageUpload};
use dialoge_api::rules;
use dialoge_api::send::{InputPart, MAX_MESSAGE_DATA_BYTES};
use dialoge_api::LivechatStatus;
use leptos::ev;
use leptos::prelude::*;

use super::forms::{lang_of, next_uid, problem_text, Flag, MaybeText, Text};
use super::media::human_size;
use crate::i18n::fill;
use crate::services::markers::Phase;
use crate::services::{use_services, Outcome};
use crate::view::files::{files_of, input_of, read_base64};

/// `request_image_upload`: accepted types and size limit, and a labelled file chooser.
#[component]
pub fn ImageUploadPart(part: RequestImageUpload) -> impl IntoView {
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

    let on_change = move |ev: ev::Event| {
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

    let busy: Flag = Signal::derive(move || {
        svc.is_some_and(|s| s.conversation.busy().get()) || state.get() != Phase::Editing
    });
    let sent: Flag = Signal::derive(move || matches!(state.get(), Phase::Sent(_)));
    let not_sent: Flag = Signal::derive(move || !sent.get());
    let phase: Text = Signal::derive(move || {
        match state.get() {
            Phase::Editing => "idle",
            Phase::Sending => "sending",
            Phase::Sent(_) => "sent",
        }
        .to_owned()
    });
    let status: MaybeText = Signal::derive(move || match state.get() {
        Phase::Editing => None,
        Phase::Sending => Some(fill(m.upload_sending, "name", &chosen.get())),
        Phase::Sent(name) if name.is_empty() => Some(m.sent.to_owned()),
        Phase::Sent(name) => Some(fill(m.upload_sent, "name", &name)),
    });
    let quiet: Flag = Signal::derive(move || state.get() == Phase::Editing);
    let message: MaybeText = Signal::derive(move || error.get());
    let no_error: Flag = Signal::derive(move || error.with(Option::is_none));
    let invalid: MaybeText =
        Signal::derive(move || error.with(Option::is_some).then(|| "true".to_owned()));
    let described: MaybeText = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        Signal::derive(move || {
            Some(match error.with(Option::is_some) {
                true => format!("{hint_id} {err_id}"),
                false => hint_id.clone(),
            })
        })
    };
    view! {
        <div class="dlg-upload" data-testid="upload-prompt" data-state=phase>
            <p class="dlg-form-sent" role="status" hidden=quiet>
                <span class="dlg-form-check" aria-hidden="true" hidden=not_sent>"✓"</span>
                <span>{status}</span>
            </p>
            <div class="dlg-upload-choose" hidden=sent>
                <label class="dlg-field-label" for=id.clone()>{m.upload_label}</label>
                <input type="file" class="dlg-field-file" id=id accept=accept_attr
                    aria-describedby=described aria-invalid=invalid disabled=busy on:change=on_change/>
                <p class="dlg-field-hint" id=hint_id>{hint}</p>
                <p class="dlg-field-error" id=err_id role="alert" hidden=no_error>{message}</p>
            </div>
        </div>
    }
}

/// `request_human_agent`: a button that asks for a person when livechat is enabled and live;
/// otherwise it says plainly that no one can take over now.
#[component]
pub fn HumanAgentPart(part: RequestHumanAgent) -> impl IntoView {
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
    let on_click = move |_| {
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
    let status: MaybeText = Signal::derive(move || match livechat() {
        LivechatStatus::Waiting => Some(m.handover_waiting.to_owned()),
        LivechatStatus::Active => Some(m.handover_active.to_owned()),
        _ => None,
    });
    // Why no one can take over, as the config says (outside working hours, offline, off).
    let reason = move || svc.and_then(|s| s.branding.livechat_reason());
    let offline: MaybeText = Signal::derive(move || match (open(), availability()) {
        (true, _) | (_, (true, true)) => None,
        (_, (true, false)) => Some(
            match reason() {
                Some(AvailabilityReason::OutsideWorkingHours) => m.handover_after_hours,
                Some(AvailabilityReason::Disabled) => m.handover_disabled,
                _ => m.handover_offline,
            }
            .to_owned(),
        ),
        (_, (false, _)) => Some(m.handover_disabled.to_owned()),
    });
    let no_button: Flag = Signal::derive(move || open() || availability() != (true, true));
    let requesting: Flag = Signal::derive(move || phase.get() == Phase::Sending);
    let label: Text = Signal::derive(move || {
        match requesting.get() {
            true => m.handover_requesting,
            false => m.handover_button,
        }
        .to_owned()
    });
    let failure: MaybeText = Signal::derive(move || failed.get().map(str::to_owned));
    let no_failure: Flag = Signal::derive(move || failure.with(Option::is_none));
    view! {
        <div class="dlg-handover" data-testid="handover">
            <p class="dlg-handover-status" role="status">{status}</p>
            <button type="button" class="dlg-form-submit" data-testid="handover-button"
                hidden=no_button disabled=requesting on:click=on_click>{label}</button>
            <p class="dlg-form-error" role="alert" hidden=no_failure>{failure}</p>
            <p class="dlg-handover-offline" data-testid="handover-offline">{offline}</p>
        </div>
    }
}

/// `custom`: draws nothing; hands `{partId, key, payload}` to the host page once per part.
#[component]
pub fn CustomMarkerPart(part: CustomMarker) -> impl IntoView {
    if let Some(svc) = use_services() {
        // After this render, so a host listener that calls back into the widget does not run
        // in the middle of it.
        svc.spawn(async move { svc.markers.emit_custom(&part) });
    }
}

//! Markers and the rating: answers to marker forms (`POST /actions`), a handover asked for by a
//! `request_human_agent` marker, `custom` markers handed to the host page (once per part, also
//! across reloads), which markers were answered in this page, and the rating — offered inline
//! once per conversation after a quiet spell, or from the header menu.
//!
//! Views run these intents inside the conversation's life and get an [`Outcome`] back; the
//! async state they show is one [`Phase`] for every form-like thing (forms, the upload prompt,
//! the handover button, the ratings).

use crate::reactive::*;
use dialoge_api::actions::{ActionRequest, ActionResponse, RateRequest, SessionValues};
use dialoge_api::livechat::{HandoverSource, LivechatStatus};
use dialoge_api::message::CustomMarker;
use dialoge_api::rules::Values;

use crate::state::Read;

use super::conversation::tell_host_error;
use super::livechat::Livechat;
use super::{Outcome, Shared};
use crate::boot::events::{HostEvent, Where};
use crate::life::{sleep, Life};
use crate::transport::storage::Store;

/// Quiet time after the last answer before the rating is offered inline (2 minutes). Boot
/// option `ratingDelayMs` overrides it (tests).
pub const RATING_DELAY_MS: u32 = 120_000;
/// `custom` markers already handed to the host page, remembered across reloads (so history
/// does not replay a host flow) but only the most recent ones: part ids are per conversation.
const CUSTOM_SEEN_KEY: &str = "custom_seen";
const CUSTOM_SEEN_MAX: usize = 50;
/// Set once the rating has been offered in this conversation.
const RATING_OFFERED_KEY: &str = "rating_offered";

/// Where a form-like thing is: the one async state every marker form, the upload prompt, the
/// handover button and the ratings show.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Waiting for the visitor (after a failure too: its message is shown beside).
    Editing,
    /// On its way.
    Sending,
    /// Done; the text to show instead (a confirmation, a file name; empty for the default).
    Sent(String),
}

/// What a rating is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingTarget {
    /// The conversation with the assistant (`POST /rate`).
    Conversation,
    /// A closed livechat session (`POST /livechat/feedback`).
    Livechat,
}

/// The markers service.
#[derive(Clone, Copy)]
pub struct Markers {
    env: Shared,
    ui: super::ui::Ui,
    livechat: Livechat,
    #[cfg(feature = "opendialog")]
    conversation: super::conversation::Conversation,
    /// The rating is offered inline (the conversation went quiet).
    rating_offered: RwSignal<bool>,
    /// Markers answered in this page, with what to show instead (confirmation, file name).
    sent: RwSignal<Vec<(String, Option<String>)>>,
    /// Part ids of `custom` markers already emitted.
    emitted: StoredValue<Vec<String>>,
    /// The quiet-time timer of the inline rating.
    quiet: StoredValue<Option<Life>>,
    /// The idempotency key of the conversation rating being sent (kept until it is through).
    rating_key: StoredValue<Option<String>>,
}

impl Markers {
    pub(super) fn new(
        env: Shared,
        ui: super::ui::Ui,
        store: &Store,
        livechat: Livechat,
        #[cfg(feature = "opendialog")] conversation: super::conversation::Conversation,
    ) -> Markers {
        let emitted = store
            .get(CUSTOM_SEEN_KEY)
            .and_then(|s| dialoge_api::from_json::<Vec<String>>(&s).ok())
            .unwrap_or_default();
        Markers {
            env,
            ui,
            livechat,
            #[cfg(feature = "opendialog")]
            conversation,
            rating_offered: RwSignal::new(false),
            sent: RwSignal::new(Vec::new()),
            emitted: StoredValue::new(emitted),
            quiet: StoredValue::new_local(None),
            rating_key: StoredValue::new(None),
        }
    }

    fn lang(&self) -> crate::i18n::Lang {
        self.ui.lang().get_untracked()
    }

    pub fn rating_offered(&self) -> Read<bool> {
        Read::of(self.rating_offered)
    }

    /// Sends a marker form's answer. On success the marker counts as sent and a
    /// `livechat_session` that is waiting or active starts livechat.
    pub async fn submit(&self, request: ActionRequest) -> Outcome<ActionResponse> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        let result = env.backend.action(&request, signal.as_ref()).await;
        match &result {
            Ok(response) => {
                self.mark_sent(&request.part_id, response.confirmation_text.clone());
                // A service that answers a form with messages (OpenDialog) hands them over here.
                #[cfg(feature = "opendialog")]
                for message in env.backend.take_replies() {
                    self.conversation.push_message(&message);
                }
                if let Some(session) = &response.livechat_session {
                    self.livechat.started(session.status.clone());
                }
            }
            // Already answered (another tab, a retry): it is sent either way.
            Err(e) if e.code() == Some(&dialoge_api::error::ErrorCode::Conflict) => {
                self.mark_sent(&request.part_id, None);
            }
            Err(e) => tell_host_error(e, Where::Form, self.lang()),
        }
        Outcome::from_result(result)
    }

    /// A session form (`session_start`, `livechat_waiting`) and what the visitor already told
    /// the session, for its fields' first values.
    pub async fn session_form(
        &self,
        form_id: &str,
    ) -> Outcome<(dialoge_api::actions::FormDefinition, Values)> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        let form = match env.backend.form(form_id, signal.as_ref()).await {
            Ok(form) => form,
            Err(e) => {
                tell_host_error(&e, Where::Form, self.lang());
                return Outcome::from_error(e);
            }
        };
        // Without the session's values the form still works, empty.
        let given = env
            .backend
            .session(signal.as_ref())
            .await
            .map(|s| given_values(&s))
            .unwrap_or_default();
        Outcome::Done((form, given))
    }

    /// Saves a session form's values (a partial update); field problems come back by key.
    pub async fn save_form(
        &self,
        form_id: &str,
        values: &dialoge_api::actions::PatchFormValues,
    ) -> Outcome<Values> {
        let Some(env) = self.env.get() else {
            return Outcome::Cancelled;
        };
        let signal = env.conversation_life().signal();
        let result = env
            .backend
            .save_form(form_id, values, signal.as_ref())
            .await;
        match result {
            Ok(session) => {
                self.mark_sent(&session_part_id(form_id), None);
                Outcome::Done(given_values(&session))
            }
            Err(e) => {
                tell_host_error(&e, Where::Form, self.lang());
                Outcome::from_error(e)
            }
        }
    }

    /// A `request_human_agent` marker's button.
    pub async fn handover(&self, part_id: String) -> Outcome<LivechatStatus> {
        let outcome = self
            .livechat
            .handover(HandoverSource::AssistantMarker, Some(part_id.clone()))
            .await;
        if let Outcome::Done(_) = outcome {
            self.mark_sent(&part_id, None);
        }
        outcome
    }

    /// A rating of the conversation or of a closed livechat: 1–5 stars and optional words.
    pub async fn rate(&self, target: RatingTarget, rating: u8, words: String) -> Outcome<()> {
        let feedback = Some(words.trim().to_owned()).filter(|f| !f.is_empty());
        if !(1..=5).contains(&rating) {
            return Outcome::Failed;
        }
        match target {
            RatingTarget::Livechat => self.livechat.feedback(rating, feedback).await,
            RatingTarget::Conversation => {
                let Some(env) = self.env.get() else {
                    return Outcome::Cancelled;
                };
                let signal = env.conversation_life().signal();
                let request = RateRequest { rating, feedback };
                // One key for every try of this rating, so a retry is never a second one.
                let key = self
                    .rating_key
                    .try_update_value(|k| {
                        k.get_or_insert_with(super::conversation::new_idempotency_key)
                            .clone()
                    })
                    .unwrap_or_default();
                let result = env.backend.rate(&request, &key, signal.as_ref()).await;
                match &result {
                    Ok(()) => self.rating_key.set_value(None),
                    Err(e) => tell_host_error(e, Where::Form, self.lang()),
                }
                Outcome::from_result(result)
            }
        }
    }

    /// Hands a `custom` marker to the host page as the `marker` event, once per part: not again
    /// when the part re-renders or comes back with history.
    pub fn emit_custom(&self, marker: &CustomMarker) {
        let Some(env) = self.env.get() else { return };
        // An admin's branding preview must not set off the shop's own flows.
        if env.options.is_preview() {
            return;
        }
        let id = if marker.part_id.is_empty() {
            let payload = marker.payload.as_ref().map(dialoge_api::to_json);
            format!("{}:{}", marker.key, payload.unwrap_or_default())
        } else {
            marker.part_id.clone()
        };
        let seen = self.emitted.try_update_value(|seen| {
            if seen.contains(&id) {
                return None;
            }
            seen.push(id.clone());
            if seen.len() > CUSTOM_SEEN_MAX {
                seen.remove(0);
            }
            Some(dialoge_api::to_json(seen))
        });
        let Some(Some(seen)) = seen else { return };
        env.store.set(CUSTOM_SEEN_KEY, &seen);
        HostEvent::Marker {
            part_id: &marker.part_id,
            key: &marker.key,
            payload: marker.payload.as_ref(),
        }
        .emit();
    }

    /// `Some(text)` once the marker was answered in this page (`text`: what to show instead).
    pub fn sent(&self, part_id: &str) -> Option<Option<String>> {
        self.sent
            .try_with_untracked(|s| {
                s.iter()
                    .find(|(id, _)| id == part_id)
                    .map(|(_, t)| t.clone())
            })
            .flatten()
    }

    /// Remembers that a marker was answered, so a re-render shows it as sent.
    pub fn mark_sent(&self, part_id: &str, shown: Option<String>) {
        self.sent.try_update(|s| {
            s.retain(|(id, _)| id != part_id);
            s.push((part_id.to_owned(), shown));
        });
    }

    /// The conversation went quiet after an answer: offer the rating once the quiet time has
    /// passed, unless something happens first ([`Markers::not_quiet`]).
    pub fn quiet(&self) {
        let Some(env) = self.env.get() else { return };
        self.not_quiet();
        if self.rating_offered.get_untracked() {
            return;
        }
        let delay = env.options.rating_delay_ms.unwrap_or(RATING_DELAY_MS);
        let timer = env.conversation_life().child();
        self.quiet.set_value(Some(timer.clone()));
        let this = *self;
        timer.spawn(async move {
            sleep(delay).await;
            this.offer_rating();
        });
    }

    /// Something happened: the quiet time starts over.
    pub fn not_quiet(&self) {
        if let Some(Some(timer)) = self.quiet.try_update_value(Option::take) {
            timer.end();
        }
    }

    /// Offers the rating inline, once per conversation (remembered across reloads).
    fn offer_rating(&self) {
        let Some(env) = self.env.get() else { return };
        if env.store.get(RATING_OFFERED_KEY).is_some() {
            return;
        }
        env.store.set(RATING_OFFERED_KEY, "1");
        self.rating_offered.try_set(true);
    }

    /// The visitor put the inline offer away.
    pub fn dismiss_rating(&self) {
        self.rating_offered.try_set(false);
    }

    /// A new conversation: forget what was sent, emitted and offered.
    pub(super) fn clear(&self) {
        self.not_quiet();
        self.sent.try_set(Vec::new());
        self.emitted.try_set_value(Vec::new());
        self.rating_offered.try_set(false);
        if let Some(env) = self.env.get() {
            env.store.remove(CUSTOM_SEEN_KEY);
            env.store.remove(RATING_OFFERED_KEY);
        }
    }
}

/// The "sent" bookkeeping key of a session form (markers are kept by part id).
pub fn session_part_id(form_id: &str) -> String {
    format!("form:{form_id}")
}

/// The session's text values by key (forms collect text; anything else is left out).
fn given_values(session: &SessionValues) -> Values {
    let mut out = Values::new();
    for v in &session.values {
        if let dialoge_api::json::Value::String(text) = &v.value {
            out.insert(v.key.clone(), text.clone());
        }
    }
    out
}

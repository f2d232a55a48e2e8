//! Domain layer: what the sandbox remembers of OpenDialog conversations, per scenario — its
//! security switches (as changed at run time), each user's messages (both sides, in order),
//! which users were issued an anonymous cookie, the message templates each user was shown, the
//! feedback given on them, and (development mode) the answers and configuration a test scripted
//! verbatim.
//!
//! The rules that decide a request live here as plain transitions: whether a user id may pass
//! anonymous authentication ([`OpenDialogStore::admit`]), which origins CORS lets through, a
//! user's `userType`, history with `limit` and `ignore`, and which feedback is valid. Like every
//! store it never locks, awaits, reads a clock (times come in as values), verifies a cookie's
//! signature (the caller says what was presented) or knows HTTP.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use serde_json::Value;

use super::DomainError;
use crate::clock::Timestamp;
use crate::opendialog::definition::{Security, SecurityPatch};
use crate::opendialog::wire::{BotMessage, FeedbackRequest, FeedbackValue, UserType};

/// Every scenario the sandbox serves and what it remembers for each.
#[derive(Debug, Default)]
pub struct OpenDialogStore {
    scenarios: HashMap<String, ScenarioRecord>,
    /// Row ids increase across all scenarios, like an auto-increment key.
    next_row_id: u64,
}

#[derive(Debug)]
struct ScenarioRecord {
    security: Security,
    users: HashMap<String, UserRecord>,
    feedback: Vec<FeedbackRecord>,
    /// Scripted answers to the next messages, oldest first, each sent exactly as given.
    scripted_answers: VecDeque<Value>,
    /// A scripted configuration, sent exactly as given instead of the script's.
    scripted_configuration: Option<Value>,
}

#[derive(Debug, Default)]
struct UserRecord {
    rows: Vec<Row>,
    anonymous_issued: bool,
    templates: HashSet<String>,
    timezone: Option<String>,
    last_visitor_at: Option<Timestamp>,
}

/// One message in a conversation, from either side.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Increasing id.
    pub id: u64,
    /// When it was stored.
    pub at: Timestamp,
    /// The bot wrote it (else the visitor).
    pub from_bot: bool,
    /// The message type.
    pub kind: String,
    /// The message data.
    pub data: Value,
    /// The message id (the client's for visitor rows).
    pub message_id: String,
    /// The intent (bot rows).
    pub intent: Option<String>,
    /// The feedback template (bot rows).
    pub message_template_id: Option<String>,
}

/// Feedback as it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRecord {
    /// Who gave it.
    pub user_id: String,
    /// On which template.
    pub message_template_id: String,
    /// Up or down.
    pub feedback: FeedbackValue,
    /// The request id sent with it.
    pub request_id: Option<String>,
    /// When.
    pub at: Timestamp,
}

/// What the caller found in the anonymous-authentication cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented<'a> {
    /// No cookie.
    Nothing,
    /// A cookie that is not a valid, unexpired token of this scenario.
    Invalid,
    /// A valid token of this scenario, issued for this user id.
    For(&'a str),
}

/// Why a request passed anonymous authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The switch is off.
    Off,
    /// A known user with their own cookie.
    Known,
    /// A user id seen for the first time: the caller must set the cookie now.
    Issue,
}

/// A visitor's message as it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitorMessage {
    /// `content.type`.
    pub kind: String,
    /// `content.data`.
    pub data: Value,
    /// The client's `message_id` (one is made up when absent).
    pub message_id: String,
    /// `content.user.timezone`, kept for the transcript.
    pub timezone: Option<String>,
}

/// A bot message as it is stored: its type and data as sent, whatever their shape (a scripted
/// answer is kept verbatim).
#[derive(Debug, Clone, PartialEq)]
pub struct BotRecord {
    /// The `type`.
    pub kind: String,
    /// The `data`.
    pub data: Value,
    /// The intent.
    pub intent: Option<String>,
    /// The feedback template.
    pub message_template_id: Option<String>,
}

impl From<&BotMessage> for BotRecord {
    fn from(message: &BotMessage) -> Self {
        Self {
            kind: message.kind().to_owned(),
            data: message.data(),
            intent: message.intent.clone(),
            message_template_id: message.message_template_id.clone(),
        }
    }
}

impl BotRecord {
    /// The messages of an answer body as sent (an array of entries or one object): every
    /// object with a string `type`; `false` and anything else is not a message and is not kept.
    pub fn from_answer(answer: &Value) -> Vec<Self> {
        let one = std::slice::from_ref(answer);
        let entries = answer.as_array().map_or(one, Vec::as_slice);
        entries
            .iter()
            .filter_map(|entry| {
                let kind = entry.get("type")?.as_str()?.to_owned();
                let text = |key: &str| match entry.get(key)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                Some(Self {
                    kind,
                    data: entry.get("data").cloned().unwrap_or(Value::Null),
                    intent: text("intent"),
                    message_template_id: text("message_template_id"),
                })
            })
            .collect()
    }
}

impl OpenDialogStore {
    /// A store serving these scenarios with their initial switches.
    pub fn new(scenarios: impl IntoIterator<Item = (String, Security)>) -> Self {
        Self {
            scenarios: scenarios
                .into_iter()
                .map(|(id, security)| {
                    let record = ScenarioRecord {
                        security,
                        users: HashMap::new(),
                        feedback: Vec::new(),
                        scripted_answers: VecDeque::new(),
                        scripted_configuration: None,
                    };
                    (id, record)
                })
                .collect(),
            next_row_id: 1,
        }
    }

    fn scenario(&self, scenario_id: &str) -> Result<&ScenarioRecord, DomainError> {
        self.scenarios
            .get(scenario_id)
            .ok_or_else(|| DomainError::NotFound(format!("No scenario {scenario_id}")))
    }

    fn scenario_mut(&mut self, scenario_id: &str) -> Result<&mut ScenarioRecord, DomainError> {
        self.scenarios
            .get_mut(scenario_id)
            .ok_or_else(|| DomainError::NotFound(format!("No scenario {scenario_id}")))
    }

    /// A scenario's current switches.
    pub fn security(&self, scenario_id: &str) -> Result<&Security, DomainError> {
        Ok(&self.scenario(scenario_id)?.security)
    }

    /// Changes a scenario's switches; answers the new ones.
    pub fn set_security(
        &mut self,
        scenario_id: &str,
        patch: SecurityPatch,
    ) -> Result<Security, DomainError> {
        let record = self.scenario_mut(scenario_id)?;
        record.security = record.security.patched(patch);
        Ok(record.security.clone())
    }

    /// Whether a page on `origin` may call `scenario_id` (a known scenario's own list when it
    /// enforces one; for an unknown scenario, what a preflight would say, so its 401 is readable).
    pub fn origin_allowed(&self, scenario_id: Option<&str>, origin: &str) -> bool {
        match scenario_id.and_then(|id| self.scenarios.get(id)) {
            Some(record) => !record.security.cors.enabled || record.security.cors.allows(origin),
            None => self.preflight_allows(origin),
        }
    }

    /// Whether a preflight from `origin` is answered. A preflight names no scenario (browsers
    /// send no custom header values with it), so it passes if any scenario would take the
    /// origin; the real request is then checked against its own scenario.
    pub fn preflight_allows(&self, origin: &str) -> bool {
        self.scenarios
            .values()
            .any(|record| !record.security.cors.enabled || record.security.cors.allows(origin))
    }

    /// Every CSRF header name in use, for the preflight's allowed headers.
    pub fn csrf_headers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .scenarios
            .values()
            .map(|record| record.security.csrf.header.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Anonymous authentication: a user id seen for the first time is issued a cookie; from
    /// then on it must come with its own cookie. Another user's cookie, a broken or expired one,
    /// or none at all is refused. With the switch off everyone passes.
    pub fn admit(
        &mut self,
        scenario_id: &str,
        user_id: &str,
        presented: Presented<'_>,
    ) -> Result<Admission, DomainError> {
        let record = self.scenario_mut(scenario_id)?;
        if !record.security.anonymous_auth {
            return Ok(Admission::Off);
        }
        let user = record.users.entry(user_id.to_owned()).or_default();
        if !user.anonymous_issued {
            // Whatever cookie came along belongs to someone else (or an earlier id of this
            // browser): a new user id always starts with a fresh cookie.
            user.anonymous_issued = true;
            return Ok(Admission::Issue);
        }
        match presented {
            Presented::For(subject) if subject == user_id => Ok(Admission::Known),
            Presented::For(_) => Err(DomainError::Unauthenticated(
                "The anonymous authentication cookie belongs to another user".to_owned(),
            )),
            Presented::Invalid => Err(DomainError::Unauthenticated(
                "The anonymous authentication cookie is not valid".to_owned(),
            )),
            Presented::Nothing => Err(DomainError::Unauthenticated(
                "This user needs its anonymous authentication cookie".to_owned(),
            )),
        }
    }

    /// Stores a visitor's message and the bot's answer to it.
    pub fn converse(
        &mut self,
        scenario_id: &str,
        user_id: &str,
        visitor: VisitorMessage,
        answer: &[BotRecord],
        now: Timestamp,
    ) -> Result<(), DomainError> {
        let mut next_id = self.next_row_id;
        let record = self.scenario_mut(scenario_id)?;
        let user = record.users.entry(user_id.to_owned()).or_default();
        if visitor.timezone.is_some() {
            user.timezone = visitor.timezone;
        }
        user.last_visitor_at = Some(now);
        user.rows.push(Row {
            id: next_id,
            at: now,
            from_bot: false,
            kind: visitor.kind,
            data: visitor.data,
            message_id: visitor.message_id,
            intent: None,
            message_template_id: None,
        });
        next_id += 1;
        for message in answer {
            if let Some(template) = &message.message_template_id {
                user.templates.insert(template.clone());
            }
            user.rows.push(Row {
                id: next_id,
                at: now,
                from_bot: true,
                kind: message.kind.clone(),
                data: message.data.clone(),
                message_id: format!("msg_{next_id}"),
                intent: message.intent.clone(),
                message_template_id: message.message_template_id.clone(),
            });
            next_id += 1;
        }
        self.next_row_id = next_id;
        Ok(())
    }

    /// A user's messages newest first, without the `ignore`d types, at most `limit`.
    pub fn history(
        &self,
        scenario_id: &str,
        user_id: &str,
        limit: Option<usize>,
        ignore: &[String],
    ) -> Result<Vec<Row>, DomainError> {
        let rows = self.rows(scenario_id, user_id)?;
        Ok(rows
            .iter()
            .rev()
            .filter(|row| !ignore.contains(&row.kind))
            .take(limit.unwrap_or(usize::MAX))
            .cloned()
            .collect())
    }

    /// A user's messages oldest first (none for an unknown user).
    pub fn rows(&self, scenario_id: &str, user_id: &str) -> Result<&[Row], DomainError> {
        Ok(self
            .scenario(scenario_id)?
            .users
            .get(user_id)
            .map_or(&[][..], |user| user.rows.as_slice()))
    }

    /// The timezone the user's browser last reported.
    pub fn timezone(&self, scenario_id: &str, user_id: &str) -> Option<String> {
        self.scenarios
            .get(scenario_id)?
            .users
            .get(user_id)?
            .timezone
            .clone()
    }

    /// `new` (never wrote), `ongoing` (wrote within `window`) or `returning`.
    pub fn user_type(
        &self,
        scenario_id: &str,
        user_id: &str,
        now: Timestamp,
        window: Duration,
    ) -> Result<UserType, DomainError> {
        let last = self
            .scenario(scenario_id)?
            .users
            .get(user_id)
            .and_then(|user| user.last_visitor_at);
        Ok(match last {
            None => UserType::New,
            Some(at) if at + window > now => UserType::Ongoing,
            Some(_) => UserType::Returning,
        })
    }

    /// Records feedback on a template this user was shown; a later one on the same template
    /// replaces the earlier.
    pub fn give_feedback(
        &mut self,
        scenario_id: &str,
        user_id: &str,
        request: FeedbackRequest,
        now: Timestamp,
    ) -> Result<(), DomainError> {
        let record = self.scenario_mut(scenario_id)?;
        let shown = record
            .users
            .get(user_id)
            .is_some_and(|user| user.templates.contains(&request.message_template_id));
        if !shown {
            return Err(DomainError::Invalid {
                field: "message_template_id".to_owned(),
                message: "The selected message template id is invalid.".to_owned(),
            });
        }
        record.feedback.retain(|given| {
            !(given.user_id == user_id && given.message_template_id == request.message_template_id)
        });
        record.feedback.push(FeedbackRecord {
            user_id: user_id.to_owned(),
            message_template_id: request.message_template_id,
            feedback: request.feedback,
            request_id: request.request_id,
            at: now,
        });
        Ok(())
    }

    /// The feedback given in a scenario, oldest first.
    pub fn feedback(&self, scenario_id: &str) -> Result<&[FeedbackRecord], DomainError> {
        Ok(&self.scenario(scenario_id)?.feedback)
    }

    /// Queues an answer body to send, exactly as given, to the scenario's next message that is
    /// not a `url_click` (whoever sends it); answers not taken yet wait in order.
    pub fn script_answer(&mut self, scenario_id: &str, answer: Value) -> Result<(), DomainError> {
        self.scenario_mut(scenario_id)?
            .scripted_answers
            .push_back(answer);
        Ok(())
    }

    /// The oldest scripted answer, taken out; `None` when none waits (the script answers).
    pub fn take_scripted_answer(&mut self, scenario_id: &str) -> Option<Value> {
        self.scenarios
            .get_mut(scenario_id)?
            .scripted_answers
            .pop_front()
    }

    /// Drops the scripted answers not taken yet; answers how many there were.
    pub fn clear_scripted_answers(&mut self, scenario_id: &str) -> Result<usize, DomainError> {
        let record = self.scenario_mut(scenario_id)?;
        let dropped = record.scripted_answers.len();
        record.scripted_answers.clear();
        Ok(dropped)
    }

    /// Sets (or, with `None`, drops) the configuration sent exactly as given instead of the
    /// script's, `userType` and all.
    pub fn script_configuration(
        &mut self,
        scenario_id: &str,
        configuration: Option<Value>,
    ) -> Result<(), DomainError> {
        self.scenario_mut(scenario_id)?.scripted_configuration = configuration;
        Ok(())
    }

    /// The scripted configuration, if one is set.
    pub fn scripted_configuration(&self, scenario_id: &str) -> Option<&Value> {
        self.scenarios
            .get(scenario_id)?
            .scripted_configuration
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::opendialog::definition::{CorsSettings, CsrfSettings};
    use serde_json::json;

    fn store(anonymous: bool) -> OpenDialogStore {
        OpenDialogStore::new([(
            "s".to_owned(),
            Security {
                anonymous_auth: anonymous,
                csrf: CsrfSettings::default(),
                cors: CorsSettings {
                    enabled: true,
                    allowed_origins: vec!["http://shop.example".to_owned()],
                },
                cross_site_cookies: false,
            },
        )])
    }

    fn said(kind: &str) -> VisitorMessage {
        VisitorMessage {
            kind: kind.to_owned(),
            data: json!({"text": kind}),
            message_id: "m".to_owned(),
            timezone: None,
        }
    }

    #[test]
    fn a_new_user_is_issued_a_cookie_and_then_needs_it() {
        let mut store = store(true);
        assert_eq!(
            store.admit("s", "u1", Presented::Nothing),
            Ok(Admission::Issue)
        );
        assert_eq!(
            store.admit("s", "u1", Presented::For("u1")),
            Ok(Admission::Known)
        );
        assert!(store.admit("s", "u1", Presented::Nothing).is_err());
        assert!(store.admit("s", "u1", Presented::Invalid).is_err());
        // u2's own first call gets a cookie even if u1's came along.
        assert_eq!(
            store.admit("s", "u2", Presented::For("u1")),
            Ok(Admission::Issue)
        );
        // Now u2 is known: u1's cookie cannot speak for it.
        assert!(matches!(
            store.admit("s", "u2", Presented::For("u1")),
            Err(DomainError::Unauthenticated(_))
        ));
    }

    #[test]
    fn with_the_switch_off_nobody_needs_a_cookie() {
        let mut store = store(false);
        assert_eq!(
            store.admit("s", "u1", Presented::Nothing),
            Ok(Admission::Off)
        );
        assert_eq!(
            store.admit("s", "u1", Presented::Invalid),
            Ok(Admission::Off)
        );
    }

    #[test]
    fn history_is_newest_first_with_limit_and_ignore() {
        let mut store = store(false);
        let now = Timestamp::from_unix_secs(1_000);
        store
            .converse("s", "u", said("chat_open"), &[], now)
            .unwrap();
        store.converse("s", "u", said("text"), &[], now).unwrap();
        store
            .converse("s", "u", said("button_response"), &[], now)
            .unwrap();
        let kinds = |rows: Vec<Row>| rows.into_iter().map(|r| r.kind).collect::<Vec<_>>();
        assert_eq!(
            kinds(store.history("s", "u", None, &[]).unwrap()),
            ["button_response", "text", "chat_open"]
        );
        assert_eq!(
            kinds(store.history("s", "u", Some(1), &[]).unwrap()),
            ["button_response"]
        );
        let ignore = ["button_response".to_owned(), "chat_open".to_owned()];
        assert_eq!(
            kinds(store.history("s", "u", Some(5), &ignore).unwrap()),
            ["text"]
        );
        assert!(store.history("s", "nobody", None, &[]).unwrap().is_empty());
    }

    #[test]
    fn the_user_type_follows_the_last_message() {
        let mut store = store(false);
        let start = Timestamp::from_unix_secs(1_000);
        let window = Duration::from_secs(1_800);
        assert_eq!(store.user_type("s", "u", start, window), Ok(UserType::New));
        store.converse("s", "u", said("text"), &[], start).unwrap();
        assert_eq!(
            store.user_type("s", "u", start + Duration::from_secs(60), window),
            Ok(UserType::Ongoing)
        );
        assert_eq!(
            store.user_type("s", "u", start + Duration::from_secs(3_600), window),
            Ok(UserType::Returning)
        );
    }

    #[test]
    fn feedback_needs_a_template_the_user_was_shown() {
        let mut store = store(false);
        let now = Timestamp::from_unix_secs(1_000);
        let mut message = BotMessage::new("text", json!({"text": "t"})).unwrap();
        message.message_template_id = Some("mt_1".to_owned());
        store
            .converse("s", "u", said("text"), &[BotRecord::from(&message)], now)
            .unwrap();
        let request = |template: &str| FeedbackRequest {
            message_template_id: template.to_owned(),
            feedback: FeedbackValue::Positive,
            request_id: None,
        };
        assert!(matches!(
            store.give_feedback("s", "u", request("mt_2"), now),
            Err(DomainError::Invalid { .. })
        ));
        assert!(store
            .give_feedback("s", "other", request("mt_1"), now)
            .is_err());
        store.give_feedback("s", "u", request("mt_1"), now).unwrap();
        store.give_feedback("s", "u", request("mt_1"), now).unwrap();
        assert_eq!(store.feedback("s").unwrap().len(), 1);
    }

    #[test]
    fn cors_follows_the_scenario_and_preflights_any_scenario() {
        let mut store = store(false);
        assert!(store.origin_allowed(Some("s"), "http://shop.example"));
        assert!(!store.origin_allowed(Some("s"), "http://evil.example"));
        assert!(!store.preflight_allows("http://evil.example"));
        store
            .set_security(
                "s",
                SecurityPatch {
                    cors: Some(crate::opendialog::definition::CorsPatch {
                        enabled: Some(false),
                        allowed_origins: None,
                    }),
                    ..SecurityPatch::default()
                },
            )
            .unwrap();
        assert!(store.origin_allowed(Some("s"), "http://evil.example"));
        assert!(store.preflight_allows("http://evil.example"));
    }

    #[test]
    fn scripted_answers_are_taken_in_order_and_kept_verbatim_in_history() {
        let mut store = store(false);
        let now = Timestamp::from_unix_secs(1_000);
        assert_eq!(store.take_scripted_answer("s"), None);
        let hostile = json!([
            {"author": "them", "type": "text", "data": {"text": "<script>x</script>"},
             "message_template_id": 7},
            false,
            {"type": "hologram", "data": "not an object"},
            "not a message"
        ]);
        store.script_answer("s", hostile.clone()).unwrap();
        store.script_answer("s", json!({"type": "text"})).unwrap();
        assert!(store.script_answer("nope", json!([])).is_err());
        let taken = store.take_scripted_answer("s").unwrap();
        assert_eq!(taken, hostile);
        let records = BotRecord::from_answer(&taken);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].message_template_id.as_deref(), Some("7"));
        assert_eq!(records[1].data, json!("not an object"));
        store
            .converse("s", "u", said("text"), &records, now)
            .unwrap();
        let rows = store.history("s", "u", None, &[]).unwrap();
        assert_eq!(rows[1].data, json!({"text": "<script>x</script>"}));
        assert_eq!(BotRecord::from_answer(&json!({"type": "text"})).len(), 1);
        assert_eq!(store.clear_scripted_answers("s"), Ok(1));
        assert_eq!(store.take_scripted_answer("s"), None);
    }

    #[test]
    fn a_scripted_configuration_replaces_the_scripts_until_dropped() {
        let mut store = store(false);
        assert_eq!(store.scripted_configuration("s"), None);
        store
            .script_configuration("s", Some(json!({"general": {"chatbotName": "<b>x</b>"}})))
            .unwrap();
        assert_eq!(
            store.scripted_configuration("s"),
            Some(&json!({"general": {"chatbotName": "<b>x</b>"}}))
        );
        store.script_configuration("s", None).unwrap();
        assert_eq!(store.scripted_configuration("s"), None);
        assert!(store.script_configuration("nope", None).is_err());
    }
}

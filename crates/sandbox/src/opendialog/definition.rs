//! Foundation layer: the scripted OpenDialog bot (`chatbots/opendialog.json`), compiled into the
//! binary and checked at start-up — its scenario ids and appKeys, each scenario's security
//! switches (anonymous authentication, CSRF, CORS), the configuration, and the replies with the
//! callback ids and keywords that pick them.
//!
//! Strings may hold `{origin}` (the sandbox's origin as the browser sees it) and, in replies,
//! `{text}` (the visitor's text, HTML-escaped as OpenDialog's `data.text` is). Picking and
//! filling a reply is pure; this module never reads a clock, a store or the app state.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wire::{
    BotEntry, Configuration, ContentKind, IncomingContent, DEFAULT_CSRF_COOKIE, DEFAULT_CSRF_HEADER,
};
use crate::chatbot::keyword_matches;

const FILE: &str = "opendialog.json";
const SOURCE: &str = include_str!("../../chatbots/opendialog.json");

/// The OpenDialog bot as the sandbox plays it.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenDialogDefinition {
    /// For people reading the file.
    #[serde(default)]
    pub name: String,
    /// The scenarios that play this script, each with its appKey and switches.
    pub scenarios: Vec<ScenarioSpec>,
    /// `GET /chat-api/configuration` (with `{origin}`; `userType` is filled per user).
    pub configuration: Configuration,
    /// A user who wrote within this many minutes is `ongoing`, after that `returning` [I].
    #[serde(default = "thirty")]
    pub ongoing_minutes: u64,
    /// Replies, tried in order.
    pub replies: Vec<Reply>,
    /// When nothing matches.
    pub default_reply: Vec<BotEntry>,
}

fn thirty() -> u64 {
    30
}

/// One scenario id the sandbox answers for.
#[derive(Debug, Clone, Deserialize)]
pub struct ScenarioSpec {
    /// `OPENDIALOG-SCENARIO-ID` (opaque).
    pub scenario_id: String,
    /// The embed-code key, `<digits>|<random>`, sent as `Authorization: Bearer <appKey>`.
    pub app_key: String,
    /// An inactive scenario's key is refused (401).
    #[serde(default = "yes")]
    pub active: bool,
    /// For the README.
    #[serde(default)]
    pub description: String,
    /// The switches it starts with (`PATCH /sandbox/opendialog/scenarios/{id}/security`
    /// changes them at run time).
    #[serde(default)]
    pub security: Security,
}

fn yes() -> bool {
    true
}

/// A scenario's security features (OPENDIALOG.md section 4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Security {
    /// The anonymous cookie is set on a new user's first call and required afterwards.
    #[serde(default)]
    pub anonymous_auth: bool,
    /// Cookie → echoed header on state-changing calls.
    #[serde(default)]
    pub csrf: CsrfSettings,
    /// Only listed page origins may call (with credentials).
    #[serde(default)]
    pub cors: CorsSettings,
    /// Cookies get `SameSite=None; Secure` (for a page on another site, over HTTPS or
    /// localhost) instead of `SameSite=Lax`.
    #[serde(default)]
    pub cross_site_cookies: bool,
}

/// CSRF: on or off, and the names [I] (Laravel's pair by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrfSettings {
    /// Checked or not.
    #[serde(default)]
    pub enabled: bool,
    /// The cookie the token is issued in (readable by the page's scripts).
    #[serde(default = "csrf_cookie")]
    pub cookie: String,
    /// The header the client echoes it in.
    #[serde(default = "csrf_header")]
    pub header: String,
}

fn csrf_cookie() -> String {
    DEFAULT_CSRF_COOKIE.to_owned()
}

fn csrf_header() -> String {
    DEFAULT_CSRF_HEADER.to_owned()
}

impl Default for CsrfSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            cookie: csrf_cookie(),
            header: csrf_header(),
        }
    }
}

/// CORS: on or off, and the allow-list (globs: `http://localhost:*`; a lone `*` allows all).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CorsSettings {
    /// Enforced or not (off: any origin is answered, with credentials).
    #[serde(default)]
    pub enabled: bool,
    /// Allowed page origins.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl CorsSettings {
    /// Whether this origin may call while the list is enforced.
    pub fn allows(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|pattern| pattern == "*" || dialoge_api::config::glob_match(pattern, origin))
    }
}

/// A partial change of [`Security`]; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPatch {
    /// New anonymous-auth switch.
    #[serde(default)]
    pub anonymous_auth: Option<bool>,
    /// New CSRF settings.
    #[serde(default)]
    pub csrf: Option<CsrfPatch>,
    /// New CORS settings.
    #[serde(default)]
    pub cors: Option<CorsPatch>,
    /// New cookie attribute switch.
    #[serde(default)]
    pub cross_site_cookies: Option<bool>,
}

/// A partial change of [`CsrfSettings`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrfPatch {
    /// On or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Cookie name.
    #[serde(default)]
    pub cookie: Option<String>,
    /// Header name.
    #[serde(default)]
    pub header: Option<String>,
}

/// A partial change of [`CorsSettings`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsPatch {
    /// On or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A new allow-list (replaces the old one).
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
}

impl Security {
    /// This security with `patch` applied.
    pub fn patched(&self, patch: SecurityPatch) -> Self {
        let mut next = self.clone();
        if let Some(on) = patch.anonymous_auth {
            next.anonymous_auth = on;
        }
        if let Some(on) = patch.cross_site_cookies {
            next.cross_site_cookies = on;
        }
        if let Some(csrf) = patch.csrf {
            next.csrf.enabled = csrf.enabled.unwrap_or(next.csrf.enabled);
            next.csrf.cookie = csrf.cookie.unwrap_or(next.csrf.cookie);
            next.csrf.header = csrf.header.unwrap_or(next.csrf.header);
        }
        if let Some(cors) = patch.cors {
            next.cors.enabled = cors.enabled.unwrap_or(next.cors.enabled);
            next.cors.allowed_origins = cors.allowed_origins.unwrap_or(next.cors.allowed_origins);
        }
        next
    }
}

/// A scripted reply and what picks it.
#[derive(Debug, Clone, Deserialize)]
pub struct Reply {
    /// Stable name (README, tests).
    pub name: String,
    /// What it exercises (README).
    #[serde(default)]
    pub description: String,
    /// Picked by a `chat_open`, `trigger`, `button_response`, `form_response` or
    /// `longtext_response` with one of these callback ids.
    #[serde(default)]
    pub callback_ids: Vec<String>,
    /// Picked by a text with one of these at the start of a word (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The answer (`false` entries included).
    pub messages: Vec<BotEntry>,
}

/// What to answer an incoming message with.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// 200 with an empty body (`url_click`).
    EmptyBody,
    /// These entries (possibly none), already filled.
    Entries(Vec<BotEntry>),
}

/// A definition file that does not parse or contradicts itself.
#[derive(Debug, thiserror::Error)]
#[error("{FILE} is invalid: {0}")]
pub struct OpenDialogDefinitionError(String);

impl OpenDialogDefinition {
    /// Parses and checks the file shipped with the crate.
    pub fn builtin() -> Result<Self, OpenDialogDefinitionError> {
        let definition: Self = serde_json::from_str(SOURCE)
            .map_err(|error| OpenDialogDefinitionError(error.to_string()))?;
        definition.check().map_err(OpenDialogDefinitionError)?;
        Ok(definition)
    }

    fn check(&self) -> Result<(), String> {
        for (index, scenario) in self.scenarios.iter().enumerate() {
            let later = &self.scenarios[index + 1..];
            if later.iter().any(|s| s.scenario_id == scenario.scenario_id) {
                return Err(format!("scenario {} is listed twice", scenario.scenario_id));
            }
            if later.iter().any(|s| s.app_key == scenario.app_key) {
                return Err(format!("two scenarios share the key {}", scenario.app_key));
            }
        }
        if let Some(reply) = self.replies.iter().find(|reply| reply.messages.is_empty()) {
            return Err(format!("reply {} has no messages", reply.name));
        }
        if self.default_reply.is_empty() {
            return Err("the default reply has no messages".to_owned());
        }
        Ok(())
    }

    /// A scenario by id.
    pub fn scenario(&self, scenario_id: &str) -> Option<&ScenarioSpec> {
        self.scenarios.iter().find(|s| s.scenario_id == scenario_id)
    }

    /// The configuration for a request from `origin`.
    pub fn configuration_for(&self, origin: &str) -> Configuration {
        fill_typed(&self.configuration, origin, "")
    }

    /// The reply to `content`, filled for `origin`.
    pub fn plan(&self, content: &IncomingContent, origin: &str) -> Plan {
        let text = content.text().unwrap_or_default();
        let reply = match content.content_kind() {
            ContentKind::UrlClick => return Plan::EmptyBody,
            ContentKind::Other => return Plan::Entries(Vec::new()),
            ContentKind::Text => self.by_keyword(text),
            ContentKind::ChatOpen
            | ContentKind::Trigger
            | ContentKind::ButtonResponse
            | ContentKind::FormResponse
            | ContentKind::LongtextResponse => content
                .callback_id
                .as_deref()
                .and_then(|callback| self.by_callback(callback))
                .or_else(|| self.by_keyword(text)),
        };
        let entries = reply.map_or(&self.default_reply, |reply| &reply.messages);
        Plan::Entries(fill_typed(entries, origin, &escape_html(text)))
    }

    /// The first reply with this callback id.
    pub fn by_callback(&self, callback_id: &str) -> Option<&Reply> {
        self.replies
            .iter()
            .find(|reply| reply.callback_ids.iter().any(|id| id == callback_id))
    }

    /// The first reply with a keyword in `text`.
    pub fn by_keyword(&self, text: &str) -> Option<&Reply> {
        let text = text.to_lowercase();
        self.replies.iter().find(|reply| {
            reply
                .keywords
                .iter()
                .any(|keyword| keyword_matches(&text, &keyword.to_lowercase()))
        })
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities: how OpenDialog's `data.text` arrives.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            other => out.push(other),
        }
    }
    out
}

/// The reverse of [`escape_html`], for the plain-text transcript.
pub fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Fills `{origin}` and `{text}` in every string, going through JSON so the result is checked
/// by the same types again (a fill that broke a value keeps the original).
fn fill_typed<T>(value: &T, origin: &str, text: &str) -> T
where
    T: Serialize + serde::de::DeserializeOwned + Clone,
{
    let Ok(mut json) = serde_json::to_value(value) else {
        return value.clone();
    };
    fill(&mut json, origin, text);
    serde_json::from_value(json).unwrap_or_else(|_| value.clone())
}

fn fill(value: &mut Value, origin: &str, text: &str) {
    match value {
        Value::String(s) if s.contains('{') => {
            *s = s.replace("{origin}", origin).replace("{text}", text);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill(item, origin, text)),
        Value::Object(map) => map.values_mut().for_each(|item| fill(item, origin, text)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::opendialog::wire::{BotBody, MessageAnswer};
    use serde_json::json;

    fn content(value: Value) -> IncomingContent {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_builtin_file_parses_and_fills_the_origin() {
        let definition = OpenDialogDefinition::builtin().unwrap();
        let config = definition.configuration_for("http://127.0.0.1:9");
        assert_eq!(
            config.general.chatbot_avatar_path.as_deref(),
            Some("http://127.0.0.1:9/shop/img/bot.svg")
        );
        assert_eq!(config.open_intent.as_deref(), Some("WELCOME"));
    }

    #[test]
    fn a_callback_id_picks_its_reply_and_a_text_its_keyword() {
        let definition = OpenDialogDefinition::builtin().unwrap();
        let open = content(json!({"type": "chat_open", "callback_id": "WELCOME", "data": {}}));
        let Plan::Entries(entries) = definition.plan(&open, "http://x") else {
            panic!("entries")
        };
        assert!(entries.len() >= 2);
        let text = content(json!({"type": "text", "data": {"text": "Show me a Carousel"}}));
        let Plan::Entries(entries) = definition.plan(&text, "http://x") else {
            panic!("entries")
        };
        let found = entries.iter().any(|entry| match entry {
            BotEntry::Message(m) => {
                matches!(m.body(), BotBody::List(l) if l.view_type == "horizontal")
            }
            BotEntry::Skip => false,
        });
        assert!(found);
        let click = content(json!({"type": "url_click", "data": {"url": "http://x"}}));
        assert_eq!(definition.plan(&click, "http://x"), Plan::EmptyBody);
    }

    #[test]
    fn the_visitors_text_is_echoed_escaped() {
        let definition = OpenDialogDefinition::builtin().unwrap();
        let form = content(json!({"type": "form_response", "callback_id": "order_form",
            "data": {"name": "Ann", "text": "Name: <b>Ann</b>"}}));
        let Plan::Entries(entries) = definition.plan(&form, "http://x") else {
            panic!("entries")
        };
        let wire = serde_json::to_string(&MessageAnswer::from_entries(entries)).unwrap();
        assert!(wire.contains("Name: &lt;b&gt;Ann&lt;/b&gt;"), "{wire}");
    }

    #[test]
    fn html_escaping_round_trips() {
        let text = "Fish & chips <3 \"quoted\" it's";
        assert_eq!(unescape_html(&escape_html(text)), text);
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let security = Security::default();
        let next = security.patched(SecurityPatch {
            csrf: Some(CsrfPatch {
                enabled: Some(true),
                ..CsrfPatch::default()
            }),
            ..SecurityPatch::default()
        });
        assert!(next.csrf.enabled);
        assert_eq!(next.csrf.cookie, "XSRF-TOKEN");
        assert!(!next.anonymous_auth);
    }
}

//! Chatbot definitions: the files under `chatbots/` (config, forms, banners and scripted
//! scenarios), compiled into the binary and parsed into `dialoge-api` types at start-up.
//!
//! Strings in a definition may contain placeholders that are filled per request: `{origin}` (the
//! sandbox's own origin as the browser sees it, so images and links work on any port) and
//! `{long_word}` (a 100 KB word for the hostile scenario). Filling happens on the typed values
//! through serde, so what leaves the sandbox is always re-validated by the api crate's types.

use dialoge_api::actions::{Banner, FormDefinition};
use dialoge_api::config::Config;
use dialoge_api::message::Part;
use dialoge_api::stream::StreamErrorEvent;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The definition files shipped with the crate.
const BUILTIN: &[(&str, &str)] = &[("shop-bot.json", include_str!("../chatbots/shop-bot.json"))];

/// A definition file that does not parse: a bug in the crate, reported at start-up.
#[derive(Debug, thiserror::Error)]
#[error("chatbot definition {file} is invalid: {reason}")]
pub struct DefinitionError {
    file: String,
    reason: String,
}

impl DefinitionError {
    /// A definition file that does not parse, and why.
    pub fn new(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            reason: reason.into(),
        }
    }
}

/// One chatbot as the sandbox plays it.
#[derive(Debug, Clone, Deserialize)]
pub struct ChatbotDefinition {
    /// The id visitors' tokens name.
    pub chatbot_id: String,
    /// What `GET /config` answers (with placeholders).
    pub config: Config,
    /// Forms for `GET /forms/{id}` and `show_form` markers.
    #[serde(default)]
    pub forms: Vec<FormSpec>,
    /// Banners for `GET /banners`.
    #[serde(default)]
    pub banners: Vec<BannerSpec>,
    /// Keyword-picked replies, tried in order.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// The reply when no keyword matches.
    pub default_reply: Vec<Part>,
}

/// A form: the wire definition plus the text shown once it is submitted.
#[derive(Debug, Clone, Deserialize)]
pub struct FormSpec {
    /// As `GET /forms/{id}` sends it.
    #[serde(flatten)]
    pub definition: FormDefinition,
    /// Copied into `show_form` markers and action responses.
    #[serde(default)]
    pub confirmation_text: Option<String>,
}

/// A banner and the pages it shows on.
#[derive(Debug, Clone, Deserialize)]
pub struct BannerSpec {
    /// Glob over the page URL; absent = every page.
    #[serde(default)]
    pub url_pattern: Option<String>,
    /// As `GET /banners` sends it.
    #[serde(flatten)]
    pub banner: Banner,
}

/// A scripted reply and the keywords that pick it.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    /// Stable name (README, tests).
    pub name: String,
    /// Matched case-insensitively at the start of a word of the visitor's text.
    pub keywords: Vec<String>,
    /// What it exercises (README).
    #[serde(default)]
    pub description: String,
    /// The reply's parts (for a failing scenario: the reply a retry gets).
    #[serde(default)]
    pub parts: Vec<Part>,
    /// Parts computed in code instead of listed.
    #[serde(default)]
    pub generate: Option<Generator>,
    /// Fail the first attempt of each turn with this stream error.
    #[serde(default)]
    pub fail: Option<FailSpec>,
}

/// Replies too large to list in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generator {
    /// Several thousand words.
    LongAnswer,
}

/// How a failing scenario fails.
#[derive(Debug, Clone, Deserialize)]
pub struct FailSpec {
    /// Streamed as rich-text deltas before the error (no `end_part`, no `part`).
    pub partial_text: String,
    /// The terminal `error` event.
    pub error: StreamErrorEvent,
}

impl ChatbotDefinition {
    /// A form by id.
    pub fn form(&self, form_id: &str) -> Option<&FormSpec> {
        self.forms
            .iter()
            .find(|form| form.definition.form_id == form_id)
    }

    /// The first scenario with a keyword in `text`.
    pub fn scenario_for(&self, text: &str) -> Option<&Scenario> {
        let text = text.to_lowercase();
        self.scenarios.iter().find(|scenario| {
            scenario
                .keywords
                .iter()
                .any(|keyword| keyword_matches(&text, &keyword.to_lowercase()))
        })
    }

    /// The config for a request from `origin`.
    pub fn config_for(&self, origin: &str) -> Config {
        localize(&self.config, origin)
    }

    /// The banners that apply on `page_url` (all unpatterned ones when no URL is given).
    pub fn banners_for(&self, page_url: Option<&str>, origin: &str) -> Vec<Banner> {
        self.banners
            .iter()
            .filter(|spec| match (&spec.url_pattern, page_url) {
                (None, _) => true,
                (Some(pattern), Some(url)) => dialoge_api::config::glob_match(pattern, url),
                (Some(_), None) => false,
            })
            .map(|spec| localize(&spec.banner, origin))
            .collect()
    }
}

/// Whether `keyword` occurs in `text` at the start of a word (both lowercase): `return` matches
/// "Returns?" but `form` does not match "platform".
pub fn keyword_matches(text: &str, keyword: &str) -> bool {
    if keyword.is_empty() {
        return false;
    }
    text.match_indices(keyword).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_alphanumeric())
    })
}

/// The 100 KB word of the hostile scenario: no spaces, so only a wrapping rule can fit it.
pub fn long_word() -> String {
    "Supercalifragilisticexpialidocious".repeat(102_400 / 34 + 1)[..102_400].to_owned()
}

/// Fills `{origin}` and `{long_word}` in every string of `value`.
pub fn localize<T: Serialize + DeserializeOwned + Clone>(value: &T, origin: &str) -> T {
    let Ok(mut json) = serde_json::to_value(value) else {
        return value.clone();
    };
    fill(&mut json, origin);
    serde_json::from_value(json).unwrap_or_else(|_| value.clone())
}

fn fill(value: &mut Value, origin: &str) {
    match value {
        Value::String(text) if text.contains('{') => {
            let mut filled = text.replace("{origin}", origin);
            if filled.contains("{long_word}") {
                filled = filled.replace("{long_word}", &long_word());
            }
            *text = filled;
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill(item, origin)),
        Value::Object(map) => map.values_mut().for_each(|item| fill(item, origin)),
        _ => {}
    }
}

/// Parses the definitions shipped with the crate.
pub fn builtin() -> Result<Vec<ChatbotDefinition>, DefinitionError> {
    BUILTIN
        .iter()
        .map(|(file, text)| {
            let definition: ChatbotDefinition =
                serde_json::from_str(text).map_err(|error| DefinitionError {
                    file: (*file).to_owned(),
                    reason: error.to_string(),
                })?;
            check(&definition).map_err(|reason| DefinitionError {
                file: (*file).to_owned(),
                reason,
            })?;
            Ok(definition)
        })
        .collect()
}

/// Catches definition mistakes serde cannot: `show_form` markers must name a defined form.
fn check(definition: &ChatbotDefinition) -> Result<(), String> {
    for scenario in &definition.scenarios {
        for part in &scenario.parts {
            if let Part::ShowForm(form) = part {
                if definition.form(&form.form_id).is_none() {
                    return Err(format!(
                        "scenario {} shows unknown form {}",
                        scenario.name, form.form_id
                    ));
                }
            }
        }
        if scenario.parts.is_empty() && scenario.generate.is_none() {
            return Err(format!("scenario {} has no reply", scenario.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn keywords_match_at_word_starts_only() {
        assert!(keyword_matches("what is your return policy?", "return"));
        assert!(keyword_matches("returns?", "return"));
        assert!(keyword_matches("(products)", "product"));
        assert!(!keyword_matches("a platform", "form"));
        assert!(keyword_matches("size guide please", "size guide"));
        assert!(!keyword_matches("anything", ""));
    }

    #[test]
    fn the_builtin_definitions_parse_and_fill_placeholders() {
        let definitions = builtin().unwrap();
        let shop = definitions
            .iter()
            .find(|d| d.chatbot_id == "shop-bot")
            .unwrap();
        let config = shop.config_for("http://127.0.0.1:9");
        assert_eq!(
            config.display.avatar.url.as_deref(),
            Some("http://127.0.0.1:9/shop/img/bot.svg")
        );
        assert!(!config.popup_messages.is_empty());
        assert!(config.dark_theme.is_some());
    }

    #[test]
    fn the_long_word_is_100_kb_without_spaces() {
        let word = long_word();
        assert_eq!(word.len(), 102_400);
        assert!(!word.contains(' '));
    }
}

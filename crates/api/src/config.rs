//! `GET /config` (CONTRACT.md section 7): branding, theme, start prompts and feature switches.
//!
//! Every block is optional to the client: missing blocks default, unknown blocks and fields are
//! ignored. Blocks are defaulted structs rather than `Option`s so the view can read
//! `config.theme.brand.primary_color` directly; colours stay `Option<String>` because "not set"
//! must fall back to the stylesheet. This module must never pick default colours itself.

use serde::Serialize;

use crate::FromJson;

use crate::is_default;

/// The widget's configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct Config {
    /// Name, avatar, welcome text.
    #[serde(skip_serializing_if = "is_default")]
    pub display: DisplayConfig,
    /// Light theme.
    #[serde(skip_serializing_if = "is_default")]
    pub theme: Theme,
    /// Dark theme, when the site has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dark_theme: Option<Theme>,
    /// Prompts offered in an empty conversation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub start_prompts: Vec<StartPrompt>,
    /// Product card behaviour.
    #[serde(skip_serializing_if = "is_default")]
    pub product_card: ProductCardConfig,
    /// Livechat availability; absent means no livechat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livechat: Option<LivechatConfig>,
    /// Forms and when they appear.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<ConfigForm>,
    /// Whether the visitor may attach images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_enabled: Option<bool>,
    /// (seed; shape ours) Teaser bubbles beside the closed launcher.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub popup_messages: Vec<PopupMessage>,
    /// (ours) UI language, e.g. `da` or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Config {
    /// The start prompts that apply on `page_url` (no pattern = every page).
    pub fn start_prompts_for<'a>(
        &'a self,
        page_url: &'a str,
    ) -> impl Iterator<Item = &'a StartPrompt> + 'a {
        self.start_prompts
            .iter()
            .filter(move |prompt| url_pattern_matches(prompt.url_pattern.as_deref(), page_url))
    }

    /// The popup messages that apply on `page_url` (no pattern = every page).
    pub fn popup_messages_for<'a>(
        &'a self,
        page_url: &'a str,
    ) -> impl Iterator<Item = &'a PopupMessage> + 'a {
        self.popup_messages
            .iter()
            .filter(move |popup| url_pattern_matches(popup.url_pattern.as_deref(), page_url))
    }

    /// Whether the livechat button is shown at all.
    pub fn livechat_enabled(&self) -> bool {
        self.livechat.as_ref().is_some_and(|l| l.enabled)
    }

    /// Whether a handover may start now.
    pub fn livechat_live(&self) -> bool {
        self.livechat
            .as_ref()
            .is_some_and(|l| l.enabled && l.availability_status == AvailabilityStatus::Live)
    }
}

fn url_pattern_matches(pattern: Option<&str>, url: &str) -> bool {
    pattern.is_none_or(|pattern| glob_match(pattern, url))
}

/// Matches `url` against a glob `pattern` where `*` matches any run of characters (including
/// none) and everything else matches itself. Linear-time backtracking over bytes: safe because a
/// literal UTF-8 sequence can only match at character boundaries.
pub fn glob_match(pattern: &str, url: &str) -> bool {
    let (p, s) = (pattern.as_bytes(), url.as_bytes());
    let (mut pi, mut si) = (0, 0);
    // Where the last `*` was and which input position it is currently standing in for.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == s[si] => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more byte and retry after it.
                Some((star_pi, star_si)) => {
                    pi = star_pi + 1;
                    si = star_si + 1;
                    star = Some((star_pi, star_si + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

// ------------------------------------------------------------------------------------------------
// Display

/// `display`: who the bot is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct DisplayConfig {
    /// Bot name in the header.
    pub name: String,
    /// Bot avatar.
    #[serde(skip_serializing_if = "is_default")]
    pub avatar: ImageRef,
    /// First assistant bubble in an empty conversation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_message: Option<String>,
    /// Line under the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<Subtitle>,
    /// Linked from the panel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_policy_url: Option<String>,
}

/// `{"url": "…" | null}`: an optional image (avatar, logo).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct ImageRef {
    /// The image URL; `None` means "use the default".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `display.subtitle`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct Subtitle {
    /// Text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A link after the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<SubtitleLink>,
}

/// `display.subtitle.link`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct SubtitleLink {
    /// Link text.
    pub text: String,
    /// Target.
    pub url: String,
}

// ------------------------------------------------------------------------------------------------
// Theme

/// `theme` / `dark_theme`. Colours are `#RRGGBB` or `#RRGGBBAA`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct Theme {
    /// Brand colour.
    #[serde(skip_serializing_if = "is_default")]
    pub brand: BrandTheme,
    /// Panel surface.
    #[serde(skip_serializing_if = "is_default")]
    pub surface: SurfaceTheme,
    /// Panel header.
    #[serde(skip_serializing_if = "is_default")]
    pub header: HeaderTheme,
    /// Message bubbles.
    #[serde(skip_serializing_if = "is_default")]
    pub messages: MessagesTheme,
    /// Composer.
    #[serde(skip_serializing_if = "is_default")]
    pub input: InputTheme,
    /// Product cards.
    #[serde(skip_serializing_if = "is_default")]
    pub product_card: ProductCardTheme,
    /// Fonts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<FontTheme>,
}

/// `theme.brand`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct BrandTheme {
    /// Primary colour (launcher, accents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_color: Option<String>,
}

/// `theme.surface`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct SurfaceTheme {
    /// Panel background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Secondary text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted_text_color: Option<String>,
}

/// `theme.header`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct HeaderTheme {
    /// Title alignment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<HeaderAlignment>,
    /// Logo in the header.
    #[serde(skip_serializing_if = "is_default")]
    pub logo: ImageRef,
    /// Header buttons.
    #[serde(skip_serializing_if = "is_default")]
    pub button: HeaderButtonTheme,
}

wire_enum! {
    /// `theme.header.alignment`.
    pub enum HeaderAlignment {
        /// Left.
        Left = "left",
        /// Centered.
        Center = "center",
    }
}

/// `theme.header.button`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct HeaderButtonTheme {
    /// Button background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Icon colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_color: Option<String>,
}

/// `theme.messages`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct MessagesTheme {
    /// Assistant bubbles.
    #[serde(skip_serializing_if = "is_default")]
    pub assistant: AssistantMessageTheme,
    /// Visitor bubbles.
    #[serde(skip_serializing_if = "is_default")]
    pub user: UserMessageTheme,
}

/// `theme.messages.assistant`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct AssistantMessageTheme {
    /// Bubble background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Bubble text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
    /// Avatar size in CSS pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_size: Option<u32>,
    /// Bubble border.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_color: Option<String>,
    /// Colours of the animated "thinking" border.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub thinking_border_gradient: Vec<String>,
}

/// `theme.messages.user`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct UserMessageTheme {
    /// Bubble background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Bubble text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
    /// Bubble border.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_color: Option<String>,
}

/// `theme.input`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct InputTheme {
    /// Typed text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
    /// Placeholder text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder_color: Option<String>,
    /// Field background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Field border.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border_color: Option<String>,
    /// Send button.
    #[serde(skip_serializing_if = "is_default")]
    pub send_button: SendButtonTheme,
}

/// `theme.input.send_button`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct SendButtonTheme {
    /// Icon colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_color: Option<String>,
}

/// `theme.product_card`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct ProductCardTheme {
    /// Colour of a discounted price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_price_color: Option<String>,
    /// The card's button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub button: Option<ProductButtonTheme>,
}

/// `theme.product_card.button`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct ProductButtonTheme {
    /// Button background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Bold label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
}

/// `theme.font`: only `web` (ours) is read; anything else in it is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct FontTheme {
    /// (ours) A web font to load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<WebFont>,
}

/// `theme.font.web` (ours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct WebFont {
    /// CSS `font-family` value.
    pub family: String,
    /// Stylesheet URL that defines it, if it must be loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

// ------------------------------------------------------------------------------------------------
// Other blocks

/// One start prompt.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct StartPrompt {
    /// Sent as the visitor's message on click.
    pub prompt_text: String,
    /// Glob over the page URL; absent = every page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_pattern: Option<String>,
}

/// `product_card` (behaviour, not colours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct ProductCardConfig {
    /// Label of the "open product" button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_label: Option<String>,
    /// Add-to-cart button.
    #[serde(skip_serializing_if = "is_default")]
    pub add_to_cart: AddToCartConfig,
}

/// `product_card.add_to_cart`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct AddToCartConfig {
    /// Show the add-to-cart button.
    pub enabled: bool,
}

/// `livechat`: whether and when a human can take over.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct LivechatConfig {
    /// Show the livechat button.
    pub enabled: bool,
    /// The site has an agent system connected.
    pub configured: bool,
    /// Handover may start only when `live`.
    pub availability_status: AvailabilityStatus,
    /// Why it is live or offline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_reason: Option<AvailabilityReason>,
    /// Show the livechat provider's logo.
    pub show_livechat_logo: bool,
    /// Visitors may attach files in livechat.
    pub attachments_enabled: bool,
    /// Largest livechat attachment in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attachment_size_bytes: Option<u64>,
}

wire_enum! {
    /// `livechat.availability_status`.
    pub enum AvailabilityStatus {
        /// Agents can take over now.
        Live = "live",
        /// No handover now.
        Offline = "offline",
    }
}

impl Default for AvailabilityStatus {
    /// Absent means offline: never offer a handover nobody will answer.
    fn default() -> Self {
        Self::Offline
    }
}

wire_enum! {
    /// `livechat.availability_reason`.
    pub enum AvailabilityReason {
        /// Livechat is switched off.
        Disabled = "disabled",
        /// Manually set live.
        ManualLive = "manual_live",
        /// Manually set offline.
        ManualOffline = "manual_offline",
        /// No working hours: always live.
        AlwaysOn = "always_on",
        /// Inside working hours.
        WithinWorkingHours = "within_working_hours",
        /// Outside working hours.
        OutsideWorkingHours = "outside_working_hours",
    }
}

/// An entry of `forms`: a form and when it appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromJson)]
pub struct ConfigForm {
    /// Load it with `GET /forms/{form_id}`.
    pub form_id: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it appears.
    pub trigger: FormTrigger,
}

wire_enum! {
    /// When a configured form appears.
    pub enum FormTrigger {
        /// When a conversation starts.
        SessionStart = "session_start",
        /// While waiting for a livechat agent.
        LivechatWaiting = "livechat_waiting",
        /// When the assistant asks for it (a `show_form` marker).
        Llm = "llm",
    }
}

/// (seed; shape ours) A teaser bubble beside the closed launcher.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, FromJson)]
#[serde(default)]
pub struct PopupMessage {
    /// Id, for "dismissed" bookkeeping.
    pub id: String,
    /// The text.
    pub text: String,
    /// Delay after page load before showing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Glob over the page URL; absent = every page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_pattern: Option<String>,
}

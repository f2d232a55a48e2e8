//! UI strings per language. Every word the widget shows (not the API's text) comes from here,
//! so a new language is one more table. Chosen by `data-language`, then config `language`,
//! then the browser's language; anything unknown falls back to English.

mod markers;
pub use markers::{fill, MarkerStrings};

/// The UI languages the widget ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Da,
}

impl Lang {
    /// Picks the first known language among the candidates (`"da-DK"` counts as Danish).
    pub fn pick<'a>(candidates: impl IntoIterator<Item = Option<&'a str>>) -> Lang {
        candidates
            .into_iter()
            .flatten()
            .find_map(Lang::parse)
            .unwrap_or_default()
    }

    fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "da" => Some(Lang::Da),
            _ => None,
        }
    }

    /// The string table of this language.
    pub fn t(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Da => &DA,
        }
    }
}

/// Every UI string. A field per string keeps a missing translation a compile error.
pub struct Strings {
    pub open_chat: &'static str,
    pub close_chat: &'static str,
    pub input_label: &'static str,
    pub input_placeholder: &'static str,
    pub send: &'static str,
    pub attach: &'static str,
    pub connecting: &'static str,
    pub thinking: &'static str,
    pub retry: &'static str,
    pub stop: &'static str,
    pub unread: &'static str,
    pub error_network: &'static str,
    pub error_dropped: &'static str,
    pub error_unavailable: &'static str,
    pub error_rate_limited: &'static str,
    pub error_generic: &'static str,
    pub error_auth: &'static str,
    pub not_sent: &'static str,
    pub link_blocked: &'static str,
    pub you: &'static str,
}

static EN: Strings = Strings {
    open_chat: "Open chat",
    close_chat: "Close chat",
    input_label: "Message",
    input_placeholder: "Write a message…",
    send: "Send",
    attach: "Attach a file",
    connecting: "Connecting…",
    thinking: "Thinking…",
    retry: "Retry",
    stop: "Stop",
    unread: "unread messages",
    error_network: "We could not reach the chat. Check your connection and try again.",
    error_dropped: "The connection was lost before the answer finished.",
    error_unavailable: "The chat is not available right now.",
    error_rate_limited: "Too many messages at once. Please wait a moment.",
    error_generic: "Something went wrong. Please try again.",
    error_auth: "We could not start the chat. Please reload the page.",
    not_sent: "Not sent",
    link_blocked: "(link removed)",
    you: "You",
};

static DA: Strings = Strings {
    open_chat: "Åbn chat",
    close_chat: "Luk chat",
    input_label: "Besked",
    input_placeholder: "Skriv en besked…",
    send: "Send",
    attach: "Vedhæft en fil",
    connecting: "Forbinder…",
    thinking: "Tænker…",
    retry: "Prøv igen",
    stop: "Stop",
    unread: "ulæste beskeder",
    error_network: "Vi kunne ikke nå chatten. Tjek din forbindelse og prøv igen.",
    error_dropped: "Forbindelsen blev afbrudt, før svaret var færdigt.",
    error_unavailable: "Chatten er ikke tilgængelig lige nu.",
    error_rate_limited: "For mange beskeder på én gang. Vent et øjeblik.",
    error_generic: "Noget gik galt. Prøv igen.",
    error_auth: "Vi kunne ikke starte chatten. Genindlæs siden.",
    not_sent: "Ikke sendt",
    link_blocked: "(link fjernet)",
    you: "Dig",
};

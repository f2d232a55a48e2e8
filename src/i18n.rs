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
    /// The UI language by the documented order: `data-language`, then config `language`, then
    /// the browser's `navigator.language`; the first one the widget knows wins.
    pub fn choose(attribute: Option<&str>, config: Option<&str>, browser: Option<&str>) -> Lang {
        Lang::pick([attribute, config, browser])
    }

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
    /// Names an image that has no caption (the link around it needs a name).
    pub image: &'static str,
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
    #[cfg(feature = "opendialog")]
    pub rate_answer: &'static str,
    #[cfg(feature = "opendialog")]
    pub helpful: &'static str,
    #[cfg(feature = "opendialog")]
    pub not_helpful: &'static str,
    pub link_blocked: &'static str,
    pub you: &'static str,
    pub retrying_in: &'static str,
    pub new_messages: &'static str,
    pub loading_older: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub view_product: &'static str,
    pub add_to_cart: &'static str,
    pub menu: &'static str,
    pub new_conversation: &'static str,
    pub download_data: &'static str,
    pub delete_data: &'static str,
    pub delete_confirm: &'static str,
    pub data_deleted: &'static str,
    pub cancel: &'static str,
    pub close: &'static str,
    pub rate_conversation: &'static str,
    pub remove: &'static str,
    pub reading: &'static str,
    pub attach_wrong_type: &'static str,
    pub attach_too_big: &'static str,
    pub attach_too_many: &'static str,
    pub attach_unreadable: &'static str,
    pub uploading: &'static str,
    pub drop_here: &'static str,
    pub livechat_unavailable: &'static str,
    pub talk_to_person: &'static str,
    pub livechat_waiting: &'static str,
    pub livechat_with: &'static str,
    pub is_typing: &'static str,
    pub end_chat: &'static str,
    pub closed_by_agent: &'static str,
    pub closed_by_you: &'static str,
    pub closed_neutral: &'static str,
    pub live_support: &'static str,
    pub title_alerts: &'static str,
    pub rate_prompt: &'static str,
    pub feedback_label: &'static str,
    pub submit: &'static str,
    pub stars: &'static str,
    pub thanks_feedback: &'static str,
    // Branding: header, empty conversation, teasers.
    pub privacy_policy: &'static str,
    pub start_prompts: &'static str,
    pub dismiss_popup: &'static str,
    pub dismiss_banner: &'static str,
    pub popups: &'static str,
}

static EN: Strings = Strings {
    open_chat: "Open chat",
    close_chat: "Close chat",
    input_label: "Message",
    input_placeholder: "Write a message…",
    send: "Send",
    attach: "Attach a file",
    image: "Image",
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
    #[cfg(feature = "opendialog")]
    rate_answer: "Was this answer helpful?",
    #[cfg(feature = "opendialog")]
    helpful: "Helpful",
    #[cfg(feature = "opendialog")]
    not_helpful: "Not helpful",
    link_blocked: "(link removed)",
    you: "You",
    retrying_in: "Trying again in",
    new_messages: "New message",
    loading_older: "Loading earlier messages…",
    previous: "Previous",
    next: "Next",
    view_product: "View",
    add_to_cart: "Add to cart",
    menu: "Menu",
    new_conversation: "New conversation",
    download_data: "Download my data",
    delete_data: "Delete my data",
    delete_confirm: "Delete this conversation and everything the chat stored about you?",
    data_deleted: "Your data was deleted.",
    cancel: "Cancel",
    close: "Close",
    rate_conversation: "Rate this conversation",
    remove: "Remove",
    reading: "Reading…",
    attach_wrong_type: "this file type can't be sent (images, PDF, text, CSV or ZIP).",
    attach_too_big: "is too large; the limit is",
    attach_too_many: "You can attach at most",
    attach_unreadable: "The file could not be read.",
    uploading: "Uploading…",
    drop_here: "Drop files to attach them",
    livechat_unavailable: "A person can't take over right now. Please try again later.",
    talk_to_person: "Talk to a person",
    livechat_waiting: "Waiting for a person to join. The assistant can keep helping meanwhile.",
    livechat_with: "You're chatting with",
    is_typing: "is typing…",
    end_chat: "End chat",
    closed_by_agent: "The agent ended the chat.",
    closed_by_you: "You ended the chat.",
    closed_neutral: "The chat has ended.",
    live_support: "Live support",
    title_alerts: "Show new messages in the tab title",
    rate_prompt: "How was the chat?",
    feedback_label: "Anything to add? (optional)",
    submit: "Send",
    stars: "stars",
    thanks_feedback: "Thank you for your feedback!",
    privacy_policy: "Privacy policy",
    start_prompts: "Suggested questions",
    dismiss_popup: "Dismiss message",
    dismiss_banner: "Close notice",
    popups: "Messages from the chat",
};

static DA: Strings = Strings {
    open_chat: "Åbn chat",
    close_chat: "Luk chat",
    input_label: "Besked",
    input_placeholder: "Skriv en besked…",
    send: "Send",
    attach: "Vedhæft en fil",
    image: "Billede",
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
    #[cfg(feature = "opendialog")]
    rate_answer: "Var svaret nyttigt?",
    #[cfg(feature = "opendialog")]
    helpful: "Nyttigt",
    #[cfg(feature = "opendialog")]
    not_helpful: "Ikke nyttigt",
    link_blocked: "(link fjernet)",
    you: "Dig",
    retrying_in: "Prøver igen om",
    new_messages: "Ny besked",
    loading_older: "Henter tidligere beskeder…",
    previous: "Forrige",
    next: "Næste",
    view_product: "Se",
    add_to_cart: "Læg i kurv",
    menu: "Menu",
    new_conversation: "Ny samtale",
    download_data: "Hent mine data",
    delete_data: "Slet mine data",
    delete_confirm: "Slet denne samtale og alt, chatten har gemt om dig?",
    data_deleted: "Dine data er slettet.",
    cancel: "Annuller",
    close: "Luk",
    rate_conversation: "Bedøm samtalen",
    remove: "Fjern",
    reading: "Læser…",
    attach_wrong_type: "denne filtype kan ikke sendes (billeder, PDF, tekst, CSV eller ZIP).",
    attach_too_big: "er for stor; grænsen er",
    attach_too_many: "Du kan højst vedhæfte",
    attach_unreadable: "Filen kunne ikke læses.",
    uploading: "Uploader…",
    drop_here: "Slip filer for at vedhæfte dem",
    livechat_unavailable: "Ingen medarbejder kan tage over lige nu. Prøv igen senere.",
    talk_to_person: "Tal med en person",
    livechat_waiting: "Venter på, at en medarbejder tager over. Assistenten kan hjælpe imens.",
    livechat_with: "Du chatter med",
    is_typing: "skriver…",
    end_chat: "Afslut chat",
    closed_by_agent: "Medarbejderen afsluttede chatten.",
    closed_by_you: "Du afsluttede chatten.",
    closed_neutral: "Chatten er afsluttet.",
    live_support: "Livesupport",
    title_alerts: "Vis nye beskeder i fanens titel",
    rate_prompt: "Hvordan var chatten?",
    feedback_label: "Noget at tilføje? (valgfrit)",
    submit: "Send",
    stars: "stjerner",
    thanks_feedback: "Tak for din feedback!",
    privacy_policy: "Privatlivspolitik",
    start_prompts: "Forslag til spørgsmål",
    dismiss_popup: "Luk beskeden",
    dismiss_banner: "Luk meddelelsen",
    popups: "Beskeder fra chatten",
};

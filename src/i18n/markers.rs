//! UI strings of the marker parts (forms, uploads, handover) and the rating, per language. A
//! table apart from the main one so the two grow without stepping on each other; `{n}`,
//! `{size}`, `{types}` and `{name}` are filled in by [`fill`].

use super::Lang;

/// Every marker and rating string. A field per string keeps a missing translation a compile error.
pub struct MarkerStrings {
    pub required: &'static str,
    pub email_invalid: &'static str,
    pub tel_invalid: &'static str,
    pub too_long: &'static str,
    pub not_an_option: &'static str,
    pub min_filled: &'static str,
    pub file_too_large: &'static str,
    pub file_wrong_type: &'static str,
    pub too_many_files: &'static str,
    pub choose_option: &'static str,
    pub submit: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    pub form_failed: &'static str,
    pub contact_title: &'static str,
    pub ticket_title: &'static str,
    pub ticket_name: &'static str,
    pub ticket_email: &'static str,
    pub ticket_message: &'static str,
    pub ticket_attachments: &'static str,
    pub attachments_hint: &'static str,
    pub upload_label: &'static str,
    pub upload_hint: &'static str,
    pub upload_sending: &'static str,
    pub upload_sent: &'static str,
    pub upload_failed: &'static str,
    pub handover_button: &'static str,
    pub handover_offline: &'static str,
    pub handover_disabled: &'static str,
    pub handover_after_hours: &'static str,
    pub handover_requesting: &'static str,
    pub handover_waiting: &'static str,
    pub handover_active: &'static str,
    pub handover_unavailable: &'static str,
    pub handover_failed: &'static str,
    pub rating_legend: &'static str,
    pub rating_one: &'static str,
    pub rating_many: &'static str,
    pub rating_feedback: &'static str,
    pub rating_submit: &'static str,
    pub rating_choose: &'static str,
    pub rating_thanks: &'static str,
    pub rating_failed: &'static str,
    pub rating_dismiss: &'static str,
}

impl Lang {
    /// The marker and rating strings of this language.
    pub fn m(self) -> &'static MarkerStrings {
        match self {
            Lang::En => &EN,
            Lang::Da => &DA,
        }
    }
}

/// Replaces `{key}` in `template` with `value`. A scan for `{` rather than `str::replace`,
/// whose substring searcher (two-way, with its tables) nothing else in the wasm needs.
pub fn fill(template: &str, key: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len() + value.len());
    let mut rest = template;
    while let Some(i) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.strip_prefix(key).and_then(|t| t.strip_prefix('}')) {
            Some(tail) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

static EN: MarkerStrings = MarkerStrings {
    required: "This field is required.",
    email_invalid: "Enter a valid e-mail address, like name@example.com.",
    tel_invalid: "Enter a phone number: digits, spaces, +, - and ().",
    too_long: "At most {n} characters.",
    not_an_option: "Choose one of the options.",
    min_filled: "Fill in at least {n} fields.",
    file_too_large: "This file is too large. The limit is {size}.",
    file_wrong_type: "This type of file is not accepted. Choose {types}.",
    too_many_files: "Attach at most {n} files.",
    choose_option: "Choose…",
    submit: "Send",
    sending: "Sending…",
    sent: "Sent. Thank you!",
    form_failed: "We could not send the form. Please try again.",
    contact_title: "Contact us",
    ticket_title: "Support ticket",
    ticket_name: "Your name",
    ticket_email: "Email address",
    ticket_message: "What happened?",
    ticket_attachments: "Attachments (optional)",
    attachments_hint: "Up to {n} files, {size} each.",
    upload_label: "Choose an image",
    upload_hint: "{types}, up to {size}.",
    upload_sending: "Sending {name}…",
    upload_sent: "Sent: {name}",
    upload_failed: "We could not read this file. Please try another one.",
    handover_button: "Talk to a person",
    handover_offline: "Our team is offline right now, so no one can take over the chat. \
                       You can keep asking me, or leave your details in a contact form.",
    handover_disabled: "This chat has no live support, so no person can join it. \
                        You can keep asking me, or leave your details in a contact form.",
    handover_after_hours: "Our team is outside its working hours right now, so no one can take \
                           over the chat. You can keep asking me, or leave your details in a \
                           contact form.",
    handover_requesting: "Connecting you…",
    handover_waiting: "You are in the queue. A person will join this chat shortly.",
    handover_active: "You are now chatting with a person.",
    handover_unavailable: "No one is available right now. Please try again later.",
    handover_failed: "We could not reach our team. Please try again.",
    rating_legend: "How was this conversation?",
    rating_one: "1 star",
    rating_many: "{n} stars",
    rating_feedback: "Anything you want to add? (optional)",
    rating_submit: "Send rating",
    rating_choose: "Choose from 1 to 5 stars first.",
    rating_thanks: "Thank you for your feedback!",
    rating_failed: "We could not send your rating. Please try again.",
    rating_dismiss: "No thanks",
};

static DA: MarkerStrings = MarkerStrings {
    required: "Feltet skal udfyldes.",
    email_invalid: "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.",
    tel_invalid: "Skriv et telefonnummer: cifre, mellemrum, +, - og ().",
    too_long: "Højst {n} tegn.",
    not_an_option: "Vælg en af mulighederne.",
    min_filled: "Udfyld mindst {n} felter.",
    file_too_large: "Filen er for stor. Grænsen er {size}.",
    file_wrong_type: "Den filtype modtages ikke. Vælg {types}.",
    too_many_files: "Vedhæft højst {n} filer.",
    choose_option: "Vælg…",
    submit: "Send",
    sending: "Sender…",
    sent: "Sendt. Tak!",
    form_failed: "Vi kunne ikke sende formularen. Prøv igen.",
    contact_title: "Kontakt os",
    ticket_title: "Supportsag",
    ticket_name: "Dit navn",
    ticket_email: "E-mailadresse",
    ticket_message: "Hvad er der sket?",
    ticket_attachments: "Vedhæftede filer (valgfrit)",
    attachments_hint: "Op til {n} filer på højst {size} hver.",
    upload_label: "Vælg et billede",
    upload_hint: "{types}, højst {size}.",
    upload_sending: "Sender {name}…",
    upload_sent: "Sendt: {name}",
    upload_failed: "Vi kunne ikke læse filen. Prøv en anden.",
    handover_button: "Tal med en person",
    handover_offline: "Vores team er ikke online lige nu, så ingen kan overtage chatten. \
                       Du kan fortsat spørge mig eller efterlade dine oplysninger i en kontaktformular.",
    handover_disabled: "Denne chat har ingen livesupport, så ingen medarbejder kan komme ind. \
                        Du kan fortsat spørge mig eller efterlade dine oplysninger i en kontaktformular.",
    handover_after_hours: "Vores team har lukket for i dag, så ingen kan overtage chatten. \
                           Du kan fortsat spørge mig eller efterlade dine oplysninger i en \
                           kontaktformular.",
    handover_requesting: "Forbinder dig…",
    handover_waiting: "Du er i kø. En medarbejder kommer ind i chatten om lidt.",
    handover_active: "Du skriver nu med en medarbejder.",
    handover_unavailable: "Ingen er ledige lige nu. Prøv igen senere.",
    handover_failed: "Vi kunne ikke nå vores team. Prøv igen.",
    rating_legend: "Hvordan var samtalen?",
    rating_one: "1 stjerne",
    rating_many: "{n} stjerner",
    rating_feedback: "Vil du tilføje noget? (valgfrit)",
    rating_submit: "Send bedømmelse",
    rating_choose: "Vælg først fra 1 til 5 stjerner.",
    rating_thanks: "Tak for din feedback!",
    rating_failed: "Vi kunne ikke sende din bedømmelse. Prøv igen.",
    rating_dismiss: "Nej tak",
};

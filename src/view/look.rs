//! The launcher's look, remembered for the next page: the loader (`dialoge.js`) paints the
//! launcher from it before any wasm is fetched (EMBED.md section 1). One small record per
//! chatbot, `look`, rewritten when any of it changes:
//! `{"c","f"}` the brand fill and the text on it (light), `{"dc","df"}` the same for a dark
//! scheme, `"u"` the unread count, `"o"` the launcher's label, `"n"` the badge's word, and
//! `"l": 1` while a person is chatting (the loader then fetches the app at once, to resume).
//! Colours are the theme's validated `#hex` values and the words are the widget's own, so the
//! record is written without a serializer.

use crate::reactive::*;

use dialoge_api::livechat::LivechatStatus;

use crate::services::Services;
use crate::view::dom::effect;
use crate::view::theme::theme_vars;

/// Keeps the `look` record in step with the widget.
pub fn remember_look(svc: Services) {
    if svc.is_preview() {
        return;
    }
    let written = StoredValue::new(String::new());
    effect(Box::new(move || {
        let unread = svc.ui.unread().get();
        let t = svc.ui.lang().get().t();
        let live = matches!(
            svc.livechat.status().get(),
            LivechatStatus::Waiting | LivechatStatus::Active
        );
        let mut record = String::from("{");
        svc.branding.config().with(|config| {
            if let Some(config) = config.as_deref() {
                for (dark, fill, text) in [(false, "c", "f"), (true, "dc", "df")] {
                    let vars = theme_vars(config, dark);
                    let get = |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
                    if let (Some(c), Some(f)) = (get("--dlg-primary"), get("--dlg-on-primary")) {
                        record.push_str(&format!(r#""{fill}":"{c}","{text}":"{f}","#));
                    }
                }
            }
        });
        record.push_str(&format!(
            r#""u":{unread},"o":"{}","n":"{}","l":{}}}"#,
            t.open_chat,
            t.unread,
            u8::from(live)
        ));
        if written.with_value(|w| *w != record) {
            svc.remember_look(&record, unread);
            written.set_value(record);
        }
    }));
}

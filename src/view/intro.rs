//! The opening of a conversation, from `/config`: the welcome message as the first assistant
//! bubble (view only, never stored or sent) and the start prompts for this page's URL, as
//! buttons that send their text. Not `data-testid="message"`: it is not a message of the log.
//! Plain DOM (see `view::dom`); one delegated click handler serves every prompt.

use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::services::Services;
use crate::view::dom;

/// The welcome bubble and the start prompts, at the top of the message list.
pub fn intro(svc: Services) -> Element {
    let host: Element = dom::el("div|class=dlg-intro").into();
    let el = host.clone();
    let empty = dom::flag_signal(Box::new(move || {
        svc.conversation.entries().with(Vec::is_empty)
    }));
    // The welcome stays above a conversation the visitor began on this page (its first entry
    // is theirs, sent from here), but not above history, whose real start it would misstate.
    let opens = dom::flag_signal(Box::new(move || {
        svc.conversation
            .entries()
            .with(|e| e.first().is_none_or(|first| first.from_visitor))
    }));
    dom::effect(Box::new(move || {
        let (empty, opens, t) = (empty.get(), opens.get(), svc.ui.lang().get().t());
        let host = &el;
        dom::clear(host);
        let url = svc.branding.page().get();
        svc.branding.config().with(|config| {
            let Some(config) = config.as_deref() else {
                return;
            };
            let welcome = config.display.welcome_message.as_deref();
            if let Some(welcome) = welcome.filter(|w| opens && !w.trim().is_empty()) {
                let msg = dom::el(
                    "div|class=dlg-message dlg-welcome|data-testid=welcome|data-role=assistant",
                );
                let bubble = dom::el("div|class=dlg-bubble");
                let p = dom::el("p|class=dlg-plain");
                dom::text(&p, welcome);
                dom::add(&bubble, &p);
                dom::add(&msg, &bubble);
                dom::add(host, &msg);
            }
            let mut prompts = config
                .start_prompts_for(&url)
                .map(|p| p.prompt_text.as_str())
                .filter(|p| !p.trim().is_empty())
                .peekable();
            if !empty || prompts.peek().is_none() {
                return;
            }
            let group = dom::el_with(
                "div|class=dlg-chips dlg-start-prompts|role=group|data-testid=start-prompts",
                &[("aria-label", t.start_prompts)],
            );
            for prompt in prompts {
                let button = dom::el("button|type=button|class=dlg-chip|data-testid=start-prompt");
                dom::text(&button, prompt);
                dom::add(&group, &button);
            }
            dom::add(host, &group);
        });
    }));
    // A prompt button sends its own text: it is exactly the config's prompt text.
    let on_click = move |e: web_sys::Event| {
        let button = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| dom::closest(&el, "[data-testid=start-prompt]"));
        if let Some(text) = button.and_then(|b| b.text_content()) {
            svc.send(text, Vec::new());
        }
    };
    dom::on(&host, "click", Box::new(on_click));
    host
}

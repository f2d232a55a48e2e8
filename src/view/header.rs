//! The panel header from `/config`: logo, the bot's avatar (a letter when there is none or it
//! fails to load), name (labels the dialog), subtitle with its link, the privacy link, and the
//! close button, aligned left or centre. Config text only becomes text nodes; every URL passes
//! the `view::url` policy first. Plain DOM, like the whole view (see `view::dom`).

use crate::reactive::*;
use dialoge_api::config::HeaderAlignment;
use js_sys::Function;

use crate::view::icons;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::services::Services;
use crate::view::dom;
use crate::view::livechat::human_button;
use crate::view::menu::header_menu_el;
use crate::view::theme::themes;
use crate::view::url::{safe_image, safe_link};

/// Builds the branded part of the header into `host` (emptied first).
fn build(
    svc: Services,
    host: &Element,
    base: &str,
    failed: Option<&str>,
    on_avatar_error: &Function,
) {
    dom::clear(host);
    let t = svc.ui.lang().get().t();
    let dark = svc.branding.dark().get();
    let name = svc.branding.bot_name();
    svc.branding.config().with(|config| {
        let config = config.as_deref();
        let display = config.map(|c| &c.display);
        let themes = config.map(|c| themes(c, dark)).unwrap_or_default();
        let logo = themes
            .iter()
            .rev()
            .find_map(|t| t.header.logo.url.as_deref())
            .and_then(|u| safe_image(u, base));
        if let Some(src) = logo {
            dom::add(host, &dom::el_with("img|class=dlg-logo|alt", &[("src", &src)]));
        }
        // Decorative either way: the name beside it says who this is.
        let avatar = display
            .and_then(|d| d.avatar.url.as_deref())
            .and_then(|u| safe_image(u, base))
            .filter(|u| failed != Some(u.as_str()));
        let avatar = match avatar {
            Some(src) => {
                let img = dom::el_with(
                    "img|class=dlg-avatar|data-testid=bot-avatar|alt",
                    &[("src", &src)],
                );
                let _ = img.add_event_listener_with_callback("error", on_avatar_error);
                img
            }
            // The first letter, upper-cased by CSS (`char::to_uppercase` would bring Unicode
            // tables along).
            None => {
                let span = dom::el(
                    "span|class=dlg-avatar dlg-avatar-letter|data-testid=bot-avatar|aria-hidden=true",
                );
                dom::text(
                    &span,
                    name.get(..name.chars().next().map_or(0, char::len_utf8))
                        .unwrap_or("?"),
                );
                span
            }
        };
        dom::add(host, &avatar);
        let heading = dom::el("div|class=dlg-heading");
        let h2 = dom::el("h2|id=dlg-title|class=dlg-title|data-testid=bot-name");
        dom::text(&h2, &name);
        dom::add(&heading, &h2);
        if let Some(subtitle) = display.and_then(|d| d.subtitle.as_ref()) {
            let p = dom::el("p|class=dlg-subtitle|data-testid=subtitle");
            if let Some(text) = &subtitle.text {
                dom::text(&p, text);
            }
            if let Some(link) = &subtitle.link {
                if subtitle.text.is_some() {
                    dom::text(&p, " ");
                }
                match safe_link(&link.url).map(|href| dom::external_link(&href, &[])) {
                    Some(a) => {
                        dom::text(&a, &link.text);
                        dom::add(&p, &a);
                    }
                    // Not a URL we may open: the words stay, the link does not.
                    None => dom::text(&p, &link.text),
                }
            }
            dom::add(&heading, &p);
        }
        dom::add(host, &heading);
        let privacy = display
            .and_then(|d| d.privacy_policy_url.as_deref())
            .and_then(safe_link)
            .map(|href| {
                dom::external_link(
                    &href,
                    &[
                        ("class", "dlg-header-btn"),
                        ("data-testid", "privacy-link"),
                        ("aria-label", t.privacy_policy),
                        ("title", t.privacy_policy),
                    ],
                )
            });
        if let Some(a) = privacy {
            let icon = dom::icon(&[
                "M12 3l7 3v5c0 4.5-3 8.3-7 9.5-4-1.2-7-5-7-9.5V6z",
                "M9 12l2 2 4-4",
            ]);
            dom::add(&a, &icon);
            dom::add(host, &a);
        }
    });
}

/// The header of the panel, as plain DOM: its branded part is rebuilt whole when the config,
/// language or colour scheme changes; the "talk to a person" button, the menu and the close
/// button sit outside it, so their focus survives a rebuild.
pub fn header_el(svc: Services) -> Element {
    let base = svc.api_base();
    let header: Element = dom::el("header|class=dlg-header").into();
    let main: Element = dom::el("div|class=dlg-header-main").into();
    dom::add(&header, &main);
    human_button(&header, svc);
    dom::add(&header, &header_menu_el(svc));
    let close = dom::el("button|type=button|class=dlg-header-btn dlg-close");
    dom::add(&close, &dom::icon(&[icons::CLOSE]));
    dom::on(&close, "click", Box::new(move |_| svc.set_open(false)));
    crate::view::name(svc, &close, |t| t.close_chat);
    dom::add(&header, &close);

    // The avatar URL that failed to load, so a new config's avatar gets its own chance.
    let failed = RwSignal::new(None::<String>);
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        let src = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|img| img.get_attribute("src"));
        failed.try_set(src);
    });
    let on_error = StoredValue::new_local(on_error);
    dom::watch(Box::new(move || {
        let failed = failed.get();
        on_error.with_value(|f| {
            build(
                svc,
                &main,
                &base,
                failed.as_deref(),
                f.as_ref().unchecked_ref(),
            )
        });
    }));
    {
        let header = header.clone();
        dom::watch(Box::new(move || {
            let dark = svc.branding.dark().get();
            let centered = svc.branding.config().with(|c| {
                c.as_deref().is_some_and(|c| {
                    themes(c, dark)
                        .iter()
                        .rev()
                        .find_map(|t| t.header.alignment.as_ref())
                        == Some(&HeaderAlignment::Center)
                })
            });
            let class = if centered {
                "dlg-header dlg-header-center"
            } else {
                "dlg-header"
            };
            dom::attr(&header, "class", class);
        }));
    }
    header
}

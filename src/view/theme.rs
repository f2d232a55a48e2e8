//! Theme: maps the `/config` theme onto the stylesheet's `--dlg-*` custom properties on the
//! widget root (`.dlg-root`), set through the CSSOM (`style.setProperty`). A strict
//! `style-src 'self'` CSP allows that, where a `style="…"` attribute would be blocked.
//!
//! Config text never becomes CSS as such: a colour passes only as `#RRGGBB`/`#RRGGBBAA`, a font
//! only as a plain list of family names, a size only as a clamped number. Anything else is
//! ignored and the stylesheet's default stays. The mapping is a pure function
//! ([`theme_vars`]) so it is tested without a browser theme; [`use_theme`] only applies it.

use crate::reactive::*;
use dialoge_api::config::{Config, Theme};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, MediaQueryList};

use crate::services::Services;
use crate::view::dom::effect;

/// How one colour is read from a theme. Plain `fn` pointers in one table (not a generic per
/// colour) keep this to a single small loop in the wasm.
type Pick = fn(&Theme) -> Option<&String>;

/// Each themeable colour and the custom property it sets (defaults live in style/dialoge.css).
const COLORS: &[(&str, Pick)] = &[
    ("--dlg-primary", |t| t.brand.primary_color.as_ref()),
    ("--dlg-bg", |t| t.surface.background_color.as_ref()),
    ("--dlg-muted", |t| t.surface.muted_text_color.as_ref()),
    ("--dlg-header-btn-bg", |t| {
        t.header.button.background_color.as_ref()
    }),
    ("--dlg-header-btn-fg", |t| {
        t.header.button.icon_color.as_ref()
    }),
    ("--dlg-bot-bg", |t| {
        t.messages.assistant.background_color.as_ref()
    }),
    ("--dlg-bot-fg", |t| t.messages.assistant.text_color.as_ref()),
    ("--dlg-bot-border", |t| {
        t.messages.assistant.border_color.as_ref()
    }),
    ("--dlg-user-bg", |t| {
        t.messages.user.background_color.as_ref()
    }),
    ("--dlg-user-fg", |t| t.messages.user.text_color.as_ref()),
    ("--dlg-user-border", |t| {
        t.messages.user.border_color.as_ref()
    }),
    ("--dlg-input-fg", |t| t.input.text_color.as_ref()),
    ("--dlg-placeholder", |t| t.input.placeholder_color.as_ref()),
    ("--dlg-input-bg", |t| t.input.background_color.as_ref()),
    ("--dlg-input-border", |t| t.input.border_color.as_ref()),
    ("--dlg-send", |t| t.input.send_button.icon_color.as_ref()),
    ("--dlg-discount", |t| {
        t.product_card.discount_price_color.as_ref()
    }),
    ("--dlg-card-btn-bg", |t| {
        t.product_card
            .button
            .as_ref()
            .and_then(|b| b.background_color.as_ref())
    }),
];

/// Properties derived from the theme rather than read from one colour field.
const DERIVED: &[&str] = &[
    "--dlg-on-primary",
    "--dlg-header-fg",
    "--dlg-card-btn-fg",
    "--dlg-on-discount",
    "--dlg-error",
    "--dlg-thinking",
    "--dlg-avatar-size",
    "--dlg-card-btn-weight",
    "--dlg-font",
];

/// Text colour on a light themed background (the stylesheet's dark text).
const DARK_TEXT: &str = "#111827";
/// Appended to a configured font so text still renders while (or if) the font is missing.
const FONT_FALLBACK: &str = "system-ui, sans-serif";

/// `#RRGGBB` or `#RRGGBBAA`, nothing else (no names, no `rgb()`, no `var()`).
pub fn is_color(value: &str) -> bool {
    let b = value.as_bytes();
    matches!(b.len(), 7 | 9) && b[0] == b'#' && b[1..].iter().all(u8::is_ascii_hexdigit)
}

/// A font-family list made only of family names (`Inter`, `'Segoe UI'`, `sans-serif`), with a
/// fallback appended; `None` for anything that could be more than names (`;`, `(`, `\`, …).
pub fn font_family(value: &str) -> Option<String> {
    let names: Vec<&str> = value.split(',').map(str::trim).collect();
    // Every character CSS gives a meaning to is ASCII, so non-ASCII letters may pass as they
    // are (and no Unicode tables are pulled into the wasm to classify them).
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_') || c > '\u{9f}')
    };
    let ok = value.len() <= 200
        && names.iter().all(|n| {
            let unquoted = n
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .or_else(|| n.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')));
            plain(unquoted.unwrap_or(n))
        });
    ok.then(|| format!("{}, {FONT_FALLBACK}", names.join(", ")))
}

/// WCAG 2 relative luminance of a valid colour (its alpha ignored). The sRGB curve's power goes
/// through JS's `Math.pow`: Rust's would bring a float library into the wasm.
fn luminance(color: &str) -> f64 {
    let channel = |i: usize| {
        let v = color
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            js_sys::Math::pow((v + 0.055) / 1.055, 2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// The WCAG contrast ratio of two valid colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a) + 0.05, luminance(b) + 0.05);
    a.max(b) / a.min(b)
}

/// Full six digits: [`contrast`] reads only those.
const WHITE: &str = "#ffffff";
/// WCAG AA for normal text.
const READABLE: f64 = 4.5;

/// Text for a fill the config gives no text colour for (or a too weak one): white or the
/// stylesheet's dark text, whichever reads better, and black when neither reaches 4.5:1
/// (mid-tone fills, where no softer dark does).
pub fn text_on(fill: &str) -> String {
    let (white, dark) = (contrast(WHITE, fill), contrast(DARK_TEXT, fill));
    let best = if white.max(dark) < READABLE {
        // Past white's 4.5:1 (luminance above 0.183), black is always above it (4.66:1+).
        "#000000"
    } else if white >= dark {
        WHITE
    } else {
        DARK_TEXT
    };
    best.to_owned()
}

/// Config text colours and the fill they sit on (with the stylesheet's default fill when the
/// config sets none; `None`: the brand colour). A pair under 4.5:1 gets a readable text colour
/// instead: a shop's typo must not make its chat unreadable.
const TEXT_PAIRS: &[(&str, &str, Option<&str>)] = &[
    ("--dlg-bot-fg", "--dlg-bot-bg", Some("#f3f4f6")),
    ("--dlg-user-fg", "--dlg-user-bg", None),
    ("--dlg-input-fg", "--dlg-input-bg", Some("#ffffff")),
    ("--dlg-header-btn-fg", "--dlg-header-btn-bg", None),
    ("--dlg-muted", "--dlg-bg", Some("#ffffff")),
];

/// The stylesheet's error red, and the one for dark backgrounds.
const ERROR_ON_LIGHT: &str = "#b91c1c";
const ERROR_ON_DARK: &str = "#fca5a5";

/// The stylesheet's brand colour, for fills that follow it.
const DEFAULT_PRIMARY: &str = "#0b5fff";

/// The themes in force, lowest priority first: the light theme is the base, and under
/// `prefers-color-scheme: dark` the dark theme (when the config has one) overrides what it sets,
/// so a partial dark theme still carries the brand.
pub fn themes(config: &Config, dark: bool) -> Vec<&Theme> {
    let mut out = vec![&config.theme];
    if let (true, Some(d)) = (dark, &config.dark_theme) {
        out.push(d);
    }
    out
}

/// The last theme's value that passes `ok`, i.e. the most specific valid one.
fn top<'a, T: ?Sized>(
    themes: &[&'a Theme],
    pick: impl Fn(&'a Theme) -> Option<&'a T>,
) -> Option<&'a T> {
    themes.iter().rev().find_map(|t| pick(t))
}

/// Every custom property the config sets, validated: `(name, value)` pairs for
/// `style.setProperty`. `dark` says whether the visitor's system prefers dark.
pub fn theme_vars(config: &Config, dark: bool) -> Vec<(&'static str, String)> {
    let themes = themes(config, dark);
    let mut vars: Vec<(&'static str, String)> = Vec::new();
    for (name, pick) in COLORS {
        let value = top(&themes, |t| pick(t).filter(|c| is_color(c)));
        if let Some(value) = value {
            vars.push((name, value.clone()));
        }
    }
    let get = |vars: &[(&str, String)], name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    // Text on the themed fills the config has no colour for: readable, whatever the brand.
    if let Some(primary) = get(&vars, "--dlg-primary") {
        vars.push(("--dlg-on-primary", text_on(&primary)));
        vars.push(("--dlg-header-fg", text_on(&primary)));
    }
    let primary = get(&vars, "--dlg-primary").unwrap_or_else(|| DEFAULT_PRIMARY.to_owned());
    for (fg, bg, default) in TEXT_PAIRS {
        let fill = get(&vars, bg)
            // A fully transparent fill (`#RRGGBB00`) shows what is under it: for the header
            // button, the header, i.e. the brand colour.
            .filter(|c| !(c.len() == 9 && c.ends_with("00")))
            .or_else(|| default.map(str::to_owned))
            .unwrap_or_else(|| primary.clone());
        if let Some(slot) = vars.iter_mut().find(|(n, _)| n == fg) {
            if contrast(&slot.1, &fill) < READABLE {
                slot.1 = text_on(&fill);
            }
        }
    }
    if let Some(button) = get(&vars, "--dlg-card-btn-bg") {
        vars.push(("--dlg-card-btn-fg", text_on(&button)));
    }
    // Error text (the status line, a failed message) in the red that reads on the background:
    // the stylesheet's dark red on light themes, a light red on dark ones.
    if let Some(bg) = get(&vars, "--dlg-bg") {
        if contrast(ERROR_ON_LIGHT, &bg) < contrast(ERROR_ON_DARK, &bg) {
            vars.push(("--dlg-error", ERROR_ON_DARK.to_owned()));
        }
    }
    // The discount splash is text on the discount colour.
    if let Some(discount) = get(&vars, "--dlg-discount") {
        vars.push(("--dlg-on-discount", text_on(&discount)));
    }
    let gradient = top(&themes, |t| {
        let stops = &t.messages.assistant.thinking_border_gradient;
        stops.iter().all(|c| is_color(c)).then_some(stops)
    });
    match gradient.map(Vec::as_slice) {
        // One stop is not a gradient: repeat it.
        Some([only]) => vars.push(("--dlg-thinking", format!("{only}, {only}"))),
        Some(stops) if !stops.is_empty() => vars.push(("--dlg-thinking", stops.join(", "))),
        _ => {}
    }
    if let Some(size) = top(&themes, |t| t.messages.assistant.avatar_size.as_ref()) {
        vars.push(("--dlg-avatar-size", format!("{}px", (*size).clamp(16, 64))));
    }
    let bold = top(&themes, |t| {
        t.product_card.button.as_ref().and_then(|b| b.bold.as_ref())
    });
    if let Some(bold) = bold {
        vars.push((
            "--dlg-card-btn-weight",
            if *bold { "700" } else { "400" }.into(),
        ));
    }
    // The family; its `url` (a font file) is loaded by `load_web_font` through the FontFace
    // API, which needs no CSS text at all (`@font-face` inside a shadow root is ignored).
    let family = top(&themes, |t| {
        t.font.as_ref()?.web.as_ref().map(|w| w.family.as_str())
    });
    if let Some(family) = family.and_then(font_family) {
        vars.push(("--dlg-font", family));
    }
    vars
}

/// Sets `vars` on `el` and removes every other property this module manages, so switching to a
/// theme that lacks a value falls back to the stylesheet's default instead of the old theme.
pub fn apply(el: &HtmlElement, vars: &[(&'static str, String)]) {
    let style = el.style();
    let names = COLORS
        .iter()
        .map(|(n, _)| *n)
        .chain(DERIVED.iter().copied());
    for name in names {
        match vars.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                let _ = style.set_property(name, value);
            }
            None => {
                let _ = style.remove_property(name);
            }
        }
    }
}

/// Is the visitor's system in dark mode right now?
fn dark_query() -> Option<MediaQueryList> {
    crate::window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
}

/// The theme's web font file, as `(family, url)`, when it has one the widget may load.
pub fn web_font(config: &Config, dark: bool) -> Option<(String, String)> {
    let themes = themes(config, dark);
    let web = top(&themes, |t| t.font.as_ref()?.web.as_ref())?;
    let family = font_family(&web.family)?;
    // A font file over https (or http on a dev page); no quote, bracket or backslash that
    // could end the `url(…)` it goes into.
    let url = web
        .url
        .as_deref()
        .and_then(crate::view::url::safe_link)
        .filter(|u| u.starts_with("http") && !u.contains(['"', '\'', '(', ')', '\\']))?;
    Some((family, url))
}

/// Loads a web font through the FontFace API and adds it to the page's fonts, where the shadow
/// root finds it by family. Strict CSP: the page's `font-src` must allow the font's origin.
/// A font that fails to load is logged; text keeps the fallback families.
fn load_web_font(svc: Services, family: &str, url: &str) {
    let Some(document) = crate::window().document() else {
        return;
    };
    // The first family name, unquoted: the name the font is registered under.
    let name = family
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['\'', '"']);
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"FontFace".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
    let fonts = js_sys::Reflect::get(&document, &"fonts".into()).ok();
    let (Some(ctor), Some(fonts)) = (ctor, fonts) else {
        return;
    };
    let args = js_sys::Array::of2(&name.into(), &format!("url(\"{url}\")").into());
    let Ok(face) = js_sys::Reflect::construct(&ctor, &args) else {
        return;
    };
    let call =
        |target: &wasm_bindgen::JsValue, method: &str, arg: Option<&wasm_bindgen::JsValue>| {
            js_sys::Reflect::get(target, &method.into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .and_then(|f| match arg {
                    Some(a) => f.call1(target, a).ok(),
                    None => f.call0(target).ok(),
                })
        };
    call(&fonts, "add", Some(&face));
    if let Some(loading) =
        call(&face, "load", None).and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    {
        let url = url.to_owned();
        svc.spawn(async move {
            if wasm_bindgen_futures::JsFuture::from(loading).await.is_err() {
                crate::services::log(&format!("web font {url} did not load"));
            }
        });
    }
}

/// Keeps the branding service's dark mode in step with `prefers-color-scheme` (live: the OS can switch while
/// the page is open) and applies the theme to `root` whenever it or the config changes. The
/// media listener is removed when its owner is cleaned up (destroy).
pub fn use_theme(svc: Services, root: HtmlElement) {
    let branding = svc.branding;
    let dark = branding.dark();
    if let Some(fixed) = svc.color_scheme() {
        // `data-color-scheme`: the studio's light and dark frames, whatever the system says.
        branding.set_dark(fixed);
    } else if let Some(query) = dark_query() {
        branding.set_dark(query.matches());
        let current = query.clone();
        let listener = Closure::<dyn Fn()>::new(move || {
            branding.set_dark(current.matches());
        });
        let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        let held = StoredValue::new_local((query, listener));
        on_cleanup(move || {
            held.try_with_value(|(query, listener)| {
                let _ = query.remove_event_listener_with_callback(
                    "change",
                    listener.as_ref().unchecked_ref(),
                );
            });
        });
    }
    effect(Box::new(move || {
        let dark = dark.get();
        let vars = svc.branding.config().with(|config| {
            config
                .as_deref()
                .map(|c| theme_vars(c, dark))
                .unwrap_or_default()
        });
        apply(&root, &vars);
    }));
    // The web font, once per file (a re-theme with the same font loads nothing again).
    let loaded = StoredValue::new(None::<String>);
    effect(Box::new(move || {
        let dark = dark.get();
        let font = svc
            .branding
            .config()
            .with(|c| c.as_deref().and_then(|c| web_font(c, dark)));
        if let Some((family, url)) = font {
            if loaded.with_value(|l| l.as_deref() != Some(url.as_str())) {
                loaded.set_value(Some(url.clone()));
                load_web_font(svc, &family, &url);
            }
        }
    }));
}

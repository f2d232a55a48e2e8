//! Browser tests of branding: the config → custom property mapping (validated), the dark theme
//! choice, the CSSOM application, popup filtering and timing, the UI language order, and the
//! branded shell (header, welcome, start prompts) mounted in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::config::Config;
use dialoge_api::message::Part;
use dialoge_widget::boot::options::{Position, StorageKind};
use dialoge_widget::i18n::Lang;
use dialoge_widget::reactive::*;
use dialoge_widget::services::branding::popups_for;
use dialoge_widget::services::Services;
use dialoge_widget::state::live::LiveKind;
use dialoge_widget::transport::storage::Store;
use dialoge_widget::view::dom;
use dialoge_widget::view::shell::shell;
use dialoge_widget::view::theme::{apply, contrast, font_family, is_color, theme_vars};
use dialoge_widget::Options;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A theme where every colour is different, so a mix-up between two properties shows.
fn full_theme(prefix: &str) -> serde_json::Value {
    let c = |n: u32| format!("#{prefix}{n:04X}");
    json!({
        "brand": {"primary_color": c(1)},
        "surface": {"background_color": c(2), "muted_text_color": c(3)},
        "header": {"alignment": "center", "logo": {"url": "https://cdn.example.com/logo.svg"},
                   "button": {"background_color": c(4), "icon_color": c(5)}},
        "messages": {
            "assistant": {"background_color": c(6), "text_color": c(7), "avatar_size": 30,
                          "border_color": c(8), "thinking_border_gradient": [c(9), c(10), c(11)]},
            "user": {"background_color": c(12), "text_color": c(13), "border_color": c(14)}
        },
        "input": {"text_color": c(15), "placeholder_color": c(16), "background_color": c(17),
                  "border_color": c(18), "send_button": {"icon_color": c(19)}},
        "product_card": {"discount_price_color": c(20),
                         "button": {"background_color": c(21), "bold": false}},
        "font": {"web": {"family": "Inter, 'Segoe UI', sans-serif"}}
    })
}

fn config(value: serde_json::Value) -> Config {
    serde_json::from_value(value).unwrap()
}

fn var<'a>(vars: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    vars.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

#[wasm_bindgen_test]
fn every_theme_colour_becomes_its_custom_property() {
    let mut theme = full_theme("AA");
    // Text colours readable on their fills, so they are kept as they are (weak ones are
    // replaced: `a_weak_config_text_colour_is_replaced_by_a_readable_one`).
    for (path, light) in [
        (&["header", "button", "background_color"][..], "#AAFF04"),
        (
            &["messages", "assistant", "background_color"][..],
            "#AAFF06",
        ),
        (&["input", "background_color"][..], "#AAFF11"),
        (&["surface", "background_color"][..], "#AAFF02"),
        (&["messages", "user", "background_color"][..], "#AAFF0C"),
    ] {
        let mut at = &mut theme;
        for key in path {
            at = &mut at[*key];
        }
        *at = json!(light);
    }
    theme["brand"]["primary_color"] = json!("#AAFF01");
    let vars = theme_vars(&config(json!({"theme": theme})), false);
    let expected = [
        ("--dlg-primary", "#AAFF01"),
        ("--dlg-bg", "#AAFF02"),
        ("--dlg-muted", "#AA0003"),
        ("--dlg-header-btn-bg", "#AAFF04"),
        ("--dlg-header-btn-fg", "#AA0005"),
        ("--dlg-bot-bg", "#AAFF06"),
        ("--dlg-bot-fg", "#AA0007"),
        ("--dlg-bot-border", "#AA0008"),
        ("--dlg-user-bg", "#AAFF0C"),
        ("--dlg-user-fg", "#AA000D"),
        ("--dlg-user-border", "#AA000E"),
        ("--dlg-input-fg", "#AA000F"),
        ("--dlg-placeholder", "#AA0010"),
        ("--dlg-input-bg", "#AAFF11"),
        ("--dlg-input-border", "#AA0012"),
        ("--dlg-send", "#AA0013"),
        ("--dlg-discount", "#AA0014"),
        ("--dlg-card-btn-bg", "#AA0015"),
        ("--dlg-thinking", "#AA0009, #AA000A, #AA000B"),
        ("--dlg-avatar-size", "30px"),
        ("--dlg-card-btn-weight", "400"),
        (
            "--dlg-font",
            "Inter, 'Segoe UI', sans-serif, system-ui, sans-serif",
        ),
    ];
    for (name, value) in expected {
        assert_eq!(var(&vars, name), Some(value), "{name}");
    }
    // Text on the brand colour is chosen for contrast: #AAFF01 is light, so dark text.
    assert_eq!(var(&vars, "--dlg-on-primary"), Some("#111827"));
    assert_eq!(var(&vars, "--dlg-header-fg"), Some("#111827"));
}

#[wasm_bindgen_test]
fn text_on_a_light_brand_colour_is_dark() {
    let vars = theme_vars(
        &config(json!({"theme": {"brand": {"primary_color": "#2DD4BF"}}})),
        false,
    );
    assert_eq!(var(&vars, "--dlg-on-primary"), Some("#111827"));
}

/// WCAG's own examples: the ratio is exact, not an approximation.
#[wasm_bindgen_test]
fn contrast_is_the_wcag_ratio() {
    let close = |a: f64, b: f64| (a - b).abs() < 0.01;
    assert!(close(contrast("#000000", "#ffffff"), 21.0));
    assert!(close(contrast("#ffffff", "#ffffff"), 1.0));
    assert!(close(contrast("#999999", "#ffffff"), 2.85));
    assert!(close(contrast("#767676", "#ffffff"), 4.54));
    // The demo's brand: white reads at 5.02:1, the old choice (dark) at 3.54:1.
    assert!(close(contrast("#ffffff", "#0E7C7B"), 5.015));
    assert!(close(contrast("#111827", "#0E7C7B"), 3.538));
}

/// Whatever the brand colour, the text the widget derives for it reads at 4.5:1 or more
/// (the header title, buttons on the brand colour, product card buttons).
#[wasm_bindgen_test]
fn derived_text_is_readable_on_every_brand_colour() {
    let mut worst = (21.0, String::new());
    for r in (0..=255).step_by(17) {
        for g in (0..=255).step_by(17) {
            for b in (0..=255).step_by(17) {
                let fill = format!("#{r:02X}{g:02X}{b:02X}");
                let vars = theme_vars(
                    &config(json!({"theme": {"brand": {"primary_color": fill},
                        "product_card": {"button": {"background_color": fill}}}})),
                    false,
                );
                for name in ["--dlg-header-fg", "--dlg-on-primary", "--dlg-card-btn-fg"] {
                    let text = var(&vars, name).unwrap();
                    let ratio = contrast(text, &fill);
                    if ratio < worst.0 {
                        worst = (ratio, format!("{name} {text} on {fill}"));
                    }
                }
            }
        }
    }
    assert!(worst.0 >= 4.5, "{} is {:.2}:1", worst.1, worst.0);
}

/// A config's own text colour that is too weak on its fill is replaced by a readable one; a
/// readable one is kept as it is.
#[wasm_bindgen_test]
fn a_weak_config_text_colour_is_replaced_by_a_readable_one() {
    let vars = theme_vars(
        &config(json!({"theme": {
            "brand": {"primary_color": "#0E7C7B"},
            "messages": {"assistant": {"background_color": "#FFFFFF", "text_color": "#999999"},
                         "user": {"text_color": "#0F8A89"}},
            "input": {"text_color": "#333333"}
        }})),
        false,
    );
    for (fg, bg) in [("--dlg-bot-fg", "#FFFFFF"), ("--dlg-user-fg", "#0E7C7B")] {
        let text = var(&vars, fg).unwrap();
        assert!(contrast(text, bg) >= 4.5, "{fg} {text} on {bg}");
    }
    assert_eq!(var(&vars, "--dlg-bot-fg"), Some("#111827"));
    assert_eq!(var(&vars, "--dlg-input-fg"), Some("#333333"));
}

#[wasm_bindgen_test]
fn colours_that_are_not_hex_are_ignored() {
    for bad in [
        "red",
        "#fff",
        "#12345",
        "#1234567",
        "#12345G",
        "var(--dlg-bg)",
        "rgb(1,2,3)",
        "#123456; background: url(https://evil.example/x)",
        "#123456 !important",
        " #123456",
        "",
    ] {
        assert!(!is_color(bad), "{bad:?} passed");
        let cfg = config(json!({"theme": {
            "brand": {"primary_color": bad},
            "messages": {"assistant": {"thinking_border_gradient": ["#000000", bad]}},
            "product_card": {"button": {"background_color": bad}}
        }}));
        let vars = theme_vars(&cfg, false);
        assert!(vars.is_empty(), "{bad:?} set {vars:?}");
    }
    assert!(is_color("#0E7C7B") && is_color("#0F1A19F2") && is_color("#abcdef"));
}

#[wasm_bindgen_test]
fn fonts_pass_only_as_plain_family_names() {
    assert_eq!(
        font_family("Inter").as_deref(),
        Some("Inter, system-ui, sans-serif")
    );
    assert!(font_family("system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif").is_some());
    assert!(font_family("\"Noto Sans\"").is_some());
    for bad in [
        "",
        "Inter;color:red",
        "Inter, url(https://x)",
        "var(--x)",
        "Inter\\",
        "'Inter",
        "Inter}",
        "a,,b",
        "Inter /* */",
    ] {
        assert_eq!(font_family(bad), None, "{bad:?}");
    }
}

#[wasm_bindgen_test]
fn the_dark_theme_applies_when_the_system_prefers_dark() {
    let cfg = config(json!({
        "theme": full_theme("AA"),
        "dark_theme": {"brand": {"primary_color": "#2DD4BF"},
                       "surface": {"background_color": "#0F1A19F2"},
                       "input": {"border_color": "nope"}}
    }));
    let light = theme_vars(&cfg, false);
    let dark = theme_vars(&cfg, true);
    assert_eq!(var(&light, "--dlg-primary"), Some("#AA0001"));
    assert_eq!(var(&dark, "--dlg-primary"), Some("#2DD4BF"));
    assert_eq!(var(&dark, "--dlg-bg"), Some("#0F1A19F2"));
    // What the dark theme does not set (or sets invalidly) keeps the brand's light value.
    assert_eq!(var(&dark, "--dlg-user-bg"), Some("#AA000C"));
    assert_eq!(var(&dark, "--dlg-input-border"), Some("#AA0012"));
    // Without a dark theme, dark mode keeps the light theme.
    let only_light = config(json!({"theme": full_theme("AA")}));
    assert_eq!(
        theme_vars(&only_light, true),
        theme_vars(&only_light, false)
    );
}

#[wasm_bindgen_test]
fn applying_sets_properties_through_the_cssom_and_clears_stale_ones() {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    let style = el.style();
    apply(
        &el,
        &theme_vars(&config(json!({"theme": full_theme("AB")})), false),
    );
    assert_eq!(
        style.get_property_value("--dlg-primary").unwrap(),
        "#AB0001"
    );
    assert_eq!(style.get_property_value("--dlg-send").unwrap(), "#AB0013");
    // A theme without a send colour falls back to the stylesheet, not to the previous theme.
    apply(
        &el,
        &theme_vars(
            &config(json!({"theme": {"brand": {"primary_color": "#123456"}}})),
            false,
        ),
    );
    assert_eq!(
        style.get_property_value("--dlg-primary").unwrap(),
        "#123456"
    );
    assert_eq!(style.get_property_value("--dlg-send").unwrap(), "");
}

#[wasm_bindgen_test]
fn popups_follow_their_url_pattern_and_stay_away_once_dismissed() {
    let cfg = config(json!({"popup_messages": [
        {"id": "everywhere", "text": "Hi", "delay_ms": 4000},
        {"id": "products", "text": "Size?", "delay_ms": 2000, "url_pattern": "*/products/*"},
        {"id": "checkout", "text": "Help?", "url_pattern": "https://shop.example.com/checkout"}
    ]}));
    let ids = |url: &str, dismissed: &[String]| -> Vec<String> {
        popups_for(&cfg, url, dismissed)
            .map(|p| p.id.clone())
            .collect()
    };
    assert_eq!(ids("https://shop.example.com/", &[]), ["everywhere"]);
    assert_eq!(
        ids("https://shop.example.com/products/tee", &[]),
        ["everywhere", "products"]
    );
    assert_eq!(
        ids("https://shop.example.com/checkout", &[]),
        ["everywhere", "checkout"]
    );
    assert_eq!(
        ids(
            "https://shop.example.com/products/tee",
            &["products".to_owned()]
        ),
        ["everywhere"]
    );
}

#[wasm_bindgen_test]
fn the_ui_language_is_data_language_then_config_then_browser() {
    assert_eq!(
        Lang::choose(Some("da"), Some("en"), Some("en-US")),
        Lang::Da
    );
    assert_eq!(Lang::choose(None, Some("da"), Some("en-US")), Lang::Da);
    assert_eq!(Lang::choose(None, Some("en"), Some("da-DK")), Lang::En);
    assert_eq!(Lang::choose(None, None, Some("da-DK")), Lang::Da);
    // Unknown languages are skipped, not chosen.
    assert_eq!(Lang::choose(Some("xx"), Some("de"), Some("da")), Lang::Da);
    assert_eq!(Lang::choose(None, None, None), Lang::En);
    // Every branding string exists in both languages.
    for lang in [Lang::En, Lang::Da] {
        let t = lang.t();
        for s in [t.privacy_policy, t.start_prompts, t.dismiss_popup, t.popups] {
            assert!(!s.is_empty());
        }
    }
    assert_ne!(Lang::Da.t().dismiss_popup, Lang::En.t().dismiss_popup);
}

// ------------------------------------------------------------------------------------------------
// The mounted widget

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Options that never touch the network (preview mode, no token source).
fn options(chatbot_id: &str, storage: StorageKind, language: Option<&str>) -> Options {
    Options {
        chatbot_id: chatbot_id.to_owned(),
        token_url: None,
        get_token: None,
        api_base: "https://api.example.com".to_owned(),
        open: true,
        hidden: false,
        position: Position::Right,
        language: language.map(str::to_owned),
        storage,
        preview: true,
        preview_config: None,
        config_url: None,
        color_scheme: None,
        backend: Default::default(),
        rating_delay_ms: None,
        started_at: None,
    }
}

/// Services on [`options`].
fn ctx(chatbot_id: &str, storage: StorageKind, language: Option<&str>) -> Services {
    Services::new(options(chatbot_id, storage, language))
}

async fn mount(ctx: Services) -> HtmlElement {
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let owner = Owner::new();
    owner.with(|| {
        provide_context(ctx);
        dom::mount(&root, || Some(shell(ctx)));
    });
    std::mem::forget(owner);
    dialoge_widget::reactive::tick().await;
    root
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &Element, selector: &str) -> String {
    one(root, selector).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_branded_shell_shows_name_header_welcome_and_start_prompts() {
    let ctx = ctx("test-shell", StorageKind::None, Some("en"));
    let mut value = json!({
        "display": {"name": "Nordlys", "welcome_message": "Hi there!",
                    "avatar": {"url": "javascript:alert(1)"},
                    "subtitle": {"text": "Answers at once",
                                 "link": {"text": "Terms", "url": "https://shop.example.com/terms"}},
                    "privacy_policy_url": "https://shop.example.com/privacy"},
        "theme": full_theme("0E"),
        "start_prompts": [{"prompt_text": "Returns?"},
                          {"prompt_text": "Never here", "url_pattern": "*/nowhere/*"}]
    });
    value["theme"]["brand"]["primary_color"] = json!("#0E7C7B");
    ctx.branding.apply(config(value));
    let root = mount(ctx).await;

    let widget = one(&root, ".dlg-root").unchecked_into::<HtmlElement>();
    assert_eq!(
        widget.style().get_property_value("--dlg-primary").unwrap(),
        "#0E7C7B"
    );
    let launcher = one(&root, "[data-testid=launcher]");
    let computed = web_sys::window()
        .unwrap()
        .get_computed_style(&launcher)
        .unwrap()
        .unwrap();
    // No stylesheet in this test page: the custom property is there, inherited.
    assert_eq!(
        computed.get_property_value("--dlg-primary").unwrap(),
        "#0E7C7B"
    );

    assert_eq!(text(&root, "[data-testid=bot-name]"), "Nordlys");
    assert_eq!(
        one(&root, "[data-testid=panel]")
            .get_attribute("aria-labelledby")
            .as_deref(),
        Some("dlg-title")
    );
    assert!(text(&root, "[data-testid=subtitle]").contains("Answers at once"));
    let terms = one(&root, "[data-testid=subtitle] a");
    assert_eq!(
        terms.get_attribute("href").as_deref(),
        Some("https://shop.example.com/terms")
    );
    assert_eq!(
        terms.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let privacy = one(&root, "[data-testid=privacy-link]");
    assert_eq!(
        privacy.get_attribute("aria-label").as_deref(),
        Some("Privacy policy")
    );
    // A `javascript:` avatar never becomes an image: the letter stands in.
    let avatar = one(&root, "[data-testid=bot-avatar]");
    assert_eq!(avatar.tag_name(), "SPAN");
    assert_eq!(avatar.text_content().as_deref(), Some("N"));
    assert!(one(&root, ".dlg-header")
        .class_list()
        .contains("dlg-header-center"));
    assert!(root.query_selector("img.dlg-logo").unwrap().is_some());

    assert_eq!(text(&root, "[data-testid=welcome]"), "Hi there!");
    assert_eq!(
        root.query_selector_all("[data-testid=message]")
            .unwrap()
            .length(),
        0,
        "the welcome is not a message"
    );
    let prompts = root
        .query_selector_all("[data-testid=start-prompt]")
        .unwrap();
    assert_eq!(prompts.length(), 1, "only prompts for this URL");
    assert_eq!(text(&root, "[data-testid=start-prompt]"), "Returns?");
    assert_eq!(
        one(&root, "[data-testid=start-prompt]").tag_name(),
        "BUTTON"
    );

    // A start prompt sends its text as the visitor's message; the prompts then make way, and
    // the welcome stays above the conversation the visitor began here.
    one(&root, "[data-testid=start-prompt]")
        .unchecked_into::<HtmlElement>()
        .click();
    dialoge_widget::reactive::tick().await;
    let sent: Vec<String> = ctx
        .conversation
        .entries()
        .get_untracked()
        .iter()
        .filter(|e| e.from_visitor)
        .flat_map(|e| e.parts().get_untracked())
        .filter_map(|p| match p.kind {
            LiveKind::Whole(part) => match &*part {
                Part::Text(t) => Some(t.text.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(sent, ["Returns?"]);
    assert!(root
        .query_selector("[data-testid=start-prompt]")
        .unwrap()
        .is_none());
    assert_eq!(text(&root, "[data-testid=welcome]"), "Hi there!");

    // Danish on the fly: the UI strings follow the language signal.
    ctx.ui.set_lang(Lang::Da);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        one(&root, "[data-testid=privacy-link]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Privatlivspolitik")
    );
}

#[wasm_bindgen_test]
async fn cached_config_brands_at_once_and_schedules_popups_for_this_page() {
    let id = format!("test-cache-{}", js_sys::Math::random());
    let store = Store::new(StorageKind::Local, &id);
    let cached = json!({
        "display": {"name": "Cached Bot"},
        "theme": {"brand": {"primary_color": "#0E7C7B"}},
        "language": "da",
        "popup_messages": [
            {"id": "now", "text": "Nu!"},
            {"id": "soon", "text": "Hej!", "delay_ms": 30},
            {"id": "elsewhere", "text": "No", "delay_ms": 0, "url_pattern": "*/nowhere/*"},
            {"id": "gone", "text": "Dismissed earlier", "delay_ms": 0}
        ]
    });
    store.set("config", &cached.to_string());
    store.set("popups_dismissed", "gone");

    let ctx = ctx(&id, StorageKind::Local, None);
    ctx.branding.restore();
    assert_eq!(ctx.branding.bot_name(), "Cached Bot");
    assert_eq!(
        ctx.ui.lang().get_untracked(),
        Lang::Da,
        "config language applies"
    );
    assert!(
        ctx.branding.popups().get_untracked().is_empty(),
        "not before its delay"
    );
    let root = mount(ctx).await;
    let widget = one(&root, ".dlg-root").unchecked_into::<HtmlElement>();
    assert_eq!(
        widget.style().get_property_value("--dlg-primary").unwrap(),
        "#0E7C7B"
    );

    sleep(80).await;
    let ids: Vec<String> = ctx
        .branding
        .popups()
        .get_untracked()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, ["now", "soon"]);
    let teasers = one(&root, ".dlg-teasers");
    assert!(!teasers.has_attribute("hidden"));
    assert_eq!(
        root.query_selector_all("[data-testid=popup]")
            .unwrap()
            .length(),
        2
    );
    assert!(text(&root, "[data-popup-id=soon]").contains("Hej!"));

    // Clicking a teaser opens the chat; it is not offered again.
    one(&root, "[data-popup-id=now] [data-testid=popup-open]")
        .unchecked_into::<HtmlElement>()
        .click();
    dialoge_widget::reactive::tick().await;
    assert!(ctx.ui.open().get_untracked());
    assert!(
        teasers.has_attribute("hidden"),
        "hidden while the panel is open"
    );
    assert!(root
        .query_selector("[data-popup-id=now]")
        .unwrap()
        .is_none());
    ctx.set_open(false);
    dialoge_widget::reactive::tick().await;
    assert_eq!(
        one(&root, "[data-testid=popup-dismiss]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Luk beskeden")
    );

    assert!(!teasers.has_attribute("hidden"));

    // Dismissed: gone now, and remembered for the next page load.
    one(&root, "[data-testid=popup-dismiss]")
        .unchecked_into::<HtmlElement>()
        .click();
    dialoge_widget::reactive::tick().await;
    assert!(ctx.branding.popups().get_untracked().is_empty());
    assert!(root
        .query_selector("[data-testid=popup]")
        .unwrap()
        .is_none());
    assert_eq!(
        store.get("popups_dismissed").as_deref(),
        Some("gone\nnow\nsoon")
    );

    let again = self::ctx(&id, StorageKind::Local, None);
    again.branding.restore();
    sleep(60).await;
    assert!(again.branding.popups().get_untracked().is_empty());
}

#[wasm_bindgen_test]
fn data_language_wins_over_the_config_language() {
    let id = format!("test-lang-{}", js_sys::Math::random());
    Store::new(StorageKind::Local, &id).set("config", r#"{"language": "da"}"#);
    let ctx = ctx(&id, StorageKind::Local, Some("en"));
    ctx.branding.restore();
    assert_eq!(ctx.ui.lang().get_untracked(), Lang::En);
}

#[wasm_bindgen_test]
async fn an_avatar_that_fails_to_load_falls_back_to_the_first_letter() {
    let ctx = ctx("test-avatar", StorageKind::None, Some("en"));
    let value = json!({"display": {"name": "nordlys", "avatar": {"url": "/missing-avatar.png"}}});
    ctx.branding.apply(config(value));
    let root = mount(ctx).await;
    assert_eq!(one(&root, "[data-testid=bot-avatar]").tag_name(), "IMG");
    for _ in 0..50 {
        if one(&root, "[data-testid=bot-avatar]").tag_name() == "SPAN" {
            break;
        }
        sleep(20).await;
    }
    let avatar = one(&root, "[data-testid=bot-avatar]");
    assert_eq!(avatar.tag_name(), "SPAN");
    assert_eq!(
        avatar.text_content().as_deref(),
        Some("n"),
        "upper-cased by CSS"
    );
}

/// Boot options of a preview of `config`, its colour scheme fixed (`dark`).
fn preview_options(chatbot_id: &str, config: serde_json::Value, dark: bool) -> Options {
    Options {
        preview_config: Some(config.to_string()),
        color_scheme: Some(dark),
        ..options(chatbot_id, StorageKind::None, Some("en"))
    }
}

/// `Dialoge('preview', config)`: the mounted widget takes the new config in place. The same
/// root and the same rendered header stay (no remount, so no flash), the colours and the name
/// change; a config that cannot be read changes nothing; the fixed dark scheme picks
/// `dark_theme`.
#[wasm_bindgen_test]
async fn a_preview_re_themes_in_place_and_ignores_unreadable_configs() {
    let options = preview_options(
        "test-preview",
        json!({"display": {"name": "First"}, "theme": {"brand": {"primary_color": "#112233"}},
               "dark_theme": {"brand": {"primary_color": "#0A0B0C"}}}),
        false,
    );
    let svc = Services::new(options);
    svc.start();
    let root = mount(svc).await;
    let widget = one(&root, ".dlg-root").unchecked_into::<HtmlElement>();
    let input = one(&root, "[data-testid=composer-input]");
    let name = || text(&root, "[data-testid=bot-name]");
    let primary = |el: &HtmlElement| el.style().get_property_value("--dlg-primary").unwrap();
    assert_eq!(primary(&widget), "#112233");
    assert_eq!(name(), "First");

    svc.preview(Some(
        json!({"display": {"name": "Second"}, "theme": {"brand": {"primary_color": "#445566"}}})
            .to_string(),
    ));
    dialoge_widget::reactive::tick().await;
    let same_root = one(&root, ".dlg-root").unchecked_into::<HtmlElement>();
    assert!(same_root == widget, "the root was replaced");
    // The conversation and the composer are the same nodes (what the visitor typed stays); the
    // header's branded part is rebuilt from the config in the same task, so it never flashes.
    assert!(
        one(&root, "[data-testid=composer-input]") == input,
        "the composer was re-rendered"
    );
    assert_eq!(primary(&widget), "#445566");
    assert_eq!(name(), "Second");

    svc.preview(Some("{\"theme\": ".to_owned()));
    dialoge_widget::reactive::tick().await;
    assert_eq!(primary(&widget), "#445566");
    assert_eq!(name(), "Second");

    // A dark-fixed preview of the same kind of config shows the dark theme's colour.
    let dark = Services::new(preview_options(
        "test-preview-dark",
        json!({"theme": {"brand": {"primary_color": "#112233"}},
               "dark_theme": {"brand": {"primary_color": "#0A0B0C"}}}),
        true,
    ));
    dark.start();
    let root = mount(dark).await;
    let widget = one(&root, ".dlg-root").unchecked_into::<HtmlElement>();
    assert_eq!(primary(&widget), "#0A0B0C");
}

//! Product cards in a horizontal row: image (a placeholder when `image_url` fails), title,
//! price in the browser's own currency format, the original price struck through, the splash
//! badge, and links to open the product or add it to the cart.

use std::sync::Arc;

use dialoge_api::message::{Price, ProductCard};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

use super::forms::lang_of;
use crate::boot::events::HostEvent;
use crate::services::use_services;
use crate::state::live::LiveProducts;
use crate::view::dom;
use crate::view::number::fixed;
use crate::view::url::{safe_image, safe_link};

/// How far one step of the carousel moves (a card and its gap).
const STEP_PX: f64 = 190.0;

/// A `products` part: a horizontal carousel, scrolled by its buttons or the arrow keys. Plain
/// DOM (`view::dom`): a streamed card draws alone.
pub fn products_el(p: &LiveProducts) -> Option<Element> {
    let products = p.products;
    let svc = use_services();
    let t = lang_of(svc).t();
    let carousel = dom::el("div|class=dlg-carousel");
    let row: Element = dom::el("div|class=dlg-products|role=list|tabindex=0").into();
    let step = move |row: &Element, dir: f64| row.scroll_by_with_x_and_y(dir * STEP_PX, 0.0);
    let (prev, next) = (
        carousel_button("dlg-prev", t.previous, "‹"),
        carousel_button("dlg-next", t.next, "›"),
    );
    for (button, dir) in [(&prev, -1.0), (&next, 1.0)] {
        let row = row.clone();
        dom::on(button, "click", Box::new(move |_| step(&row, dir)));
    }
    {
        let target = row.clone();
        dom::on(
            &row,
            "keydown",
            Box::new(move |e: web_sys::Event| {
                let dir = match e.dyn_ref::<web_sys::KeyboardEvent>().map(|k| k.key()) {
                    Some(k) if k == "ArrowRight" => 1.0,
                    Some(k) if k == "ArrowLeft" => -1.0,
                    _ => return,
                };
                e.prevent_default();
                step(&target, dir);
            }),
        );
    }
    // The buttons' names follow the UI language.
    if let Some(svc) = svc {
        let (prev, next) = (prev.clone(), next.clone());
        dom::watch(Box::new(move || {
            let t = svc.ui.lang().get().t();
            dom::set_attrs(&prev, &[("aria-label", t.previous)]);
            dom::set_attrs(&next, &[("aria-label", t.next)]);
        }));
    }
    dom::list(
        &row,
        Box::new(move || products.with(|p| dom::places(p.len()))),
        Box::new(move |i| {
            card_el(&products.with_untracked(|p| p.get(i).cloned())?).map(Into::into)
        }),
    );
    dom::add(&carousel, &prev);
    dom::add(&carousel, &row);
    dom::add(&carousel, &next);
    Some(carousel.into())
}

fn carousel_button(class: &str, label: &str, glyph: &str) -> Element {
    let class = format!("dlg-carousel-btn {class}");
    let button = dom::el_with(
        "button|type=button",
        &[("class", &class), ("aria-label", label)],
    );
    dom::text(&button, glyph);
    button.into()
}

/// Appends `<tag class=class>text</tag>` to `parent`.
fn add_text(parent: &Element, tag: &str, class: &str, text: &str) {
    let el = dom::el_with(tag, &[("class", class)]);
    dom::text(&el, text);
    dom::add(parent, &el);
}

fn card_el(card: &Arc<ProductCard>) -> Option<Element> {
    let svc = use_services();
    let base = svc.map(|c| c.api_base()).unwrap_or_default();
    let lang = svc.map(|c| c.ui.lang_tag()).unwrap_or("en");
    let t = lang_of(svc).t();
    // The config names the open link and switches add-to-cart on; a part rendered alone
    // (no config) offers what the card has.
    let config = svc.and_then(|c| c.branding.config().get_untracked());
    let open_label = config
        .as_ref()
        .and_then(|c| c.product_card.open_label.clone())
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| t.view_product.to_owned());
    let cart_on = config
        .as_ref()
        .is_none_or(|c| c.product_card.add_to_cart.enabled);

    let el: Element = dom::el("div|class=dlg-card|role=listitem").into();
    if let Some(splash) = &card.splash {
        add_text(&el, "span", "dlg-splash", splash);
    }
    let placeholder = || dom::el("div|class=dlg-card-img dlg-placeholder|aria-hidden=true");
    match safe_image(&card.image_url, &base) {
        Some(src) => {
            let img: Element =
                dom::el_with("img|class=dlg-card-img|alt|loading=lazy", &[("src", &src)]).into();
            // A picture that fails becomes the placeholder.
            let broken = img.clone();
            dom::on(
                &img,
                "error",
                Box::new(move |_| {
                    let _ = broken.replace_with_with_node_1(&placeholder());
                }),
            );
            dom::add(&el, &img);
        }
        None => {
            dom::add(&el, &placeholder());
        }
    }
    let body: Element = dom::el("div|class=dlg-card-body").into();
    add_text(&body, "div", "dlg-card-title", &card.title);
    if let Some(d) = &card.description {
        add_text(&body, "div", "dlg-card-desc", d);
    }
    let price: Element = dom::el("div|class=dlg-price").into();
    if let Some(p) = &card.price {
        add_text(&price, "span", "dlg-price-now", &format_price(p, lang));
    }
    if let Some(p) = card
        .original_price
        .as_ref()
        .filter(|_| card.is_discounted())
    {
        add_text(&price, "s", "dlg-price-before", &format_price(p, lang));
    }
    dom::add(&body, &price);
    let actions: Element = dom::el("div|class=dlg-card-actions").into();
    // Every click on a card tells the host page (`product_click`); only from a mounted widget
    // (a part rendered alone has no host page to tell).
    let tell = |action: &'static str| -> Box<dyn dom::Handle> {
        let card = card.clone();
        Box::new(move |_| {
            if svc.is_none() {
                return;
            }
            let sku = card.add_to_cart.as_ref().map(|a| a.sku.as_str());
            let url = match action {
                "open" => card.url.as_str(),
                _ => card
                    .add_to_cart
                    .as_ref()
                    .and_then(|a| a.url.as_deref())
                    .unwrap_or(""),
            };
            HostEvent::ProductClick {
                product_id: &card.id,
                url,
                action,
                sku: sku.filter(|_| action != "open"),
            }
            .emit();
        })
    };
    if let Some(href) = safe_link(&card.url) {
        let a = dom::external_link(&href, &[("class", "dlg-card-open")]);
        dom::text(&a, &open_label);
        dom::on(&a, "click", tell("open"));
        dom::add(&actions, &a);
    }
    // A cart URL is a link; a SKU alone is a button the host page acts on (`product_click`
    // with `action: "add_to_cart"`).
    if let Some(cart) = card.add_to_cart.as_ref().filter(|_| cart_on) {
        let attrs = [("class", "dlg-card-cart"), ("data-testid", "add-to-cart")];
        let button = match cart.url.as_deref().and_then(safe_link) {
            Some(href) => dom::external_link(&href, &attrs),
            None => dom::el_with("button|type=button", &attrs),
        };
        dom::text(&button, t.add_to_cart);
        dom::on(&button, "click", tell("add_to_cart"));
        dom::add(&actions, &button);
    }
    dom::add(&body, &actions);
    dom::add(&el, &body);
    Some(el)
}

/// `Intl.NumberFormat` in the UI language; a plain "149.00 DKK" if the browser refuses.
pub fn format_price(price: &Price, lang: &str) -> String {
    let fallback = || format!("{} {}", fixed(price.amount, 2), price.currency);
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v)).is_ok()
    };
    if price.currency.is_empty() || !set("style", "currency") || !set("currency", &price.currency) {
        return fallback();
    }
    let locales = js_sys::Array::of1(&JsValue::from_str(lang));
    // The constructor throws a RangeError for an unknown currency code: catch it.
    let ctor = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Intl"))
        .and_then(|intl| js_sys::Reflect::get(&intl, &JsValue::from_str("NumberFormat")))
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
    let Some(ctor) = ctor else {
        return fallback();
    };
    let fmt = match js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&locales, &options)) {
        Ok(f) => js_sys::Intl::NumberFormat::from(f),
        Err(_) => return fallback(),
    };
    fmt.format()
        .call1(&JsValue::NULL, &JsValue::from_f64(price.amount))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(fallback)
}

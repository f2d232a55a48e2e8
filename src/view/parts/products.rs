//! Product cards in a horizontal row: image (a placeholder when `image_url` fails), title,
//! price in the browser's own currency format, the original price struck through, the splash
//! badge, and links to open the product or add it to the cart.

use std::sync::Arc;

use dialoge_api::message::{Price, ProductCard};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::boot::events::HostEvent;
use crate::services::use_services;
use crate::state::live::LiveProducts;
use crate::view::each::{indexed, keyed};
use crate::view::number::fixed;
use crate::view::url::{safe_image, safe_link};

/// How far one step of the carousel moves (a card and its gap).
const STEP_PX: f64 = 190.0;

/// A `products` part: a horizontal carousel, scrolled by its buttons or the arrow keys.
#[component]
pub fn ProductsView(p: LiveProducts) -> impl IntoView {
    let products = p.products;
    let row = NodeRef::<leptos::html::Div>::new();
    let step = move |dir: f64| {
        if let Some(el) = row.get_untracked() {
            el.scroll_by_with_x_and_y(dir * STEP_PX, 0.0);
        }
    };
    let on_key = move |e: leptos::ev::KeyboardEvent| match e.key().as_str() {
        "ArrowRight" => {
            e.prevent_default();
            step(1.0)
        }
        "ArrowLeft" => {
            e.prevent_default();
            step(-1.0)
        }
        _ => {}
    };
    let t = move || {
        use_services()
            .map(|c| c.ui.lang().get().t())
            .unwrap_or(crate::i18n::Lang::En.t())
    };
    view! {
        <div class="dlg-carousel">
            <button type="button" class="dlg-carousel-btn dlg-prev" aria-label=move || t().previous
                on:click=move |_| step(-1.0)>"‹"</button>
            <div class="dlg-products" role="list" tabindex="0" node_ref=row on:keydown=on_key>
                {keyed(move || indexed(products.get(), card_view))}
            </div>
            <button type="button" class="dlg-carousel-btn dlg-next" aria-label=move || t().next
                on:click=move |_| step(1.0)>"›"</button>
        </div>
    }
}

fn card_view(card: Arc<ProductCard>) -> AnyView {
    let svc = use_services();
    let base = svc.map(|c| c.api_base()).unwrap_or_default();
    let lang = svc.map(|c| c.ui.lang_tag()).unwrap_or("en");
    let t = svc
        .map(|c| c.ui.lang().get_untracked().t())
        .unwrap_or(crate::i18n::Lang::En.t());
    let broken = RwSignal::new(false);
    let img = safe_image(&card.image_url, &base);
    let href = safe_link(&card.url);
    let price = card.price.as_ref().map(|p| format_price(p, lang));
    let before = card
        .is_discounted()
        .then(|| card.original_price.as_ref().map(|p| format_price(p, lang)))
        .flatten();
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
    let cart = card.add_to_cart.clone().filter(|_| cart_on);
    // A cart URL is a link; a SKU alone is a button the host page acts on (`product_click`
    // with `action: "add_to_cart"`).
    let cart_href = cart
        .as_ref()
        .and_then(|a| a.url.as_deref())
        .and_then(safe_link);
    let click_card = card.clone();
    let tell = move |action: &'static str| {
        // Only from a mounted widget (a part rendered alone has no host page to tell).
        if svc.is_none() {
            return;
        }
        let sku = click_card.add_to_cart.as_ref().map(|a| a.sku.as_str());
        let url = match action {
            "open" => click_card.url.as_str(),
            _ => click_card
                .add_to_cart
                .as_ref()
                .and_then(|a| a.url.as_deref())
                .unwrap_or(""),
        };
        HostEvent::ProductClick {
            product_id: &click_card.id,
            url,
            action,
            sku: sku.filter(|_| action != "open"),
        }
        .emit();
    };
    let tell_open = tell.clone();
    let cart_view = cart.map(|_| match cart_href {
        Some(h) => view! {
            <a class="dlg-card-cart" data-testid="add-to-cart" href=h target="_blank"
                rel="noopener noreferrer" on:click=move |_| tell("add_to_cart")>{t.add_to_cart}</a>
        }
        .into_any(),
        None => view! {
            <button type="button" class="dlg-card-cart" data-testid="add-to-cart"
                on:click=move |_| tell("add_to_cart")>{t.add_to_cart}</button>
        }
        .into_any(),
    });
    view! {
        <div class="dlg-card" role="listitem">
            {card.splash.clone().map(|s| view! { <span class="dlg-splash">{s}</span> })}
            {move || match (&img, broken.get()) {
                (Some(src), false) => view! {
                    <img class="dlg-card-img" src=src.clone() alt="" loading="lazy"
                        on:error=move |_| broken.set(true)/>
                }.into_any(),
                _ => view! { <div class="dlg-card-img dlg-placeholder" aria-hidden="true"></div> }.into_any(),
            }}
            <div class="dlg-card-body">
                <div class="dlg-card-title">{card.title.clone()}</div>
                {card.description.clone().map(|d| view! { <div class="dlg-card-desc">{d}</div> })}
                <div class="dlg-price">
                    {price.map(|p| view! { <span class="dlg-price-now">{p}</span> })}
                    {before.map(|p| view! { <s class="dlg-price-before">{p}</s> })}
                </div>
                <div class="dlg-card-actions">
                    {href.map(|h| view! {
                        <a class="dlg-card-open" href=h target="_blank" rel="noopener noreferrer"
                            on:click=move |_| tell_open("open")>{open_label}</a>
                    })}
                    {cart_view}
                </div>
            </div>
        </div>
    }
    .into_any()
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

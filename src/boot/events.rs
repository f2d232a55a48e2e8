//! Events to the host page: every event is a `CustomEvent` named `dialoge:<event>` on `window`
//! with the payload in `detail` (EMBED.md section 3). The loader's `Dialoge('on', …)` listens
//! to these, so this is the only event plumbing there is: one [`HostEvent`] type, one
//! [`HostEvent::emit`].

use dialoge_api::livechat::LivechatStatus;
use dialoge_api::message::AgentInfo;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Where an error the visitor saw happened (`error.detail.where`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    Send,
    Livechat,
    Form,
    Upload,
    Export,
    Config,
    History,
}

impl Where {
    fn as_str(self) -> &'static str {
        match self {
            Where::Send => "send",
            Where::Livechat => "livechat",
            Where::Form => "form",
            Where::Upload => "upload",
            Where::Export => "export",
            Where::Config => "config",
            Where::History => "history",
        }
    }
}

/// Every event the widget tells the host page.
pub enum HostEvent<'a> {
    Ready {
        chatbot_id: &'a str,
    },
    Open,
    Close,
    /// A final message (visitor, assistant or agent), as the service wrote it.
    Message(&'a JsValue),
    /// A `custom` marker for the site's own flow.
    Marker {
        part_id: &'a str,
        key: &'a str,
        payload: Option<&'a dialoge_api::json::Value>,
    },
    /// Any product interaction: `action` is `open` or `add_to_cart` (then with its `sku`;
    /// `url` is empty when the shop's cart has none and the page adds it itself).
    ProductClick {
        product_id: &'a str,
        url: &'a str,
        action: &'static str,
        sku: Option<&'a str>,
    },
    Livechat {
        status: &'a LivechatStatus,
        agent: Option<&'a AgentInfo>,
    },
    /// An error shown to the visitor.
    Error {
        code: &'a str,
        message: &'a str,
        retryable: bool,
        place: Where,
    },
}

impl HostEvent<'_> {
    fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready { .. } => "ready",
            HostEvent::Open => "open",
            HostEvent::Close => "close",
            HostEvent::Message(_) => "message",
            HostEvent::Marker { .. } => "marker",
            HostEvent::ProductClick { .. } => "product_click",
            HostEvent::Livechat { .. } => "livechat",
            HostEvent::Error { .. } => "error",
        }
    }

    fn detail(&self) -> JsValue {
        let obj = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&obj, &k.into(), &v);
        };
        match self {
            HostEvent::Ready { chatbot_id } => set("chatbotId", (*chatbot_id).into()),
            HostEvent::Open | HostEvent::Close => {}
            HostEvent::Message(m) => return (*m).clone(),
            HostEvent::Marker {
                part_id,
                key,
                payload,
            } => {
                set("partId", (*part_id).into());
                set("key", (*key).into());
                set("payload", payload.map_or(JsValue::NULL, json));
            }
            HostEvent::ProductClick {
                product_id,
                url,
                action,
                sku,
            } => {
                set("productId", (*product_id).into());
                set("url", (*url).into());
                set("action", (*action).into());
                if let Some(sku) = sku {
                    set("sku", (*sku).into());
                }
            }
            HostEvent::Livechat { status, agent } => {
                set("status", status.as_str().into());
                set("agent", agent.map_or(JsValue::NULL, json));
            }
            HostEvent::Error {
                code,
                message,
                retryable,
                place,
            } => {
                set("code", (*code).into());
                set("message", (*message).into());
                set("retryable", (*retryable).into());
                set("where", place.as_str().into());
            }
        }
        obj.into()
    }

    /// Dispatches `dialoge:<name>` on `window`.
    pub fn emit(&self) {
        let window = crate::window();
        let init = CustomEventInit::new();
        init.set_detail(&self.detail());
        let name = format!("dialoge:{}", self.name());
        if let Ok(event) = CustomEvent::new_with_event_init_dict(&name, &init) {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// The message with this `message_id` in a page of messages as the service wrote it (`null`
/// when it is not there).
pub fn raw_message_in(page: &JsValue, id: &str) -> JsValue {
    let list = js_sys::Reflect::get(page, &"messages".into()).unwrap_or(JsValue::NULL);
    js_sys::Array::from(&list)
        .iter()
        .find(|m| {
            js_sys::Reflect::get(m, &"message_id".into())
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
                == Some(id)
        })
        .unwrap_or(JsValue::NULL)
}

/// Wire types go out as on the wire (snake_case), through JSON.
fn json<T: dialoge_api::ToJson>(value: &T) -> JsValue {
    js_sys::JSON::parse(&dialoge_api::to_json(value)).unwrap_or(JsValue::NULL)
}

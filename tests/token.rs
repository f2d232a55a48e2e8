//! Browser tests of the visitor token's renewal: one handshake at a time, however many calls
//! find the token missing together, and a caller that goes away does not strand the others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use dialoge_widget::backend::dialoge::client::ApiClient;
use dialoge_widget::backend::dialoge::token::TokenSource;
use dialoge_widget::boot::options::StorageKind;
use dialoge_widget::life::sleep;
use dialoge_widget::transport::storage::Store;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A `getToken` that counts its calls and answers `tok-N` after `ms`.
fn slow_source(calls: Rc<Cell<u32>>, ms: i32) -> TokenSource {
    let f = Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(move |_previous: JsValue| {
        calls.set(calls.get() + 1);
        let n = calls.get();
        js_sys::Promise::new(&mut |resolve, _reject| {
            let value = JsValue::from_str(&format!("tok-{n}"));
            let done = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &value);
            });
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(done.unchecked_ref(), ms)
                .unwrap();
        })
    });
    TokenSource::Function(f.into_js_value().unchecked_into())
}

fn client(name: &str, source: TokenSource) -> Rc<ApiClient> {
    let store = Rc::new(Store::new(StorageKind::None, name));
    Rc::new(ApiClient::new(
        "http://127.0.0.1:9".into(),
        name.into(),
        Some(source),
        store,
    ))
}

#[wasm_bindgen_test]
async fn calls_that_find_no_token_together_make_one_handshake() {
    let calls = Rc::new(Cell::new(0));
    let api = client("single-flight", slow_source(calls.clone(), 50));
    let got = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..3 {
        let (api, got) = (api.clone(), got.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let token = api.token().await;
            got.borrow_mut().push(token);
        });
    }
    sleep(200).await;
    assert_eq!(calls.get(), 1, "one handshake for three callers");
    let got = got.borrow();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|t| t.as_deref() == Ok("tok-1")), "{got:?}");
}

#[wasm_bindgen_test]
async fn a_caller_that_goes_away_hands_the_handshake_to_the_next() {
    let calls = Rc::new(Cell::new(0));
    let api = client("abandoned", slow_source(calls.clone(), 50));
    // The first caller starts the handshake and is dropped before its answer (its life ended).
    {
        let first = api.token();
        let mut first = Box::pin(first);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(first.as_mut().poll(&mut cx).is_pending());
    }
    let token = api.token().await;
    assert_eq!(
        token.as_deref(),
        Ok("tok-2"),
        "the next caller asks again and gets its token"
    );
    assert_eq!(calls.get(), 2);
    // Renewed once, the token is there for everyone after.
    assert_eq!(api.token().await.as_deref(), Ok("tok-2"));
    assert_eq!(calls.get(), 2);
}

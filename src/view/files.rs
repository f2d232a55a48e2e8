//! Files the visitor chose: listing an `<input type=file>`'s selection and reading a file as
//! base64. The browser's own encoder (`FileReader.readAsDataURL`) does the work off the page's
//! main thread, so a 5 MB image never freezes the page and no base64 code ships in the wasm.
//! Reads local files only; it never talks HTTP.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, FileReader, HtmlInputElement};

/// The files currently chosen in `input`.
pub fn files_of(input: &HtmlInputElement) -> Vec<File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The input element an event came from.
pub fn input_of(ev: &web_sys::Event) -> Option<HtmlInputElement> {
    ev.target()?.dyn_into::<HtmlInputElement>().ok()
}

/// The file's bytes as base64 without the `data:…;base64,` prefix (the wire's format).
pub async fn read_base64(blob: &Blob) -> Result<String, JsValue> {
    let reader = FileReader::new()?;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let done = reader.clone();
        // `loadend` fires after success and failure alike, so this one-shot closure is always
        // called (and freed); a failed read leaves `result` null, which becomes an error below.
        let on_end = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::NULL));
        });
        reader.set_onloadend(Some(on_end.unchecked_ref()));
    });
    reader.read_as_data_url(blob)?;
    let url = JsFuture::from(promise)
        .await?
        .as_string()
        .ok_or_else(|| JsValue::from_str("the file could not be read"))?;
    url.split_once(',')
        .map(|(_, data)| data.to_owned())
        .ok_or_else(|| JsValue::from_str("not a data: URL"))
}

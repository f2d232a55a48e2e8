//! Browser tests of the marker parts and the rating: real DOM in headless Chromium, with
//! services whose `fetch` is replaced by a scripted one where a request is needed. The pure
//! form rules are tested natively in `dialoge-api` (`crates/api/tests/rules.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dialoge_api::message::{
    CustomMarker, FieldType, FormField, Part, RequestHumanAgent, RequestImageUpload,
    ShowContactForm, ShowForm, ShowSupportTicket, VisibleWhen,
};
use dialoge_widget::reactive::*;
use dialoge_widget::services::markers::RatingTarget;
use dialoge_widget::services::Services;
use dialoge_widget::state::live::LivePart;
use dialoge_widget::view::dom;
use dialoge_widget::view::parts::part_el;
use dialoge_widget::view::rating::rating_el;
use dialoge_widget::Options;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// ------------------------------------------------------------------------------------------------
// Fields

fn field(key: &str, field_type: FieldType, required: bool) -> FormField {
    FormField {
        key: key.into(),
        label: format!("Label of {key}"),
        placeholder: None,
        field_type,
        required,
        options: Vec::new(),
        visible_when: Vec::new(),
    }
}

fn when(mut f: FormField, other: &str, value: &str) -> FormField {
    f.visible_when = vec![VisibleWhen {
        field: other.into(),
        operator: dialoge_api::message::ConditionOperator::Equals,
        value: dialoge_api::json::Value::String(value.into()),
    }];
    f
}

fn contact_fields() -> Vec<FormField> {
    let mut topic = field("topic", FieldType::Dropdown, true);
    topic.options = vec!["Order".into(), "Return".into(), "Other".into()];
    vec![
        field("name", FieldType::Text, true),
        field("email", FieldType::Email, true),
        topic,
        when(field("order_no", FieldType::Text, true), "topic", "Order"),
        field("phone", FieldType::Tel, false),
        field("message", FieldType::Textarea, false),
    ]
}

// ------------------------------------------------------------------------------------------------
// Components

fn container() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

/// Services that talk to a fake API (see [`script_fetch`]); created in its own owner,
/// which stays alive for the test.
fn test_ctx() -> Services {
    let opts = js_sys::Object::new();
    for (k, v) in [
        ("chatbotId", "test-bot"),
        ("tokenUrl", "http://fake.test/token"),
        ("apiBase", "http://fake.test"),
        ("storage", "none"),
        ("language", "en"),
    ] {
        js_sys::Reflect::set(&opts, &k.into(), &v.into()).unwrap();
    }
    let options = Options::from_js(&opts, "").unwrap();
    let owner = Owner::new();
    let ctx = owner.with(|| Services::new(options));
    std::mem::forget(owner);
    ctx
}

/// Mounts one part with the services in context.
async fn render(ctx: Option<Services>, part: Part) -> HtmlElement {
    let root = container();
    let owner = Owner::new();
    owner.with(|| {
        if let Some(ctx) = ctx {
            provide_context(ctx);
        }
        dom::mount(&root, || part_el(LivePart::from_part(&part)));
    });
    std::mem::forget(owner);
    settle().await;
    root
}

async fn settle() {
    for _ in 0..3 {
        dialoge_widget::reactive::tick().await;
    }
}

/// Waits (up to 5 s, looking every 10 ms) until `done` holds: a scripted answer's effects land
/// after a few tasks, which a loaded machine may take longer than any fixed sleep to run.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// The `data-state` of the first element matching `selector`.
fn state_of(root: &Element, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-state"))
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    settle().await;
}

/// Replaces `window.fetch`: the token endpoint answers a token, every other call answers
/// `status` with `body`. Returns the bodies of the API calls made, as JSON text.
fn script_fetch(status: u16, body: &str) -> Rc<RefCell<Vec<(String, String)>>> {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let seen = calls.clone();
    let body = body.to_owned();
    let fake = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
        move |url: JsValue, init: JsValue| {
            let url = url.as_string().unwrap_or_default();
            let (answer, status) = if url.ends_with("/token") {
                (r#"{"token":"a.b.c"}"#.to_owned(), 200)
            } else {
                let sent = js_sys::Reflect::get(&init, &"body".into())
                    .ok()
                    .and_then(|b| b.as_string())
                    .unwrap_or_default();
                seen.borrow_mut().push((url, sent));
                (body.clone(), status)
            };
            let init = web_sys::ResponseInit::new();
            init.set_status(status);
            let headers = web_sys::Headers::new().unwrap();
            headers.set("Content-Type", "application/json").unwrap();
            init.set_headers(&headers);
            let resp = web_sys::Response::new_with_opt_str_and_init(Some(&answer), &init).unwrap();
            JsValue::from(js_sys::Promise::resolve(&resp))
        },
    );
    js_sys::Reflect::set(&js_sys::global(), &"fetch".into(), fake.as_ref()).unwrap();
    fake.forget();
    calls
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

/// The control labelled `label` (by `<label for>`).
fn by_label(root: &Element, label: &str) -> Element {
    let l = all(root, "label")
        .into_iter()
        .find(|l| {
            let text = l.text_content().unwrap_or_default();
            text.trim_start_matches('★').trim_end_matches(" *") == label
        })
        .unwrap_or_else(|| panic!("no label {label}"));
    let id = l.get_attribute("for").expect("label has for");
    one(root, &format!("#{id}"))
}

fn bubbling(name: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(name, &init).unwrap()
}

async fn type_into(el: &Element, text: &str) {
    js_sys::Reflect::set(el, &"value".into(), &text.into()).unwrap();
    el.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
}

async fn choose(el: &Element, option: &str) {
    let select: &web_sys::HtmlSelectElement = el.unchecked_ref();
    select.set_value(option);
    el.dispatch_event(&bubbling("input")).unwrap();
    el.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
}

async fn submit(root: &Element) {
    one(root, "button[type=submit]")
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
}

/// The message a field shows, through its `aria-describedby`.
fn error_of(root: &Element, control: &Element) -> Option<String> {
    if control.get_attribute("aria-invalid").as_deref() != Some("true") {
        return None;
    }
    let ids = control.get_attribute("aria-describedby")?;
    ids.split(' ')
        .filter_map(|id| root.query_selector(&format!("#{id}")).ok().flatten())
        .find(|el| el.class_list().contains("dlg-field-error"))
        .and_then(|el| el.text_content())
}

fn contact_part() -> Part {
    Part::ShowContactForm(ShowContactForm {
        part_id: "part_2".into(),
        fields: contact_fields(),
        submitted: None,
    })
}

#[wasm_bindgen_test]
async fn the_contact_form_labels_every_visible_field_and_shows_order_no_only_for_orders() {
    let root = render(None, contact_part()).await;
    let holder = one(&root, "[data-testid=part]");
    assert_eq!(
        holder.get_attribute("data-part-type").as_deref(),
        Some("show_contact_form")
    );
    assert_eq!(
        holder.get_attribute("data-part-id").as_deref(),
        Some("part_2")
    );
    for label in [
        "Label of name",
        "Label of email",
        "Label of topic",
        "Label of phone",
        "Label of message",
    ] {
        by_label(&root, label);
    }
    assert_eq!(
        by_label(&root, "Label of email")
            .get_attribute("type")
            .as_deref(),
        Some("email")
    );
    assert_eq!(
        by_label(&root, "Label of phone")
            .get_attribute("type")
            .as_deref(),
        Some("tel")
    );
    assert_eq!(by_label(&root, "Label of message").tag_name(), "TEXTAREA");
    let topic = by_label(&root, "Label of topic");
    assert_eq!(topic.tag_name(), "SELECT");
    assert_eq!(
        all(&topic, "option").len(),
        4,
        "a blank choice and three options"
    );
    assert!(all(&root, "label")
        .iter()
        .all(|l| l.get_attribute("for").is_some()));
    assert!(
        !root.text_content().unwrap().contains("Label of order_no"),
        "hidden until topic is Order"
    );

    choose(&topic, "Order").await;
    let order_no = by_label(&root, "Label of order_no");
    type_into(&order_no, "NL-1").await;
    choose(&topic, "Return").await;
    assert!(!root.text_content().unwrap().contains("Label of order_no"));
    choose(&topic, "Order").await;
    let order_no: HtmlInputElement = by_label(&root, "Label of order_no").unchecked_into();
    assert_eq!(
        order_no.value(),
        "NL-1",
        "the value waits while the field is hidden"
    );
    let labels: Vec<String> = all(&root, "label")
        .iter()
        .filter_map(|l| l.text_content())
        .collect();
    assert_eq!(
        labels,
        [
            "Label of name *",
            "Label of email *",
            "Label of topic *",
            "Label of order_no *",
            "Label of phone",
            "Label of message",
        ],
        "a field shown again is back in its place, between its neighbours"
    );
}

#[wasm_bindgen_test]
async fn client_checks_put_their_message_next_to_the_field() {
    let root = render(None, contact_part()).await;
    type_into(&by_label(&root, "Label of email"), "jane@").await;
    type_into(&by_label(&root, "Label of phone"), "call me").await;
    submit(&root).await;

    let name = by_label(&root, "Label of name");
    assert_eq!(
        error_of(&root, &name).as_deref(),
        Some("This field is required.")
    );
    let email = by_label(&root, "Label of email");
    assert_eq!(
        error_of(&root, &email).as_deref(),
        Some("Enter a valid e-mail address, like name@example.com.")
    );
    let phone = by_label(&root, "Label of phone");
    assert!(error_of(&root, &phone)
        .unwrap()
        .starts_with("Enter a phone number"));
    assert_eq!(error_of(&root, &by_label(&root, "Label of message")), None);
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element();
    assert!(
        focused.is_some_and(|f| f.is_same_node(Some(&name))),
        "focus moves to the first problem"
    );

    type_into(&name, "Jane").await;
    assert_eq!(
        error_of(&root, &name),
        None,
        "fixing a field clears its message"
    );
    assert_eq!(
        one(&root, "[data-testid=form]")
            .get_attribute("data-state")
            .as_deref(),
        Some("editing")
    );
}

async fn fill_contact(root: &Element) {
    type_into(&by_label(root, "Label of name"), "Jane").await;
    type_into(&by_label(root, "Label of email"), "jane@example.com").await;
    choose(&by_label(root, "Label of topic"), "Return").await;
}

#[wasm_bindgen_test]
async fn a_server_422_is_shown_at_the_field_it_names() {
    let calls = script_fetch(
        422,
        r#"{"error":{"code":"validation","message":"Validation failed","params":[
            {"field":"action.fields.email","message":"That mailbox does not exist"},
            {"field":"action.something_else","message":"Try again later"}]}}"#,
    );
    let ctx = test_ctx();
    let root = render(Some(ctx), contact_part()).await;
    fill_contact(&root).await;
    submit(&root).await;
    let email = by_label(&root, "Label of email");
    until("the field's message", || error_of(&root, &email).is_some()).await;

    assert_eq!(calls.borrow().len(), 1);
    assert_eq!(
        error_of(&root, &email).as_deref(),
        Some("That mailbox does not exist")
    );
    assert_eq!(
        one(&root, ".dlg-form-error").text_content().as_deref(),
        Some("Try again later"),
        "a path naming no field is shown for the whole form"
    );
    assert_eq!(
        one(&root, "[data-testid=form]")
            .get_attribute("data-state")
            .as_deref(),
        Some("editing")
    );
}

#[wasm_bindgen_test]
async fn a_sent_form_shows_the_confirmation_and_starts_livechat_when_told() {
    let calls = script_fetch(
        200,
        r#"{"submission_id":"sub_1","confirmation_text":"Thanks, Jane!","livechat_session":{"status":"waiting"}}"#,
    );
    let seen = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = seen.clone();
    let listener =
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            log.borrow_mut()
                .push(js_sys::JSON::stringify(&e.detail()).unwrap().into());
        });
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback("dialoge:livechat", listener.as_ref().unchecked_ref())
        .unwrap();
    listener.forget();

    let ctx = test_ctx();
    let root = render(Some(ctx), contact_part()).await;
    fill_contact(&root).await;
    type_into(&by_label(&root, "Label of message"), "  ").await;
    submit(&root).await;
    until("the form sent and its livechat followed", || {
        state_of(&root, "[data-testid=form]").as_deref() == Some("sent")
            && calls
                .borrow()
                .iter()
                .any(|(url, _)| url.contains("/livechat/sync"))
    })
    .await;

    let calls = calls.borrow();
    assert!(calls[0].0.ends_with("/api/v1/chat/actions"));
    let body: serde_json::Value = serde_json::from_str(&calls[0].1).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"part_id": "part_2", "action": {"type": "contact_form", "fields":
            {"name": "Jane", "email": "jane@example.com", "topic": "Return"}}})
    );
    let form = one(&root, "[data-testid=form]");
    assert_eq!(form.get_attribute("data-state").as_deref(), Some("sent"));
    assert!(form.text_content().unwrap().contains("Thanks, Jane!"));
    assert!(one(&form, "form").has_attribute("hidden"));
    // The livechat the action started is followed at once (the banner and the `livechat`
    // event come from the state that sync returns; see e2e/livechat.test.mjs).
    assert!(
        calls
            .iter()
            .any(|(url, _)| url.contains("/api/v1/chat/livechat/sync")),
        "the widget follows the livechat the action started: {:?}",
        calls.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    drop(seen);
    assert_eq!(
        ctx.markers.sent("part_2"),
        Some(Some("Thanks, Jane!".into()))
    );
}

#[wasm_bindgen_test]
async fn a_form_submitted_in_history_renders_as_sent() {
    let part = Part::ShowForm(ShowForm {
        part_id: "part_9".into(),
        form_id: "f_size".into(),
        name: "Size advice".into(),
        confirmation_text: Some("Thanks! We'll send size advice within a day.".into()),
        fields: vec![field("height_cm", FieldType::Text, true)],
        min_filled_fields: Some(1),
        submitted: Some(true),
    });
    let root = render(None, part).await;
    let form = one(&root, "[data-testid=form]");
    assert_eq!(form.get_attribute("data-state").as_deref(), Some("sent"));
    assert!(form
        .text_content()
        .unwrap()
        .contains("We'll send size advice within a day."));
    assert_eq!(
        one(&root, ".dlg-form-sent")
            .get_attribute("role")
            .as_deref(),
        Some("status")
    );

    let ticket = Part::ShowSupportTicket(ShowSupportTicket {
        part_id: "part_7".into(),
        fields: Vec::new(),
        attachments_accepted: None,
        max_attachment_size_bytes: None,
        submitted: Some(true),
    });
    let root = render(None, ticket).await;
    assert!(root.text_content().unwrap().contains("Sent. Thank you!"));
}

#[wasm_bindgen_test]
async fn the_generic_form_asks_for_its_minimum_of_filled_fields() {
    let part = Part::ShowForm(ShowForm {
        part_id: "part_9".into(),
        form_id: "f_x".into(),
        name: "Tell us".into(),
        confirmation_text: None,
        fields: vec![
            field("a", FieldType::Text, false),
            field("b", FieldType::Text, false),
            field("photo", FieldType::File, false),
        ],
        min_filled_fields: Some(2),
        submitted: None,
    });
    let root = render(None, part).await;
    let form = one(&root, "form");
    assert!(
        form.get_attribute("aria-labelledby").is_some(),
        "named by its title"
    );
    assert_eq!(
        by_label(&root, "Label of photo")
            .get_attribute("type")
            .as_deref(),
        Some("file")
    );
    type_into(&by_label(&root, "Label of a"), "x").await;
    submit(&root).await;
    let error = one(&root, ".dlg-form-error");
    assert_eq!(
        error.text_content().as_deref(),
        Some("Fill in at least 2 fields.")
    );
    assert!(!error.has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn the_support_ticket_has_its_own_fields_and_attachments_only_when_accepted() {
    let ticket = |accepted| {
        Part::ShowSupportTicket(ShowSupportTicket {
            part_id: "part_7".into(),
            fields: vec![field("order_no", FieldType::Text, false)],
            attachments_accepted: accepted,
            max_attachment_size_bytes: Some(1_048_576),
            submitted: None,
        })
    };
    let root = render(None, ticket(None)).await;
    for label in [
        "Your name",
        "Email address",
        "What happened?",
        "Label of order_no",
    ] {
        by_label(&root, label);
    }
    let files = by_label(&root, "Attachments (optional)");
    assert_eq!(files.get_attribute("type").as_deref(), Some("file"));
    assert!(files.has_attribute("multiple"));
    assert!(root
        .text_content()
        .unwrap()
        .contains("Up to 5 files, 1.0 MB each."));

    let root = render(None, ticket(Some(false))).await;
    assert!(all(&root, "input[type=file]").is_empty());
}

#[wasm_bindgen_test]
async fn the_upload_prompt_names_the_accepted_types_and_the_limit() {
    let part = Part::RequestImageUpload(RequestImageUpload {
        part_id: "part_5".into(),
        accepted_types: None,
        max_size_bytes: None,
        submitted: None,
    });
    let root = render(None, part).await;
    let input = by_label(&root, "Choose an image");
    assert_eq!(input.get_attribute("type").as_deref(), Some("file"));
    assert_eq!(
        input.get_attribute("accept").as_deref(),
        Some("image/png,image/jpeg,image/webp")
    );
    assert!(root
        .text_content()
        .unwrap()
        .contains("PNG, JPEG, WEBP, up to 5.0 MB."));
}

#[wasm_bindgen_test]
async fn handover_is_offered_only_when_livechat_is_enabled_and_live() {
    let ctx = test_ctx();
    let part = Part::RequestHumanAgent(RequestHumanAgent {
        part_id: "part_3".into(),
        submitted: None,
    });
    let root = render(Some(ctx), part).await;
    let button = one(&root, "[data-testid=handover-button]");
    assert!(button.has_attribute("hidden"));
    assert!(root.text_content().unwrap().contains("no live support"));

    let config = |status: &str| {
        let json = format!(
            r#"{{"livechat":{{"enabled":true,"configured":true,"availability_status":"{status}",
                "show_livechat_logo":false,"attachments_enabled":false}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    };
    ctx.branding.apply(config("offline"));
    settle().await;
    assert!(button.has_attribute("hidden"));
    assert!(root.text_content().unwrap().contains("offline right now"));

    ctx.branding.apply(config("live"));
    settle().await;
    assert!(!button.has_attribute("hidden"));
    assert!(!root.text_content().unwrap().contains("offline"));
    assert_eq!(button.text_content().as_deref(), Some("Talk to a person"));

    let calls = script_fetch(
        200,
        r#"{"livechat_session_id":"lc_1","status":"waiting","platform":"website"}"#,
    );
    button.unchecked_into::<HtmlElement>().click();
    until("the handover asked and the queue shown", || {
        !calls.borrow().is_empty()
            && root
                .text_content()
                .unwrap_or_default()
                .contains("You are in the queue")
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&calls.borrow()[0].1).unwrap();
    assert_eq!(body["platform"], "website");
    assert_eq!(body["source"], "assistant_marker");
    assert_eq!(body["part_id"], "part_3");
    assert_eq!(body["client_context"]["language"], "en");
    assert!(root
        .text_content()
        .unwrap()
        .contains("You are in the queue"));
}

#[wasm_bindgen_test]
async fn a_custom_marker_renders_nothing_and_reaches_the_host_page_once() {
    let seen = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = seen.clone();
    let listener =
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            log.borrow_mut()
                .push(js_sys::JSON::stringify(&e.detail()).unwrap().into());
        });
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback("dialoge:marker", listener.as_ref().unchecked_ref())
        .unwrap();

    let ctx = test_ctx();
    let part = Part::Custom(CustomMarker {
        part_id: "part_11".into(),
        key: "open_size_guide".into(),
        payload: Some(serde_json::json!({"category": "tees"}).into()),
        submitted: None,
    });
    let root = render(Some(ctx), part.clone()).await;
    sleep(10).await;
    // The same part again (a re-render, or history after a reload) emits nothing more.
    let again = render(Some(ctx), part).await;
    sleep(10).await;
    web_sys::window()
        .unwrap()
        .remove_event_listener_with_callback("dialoge:marker", listener.as_ref().unchecked_ref())
        .unwrap();

    assert_eq!(root.child_element_count(), 0, "nothing rendered");
    assert_eq!(again.child_element_count(), 0);
    assert_eq!(
        seen.borrow().as_slice(),
        [r#"{"partId":"part_11","key":"open_size_guide","payload":{"category":"tees"}}"#]
    );
}

#[wasm_bindgen_test]
async fn the_rating_is_a_labelled_radio_group_and_is_sent_with_its_words() {
    let ctx = test_ctx();
    let root = container();
    let owner = Owner::new();
    owner.with(|| dom::mount(&root, || rating_el(ctx, None, RatingTarget::Conversation)));
    std::mem::forget(owner);
    settle().await;

    let radios = all(&root, "input[type=radio]");
    assert_eq!(radios.len(), 5);
    assert_eq!(
        by_label(&root, "4 stars").get_attribute("value").as_deref(),
        Some("4")
    );
    assert!(one(&root, "fieldset legend")
        .text_content()
        .unwrap()
        .contains("How was"));

    let calls = script_fetch(200, "");
    submit(&root).await;
    assert!(calls.borrow().is_empty(), "no rating chosen, nothing sent");
    assert!(!one(&root, ".dlg-form-error").has_attribute("hidden"));

    let four: HtmlInputElement = by_label(&root, "4 stars").unchecked_into();
    four.click();
    settle().await;
    type_into(
        &by_label(&root, "Anything you want to add? (optional)"),
        "Quick help",
    )
    .await;
    submit(&root).await;
    until("the rating sent", || {
        state_of(&root, "[data-testid=rating]").as_deref() == Some("sent")
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&calls.borrow()[0].1).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"rating": 4, "feedback": "Quick help"})
    );
    assert_eq!(
        one(&root, "[data-testid=rating]")
            .get_attribute("data-state")
            .as_deref(),
        Some("sent")
    );
}

/// `fill` puts the value in for every `{key}`, and leaves other braces and keys as they are.
#[wasm_bindgen_test]
fn fill_replaces_every_placeholder_and_nothing_else() {
    use dialoge_widget::i18n::fill;
    assert_eq!(
        fill("At most {n} characters.", "n", "20"),
        "At most 20 characters."
    );
    assert_eq!(fill("{n} of {n}", "n", "3"), "3 of 3");
    assert_eq!(fill("{{n}}", "n", "x"), "{x}");
    assert_eq!(fill("{size} {n", "n", "x"), "{size} {n");
    assert_eq!(fill("{nn} {n}", "n", "7"), "{nn} 7");
    assert_eq!(fill("ends {", "n", "7"), "ends {");
    assert_eq!(fill("ø {n} å", "n", "é"), "ø é å");
    assert_eq!(fill("", "n", "7"), "");
}

/// Idempotency keys are random UUID v4 text: 8-4-4-4-12 lowercase hex digits, version 4, the
/// RFC 4122 variant, and no two alike.
#[wasm_bindgen_test]
fn idempotency_keys_are_uuid_v4_text() {
    let keys: Vec<String> = (0..200)
        .map(|_| dialoge_widget::services::conversation::new_idempotency_key())
        .collect();
    for key in &keys {
        let b = key.as_bytes();
        assert_eq!(b.len(), 36, "{key}");
        for (i, c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                assert_eq!(*c, b'-', "{key}");
            } else {
                assert!(c.is_ascii_digit() || (b'a'..=b'f').contains(c), "{key}");
            }
        }
        assert_eq!(b[14], b'4', "version: {key}");
        assert!(b"89ab".contains(&b[19]), "variant: {key}");
    }
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), keys.len());
}

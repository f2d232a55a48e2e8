//! OpenDialog Chat API v3 under `/chat-api`: every endpoint, the scripted replies, the required
//! headers and the appKey, each security switch on and off (anonymous cookie, CSRF, CORS), and
//! the fault switches on these paths. Cookies are handled by hand (a small jar in [`Od`]) so
//! each test says exactly what the browser would send.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use dialoge_sandbox::opendialog::laravel::LaravelBody;
use dialoge_sandbox::opendialog::wire::{
    BotBody, BotEntry, ButtonAction, Configuration, ElementType, HistoryRow, MessageAnswer,
    UserType,
};
use dialoge_sandbox::routes::opendialog::dev::{FeedbackList, ScenarioList};
use dialoge_sandbox::stores::faults::{Fault, FaultRequest};
use serde_json::{json, Value};

use crate::common::{spawn_app, TestApp};

/// All three security features on.
const SECURE: &str = "3377699723000023";
const SECURE_KEY: &str = "1|sbxNordlysSecureAppKey0000000000000000001";
/// Every security feature off.
const OPEN: &str = "0x420";
const OPEN_KEY: &str = "2|sbxNordlysOpenAppKey00000000000000000002";
const INACTIVE: &str = "3377699723000099";
const INACTIVE_KEY: &str = "3|sbxNordlysInactiveAppKey000000000000003";
const ANONYMOUS_COOKIE: &str = "opendialog_anonymous_authentication_token";

/// One browser talking to one scenario: the three headers, a cookie jar and, when CSRF names
/// are set, the echoed header.
struct Od<'a> {
    app: &'a TestApp,
    scenario: String,
    key: String,
    user: String,
    jar: BTreeMap<String, String>,
    /// (cookie, header) to echo; `None` sends no CSRF header.
    csrf: Option<(String, String)>,
    origin: Option<String>,
}

impl<'a> Od<'a> {
    fn new(app: &'a TestApp, scenario: &str, key: &str) -> Self {
        Self {
            app,
            scenario: scenario.to_owned(),
            key: key.to_owned(),
            user: uuid::Uuid::new_v4().to_string(),
            jar: BTreeMap::new(),
            csrf: None,
            origin: None,
        }
    }

    fn open(app: &'a TestApp) -> Self {
        Self::new(app, OPEN, OPEN_KEY)
    }

    /// The secure scenario, echoing the CSRF cookie under Laravel's names.
    fn secure(app: &'a TestApp) -> Self {
        let mut od = Self::new(app, SECURE, SECURE_KEY);
        od.csrf = Some(("XSRF-TOKEN".to_owned(), "X-XSRF-TOKEN".to_owned()));
        od
    }

    fn builder(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self
            .app
            .client
            .request(method, self.app.url(path))
            .header("OPENDIALOG-USER-ID", &self.user)
            .header("OPENDIALOG-SCENARIO-ID", &self.scenario)
            .bearer_auth(&self.key);
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            builder = builder.header("cookie", cookies.join("; "));
        }
        if let Some((cookie, header)) = &self.csrf {
            if let Some(token) = self.jar.get(cookie) {
                builder = builder.header(header.as_str(), token);
            }
        }
        if let Some(origin) = &self.origin {
            builder = builder.header("origin", origin);
        }
        builder
    }

    /// Sends and keeps every cookie the answer sets.
    async fn send(&mut self, builder: reqwest::RequestBuilder) -> reqwest::Response {
        let response = builder.send().await.expect("request");
        for (name, value) in set_cookies(&response) {
            self.jar.insert(name, value);
        }
        response
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let builder = self.builder(reqwest::Method::GET, path);
        self.send(builder).await
    }

    async fn post(&mut self, path: &str, body: &Value) -> reqwest::Response {
        let builder = self.builder(reqwest::Method::POST, path).json(body);
        self.send(builder).await
    }

    /// A message body as the official widget sends it.
    fn body(&self, kind: &str, callback_id: Option<&str>, data: Value) -> Value {
        let mut content = json!({
            "type": kind, "id": uuid::Uuid::new_v4().to_string(),
            "author": self.user, "user_id": self.user, "data": data,
            "user": {"browserLanguage": "da-DK", "timezone": "Europe/Copenhagen",
                     "custom": {"selected_scenario": self.scenario}}
        });
        if let Some(callback_id) = callback_id {
            content["callback_id"] = json!(callback_id);
        }
        json!({"notification": "message", "user_id": self.user, "author": self.user,
               "message_id": uuid::Uuid::new_v4().to_string(), "content": content})
    }

    async fn say_raw(
        &mut self,
        kind: &str,
        callback_id: Option<&str>,
        data: Value,
    ) -> reqwest::Response {
        let body = self.body(kind, callback_id, data);
        self.post("/chat-api/message", &body).await
    }

    /// Sends a message and reads the answer's entries, checking it is a 200.
    async fn say(&mut self, kind: &str, callback_id: Option<&str>, data: Value) -> Vec<BotEntry> {
        let response = self.say_raw(kind, callback_id, data).await;
        assert_eq!(response.status(), 200);
        let answer: MessageAnswer = response.json().await.expect("an answer");
        answer.into_entries()
    }

    async fn text(&mut self, text: &str) -> Vec<BotEntry> {
        self.say("text", None, json!({"text": text})).await
    }

    async fn button(&mut self, callback_id: &str) -> Vec<BotEntry> {
        self.say(
            "button_response",
            Some(callback_id),
            json!({"text": callback_id, "value": callback_id}),
        )
        .await
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn set_cookie_line(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

async fn laravel(response: reqwest::Response) -> (u16, LaravelBody) {
    let status = response.status().as_u16();
    let body = response
        .json::<LaravelBody>()
        .await
        .expect("a Laravel body");
    (status, body)
}

fn messages(entries: &[BotEntry]) -> Vec<&BotBody> {
    entries
        .iter()
        .filter_map(|entry| match entry {
            BotEntry::Message(message) => Some(message.body()),
            BotEntry::Skip => None,
        })
        .collect()
}

async fn patch_security(app: &TestApp, scenario: &str, patch: Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!(
            "/sandbox/opendialog/scenarios/{scenario}/security"
        )))
        .json(&patch)
        .send()
        .await
        .expect("request")
}

// --- endpoints and the script ---------------------------------------------------------------

#[tokio::test]
async fn chat_open_answers_a_welcome_text_and_a_menu_of_buttons() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let response = od
        .say_raw(
            "chat_open",
            Some("WELCOME"),
            json!({"value": "http://shop.example/"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let wire: Value = response.json().await.unwrap();
    assert!(wire.is_array(), "two messages come as an array");
    assert_eq!(wire[0]["author"], "them");
    assert_eq!(wire[0]["type"], "text");
    assert!(wire[0]["data"]["text"]
        .as_str()
        .unwrap()
        .contains("Fish &amp; chips &lt;3"));
    assert!(wire[0]["data"]["date"].is_string() && wire[0]["data"]["time"].is_string());
    let entries: Vec<BotEntry> = serde_json::from_value(wire).unwrap();
    let BotBody::Button(menu) = messages(&entries)[1] else {
        panic!("a button message")
    };
    assert!(menu.buttons.len() >= 10);
    assert!(menu
        .buttons
        .iter()
        .all(|b| matches!(b.action, ButtonAction::Callback { .. })));
}

#[tokio::test]
async fn each_scripted_reply_shows_the_message_type_it_promises() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);

    let card = od.button("show_card").await;
    let bodies = messages(&card);
    let (BotBody::Rich(first), BotBody::Rich(second)) = (bodies[0], bodies[1]) else {
        panic!("two cards: {bodies:?}")
    };
    assert_eq!(first.buttons.len(), 2);
    assert!(first.image.as_ref().unwrap().src.starts_with(&app.base));
    assert_eq!(second.callback.as_deref(), Some("card_clicked"));
    let BotEntry::Message(spelled) = &card[1] else {
        panic!()
    };
    assert_eq!(spelled.kind(), "fp-rich");

    let carousel = od.text("show me the carousel").await;
    let BotBody::List(list) = messages(&carousel)[0] else {
        panic!()
    };
    assert_eq!(list.view_type, "horizontal");
    assert_eq!(list.items.len(), 3);

    let vertical = od.button("show_list").await;
    let BotBody::List(list) = messages(&vertical)[0] else {
        panic!()
    };
    assert_eq!(list.view_type, "vertical");

    let form = od.button("show_form").await;
    let BotBody::Form(form) = messages(&form)[0] else {
        panic!()
    };
    let kinds: Vec<&ElementType> = form.elements.iter().map(|e| &e.element_type).collect();
    for kind in [
        ElementType::Text,
        ElementType::Textarea,
        ElementType::Number,
        ElementType::Email,
        ElementType::Select,
        ElementType::Radio,
        ElementType::Checkbox,
        ElementType::AutoSelect,
    ] {
        assert!(kinds.contains(&&kind), "the form has a {kind:?}");
    }
    assert_eq!(form.cancel_callback.as_deref(), Some("form_cancelled"));

    let long = od.button("show_longtext").await;
    let BotBody::LongText(long) = messages(&long)[0] else {
        panic!()
    };
    assert_eq!(long.character_limit, Some(500));

    let image = od.button("show_image").await;
    assert!(matches!(messages(&image)[1], BotBody::Image(i) if i.link_new_tab));

    let links = od.button("show_links").await;
    let BotBody::Button(links) = messages(&links)[0] else {
        panic!()
    };
    assert!(links.external);
    let actions: Vec<&ButtonAction> = links.buttons.iter().map(|b| &b.action).collect();
    assert!(matches!(
        actions[0],
        ButtonAction::Link {
            link_new_tab: true,
            ..
        }
    ));
    assert!(matches!(actions[1], ButtonAction::Phone { .. }));
    assert!(matches!(
        actions[2],
        ButtonAction::Download { download: true }
    ));

    let handover = od.text("can I talk to a human?").await;
    assert!(matches!(messages(&handover)[1], BotBody::HandToSystem(_)));
    let BotEntry::Message(hand) = &handover[1] else {
        panic!()
    };
    assert_eq!(hand.kind(), "hand-to-system");
}

#[tokio::test]
async fn a_false_entry_and_an_unknown_type_arrive_as_sent() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let skip = od.button("show_skip").await;
    assert_eq!(skip.len(), 3);
    assert_eq!(skip[1], BotEntry::Skip);
    let response = od
        .say_raw(
            "button_response",
            Some("show_skip"),
            json!({"text": "again"}),
        )
        .await;
    let wire: Value = response.json().await.unwrap();
    assert_eq!(wire[1], json!(false));

    let unknown = od.button("show_unknown").await;
    let BotEntry::Message(hologram) = &unknown[1] else {
        panic!()
    };
    assert_eq!(hologram.kind(), "hologram");
    assert!(matches!(hologram.body(), BotBody::Other(_)));
}

#[tokio::test]
async fn exactly_one_message_is_answered_as_a_single_object() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let response = od
        .say_raw(
            "button_response",
            Some("show_single"),
            json!({"text": "One"}),
        )
        .await;
    let wire: Value = response.json().await.unwrap();
    assert!(wire.is_object(), "{wire}");
    assert_eq!(wire["data"]["text"], "Just this one message.");
}

#[tokio::test]
async fn a_form_response_is_echoed_escaped_and_a_url_click_gets_an_empty_body() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let entries = od
        .say(
            "form_response",
            Some("order_form"),
            json!({"name": "Ann & Bo", "size": "m", "text": "Name: Ann & Bo\nSize: Medium"}),
        )
        .await;
    let BotBody::Text(text) = messages(&entries)[0] else {
        panic!()
    };
    assert!(
        text.text.contains("Name: Ann &amp; Bo\nSize: Medium"),
        "{}",
        text.text
    );

    let cancelled = od
        .say("form_response", Some("form_cancelled"), json!({"text": ""}))
        .await;
    assert!(matches!(messages(&cancelled)[0], BotBody::Text(t) if t.text.contains("closed")));

    let response = od
        .say_raw(
            "url_click",
            None,
            json!({"url": "http://shop.example/privacy"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());

    let review = od
        .say(
            "longtext_response",
            Some("review_submitted"),
            json!({"text": "Lovely <3"}),
        )
        .await;
    assert!(matches!(messages(&review)[0], BotBody::Text(t) if t.text.contains("Lovely &lt;3")));
}

#[tokio::test]
async fn the_configuration_has_every_section_and_the_user_type_follows_the_visits() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 200);
    let raw: Value = response.json().await.unwrap();
    for key in ["general", "colours", "webchatHistory", "texts", "messages"] {
        assert!(raw.get(key).is_some(), "configuration has {key}");
    }
    let config: Configuration = serde_json::from_value(raw).unwrap();
    assert_eq!(config.user_type, UserType::New);
    assert_eq!(config.open_intent.as_deref(), Some("WELCOME"));
    assert!(config.webchat_history.show_history);
    assert_eq!(
        config.general.chatbot_avatar_path,
        Some(format!("{}/shop/img/bot.svg", app.base))
    );

    od.say("chat_open", Some("WELCOME"), json!({"value": "x"}))
        .await;
    let config: Configuration = od
        .get("/chat-api/configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config.user_type, UserType::Ongoing);
    app.clock.advance(Duration::from_secs(31 * 60));
    let config: Configuration = od
        .get("/chat-api/configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config.user_type, UserType::Returning);
}

#[tokio::test]
async fn history_is_newest_first_with_limit_and_ignore() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let empty: Vec<HistoryRow> = od.get("/chat-api/history").await.json().await.unwrap();
    assert!(empty.is_empty());
    od.say("chat_open", Some("WELCOME"), json!({"value": "x"}))
        .await; // + 2 bot rows
    app.clock.advance(Duration::from_secs(1));
    od.text("a single one please").await; // + 1 bot row

    let all: Vec<HistoryRow> = od.get("/chat-api/history").await.json().await.unwrap();
    let kinds: Vec<&str> = all.iter().map(|row| row.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "text", "button", "text", "chat_open"]);
    assert_eq!(all[0].author, "them");
    assert_eq!(all[1].author, od.user);
    assert_eq!(all[1].data["text"], "a single one please");
    assert!(all.windows(2).all(|pair| pair[0].id > pair[1].id));
    assert!(all[0].created_at.ends_with("000Z"), "{}", all[0].created_at);

    let limited: Vec<HistoryRow> = od
        .get("/chat-api/history?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(limited.len(), 2);
    assert_eq!(limited[0].id, all[0].id);

    let ignored: Vec<HistoryRow> = od
        .get("/chat-api/history?limit=10&ignore=chat_open,trigger,cta")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ignored.len(), 4);
    assert!(ignored.iter().all(|row| row.kind != "chat_open"));

    let (status, body) = laravel(od.get("/chat-api/history?limit=many").await).await;
    assert_eq!(status, 422);
    assert!(body.errors.contains_key("limit"));
}

#[tokio::test]
async fn the_transcript_is_a_plain_text_download_with_one_line_per_message() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    od.text("Fish & chips?").await;
    let response = od.get("/chat-api/transcript").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"));
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"Chat Transcript ")
            && disposition.ends_with(".txt\""),
        "{disposition}"
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(" - You: Fish & chips?"), "{text}");
    assert!(
        lines[1].contains(" - Bot: Sorry, I did not get that."),
        "{text}"
    );
    // `Y-m-d H:i - `
    let stamp = &lines[0][..16];
    assert_eq!(stamp.len(), 16);
    assert_eq!(&stamp[4..5], "-");
    assert_eq!(&stamp[13..14], ":");
}

#[tokio::test]
async fn feedback_on_a_shown_template_is_recorded_and_anything_else_is_a_422() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let (status, body) = laravel(
        od.post(
            "/chat-api/feedback",
            &json!({"message_template_id": "mt_shipping_times", "feedback": "positive"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "not shown yet");
    assert_eq!(
        body.errors["message_template_id"],
        ["The selected message template id is invalid."]
    );

    let entries = od.button("show_feedback").await;
    let BotEntry::Message(message) = &entries[0] else {
        panic!()
    };
    let template = message.message_template_id.clone().unwrap();

    let (status, body) = laravel(od.post("/chat-api/feedback", &json!({})).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body.errors["message_template_id"],
        ["The message template id field is required."]
    );
    assert_eq!(body.errors["feedback"], ["The feedback field is required."]);
    assert_eq!(
        body.message,
        "The message template id field is required. (and 1 more error)"
    );
    let (status, body) = laravel(
        od.post(
            "/chat-api/feedback",
            &json!({"message_template_id": template, "feedback": "meh"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body.errors["feedback"],
        ["The selected feedback is invalid."]
    );

    let response = od
        .post(
            "/chat-api/feedback",
            &json!({"message_template_id": template, "feedback": "negative",
                    "request_id": message.request_id}),
        )
        .await;
    assert_eq!(response.status(), 204);
    let list: FeedbackList = app
        .client
        .get(app.url(&format!("/sandbox/opendialog/scenarios/{OPEN}/feedback")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.feedback.len(), 1);
    assert_eq!(list.feedback[0].user_id, od.user);
    assert_eq!(
        list.feedback[0].request_id.as_deref(),
        Some("req_shipping_times")
    );
}

// --- headers, key, validation ---------------------------------------------------------------

#[tokio::test]
async fn each_missing_header_is_a_422_naming_it() {
    let app = spawn_app().await;
    let od = Od::open(&app);
    for missing in [
        "opendialog-user-id",
        "opendialog-scenario-id",
        "authorization",
    ] {
        let mut builder = app.client.get(app.url("/chat-api/configuration"));
        for (name, value) in [
            ("opendialog-user-id", od.user.clone()),
            ("opendialog-scenario-id", OPEN.to_owned()),
            ("authorization", format!("Bearer {OPEN_KEY}")),
        ] {
            if name != missing {
                builder = builder.header(name, value);
            }
        }
        let (status, body) = laravel(builder.send().await.unwrap()).await;
        assert_eq!(status, 422, "without {missing}");
        assert_eq!(
            body.errors[missing],
            [format!("The {missing} field is required.")]
        );
        assert_eq!(body.message, format!("The {missing} field is required."));
    }
    let (status, body) = laravel(
        app.client
            .post(app.url("/chat-api/message"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body.errors.len(), 3);
    assert!(body.message.ends_with("(and 2 more errors)"));
}

#[tokio::test]
async fn a_bad_app_key_is_a_401() {
    let app = spawn_app().await;
    for (scenario, key) in [
        (OPEN, "2|not-the-key"),
        (OPEN, SECURE_KEY),
        (INACTIVE, INACTIVE_KEY),
        ("no-such-scenario", OPEN_KEY),
    ] {
        let mut od = Od::new(&app, scenario, key);
        let (status, body) = laravel(od.get("/chat-api/configuration").await).await;
        assert_eq!(status, 401, "{scenario} with {key}");
        assert_eq!(body.message, "Unauthenticated.");
    }
    let response = app
        .client
        .get(app.url("/chat-api/history"))
        .header("OPENDIALOG-USER-ID", "u")
        .header("OPENDIALOG-SCENARIO-ID", OPEN)
        .header("authorization", format!("Basic {OPEN_KEY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_message_missing_fields_or_naming_someone_else_is_a_422() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let (status, body) = laravel(od.post("/chat-api/message", &json!({"content": {}})).await).await;
    assert_eq!(status, 422);
    for field in [
        "notification",
        "user_id",
        "author",
        "content.type",
        "content.user.custom.selected_scenario",
    ] {
        assert!(body.errors.contains_key(field), "{field}: {body:?}");
    }

    let mut other_user = od.body("text", None, json!({"text": "hi"}));
    other_user["user_id"] = json!("someone-else");
    let (status, body) = laravel(od.post("/chat-api/message", &other_user).await).await;
    assert_eq!(status, 422);
    assert!(body.errors["user_id"][0].contains("OPENDIALOG-USER-ID"));

    let mut other_scenario = od.body("text", None, json!({"text": "hi"}));
    other_scenario["content"]["user"]["custom"]["selected_scenario"] = json!(SECURE);
    let (status, body) = laravel(od.post("/chat-api/message", &other_scenario).await).await;
    assert_eq!(status, 422);
    assert!(body
        .errors
        .contains_key("content.user.custom.selected_scenario"));

    let (status, body) = laravel(
        od.say_raw("button_response", None, json!({"text": "x"}))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body.errors["content.callback_id"],
        ["The content.callback id field is required."]
    );
}

#[tokio::test]
async fn unknown_chat_api_paths_and_methods_answer_in_laravels_shape() {
    let app = spawn_app().await;
    let (status, body) = laravel(
        app.client
            .get(app.url("/chat-api/nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body.message, "The route chat-api/nope could not be found.");
    let (status, body) = laravel(
        app.client
            .get(app.url("/chat-api/message"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 405);
    assert!(body.message.contains("GET method is not supported"));
}

// --- anonymous authentication ---------------------------------------------------------------

#[tokio::test]
async fn with_anonymous_auth_on_the_first_call_sets_the_cookie_and_later_calls_need_it() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 200);
    let line = set_cookie_line(&response, ANONYMOUS_COOKIE).expect("the anonymous cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("Path=/"),
        "{line}"
    );
    assert!(od.text("hi").await.len() >= 2, "with its cookie");

    let mut forgetful = Od::secure(&app);
    forgetful.user = od.user.clone();
    forgetful.get("/chat-api/configuration").await; // only the CSRF cookie is new to it
    forgetful.jar.remove(ANONYMOUS_COOKIE);
    let (status, body) = laravel(forgetful.get("/chat-api/history").await).await;
    assert_eq!(status, 401, "a known user without its cookie");
    assert_eq!(body.message, "Unauthenticated.");

    forgetful
        .jar
        .insert(ANONYMOUS_COOKIE.to_owned(), "not.a.token".to_owned());
    let (status, _) = laravel(forgetful.get("/chat-api/history").await).await;
    assert_eq!(status, 401, "a broken cookie");
}

#[tokio::test]
async fn a_foreign_user_id_on_someone_elses_cookie_is_a_401() {
    let app = spawn_app().await;
    let mut alice = Od::secure(&app);
    let mut bob = Od::secure(&app);
    assert_eq!(alice.get("/chat-api/configuration").await.status(), 200);
    assert_eq!(bob.get("/chat-api/configuration").await.status(), 200);
    // Bob sends Alice's user id with his own cookies.
    let alice_id = alice.user.clone();
    bob.user = alice_id;
    let (status, body) = laravel(bob.get("/chat-api/history").await).await;
    assert_eq!(status, 401);
    assert_eq!(body.message, "Unauthenticated.");
    // Alice herself still gets in.
    assert_eq!(alice.get("/chat-api/history").await.status(), 200);
}

#[tokio::test]
async fn with_anonymous_auth_off_no_cookie_is_set_or_needed() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 200);
    assert!(set_cookies(&response).is_empty());
    od.jar.clear();
    assert_eq!(od.get("/chat-api/history").await.status(), 200);

    patch_security(&app, SECURE, json!({"anonymous_auth": false})).await;
    let mut secure = Od::secure(&app);
    let response = secure.get("/chat-api/configuration").await;
    assert!(set_cookie_line(&response, ANONYMOUS_COOKIE).is_none());
    secure.jar.remove(ANONYMOUS_COOKIE);
    assert_eq!(secure.get("/chat-api/history").await.status(), 200);
}

// --- CSRF -------------------------------------------------------------------------------------

#[tokio::test]
async fn with_csrf_on_a_read_issues_the_cookie_and_a_post_must_echo_it() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    let response = od.get("/chat-api/configuration").await;
    let line = set_cookie_line(&response, "XSRF-TOKEN").expect("the CSRF cookie");
    assert!(
        !line.contains("HttpOnly"),
        "the page's script reads it: {line}"
    );
    assert!(!od.text("hi").await.is_empty(), "echoed: accepted");

    // A missing CSRF header.
    od.csrf = None;
    let (status, body) = laravel(od.say_raw("text", None, json!({"text": "hi"})).await).await;
    assert_eq!(status, 419);
    assert_eq!(body.message, "CSRF token mismatch.");

    // A header that differs from the cookie.
    let builder = od
        .builder(reqwest::Method::POST, "/chat-api/message")
        .header("X-XSRF-TOKEN", "forged")
        .json(&od.body("text", None, json!({"text": "hi"})));
    let (status, _) = laravel(od.send(builder).await).await;
    assert_eq!(status, 419);
}

#[tokio::test]
async fn a_post_without_the_csrf_cookie_is_a_419_that_issues_one_to_retry_with() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    let response = od
        .say_raw("chat_open", Some("WELCOME"), json!({"value": "x"}))
        .await;
    assert_eq!(response.status(), 419);
    assert!(set_cookie_line(&response, "XSRF-TOKEN").is_some());
    assert!(od.jar.contains_key("XSRF-TOKEN"));
    // The anonymous check came after CSRF, so the retry is this user's first admitted call.
    let retry = od
        .say_raw("chat_open", Some("WELCOME"), json!({"value": "x"}))
        .await;
    assert_eq!(retry.status(), 200);
}

#[tokio::test]
async fn the_csrf_cookie_and_header_names_are_configurable() {
    let app = spawn_app().await;
    let response = patch_security(
        &app,
        SECURE,
        json!({"csrf": {"cookie": "od_csrf", "header": "X-OD-CSRF"}}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let mut od = Od::secure(&app);
    od.csrf = Some(("od_csrf".to_owned(), "X-OD-CSRF".to_owned()));
    let response = od.get("/chat-api/configuration").await;
    assert!(set_cookie_line(&response, "od_csrf").is_some());
    assert!(set_cookie_line(&response, "XSRF-TOKEN").is_none());
    assert_eq!(
        od.say_raw("text", None, json!({"text": "hi"}))
            .await
            .status(),
        200
    );

    let bad = patch_security(&app, SECURE, json!({"csrf": {"header": "X Bad"}})).await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn with_csrf_off_no_header_is_needed() {
    let app = spawn_app().await;
    patch_security(&app, SECURE, json!({"csrf": {"enabled": false}})).await;
    let mut od = Od::secure(&app);
    od.csrf = None;
    let response = od.get("/chat-api/configuration").await;
    assert!(set_cookie_line(&response, "XSRF-TOKEN").is_none());
    assert_eq!(
        od.say_raw("text", None, json!({"text": "hi"}))
            .await
            .status(),
        200
    );
}

// --- CORS -------------------------------------------------------------------------------------

#[tokio::test]
async fn an_allowed_origin_gets_its_origin_and_credentials_back() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    od.origin = Some("http://localhost:3000".to_owned());
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
}

#[tokio::test]
async fn a_wrong_origin_is_refused_without_cors_headers() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    od.origin = Some("http://evil.example".to_owned());
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 403);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert!(
        set_cookies(&response).is_empty(),
        "refused before any cookie"
    );
}

#[tokio::test]
async fn a_preflight_allows_the_opendialog_and_csrf_headers_with_credentials() {
    let app = spawn_app().await;
    let preflight = |origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/chat-api/message"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, opendialog-user-id, opendialog-scenario-id, x-xsrf-token",
            )
            .send()
    };
    let response = preflight("http://localhost:3000").await.unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:3000"
    );
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    for name in [
        "authorization",
        "content-type",
        "opendialog-user-id",
        "opendialog-scenario-id",
        "x-xsrf-token",
    ] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }

    // The open scenario answers any origin; once it enforces a list too, a stranger is refused.
    assert_eq!(
        preflight("http://evil.example").await.unwrap().status(),
        204
    );
    patch_security(
        &app,
        OPEN,
        json!({"cors": {"enabled": true, "allowed_origins": ["http://shop.example"]}}),
    )
    .await;
    let refused = preflight("http://evil.example").await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn with_cors_off_any_origin_is_answered_with_credentials() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    od.origin = Some("http://evil.example".to_owned());
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://evil.example"
    );
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
}

// --- all on, and faults ------------------------------------------------------------------------

#[tokio::test]
async fn a_whole_conversation_passes_with_all_three_features_on() {
    let app = spawn_app().await;
    let scenarios: ScenarioList = app
        .client
        .get(app.url("/sandbox/opendialog/scenarios"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secure = scenarios
        .scenarios
        .iter()
        .find(|s| s.scenario_id == SECURE)
        .unwrap();
    assert!(
        secure.security.anonymous_auth
            && secure.security.csrf.enabled
            && secure.security.cors.enabled
    );

    let mut od = Od::secure(&app);
    od.origin = Some("http://127.0.0.1:5173".to_owned());
    let config: Configuration = od
        .get("/chat-api/configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config.user_type, UserType::New);
    assert!(od.jar.contains_key(ANONYMOUS_COOKIE) && od.jar.contains_key("XSRF-TOKEN"));
    assert_eq!(od.get("/chat-api/history?limit=10").await.status(), 200);
    let open = od
        .say("chat_open", Some("WELCOME"), json!({"value": "x"}))
        .await;
    assert!(open.len() >= 2);
    let entries = od.text("shipping?").await;
    let BotEntry::Message(message) = &entries[0] else {
        panic!()
    };
    let response = od
        .post(
            "/chat-api/feedback",
            &json!({"message_template_id": message.message_template_id, "feedback": "positive"}),
        )
        .await;
    assert_eq!(response.status(), 204);
    let transcript = od.get("/chat-api/transcript").await.text().await.unwrap();
    assert!(transcript.contains("You: shipping?"), "{transcript}");
    let history: Vec<HistoryRow> = od.get("/chat-api/history").await.json().await.unwrap();
    assert_eq!(history.len(), 1 + open.len() + 1 + entries.len());
}

#[tokio::test]
async fn fault_switches_apply_to_chat_api_paths_in_laravels_shape() {
    let app = spawn_app().await;
    let mut od = Od::open(&app);
    app.arm(FaultRequest {
        path: "/chat-api/message".to_owned(),
        method: Some("POST".to_owned()),
        fault: Fault::Status {
            status: 429,
            retry_after: Some(4),
        },
        count: 1,
    })
    .await;
    let response = od.say_raw("text", None, json!({"text": "hi"})).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "4");
    let (_, body) = laravel(response).await;
    assert_eq!(body.message, "Injected fault: HTTP 429");
    assert!(body.errors.is_empty());
    assert_eq!(
        od.say_raw("text", None, json!({"text": "hi"}))
            .await
            .status(),
        200
    );

    app.arm(FaultRequest {
        path: "/chat-api/configuration".to_owned(),
        method: None,
        fault: Fault::Status {
            status: 503,
            retry_after: None,
        },
        count: 1,
    })
    .await;
    od.origin = Some("http://localhost:3000".to_owned());
    let response = od.get("/chat-api/configuration").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000",
        "the page can read the injected error"
    );

    app.arm(FaultRequest {
        path: "/chat-api/history".to_owned(),
        method: None,
        fault: Fault::Delay { ms: 300 },
        count: 1,
    })
    .await;
    let started = Instant::now();
    assert_eq!(od.get("/chat-api/history").await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn the_security_switches_can_be_read_and_changed_at_run_time() {
    let app = spawn_app().await;
    let url = app.url(&format!("/sandbox/opendialog/scenarios/{SECURE}/security"));
    let before: Value = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before["csrf"]["header"], "X-XSRF-TOKEN");
    let after: Value = patch_security(&app, SECURE, json!({"cors": {"enabled": false}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["cors"]["enabled"], false);
    assert_eq!(after["anonymous_auth"], true, "untouched");
    let missing = patch_security(&app, "nope", json!({})).await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_scripted_answer_and_configuration_are_sent_verbatim_until_used_or_dropped() {
    let app = spawn_app().await;
    let mut od = Od::secure(&app);
    let replies = app.url(&format!("/sandbox/opendialog/scenarios/{SECURE}/replies"));
    let configuration = app.url(&format!(
        "/sandbox/opendialog/scenarios/{SECURE}/configuration"
    ));

    // A configuration no script would write: sent as given, no userType added.
    let hostile = json!({"general": {"chatbotName": "<img src=x onerror=alert(1)>"},
                         "colours": {"headerBackground": "red;}</style><script>"}});
    let put = app
        .client
        .put(&configuration)
        .json(&hostile)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let got: Value = od
        .get("/chat-api/configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, hostile);

    // Two answers queued: taken in order by the next messages that are not a url_click, with
    // the usual checks first; then the script answers again.
    let first = json!([{"author": "them", "type": "text", "data": {"text": "<b>raw</b>"}},
                       false, {"type": "hologram", "data": "odd"}]);
    let second = json!({"type": "image", "data": {"img_src": "javascript:alert(1)"}});
    for answer in [&first, &second] {
        let post = app
            .client
            .post(&replies)
            .json(&json!({"answer": answer}))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 204);
    }
    let click = od
        .say_raw("url_click", None, json!({"url": "https://x.example"}))
        .await;
    assert_eq!(click.status(), 200);
    assert_eq!(click.text().await.unwrap(), "");
    let wire: Value = od
        .say_raw("text", None, json!({"text": "hi"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wire, first);
    let wire: Value = od
        .say_raw("text", None, json!({"text": "hi"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wire, second);
    assert!(
        !messages(&od.text("hi").await).is_empty(),
        "the script again"
    );

    // History keeps the scripted messages as sent.
    let rows: Vec<HistoryRow> = od.get("/chat-api/history").await.json().await.unwrap();
    assert!(rows.iter().any(|row| row.data == json!("odd")));
    assert!(rows
        .iter()
        .any(|row| row.data["img_src"] == "javascript:alert(1)"));

    // Dropped: answers not taken yet, and the scripted configuration.
    app.client
        .post(&replies)
        .json(&json!({"answer": []}))
        .send()
        .await
        .unwrap();
    let dropped: Value = app
        .client
        .delete(&replies)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dropped, json!({"dropped": 1}));
    let delete = app.client.delete(&configuration).send().await.unwrap();
    assert_eq!(delete.status(), 204);
    let config: Configuration = od
        .get("/chat-api/configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config.general.chatbot_name, "Nordlys Assistant");

    // Another scenario is not touched, an unknown one is a 404, an answer must be given.
    let missing = app
        .client
        .post(&replies)
        .json(&json!({"parts": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    let unknown = app
        .client
        .post(app.url("/sandbox/opendialog/scenarios/nope/replies"))
        .json(&json!({"answer": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

//! `ToJson` against serde_json: every type the widget writes gives, byte for byte, the text
//! `serde_json::to_string` gives for it (the same fields, names, order, omissions, escapes and
//! number forms). `tests/fuzz.rs` does the same on random values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Debug;

use dialoge_api::json::{Map, Value};
use dialoge_api::opendialog::{
    Configuration, ContentType, ElementType, Feedback, FeedbackRequest as OdFeedbackRequest,
    FieldValue, FormData, FormElement, FormOption, MessageRequest, Sender,
};
use dialoge_api::*;
use serde::Serialize;

/// A JSON value of ours, written as with serde_json's `json!`.
macro_rules! json {
    ($($t:tt)*) => {
        Value::from(serde_json::json!($($t)*))
    };
}

/// Ours and serde_json's text are the same.
#[track_caller]
fn same<T: ToJson + Serialize + Debug + ?Sized>(value: &T) {
    let ours = to_json(value);
    let theirs = serde_json::to_string(value).unwrap();
    assert_eq!(ours, theirs, "for {value:?}");
}

/// Text with everything JSON escapes, and much it does not.
const TEXTS: &[&str] = &[
    "",
    "plain",
    "a \"quoted\" word",
    "back\\slash \\\\ and \\\"",
    "line\nbreak\r\nand\ttab",
    "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{e}\u{1b}\u{1f} controls",
    "\u{7f} delete is not escaped",
    "é ß ø 日本語 Ελληνικά",
    "emoji 😀👍🏽👨‍👩‍👧",
    "</script><b>html</b> & 'single'",
    "\u{2028}\u{2029} separators",
    "\u{feff}bom",
    "a\u{301} combining",
    "/ solidus is not escaped",
];

/// Floats at the edges of every form zmij and serde_json print.
const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    0.1,
    0.2 + 0.1,
    1.0,
    -1.5,
    12.99,
    1.0 / 3.0,
    1e300,
    -1e300,
    1e-300,
    5e-324,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    f64::EPSILON,
    1e15,
    1e16,
    1e17,
    1e21,
    1e22,
    123_456_789_012_345_680.0,
    9_007_199_254_740_993.0,
    1e-5,
    1e-6,
    1e-7,
    2.5e-7,
    1234.5678,
    -0.000_123,
];

/// Integers at the edges of `u64` and `i64`, as `Value`s.
fn integers() -> Vec<Value> {
    vec![
        json!(0),
        json!(1),
        json!(-1),
        json!(u64::MAX),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::from(u32::MAX) + 1),
    ]
}

/// A nested `Value` with every kind of value in it.
fn nested() -> Value {
    let mut floats = Vec::new();
    for &f in FLOATS {
        floats.push(json!(f));
    }
    json!({
        "texts": TEXTS,
        "integers": integers(),
        "floats": floats,
        "flags": [true, false, null],
        "empty": {"array": [], "object": {}, "string": ""},
        "deep": {"a": [{"b": [[], [{}], {"c": null}]}]},
        "quote\"key\\\n": "keys are escaped too",
        "日本": "😀",
        "": "empty key",
    })
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    for text in TEXTS {
        same(*text);
        same(&(*text).to_owned());
        same(&Value::String((*text).to_owned()));
    }
    // Every byte below 0x80 on its own, and every control character in a row.
    for byte in 0u8..0x80 {
        same(&char::from(byte).to_string());
    }
    let controls: String = (0u8..0x20).map(char::from).collect();
    same(&controls);
}

#[test]
fn numbers_are_written_as_serde_json_writes_them() {
    for &f in FLOATS {
        same(&f);
        same(&-f);
        same(&json!(f));
    }
    // JSON has no NaN or infinity: both write `null`.
    for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        same(&f);
        assert_eq!(to_json(&f), "null");
    }
    // Every exponent, with pseudo-random significands (xorshift, fixed seed).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..50_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let f = f64::from_bits(seed);
        same(&f);
        if let Some(n) = serde_json::Number::from_f64(f) {
            same(&Value::Number(n));
        }
    }
    for n in integers() {
        same(&n);
    }
    same(&u64::MAX);
    same(&i64::MIN);
    same(&i64::MAX);
    same(&u8::MAX);
    same(&u32::MAX);
    same(&usize::MAX);
    same(&0u8);
    same(&-1i32);
}

#[test]
fn values_keep_their_map_order_and_nesting() {
    same(&nested());
    same(&Value::Null);
    same(&json!([]));
    same(&json!({}));
    same(&json!([[[]]]));
    let Value::Object(map) = nested() else {
        unreachable!()
    };
    same(&map);
    same(&vec![nested(), Value::Null, json!("x")]);
    same(&Some(nested()));
    same(&None::<Value>);
}

#[test]
fn lists_of_strings_are_written_as_serde_json_writes_them() {
    let seen: Vec<String> = TEXTS.iter().map(|t| (*t).to_owned()).collect();
    same(&seen);
    same(&Vec::<String>::new());
    same(&vec!["part_1".to_owned()]);
}

fn text_parts() -> Vec<InputPart> {
    TEXTS
        .iter()
        .map(|t| InputPart::Text {
            text: (*t).to_owned(),
        })
        .collect()
}

#[test]
fn a_sent_message_is_written_as_serde_json_writes_it() {
    let mut parts = text_parts();
    parts.push(InputPart::Image {
        data: "iVBORw0KGgo=".into(),
        mime: "image/png".into(),
        filename: "a \"b\".png".into(),
    });
    parts.push(InputPart::File {
        data: String::new(),
        mime: "application/pdf".into(),
        filename: String::new(),
    });
    let message = OutgoingMessage { parts };
    let Value::Object(extra) = nested() else {
        unreachable!()
    };
    for context in [
        None,
        Some(Context::default()),
        Some(Context {
            page: Some("https://shop.example/p?q=\"x\"&y=é".into()),
            extra: Map::new(),
        }),
        Some(Context {
            page: None,
            extra: extra.clone(),
        }),
        // `flatten` writes the map's keys after the fields, even one the struct has too.
        Some(Context {
            page: Some("https://shop.example/".into()),
            extra: {
                let mut extra = extra.clone();
                extra.insert("page".into(), json!(1.5));
                extra
            },
        }),
    ] {
        same(&SendMessage {
            message: message.clone(),
            context,
        });
    }
    same(&SendMessage {
        message: OutgoingMessage { parts: Vec::new() },
        context: None,
    });
    for part in &message.parts {
        same(part);
    }
}

fn uploads() -> SortedMap<AttachmentUpload> {
    let mut files = SortedMap::new();
    files.insert(
        "cv".to_owned(),
        AttachmentUpload {
            filename: "cv \"final\".pdf".into(),
            mime_type: "application/pdf".into(),
            data_base64: "JVBERi0=".into(),
        },
    );
    files.insert(
        "photo\n".to_owned(),
        AttachmentUpload {
            filename: "😀.png".into(),
            mime_type: "image/png".into(),
            data_base64: String::new(),
        },
    );
    files
}

fn texts_by_key() -> SortedMap<String> {
    TEXTS
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("{t}{i}"), (*t).to_owned()))
        .collect()
}

#[test]
fn every_action_is_written_as_serde_json_writes_it() {
    let Value::Object(extra) = nested() else {
        unreachable!()
    };
    let actions = [
        Action::ContactForm(ContactForm::default()),
        Action::ContactForm(ContactForm {
            fields: texts_by_key(),
            files: SortedMap::new(),
        }),
        Action::ContactForm(ContactForm {
            fields: texts_by_key(),
            files: uploads(),
        }),
        Action::SupportTicket(SupportTicket::default()),
        Action::SupportTicket(SupportTicket {
            name: "Zoë \"Z\" O'Brien".into(),
            email: "zoe@example.com".into(),
            message: "line 1\nline 2\t😀".into(),
            attachments: uploads().into_iter().map(|(_, upload)| upload).collect(),
            extra: extra.clone(),
        }),
        Action::SupportTicket(SupportTicket {
            name: String::new(),
            email: String::new(),
            message: String::new(),
            attachments: Vec::new(),
            extra: {
                let mut extra = Map::new();
                extra.insert("name".into(), json!("a duplicate of a field"));
                extra.insert("type".into(), json!("a duplicate of the tag"));
                extra
            },
        }),
        Action::FormSubmission(FormSubmission::default()),
        Action::FormSubmission(FormSubmission {
            form_id: "form \"1\"".into(),
            values: texts_by_key(),
            files: uploads(),
        }),
    ];
    for action in actions {
        same(&action);
        same(&ActionRequest {
            part_id: "part_\u{1}".into(),
            action,
        });
    }
}

#[test]
fn ratings_forms_and_livechat_requests_are_written_as_serde_json_writes_them() {
    for feedback in [None, Some(String::new()), Some("Quick \"help\"\n😀".into())] {
        for rating in [0, 1, 5, u8::MAX] {
            same(&RateRequest {
                rating,
                feedback: feedback.clone(),
            });
            same(&livechat::FeedbackRequest {
                rating,
                feedback: feedback.clone(),
            });
        }
        same(&CloseRequest {
            reason: feedback.clone(),
        });
    }
    same(&PatchFormValues::default());
    same(&PatchFormValues {
        values: texts_by_key(),
    });
    same(&TypingRequest { is_typing: true });
    same(&TypingRequest { is_typing: false });

    let full = ClientContext {
        browser: Some("Firefox".into()),
        browser_language: Some("da-DK".into()),
        browser_version: Some("128.0".into()),
        current_page_url: Some("https://shop.example/?a=\"b\"".into()),
        language: Some("da".into()),
        os: Some("Linux\t\u{0}".into()),
    };
    let partial = ClientContext {
        browser_language: Some("de".into()),
        os: Some("macOS".into()),
        ..ClientContext::default()
    };
    for source in [
        HandoverSource::ManualButton,
        HandoverSource::AssistantMarker,
        HandoverSource::Other("from the \"future\"".into()),
    ] {
        for client_context in [
            None,
            Some(ClientContext::default()),
            Some(partial.clone()),
            Some(full.clone()),
        ] {
            for part_id in [None, Some("part_9".to_owned())] {
                same(&HandoverRequest {
                    platform: "website".into(),
                    source: source.clone(),
                    part_id,
                    client_context: client_context.clone(),
                });
            }
        }
    }
    same(&HandoverRequest::website_from(
        HandoverSource::ManualButton,
        None,
    ));
}

#[test]
fn agents_in_livechat_events_are_written_as_serde_json_writes_them() {
    for avatar_url in [None, Some("https://cdn.example/a b.png".to_owned())] {
        same(&AgentInfo {
            agent_id: "agent-\"1\"".into(),
            display_name: "Maja 😀".into(),
            avatar_url,
        });
    }
    same(&AgentInfo {
        agent_id: String::new(),
        display_name: String::new(),
        avatar_url: None,
    });
}

/// A struct like the widget's handshake body: borrowed fields and a lifetime.
#[derive(Debug, Serialize, ToJson)]
struct Borrowed<'a> {
    chatbot_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_token: Option<&'a str>,
}

/// Every attribute the derive reads, with serde's meaning.
#[derive(Debug, Serialize, ToJson)]
struct Attributes {
    #[serde(rename = "type")]
    kind: String,
    r#match: u32,
    // Written by neither: only there to be left out.
    #[allow(dead_code)]
    #[serde(skip)]
    skipped: String,
    #[allow(dead_code)]
    #[serde(skip_serializing, default)]
    not_written: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    list: Vec<bool>,
    #[serde(skip_deserializing)]
    written: Option<f64>,
    #[serde(flatten)]
    rest: Map,
}

#[test]
fn the_derive_reads_serde_attributes_as_serde_does() {
    for chatbot_id in TEXTS {
        for visitor_token in [None, Some("eyJ\"tok\""), Some("")] {
            same(&Borrowed {
                chatbot_id,
                visitor_token,
            });
        }
    }
    let Value::Object(rest) = nested() else {
        unreachable!()
    };
    for (list, written, rest) in [
        (Vec::new(), None, Map::new()),
        (vec![true, false], Some(-0.0), rest.clone()),
        (vec![false], Some(f64::NAN), rest),
    ] {
        same(&Attributes {
            kind: "k".into(),
            r#match: 7,
            skipped: "never".into(),
            not_written: 1,
            list,
            written,
            rest,
        });
    }
}

fn sender() -> Sender {
    Sender {
        user_id: "user-\"1\"".into(),
        scenario_id: "scenario\n1".into(),
        browser_language: "da-DK".into(),
        timezone: "Europe/Copenhagen".into(),
    }
}

fn element(
    name: &str,
    display: &str,
    element_type: ElementType,
    options: &[(&str, &str)],
) -> FormElement {
    FormElement {
        name: name.into(),
        display: display.into(),
        required: false,
        min: None,
        max: None,
        default_value: None,
        element_type,
        options: options
            .iter()
            .map(|(key, label)| FormOption {
                key: (*key).into(),
                label: (*label).into(),
            })
            .collect(),
    }
}

fn form() -> FormData {
    FormData {
        text: None,
        callback_id: "intent.form".into(),
        elements: vec![
            element("name", "Your name", ElementType::Text, &[]),
            element(
                "size",
                "Size",
                ElementType::Select,
                &[("s", "Small"), ("l", "Large \"XL\"")],
            ),
            element(
                "extras",
                "Extras",
                ElementType::Checkbox,
                &[("gift", "Gift wrap"), ("card", "Card 😀")],
            ),
        ],
        submit_text: None,
        cancel_text: Some("Never \"mind\"".into()),
        cancel_callback: Some("intent.cancel".into()),
        auto_submit: false,
    }
}

#[test]
fn every_opendialog_request_is_written_as_serde_json_writes_it() {
    let s = sender();
    let form = form();
    let mut requests = vec![
        MessageRequest::chat_open(&s, "m1", "WELCOME", "https://shop.example/?q=\"x\""),
        MessageRequest::trigger(&s, "m2", "intent.x", None),
        MessageRequest::trigger(&s, "m3", "intent.x", Some("v\n")),
        MessageRequest::url_click(&s, "m5", "https://example.com/a b"),
        MessageRequest::longtext_response(&s, "m6", "intent.long", "line\r\nline"),
        MessageRequest::button_response(&s, "m7", "intent.b", "Yes 😀", None),
        MessageRequest::button_response(&s, "m8", "intent.b", "Yes", Some("yes\"")),
        MessageRequest::form_response(
            &s,
            "m9",
            &form,
            &[
                ("name".into(), FieldValue::One("Zoë \"Z\"".into())),
                ("size".into(), FieldValue::One("l".into())),
                (
                    "extras".into(),
                    FieldValue::Many(vec!["gift".into(), "card".into()]),
                ),
                ("unknown".into(), FieldValue::Many(Vec::new())),
            ],
        ),
        MessageRequest::form_cancel(&s, "m10", &form).unwrap(),
    ];
    for text in TEXTS {
        requests.push(MessageRequest::text(&s, "m4", text));
    }
    // What a caller may add: more `user.custom` keys and `data` of any JSON.
    let mut custom = MessageRequest::text(&s, "m11", "hi");
    let Value::Object(extra) = nested() else {
        unreachable!()
    };
    custom.content.user.custom.extend(extra.clone());
    custom.content.data.extend(extra);
    requests.push(custom);
    for kind in [
        ContentType::ChatOpen,
        ContentType::Trigger,
        ContentType::Text,
        ContentType::ButtonResponse,
        ContentType::FormResponse,
        ContentType::UrlClick,
        ContentType::LongtextResponse,
    ] {
        same(&kind);
        requests.push(MessageRequest::new(&s, "m12", kind, None, Map::new()));
    }
    for request in &requests {
        same(request);
        same(&request.content);
        same(&request.content.user);
    }

    for feedback in [Feedback::Positive, Feedback::Negative] {
        same(&feedback);
        for request_id in [None, Some("req \"1\"")] {
            same(&OdFeedbackRequest::new("template\t1", feedback, request_id));
        }
    }
}

/// What the widget wrote with `json!` before `Configuration::branding`.
fn branding_as_json_macro(od: &Configuration) -> Value {
    let c = &od.colours;
    let g = &od.general;
    json!({
        "display": {
            "name": g.chatbot_name.clone().unwrap_or_default(),
            "avatar": {"url": g.chatbot_avatar_path},
        },
        "theme": {
            "brand": {"primary_color": c.header_background.clone().or_else(|| c.launcher_background.clone())},
            "surface": {"background_color": c.message_list_background},
            "header": {"logo": {"url": g.logo}},
            "messages": {
                "assistant": {"background_color": c.received_message_background, "text_color": c.received_message_text},
                "user": {"background_color": c.sent_message_background, "text_color": c.sent_message_text},
            },
            "input": {
                "background_color": c.user_input_background,
                "text_color": c.user_input_text,
                "send_button": {"icon_color": c.icon_background},
            },
            "product_card": {"button": {"background_color": c.button_background}},
        },
    })
}

#[test]
fn opendialog_branding_is_the_config_it_was_and_written_the_same() {
    let full = json!({
        "general": {
            "chatbotName": "Bot \"B\" 😀",
            "chatbotAvatarPath": "https://cdn.example/a.png",
            "logo": "https://cdn.example/logo.svg",
        },
        "colours": {
            "headerBackground": "#112233",
            "launcherBackground": "#445566",
            "messageListBackground": "#ffffff",
            "sentMessageBackground": "#000",
            "sentMessageText": "#fff",
            "receivedMessageBackground": "#eee",
            "receivedMessageText": "#111",
            "userInputBackground": "#fafafa",
            "userInputText": "#222",
            "iconBackground": "#333",
            "buttonBackground": "#444",
        },
    });
    let launcher_only = json!({"colours": {"launcherBackground": "#445566"}});
    for value in [full, launcher_only, json!({})] {
        let od = Configuration::read(&value).unwrap();
        let ours = od.branding();
        let theirs = branding_as_json_macro(&od);
        assert_eq!(ours, theirs);
        assert_eq!(to_json(&ours), serde_json::to_string(&theirs).unwrap());
        assert_eq!(
            Config::from_json(&ours).unwrap(),
            from_json::<Config>(&theirs.to_string()).unwrap()
        );
    }
}

/// `SortedMap` stands in for `BTreeMap<String, _>`: the same text written (by `ToJson` and by
/// serde), the same map read (a repeated key keeps its last value), the same answers to every
/// insert, lookup and removal, the same order.
#[test]
fn a_sorted_map_behaves_as_a_btree_map() {
    // Keys in no order, each given twice with different values.
    let pairs: Vec<(String, String)> = TEXTS
        .iter()
        .rev()
        .chain(TEXTS)
        .enumerate()
        .map(|(i, t)| ((*t).to_owned(), format!("{i}")))
        .collect();
    let ours: SortedMap<String> = pairs.iter().cloned().collect();
    let theirs: BTreeMap<String, String> = pairs.iter().cloned().collect();
    assert!(ours.iter().eq(theirs.iter()));
    assert_eq!(to_json(&ours), serde_json::to_string(&theirs).unwrap());
    assert_eq!(
        serde_json::to_string(&ours).unwrap(),
        serde_json::to_string(&theirs).unwrap()
    );
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));

    let text = r#"{"b": "1", "a": "2", "b": "3", "": "4"}"#;
    let read: SortedMap<String> = from_json(text).unwrap();
    let btree: BTreeMap<String, String> = serde_json::from_str(text).unwrap();
    assert!(read.iter().eq(btree.iter()));
    // Through serde, as the sandbox reads a submission.
    let body = format!(r#"{{"form_id": "f", "values": {text}}}"#);
    let submission: FormSubmission = serde_json::from_str(&body).unwrap();
    assert!(submission.values.iter().eq(btree.iter()));
    assert!(from_json::<SortedMap<String>>("[]").is_err());

    // Inserts and removals in a pseudo-random order over a few keys.
    let mut ours = SortedMap::new();
    let mut theirs = BTreeMap::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for step in 0..5_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let key = ["", "a", "b", "ab", "é", "B", "a\u{0}"][(seed % 7) as usize].to_owned();
        match (seed >> 8) % 3 {
            0 => assert_eq!(ours.remove(&key), theirs.remove(&key)),
            _ => assert_eq!(
                ours.insert(key.clone(), step),
                theirs.insert(key.clone(), step)
            ),
        }
        assert_eq!(ours.get(&key), theirs.get(&key));
        assert_eq!(ours.contains_key(&key), theirs.contains_key(&key));
        assert_eq!(ours.is_empty(), theirs.is_empty());
        assert!(ours.iter().eq(theirs.iter()));
    }
    assert!(ours.clone().into_iter().eq(theirs.clone()));
    assert!(ours.keys().eq(theirs.keys()));
}

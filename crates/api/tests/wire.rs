//! Wire types against the fixtures and the contract's examples: round trips, tolerance of the
//! unknown, and the exact JSON the server and widget exchange.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Debug;

use common::{json_fixture, parse_whole, sse_fixture, stream_events, SSE_FIXTURES};
use dialoge_api::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// Deserialize → serialize → deserialize, asserting the two values are equal.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(json: &str) -> T {
    let first: T = serde_json::from_str(json).unwrap_or_else(|err| panic!("{err} in {json}"));
    let serialized = serde_json::to_string(&first).unwrap();
    let second: T = serde_json::from_str(&serialized).unwrap();
    assert_eq!(first, second, "round trip through {serialized}");
    first
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn parts_of(events: &[StreamEvent]) -> Vec<Part> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Part(p) => Some(p.part.clone()),
            _ => None,
        })
        .collect()
}

fn done_of(events: &[StreamEvent]) -> DoneEvent {
    events
        .iter()
        .find_map(|e| match e {
            StreamEvent::Done(d) => Some(d.clone()),
            _ => None,
        })
        .expect("a done event")
}

// ------------------------------------------------------------------------------------------------
// Fixture round trips

#[test]
fn every_json_fixture_round_trips() {
    round_trip::<Config>(json_fixture("config_full.json"));
    round_trip::<Config>(json_fixture("config_minimal.json"));
    round_trip::<ErrorEnvelope>(json_fixture("error_validation.json"));
    round_trip::<HistoryPage>(json_fixture("history_page.json"));
    round_trip::<LivechatState>(json_fixture("livechat_state_active.json"));
}

#[test]
fn every_part_and_done_payload_in_the_streams_round_trips() {
    for (name, bytes) in SSE_FIXTURES {
        for sse in parse_whole(bytes).0 {
            match sse.event.as_str() {
                "part" => {
                    round_trip::<PartEvent>(&sse.data);
                }
                "done" => {
                    round_trip::<DoneEvent>(&sse.data);
                }
                "part_delta" => {
                    round_trip::<PartDeltaEvent>(&sse.data);
                }
                "status" => {
                    round_trip::<StatusEvent>(&sse.data);
                }
                "error" => {
                    round_trip::<StreamErrorEvent>(&sse.data);
                }
                other => assert_eq!((*name, other), ("stream_markers.sse", "mystery_event")),
            }
        }
    }
}

#[test]
fn known_payloads_reserialize_to_exactly_the_json_they_came_from() {
    // Stronger than a round trip: nothing is renamed, dropped or invented on the way out.
    for name in [
        "stream_rich_text.sse",
        "stream_products_table.sse",
        "stream_error.sse",
    ] {
        for sse in parse_whole(sse_fixture(name)).0 {
            let original: Value = serde_json::from_str(&sse.data).unwrap();
            let event = sse.parse().unwrap();
            assert_eq!(
                serde_json::from_str::<Value>(&event.data_json()).unwrap(),
                original,
                "{name}"
            );
        }
    }
    let history = json_fixture("history_page.json");
    let page: HistoryPage = serde_json::from_str(history).unwrap();
    assert_eq!(
        to_value(&page),
        serde_json::from_str::<Value>(history).unwrap()
    );
    let error = json_fixture("error_validation.json");
    let envelope: ErrorEnvelope = serde_json::from_str(error).unwrap();
    assert_eq!(
        to_value(&envelope),
        serde_json::from_str::<Value>(error).unwrap()
    );
}

#[test]
fn fixture_parts_read_as_their_known_types_not_as_unknown() {
    // The untagged fallback would hide a struct that does not match its fixture; make sure only
    // the deliberately unknown part degrades.
    for (name, bytes) in SSE_FIXTURES {
        for event in stream_events(bytes) {
            let parts = match &event {
                StreamEvent::Part(p) => vec![p.part.clone()],
                StreamEvent::Done(d) => d.message.parts.clone(),
                _ => continue,
            };
            for part in parts {
                if let Part::Unknown(unknown) = &part {
                    assert_eq!(
                        (*name, unknown.type_name.as_str()),
                        ("stream_markers.sse", "hologram")
                    );
                }
            }
        }
    }
    let page: HistoryPage = serde_json::from_str(json_fixture("history_page.json")).unwrap();
    assert!(page
        .messages
        .iter()
        .flat_map(|m| &m.parts)
        .all(|p| !matches!(p, Part::Unknown(_))));
}

// ------------------------------------------------------------------------------------------------
// Config

#[test]
fn config_full_reads_every_block_and_ignores_the_unknown_one() {
    let config: Config = serde_json::from_str(json_fixture("config_full.json")).unwrap();
    assert_eq!(config.display.name, "Shop Bot");
    assert_eq!(
        config.display.avatar.url.as_deref(),
        Some("https://cdn.shop.example.com/bot.png")
    );
    let subtitle = config.display.subtitle.as_ref().unwrap();
    assert_eq!(subtitle.link.as_ref().unwrap().text, "Privacy");
    assert_eq!(config.theme.brand.primary_color.as_deref(), Some("#0B5FFF"));
    assert_eq!(config.theme.header.alignment, Some(HeaderAlignment::Left));
    assert_eq!(config.theme.header.logo.url, None);
    assert_eq!(config.theme.messages.assistant.avatar_size, Some(28));
    assert_eq!(
        config.theme.messages.assistant.thinking_border_gradient,
        ["#0B5FFF", "#7C3AED"]
    );
    assert_eq!(
        config.theme.input.send_button.icon_color.as_deref(),
        Some("#0B5FFF")
    );
    assert_eq!(
        config.theme.product_card.button.as_ref().unwrap().bold,
        Some(true)
    );
    let dark = config.dark_theme.as_ref().unwrap();
    assert_eq!(dark.surface.background_color.as_deref(), Some("#111827CC"));
    assert_eq!(config.start_prompts.len(), 2);
    assert!(config.product_card.add_to_cart.enabled);
    assert_eq!(config.product_card.open_label.as_deref(), Some("View"));
    let livechat = config.livechat.as_ref().unwrap();
    assert_eq!(livechat.availability_status, AvailabilityStatus::Live);
    assert_eq!(
        livechat.availability_reason,
        Some(AvailabilityReason::WithinWorkingHours)
    );
    assert_eq!(livechat.max_attachment_size_bytes, Some(10_485_760));
    assert!(config.livechat_enabled() && config.livechat_live());
    assert_eq!(config.forms[0].trigger, FormTrigger::LivechatWaiting);
    assert_eq!(config.image_enabled, Some(true));
    assert_eq!(config.popup_messages[0].delay_ms, Some(3000));
    assert_eq!(config.language.as_deref(), Some("en"));

    let reserialized = serde_json::to_string(&config).unwrap();
    assert!(!reserialized.contains("some_future_block"));
}

#[test]
fn config_minimal_defaults_every_missing_block() {
    let config: Config = serde_json::from_str(json_fixture("config_minimal.json")).unwrap();
    assert_eq!(config.display.name, "Bot");
    assert_eq!(config.theme.brand.primary_color.as_deref(), Some("#000000"));
    assert_eq!(config.theme.surface, SurfaceTheme::default());
    assert!(config.dark_theme.is_none() && config.livechat.is_none());
    assert!(config.start_prompts.is_empty() && config.popup_messages.is_empty());
    assert!(!config.livechat_enabled() && !config.livechat_live());
    assert_eq!(
        serde_json::from_str::<Config>("{}").unwrap(),
        Config::default()
    );
}

#[test]
fn config_tolerates_unknown_enum_values() {
    let config: Config = serde_json::from_str(
        r#"{"livechat": {"enabled": true, "availability_status": "busy", "availability_reason": "holiday"},
            "theme": {"header": {"alignment": "right"}}}"#,
    )
    .unwrap();
    let livechat = config.livechat.as_ref().unwrap();
    assert_eq!(
        livechat.availability_status,
        AvailabilityStatus::Other("busy".into())
    );
    assert!(config.livechat_enabled() && !config.livechat_live());
    assert_eq!(
        config.theme.header.alignment,
        Some(HeaderAlignment::Other("right".into()))
    );
    round_trip::<Config>(&serde_json::to_string(&config).unwrap());
}

#[test]
fn start_prompts_and_popups_are_filtered_by_their_url_pattern() {
    let config: Config = serde_json::from_str(json_fixture("config_full.json")).unwrap();
    let on_product: Vec<_> = config
        .start_prompts_for("https://shop.example.com/products/tee")
        .map(|p| p.prompt_text.as_str())
        .collect();
    assert_eq!(on_product, ["Where is my order?", "Which size fits me?"]);
    assert_eq!(
        config
            .start_prompts_for("https://shop.example.com/cart")
            .count(),
        1
    );
    assert_eq!(
        config
            .popup_messages_for("https://shop.example.com/cart")
            .count(),
        0
    );
    assert_eq!(
        config
            .popup_messages_for("https://shop.example.com/products/x")
            .count(),
        1
    );
}

#[test]
fn glob_match_treats_star_as_any_run_and_everything_else_literally() {
    let cases = [
        ("*", "", true),
        ("*", "https://a/b", true),
        ("", "", true),
        ("", "x", false),
        ("https://a/b", "https://a/b", true),
        ("https://a/b", "https://a/bc", false),
        ("*/products/*", "https://shop/products/tee", true),
        ("*/products/*", "https://shop/products/", true),
        ("*/products/*", "https://shop/product/tee", false),
        ("*.dk/*", "https://shop.example.dk/x", true),
        ("a*b*c", "abc", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("a**c", "ac", true),
        ("*?x=1", "https://s/p?x=1", true),
        ("*?x=1", "https://s/p?x=12", false),
        ("*ø*", "https://s/bøger", true),
        ("*aaab", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true),
    ];
    for (pattern, url, expected) in cases {
        assert_eq!(glob_match(pattern, url), expected, "{pattern:?} vs {url:?}");
    }
}

// ------------------------------------------------------------------------------------------------
// Errors

#[test]
fn the_validation_envelope_parses_with_its_params() {
    let envelope: ErrorEnvelope =
        serde_json::from_str(json_fixture("error_validation.json")).unwrap();
    assert_eq!(envelope.error.code, ErrorCode::Validation);
    assert_eq!(envelope.error.message, "Validation failed");
    assert_eq!(
        envelope.error.params,
        [ErrorParam {
            field: "message.parts.0.text".into(),
            message: "Text is required".into()
        }]
    );
    assert_eq!(envelope.status(), 422);
}

#[test]
fn an_envelope_built_in_code_serializes_as_the_contract_shows() {
    let envelope = ErrorEnvelope::new(ErrorCode::Validation, "Validation failed")
        .with_param("message.parts.0.text", "Text is required");
    let fixture: Value = serde_json::from_str(json_fixture("error_validation.json")).unwrap();
    assert_eq!(to_value(&envelope), fixture);
    let bare = ErrorEnvelope::new(ErrorCode::NotFound, "No such form");
    assert_eq!(
        to_value(&bare),
        json!({"error": {"code": "not_found", "message": "No such form"}})
    );
}

#[test]
fn error_codes_map_to_and_from_http_statuses() {
    let table = [
        (ErrorCode::Unauthorized, 401),
        (ErrorCode::Forbidden, 403),
        (ErrorCode::NotFound, 404),
        (ErrorCode::Conflict, 409),
        (ErrorCode::Validation, 422),
        (ErrorCode::RateLimited, 429),
        (ErrorCode::Internal, 500),
    ];
    for (code, status) in table {
        assert_eq!(code.status(), status);
        assert_eq!(ErrorCode::from_status(status), code);
        assert_eq!(ErrorCode::from_wire(code.as_str()), code);
    }
    assert_eq!(ErrorCode::from_status(502), ErrorCode::Internal);
    assert_eq!(ErrorCode::from_status(400), ErrorCode::Validation);
}

#[test]
fn an_unknown_error_code_is_kept_and_resolved_by_its_http_status() {
    let envelope: ErrorEnvelope = serde_json::from_str(
        r#"{"error": {"code": "quota_exceeded", "message": "Slow down", "extra": 1}}"#,
    )
    .unwrap();
    assert_eq!(
        envelope.error.code,
        ErrorCode::Other("quota_exceeded".into())
    );
    assert_eq!(
        envelope.error.code.clone().resolve(429),
        ErrorCode::RateLimited
    );
    assert_eq!(ErrorCode::Forbidden.resolve(500), ErrorCode::Forbidden);
    assert_eq!(to_value(&envelope)["error"]["code"], "quota_exceeded");
}

// ------------------------------------------------------------------------------------------------
// Messages and parts

#[test]
fn the_history_page_reads_agent_user_and_system_messages() {
    let page: HistoryPage = serde_json::from_str(json_fixture("history_page.json")).unwrap();
    assert_eq!(page.next_cursor.as_deref(), Some("c_2"));
    let [agent, user, system] = &page.messages[..] else {
        panic!("three messages")
    };
    assert_eq!(agent.role, Role::Agent);
    assert_eq!(agent.agent.as_ref().unwrap().display_name, "Alice");
    assert_eq!(agent.sequence_number, Some(4));
    let Part::File(file) = &agent.parts[1] else {
        panic!("a file part")
    };
    assert_eq!(file.attachment_id.as_deref(), Some("attachment_123"));
    assert_eq!(file.size_bytes, Some(48231));
    assert_eq!(file.part_id, None);
    assert_eq!(user.role, Role::User);
    assert!(matches!(&user.parts[0], Part::Text(t) if t.text == "Can I talk to a person?"));
    assert!(matches!(&user.parts[1], Part::Image(i) if i.url.starts_with("data:image/png")));
    assert_eq!(system.role, Role::System);
    assert_eq!(system.parts[0].part_id(), Some("x2"));

    let oldest_first = page.into_chronological();
    assert_eq!(oldest_first[0].message_id, "msg_s7");
    // An explicit null cursor means "no older page", and is sent as such.
    let last = HistoryPage {
        messages: vec![],
        next_cursor: None,
    };
    assert_eq!(
        to_value(&last),
        json!({"messages": [], "next_cursor": null})
    );
}

#[test]
fn stream_markers_keeps_the_unknown_part_type_as_unknown_without_failing_the_message() {
    let events = stream_events(sse_fixture("stream_markers.sse"));
    let done = done_of(&events);
    let types: Vec<&str> = done.message.parts.iter().map(Part::type_name).collect();
    assert_eq!(
        types,
        [
            "rich_text",
            "show_contact_form",
            "rich_text",
            "custom",
            "hologram"
        ]
    );
    assert_eq!(
        done.message.parts[4],
        Part::Unknown(UnknownPart {
            type_name: "hologram".into(),
            part_id: Some("part_5".into())
        })
    );
    assert_eq!(done.message.parts[4].part_id(), Some("part_5"));
    assert!(!done.message.parts[4].is_marker());
    assert!(events.contains(&StreamEvent::Unknown {
        name: "mystery_event".into()
    }));
}

#[test]
fn the_contact_form_marker_reads_dropdowns_and_visibility_conditions() {
    let done = done_of(&stream_events(sse_fixture("stream_markers.sse")));
    let Part::ShowContactForm(form) = &done.message.parts[1] else {
        panic!("a contact form")
    };
    let types: Vec<FieldType> = form.fields.iter().map(|f| f.field_type).collect();
    use FieldType::*;
    assert_eq!(types, [Text, Email, Dropdown, Text, Textarea]);
    assert!(form.fields[0].required && !form.fields[2].required);
    assert_eq!(form.fields[2].options, ["Order", "Return", "Other"]);
    let order_no = &form.fields[3];
    assert_eq!(order_no.visible_when[0].operator, ConditionOperator::Equals);
    assert!(order_no.is_visible(|key| (key == "topic").then_some("Order")));
    assert!(!order_no.is_visible(|key| (key == "topic").then_some("Return")));
    assert!(!order_no.is_visible(|_| None));
    assert!(form.fields[0].is_visible(|_| None));

    let Part::Custom(custom) = &done.message.parts[3] else {
        panic!("a custom marker")
    };
    assert_eq!(custom.key, "open_size_guide");
    assert_eq!(custom.payload, Some(json!({"category": "shoes"}).into()));
}

#[test]
fn field_types_accept_the_phone_alias_and_read_unknown_types_as_text() {
    let fields: Vec<FormField> = serde_json::from_value(json!([
        {"key": "a", "label": "A", "type": "phone"},
        {"key": "b", "label": "B", "type": "colour_picker"},
        {"key": "c", "label": "C"}
    ]))
    .unwrap();
    let types: Vec<FieldType> = fields.iter().map(|f| f.field_type).collect();
    assert_eq!(types, [FieldType::Tel, FieldType::Text, FieldType::Text]);
    assert_eq!(to_value(&fields[0])["type"], "tel");
}

#[test]
fn an_unknown_visibility_operator_shows_the_field() {
    let field: FormField = serde_json::from_value(json!(
        {"key": "x", "label": "X", "visible_when": [{"field": "y", "operator": "matches", "value": "z"}]}
    ))
    .unwrap();
    assert!(field.is_visible(|_| None));
}

#[test]
fn unknown_span_block_and_cell_types_degrade_without_failing_the_part() {
    let part: Part = serde_json::from_value(json!({
        "type": "rich_text", "part_id": "p",
        "blocks": [
            {"type": "paragraph", "spans": [
                {"type": "text", "text": "a"},
                {"type": "underline", "text": "b"},
                {"type": "emoji", "code": "smile"}]},
            {"type": "quote", "spans": []}
        ]
    }))
    .unwrap();
    let Part::RichText(rich) = &part else {
        panic!("rich text, got {part:?}")
    };
    let Block::Paragraph { spans } = &rich.blocks[0] else {
        panic!("a paragraph")
    };
    let texts: Vec<&str> = spans.iter().map(Span::text).collect();
    assert_eq!(texts, ["a", "b", ""]);
    assert_eq!(
        rich.blocks[1],
        Block::Unknown {
            type_name: "quote".into()
        }
    );
    round_trip::<Part>(&serde_json::to_string(&part).unwrap());

    let cell: Cell = serde_json::from_value(json!({"blocks": [
        {"type": "image", "url": "/i.png", "alt": "I"}, {"type": "video", "url": "/v.mp4"}]}))
    .unwrap();
    assert!(matches!(&cell.blocks[0], CellBlock::Image { alt: Some(a), .. } if a == "I"));
    assert!(matches!(&cell.blocks[1], CellBlock::Unknown { type_name } if type_name == "video"));
}

#[test]
fn a_malformed_known_part_degrades_to_unknown_instead_of_failing_the_message() {
    let message: Message = serde_json::from_value(json!({
        "message_id": "m", "role": "assistant", "created_at": "t",
        "parts": [
            {"type": "image", "part_id": "i1"},
            {"type": "quick_replies", "part_id": "q", "replies": ["Yes"]}
        ]
    }))
    .unwrap();
    assert_eq!(
        message.parts[0],
        Part::Unknown(UnknownPart {
            type_name: "image".into(),
            part_id: Some("i1".into())
        })
    );
    assert!(matches!(&message.parts[1], Part::QuickReplies(q) if q.replies == ["Yes"]));
}

#[test]
fn unknown_roles_and_statuses_are_kept_verbatim() {
    let message: Message =
        serde_json::from_value(json!({"message_id": "m", "role": "bot_v2", "parts": []})).unwrap();
    assert_eq!(message.role, Role::Other("bot_v2".into()));
    assert_eq!(to_value(&message)["role"], "bot_v2");
    let state: LivechatState =
        serde_json::from_value(json!({"status": "transferring", "state_version": 3})).unwrap();
    assert_eq!(state.status, LivechatStatus::Other("transferring".into()));
}

#[test]
fn every_part_type_round_trips_through_its_wire_shape() {
    let parts = json!([
        {"type": "suggestions", "part_id": "s", "suggestions": [
            {"id": "1", "title": "Returns", "image_url": "/r.png", "prompt_text": "How do returns work?"}]},
        {"type": "quick_replies", "part_id": "q", "replies": ["Track my order", "Talk to a human"]},
        {"type": "image", "url": "/api/v1/chat/livechat/attachments/a?token=t", "attachment_id": "a",
         "mime_type": "image/png", "size_bytes": 10, "url_expires_at": "x", "thumbnail_url": "/t", "caption": "c"},
        {"type": "show_support_ticket", "part_id": "t", "attachments_accepted": false, "submitted": true},
        {"type": "show_form", "part_id": "f", "form_id": "f1", "name": "Details", "confirmation_text": "Thanks",
         "fields": [{"key": "k", "label": "K", "type": "file", "required": true}], "min_filled_fields": 1},
        {"type": "request_image_upload", "part_id": "u", "accepted_types": ["image/png"], "max_size_bytes": 100},
        {"type": "request_human_agent", "part_id": "h"},
        {"type": "table", "part_id": "tb", "headers": [], "rows": [[{"blocks": [
            {"type": "bullet_list", "items": [{"spans": [{"type": "link", "text": "l", "url": "/u"}]}]}]}]]}
    ]);
    let parsed: Vec<Part> = serde_json::from_value(parts.clone()).unwrap();
    assert!(
        parsed.iter().all(|p| !matches!(p, Part::Unknown(_))),
        "{parsed:?}"
    );
    assert_eq!(to_value(&parsed), parts);
}

#[test]
fn marker_defaults_follow_the_contract() {
    let ticket = ShowSupportTicket {
        part_id: "t".into(),
        fields: vec![],
        attachments_accepted: None,
        max_attachment_size_bytes: None,
        submitted: None,
    };
    assert!(ticket.accepts_attachments());
    assert_eq!(ticket.max_attachment_size(), 2_097_152);
    let upload = RequestImageUpload {
        part_id: "u".into(),
        accepted_types: None,
        max_size_bytes: None,
        submitted: None,
    };
    assert_eq!(
        upload.accepted_types(),
        ["image/png", "image/jpeg", "image/webp"]
    );
    assert_eq!(upload.max_size(), 5_242_880);
}

#[test]
fn markers_can_be_marked_submitted_and_content_parts_cannot() {
    let mut marker: Part =
        serde_json::from_value(json!({"type": "request_human_agent", "part_id": "h"})).unwrap();
    assert!(marker.is_marker());
    assert_eq!(marker.submitted(), Some(false));
    assert!(marker.set_submitted(true));
    assert_eq!(marker.submitted(), Some(true));
    assert_eq!(
        to_value(&marker),
        json!({"type": "request_human_agent", "part_id": "h", "submitted": true})
    );

    let mut content: Part = serde_json::from_value(json!({"type": "text", "text": "hi"})).unwrap();
    assert!(!content.set_submitted(true));
    assert_eq!(content.submitted(), None);
}

#[test]
fn product_cards_know_when_they_are_discounted() {
    let done = done_of(&stream_events(sse_fixture("stream_products_table.sse")));
    let Part::Products(products) = &done.message.parts[1] else {
        panic!("products")
    };
    assert!(products.products[0].is_discounted());
    assert!(!products.products[1].is_discounted());
    assert_eq!(
        products.products[0].add_to_cart.as_ref().unwrap().sku,
        "sku-1"
    );
    assert_eq!(products.products[0].splash.as_deref(), Some("50% Deal"));
}

// ------------------------------------------------------------------------------------------------
// Stream events

#[test]
fn an_unknown_event_name_is_unknown_and_malformed_json_is_a_clear_error() {
    assert_eq!(
        StreamEvent::from_sse("mystery_event", "not even json"),
        Ok(StreamEvent::Unknown {
            name: "mystery_event".into()
        })
    );
    let err = StreamEvent::from_sse("part_delta", r#"{"part_id": "p1", "delta": "#).unwrap_err();
    let StreamEventError::Malformed { event, reason } = &err;
    assert_eq!(event, "part_delta");
    assert!(!reason.is_empty());
    assert!(
        err.to_string()
            .starts_with("malformed `part_delta` event data: "),
        "{err}"
    );
    assert!(StreamEvent::from_sse("status", r#"{"message": "no status"}"#).is_err());
}

#[test]
fn an_unknown_delta_action_does_not_fail_the_event() {
    let event = StreamEvent::from_sse(
        "part_delta",
        r#"{"part_id": "p1", "delta": {"action": "append_emoji", "block_index": 0, "code": "smile"}}"#,
    )
    .unwrap();
    let StreamEvent::PartDelta(delta) = event else {
        panic!("a delta")
    };
    assert_eq!(
        delta.delta,
        Delta::Unknown {
            action: "append_emoji".into()
        }
    );
    assert_eq!(delta.delta.action(), "append_emoji");
}

#[test]
fn the_error_stream_ends_with_a_retryable_generation_failure() {
    let events = stream_events(sse_fixture("stream_error.sse"));
    let last = events.last().unwrap();
    assert!(last.is_terminal());
    assert_eq!(
        last,
        &StreamEvent::Error(StreamErrorEvent {
            code: StreamErrorCode::GenerationFailed,
            message: "Failed to generate a response. Please try again.".into(),
            retryable: true
        })
    );
    let unknown: StreamErrorEvent =
        serde_json::from_str(r#"{"code": "overloaded", "message": "m"}"#).unwrap();
    assert_eq!(unknown.code, StreamErrorCode::Other("overloaded".into()));
    assert!(!unknown.retryable);
}

#[test]
fn statuses_come_first_and_done_carries_the_new_visitor_token() {
    let events = stream_events(sse_fixture("stream_products_table.sse"));
    assert_eq!(
        events[..2],
        [
            StreamEvent::Status(StatusEvent {
                status: StreamStatus::Connected,
                message: None
            }),
            StreamEvent::Status(StatusEvent {
                status: StreamStatus::Processing,
                message: None
            })
        ]
    );
    let done = done_of(&events);
    assert!(done.visitor_token.as_deref().unwrap().starts_with("eyJ"));
    assert_eq!(parts_of(&events), done.message.parts);
}

#[test]
fn events_encode_to_frames_that_parse_back_identically() {
    for (name, bytes) in SSE_FIXTURES {
        let events = stream_events(bytes);
        let body: String = events.iter().map(StreamEvent::to_sse_frame).collect();
        let reparsed = stream_events(body.as_bytes());
        assert_eq!(reparsed, events, "{name}");
    }
    let frame = StreamEvent::Status(StatusEvent {
        status: StreamStatus::Processing,
        message: Some("line one\nline two".into()),
    })
    .to_sse_frame();
    assert_eq!(
        frame,
        "event: status\ndata: {\"status\":\"processing\",\"message\":\"line one\\nline two\"}\n\n"
    );
}

// ------------------------------------------------------------------------------------------------
// Requests

#[test]
fn send_message_serializes_as_the_contract_shows() {
    let mut context = Context {
        page: Some("https://shop.example.com/orders/123".into()),
        ..Context::default()
    };
    context
        .extra
        .insert("referrer".into(), json!("google").into());
    let send = SendMessage {
        message: OutgoingMessage {
            parts: vec![
                InputPart::Text {
                    text: "What is your return policy?".into(),
                },
                InputPart::Image {
                    data: "iVBO".into(),
                    mime: "image/png".into(),
                    filename: "photo.png".into(),
                },
                InputPart::File {
                    data: "JVBE".into(),
                    mime: "application/pdf".into(),
                    filename: "invoice.pdf".into(),
                },
            ],
        },
        context: Some(context),
    };
    let value = to_value(&send);
    assert_eq!(
        value,
        json!({"message": {"parts": [
            {"type": "text", "text": "What is your return policy?"},
            {"type": "image", "data": "iVBO", "mime": "image/png", "filename": "photo.png"},
            {"type": "file", "data": "JVBE", "mime": "application/pdf", "filename": "invoice.pdf"}]},
         "context": {"page": "https://shop.example.com/orders/123", "referrer": "google"}})
    );
    assert_eq!(serde_json::from_value::<SendMessage>(value).unwrap(), send);
    let bare: SendMessage =
        serde_json::from_value(json!({"message": {"parts": [{"type": "text", "text": "hi"}]}}))
            .unwrap();
    assert_eq!(bare.context, None);
    assert!(serde_json::from_value::<SendMessage>(
        json!({"message": {"parts": [{"type": "video"}]}})
    )
    .is_err());
}

#[test]
fn the_size_limits_match_base64_of_the_decoded_limits() {
    assert_eq!(
        base64_len(MAX_MESSAGE_DATA_BYTES),
        MAX_MESSAGE_DATA_BASE64_LEN
    );
    // The contract's action limit is the unpadded length of 2 MiB: a file of exactly 2 MiB
    // encodes (padded) to one character more, so widgets check the encoded length.
    assert_eq!(
        base64_len(MAX_ACTION_ATTACHMENT_BYTES),
        MAX_ACTION_ATTACHMENT_BASE64_LEN + 1
    );
    assert_eq!(base64_len(0), 0);
    assert_eq!(base64_len(1), 4);
    assert_eq!(base64_len(3), 4);
    assert_eq!(base64_len(4), 8);
}

#[test]
fn actions_serialize_as_the_contract_shows() {
    let contact = ActionRequest {
        part_id: "part_2".into(),
        action: Action::ContactForm(ContactForm {
            fields: [("name", "Jane"), ("email", "jane@example.com")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            files: Default::default(),
        }),
    };
    assert_eq!(
        to_value(&contact),
        json!({"part_id": "part_2", "action": {"type": "contact_form", "fields": {"name": "Jane", "email": "jane@example.com"}}})
    );

    let ticket_json = json!({"part_id": "part_7", "action": {"type": "support_ticket", "name": "J", "email": "j@x",
        "message": "Broken", "order_no": "123",
        "attachments": [{"filename": "a.pdf", "mime_type": "application/pdf", "data_base64": "JVBE"}]}});
    let ticket: ActionRequest = serde_json::from_value(ticket_json.clone()).unwrap();
    let Action::SupportTicket(inner) = &ticket.action else {
        panic!("a support ticket")
    };
    assert_eq!(inner.extra.get("order_no"), Some(&json!("123").into()));
    assert_eq!(inner.attachments[0].filename, "a.pdf");
    assert_eq!(to_value(&ticket), ticket_json);

    let form_json = json!({"part_id": "part_9", "action": {"type": "form_submission", "form_id": "f1",
        "values": {"k": "v"}, "files": {"receipt": {"filename": "r.png", "mime_type": "image/png", "data_base64": "iVBO"}}}});
    let form: ActionRequest = serde_json::from_value(form_json.clone()).unwrap();
    assert_eq!(to_value(&form), form_json);
}

#[test]
fn action_responses_and_small_bodies_read_their_contract_shapes() {
    let response: ActionResponse = serde_json::from_value(
        json!({"submission_id": "s1", "confirmation_text": "Thanks!", "livechat_session": {"status": "waiting"}}),
    )
    .unwrap();
    assert!(response.livechat_session.unwrap().status.is_open());
    round_trip::<DeleteResponse>(
        r#"{"deleted": {"messages": 4, "attachments": 1, "livechat_sessions": 0}}"#,
    );
    round_trip::<SessionValues>(
        r#"{"values": [{"key": "email", "label": "Email", "type": "email", "value": "j@x", "updated_at": "t"}, {"key": "n", "value": 3}]}"#,
    );
    round_trip::<FormDefinition>(
        r#"{"form_id": "f_pre", "trigger": "livechat_waiting", "fields": [{"key": "name", "label": "Name"}], "min_filled_fields": 1}"#,
    );
    round_trip::<Banners>(
        r#"{"banners": [{"id": "b1", "message": "Sale!", "cta_url": "/sale", "cta_label": "Shop", "cta_style": "button", "dismissible": true}]}"#,
    );
    assert_eq!(
        to_value(&RateRequest {
            rating: 5,
            feedback: None
        }),
        json!({"rating": 5})
    );
}

#[test]
fn auth_bodies_and_token_claims_read_their_contract_shapes() {
    assert_eq!(
        to_value(&AuthRequest {
            chatbot_id: "shop-bot".into(),
            visitor_id: None
        }),
        json!({"chatbot_id": "shop-bot"})
    );
    round_trip::<AuthResetRequest>(r#"{"visitor_token": "a.b.c"}"#);
    round_trip::<TokenResponse>(r#"{"token": "a.b.c"}"#);
    // The payload of the fixture's visitor token, base64url-decoded.
    let claims: TokenClaims = serde_json::from_str(r#"{"sub":"v_1","exp":4102444800}"#).unwrap();
    assert_eq!(claims.sub, "v_1");
    assert!(!claims.expires_within(4_102_444_000, 60));
    assert!(claims.expires_within(4_102_444_750, 60));
}

// ------------------------------------------------------------------------------------------------
// Livechat and webhooks

#[test]
fn the_active_livechat_state_reads_a_typing_agent() {
    let state: LivechatState =
        serde_json::from_str(json_fixture("livechat_state_active.json")).unwrap();
    assert_eq!(state.status, LivechatStatus::Active);
    assert!(state.is_agent_typing);
    let agent = state.active_agent.as_ref().unwrap();
    assert_eq!(
        (agent.display_name.as_str(), agent.avatar_url.as_deref()),
        ("Alice", None)
    );
    assert_eq!(
        state.feedback.as_ref().unwrap().status,
        FeedbackStatus::NotAvailable
    );
    assert_eq!(state.state_version, 7);
    let older = LivechatState {
        state_version: 6,
        ..state.clone()
    };
    assert!(state.is_newer_than(&older) && !older.is_newer_than(&state));
}

#[test]
fn livechat_bodies_read_their_contract_shapes() {
    let handover = HandoverRequest {
        client_context: Some(ClientContext {
            browser_language: Some("da-DK".into()),
            ..ClientContext::default()
        }),
        ..HandoverRequest::website_from(HandoverSource::AssistantMarker, Some("part_3".into()))
    };
    assert_eq!(
        to_value(&handover),
        json!({"platform": "website", "source": "assistant_marker", "part_id": "part_3",
               "client_context": {"browser_language": "da-DK"}})
    );
    round_trip::<LivechatSession>(
        r#"{"livechat_session_id": "s", "status": "closed", "platform": "website", "language": "da",
            "requested_at": "t", "closed_at": "t2", "closed_by": "agent", "closed_by_agent_id": "a", "close_reason": null}"#,
    );
    round_trip::<SyncResponse>(
        r#"{"state": {"status": "waiting", "state_version": 1, "updated_at": "t"}, "messages": [], "has_more": false, "sync_cursor": "c1"}"#,
    );
    round_trip::<LivechatMessages>(json_fixture("history_page.json"));
    round_trip::<FeedbackResponse>(
        r#"{"livechat_session_id": "s", "status": "submitted", "rating": 4, "submitted_at": "t"}"#,
    );
    round_trip::<AgentContext>(
        r#"{"session": {"livechat_session_id": "s", "status": "waiting"}, "visitor": {"id": "v_1"},
            "values": [], "messages": []}"#,
    );
    round_trip::<AgentMessageRequest>(
        r#"{"agent_id": "a", "message": {"parts": [{"type": "text", "text": "Hi"}]}}"#,
    );
    round_trip::<LivechatSettings>(
        r#"{"enabled": true, "working_hours": {"timezone": "Europe/Copenhagen",
            "days": [{"day": "monday", "open": "09:00", "close": "17:00"}]}, "manual_override": "offline",
            "attachments_enabled": true, "retention_days": 30}"#,
    );
    round_trip::<WebhookConfig>(
        r#"{"url": "https://agents.example/hook", "signing_secret": "s", "events": ["livechat.handover.requested", "visitor.data.deleted"]}"#,
    );
    round_trip::<AgentProfile>(r#"{"display_name": "Alice", "avatar_url": "/a.png"}"#);
}

#[test]
fn working_hours_are_open_in_their_windows_only() {
    let hours: WorkingHours = serde_json::from_value(json!({"timezone": "UTC", "days": [
        {"day": "monday", "open": "09:00", "close": "17:00"},
        {"day": "friday", "open": "bad", "close": "17:00"}]}))
    .unwrap();
    assert!(hours.is_open(&Weekday::Monday, 9 * 60));
    assert!(hours.is_open(&Weekday::Monday, 17 * 60 - 1));
    assert!(!hours.is_open(&Weekday::Monday, 17 * 60));
    assert!(!hours.is_open(&Weekday::Monday, 8 * 60 + 59));
    assert!(!hours.is_open(&Weekday::Tuesday, 10 * 60));
    assert!(!hours.is_open(&Weekday::Friday, 10 * 60));
}

#[test]
fn webhook_envelopes_and_signing_payloads_follow_the_contract() {
    let envelope: WebhookEnvelope = round_trip(
        r#"{"event_id": "evt_1", "type": "livechat.handover.requested", "created_at": "t", "environment": "test",
            "data": {"livechat_session": {"id": "s", "token": "tok"}}}"#,
    );
    assert_eq!(envelope.event_type, WebhookEventType::HandoverRequested);
    assert_eq!(envelope.environment, Environment::Test);
    let future: WebhookEnvelope = serde_json::from_value(
        json!({"event_id": "e", "type": "livechat.agent.joined", "created_at": "t", "environment": "live"}),
    )
    .unwrap();
    assert_eq!(
        future.event_type,
        WebhookEventType::Other("livechat.agent.joined".into())
    );
    assert_eq!(
        signing_payload(1_718_000_000, b"{\"a\":1}"),
        b"1718000000.{\"a\":1}".to_vec()
    );
    assert_eq!(signing_payload("17", b""), b"17.".to_vec());
    assert_eq!(
        [
            HEADER_EVENT,
            HEADER_TIMESTAMP,
            HEADER_SIGNATURE,
            HEADER_DELIVERY_ID,
            HEADER_ATTEMPT,
            HEADER_ENVIRONMENT
        ],
        [
            "x-di-event",
            "x-di-timestamp",
            "x-di-signature",
            "x-di-delivery-id",
            "x-di-attempt",
            "x-di-environment"
        ]
    );
}

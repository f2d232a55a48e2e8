//! The scripted scenarios: each keyword's reply, and that every stream is self-consistent.

use dialoge_api::message::{Block, CellBlock, FieldType, Part, Span};
use dialoge_api::stream::{Delta, StreamEvent};

use crate::common::{spawn_app, visible_text, Streamed, TestApp};

async fn ask(app: &TestApp, text: &str) -> Streamed {
    let token = app.token().await;
    let streamed = app.send(&token, text).await;
    assert_eq!(streamed.status, 200);
    streamed
}

#[tokio::test]
async fn every_scenario_streams_deltas_that_rebuild_its_parts_and_done_matches_the_part_events() {
    let app = spawn_app().await;
    let chatbot = app.state.chatbot("shop-bot").unwrap();
    let mut texts: Vec<String> = chatbot
        .scenarios
        .iter()
        .map(|s| s.keywords[0].clone())
        .collect();
    texts.push("hello".to_owned());
    for text in texts {
        let streamed = ask(&app, &text).await;
        if text == "fail" {
            assert!(matches!(
                streamed.events.last(),
                Some(StreamEvent::Error(_))
            ));
            continue;
        }
        streamed.assert_consistent();
        // Every streamed part type ends its deltas with end_part right before its part event.
        for (index, event) in streamed.events.iter().enumerate() {
            if let StreamEvent::Part(part) = event {
                let streams = matches!(
                    part.part,
                    Part::RichText(_) | Part::Products(_) | Part::Table(_)
                );
                let previous = &streamed.events[index - 1];
                let ended =
                    matches!(previous, StreamEvent::PartDelta(d) if d.delta == Delta::EndPart);
                assert_eq!(streams, ended, "{text}: {} part", part.part.type_name());
            }
        }
    }
}

#[tokio::test]
async fn each_scenario_is_picked_by_each_of_its_keywords_case_insensitively() {
    let app = spawn_app().await;
    let chatbot = app.state.chatbot("shop-bot").unwrap();
    for scenario in &chatbot.scenarios {
        for keyword in &scenario.keywords {
            let text = format!("Tell me: {}?", keyword.to_uppercase());
            let picked = chatbot.scenario_for(&text).map(|s| s.name.as_str());
            assert_eq!(picked, Some(scenario.name.as_str()), "{text}");
        }
    }
    assert!(chatbot.scenario_for("good morning").is_none());
}

#[tokio::test]
async fn rich_text_uses_every_span_and_block_type_with_danish_letters_and_an_emoji() {
    let app = spawn_app().await;
    let streamed = ask(&app, "returns").await;
    let Part::RichText(rich) = streamed.final_parts()[0] else {
        panic!()
    };
    let spans: Vec<&Span> = rich
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { spans } => spans.iter().collect::<Vec<_>>(),
            Block::BulletList { items } => items.iter().flat_map(|i| &i.spans).collect(),
            Block::Unknown { .. } => Vec::new(),
        })
        .collect();
    for kind in ["text", "bold", "strike", "link"] {
        let found = spans.iter().any(|s| {
            matches!(
                (kind, s),
                ("text", Span::Text { .. })
                    | ("bold", Span::Bold { .. })
                    | ("strike", Span::Strike { .. })
                    | ("link", Span::Link { .. })
            )
        });
        assert!(found, "no {kind} span");
    }
    assert!(rich
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Paragraph { .. })));
    assert!(rich
        .blocks
        .iter()
        .any(|b| matches!(b, Block::BulletList { .. })));
    assert!(
        visible_text(&streamed.done_message().parts).contains("ændringer gælder fra 1. juli 🙂")
    );
}

#[tokio::test]
async fn products_stream_card_by_card_with_discounts_a_splash_and_broken_images() {
    let app = spawn_app().await;
    let streamed = ask(&app, "show me products").await;
    let products = streamed
        .final_parts()
        .into_iter()
        .find_map(|p| match p {
            Part::Products(products) => Some(products.clone()),
            _ => None,
        })
        .unwrap();
    let appended = streamed
        .events
        .iter()
        .filter(|e| matches!(e, StreamEvent::PartDelta(d) if matches!(d.delta, Delta::AppendProduct { .. })))
        .count();
    assert_eq!(appended, products.products.len());
    assert!(products
        .products
        .iter()
        .any(|p| p.is_discounted() && p.splash.is_some()));
    assert!(
        products
            .products
            .iter()
            .any(|p| p.image_url.contains("missing")),
        "a 404 image"
    );
    assert!(
        products
            .products
            .iter()
            .any(|p| !p.image_url.starts_with("http")),
        "a malformed image URL"
    );
    let tee = &products.products[0];
    assert_eq!(
        tee.image_url,
        format!("{}/shop/img/tee.svg", app.base),
        "{{origin}} is filled"
    );
    let image = app.client.get(&tee.image_url).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    let broken = app
        .client
        .get(&products.products[2].image_url)
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 404);
}

#[tokio::test]
async fn the_table_streams_its_headers_first_and_then_row_by_row() {
    let app = spawn_app().await;
    let streamed = ask(&app, "shipping prices").await;
    let table = streamed
        .final_parts()
        .into_iter()
        .find_map(|p| match p {
            Part::Table(table) => Some(table.clone()),
            _ => None,
        })
        .unwrap();
    let start = streamed.events.iter().find_map(|e| match e {
        StreamEvent::PartDelta(d) if d.part_id == table.part_id => Some(d.delta.clone()),
        _ => None,
    });
    assert!(
        matches!(start, Some(Delta::StartPart { ref headers, ref caption, .. }) if headers.len() == 4 && caption.as_deref() == Some("Shipping"))
    );
    let rows = streamed
        .events
        .iter()
        .filter(|e| matches!(e, StreamEvent::PartDelta(d) if matches!(d.delta, Delta::AppendRow { .. })))
        .count();
    assert_eq!(rows, table.rows.len());
    assert!(rows >= 4);
    let cells: Vec<&CellBlock> = table
        .rows
        .iter()
        .flatten()
        .flat_map(|c| &c.blocks)
        .collect();
    assert!(cells.iter().any(|b| matches!(b, CellBlock::Image { .. })));
    assert!(cells
        .iter()
        .any(|b| matches!(b, CellBlock::BulletList { .. })));
}

#[tokio::test]
async fn suggestions_and_quick_replies_arrive_whole() {
    let app = spawn_app().await;
    let streamed = ask(&app, "suggest something").await;
    let Some(Part::Suggestions(suggestions)) = streamed
        .final_parts()
        .into_iter()
        .find(|p| matches!(p, Part::Suggestions(_)))
    else {
        panic!("suggestions")
    };
    assert_eq!(streamed.deltas_for(&suggestions.part_id), 0);
    assert!(suggestions
        .suggestions
        .iter()
        .all(|s| !s.prompt_text.is_empty()));

    let streamed = ask(&app, "menu").await;
    let Some(Part::QuickReplies(replies)) = streamed
        .final_parts()
        .into_iter()
        .find(|p| matches!(p, Part::QuickReplies(_)))
    else {
        panic!("quick replies")
    };
    assert!(replies.replies.contains(&"Talk to a human".to_owned()));
}

#[tokio::test]
async fn media_has_an_image_a_host_less_image_and_a_downloadable_file() {
    let app = spawn_app().await;
    let streamed = ask(&app, "show me an image").await;
    let parts = streamed.final_parts();
    let images: Vec<_> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Image(i) => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(images.len(), 2);
    assert!(images[0].url.starts_with("http://"));
    assert!(images[1].url.starts_with('/'), "host-less");
    let Some(Part::File(file)) = parts.iter().find(|p| matches!(p, Part::File(_))) else {
        panic!("a file")
    };
    assert_eq!(file.filename, "size-chart.pdf");
    let download = app.client.get(&file.url).send().await.unwrap();
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let bytes = download.bytes().await.unwrap();
    assert_eq!(Some(bytes.len() as u64), file.size_bytes);
    assert!(bytes.starts_with(b"%PDF"));
}

#[tokio::test]
async fn every_marker_arrives_whole_between_text_parts() {
    let app = spawn_app().await;
    let cases = [
        ("contact us", "show_contact_form"),
        ("open a ticket", "show_support_ticket"),
        ("the form please", "show_form"),
        ("can I upload a picture", "request_image_upload"),
        ("talk to a human", "request_human_agent"),
        ("which size", "custom"),
    ];
    for (text, marker) in cases {
        let streamed = ask(&app, text).await;
        let parts = streamed.final_parts();
        let found = parts
            .iter()
            .find(|p| p.type_name() == marker)
            .unwrap_or_else(|| panic!("{text}: no {marker}"));
        assert!(found.is_marker());
        assert_eq!(found.submitted(), Some(false));
        assert_eq!(
            streamed.deltas_for(found.part_id().unwrap()),
            0,
            "{marker} is never streamed as deltas"
        );
        assert!(
            matches!(parts[0], Part::RichText(_)),
            "{text}: text before the marker"
        );
    }
}

#[tokio::test]
async fn the_contact_form_has_a_dropdown_and_a_field_visible_only_for_orders() {
    let app = spawn_app().await;
    let streamed = ask(&app, "contact").await;
    let Some(Part::ShowContactForm(form)) = streamed
        .final_parts()
        .into_iter()
        .find(|p| matches!(p, Part::ShowContactForm(_)))
        .cloned()
    else {
        panic!()
    };
    let topic = form.fields.iter().find(|f| f.key == "topic").unwrap();
    assert_eq!(topic.field_type, FieldType::Dropdown);
    assert_eq!(topic.options, ["Order", "Return", "Other"]);
    let order_no = form.fields.iter().find(|f| f.key == "order_no").unwrap();
    assert!(order_no.is_visible(|key| (key == "topic").then_some("Order")));
    assert!(!order_no.is_visible(|key| (key == "topic").then_some("Return")));
}

#[tokio::test]
async fn the_generic_form_marker_carries_the_configured_form() {
    let app = spawn_app().await;
    let streamed = ask(&app, "size advice form").await;
    let Some(Part::ShowForm(form)) = streamed
        .final_parts()
        .into_iter()
        .find(|p| matches!(p, Part::ShowForm(_)))
        .cloned()
    else {
        panic!()
    };
    let token = app.token().await;
    let definition: dialoge_api::actions::FormDefinition =
        app.get_json("/api/v1/chat/forms/f_size", &token).await;
    assert_eq!(form.form_id, "f_size");
    assert_eq!(form.fields, definition.fields);
    assert_eq!(form.min_filled_fields, definition.min_filled_fields);
    assert_eq!(Some(form.name.as_str()), definition.name.as_deref());
    assert!(form.confirmation_text.is_some());
}

#[tokio::test]
async fn the_custom_marker_names_its_key_and_payload() {
    let app = spawn_app().await;
    let streamed = ask(&app, "custom").await;
    let Some(Part::Custom(custom)) = streamed
        .final_parts()
        .into_iter()
        .find(|p| matches!(p, Part::Custom(_)))
        .cloned()
    else {
        panic!()
    };
    assert_eq!(custom.key, "open_size_guide");
    assert_eq!(custom.payload.unwrap()["category"], "tees");
}

#[tokio::test]
async fn the_long_answer_has_thousands_of_words_in_small_deltas() {
    let app = spawn_app().await;
    let streamed = ask(&app, "write a long essay").await;
    streamed.assert_consistent();
    let words = visible_text(&streamed.done_message().parts)
        .split_whitespace()
        .count();
    assert!(words > 3_000, "{words} words");
    let deltas = streamed
        .events
        .iter()
        .filter(|e| matches!(e, StreamEvent::PartDelta(_)))
        .count();
    assert!(deltas > 1_500, "{deltas} deltas");
}

#[tokio::test]
async fn hostile_content_is_sent_verbatim_for_the_widget_to_neutralise() {
    let app = spawn_app().await;
    let streamed = ask(&app, "hostile").await;
    streamed.assert_consistent();
    let parts = &streamed.done_message().parts;
    let text = visible_text(parts);
    assert!(text.contains("<script>alert('xss')</script>"));
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    let longest_word = text.split_whitespace().map(str::len).max().unwrap();
    assert!(longest_word >= 100 * 1024, "a 100 KB word");
    let raw = String::from_utf8_lossy(&streamed.raw);
    assert!(raw.contains("javascript:alert(document.cookie)"));
    assert!(raw.contains("data:text/html;base64,"));
    // No single delta carries the whole 100 KB word.
    let biggest = streamed
        .events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::PartDelta(d) => match &d.delta {
                Delta::AppendText { text, .. } => Some(text.len()),
                _ => None,
            },
            _ => None,
        })
        .max()
        .unwrap();
    assert!(biggest <= 4096);
}

#[tokio::test]
async fn an_unknown_future_part_type_sits_between_known_parts() {
    let app = spawn_app().await;
    let streamed = ask(&app, "future").await;
    let parts = &streamed.done_message().parts;
    assert_eq!(parts.len(), 3);
    let Part::Unknown(unknown) = &parts[1] else {
        panic!("an unknown part")
    };
    assert_eq!(unknown.type_name, "hologram");
    assert!(unknown.part_id.is_some());
    assert!(String::from_utf8_lossy(&streamed.raw).contains(r#""type":"hologram""#));
}

#[tokio::test]
async fn part_ids_are_unique_across_the_whole_conversation() {
    let app = spawn_app().await;
    let token = app.token().await;
    let mut ids = Vec::new();
    for text in ["returns", "contact", "returns"] {
        let streamed = app.send(&token, text).await;
        ids.extend(
            streamed
                .done_message()
                .parts
                .iter()
                .filter_map(|p| p.part_id().map(str::to_owned)),
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

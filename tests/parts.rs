//! Browser tests of the part components: real DOM in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::message::{Block, ListItem, Part, RichTextPart, Span};
use dialoge_api::sse::SseParser;
use dialoge_api::stream::StreamEvent;
use dialoge_widget::reactive::*;
use dialoge_widget::state::conversation::{Applied, Transcript, TurnApplier};
use dialoge_widget::state::live::LivePart;
use dialoge_widget::view::dom;
use dialoge_widget::view::parts::part_el;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const RICH_TEXT_STREAM: &str = include_str!("../crates/api/tests/fixtures/stream_rich_text.sse");

fn container() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

/// Mounts one part and returns its container (kept mounted for the test's life).
async fn render(part: Part) -> HtmlElement {
    let root = container();
    let owner = Owner::new();
    owner.with(|| dom::mount(&root, || part_el(LivePart::from_part(&part))));
    std::mem::forget(owner);
    dialoge_widget::reactive::tick().await;
    root
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn events(stream: &str) -> Vec<StreamEvent> {
    let mut parser = SseParser::new();
    parser
        .push(stream.as_bytes())
        .into_iter()
        .map(|e| StreamEvent::from_sse(&e.event, &e.data).unwrap())
        .collect()
}

fn paragraph(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

fn rich(blocks: Vec<Block>) -> Part {
    Part::RichText(RichTextPart {
        part_id: "p1".into(),
        blocks,
    })
}

#[wasm_bindgen_test]
async fn rich_text_renders_paragraphs_bold_strike_links_and_lists_as_dom() {
    let part = rich(vec![
        paragraph(vec![
            Span::Text {
                text: "Our return window is ".into(),
            },
            Span::Bold {
                text: "30 days".into(),
            },
            Span::Text {
                text: ". See the ".into(),
            },
            Span::Link {
                text: "policy".into(),
                url: "https://shop.example.com/returns".into(),
            },
        ]),
        Block::BulletList {
            items: vec![
                ListItem {
                    spans: vec![Span::Text {
                        text: "Unused items".into(),
                    }],
                },
                ListItem {
                    spans: vec![Span::Strike {
                        text: "Sale items".into(),
                    }],
                },
            ],
        },
    ]);
    let root = render(part).await;

    let holder = all(&root, "[data-testid=part]");
    assert_eq!(holder.len(), 1);
    assert_eq!(
        holder[0].get_attribute("data-part-type").as_deref(),
        Some("rich_text")
    );
    assert_eq!(
        holder[0].get_attribute("data-part-id").as_deref(),
        Some("p1")
    );

    let p = all(&root, "p");
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].text_content().unwrap(),
        "Our return window is 30 days. See the policy"
    );
    let strong = all(&root, "p strong");
    assert_eq!(strong.len(), 1);
    assert_eq!(strong[0].text_content().unwrap(), "30 days");

    let links = all(&root, "p a");
    assert_eq!(links.len(), 1);
    let a = &links[0];
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://shop.example.com/returns")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );

    let items = all(&root, "ul > li");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].text_content().unwrap(), "Unused items");
    let s = all(&root, "ul > li s");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].text_content().unwrap(), "Sale items");
}

#[wasm_bindgen_test]
async fn html_in_api_text_stays_text() {
    let script = "<script>window.__pwned = 1</script>";
    let img = "<img src=x onerror=\"window.__pwned = 2\">";
    let part = rich(vec![
        paragraph(vec![
            Span::Text {
                text: script.into(),
            },
            Span::Bold { text: img.into() },
        ]),
        Block::BulletList {
            items: vec![ListItem {
                spans: vec![Span::Text { text: img.into() }],
            }],
        },
    ]);
    let root = render(part).await;

    assert!(
        all(&root, "script").is_empty(),
        "no script element was created"
    );
    assert!(all(&root, "img").is_empty(), "no img element was created");
    let text = root.text_content().unwrap();
    assert!(
        text.contains(script),
        "the script tag is shown as text: {text}"
    );
    assert!(text.contains(img), "the img tag is shown as text: {text}");
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
async fn javascript_and_data_links_are_not_clickable() {
    let hostile = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ];
    let spans = hostile
        .iter()
        .map(|u| Span::Link {
            text: format!("click {u}"),
            url: (*u).into(),
        })
        .collect();
    let root = render(rich(vec![paragraph(spans)])).await;

    assert!(all(&root, "a").is_empty(), "no hostile URL became a link");
    assert!(all(&root, "[href]").is_empty());
    for u in hostile {
        assert!(
            root.text_content().unwrap().contains(&format!("click {u}")),
            "the words stay"
        );
    }
}

#[wasm_bindgen_test]
async fn only_http_https_mailto_and_tel_links_are_clickable() {
    let ok = [
        "http://a.example/",
        "https://b.example/x?y=1",
        "mailto:hi@example.com",
        "tel:+4512345678",
    ];
    let spans = ok
        .iter()
        .map(|u| Span::Link {
            text: (*u).into(),
            url: (*u).into(),
        })
        .collect();
    let root = render(rich(vec![paragraph(spans)])).await;
    let hrefs: Vec<String> = all(&root, "a")
        .iter()
        .map(|a| a.get_attribute("href").unwrap())
        .collect();
    assert_eq!(hrefs, ok);
}

/// Renders a conversation the way the panel does and streams a fixture into it.
#[wasm_bindgen_test]
async fn a_streamed_answer_grows_one_text_node_and_matches_done() {
    let root = container();
    let owner = Owner::new();
    let convo = owner.with(Transcript::new);
    // Each message a keyed list of its parts, as the panel draws them (`view::messages`).
    owner.with(|| {
        dom::mount(&root, || None);
        dom::list(
            &root,
            Box::new(move || convo.entries().with(|e| e.iter().map(|x| x.key).collect())),
            Box::new(move |i: usize| {
                let parts = convo
                    .entries()
                    .with_untracked(|e| e.get(i).map(|e| e.parts()))?;
                let msg: Element = dom::el("div|class=msg").into();
                dom::list(
                    &msg,
                    Box::new(move || parts.with(|p| p.iter().map(|p| p.key).collect())),
                    Box::new(move |i: usize| {
                        parts
                            .with_untracked(|p| p.get(i).cloned())
                            .and_then(part_el)
                            .map(Into::into)
                    }),
                );
                Some(msg.into())
            }),
        );
    });

    let mut applier = TurnApplier::new(convo);
    let mut first_text_node: Option<web_sys::Node> = None;
    let mut text_node_survived = 0;
    let mut done = None;
    for event in events(RICH_TEXT_STREAM) {
        let is_append_text = matches!(
            &event,
            StreamEvent::PartDelta(d) if matches!(d.delta, dialoge_api::stream::Delta::AppendText { .. })
        );
        let applied = owner.with(|| applier.apply(event)).unwrap();
        dialoge_widget::reactive::tick().await;
        if let Applied::Done(message, _) = applied {
            done = Some(message);
        }
        if is_append_text {
            let p = root.query_selector("p").unwrap().unwrap();
            let node = p.first_child().unwrap();
            match &first_text_node {
                None => first_text_node = Some(node),
                Some(prev) if prev.is_same_node(Some(&node)) => text_node_survived += 1,
                Some(_) => {}
            }
        }
    }
    let done = done.expect("the fixture ends with done");
    assert!(
        text_node_survived >= 1,
        "appending text reused the paragraph's first text node"
    );

    // The DOM equals what `done` says.
    let Part::RichText(rt) = &done.parts[0] else {
        panic!("rich text expected")
    };
    let expected_first: String = match &rt.blocks[0] {
        Block::Paragraph { spans } => spans.iter().map(|s| s.text()).collect(),
        _ => unreachable!(),
    };
    let p = root.query_selector("p").unwrap().unwrap();
    assert_eq!(p.text_content().unwrap(), expected_first);
    assert!(
        expected_first.contains("ændringer gælder"),
        "multi-byte text survived"
    );
    assert_eq!(all(&root, "ul > li").len(), 2);
    assert_eq!(all(&root, "p strong").len(), 1);
    assert_eq!(all(&root, "p a").len(), 1);
    assert_eq!(all(&root, ".msg").len(), 1, "one assistant message");
}

fn part_from_json(json: &str) -> Part {
    serde_json::from_str(json).unwrap()
}

#[wasm_bindgen_test]
async fn a_table_has_its_caption_header_row_alignment_and_cell_images() {
    let root = render(part_from_json(
        r#"{"type":"table","part_id":"t1","caption":"Shipping",
            "headers":[{"blocks":[{"type":"paragraph","spans":[{"type":"text","text":"Country"}]}]},
                       {"blocks":[{"type":"paragraph","spans":[{"type":"text","text":"Price"}]}]}],
            "alignments":["left","right"],
            "rows":[[{"blocks":[{"type":"paragraph","spans":[{"type":"bold","text":"Denmark"}]}]},
                     {"blocks":[{"type":"image","url":"https://cdn.example.com/dk.png","alt":"flag"}]}]]}"#,
    ))
    .await;
    assert_eq!(all(&root, "caption")[0].text_content().unwrap(), "Shipping");
    let th = all(&root, "thead th");
    assert_eq!(th.len(), 2);
    assert_eq!(th[1].get_attribute("class").as_deref(), Some("dlg-right"));
    assert_eq!(
        all(&root, "tbody td strong")[0].text_content().unwrap(),
        "Denmark"
    );
    let img = &all(&root, "tbody td img")[0];
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("https://cdn.example.com/dk.png")
    );
    assert_eq!(img.get_attribute("alt").as_deref(), Some("flag"));
    assert!(
        all(&root, ".dlg-table-wrap").len() == 1,
        "wrapped for horizontal scroll"
    );
}

#[wasm_bindgen_test]
async fn product_cards_show_price_discount_splash_links_and_a_placeholder_for_bad_images() {
    let root = render(part_from_json(
        r#"{"type":"products","part_id":"pp","products":[
            {"id":"sku-1","title":"Basic tee","image_url":"not a url at all",
             "price":{"amount":149.0,"currency":"DKK"},"original_price":{"amount":299.0,"currency":"DKK"},
             "splash":"50% Deal","url":"https://shop.example.com/p/1",
             "add_to_cart":{"sku":"sku-1","url":"https://shop.example.com/cart?add=sku-1"}},
            {"id":"sku-2","title":"Hoodie","image_url":"https://cdn.example.com/2.jpg",
             "price":{"amount":449.0,"currency":"DKK"},"url":"javascript:alert(1)"}]}"#,
    ))
    .await;
    let cards = all(&root, ".dlg-card");
    assert_eq!(cards.len(), 2);
    assert_eq!(
        all(&root, ".dlg-splash")[0].text_content().unwrap(),
        "50% Deal"
    );
    let now = all(&root, ".dlg-price-now")[0].text_content().unwrap();
    assert!(
        now.contains("149") && now.contains("DKK"),
        "Intl-formatted price: {now}"
    );
    let before = all(&root, "s.dlg-price-before");
    assert_eq!(
        before.len(),
        1,
        "only the discounted card shows an original price"
    );
    assert!(before[0].text_content().unwrap().contains("299"));
    assert_eq!(
        all(&root, ".dlg-card .dlg-placeholder").len(),
        1,
        "bad image URL → placeholder"
    );
    let open = all(&root, "a.dlg-card-open");
    assert_eq!(open.len(), 1, "the javascript: product URL is not a link");
    assert_eq!(
        open[0].get_attribute("href").as_deref(),
        Some("https://shop.example.com/p/1")
    );
    assert_eq!(all(&root, "a.dlg-card-cart").len(), 1);
    assert_eq!(
        all(&root, "button.dlg-carousel-btn").len(),
        2,
        "carousel buttons"
    );
}

#[wasm_bindgen_test]
async fn suggestions_and_quick_replies_are_buttons_with_their_text() {
    let root = render(part_from_json(
        r#"{"type":"quick_replies","part_id":"q","replies":["Track my order","Talk to a human"]}"#,
    ))
    .await;
    let chips: Vec<String> = all(&root, "button.dlg-chip")
        .iter()
        .map(|b| b.text_content().unwrap().trim().to_owned())
        .collect();
    assert_eq!(chips, ["Track my order", "Talk to a human"]);

    let root = render(part_from_json(
        r#"{"type":"suggestions","part_id":"s","suggestions":[
            {"id":"1","title":"Sizes","description":"Find yours","prompt_text":"Which size?"}]}"#,
    ))
    .await;
    let b = all(&root, "button.dlg-suggestion");
    assert_eq!(b.len(), 1);
    assert!(b[0].text_content().unwrap().contains("Sizes"));
}

#[wasm_bindgen_test]
async fn images_accept_data_urls_and_refuse_script_urls_and_files_show_name_and_size() {
    let root = render(part_from_json(
        r#"{"type":"image","url":"data:image/png;base64,iVBORw0KGgo=","caption":"Your photo"}"#,
    ))
    .await;
    let img = &all(&root, "figure img")[0];
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert_eq!(
        all(&root, "figcaption")[0].text_content().unwrap(),
        "Your photo"
    );

    let root = render(part_from_json(
        r#"{"type":"image","url":"javascript:alert(1)"}"#,
    ))
    .await;
    assert!(all(&root, "img").is_empty());

    let root = render(part_from_json(
        r#"{"type":"file","filename":"label.pdf","url":"https://x.example/label.pdf","size_bytes":48231}"#,
    ))
    .await;
    let a = &all(&root, ".dlg-file a")[0];
    assert_eq!(a.text_content().unwrap(), "label.pdf");
    assert_eq!(a.get_attribute("download").as_deref(), Some("label.pdf"));
    assert_eq!(
        all(&root, ".dlg-file-size")[0].text_content().unwrap(),
        "47 KB"
    );
}

#[wasm_bindgen_test]
async fn an_unknown_part_type_renders_nothing() {
    let root = render(part_from_json(
        r#"{"type":"hologram","part_id":"h","beam":true}"#,
    ))
    .await;
    assert!(all(&root, "[data-testid=part]").is_empty());
}

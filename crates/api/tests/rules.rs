//! The contract's input rules, as both the widget (before sending) and the sandbox (on arrival)
//! apply them: form checks, action bodies, files, message parts, echoes and part type names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_api::actions::{Action, AttachmentUpload, ContactForm, FormSubmission, SupportTicket};
use dialoge_api::message::{
    part_type, ConditionOperator, FieldType, FormField, Part, ShowForm, ShowSupportTicket,
    VisibleWhen,
};
use dialoge_api::rules::{self, Check, Finding, Problem, Values};
use dialoge_api::send::{InputPart, MAX_ACTION_ATTACHMENT_BYTES};

// ------------------------------------------------------------------------------------------------
// Helpers

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
        operator: ConditionOperator::Equals,
        value: dialoge_api::json::Value::String(value.into()),
    }];
    f
}

fn values(pairs: &[(&str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
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

/// Standard padded base64, so the tests need no base64 crate.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn upload(name: &str, mime: &str, bytes: &[u8]) -> AttachmentUpload {
    AttachmentUpload {
        filename: name.into(),
        mime_type: mime.into(),
        data_base64: b64(bytes),
    }
}

fn paths(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.path.as_str()).collect()
}

// ------------------------------------------------------------------------------------------------
// Forms (ported from the widget's browser tests)

#[test]
fn required_email_and_phone_problems_are_found_on_visible_fields_only() {
    let fields = contact_fields();
    let none = |_: &str| false;
    let check = rules::validate(
        &fields,
        &values(&[
            ("email", "jane@"),
            ("phone", "call me"),
            ("topic", "Return"),
        ]),
        none,
        0,
    );
    assert_eq!(check.problem("name"), Some(&Problem::Required));
    assert_eq!(check.problem("email"), Some(&Problem::Email));
    assert_eq!(check.problem("phone"), Some(&Problem::Tel));
    assert!(
        check.problem("order_no").is_none(),
        "hidden by visible_when, so not required"
    );
    let check = rules::validate(
        &fields,
        &values(&[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Order"),
        ]),
        none,
        0,
    );
    assert_eq!(
        check.fields,
        [("order_no".to_owned(), Problem::Required)],
        "shown once topic is Order, so required"
    );
}

#[test]
fn emails_and_phone_numbers_are_checked_plainly() {
    for ok in ["jane@example.com", "a.b+c@shop.co.uk"] {
        assert!(rules::is_email(ok), "{ok}");
    }
    for bad in [
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "a b@c.dk",
        "jane @example.com",
        "a@b@c.dk",
        "jane@example..com",
    ] {
        assert!(!rules::is_email(bad), "{bad}");
    }
    assert!(rules::is_tel("+45 12 34 56 78"));
    assert!(rules::is_tel("(030) 123-456"));
    assert!(!rules::is_tel("1234"));
    assert!(!rules::is_tel("12345 call"));
    assert!(!rules::is_tel("call me"));
}

#[test]
fn min_filled_fields_counts_values_and_files() {
    let fields = [
        field("a", FieldType::Text, false),
        field("b", FieldType::Textarea, false),
        field("f", FieldType::File, false),
    ];
    let one = values(&[("a", " x "), ("b", "   ")]);
    assert_eq!(
        rules::validate(&fields, &one, |_| false, 2).form,
        Some(Problem::MinFilled(2))
    );
    assert!(rules::validate(&fields, &one, |k| k == "f", 2).is_ok());
}

#[test]
fn a_filled_field_counts_toward_min_filled_even_when_its_value_has_a_problem() {
    let fields = [
        field("email", FieldType::Email, false),
        field("b", FieldType::Text, false),
    ];
    let check = rules::validate(
        &fields,
        &values(&[("email", "x"), ("b", "y")]),
        |_| false,
        2,
    );
    assert_eq!(
        check,
        Check {
            fields: vec![("email".into(), Problem::Email)],
            form: None,
        }
    );
}

#[test]
fn a_hidden_file_field_is_neither_required_nor_counted() {
    let fields = [
        field("a", FieldType::Text, false),
        when(field("f", FieldType::File, true), "a", "show"),
    ];
    let check = rules::validate(&fields, &values(&[("a", "x")]), |_| true, 2);
    assert_eq!(check.fields, []);
    assert_eq!(check.form, Some(Problem::MinFilled(2)));
    let check = rules::validate(&fields, &values(&[("a", "show")]), |_| false, 0);
    assert_eq!(check.fields, [("f".to_owned(), Problem::Required)]);
}

#[test]
fn a_value_is_checked_for_length_first_then_its_format_or_options() {
    let mut fit = field("fit", FieldType::Dropdown, true);
    fit.options = vec!["Slim".into(), "Regular".into()];
    assert_eq!(rules::value_problem(&fit, "Regular"), None);
    assert_eq!(
        rules::value_problem(&fit, "Baggy"),
        Some(Problem::NotAnOption)
    );
    let email = field("email", FieldType::Email, true);
    let long = "a".repeat(rules::MAX_VALUE_CHARS + 1);
    assert_eq!(
        rules::value_problem(&email, &long),
        Some(Problem::TooLong(5_000))
    );
    let text = field("t", FieldType::Text, false);
    assert_eq!(
        rules::value_problem(&text, &"é".repeat(rules::MAX_VALUE_CHARS)),
        None,
        "characters, not bytes"
    );
}

#[test]
fn keys_the_form_does_not_have_and_text_for_a_file_field_are_stray() {
    let fields = [
        field("a", FieldType::Text, false),
        field("f", FieldType::File, false),
    ];
    assert_eq!(
        rules::stray_values(&fields, &values(&[("zz", "1"), ("f", "x"), ("a", "ok")])),
        [
            ("f".to_owned(), Problem::TextForFile),
            ("zz".to_owned(), Problem::UnknownField)
        ]
    );
}

#[test]
fn a_422_path_names_the_field_by_its_last_known_segment() {
    let keys = ["name", "email", "order_no", "attachments", "photo", "fit"];
    let cases = [
        ("action.fields.email", Some("email")),
        ("action.values.fit", Some("fit")),
        ("action.files.photo", Some("photo")),
        ("action.name", Some("name")),
        ("action.order_no", Some("order_no")),
        ("action.attachments.0.data_base64", Some("attachments")),
        ("action.attachments", Some("attachments")),
        ("action.values", None),
        ("action.type", None),
        ("message.parts.0.text", None),
    ];
    for (path, want) in cases {
        assert_eq!(
            rules::field_for_param(path, &keys).as_deref(),
            want,
            "{path}"
        );
    }
}

#[test]
fn actions_carry_visible_values_under_the_markers_own_keys() {
    let fields = contact_fields();
    let typed = values(&[
        ("name", " Jane "),
        ("email", "jane@example.com"),
        ("topic", "Return"),
        ("order_no", "NL-1"),
        ("message", ""),
    ]);
    let Action::ContactForm(contact) = rules::contact_action(&fields, &typed, Vec::new()) else {
        panic!("contact_form expected")
    };
    assert_eq!(
        contact.fields,
        values(&[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Return")
        ]),
        "trimmed, empty left out, order_no hidden so not sent"
    );

    let ticket_fields = [
        field("name", FieldType::Text, true),
        field("email", FieldType::Email, true),
        field("message", FieldType::Textarea, true),
        field("order_no", FieldType::Text, false),
    ];
    let upload = AttachmentUpload {
        filename: "a.png".into(),
        mime_type: "image/png".into(),
        data_base64: "iVBORw==".into(),
    };
    let typed = values(&[
        ("name", "Jane"),
        ("email", "jane@example.com"),
        ("message", "Broken"),
        ("order_no", "NL-12345"),
    ]);
    let Action::SupportTicket(ticket) =
        rules::ticket_action(&ticket_fields, &typed, vec![upload.clone()])
    else {
        panic!("support_ticket expected")
    };
    assert_eq!(
        (
            ticket.name.as_str(),
            ticket.email.as_str(),
            ticket.message.as_str()
        ),
        ("Jane", "jane@example.com", "Broken")
    );
    assert_eq!(ticket.extra.get("order_no"), Some(&"NL-12345".into()));
    assert_eq!(ticket.attachments, vec![upload.clone()]);

    let form_fields = [
        field("height_cm", FieldType::Text, true),
        when(field("photo", FieldType::File, false), "height_cm", "999"),
    ];
    let files = vec![("photo".to_owned(), upload)];
    let Action::FormSubmission(sub) = rules::form_action(
        "f_size",
        &form_fields,
        &values(&[("height_cm", "180")]),
        files,
    ) else {
        panic!("form_submission expected")
    };
    assert_eq!(sub.form_id, "f_size");
    assert_eq!(sub.values, values(&[("height_cm", "180")]));
    assert!(sub.files.is_empty(), "a hidden file field is not submitted");
}

#[test]
fn the_ticket_has_name_email_and_message_first_and_the_markers_other_fields_after() {
    let marker = ShowSupportTicket {
        part_id: "p".into(),
        fields: vec![
            field("email", FieldType::Text, false),
            field("order_no", FieldType::Text, false),
        ],
        attachments_accepted: None,
        max_attachment_size_bytes: None,
        submitted: None,
    };
    let fields = rules::ticket_fields(&marker, ["Navn", "E-mail", "Besked"]);
    let summary: Vec<(&str, &str, bool)> = fields
        .iter()
        .map(|f| (f.key.as_str(), f.label.as_str(), f.required))
        .collect();
    // The marker names `email` among its fields: its label wins, its type and `required`
    // do not (the ticket's own e-mail is always a required e-mail).
    assert_eq!(
        summary,
        [
            ("name", "Navn", true),
            ("email", "Label of email", true),
            ("message", "Besked", true),
            ("order_no", "Label of order_no", false)
        ]
    );
    assert_eq!(fields[1].field_type, FieldType::Email);
    assert_eq!(fields[2].field_type, FieldType::Textarea);
}

#[test]
fn files_are_checked_for_type_and_size_before_reading() {
    let images = ["image/png", "image/jpeg", "image/webp"];
    assert_eq!(rules::check_file("image/png", 10, &images, 100), Ok(()));
    assert_eq!(
        rules::check_file("image/gif", 10, &images, 100),
        Err(Problem::WrongType)
    );
    assert_eq!(
        rules::check_file("image/PNG", 101, &images, 100),
        Err(Problem::TooLarge(100))
    );
    assert_eq!(rules::check_file("image/gif", 1, &["image/*"], 100), Ok(()));
    assert_eq!(rules::check_file("text/plain", 1, &[], 100), Ok(()));
    assert_eq!(rules::mime_of("", "Photo.WEBP"), "image/webp");
    assert_eq!(rules::mime_of("image/png", "x.jpg"), "image/png");
    assert_eq!(rules::type_label("image/jpeg"), "JPEG");
    assert_eq!(rules::type_label("image/svg+xml"), "SVG");
    assert_eq!(rules::type_label("image/*"), "IMAGE");
    assert_eq!(rules::type_label("application/x-x-rar"), "RAR");
    assert_eq!(rules::type_label("text/plain"), "PLAIN");
    assert_eq!(rules::type_label("plain"), "PLAIN");
    assert_eq!(rules::mime_of("", "report.v2.PDF"), "application/pdf");
    assert_eq!(rules::mime_of("", "README"), "application/octet-stream");
    assert_eq!(rules::mime_of("", "archive."), "application/octet-stream");
}

// ------------------------------------------------------------------------------------------------
// The composer's attachments (ported from the widget's browser tests)

#[test]
fn attachments_are_checked_for_type_size_and_count_before_reading() {
    use rules::{check_attachment as check, MAX_ATTACHMENTS};
    let mb = 1024 * 1024;
    assert_eq!(check("image/png", mb, 5 * mb, 0), Ok(true));
    assert_eq!(check("application/pdf", mb, 5 * mb, 0), Ok(false));
    assert_eq!(
        check("application/x-msdownload", 10, 5 * mb, 0),
        Err(Problem::WrongType)
    );
    assert_eq!(
        check("image/svg+xml", 10, 5 * mb, 0),
        Err(Problem::WrongType),
        "SVG can carry script"
    );
    assert_eq!(
        check("image/jpeg", 5 * mb + 1, 5 * mb, 0),
        Err(Problem::TooLarge(5 * mb))
    );
    assert_eq!(
        check("image/jpeg", 10, 5 * mb, MAX_ATTACHMENTS),
        Err(Problem::TooMany(MAX_ATTACHMENTS))
    );
}

#[test]
fn the_choosers_accept_lists_exactly_the_image_and_file_types() {
    let all: Vec<&str> = rules::IMAGE_TYPES
        .iter()
        .chain(rules::FILE_TYPES)
        .copied()
        .collect();
    assert_eq!(rules::ACCEPT, all.join(","));
    assert_eq!(
        rules::ACCEPT,
        "image/png,image/jpeg,image/webp,image/gif,application/pdf,text/plain,text/csv,application/zip"
    );
}

// ------------------------------------------------------------------------------------------------
// Base64

#[test]
fn base64_is_read_strictly_standard_and_padded() {
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"hi", "aGk="),
    ] {
        assert_eq!(b64(bytes), text);
        assert_eq!(rules::base64_decoded_len(text), Some(bytes.len()), "{text}");
    }
    for bad in [
        "%%%",
        "Zg",
        "Zg=",
        "Zm9",
        "Z===",
        "====",
        "Zm 9",
        "Zh==",
        "Zm9=Zm9v",
        "Zm-v",
        "Zm_v",
        "not base64!",
    ] {
        assert_eq!(rules::base64_decoded_len(bad), None, "{bad}");
    }
    let bytes: Vec<u8> = (0..=255).collect();
    assert_eq!(rules::base64_decoded_len(&b64(&bytes)), Some(256));
}

// ------------------------------------------------------------------------------------------------
// Action bodies, as the sandbox checks them

fn contact(fields: &[(&str, &str)]) -> ContactForm {
    ContactForm {
        fields: values(fields),
        files: Default::default(),
    }
}

#[test]
fn a_contact_form_names_every_bad_field_including_one_shown_by_visible_when() {
    let findings = rules::check_contact(
        &contact_fields(),
        &contact(&[("email", "jane@"), ("topic", "Order"), ("phone", "call me")]),
    );
    assert_eq!(
        paths(&findings),
        [
            "action.fields.name",
            "action.fields.email",
            "action.fields.order_no",
            "action.fields.phone"
        ]
    );
    assert_eq!(
        findings[0],
        Finding {
            path: "action.fields.name".into(),
            key: Some("name".into()),
            problem: Problem::Required
        }
    );
    let problems: Vec<Problem> = findings.iter().map(|f| f.problem).collect();
    assert_eq!(
        problems,
        [
            Problem::Required,
            Problem::Email,
            Problem::Required,
            Problem::Tel
        ]
    );
}

#[test]
fn a_hidden_field_is_neither_required_nor_checked_on_arrival() {
    let findings = rules::check_contact(
        &contact_fields(),
        &contact(&[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Other"),
            ("order_no", "NL-1"),
        ]),
    );
    assert_eq!(findings, []);
}

#[test]
fn a_dropdown_takes_only_its_options_and_unknown_keys_are_refused() {
    let findings = rules::check_contact(
        &contact_fields(),
        &contact(&[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Complaint"),
            ("shoe_size", "44"),
        ]),
    );
    assert_eq!(
        paths(&findings),
        ["action.fields.shoe_size", "action.fields.topic"]
    );
    assert_eq!(findings[0].problem, Problem::UnknownField);
    assert_eq!(findings[1].problem, Problem::NotAnOption);
    assert_eq!(findings[1].key.as_deref(), Some("topic"));
}

fn ticket_marker(accepted: Option<bool>, max: Option<u64>) -> ShowSupportTicket {
    ShowSupportTicket {
        part_id: "part_1".into(),
        fields: vec![field("order_no", FieldType::Text, false)],
        attachments_accepted: accepted,
        max_attachment_size_bytes: max,
        submitted: None,
    }
}

fn ticket(attachments: Vec<AttachmentUpload>) -> SupportTicket {
    let mut extra = dialoge_api::json::Map::new();
    extra.insert("order_no".into(), "NL-42".into());
    SupportTicket {
        name: "Jane".into(),
        email: "jane@example.com".into(),
        message: "The zip broke".into(),
        attachments,
        extra,
    }
}

#[test]
fn a_support_ticket_with_an_attachment_is_accepted() {
    let ticket = ticket(vec![upload("zip.png", "image/png", b"\x89PNG")]);
    assert_eq!(rules::check_ticket(&ticket_marker(None, None), &ticket), []);
}

#[test]
fn a_ticket_needs_name_email_and_message() {
    let action = SupportTicket {
        email: "nope".into(),
        ..SupportTicket::default()
    };
    let findings = rules::check_ticket(&ticket_marker(None, None), &action);
    assert_eq!(
        paths(&findings),
        ["action.name", "action.email", "action.message"]
    );
    let problems: Vec<Problem> = findings.iter().map(|f| f.problem).collect();
    assert_eq!(
        problems,
        [Problem::Required, Problem::Email, Problem::Required]
    );
}

#[test]
fn a_ticket_refuses_extra_fields_that_are_not_text_or_not_the_markers() {
    let mut action = ticket(Vec::new());
    action
        .extra
        .insert("count".into(), serde_json::json!(3).into());
    action
        .extra
        .insert("gone".into(), dialoge_api::json::Value::Null);
    action.extra.insert("shoe".into(), "44".into());
    let findings = rules::check_ticket(&ticket_marker(None, None), &action);
    assert_eq!(paths(&findings), ["action.count", "action.shoe"]);
    assert_eq!(findings[0].problem, Problem::NotText);
    assert_eq!(findings[1].problem, Problem::UnknownField);
}

#[test]
fn a_ticket_attachment_over_2_mib_or_not_base64_is_refused() {
    let big = upload(
        "big.bin",
        "application/octet-stream",
        &vec![0u8; MAX_ACTION_ATTACHMENT_BYTES + 1],
    );
    let garbage = AttachmentUpload {
        filename: "x.png".into(),
        mime_type: "image/png".into(),
        data_base64: "%%%".into(),
    };
    let findings = rules::check_ticket(
        &ticket_marker(Some(true), Some(2_097_152)),
        &ticket(vec![big, garbage]),
    );
    assert_eq!(
        paths(&findings),
        [
            "action.attachments.0.data_base64",
            "action.attachments.1.data_base64"
        ]
    );
    assert_eq!(findings[0].problem, Problem::TooLarge(2 * 1024 * 1024));
    assert_eq!(findings[1].problem, Problem::NotBase64);
}

#[test]
fn a_ticket_honours_attachments_accepted_and_its_own_size_limit() {
    let file = |n: usize| upload("a.bin", "application/octet-stream", &vec![7u8; n]);
    let findings = rules::check_ticket(&ticket_marker(Some(false), None), &ticket(vec![file(10)]));
    assert_eq!(paths(&findings), ["action.attachments"]);
    assert_eq!(findings[0].problem, Problem::NotAccepted);
    let findings = rules::check_ticket(&ticket_marker(None, Some(100)), &ticket(vec![file(101)]));
    assert_eq!(paths(&findings), ["action.attachments.0.data_base64"]);
    assert_eq!(findings[0].problem, Problem::TooLarge(100));
    assert_eq!(
        rules::check_ticket(&ticket_marker(None, Some(100)), &ticket(vec![file(100)])),
        []
    );
}

#[test]
fn a_ticket_takes_at_most_five_attachments() {
    let files = vec![upload("a.txt", "text/plain", b"hi"); 6];
    let findings = rules::check_ticket(&ticket_marker(None, None), &ticket(files));
    assert_eq!(paths(&findings), ["action.attachments"]);
    assert_eq!(findings[0].problem, Problem::TooMany(5));
}

#[test]
fn an_upload_needs_a_name_a_type_and_some_bytes() {
    let blank = AttachmentUpload {
        filename: " ".into(),
        mime_type: String::new(),
        data_base64: String::new(),
    };
    assert_eq!(
        rules::check_upload(&blank, 100),
        [
            ("filename", Problem::Required),
            ("mime_type", Problem::Required),
            ("data_base64", Problem::Empty)
        ]
    );
}

#[test]
fn an_upload_over_the_contracts_cap_is_too_large_for_the_cap_whatever_the_markers_limit() {
    let big = upload("b", "x/y", &vec![0u8; MAX_ACTION_ATTACHMENT_BYTES + 1]);
    for limit in [100, 2_097_152, 10_000_000] {
        assert_eq!(
            rules::check_upload(&big, limit),
            [("data_base64", Problem::TooLarge(2_097_152))],
            "{limit}"
        );
    }
    let exactly = upload("b", "x/y", &vec![0u8; MAX_ACTION_ATTACHMENT_BYTES]);
    assert_eq!(rules::check_upload(&exactly, 2_097_152), []);
}

fn size_form() -> ShowForm {
    let mut fit = field("fit", FieldType::Dropdown, true);
    fit.options = vec!["Slim".into(), "Regular".into(), "Loose".into()];
    ShowForm {
        part_id: "part_1".into(),
        form_id: "f_size".into(),
        name: "Size advice".into(),
        confirmation_text: None,
        fields: vec![
            field("height_cm", FieldType::Text, true),
            fit,
            field("email", FieldType::Email, false),
            field("photo", FieldType::File, false),
            field("notes", FieldType::Textarea, false),
        ],
        min_filled_fields: Some(2),
        submitted: None,
    }
}

fn submission(
    form_id: &str,
    pairs: &[(&str, &str)],
    files: &[(&str, AttachmentUpload)],
) -> FormSubmission {
    FormSubmission {
        form_id: form_id.into(),
        values: values(pairs),
        files: files
            .iter()
            .map(|(k, u)| ((*k).to_owned(), u.clone()))
            .collect(),
    }
}

#[test]
fn a_generic_form_with_a_file_is_accepted() {
    let photo = upload("fit.png", "image/png", b"\x89PNG");
    let action = submission(
        "f_size",
        &[("height_cm", "182"), ("fit", "Regular")],
        &[("photo", photo)],
    );
    assert_eq!(rules::check_form(&size_form(), &action), []);
}

#[test]
fn a_generic_form_checks_its_form_id_required_fields_and_file_keys() {
    let findings = rules::check_form(&size_form(), &submission("f_pre", &[], &[]));
    assert_eq!(paths(&findings), ["action.form_id"]);
    assert_eq!(findings[0].problem, Problem::WrongForm);

    let notes = upload("a.txt", "text/plain", b"hi");
    let findings = rules::check_form(
        &size_form(),
        &submission("f_size", &[("email", "x@y.dk")], &[("notes", notes)]),
    );
    assert_eq!(
        paths(&findings),
        [
            "action.values.height_cm",
            "action.values.fit",
            "action.files.notes",
            "action.values"
        ]
    );
    let problems: Vec<Problem> = findings.iter().map(|f| f.problem).collect();
    assert_eq!(
        problems,
        [
            Problem::Required,
            Problem::Required,
            Problem::NotAFileField,
            Problem::MinFilled(2)
        ]
    );
}

#[test]
fn a_form_below_min_filled_fields_is_a_problem_of_the_whole_form_and_a_file_counts() {
    let marker = ShowForm {
        fields: vec![
            field("a", FieldType::Text, false),
            field("b", FieldType::Text, false),
            field("c", FieldType::File, false),
        ],
        ..size_form()
    };
    let mut action = submission("f_size", &[("a", "x"), ("b", "  ")], &[]);
    assert_eq!(
        paths(&rules::check_form(&marker, &action)),
        ["action.values"]
    );
    action
        .files
        .insert("c".into(), upload("c.txt", "text/plain", b"hello"));
    assert_eq!(rules::check_form(&marker, &action), []);
}

#[test]
fn form_files_are_reported_after_values_with_missing_required_files_last() {
    let marker = ShowForm {
        fields: vec![
            field("receipt", FieldType::File, true),
            field("name", FieldType::Text, true),
            when(field("photo", FieldType::File, false), "name", "show"),
        ],
        min_filled_fields: None,
        ..size_form()
    };
    let bad = AttachmentUpload {
        filename: "p.png".into(),
        mime_type: "image/png".into(),
        data_base64: "%%%".into(),
    };
    let findings = rules::check_form(
        &marker,
        &submission(
            "f_size",
            &[("receipt", "text")],
            &[("photo", bad.clone()), ("zz", bad)],
        ),
    );
    assert_eq!(
        paths(&findings),
        [
            "action.values.receipt",
            "action.values.name",
            "action.files.zz",
            "action.files.receipt"
        ],
        "the hidden photo's file is ignored, not checked"
    );
    let problems: Vec<Problem> = findings.iter().map(|f| f.problem).collect();
    assert_eq!(
        problems,
        [
            Problem::TextForFile,
            Problem::Required,
            Problem::UnknownField,
            Problem::Required
        ]
    );
}

#[test]
fn a_visible_forms_file_is_checked_like_an_attachment() {
    let marker = ShowForm {
        fields: vec![field("photo", FieldType::File, false)],
        min_filled_fields: None,
        ..size_form()
    };
    let empty = AttachmentUpload {
        filename: "p.png".into(),
        mime_type: "image/png".into(),
        data_base64: String::new(),
    };
    let findings = rules::check_form(&marker, &submission("f_size", &[], &[("photo", empty)]));
    assert_eq!(
        findings,
        [Finding {
            path: "action.files.photo.data_base64".into(),
            key: Some("photo".into()),
            problem: Problem::Empty
        }]
    );
}

// ------------------------------------------------------------------------------------------------
// Message input parts, as the sandbox checks them

fn image(data: &str, mime: &str) -> InputPart {
    InputPart::Image {
        data: data.into(),
        mime: mime.into(),
        filename: String::new(),
    }
}

#[test]
fn uploads_are_checked_for_type_encoding_and_prefix() {
    let png = b64(b"\x89PNG\r\n");
    let parts = vec![
        InputPart::Text {
            text: "see attached".into(),
        },
        image(&png, "image/bmp"),
        image("not base64!", "image/png"),
        InputPart::File {
            data: format!("data:application/pdf;base64,{png}"),
            mime: "application/pdf".into(),
            filename: String::new(),
        },
    ];
    let findings = rules::check_message_parts(&parts);
    assert_eq!(
        paths(&findings),
        [
            "message.parts.1.mime",
            "message.parts.2.data",
            "message.parts.3.filename",
            "message.parts.3.data"
        ]
    );
    let problems: Vec<Problem> = findings.iter().map(|f| f.problem).collect();
    assert_eq!(
        problems,
        [
            Problem::WrongType,
            Problem::NotBase64,
            Problem::Required,
            Problem::DataUrl
        ]
    );
}

#[test]
fn a_message_needs_one_to_ten_parts_and_text_that_is_not_blank_or_too_long() {
    assert_eq!(
        rules::check_message_parts(&[]),
        [Finding {
            path: "message.parts".into(),
            key: None,
            problem: Problem::Required
        }]
    );
    let text = |t: String| InputPart::Text { text: t };
    let many = vec![text("hi".into()); 11];
    assert_eq!(paths(&rules::check_message_parts(&many)), ["message.parts"]);
    let findings = rules::check_message_parts(&[
        text("  ".into()),
        text("x".repeat(rules::MAX_TEXT_CHARS + 1)),
        text("x".repeat(rules::MAX_TEXT_CHARS)),
    ]);
    assert_eq!(
        paths(&findings),
        ["message.parts.0.text", "message.parts.1.text"]
    );
    assert_eq!(findings[1].problem, Problem::TooLong(10_000));
}

#[test]
fn a_file_part_needs_a_short_name_a_mime_type_and_some_bytes() {
    let file = |data: &str, mime: &str, filename: String| InputPart::File {
        data: data.into(),
        mime: mime.into(),
        filename,
    };
    let findings = rules::check_message_parts(&[
        file("", "pdf", "x".repeat(256)),
        file("aGk=", " ", "a.pdf".into()),
        file("aGk=", "application/pdf", "x".repeat(255)),
    ]);
    let found: Vec<(&str, Problem)> = findings
        .iter()
        .map(|f| (f.path.as_str(), f.problem))
        .collect();
    assert_eq!(
        found,
        [
            ("message.parts.0.filename", Problem::TooLong(255)),
            ("message.parts.0.mime", Problem::WrongType),
            ("message.parts.0.data", Problem::Empty),
            ("message.parts.1.mime", Problem::WrongType)
        ]
    );
}

#[test]
fn a_message_upload_over_5_mib_of_base64_is_too_large_before_it_is_decoded() {
    let over = "!".repeat(dialoge_api::send::MAX_MESSAGE_DATA_BASE64_LEN + 1);
    assert_eq!(
        rules::check_message_parts(&[image(&over, "image/png")])[0].problem,
        Problem::TooLarge(5 * 1024 * 1024)
    );
}

#[test]
fn a_livechat_upload_needs_attachments_switched_on_and_stays_within_the_livechat_limit() {
    let small = b64(&[1u8; 10]);
    let big = b64(&[1u8; 11]);
    let parts = vec![
        InputPart::Text { text: "hi".into() },
        image(&small, "image/png"),
        image(&big, "image/png"),
    ];
    assert_eq!(
        paths(&rules::check_livechat_uploads(&parts, false, 10)),
        ["message.parts.1", "message.parts.2"]
    );
    assert_eq!(
        rules::check_livechat_uploads(&parts, false, 10)[0].problem,
        Problem::NotAccepted
    );
    assert_eq!(
        rules::check_livechat_uploads(&parts, true, 10),
        [Finding {
            path: "message.parts.2.data".into(),
            key: None,
            problem: Problem::TooLarge(10)
        }]
    );
    assert_eq!(rules::check_livechat_uploads(&parts, true, 11), []);
}

#[test]
fn the_livechat_limit_is_the_settings_and_never_more_than_a_messages() {
    let message_limit = dialoge_api::send::MAX_MESSAGE_DATA_BYTES as u64;
    assert_eq!(rules::livechat_upload_limit(None), message_limit);
    assert_eq!(rules::livechat_upload_limit(Some(10)), 10);
    assert_eq!(
        rules::livechat_upload_limit(Some(message_limit + 1)),
        message_limit
    );
}

// ------------------------------------------------------------------------------------------------
// Ratings

#[test]
fn a_rating_is_one_to_five_stars_with_at_most_2000_characters_of_feedback() {
    for rating in rules::RATINGS {
        assert_eq!(rules::check_rating(rating, Some("Great")), []);
    }
    let long = "x".repeat(rules::MAX_FEEDBACK_CHARS + 1);
    let findings = rules::check_rating(0, Some(&long));
    let found: Vec<(&str, Problem)> = findings
        .iter()
        .map(|f| (f.path.as_str(), f.problem))
        .collect();
    assert_eq!(
        found,
        [
            ("rating", Problem::NotAnOption),
            ("feedback", Problem::TooLong(2_000))
        ]
    );
    assert_eq!(paths(&rules::check_rating(6, None)), ["rating"]);
    let longest = "x".repeat(rules::MAX_FEEDBACK_CHARS);
    assert_eq!(rules::check_rating(5, Some(&longest)), []);
}

// ------------------------------------------------------------------------------------------------
// Echo and part type names

#[test]
fn an_uploaded_image_is_echoed_as_a_data_url_with_its_type_size_and_caption() {
    let png = b64(b"\x89PNG\r\n\x1a\n");
    let part = InputPart::Image {
        data: png.clone(),
        mime: "image/png".into(),
        filename: "damage.png".into(),
    };
    let Part::Image(shown) = rules::echo(&part) else {
        panic!("an image part")
    };
    assert_eq!(shown.url, format!("data:image/png;base64,{png}"));
    assert_eq!(shown.mime_type.as_deref(), Some("image/png"));
    assert_eq!(shown.size_bytes, Some(8));
    assert_eq!(shown.caption.as_deref(), Some("damage.png"));
    assert_eq!(shown.attachment_id, None);
    let Part::Image(shown) = rules::echo_with_id(&part, Some("att_1".into())) else {
        panic!("an image part")
    };
    assert_eq!(shown.attachment_id.as_deref(), Some("att_1"));
    let nameless = InputPart::Image {
        data: png,
        mime: "image/png".into(),
        filename: String::new(),
    };
    let Part::Image(shown) = rules::echo(&nameless) else {
        panic!("an image part")
    };
    assert_eq!(shown.caption, None, "no empty caption");
}

#[test]
fn an_uploaded_file_and_text_are_echoed_as_file_and_text_parts() {
    let part = InputPart::File {
        data: "aGk=".into(),
        mime: "text/plain".into(),
        filename: "hi.txt".into(),
    };
    let Part::File(shown) = rules::echo(&part) else {
        panic!("a file part")
    };
    assert_eq!(
        (
            shown.filename.as_str(),
            shown.url.as_str(),
            shown.size_bytes
        ),
        ("hi.txt", "data:text/plain;base64,aGk=", Some(2))
    );
    let Part::Text(text) = rules::echo(&InputPart::Text { text: "hi".into() }) else {
        panic!("a text part")
    };
    assert_eq!((text.text.as_str(), text.part_id), ("hi", None));
}

#[test]
fn every_known_part_type_name_is_the_tag_it_is_written_and_read_with() {
    let parts = [
        r#"{"type":"rich_text","part_id":"p","blocks":[]}"#,
        r#"{"type":"table","part_id":"p","headers":[],"rows":[]}"#,
        r#"{"type":"products","part_id":"p","products":[]}"#,
        r#"{"type":"suggestions","part_id":"p","suggestions":[]}"#,
        r#"{"type":"quick_replies","part_id":"p","replies":[]}"#,
        r#"{"type":"image","url":"u"}"#,
        r#"{"type":"file","filename":"f","url":"u"}"#,
        r#"{"type":"text","text":"t"}"#,
        r#"{"type":"show_contact_form","part_id":"p","fields":[]}"#,
        r#"{"type":"show_support_ticket","part_id":"p"}"#,
        r#"{"type":"show_form","part_id":"p","form_id":"f","fields":[]}"#,
        r#"{"type":"request_image_upload","part_id":"p"}"#,
        r#"{"type":"request_human_agent","part_id":"p"}"#,
        r#"{"type":"custom","part_id":"p","key":"k"}"#,
    ];
    let mut names = Vec::new();
    for json in parts {
        let part: Part = serde_json::from_str(json).unwrap();
        let name = part.known_type().expect("a known part");
        assert_eq!(part.type_name(), name);
        let written = serde_json::to_value(&part).unwrap();
        assert_eq!(written["type"], name, "{json}");
        names.push(name);
    }
    assert_eq!(names[0], part_type::RICH_TEXT);
    assert_eq!(names[13], part_type::CUSTOM);
    let unknown: Part = serde_json::from_str(r#"{"type":"hologram"}"#).unwrap();
    assert_eq!(unknown.known_type(), None);
    assert_eq!(unknown.type_name(), "hologram");
}

//! `POST /actions`: validated against the marker the part_id names, stored, and marked submitted.

use dialoge_api::SortedMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dialoge_api::actions::{
    Action, ActionRequest, ActionResponse, AttachmentUpload, ContactForm, FormSubmission,
    SessionValues, SupportTicket,
};
use dialoge_api::error::ErrorCode;
use dialoge_api::history::HistoryPage;
use dialoge_api::message::Part;

use crate::common::{error_of, spawn_app, tiny_png, TestApp};

/// A visitor token and the part id of the marker `text` produced.
async fn marker(app: &TestApp, text: &str, marker_type: &str) -> (String, String) {
    let token = app.token().await;
    let streamed = app.send(&token, text).await;
    let part_id = streamed
        .final_parts()
        .into_iter()
        .find(|p| p.type_name() == marker_type)
        .and_then(|p| p.part_id().map(str::to_owned))
        .unwrap();
    (token, part_id)
}

fn contact(part_id: &str, fields: &[(&str, &str)]) -> ActionRequest {
    ActionRequest {
        part_id: part_id.to_owned(),
        action: Action::ContactForm(ContactForm {
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            files: Default::default(),
        }),
    }
}

fn fields_of(envelope: &dialoge_api::error::ErrorEnvelope) -> Vec<&str> {
    envelope
        .error
        .params
        .iter()
        .map(|p| p.field.as_str())
        .collect()
}

#[tokio::test]
async fn a_valid_contact_form_is_stored_confirmed_and_marked_submitted_in_history() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let request = contact(
        &part_id,
        &[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Return"),
        ],
    );
    let response = app
        .post_json("/api/v1/chat/actions", &token, &request)
        .await;
    assert_eq!(response.status(), 200);
    let answer: ActionResponse = response.json().await.unwrap();
    assert!(answer.submission_id.starts_with("sub_"));
    assert_eq!(
        answer.confirmation_text.as_deref(),
        Some("Thanks, Jane! We will reply to jane@example.com within one working day.")
    );
    assert!(answer.livechat_session.is_none());

    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    let marker = page.messages[0]
        .parts
        .iter()
        .find(|p| p.part_id() == Some(&part_id))
        .unwrap();
    assert_eq!(marker.submitted(), Some(true));

    let session: SessionValues = app.get_json("/api/v1/chat/session", &token).await;
    let email = session.values.iter().find(|v| v.key == "email").unwrap();
    assert_eq!(email.value, "jane@example.com");
    assert_eq!(email.value_type.as_deref(), Some("email"));
    assert_eq!(email.label.as_deref(), Some("Email address"));
}

#[tokio::test]
async fn a_contact_form_names_every_bad_field_including_one_shown_by_visible_when() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let request = contact(
        &part_id,
        &[("email", "jane@"), ("topic", "Order"), ("phone", "call me")],
    );
    let (status, envelope) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.code, ErrorCode::Validation);
    assert_eq!(
        fields_of(&envelope),
        [
            "action.fields.name",
            "action.fields.email",
            "action.fields.order_no",
            "action.fields.phone"
        ]
    );
    assert_eq!(envelope.error.params[0].message, "Your name is required");
}

#[tokio::test]
async fn a_hidden_field_is_neither_required_nor_stored() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let request = contact(
        &part_id,
        &[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Other"),
            ("order_no", "NL-1"),
        ],
    );
    assert_eq!(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await
            .status(),
        200
    );
    let session: SessionValues = app.get_json("/api/v1/chat/session", &token).await;
    assert!(session.values.iter().all(|v| v.key != "order_no"));
}

#[tokio::test]
async fn a_dropdown_takes_only_its_options_and_unknown_keys_are_refused() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let request = contact(
        &part_id,
        &[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Complaint"),
            ("shoe_size", "44"),
        ],
    );
    let (status, envelope) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        fields_of(&envelope),
        ["action.fields.shoe_size", "action.fields.topic"]
    );
    assert!(envelope.error.params[1]
        .message
        .contains("Order, Return, Other"));
}

#[tokio::test]
async fn a_marker_cannot_be_submitted_twice() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let request = contact(
        &part_id,
        &[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("topic", "Other"),
        ],
    );
    assert_eq!(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await
            .status(),
        200
    );
    let (status, envelope) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(envelope.error.code, ErrorCode::Conflict);
}

#[tokio::test]
async fn an_unknown_part_id_is_404_and_the_wrong_action_type_is_422() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "contact", "show_contact_form").await;
    let (status, _) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &contact("part_999", &[]))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let ticket = ActionRequest {
        part_id,
        action: Action::SupportTicket(SupportTicket::default()),
    };
    let (status, envelope) =
        error_of(app.post_json("/api/v1/chat/actions", &token, &ticket).await).await;
    assert_eq!(status, 422);
    assert_eq!(fields_of(&envelope), ["action.type"]);
}

#[tokio::test]
async fn another_visitors_marker_cannot_be_answered() {
    let app = spawn_app().await;
    let (_, part_id) = marker(&app, "contact", "show_contact_form").await;
    let stranger = app.token().await;
    let request = contact(
        &part_id,
        &[
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("topic", "Other"),
        ],
    );
    let (status, _) = error_of(
        app.post_json("/api/v1/chat/actions", &stranger, &request)
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

fn ticket(part_id: &str, attachments: Vec<AttachmentUpload>) -> ActionRequest {
    let mut extra = serde_json::Map::new();
    extra.insert(
        "order_no".to_owned(),
        serde_json::Value::String("NL-42".to_owned()),
    );
    ActionRequest {
        part_id: part_id.to_owned(),
        action: Action::SupportTicket(SupportTicket {
            name: "Jane".to_owned(),
            email: "jane@example.com".to_owned(),
            message: "The zip broke".to_owned(),
            attachments,
            extra: extra.into(),
        }),
    }
}

#[tokio::test]
async fn a_support_ticket_with_an_attachment_is_accepted_and_counted() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "open a ticket", "show_support_ticket").await;
    let upload = AttachmentUpload {
        filename: "zip.png".to_owned(),
        mime_type: "image/png".to_owned(),
        data_base64: tiny_png(),
    };
    let response = app
        .post_json(
            "/api/v1/chat/actions",
            &token,
            &ticket(&part_id, vec![upload]),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answer: ActionResponse = response.json().await.unwrap();
    assert!(answer
        .confirmation_text
        .unwrap()
        .contains("jane@example.com"));
    let deleted: dialoge_api::actions::DeleteResponse = app
        .client
        .delete(app.url("/api/v1/chat"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deleted.deleted.attachments, 1);
}

#[tokio::test]
async fn a_ticket_attachment_over_2_mib_or_not_base64_is_refused() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "open a ticket", "show_support_ticket").await;
    let big = AttachmentUpload {
        filename: "big.bin".to_owned(),
        mime_type: "application/octet-stream".to_owned(),
        data_base64: STANDARD.encode(vec![0_u8; 2 * 1024 * 1024 + 1]),
    };
    let garbage = AttachmentUpload {
        filename: "x.png".to_owned(),
        mime_type: "image/png".to_owned(),
        data_base64: "%%%".to_owned(),
    };
    let (status, envelope) = error_of(
        app.post_json(
            "/api/v1/chat/actions",
            &token,
            &ticket(&part_id, vec![big, garbage]),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        fields_of(&envelope),
        [
            "action.attachments.0.data_base64",
            "action.attachments.1.data_base64"
        ]
    );
}

#[tokio::test]
async fn a_ticket_needs_name_email_and_message() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "open a ticket", "show_support_ticket").await;
    let request = ActionRequest {
        part_id,
        action: Action::SupportTicket(SupportTicket {
            email: "nope".to_owned(),
            ..SupportTicket::default()
        }),
    };
    let (status, envelope) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        fields_of(&envelope),
        ["action.name", "action.email", "action.message"]
    );
}

fn form(
    part_id: &str,
    form_id: &str,
    values: &[(&str, &str)],
    files: Vec<(&str, AttachmentUpload)>,
) -> ActionRequest {
    ActionRequest {
        part_id: part_id.to_owned(),
        action: Action::FormSubmission(FormSubmission {
            form_id: form_id.to_owned(),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            files: files
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<SortedMap<_>>(),
        }),
    }
}

#[tokio::test]
async fn a_generic_form_with_a_file_is_accepted_with_its_confirmation_text() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "form", "show_form").await;
    let photo = AttachmentUpload {
        filename: "fit.png".to_owned(),
        mime_type: "image/png".to_owned(),
        data_base64: tiny_png(),
    };
    let request = form(
        &part_id,
        "f_size",
        &[("height_cm", "182"), ("fit", "Regular")],
        vec![("photo", photo)],
    );
    let response = app
        .post_json("/api/v1/chat/actions", &token, &request)
        .await;
    assert_eq!(response.status(), 200);
    let answer: ActionResponse = response.json().await.unwrap();
    assert_eq!(
        answer.confirmation_text.as_deref(),
        Some("Thanks! We'll send size advice within a day.")
    );
    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    let submitted = page.messages[0]
        .parts
        .iter()
        .find(|p| matches!(p, Part::ShowForm(_)))
        .unwrap();
    assert_eq!(submitted.submitted(), Some(true));
}

#[tokio::test]
async fn a_generic_form_checks_its_form_id_required_fields_and_file_keys() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "form", "show_form").await;
    let (status, envelope) = error_of(
        app.post_json(
            "/api/v1/chat/actions",
            &token,
            &form(&part_id, "f_pre", &[], vec![]),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields_of(&envelope)),
        (422, vec!["action.form_id"])
    );

    let upload = AttachmentUpload {
        filename: "a.txt".to_owned(),
        mime_type: "text/plain".to_owned(),
        data_base64: "aGk=".to_owned(),
    };
    let request = form(
        &part_id,
        "f_size",
        &[("email", "x@y.dk")],
        vec![("notes", upload)],
    );
    let (status, envelope) = error_of(
        app.post_json("/api/v1/chat/actions", &token, &request)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        fields_of(&envelope),
        [
            "action.values.height_cm",
            "action.values.fit",
            "action.files.notes",
            "action.values"
        ]
    );
}

#[tokio::test]
async fn an_unknown_action_type_is_a_422() {
    let app = spawn_app().await;
    let token = app.token().await;
    let response = app
        .client
        .post(app.url("/api/v1/chat/actions"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"part_id": "part_1", "action": {"type": "teleport"}}"#)
        .send()
        .await
        .unwrap();
    let (status, envelope) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params[0].field, "action.type");
    assert!(envelope.error.params[0].message.contains("teleport"));
}

#[tokio::test]
async fn an_image_sent_after_an_upload_request_marks_the_request_submitted_in_history() {
    let app = spawn_app().await;
    let (token, part_id) = marker(&app, "upload", "request_image_upload").await;
    let image = dialoge_api::send::InputPart::Image {
        data: tiny_png(),
        mime: "image/png".into(),
        filename: "item.png".into(),
    };
    let streamed = app.send_parts(&token, vec![image], None).await;
    assert!(streamed.done().is_some());

    let page: HistoryPage = app.get_json("/api/v1/chat/messages", &token).await;
    let request = page
        .messages
        .iter()
        .flat_map(|m| &m.parts)
        .find(|p| p.part_id() == Some(&part_id))
        .unwrap();
    assert_eq!(request.submitted(), Some(true));
}

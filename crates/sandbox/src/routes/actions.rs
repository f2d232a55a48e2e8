//! Routes: `POST /actions`, the answers to marker forms (CONTRACT.md section 6), validated
//! against the marker the `part_id` names — required visible fields, e-mail and phone format,
//! dropdown options, sizes (the checks are `dialoge_api::rules`, worded by [`crate::wording`])
//! — then stored through the visitors store, which marks the marker `submitted: true` in
//! history.
//!
//! Field problems are reported as dotted paths of the request body (`action.fields.email`,
//! `action.values.height_cm`, `action.attachments.0.data_base64`); the last segment is the
//! marker's field key.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use dialoge_api::actions::{
    Action, ActionRequest, ActionResponse, ContactForm, FormSubmission, SupportTicket,
};
use dialoge_api::json::Value;
use dialoge_api::message::{FieldType, FormField, Part, ShowForm, ShowSupportTicket};
use dialoge_api::rules::{self, Values};

use super::accepted_values;
use crate::auth::VisitorAuth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::stores::visitors::Submission;
use crate::wording::{check, Context, TICKET_LABELS};

/// `/actions`, relative to the API base.
pub fn router() -> Router<AppState> {
    Router::new().route("/actions", post(post_action))
}

/// `POST /api/v1/chat/actions`.
async fn post_action(
    State(state): State<AppState>,
    visitor: VisitorAuth,
    ApiJson(request): ApiJson<ActionRequest>,
) -> Result<Json<ActionResponse>, ApiError> {
    let now = state.now();
    let mut store = state.store();
    let record = store.visitor_mut(visitor.visitor_id())?;
    let marker = record.open_marker(&request.part_id)?.clone();
    let accepted = match (&marker, &request.action) {
        (Part::ShowContactForm(form), Action::ContactForm(action)) => {
            contact_form(&form.fields, action)?
        }
        (Part::ShowSupportTicket(ticket), Action::SupportTicket(action)) => {
            support_ticket(ticket, action)?
        }
        (Part::ShowForm(form), Action::FormSubmission(action)) => form_submission(form, action)?,
        (marker, action) => {
            return Err(ApiError::invalid(
                "action.type",
                format!(
                    "Part {} is a {} marker; a {} action does not answer it",
                    request.part_id,
                    marker.type_name(),
                    action_type(action)
                ),
            ))
        }
    };

    let submission_id = format!("sub_{}", uuid::Uuid::new_v4().simple());
    let confirmation_text = confirmation(&marker, &accepted);
    let submission = Submission {
        submission_id: submission_id.clone(),
        part_id: request.part_id.clone(),
        action_type: action_type(&request.action).to_owned(),
        form_id: match &request.action {
            Action::FormSubmission(form) => Some(form.form_id.clone()),
            _ => None,
        },
        values: accepted
            .values
            .iter()
            .map(|(field, value)| (field.key.clone(), value.clone()))
            .collect(),
        attachment_names: accepted.attachment_names.clone(),
        attachments: accepted.attachment_names.len() as u64,
        created_at: now,
    };
    record.submit(submission, accepted.values);
    Ok(Json(ActionResponse {
        submission_id,
        confirmation_text: Some(confirmation_text),
        livechat_session: None,
    }))
}

fn action_type(action: &Action) -> &'static str {
    match action {
        Action::ContactForm(_) => "contact_form",
        Action::SupportTicket(_) => "support_ticket",
        Action::FormSubmission(_) => "form_submission",
    }
}

/// What passed validation: visible values with their fields, and attachment names.
#[derive(Debug, Default)]
struct Accepted {
    values: Vec<(FormField, String)>,
    attachment_names: Vec<String>,
}

impl Accepted {
    fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(field, _)| field.key == key)
            .map(|(_, value)| value.as_str())
    }
}

fn contact_form(fields: &[FormField], action: &ContactForm) -> Result<Accepted, ApiError> {
    check(rules::check_contact(fields, action), &Context::form(fields))?;
    Ok(Accepted {
        values: accepted_values(fields, &action.fields),
        attachment_names: visible_file_names(fields, &action.files, &action.fields),
    })
}

fn support_ticket(
    marker: &ShowSupportTicket,
    action: &SupportTicket,
) -> Result<Accepted, ApiError> {
    // Name, e-mail and message are part of every ticket; the marker's `fields` come on top.
    let fields = rules::ticket_fields(marker, TICKET_LABELS);
    check(rules::check_ticket(marker, action), &Context::form(&fields))?;
    let mut given = Values::from([
        ("name".to_owned(), action.name.clone()),
        ("email".to_owned(), action.email.clone()),
        ("message".to_owned(), action.message.clone()),
    ]);
    for (key, value) in &action.extra {
        if let Value::String(text) = value {
            given.insert(key.clone(), text.clone());
        }
    }
    Ok(Accepted {
        values: accepted_values(&fields, &given),
        attachment_names: action
            .attachments
            .iter()
            .map(|a| a.filename.clone())
            .collect(),
    })
}

fn form_submission(marker: &ShowForm, action: &FormSubmission) -> Result<Accepted, ApiError> {
    let context = Context {
        form_ids: (&marker.form_id, &action.form_id),
        ..Context::form(&marker.fields)
    };
    check(rules::check_form(marker, action), &context)?;
    Ok(Accepted {
        values: accepted_values(&marker.fields, &action.values),
        attachment_names: visible_file_names(&marker.fields, &action.files, &action.values),
    })
}

/// The names of the files of visible file fields; those of hidden fields are ignored.
fn visible_file_names(
    fields: &[FormField],
    files: &dialoge_api::SortedMap<dialoge_api::actions::AttachmentUpload>,
    values: &Values,
) -> Vec<String> {
    files
        .iter()
        .filter(|(key, _)| {
            fields.iter().any(|field| {
                &field.key == *key
                    && field.field_type == FieldType::File
                    && rules::is_visible(field, values)
            })
        })
        .map(|(_, upload)| upload.filename.clone())
        .collect()
}

fn confirmation(marker: &Part, accepted: &Accepted) -> String {
    match marker {
        Part::ShowContactForm(_) => match (accepted.value("name"), accepted.value("email")) {
            (Some(name), Some(email)) => {
                format!("Thanks, {name}! We will reply to {email} within one working day.")
            }
            _ => "Thanks! We will get back to you within one working day.".to_owned(),
        },
        Part::ShowSupportTicket(_) => format!(
            "Your ticket is open. We sent a copy to {}.",
            accepted.value("email").unwrap_or("your e-mail")
        ),
        Part::ShowForm(form) => form
            .confirmation_text
            .clone()
            .unwrap_or_else(|| "Thanks, we received your answers.".to_owned()),
        _ => "Thanks!".to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use dialoge_api::actions::AttachmentUpload;
    use dialoge_api::SortedMap;

    fn field(key: &str, label: &str, field_type: FieldType, required: bool) -> FormField {
        FormField {
            key: key.to_owned(),
            label: label.to_owned(),
            placeholder: None,
            field_type,
            required,
            options: Vec::new(),
            visible_when: Vec::new(),
        }
    }

    fn fields_of(error: ApiError) -> Vec<String> {
        error
            .envelope()
            .error
            .params
            .iter()
            .map(|p| p.field.clone())
            .collect()
    }

    #[test]
    fn a_form_below_min_filled_fields_is_a_422_for_the_whole_form() {
        let marker = ShowForm {
            part_id: "part_1".into(),
            form_id: "f".into(),
            name: "F".into(),
            confirmation_text: None,
            fields: vec![
                field("a", "A", FieldType::Text, false),
                field("b", "B", FieldType::Text, false),
                field("c", "C", FieldType::File, false),
            ],
            min_filled_fields: Some(2),
            submitted: None,
        };
        let mut action = FormSubmission {
            form_id: "f".into(),
            values: Values::from([("a".into(), "x".into()), ("b".into(), "  ".into())]),
            files: SortedMap::new(),
        };
        let error = form_submission(&marker, &action).expect_err("one filled field of two");
        assert_eq!(fields_of(error), ["action.values"]);
        action.files.insert(
            "c".into(),
            AttachmentUpload {
                filename: "c.txt".into(),
                mime_type: "text/plain".into(),
                data_base64: STANDARD.encode(b"hello"),
            },
        );
        assert!(form_submission(&marker, &action).is_ok(), "a file counts");
    }

    fn ticket_with(accepted: Option<bool>, max: Option<u64>) -> ShowSupportTicket {
        ShowSupportTicket {
            part_id: "part_1".into(),
            fields: Vec::new(),
            attachments_accepted: accepted,
            max_attachment_size_bytes: max,
            submitted: None,
        }
    }

    fn ticket_action(bytes: usize) -> SupportTicket {
        SupportTicket {
            name: "Jane".into(),
            email: "jane@example.com".into(),
            message: "Broken".into(),
            attachments: vec![AttachmentUpload {
                filename: "a.bin".into(),
                mime_type: "application/octet-stream".into(),
                data_base64: STANDARD.encode(vec![7u8; bytes]),
            }],
            extra: Default::default(),
        }
    }

    #[test]
    fn a_ticket_honours_attachments_accepted_and_its_own_size_limit() {
        let error = support_ticket(&ticket_with(Some(false), None), &ticket_action(10))
            .expect_err("attachments refused");
        assert_eq!(fields_of(error), ["action.attachments"]);
        let error = support_ticket(&ticket_with(None, Some(100)), &ticket_action(101))
            .expect_err("over the marker's limit");
        assert_eq!(fields_of(error), ["action.attachments.0.data_base64"]);
        assert!(support_ticket(&ticket_with(None, Some(100)), &ticket_action(100)).is_ok());
    }
}

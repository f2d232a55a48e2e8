//! Rules layer: the validation helpers every route shares — form fields (`visible_when`,
//! required, e-mail, phone, dropdown options, lengths), action attachments, message parts
//! (counts, MIME types, base64, sizes), ratings — and the echo of a visitor's input parts as
//! history shows them.
//!
//! Each is a small pure function that reports problems into [`Problems`] under the request body's
//! field path; none of them reads state, a clock or a store. They are kept separate so they can
//! be swapped for the shared `dialoge_api::rules` one by one.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dialoge_api::actions::AttachmentUpload;
use dialoge_api::message::{FieldType, FilePart, FormField, ImagePart, Part, TextPart};
use dialoge_api::send::{InputPart, MAX_ACTION_ATTACHMENT_BASE64_LEN, MAX_MESSAGE_DATA_BASE64_LEN};

use crate::error::{ApiError, Problems};
use crate::scenarios::decoded_len;

/// Longest value of one field.
const MAX_VALUE_CHARS: usize = 5_000;
/// Most attachments on one ticket.
pub const MAX_ATTACHMENTS: usize = 5;
/// Longest text part a visitor may send.
const MAX_TEXT_CHARS: usize = 10_000;
/// Most parts in one message.
const MAX_PARTS: usize = 10;
/// Image types a visitor may send.
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "image/gif"];
/// Longest feedback text on `/rate` and `/livechat/feedback`.
const MAX_FEEDBACK_CHARS: usize = 2_000;

/// Validates submitted values against a form's fields: unknown keys are refused, hidden fields
/// are ignored (the contract: neither validated nor submitted), visible ones are checked. File
/// fields are checked by the caller. Returns the visible, non-file values.
pub fn validate_fields(
    fields: &[FormField],
    given: &BTreeMap<String, String>,
    prefix: &str,
    problems: &mut Problems,
) -> Vec<(FormField, String)> {
    for key in given.keys() {
        match fields.iter().find(|field| &field.key == key) {
            None => problems.add(format!("{prefix}.{key}"), "Unknown field"),
            Some(field) if field.field_type == FieldType::File => {
                problems.add(
                    format!("{prefix}.{key}"),
                    "A file field takes an upload, not text",
                );
            }
            Some(_) => {}
        }
    }
    let value_of = |key: &str| given.get(key).map(String::as_str);
    let mut accepted = Vec::new();
    for field in fields {
        if field.field_type == FieldType::File || !field.is_visible(value_of) {
            continue;
        }
        let value = given.get(&field.key).map(|v| v.trim()).unwrap_or_default();
        let at = format!("{prefix}.{}", field.key);
        if value.is_empty() {
            if field.required {
                problems.add(at, format!("{} is required", label_of(field)));
            }
            continue;
        }
        if let Some(problem) = check_value(field, value) {
            problems.add(at, problem);
            continue;
        }
        accepted.push((field.clone(), value.to_owned()));
    }
    accepted
}

fn label_of(field: &FormField) -> &str {
    if field.label.is_empty() {
        &field.key
    } else {
        &field.label
    }
}

/// What is wrong with a non-empty value of `field`, if anything.
pub fn check_value(field: &FormField, value: &str) -> Option<String> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Some(format!("At most {MAX_VALUE_CHARS} characters"));
    }
    match field.field_type {
        FieldType::Email if !is_email(value) => {
            Some("Enter a valid e-mail address, like name@example.com".to_owned())
        }
        FieldType::Tel if !is_phone(value) => {
            Some("Enter a phone number: digits, spaces, +, - and ()".to_owned())
        }
        FieldType::Dropdown if !field.options.iter().any(|option| option == value) => {
            Some(format!("Choose one of: {}", field.options.join(", ")))
        }
        _ => None,
    }
}

/// A deliberately plain check: one `@`, something before it, a dotted domain after it, no
/// spaces. Enough to catch typos without rejecting real addresses.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

pub fn is_phone(value: &str) -> bool {
    value.chars().filter(char::is_ascii_digit).count() >= 5
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
}

pub fn check_attachment(
    upload: &AttachmentUpload,
    at: &str,
    max_bytes: u64,
    problems: &mut Problems,
) {
    if upload.filename.trim().is_empty() {
        problems.add(format!("{at}.filename"), "A file needs a file name");
    }
    if upload.mime_type.trim().is_empty() {
        problems.add(format!("{at}.mime_type"), "A file needs a MIME type");
    }
    let field = format!("{at}.data_base64");
    if upload.data_base64.len() > MAX_ACTION_ATTACHMENT_BASE64_LEN {
        problems.add(field, "The file is larger than 2 MiB");
        return;
    }
    match STANDARD.decode(&upload.data_base64) {
        Err(_) => problems.add(field, "The file is not valid base64"),
        Ok(bytes) if bytes.is_empty() => problems.add(field, "The file is empty"),
        Ok(bytes) if bytes.len() as u64 > max_bytes => {
            problems.add(
                field,
                format!("The file is larger than the limit of {max_bytes} bytes"),
            );
        }
        Ok(_) => {}
    }
}

/// The rules shared by `/rate` and `/livechat/feedback`: a rating of 1–5 and a feedback text of at
/// most [`MAX_FEEDBACK_CHARS`] characters, each problem named by its field.
pub fn check_rating(rating: u8, feedback: Option<&str>) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    if !(1..=5).contains(&rating) {
        problems.add("rating", "Rating must be a whole number from 1 to 5");
    }
    if feedback.is_some_and(|text| text.chars().count() > MAX_FEEDBACK_CHARS) {
        problems.add(
            "feedback",
            format!("Feedback is longer than {MAX_FEEDBACK_CHARS} characters"),
        );
    }
    problems.into_result()
}

/// The visitor's parts as history shows them: text as `text` parts, uploads as `data:` URLs.
pub fn echo(parts: &[InputPart]) -> Vec<Part> {
    parts
        .iter()
        .map(|part| match part {
            InputPart::Text { text } => Part::Text(TextPart {
                part_id: None,
                text: text.clone(),
            }),
            InputPart::Image {
                data,
                mime,
                filename,
            } => Part::Image(ImagePart {
                part_id: None,
                url: format!("data:{mime};base64,{data}"),
                attachment_id: Some(new_attachment_id()),
                mime_type: Some(mime.clone()),
                size_bytes: Some(decoded_len(data) as u64),
                url_expires_at: None,
                thumbnail_url: None,
                caption: (!filename.is_empty()).then(|| filename.clone()),
            }),
            InputPart::File {
                data,
                mime,
                filename,
            } => Part::File(FilePart {
                part_id: None,
                filename: filename.clone(),
                url: format!("data:{mime};base64,{data}"),
                attachment_id: Some(new_attachment_id()),
                mime_type: Some(mime.clone()),
                size_bytes: Some(decoded_len(data) as u64),
                url_expires_at: None,
            }),
        })
        .collect()
}

fn new_attachment_id() -> String {
    format!("att_{}", uuid::Uuid::new_v4().simple())
}

/// Checks the parts of an outgoing message (`message.parts.N.…`): `POST /messages`, the
/// visitor's and the agent's livechat messages.
pub fn validate_parts(parts: &[InputPart]) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    if parts.is_empty() {
        problems.add("message.parts", "A message needs at least one part");
    }
    if parts.len() > MAX_PARTS {
        problems.add(
            "message.parts",
            format!("A message has at most {MAX_PARTS} parts"),
        );
    }
    for (index, part) in parts.iter().enumerate() {
        let at = |field: &str| format!("message.parts.{index}.{field}");
        match part {
            InputPart::Text { text } => {
                if text.trim().is_empty() {
                    problems.add(at("text"), "Text is required");
                } else if text.chars().count() > MAX_TEXT_CHARS {
                    problems.add(
                        at("text"),
                        format!("Text is longer than {MAX_TEXT_CHARS} characters"),
                    );
                }
            }
            InputPart::Image { data, mime, .. } => {
                if !IMAGE_TYPES.contains(&mime.as_str()) {
                    problems.add(
                        at("mime"),
                        format!("Unsupported image type {mime:?}: send image/png, image/jpeg, image/webp or image/gif"),
                    );
                }
                check_data(data, &at("data"), &mut problems);
            }
            InputPart::File {
                data,
                mime,
                filename,
            } => {
                if filename.trim().is_empty() {
                    problems.add(at("filename"), "A file needs a file name");
                } else if filename.chars().count() > 255 {
                    problems.add(
                        at("filename"),
                        "The file name is longer than 255 characters",
                    );
                }
                if mime.trim().is_empty() || !mime.contains('/') {
                    problems.add(
                        at("mime"),
                        "A file needs a MIME type such as application/pdf",
                    );
                }
                check_data(data, &at("data"), &mut problems);
            }
        }
    }
    problems.into_result()
}

fn check_data(data: &str, field: &str, problems: &mut Problems) {
    if data.starts_with("data:") {
        problems.add(field, "Send bare base64, without a data: URL prefix");
    } else if data.is_empty() {
        problems.add(field, "The upload is empty");
    } else if data.len() > MAX_MESSAGE_DATA_BASE64_LEN {
        problems.add(
            field,
            format!(
                "The upload is larger than 5 MiB ({MAX_MESSAGE_DATA_BASE64_LEN} base64 characters)"
            ),
        );
    } else if STANDARD.decode(data).is_err() {
        problems.add(field, "The upload is not valid base64");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_email_addresses_pass_and_typos_do_not() {
        for ok in ["jane@example.com", "a.b+c@shop.co.uk"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "jane @example.com",
            "a@b@c.dk",
            "jane@example..com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_need_five_digits_and_no_letters() {
        assert!(is_phone("+45 12 34 56 78"));
        assert!(!is_phone("1234"));
        assert!(!is_phone("call me"));
    }
}

//! Pure logic: the sandbox's English for the contract's input rules. The rules themselves —
//! form fields, action bodies, uploads, message parts, livechat uploads, ratings — are
//! `dialoge_api::rules`, the one definition the widget calls too; they report problems as
//! values ([`Finding`]), and this module only words them for a 422's `params[]`.
//!
//! [`message`] words one finding; [`check`] turns a check's findings into `Ok(())` or the 422
//! naming every one of them.

use dialoge_api::message::FormField;
use dialoge_api::rules::{self, Finding, Problem, IMAGE_TYPES, RATINGS};
use dialoge_api::send::{
    InputPart, MAX_ACTION_ATTACHMENT_BYTES, MAX_MESSAGE_DATA_BASE64_LEN, MAX_MESSAGE_DATA_BYTES,
};

use crate::error::{ApiError, Problems};

/// The sandbox's labels of a support ticket's own fields (`name`, `email`, `message`).
pub const TICKET_LABELS: [&str; 3] = ["Name", "Email", "Message"];

/// What the wording of a finding may need besides the finding itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The form whose fields the findings name by key (labels, dropdown options).
    pub fields: &'a [FormField],
    /// The message parts findings at `message.parts.N` are about.
    pub parts: &'a [InputPart],
    /// A `form_submission`'s form ids: the marker's, then the action's.
    pub form_ids: (&'a str, &'a str),
    /// Upload sizes at `message.parts.N.data` are measured against livechat's limit.
    pub livechat: bool,
}

impl<'a> Context<'a> {
    /// For findings about a form's fields.
    pub fn form(fields: &'a [FormField]) -> Self {
        Context {
            fields,
            ..Context::default()
        }
    }

    /// For findings about a message's parts.
    pub fn parts(parts: &'a [InputPart]) -> Self {
        Context {
            parts,
            ..Context::default()
        }
    }

    /// For findings about a livechat message's uploads.
    pub fn livechat(parts: &'a [InputPart]) -> Self {
        Context {
            parts,
            livechat: true,
            ..Context::default()
        }
    }
}

/// `Ok(())` without findings, else the 422 with every finding at its path, worded.
pub fn check(findings: Vec<Finding>, context: &Context) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    for finding in &findings {
        problems.add(finding.path.clone(), message(finding, context));
    }
    problems.into_result()
}

/// The English message of one finding.
pub fn message(finding: &Finding, context: &Context) -> String {
    let path = finding.path.as_str();
    let problem = finding.problem;
    let segments: Vec<&str> = path.split('.').collect();
    match segments.as_slice() {
        ["message", "parts", rest @ ..] => part_message(rest, problem, context),
        ["action", "files" | "attachments", _, upload_field] => {
            upload_message(upload_field, problem)
        }
        ["action", "attachments"] => match problem {
            Problem::NotAccepted => "This ticket does not accept attachments".to_owned(),
            Problem::TooMany(n) => format!("At most {n} attachments"),
            other => fallback(other),
        },
        ["action", "form_id"] if problem == Problem::WrongForm => {
            let (marker, action) = context.form_ids;
            format!("This marker shows form {marker}, not {action}")
        }
        ["action", "values"] if finding.key.is_none() => match problem {
            Problem::MinFilled(n) => format!("Fill in at least {n} fields"),
            other => fallback(other),
        },
        ["rating"] if finding.key.is_none() => format!(
            "Rating must be a whole number from {} to {}",
            RATINGS.start(),
            RATINGS.end()
        ),
        ["feedback"] if finding.key.is_none() => match problem {
            Problem::TooLong(n) => format!("Feedback is longer than {n} characters"),
            other => fallback(other),
        },
        _ => field_message(finding.key.as_deref(), problem, context.fields),
    }
}

/// A problem with a form field's value (or with the field as a whole).
fn field_message(key: Option<&str>, problem: Problem, fields: &[FormField]) -> String {
    let field = key.and_then(|key| fields.iter().find(|field| field.key == key));
    match problem {
        Problem::Required => {
            let label = field.map_or(key.unwrap_or_default(), rules::label_of);
            format!("{label} is required")
        }
        Problem::TooLong(n) => format!("At most {n} characters"),
        Problem::Email => "Enter a valid e-mail address, like name@example.com".to_owned(),
        Problem::Tel => "Enter a phone number: digits, spaces, +, - and ()".to_owned(),
        Problem::NotAnOption => format!(
            "Choose one of: {}",
            field.map(|f| f.options.join(", ")).unwrap_or_default()
        ),
        Problem::UnknownField => "Unknown field".to_owned(),
        Problem::TextForFile => "A file field takes an upload, not text".to_owned(),
        Problem::NotAFileField => "Not a file field".to_owned(),
        Problem::NotText => "Must be a string".to_owned(),
        other => fallback(other),
    }
}

/// A problem with an action attachment or a form's file (`filename`, `mime_type`,
/// `data_base64`).
fn upload_message(upload_field: &str, problem: Problem) -> String {
    match (upload_field, problem) {
        ("filename", Problem::Required) => "A file needs a file name".to_owned(),
        ("mime_type", Problem::Required) => "A file needs a MIME type".to_owned(),
        ("data_base64", Problem::NotBase64) => "The file is not valid base64".to_owned(),
        ("data_base64", Problem::Empty) => "The file is empty".to_owned(),
        ("data_base64", Problem::TooLarge(n)) if n == MAX_ACTION_ATTACHMENT_BYTES as u64 => {
            "The file is larger than 2 MiB".to_owned()
        }
        ("data_base64", Problem::TooLarge(n)) => {
            format!("The file is larger than the limit of {n} bytes")
        }
        (_, other) => fallback(other),
    }
}

/// A problem with a message's parts: `rest` is the path after `message.parts` (empty, or the
/// part's index and maybe its field).
fn part_message(rest: &[&str], problem: Problem, context: &Context) -> String {
    let part = rest
        .first()
        .and_then(|index| index.parse::<usize>().ok())
        .and_then(|index| context.parts.get(index));
    match (rest.get(1).copied(), problem) {
        (None, Problem::Required) if rest.is_empty() => {
            "A message needs at least one part".to_owned()
        }
        (None, Problem::TooMany(n)) => format!("A message has at most {n} parts"),
        (None, Problem::NotAccepted) => "Attachments are switched off for livechat".to_owned(),
        (Some("text"), Problem::Required) => "Text is required".to_owned(),
        (Some("text"), Problem::TooLong(n)) => format!("Text is longer than {n} characters"),
        (Some("mime"), Problem::WrongType) => match part {
            Some(InputPart::Image { mime, .. }) => {
                format!("Unsupported image type {mime:?}: send {}", image_types())
            }
            _ => "A file needs a MIME type such as application/pdf".to_owned(),
        },
        (Some("filename"), Problem::Required) => "A file needs a file name".to_owned(),
        (Some("filename"), Problem::TooLong(n)) => {
            format!("The file name is longer than {n} characters")
        }
        (Some("data"), Problem::DataUrl) => {
            "Send bare base64, without a data: URL prefix".to_owned()
        }
        (Some("data"), Problem::Empty) => "The upload is empty".to_owned(),
        (Some("data"), Problem::NotBase64) => "The upload is not valid base64".to_owned(),
        (Some("data"), Problem::TooLarge(n)) if context.livechat => {
            format!("The upload is larger than the livechat limit of {n} bytes")
        }
        (Some("data"), Problem::TooLarge(n)) if n == MAX_MESSAGE_DATA_BYTES as u64 => format!(
            "The upload is larger than 5 MiB ({MAX_MESSAGE_DATA_BASE64_LEN} base64 characters)"
        ),
        (Some("data"), Problem::TooLarge(n)) => format!("The upload is larger than {n} bytes"),
        (_, other) => fallback(other),
    }
}

/// `image/png, image/jpeg, image/webp or image/gif`, from [`IMAGE_TYPES`].
fn image_types() -> String {
    match IMAGE_TYPES.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Words for a problem reported where the sandbox does not expect it (a rule learned a new
/// check): still a 422 that names the field.
fn fallback(problem: Problem) -> String {
    format!("Invalid value ({problem:?})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialoge_api::message::FieldType;

    fn finding(path: &str, key: Option<&str>, problem: Problem) -> Finding {
        Finding {
            path: path.to_owned(),
            key: key.map(str::to_owned),
            problem,
        }
    }

    #[test]
    fn an_unsupported_image_type_lists_the_image_types() {
        let parts = [InputPart::Image {
            data: String::new(),
            mime: "image/bmp".into(),
            filename: String::new(),
        }];
        assert_eq!(
            message(
                &finding("message.parts.0.mime", None, Problem::WrongType),
                &Context::parts(&parts)
            ),
            "Unsupported image type \"image/bmp\": send image/png, image/jpeg, image/webp or image/gif"
        );
    }

    #[test]
    fn a_form_field_is_named_by_its_label_or_key_and_a_dropdown_by_its_options() {
        let mut topic = FormField {
            key: "topic".into(),
            label: String::new(),
            placeholder: None,
            field_type: FieldType::Dropdown,
            required: true,
            options: vec!["Order".into(), "Return".into()],
            visible_when: Vec::new(),
        };
        let fields = [topic.clone()];
        let context = Context::form(&fields);
        let required = finding("action.fields.topic", Some("topic"), Problem::Required);
        assert_eq!(message(&required, &context), "topic is required");
        let other = finding("action.fields.topic", Some("topic"), Problem::NotAnOption);
        assert_eq!(message(&other, &context), "Choose one of: Order, Return");
        topic.label = "Topic".into();
        let fields = [topic];
        assert_eq!(
            message(&required, &Context::form(&fields)),
            "Topic is required"
        );
    }

    #[test]
    fn a_file_named_like_an_upload_field_is_still_a_field() {
        let fields = [FormField {
            key: "filename".into(),
            label: "File".into(),
            placeholder: None,
            field_type: FieldType::File,
            required: true,
            options: Vec::new(),
            visible_when: Vec::new(),
        }];
        let context = Context::form(&fields);
        let missing = finding("action.files.filename", Some("filename"), Problem::Required);
        assert_eq!(message(&missing, &context), "File is required");
        let nameless = finding(
            "action.files.filename.filename",
            Some("filename"),
            Problem::Required,
        );
        assert_eq!(message(&nameless, &context), "A file needs a file name");
    }

    #[test]
    fn upload_sizes_name_the_cap_or_the_limit() {
        let context = Context::default();
        let at = "action.attachments.0.data_base64";
        let cap = finding(at, None, Problem::TooLarge(2 * 1024 * 1024));
        assert_eq!(message(&cap, &context), "The file is larger than 2 MiB");
        let limit = finding(at, None, Problem::TooLarge(100));
        assert_eq!(
            message(&limit, &context),
            "The file is larger than the limit of 100 bytes"
        );
    }

    #[test]
    fn ratings_and_feedback_are_worded_by_their_field() {
        let context = Context::default();
        let found: Vec<String> = rules::check_rating(0, Some(&"x".repeat(2_001)))
            .iter()
            .map(|f| message(f, &context))
            .collect();
        assert_eq!(
            found,
            [
                "Rating must be a whole number from 1 to 5",
                "Feedback is longer than 2000 characters"
            ]
        );
    }
}

//! What a visitor typed into a marker form, as plain values: which fields are shown
//! (`visible_when`), what is wrong with the input (required, e-mail, phone, `min_filled_fields`,
//! file size and type), which field a server 422 names, and the `/actions` body built from it.
//!
//! Pure: no signals, no DOM, no awaiting. Problems are values ([`Problem`]) that the view words
//! in the visitor's language; the server validates again and has the last word.

use std::collections::BTreeMap;

use dialoge_api::actions::{Action, AttachmentUpload, ContactForm, FormSubmission, SupportTicket};
use dialoge_api::message::{FieldType, FormField};
use serde_json::{Map, Value};

/// Text values by field key, exactly as the marker named the keys.
pub type Values = BTreeMap<String, String>;

/// Keys of the support ticket's own fields (CONTRACT.md section 6: `name`, `email`, `message`
/// sit at the top of the action, not among the extra fields).
pub const TICKET_BASE_KEYS: [&str; 3] = ["name", "email", "message"];
/// The key the support ticket's attachment chooser uses for its problems (the server names
/// `action.attachments.N…`).
pub const ATTACHMENTS_KEY: &str = "attachments";
/// Most attachments on one ticket (the sandbox refuses more).
pub const MAX_ATTACHMENTS: usize = 5;

/// One thing wrong with a field or with the whole form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A required, visible field is empty.
    Required,
    /// Not an e-mail address.
    Email,
    /// Not a phone number.
    Tel,
    /// Fewer than this many fields are filled.
    MinFilled(u32),
    /// A file is larger than this many bytes.
    TooLarge(u64),
    /// A file's type is not among the accepted ones.
    WrongType,
    /// More files than this.
    TooMany(usize),
}

/// The result of checking a form: problems by field key in the form's order, and one for the
/// whole form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Check {
    pub fields: Vec<(String, Problem)>,
    pub form: Option<Problem>,
}

impl Check {
    pub fn is_ok(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }

    /// The problem of one field.
    pub fn problem(&self, key: &str) -> Option<&Problem> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, p)| p)
    }
}

/// Whether `field` is shown given the current values (hidden ones are neither checked nor sent).
pub fn is_visible(field: &FormField, values: &Values) -> bool {
    field.is_visible(|key| values.get(key).map(String::as_str))
}

fn filled<'a>(values: &'a Values, key: &str) -> Option<&'a str> {
    values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Checks the visible fields. `has_file` says whether a file field has a file chosen.
pub fn validate(
    fields: &[FormField],
    values: &Values,
    has_file: impl Fn(&str) -> bool,
    min_filled: u32,
) -> Check {
    let mut check = Check::default();
    let mut count = 0u32;
    for field in fields.iter().filter(|f| is_visible(f, values)) {
        let problem = if field.field_type == FieldType::File {
            let chosen = has_file(&field.key);
            count += u32::from(chosen);
            (field.required && !chosen).then_some(Problem::Required)
        } else {
            match filled(values, &field.key) {
                None => field.required.then_some(Problem::Required),
                Some(value) => {
                    count += 1;
                    value_problem(&field.field_type, value)
                }
            }
        };
        if let Some(problem) = problem {
            check.fields.push((field.key.clone(), problem));
        }
    }
    if count < min_filled {
        check.form = Some(Problem::MinFilled(min_filled));
    }
    check
}

/// What is wrong with a non-empty value of a field of this type, if anything. Dropdowns need
/// no check: the visitor can only pick one of the options.
pub fn value_problem(field_type: &FieldType, value: &str) -> Option<Problem> {
    match field_type {
        FieldType::Email if !is_email(value) => Some(Problem::Email),
        FieldType::Tel if !is_tel(value) => Some(Problem::Tel),
        _ => None,
    }
}

/// A deliberately plain check (the sandbox's, so both sides agree): one `@`, something before
/// it, a dotted domain after it, no spaces. Catches typos without refusing real addresses.
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

/// Digits (at least five), spaces, `+`, `-` and parentheses.
pub fn is_tel(value: &str) -> bool {
    value.chars().filter(char::is_ascii_digit).count() >= 5
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
}

/// The field a 422 `params[].field` path names, among the form's `keys`: `action.fields.email`,
/// `action.values.fit`, `action.files.photo` and `action.email` name their last segment;
/// `action.attachments.0.data_base64` names `attachments`. `None` means the whole form (e.g.
/// `action.values` for too few filled fields) — shown above the submit button.
pub fn field_for_param(path: &str, keys: &[&str]) -> Option<String> {
    let segments: Vec<&str> = path.split('.').collect();
    let last = segments.last().copied().unwrap_or_default();
    if segments.len() > 1 && keys.contains(&last) {
        return Some(last.to_owned());
    }
    let rest = segments.strip_prefix(&["action"]).unwrap_or(&segments);
    let rest = match rest {
        ["fields" | "values" | "files", tail @ ..] if !tail.is_empty() => tail,
        other => other,
    };
    rest.first()
        .filter(|first| keys.contains(first))
        .map(|first| (*first).to_owned())
}

/// Visible, non-file, non-empty values (trimmed), keyed exactly as the marker named them.
fn visible_values(fields: &[FormField], values: &Values) -> Values {
    // Inserted one by one: `collect` into a map costs a sort routine per type in the wasm.
    let mut out = Values::new();
    for f in fields {
        if f.field_type != FieldType::File && is_visible(f, values) {
            if let Some(v) = filled(values, &f.key) {
                out.insert(f.key.clone(), v.to_owned());
            }
        }
    }
    out
}

/// `contact_form` for a `show_contact_form` marker.
pub fn contact_action(fields: &[FormField], values: &Values) -> Action {
    Action::ContactForm(ContactForm {
        fields: visible_values(fields, values),
    })
}

/// `support_ticket`: `name`, `email` and `message` at the top, the marker's other fields beside
/// them, every chosen file as an attachment.
pub fn ticket_action(
    fields: &[FormField],
    values: &Values,
    attachments: Vec<AttachmentUpload>,
) -> Action {
    let mut visible = visible_values(fields, values);
    let mut take = |key: &str| visible.remove(key).unwrap_or_default();
    let (name, email, message) = (take("name"), take("email"), take("message"));
    let mut extra = Map::new();
    for (k, v) in visible {
        extra.insert(k, Value::String(v));
    }
    Action::SupportTicket(SupportTicket {
        name,
        email,
        message,
        attachments,
        extra,
    })
}

/// `form_submission` for a `show_form` marker: the first file of each visible file field.
pub fn form_action(
    form_id: &str,
    fields: &[FormField],
    values: &Values,
    uploads: Vec<(String, AttachmentUpload)>,
) -> Action {
    let mut files = BTreeMap::new();
    for (key, upload) in uploads {
        let visible_file = fields
            .iter()
            .any(|f| f.key == key && f.field_type == FieldType::File && is_visible(f, values));
        if visible_file && !files.contains_key(&key) {
            files.insert(key, upload);
        }
    }
    Action::FormSubmission(FormSubmission {
        form_id: form_id.to_owned(),
        values: visible_values(fields, values),
        files,
    })
}

/// Checks a chosen file against accepted MIME types (empty: any; `image/*` wildcards) and a
/// size limit, before anything is read or sent.
pub fn check_file(mime: &str, size: u64, accepted: &[&str], max_bytes: u64) -> Result<(), Problem> {
    let mime = mime.to_ascii_lowercase();
    let type_ok = accepted.is_empty()
        || accepted.iter().any(|a| {
            let a = a.trim().to_ascii_lowercase();
            match a.strip_suffix("/*") {
                Some(major) => mime.split('/').next() == Some(major),
                None => a == mime,
            }
        });
    if !type_ok {
        Err(Problem::WrongType)
    } else if size > max_bytes {
        Err(Problem::TooLarge(max_bytes))
    } else {
        Ok(())
    }
}

/// The MIME type of a chosen file: the browser's, or guessed from the name when the browser
/// has none (some systems leave it empty for `.webp`).
pub fn mime_of(browser_type: &str, filename: &str) -> String {
    if !browser_type.is_empty() {
        return browser_type.to_owned();
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
    .to_owned()
}

/// `image/png` → `PNG`, `image/svg+xml` → `SVG`, `image/*` → `IMAGE`: how types are named to
/// the visitor.
pub fn type_label(mime: &str) -> String {
    let sub = mime.rsplit('/').next().unwrap_or(mime);
    let sub = if sub == "*" {
        mime.split('/').next().unwrap_or(mime)
    } else {
        sub
    };
    let sub = sub.trim_start_matches("x-");
    sub.split('+').next().unwrap_or(sub).to_ascii_uppercase()
}

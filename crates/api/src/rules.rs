//! The contract's input rules, written once for both sides: what a visitor may type into a
//! marker form (`visible_when`, required, e-mail, phone, dropdown options, length,
//! `min_filled_fields`), which files the composer and the forms take, how an `/actions` body is
//! built from a form, what the server checks in an `/actions` body and in a message's input
//! parts, and how a visitor's upload is shown as a message part.
//!
//! The widget checks before sending and the sandbox checks on arrival; both call these
//! functions, so they cannot disagree. Problems are values ([`Problem`]), never words: the
//! widget words them in the visitor's language, the sandbox in its English error messages.
//! Pure: no clock, no I/O, no allocation beyond the results, and never a panic.

use crate::json::{Map, Value};

use crate::actions::{Action, AttachmentUpload, ContactForm, FormSubmission, SupportTicket};
use crate::map::SortedMap;
use crate::message::{
    FieldType, FilePart, FormField, ImagePart, Part, ShowForm, ShowSupportTicket, TextPart,
};
use crate::send::{
    base64_len, InputPart, MAX_ACTION_ATTACHMENT_BYTES, MAX_MESSAGE_DATA_BASE64_LEN,
    MAX_MESSAGE_DATA_BYTES,
};

// ------------------------------------------------------------------------------------------------
// Problems

/// One thing wrong with a field, a file, a part or a whole form. Each side words it itself; the
/// data a wording needs (a limit, a count) travels with it, the rest (a field's label or
/// options) is found through the field key the problem is reported under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Something required is missing: a visible required field (text or file), a text part's
    /// text, an upload's file name or MIME type, a message's parts.
    Required,
    /// Not an e-mail address ([`is_email`]).
    Email,
    /// Not a phone number ([`is_tel`]).
    Tel,
    /// Longer than this many characters.
    TooLong(usize),
    /// A value that is not one of the allowed choices: a dropdown's `options`, a rating's
    /// [`RATINGS`].
    NotAnOption,
    /// Fewer than this many fields are filled (the whole form's problem).
    MinFilled(u32),
    /// A file larger than this many bytes.
    TooLarge(u64),
    /// A file's type is not among the accepted ones (or is not a MIME type at all).
    WrongType,
    /// More files (or parts) than this.
    TooMany(usize),
    /// A value or file under a key the form does not have.
    UnknownField,
    /// Text sent for a file field (files go under `files`, not `values`).
    TextForFile,
    /// A file sent for a field that is not a file field.
    NotAFileField,
    /// A support ticket's extra field that is neither a string nor `null`.
    NotText,
    /// Attachments on a ticket whose marker says `attachments_accepted: false`, or a visitor's
    /// livechat upload while the livechat settings switch attachments off.
    NotAccepted,
    /// An upload with no bytes.
    Empty,
    /// An upload that is not standard, padded base64.
    NotBase64,
    /// An upload sent as a `data:` URL instead of bare base64.
    DataUrl,
    /// A `form_submission` whose `form_id` is not the marker's.
    WrongForm,
}

/// A problem found in a request body, at a dotted path (`action.fields.email`,
/// `action.attachments.0.data_base64`, `message.parts.1.mime`) as a 422's `params[].field`
/// names it. `key` is the form field concerned, if any, so the label or options of that field
/// can be looked up for the wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Dotted path of the offending value in the request body.
    pub path: String,
    /// The form field's key, when the finding is about one.
    pub key: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

impl Finding {
    fn at(path: String, problem: Problem) -> Self {
        Finding {
            path,
            key: None,
            problem,
        }
    }

    fn field(prefix: &str, key: &str, problem: Problem) -> Self {
        Finding {
            path: join(prefix, key),
            key: Some(key.to_owned()),
            problem,
        }
    }
}

/// `prefix.tail`, built without `format!`.
fn join(prefix: &str, tail: &str) -> String {
    let mut path = String::with_capacity(prefix.len() + 1 + tail.len());
    path.push_str(prefix);
    path.push('.');
    path.push_str(tail);
    path
}

// ------------------------------------------------------------------------------------------------
// Values

/// Text values by field key, exactly as the marker named the keys.
pub type Values = SortedMap<String>;

/// Longest value of one form field, in characters.
pub const MAX_VALUE_CHARS: usize = 5_000;

/// A deliberately plain check: one `@`, something before it, a dotted domain after it, no
/// spaces, at most 254 bytes. It catches typos without refusing real addresses.
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

/// What is wrong with a non-empty (trimmed) value of `field`, if anything: its length first,
/// then its type's format (e-mail, phone) or the dropdown's options.
pub fn value_problem(field: &FormField, value: &str) -> Option<Problem> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Some(Problem::TooLong(MAX_VALUE_CHARS));
    }
    match field.field_type {
        FieldType::Email if !is_email(value) => Some(Problem::Email),
        FieldType::Tel if !is_tel(value) => Some(Problem::Tel),
        FieldType::Dropdown if !field.options.iter().any(|option| option == value) => {
            Some(Problem::NotAnOption)
        }
        _ => None,
    }
}

/// The name a field goes by in a message: its label, or its key when it has none.
pub fn label_of(field: &FormField) -> &str {
    if field.label.is_empty() {
        &field.key
    } else {
        &field.label
    }
}

// ------------------------------------------------------------------------------------------------
// Forms

/// Keys of the support ticket's own fields (CONTRACT.md section 6: `name`, `email`, `message`
/// sit at the top of the action, not among the extra fields).
pub const TICKET_BASE_KEYS: [&str; 3] = ["name", "email", "message"];
/// The types of the ticket's own fields, in [`TICKET_BASE_KEYS`] order.
pub const TICKET_BASE_TYPES: [FieldType; 3] =
    [FieldType::Text, FieldType::Email, FieldType::Textarea];
/// The key the support ticket's attachment chooser uses for its problems (the server names
/// `action.attachments.N…`).
pub const ATTACHMENTS_KEY: &str = "attachments";
/// Most attachments on one ticket, and on one message.
pub const MAX_ATTACHMENTS: usize = 5;

/// The result of checking a form: problems by field key in the form's order, and one for the
/// whole form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Check {
    /// Problems of single fields, by key, in the order of the form's fields.
    pub fields: Vec<(String, Problem)>,
    /// The whole form's problem ([`Problem::MinFilled`]).
    pub form: Option<Problem>,
}

impl Check {
    /// Whether nothing is wrong.
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

/// The value of `key`, trimmed, if it is not empty.
fn filled<'a>(values: &'a Values, key: &str) -> Option<&'a str> {
    values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Checks the visible fields: required ones (a file field through `has_file`, which says
/// whether a file is chosen for that key), the values given ([`value_problem`]), and that at
/// least `min_filled` fields are filled. Hidden fields are skipped (the contract: neither
/// validated nor submitted); keys the form does not have are not looked at (see
/// [`stray_values`]).
///
/// A field counts as filled when its trimmed value is not empty — even when that value has a
/// problem of its own — and a file field when it has a file.
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
                    value_problem(field, value)
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

/// Values a well-behaved client never sends, in key order: keys the form does not have
/// ([`Problem::UnknownField`]) and text for a file field ([`Problem::TextForFile`]).
pub fn stray_values(fields: &[FormField], values: &Values) -> Vec<(String, Problem)> {
    let mut stray = Vec::new();
    for key in values.keys() {
        match fields.iter().find(|field| &field.key == key) {
            None => stray.push((key.clone(), Problem::UnknownField)),
            Some(field) if field.field_type == FieldType::File => {
                stray.push((key.clone(), Problem::TextForFile));
            }
            Some(_) => {}
        }
    }
    stray
}

/// The ticket's fields as the visitor sees them: `name`, `email` and `message` (required, in
/// that order, labelled by the marker when it names them among its fields, else with the
/// caller's `labels`), then the marker's other fields.
pub fn ticket_fields(marker: &ShowSupportTicket, labels: [&str; 3]) -> Vec<FormField> {
    let mut fields = Vec::with_capacity(3 + marker.fields.len());
    for ((key, field_type), label) in TICKET_BASE_KEYS
        .into_iter()
        .zip(TICKET_BASE_TYPES)
        .zip(labels)
    {
        // The marker's own words for a base field win; its type and `required` do not.
        let own = marker.fields.iter().find(|f| f.key == key);
        fields.push(FormField {
            key: key.to_owned(),
            label: own
                .map(|f| f.label.as_str())
                .filter(|l| !l.trim().is_empty())
                .unwrap_or(label)
                .to_owned(),
            placeholder: own.and_then(|f| f.placeholder.clone()),
            field_type,
            required: true,
            options: Vec::new(),
            visible_when: Vec::new(),
        });
    }
    for field in &marker.fields {
        if !TICKET_BASE_KEYS.contains(&field.key.as_str()) {
            fields.push(field.clone());
        }
    }
    fields
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

// ------------------------------------------------------------------------------------------------
// Building actions (the widget)

/// `PATCH /forms/{id}/values` for a session form (`session_start`, `livechat_waiting`): its
/// visible, non-file, filled values.
pub fn session_form_values(
    fields: &[FormField],
    values: &Values,
) -> crate::actions::PatchFormValues {
    crate::actions::PatchFormValues {
        values: visible_values(fields, values),
    }
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
pub fn contact_action(
    fields: &[FormField],
    values: &Values,
    uploads: Vec<(String, AttachmentUpload)>,
) -> Action {
    Action::ContactForm(ContactForm {
        fields: visible_values(fields, values),
        files: visible_files(fields, values, uploads),
    })
}

/// The first upload of each visible `file` field, by key; the rest are not sent.
fn visible_files(
    fields: &[FormField],
    values: &Values,
    uploads: Vec<(String, AttachmentUpload)>,
) -> SortedMap<AttachmentUpload> {
    let mut files = SortedMap::new();
    for (key, upload) in uploads {
        let visible_file = fields
            .iter()
            .any(|f| f.key == key && f.field_type == FieldType::File && is_visible(f, values));
        if visible_file && !files.contains_key(&key) {
            files.insert(key, upload);
        }
    }
    files
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
    Action::FormSubmission(FormSubmission {
        form_id: form_id.to_owned(),
        values: visible_values(fields, values),
        files: visible_files(fields, values, uploads),
    })
}

// ------------------------------------------------------------------------------------------------
// Checking actions (the server)

/// Checks a `contact_form` against its marker's fields: stray keys, then the visible fields,
/// a required visible `file` field with its file.
pub fn check_contact(fields: &[FormField], action: &ContactForm) -> Vec<Finding> {
    const AT: &str = "action.fields";
    let mut findings = stray_findings(AT, fields, &action.fields);
    let has_file = |key: &str| action.files.contains_key(key);
    for (key, problem) in validate(fields, &action.fields, has_file, 0).fields {
        let at = if fields
            .iter()
            .any(|f| f.key == key && f.field_type == FieldType::File)
        {
            "action.files"
        } else {
            AT
        };
        findings.push(Finding::field(at, &key, problem));
    }
    findings
}

/// Checks a `support_ticket` against its marker: extra fields that are not text, stray keys,
/// the ticket's own and the marker's visible fields (as one form, so a `visible_when` may look
/// at `name`), then the attachments (accepted at all, how many, each one). The marker's file
/// fields are not checked: a ticket's files travel as `attachments`.
pub fn check_ticket(marker: &ShowSupportTicket, action: &SupportTicket) -> Vec<Finding> {
    const AT: &str = "action";
    let mut findings = Vec::new();
    let mut given = Values::new();
    given.insert("name".to_owned(), action.name.clone());
    given.insert("email".to_owned(), action.email.clone());
    given.insert("message".to_owned(), action.message.clone());
    for (key, value) in &action.extra {
        match value {
            Value::String(text) => {
                given.insert(key.clone(), text.clone());
            }
            Value::Null => {}
            _ => findings.push(Finding::field(AT, key, Problem::NotText)),
        }
    }
    let fields = without_files(&ticket_fields(marker, TICKET_BASE_KEYS));
    findings.extend(stray_findings(AT, &fields, &given));
    for (key, problem) in validate(&fields, &given, |_| false, 0).fields {
        findings.push(Finding::field(AT, &key, problem));
    }

    let at = "action.attachments";
    if !action.attachments.is_empty() && !marker.accepts_attachments() {
        findings.push(Finding::at(at.to_owned(), Problem::NotAccepted));
    }
    if action.attachments.len() > MAX_ATTACHMENTS {
        findings.push(Finding::at(
            at.to_owned(),
            Problem::TooMany(MAX_ATTACHMENTS),
        ));
    }
    for (index, upload) in action.attachments.iter().enumerate() {
        let at = join(at, &index.to_string());
        for (suffix, problem) in check_upload(upload, marker.max_attachment_size()) {
            findings.push(Finding::at(join(&at, suffix), problem));
        }
    }
    findings
}

/// Checks a `form_submission` against its marker: the form id (a wrong one is the only
/// finding), stray value keys, the visible non-file fields, the files (each under a visible
/// file field of the form; files of hidden fields are ignored), required file fields, and
/// `min_filled_fields` (reported at `action.values`).
pub fn check_form(marker: &ShowForm, action: &FormSubmission) -> Vec<Finding> {
    if action.form_id != marker.form_id {
        return vec![Finding::at("action.form_id".to_owned(), Problem::WrongForm)];
    }
    const VALUES: &str = "action.values";
    const FILES: &str = "action.files";
    let fields = &marker.fields;
    let mut findings = stray_findings(VALUES, fields, &action.values);
    let check = validate(
        fields,
        &action.values,
        |key| action.files.contains_key(key),
        marker.min_filled_fields.unwrap_or(0),
    );
    let is_file = |key: &str| {
        fields
            .iter()
            .any(|f| f.key == key && f.field_type == FieldType::File)
    };
    // Value problems first, then what is wrong with the files, then missing files: the order
    // the sandbox has always reported them in.
    for (key, problem) in check.fields.iter().filter(|(key, _)| !is_file(key)) {
        findings.push(Finding::field(VALUES, key, *problem));
    }
    for (key, upload) in &action.files {
        match fields.iter().find(|field| &field.key == key) {
            Some(field) if field.field_type == FieldType::File => {
                if is_visible(field, &action.values) {
                    let at = join(FILES, key);
                    for (suffix, problem) in
                        check_upload(upload, MAX_ACTION_ATTACHMENT_BYTES as u64)
                    {
                        findings.push(Finding {
                            path: join(&at, suffix),
                            key: Some(key.clone()),
                            problem,
                        });
                    }
                }
            }
            Some(_) => findings.push(Finding::field(FILES, key, Problem::NotAFileField)),
            None => findings.push(Finding::field(FILES, key, Problem::UnknownField)),
        }
    }
    for (key, problem) in check.fields.iter().filter(|(key, _)| is_file(key)) {
        findings.push(Finding::field(FILES, key, *problem));
    }
    if let Some(problem) = check.form {
        findings.push(Finding::at(VALUES.to_owned(), problem));
    }
    findings
}

fn stray_findings(prefix: &str, fields: &[FormField], values: &Values) -> Vec<Finding> {
    stray_values(fields, values)
        .into_iter()
        .map(|(key, problem)| Finding::field(prefix, &key, problem))
        .collect()
}

fn without_files(fields: &[FormField]) -> Vec<FormField> {
    fields
        .iter()
        .filter(|f| f.field_type != FieldType::File)
        .cloned()
        .collect()
}

/// Checks one action attachment: a file name, a MIME type, and bytes that are valid base64,
/// not empty and at most `max_bytes` (and never over the contract's 2 MiB). Each problem comes
/// with the name of the upload's field it is about: `filename`, `mime_type` or `data_base64`.
///
/// An upload over the contract's cap is [`Problem::TooLarge`] of
/// [`MAX_ACTION_ATTACHMENT_BYTES`], whatever `max_bytes` is (larger or smaller); `max_bytes`
/// is only reported for uploads within the cap.
pub fn check_upload(upload: &AttachmentUpload, max_bytes: u64) -> Vec<(&'static str, Problem)> {
    let mut problems = Vec::new();
    if upload.filename.trim().is_empty() {
        problems.push(("filename", Problem::Required));
    }
    if upload.mime_type.trim().is_empty() {
        problems.push(("mime_type", Problem::Required));
    }
    let data = upload.data_base64.as_str();
    // The contract's cap, 2 MiB decoded, goes first whatever the marker allows. Its base64
    // figure `MAX_ACTION_ATTACHMENT_BASE64_LEN` (2,796,203) is one short of the padded length
    // of 2 MiB, so it would refuse a file of exactly 2 MiB that the widget, checking bytes,
    // lets through: the bytes decide, the padded length only spares decoding a huge text.
    let cap = MAX_ACTION_ATTACHMENT_BYTES as u64;
    let data_problem = if data.len() > base64_len(MAX_ACTION_ATTACHMENT_BYTES) {
        Some(Problem::TooLarge(cap))
    } else {
        match base64_decoded_len(data).map(|len| len as u64) {
            None => Some(Problem::NotBase64),
            Some(0) => Some(Problem::Empty),
            Some(len) if len > cap => Some(Problem::TooLarge(cap)),
            Some(len) if len > max_bytes => Some(Problem::TooLarge(max_bytes)),
            Some(_) => None,
        }
    };
    if let Some(problem) = data_problem {
        problems.push(("data_base64", problem));
    }
    problems
}

/// The number of bytes standard, padded base64 decodes to, or `None` if `data` is not such
/// base64 (wrong length, a character outside the alphabet, misplaced padding, or unused bits
/// set in the last character — the strict reading servers use).
pub fn base64_decoded_len(data: &str) -> Option<usize> {
    let bytes = data.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let body = &bytes[..bytes.len() - padding];
    let mut last = 0u8;
    for &b in body {
        last = sextet(b)?;
    }
    // The bits of the last character beyond the encoded bytes must be zero.
    let unused = match padding {
        1 => last & 0b11,
        2 => last & 0b1111,
        _ => 0,
    };
    (unused == 0).then(|| bytes.len() / 4 * 3 - padding)
}

fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------------
// Files

/// Builds the message upload type lists and the chooser's `accept` from one list of literals,
/// so the three cannot drift apart.
macro_rules! message_upload_types {
    (images: [$($image:literal),+ $(,)?], files: [$first:literal $(, $file:literal)* $(,)?] $(,)?) => {
        /// Image types a message may carry; they go out as `image` parts and show inline. No
        /// SVG: it can carry script.
        pub const IMAGE_TYPES: &[&str] = &[$($image),+];
        /// Other file types the composer sends, as `file` parts.
        pub const FILE_TYPES: &[&str] = &[$first $(, $file)*];
        /// The composer's file chooser `accept`: [`IMAGE_TYPES`] and [`FILE_TYPES`].
        pub const ACCEPT: &str = concat!($($image, ",",)+ $first $(, ",", $file)*);
    };
}

message_upload_types! {
    images: ["image/png", "image/jpeg", "image/webp", "image/gif"],
    files: ["application/pdf", "text/plain", "text/csv", "application/zip"],
}

/// Decides about one file for the composer before it is read: `Ok(is_image)` or why not.
/// `limit` is the byte limit in force (the message limit, or livechat's), `already` how many
/// files are attached.
pub fn check_attachment(
    mime: &str,
    size: u64,
    limit: u64,
    already: usize,
) -> Result<bool, Problem> {
    if already >= MAX_ATTACHMENTS {
        return Err(Problem::TooMany(MAX_ATTACHMENTS));
    }
    let image = IMAGE_TYPES.contains(&mime);
    if !image && !FILE_TYPES.contains(&mime) {
        return Err(Problem::WrongType);
    }
    if size > limit {
        return Err(Problem::TooLarge(limit));
    }
    Ok(image)
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
    let ext = after_last(filename, b'.')
        .map(str::to_ascii_lowercase)
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
    let sub = after_last(mime, b'/').unwrap_or(mime);
    let mut sub = if sub == "*" {
        mime.split('/').next().unwrap_or(mime)
    } else {
        sub
    };
    // (`trim_start_matches("x-")` brings a substring searcher into the wasm for these two bytes.)
    while let Some(rest) = sub.strip_prefix("x-") {
        sub = rest;
    }
    sub.split('+').next().unwrap_or(sub).to_ascii_uppercase()
}

/// What follows the last `sep` (an ASCII byte) in `text`; `None` when there is none. A byte
/// scan: `rsplit`/`rsplit_once` on a `char` bring a reverse searcher the wasm needs nowhere else.
fn after_last(text: &str, sep: u8) -> Option<&str> {
    let i = text.bytes().rposition(|b| b == sep)?;
    Some(&text[i + 1..])
}

// ------------------------------------------------------------------------------------------------
// Message input parts

/// Most parts in one outgoing message.
pub const MAX_PARTS: usize = 10;
/// Longest text part, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Longest file name of a `file` part, in characters.
pub const MAX_FILENAME_CHARS: usize = 255;

/// Checks the parts of an outgoing message (`POST /messages`, livechat messages of visitor and
/// agent) beyond their JSON shape, at paths `message.parts` and `message.parts.N.<field>`:
/// at least one and at most [`MAX_PARTS`] parts; text not blank and at most
/// [`MAX_TEXT_CHARS`]; images of [`IMAGE_TYPES`]; files with a name (at most
/// [`MAX_FILENAME_CHARS`]) and a `type/subtype` MIME type; uploads bare base64 (not a `data:`
/// URL), not empty, at most 5 MiB.
pub fn check_message_parts(parts: &[InputPart]) -> Vec<Finding> {
    const AT: &str = "message.parts";
    let mut findings = Vec::new();
    if parts.is_empty() {
        findings.push(Finding::at(AT.to_owned(), Problem::Required));
    }
    if parts.len() > MAX_PARTS {
        findings.push(Finding::at(AT.to_owned(), Problem::TooMany(MAX_PARTS)));
    }
    for (index, part) in parts.iter().enumerate() {
        let part_at = join(AT, &index.to_string());
        let mut found =
            |field: &str, problem| findings.push(Finding::at(join(&part_at, field), problem));
        match part {
            InputPart::Text { text } => {
                if text.trim().is_empty() {
                    found("text", Problem::Required);
                } else if text.chars().count() > MAX_TEXT_CHARS {
                    found("text", Problem::TooLong(MAX_TEXT_CHARS));
                }
            }
            InputPart::Image { data, mime, .. } => {
                if !IMAGE_TYPES.contains(&mime.as_str()) {
                    found("mime", Problem::WrongType);
                }
                if let Some(problem) = data_problem(data) {
                    found("data", problem);
                }
            }
            InputPart::File {
                data,
                mime,
                filename,
            } => {
                if filename.trim().is_empty() {
                    found("filename", Problem::Required);
                } else if filename.chars().count() > MAX_FILENAME_CHARS {
                    found("filename", Problem::TooLong(MAX_FILENAME_CHARS));
                }
                if mime.trim().is_empty() || !mime.contains('/') {
                    found("mime", Problem::WrongType);
                }
                if let Some(problem) = data_problem(data) {
                    found("data", problem);
                }
            }
        }
    }
    findings
}

/// What is wrong with the `data` of a message upload. Over the cap is judged by the base64
/// length alone, before decoding anything.
fn data_problem(data: &str) -> Option<Problem> {
    if data.starts_with("data:") {
        Some(Problem::DataUrl)
    } else if data.is_empty() {
        Some(Problem::Empty)
    } else if data.len() > MAX_MESSAGE_DATA_BASE64_LEN {
        Some(Problem::TooLarge(MAX_MESSAGE_DATA_BYTES as u64))
    } else if base64_decoded_len(data).is_none() {
        Some(Problem::NotBase64)
    } else {
        None
    }
}

/// The largest upload a livechat message may carry: the livechat settings'
/// `max_attachment_size_bytes`, or a message's 5 MiB when they set none, and never more than
/// that (a livechat message is a message).
pub fn livechat_upload_limit(max_attachment_size_bytes: Option<u64>) -> u64 {
    let message_limit = MAX_MESSAGE_DATA_BYTES as u64;
    max_attachment_size_bytes.map_or(message_limit, |max| max.min(message_limit))
}

/// Checks the uploads of a livechat message against the livechat settings, after
/// [`check_message_parts`]: an upload when `attachments_allowed` is false (a visitor's while the
/// settings switch attachments off; agents may always attach) is [`Problem::NotAccepted`] at
/// `message.parts.N`; an upload over `limit` bytes ([`livechat_upload_limit`]) is
/// [`Problem::TooLarge`] of `limit` at `message.parts.N.data` (and one that is not base64,
/// [`Problem::NotBase64`]).
pub fn check_livechat_uploads(
    parts: &[InputPart],
    attachments_allowed: bool,
    limit: u64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let data = match part {
            InputPart::Text { .. } => continue,
            InputPart::Image { data, .. } | InputPart::File { data, .. } => data,
        };
        let at = join("message.parts", &index.to_string());
        if !attachments_allowed {
            findings.push(Finding::at(at, Problem::NotAccepted));
            continue;
        }
        let problem = match base64_decoded_len(data) {
            None => Problem::NotBase64,
            Some(len) if len as u64 > limit => Problem::TooLarge(limit),
            Some(_) => continue,
        };
        findings.push(Finding::at(join(&at, "data"), problem));
    }
    findings
}

// ------------------------------------------------------------------------------------------------
// Ratings

/// The ratings a visitor may give (`/rate`, livechat feedback): whole stars from 1 to 5.
pub const RATINGS: std::ops::RangeInclusive<u8> = 1..=5;
/// Longest feedback text that goes with a rating, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 2_000;

/// Checks a rating and its feedback text (`POST /rate`, `POST /livechat/feedback`): a rating
/// outside [`RATINGS`] is [`Problem::NotAnOption`] at `rating`, feedback longer than
/// [`MAX_FEEDBACK_CHARS`] is [`Problem::TooLong`] at `feedback`.
pub fn check_rating(rating: u8, feedback: Option<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !RATINGS.contains(&rating) {
        findings.push(Finding::at("rating".to_owned(), Problem::NotAnOption));
    }
    if feedback.is_some_and(|text| text.chars().count() > MAX_FEEDBACK_CHARS) {
        findings.push(Finding::at(
            "feedback".to_owned(),
            Problem::TooLong(MAX_FEEDBACK_CHARS),
        ));
    }
    findings
}

// ------------------------------------------------------------------------------------------------
// Echo

/// How a visitor's outgoing part is shown as a message part (history, the optimistic entry):
/// text as `text`, uploads as `image`/`file` parts with a `data:` URL, their MIME type, their
/// decoded size and the file name (an image's as its caption). No attachment id: see
/// [`echo_with_id`].
pub fn echo(part: &InputPart) -> Part {
    echo_with_id(part, None)
}

/// [`echo`] with the attachment id the server assigned to an upload (ignored for text).
pub fn echo_with_id(part: &InputPart, attachment_id: Option<String>) -> Part {
    match part {
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
            url: data_url(mime, data),
            attachment_id,
            mime_type: Some(mime.clone()),
            size_bytes: base64_decoded_len(data).map(|len| len as u64),
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
            url: data_url(mime, data),
            attachment_id,
            mime_type: Some(mime.clone()),
            size_bytes: base64_decoded_len(data).map(|len| len as u64),
            url_expires_at: None,
        }),
    }
}

/// `data:<mime>;base64,<data>`, built without `format!` (uploads are megabytes of text).
fn data_url(mime: &str, data: &str) -> String {
    let mut url = String::with_capacity(5 + mime.len() + 8 + data.len());
    url.push_str("data:");
    url.push_str(mime);
    url.push_str(";base64,");
    url.push_str(data);
    url
}

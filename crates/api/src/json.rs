//! Reading wire types from JSON: [`FromJson`] and the [`from_json`] entry point.
//!
//! Why not plain `#[derive(Deserialize)]`: serde compiles a visitor per struct and per
//! deserializer (field-name matching, a map loop, a sequence loop, error texts), and that was
//! the largest part of the widget's wasm. Every type the widget reads instead implements
//! [`FromJson`], one plain function from a parsed [`Value`] (ours, see `value`): structs through
//! `#[derive(FromJson)]` (which reads their `#[serde(...)]` attributes with serde's meaning),
//! the tagged unions by hand (see `tagged`), string enums in `wire_enum!`. Those types still
//! implement `Deserialize` (through a `Value`), so serde_json, axum and the tests read them as
//! before; only the machinery behind it is smaller.
//!
//! Reading follows serde: unknown fields are ignored, a missing `Option` is `None`, integers
//! must fit their type, floats never read as integers. Structs must be JSON objects (serde also
//! took arrays of field values; the wire never sends those).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

pub use crate::parse::parse;
pub use crate::value::{Map, Number, Value};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// Why JSON text or a parsed value could not be read: one message, worded as serde_json words
/// it (``missing field `x` ``, `invalid type: null, expected a string`, `expected value at line
/// 1 column 5`, …), so logs, tests and the sandbox's error envelopes read as before. One
/// difference: a string quoted in a message is written as JSON writes it (a control character
/// as `\u0001`, `\b`, `\f`), where serde_json uses Rust's debug quoting (`\u{1}`, and it also
/// escapes other non-printable characters); quotes, backslashes, `\n`, `\r`, `\t` and
/// printable text read the same.
///
/// Why not `serde_json::Error`: building one links serde_json's error machinery into the
/// widget's wasm (the parser of its own messages, its error codes' and io errors' texts, the
/// `Unexpected` wording), and the widget only ever logs these messages.
///
/// Boxed, so that it is one pointer as serde_json's error was: a wider error widens every
/// reader's `Result` and the code that moves them (measured: a plain `String` cost more than
/// the error machinery it replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Message>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Message(String);

impl Error {
    /// An error saying `message`.
    pub fn custom(message: String) -> Self {
        Self(Box::new(Message(message)))
    }

    /// serde's ``missing field `field` ``.
    pub fn missing_field(field: &str) -> Self {
        Self::custom(format!("missing field `{field}`"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0 .0)
    }
}

impl std::error::Error for Error {}

/// A wire type that can be read from a parsed JSON value.
pub trait FromJson: Sized {
    /// Reads `value`; an error if its shape is not this type's.
    fn from_json(value: &Value) -> Result<Self, Error>;

    /// The value of a field that is missing and has no default: an error, except for `Option`
    /// (`None`), as in serde.
    fn missing(field: &'static str) -> Result<Self, Error> {
        Err(Error::missing_field(field))
    }
}

/// Parses JSON text as `T` (a syntax error keeps its line and column; shape errors have none,
/// they are only ever logged).
pub fn from_json<T: FromJson>(text: &str) -> Result<T, Error> {
    T::from_json(&parse(text)?)
}

/// `Deserialize` for a [`FromJson`] type: buffer into a `Value`, then read it.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromJson>(deserializer: D) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    T::from_json(&value).map_err(D::Error::custom)
}

/// The fields of a struct: `value` must be an object.
pub fn object(value: &Value) -> Result<&Map, Error> {
    value
        .as_object()
        .ok_or_else(|| invalid_type(value, "a JSON object"))
}

/// A required field (see [`FromJson::missing`] for what missing means). Used by the derive:
/// one shared function per field type keeps each struct's reader to a call per field.
#[doc(hidden)]
pub fn required<T: FromJson>(object: &Map, key: &'static str) -> Result<T, Error> {
    match object.get(key) {
        Some(value) => T::from_json(value),
        None => T::missing(key),
    }
}

/// A `#[serde(default)]` field. Used by the derive.
#[doc(hidden)]
pub fn or_default<T: FromJson + Default>(object: &Map, key: &str) -> Result<T, Error> {
    match object.get(key) {
        Some(value) => T::from_json(value),
        None => Ok(T::default()),
    }
}

/// A field of a struct with a struct-level default: read into `slot` if present, else `slot`
/// keeps the struct's default. Used by the derive. Not written on [`optional`]: its
/// `Result<Option<T>>` and the match on it cost the app 0.18 KB brotli more (measured).
#[doc(hidden)]
pub fn field<T: FromJson>(object: &Map, key: &str, slot: &mut T) -> Result<(), Error> {
    if let Some(value) = object.get(key) {
        *slot = T::from_json(value)?;
    }
    Ok(())
}

/// A field that is read only if present (`#[serde(default = "path")]`, struct-level default).
/// Used by the derive.
#[doc(hidden)]
pub fn optional<T: FromJson>(object: &Map, key: &str) -> Result<Option<T>, Error> {
    object.get(key).map(T::from_json).transpose()
}

/// serde_json's "invalid type: …, expected …" error (a string quoted as JSON, see [`Error`]).
pub fn invalid_type(value: &Value, expected: &str) -> Error {
    let mut message = String::from("invalid type: ");
    // Writing to a `String` cannot fail.
    let _ = match value {
        Value::Null => message.write_str("null"),
        Value::Bool(b) => write!(message, "boolean `{b}`"),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => write!(message, "integer `{u}`"),
            (_, Some(i)) => write!(message, "integer `{i}`"),
            // Not the float itself: printing it would link core's float formatter.
            _ => message.write_str("floating point number"),
        },
        // Quoted as JSON, not with `{:?}`: the same words for what the wire carries (quotes,
        // backslashes, newlines), without linking `str`'s Debug and its Unicode tables.
        Value::String(s) => {
            message.push_str("string ");
            crate::write::write_str(&mut message, s);
            Ok(())
        }
        Value::Array(_) => message.write_str("sequence"),
        Value::Object(_) => message.write_str("map"),
    };
    message.push_str(", expected ");
    message.push_str(expected);
    Error::custom(message)
}

/// serde_json's "invalid value: integer `n`, expected …" error.
fn invalid_integer(n: &dyn fmt::Display, expected: &str) -> Error {
    Error::custom(format!("invalid value: integer `{n}`, expected {expected}"))
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(invalid_type(other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, Error> {
        value
            .as_bool()
            .ok_or_else(|| invalid_type(value, "a boolean"))
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value) -> Result<Self, Error> {
        value.as_f64().ok_or_else(|| invalid_type(value, "f64"))
    }
}

impl FromJson for u64 {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value.as_u64() {
            Some(n) => Ok(n),
            None => match value.as_i64() {
                Some(i) => Err(invalid_integer(&i, "u64")),
                None => Err(invalid_type(value, "u64")),
            },
        }
    }
}

/// Smaller unsigned integers: read as `u64`, then they must fit (serde's "invalid value").
macro_rules! from_json_unsigned {
    ($($ty:ty),*) => {$(
        impl FromJson for $ty {
            fn from_json(value: &Value) -> Result<Self, Error> {
                let n = u64::from_json(value)?;
                <$ty>::try_from(n)
                    .map_err(|_| invalid_integer(&n, stringify!($ty)))
            }
        }
    )*};
}
from_json_unsigned!(u8, u16, u32, usize);

impl FromJson for Value {
    fn from_json(value: &Value) -> Result<Self, Error> {
        Ok(value.clone())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }

    fn missing(_field: &'static str) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Array(items) => {
                // A plain loop: `collect::<Result<_, _>>()` costs an adapter per element type.
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(T::from_json(item)?);
                }
                Ok(out)
            }
            other => Err(invalid_type(other, "a sequence")),
        }
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        object(value)?
            .iter()
            .map(|(k, v)| Ok((k.clone(), T::from_json(v)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::FromJson;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// Our reader refuses `value` as `T` in the words serde_json's own reader uses.
    fn same_words<T: FromJson + DeserializeOwned + std::fmt::Debug>(value: Value) {
        let ours = T::from_json(&value.clone().into()).map_err(|e| e.to_string());
        let theirs = serde_json::from_value::<T>(value.clone()).map_err(|e| e.to_string());
        assert!(ours.is_err(), "{value}");
        assert_eq!(ours.err(), theirs.err(), "{value}");
    }

    #[test]
    fn shape_errors_are_worded_as_serde_json_words_them() {
        same_words::<String>(json!(5));
        same_words::<String>(json!(-5));
        same_words::<String>(json!(null));
        same_words::<String>(json!(true));
        same_words::<String>(json!([1]));
        same_words::<String>(json!({"a": 1}));
        same_words::<bool>(json!("yes \"quoted\"\n"));
        // The one difference (see `Error`): a control character is quoted as JSON quotes it.
        assert_eq!(
            bool::from_json(&json!("a\u{1}b").into())
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("invalid type: string \"a\\u0001b\", expected a boolean")
        );
        same_words::<f64>(json!("1.5"));
        same_words::<u64>(json!(-1));
        same_words::<u64>(json!("1"));
        same_words::<u8>(json!(300));
        same_words::<u16>(json!(70_000));
        same_words::<Vec<String>>(json!({}));
        same_words::<Vec<String>>(json!([1]));
    }

    #[test]
    fn a_missing_field_and_a_float_are_worded_as_before() {
        let missing = crate::ErrorBody::from_json(&json!({"message": "x"}).into());
        assert_eq!(
            missing.err().map(|e| e.to_string()).as_deref(),
            Some("missing field `code`")
        );
        let union = crate::Part::from_json(&json!(5).into());
        assert_eq!(
            union.err().map(|e| e.to_string()).as_deref(),
            Some("data did not match any variant of untagged enum Part")
        );
        // serde_json would print the float; ours names its kind only (no float formatter).
        let float = u64::from_json(&json!(1.5).into());
        assert_eq!(
            float.err().map(|e| e.to_string()).as_deref(),
            Some("invalid type: floating point number, expected u64")
        );
    }
}

//! Reading the wire's tagged unions (`{"type": "…", …}`) that have an `Unknown` fallback.
//!
//! Why not `#[derive(Deserialize)]` with `#[serde(tag = "…")]` and an `#[serde(untagged)]`
//! fallback: serde buffers such a union into its private `Content` type and then instantiates
//! every variant's body once more for that buffer, on top of the instances for the real
//! deserializer. In the widget's wasm that cost tens of KB. Here a union is read from a
//! [`crate::json::Value`] in one non-generic function ([`crate::json::FromJson`]).
//!
//! The semantics are the derive's: the known variant whose tag matches is tried first; if its
//! tag is unknown or its body cannot be read, the `Unknown` fallback is read from the same object
//! (its tag defaults to empty and must be a string if present); only if that fails too is the
//! union an error.

use crate::json::Value;

use crate::json::{Error, FromJson};

/// Implements [`FromJson`] (and `Deserialize` through it) for a union whose `from_json_value`
/// returns `None` when neither a known variant nor the fallback fits.
macro_rules! tagged_union {
    ($name:ident) => {
        impl $crate::json::FromJson for $name {
            fn from_json(value: &$crate::json::Value) -> Result<Self, $crate::json::Error> {
                $crate::tagged::or_no_match(
                    Self::from_json_value(value),
                    concat!(
                        "data did not match any variant of untagged enum ",
                        stringify!($name)
                    ),
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::json::deserialize(deserializer)
            }
        }
    };
}
pub(crate) use tagged_union;

/// serde's error when no variant fits.
pub(crate) fn or_no_match<T>(read: Option<T>, message: &'static str) -> Result<T, Error> {
    read.ok_or_else(|| Error::custom(message.to_owned()))
}

/// The tag of a known variant: `key` as a string, if `value` is an object that has it.
pub(crate) fn tag<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

/// A variant body read as its struct; `None` if it does not fit.
pub(crate) fn body<T: FromJson>(value: &Value) -> Option<T> {
    T::from_json(value).ok()
}

/// A required string field.
pub(crate) fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_owned)
}

/// An optional string field (missing or `null` is `None`); `None` (does not fit) if it is
/// something else.
pub(crate) fn optional_string(value: &Value, key: &str) -> Option<Option<String>> {
    match value.as_object()?.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    }
}

/// A string field defaulting to empty when missing (the fallback's tag).
pub(crate) fn string_or_default(value: &Value, key: &str) -> Option<String> {
    match value.as_object()?.get(key) {
        None => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => None,
    }
}

/// A required non-negative integer field that fits a `usize`.
pub(crate) fn index(value: &Value, key: &str) -> Option<usize> {
    usize::try_from(value.get(key)?.as_u64()?).ok()
}

//! Writing wire types as JSON text: [`ToJson`] and the [`to_json`] entry point.
//!
//! Why not `serde_json::to_string`: serde's `Serialize` is generic over the serializer, so each
//! request type compiled its own serializer code (compound states, map and sequence adapters,
//! the tagged-enum wrapper) and pulled in serde_json's writer with its `io::Write` layer, its
//! error type and texts, and `Value`'s `Display` in both its compact and pretty forms. The widget
//! only ever writes a handful of request bodies, so each of those types instead implements
//! [`ToJson`]: structs through `#[derive(ToJson)]` (which reads their `#[serde(...)]`
//! attributes with serde's meaning), tagged enums by hand next to their definition. They keep
//! `Serialize` for the sandbox and the tests; the widget just never calls it.
//!
//! The text is exactly serde_json's compact output (tests compare both on every request type
//! and on random values): the same escapes (`\"`, `\\`, `\b \f \n \r \t`, other control
//! characters as lowercase `\u00xx`, everything else verbatim), integers in decimal, floats in
//! the shortest form that reads back to the same `f64` (the same `zmij` formatter serde_json
//! uses; a non-finite float is `null`), objects in the order of their fields or of the map's
//! own iteration. Writing cannot fail, so there is no error to carry.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::json::{Number, Value};

/// A type the widget writes as JSON.
pub trait ToJson {
    /// Appends this value's JSON text to `out`.
    fn write_json(&self, out: &mut String);
}

/// A type written as the fields of an object someone else opened: a struct's fields, so a
/// tagged enum can put its tag first; or a map's entries, for `#[serde(flatten)]`.
pub trait ToJsonFields {
    /// Writes each field through [`Object::key`] or [`Object::entry`].
    fn write_fields(&self, object: &mut Object<'_>);
}

/// This value's JSON text.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// An object being written: puts the commas between its fields.
pub struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Writes `{`.
    pub fn open(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, empty: true }
    }

    /// Starts a field whose key is already JSON text with its colon (`"name":`, as the derive
    /// writes it, so field names are not escaped at run time); the value goes into the
    /// returned string.
    pub fn key(&mut self, quoted_key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push_str(quoted_key);
        self.out
    }

    /// Starts a field whose key is only known at run time (a map's); the value goes into the
    /// returned string.
    pub fn entry(&mut self, key: &str) -> &mut String {
        let out = self.key("");
        write_str(out, key);
        out.push(':');
        out
    }

    /// Writes `}`.
    pub fn close(self) {
        self.out.push('}');
    }
}

/// Writes a [`ToJsonFields`] value as a whole object: how derived structs write themselves.
pub fn write_object<T: ToJsonFields + ?Sized>(value: &T, out: &mut String) {
    let mut object = Object::open(out);
    value.write_fields(&mut object);
    object.close();
}

/// Writes `text` as a JSON string, escaped as serde_json escapes it.
pub fn write_str(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&text[start..i]);
        start = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&text[start..]);
    out.push('"');
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Integers in decimal, through core's formatter (which the widget has anyway).
macro_rules! to_json_integer {
    ($($ty:ty),*) => {$(
        impl ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                // Writing into a `String` cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
to_json_integer!(u8, u16, u32, u64, usize, i32, i64);

impl ToJson for f64 {
    fn write_json(&self, out: &mut String) {
        if self.is_finite() {
            out.push_str(zmij::Buffer::new().format_finite(*self));
        } else {
            // JSON has no NaN or infinity: serde_json writes `null`.
            out.push_str("null");
        }
    }
}

impl ToJson for Number {
    fn write_json(&self, out: &mut String) {
        // serde_json keeps a `Number` as a `u64`, an `i64` (negative only) or a finite `f64`,
        // and prints it as the one it is.
        if let Some(n) = self.as_u64() {
            n.write_json(out);
        } else if let Some(n) = self.as_i64() {
            n.write_json(out);
        } else {
            // Always `Some` for a float; `null` if that ever changed, never broken JSON.
            self.as_f64().write_json(out);
        }
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => n.write_json(out),
            Value::String(s) => write_str(out, s),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => write_object(map, out),
        }
    }
}

impl<T: ToJson> ToJsonFields for BTreeMap<String, T> {
    fn write_fields(&self, object: &mut Object<'_>) {
        for (key, value) in self {
            value.write_json(object.entry(key));
        }
    }
}

impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn write_json(&self, out: &mut String) {
        write_object(self, out);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

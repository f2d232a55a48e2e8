//! [`Value`]: a parsed JSON value, as `serde_json::Value` is, with its objects kept in a
//! [`SortedMap`] (a `Vec` of entries sorted by key).
//!
//! Why not `serde_json::Value`: its objects are `BTreeMap`s, and the widget builds one for
//! every JSON object it reads (`parse`). That linked the B-tree's node machinery (insertion
//! with splits, search, iterators, clone, drop) into the wasm for maps that hold a handful of
//! fields. A sorted `Vec` behaves the same wherever it shows: keys iterate in order (JSON text
//! written from a `Value` is unchanged), a repeated key keeps its last value, and two values
//! are equal when serde_json's would be. Numbers are serde_json's own [`Number`] (its
//! integer/float distinction and its float text).
//!
//! Native code (the sandbox, tests) still speaks `serde_json::Value`: the two convert both
//! ways with `From`, and [`Value`] implements `Serialize` and `Deserialize`. Two differences
//! from serde_json's: indexing a [`Map`] by a missing key gives `null` (as indexing a `Value`
//! does), where serde_json's `Map` panics; and `Display` writes compact JSON whatever the
//! formatter's flags (`{:#}` does not pretty-print). An object is kept sorted as it is read,
//! by insertion: fine for the handful of keys a wire object has, quadratic for a huge object
//! whose keys arrive in reverse order.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub use serde_json::Number;

use crate::map::SortedMap;

/// A JSON object: its entries in key order.
pub type Map = SortedMap<Value>;

/// Any JSON value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number: an integer when it is one, else a finite float.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

impl Value {
    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The entries, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// What indexing finds where there is nothing.
static NULL: Value = Value::Null;

impl std::ops::Index<&str> for Value {
    type Output = Value;

    /// As serde_json's: the value of `key`, or `null` if this is not an object that has it.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;

    /// The value of `key`, or `null` if there is none.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<serde_json::Value> for Value {
    /// The same JSON value (tests compare ours with serde_json's). Both iterate an object's
    /// keys in order, so objects compare entry by entry.
    fn eq(&self, other: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (self, other) {
            (Value::Null, J::Null) => true,
            (Value::Bool(a), J::Bool(b)) => a == b,
            (Value::Number(a), J::Number(b)) => a == b,
            (Value::String(a), J::String(b)) => a == b,
            (Value::Array(a), J::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), J::Object(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((k, v), (l, w))| k == l && v == w)
            }
            _ => false,
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Self {
        Value::Object(map)
    }
}

impl From<serde_json::Value> for Value {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl From<Value> for serde_json::Value {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => serde_json::Value::Number(n),
            Value::String(s) => serde_json::Value::String(s),
            Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(Into::into).collect())
            }
            Value::Object(map) => {
                serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Map {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        map.into_iter().map(|(k, v)| (k, Value::from(v))).collect()
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => serializer.collect_seq(items),
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Through `serde_json::Value` (native code only: the widget parses with `parse`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Value::from)
    }
}

impl std::fmt::Display for Value {
    /// Compact JSON text, as serde_json's `Value` prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::write::to_json(self))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{Map, Value};
    use serde_json::json;

    /// A value of every kind, objects nested and their keys out of order.
    fn sample() -> serde_json::Value {
        json!({
            "z": [1, -2, 3.5, "x", null, true, false, {"b": 1, "a": [{}]}],
            "a": {"y": {"k": "v"}, "b": 0, "": "empty key"},
            "m": "text with \"quotes\" and \n",
        })
    }

    #[test]
    fn converting_both_ways_keeps_every_value() {
        let ours = Value::from(sample());
        assert_eq!(serde_json::Value::from(ours.clone()), sample());
        // Keys in order, as serde_json's map keeps them.
        let keys: Vec<&String> = ours.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "m", "z"]);
    }

    #[test]
    fn it_is_equal_to_serde_jsons_value_exactly_when_that_is_the_same() {
        let ours = Value::from(sample());
        assert_eq!(ours, sample());
        for other in [
            json!({"z": [], "a": {}, "m": ""}),
            json!({"a": 1}),
            json!([1, 2]),
            json!(null),
            json!("x"),
            json!(1.5),
        ] {
            assert!(ours != other, "{other}");
            let converted = Value::from(other.clone());
            assert!(converted == other, "{other}");
        }
        // Objects of the same keys and length differ in a value; arrays in their order.
        for (a, b) in [
            (json!({"a": 1, "b": 2}), json!({"a": 1, "b": 3})),
            (json!([1, 2]), json!([2, 1])),
            (json!(1), json!(1.0)),
        ] {
            let ours = Value::from(a);
            assert!(ours != b, "{b}");
        }
    }

    #[test]
    fn it_indexes_as_serde_jsons_value_does() {
        let ours = Value::from(sample());
        let theirs = sample();
        assert_eq!(ours["a"]["y"]["k"], theirs["a"]["y"]["k"]);
        assert_eq!(ours["a"]["y"]["k"], "v");
        // Missing keys, and indexing into what is not an object, give null.
        assert_eq!(ours["missing"], theirs["missing"]);
        assert!(ours["m"]["x"].is_null());
        assert!(ours["z"]["x"].is_null());
        let map: &Map = ours.as_object().unwrap();
        assert!(map["missing"].is_null());
        assert_eq!(map["m"].as_str(), theirs["m"].as_str());
    }

    #[test]
    fn it_prints_as_serde_json_prints() {
        for value in [
            sample(),
            json!(null),
            json!([]),
            json!({}),
            json!(-0.0),
            json!(1e300),
        ] {
            assert_eq!(Value::from(value.clone()).to_string(), value.to_string());
        }
    }

    #[test]
    fn it_serializes_and_deserializes_as_serde_jsons_value() {
        let ours = Value::from(sample());
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&sample()).unwrap()
        );
        let back: Value = serde_json::from_str(&sample().to_string()).unwrap();
        assert_eq!(back, ours);
    }
}

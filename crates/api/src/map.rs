//! [`SortedMap`]: the string-keyed maps — every JSON object (`json::Map`), form values and files
//! by field key — as a `Vec` of entries kept sorted by key.
//!
//! Why not `BTreeMap<String, _>`: each of its instantiations compiles the whole node machinery
//! (search, split, merge, steal, iterators, clone, drop) into the widget's wasm, several KB per
//! value type, for maps that hold a handful of fields. A sorted `Vec` behaves the same wherever
//! it shows: iteration is in key order (so every JSON text written from one, by `ToJson` or by
//! serde, is unchanged) and a key inserted twice keeps its last value.

use std::fmt;

use crate::json::Value;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{self, Error, FromJson};
use crate::write::{write_object, Object, ToJson, ToJsonFields};

/// A map from `String` keys to `V`, iterated in key order as a `BTreeMap<String, V>` is.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<V> {
    /// Sorted by key, each key once.
    entries: Vec<(String, V)>,
}

impl<V> SortedMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Where `key` is (`Ok`), or where it would go (`Err`).
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// How many keys have a value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// The iterator of [`SortedMap::iter`]: `(&key, &value)` in key order, as `BTreeMap`'s.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    /// As a `BTreeMap` prints: `{"key": value, …}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    /// As `BTreeMap` collects: a key given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl<V> Extend<(String, V)> for SortedMap<V> {
    /// As `BTreeMap` extends: a key already there takes the new value.
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert(key, value);
        }
    }
}

impl<V, const N: usize> From<[(String, V); N]> for SortedMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    /// The entries in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V: Serialize> Serialize for SortedMap<V> {
    /// A JSON object in key order, as serde writes a `BTreeMap`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, V: FromJson> Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        json::deserialize(deserializer)
    }
}

impl<V: FromJson> FromJson for SortedMap<V> {
    fn from_json(value: &Value) -> Result<Self, Error> {
        let mut map = Self::new();
        // `insert`, not `push`: sorted whatever order the object iterates in.
        for (key, value) in json::object(value)? {
            map.insert(key.clone(), V::from_json(value)?);
        }
        Ok(map)
    }
}

impl<V: ToJson> ToJsonFields for SortedMap<V> {
    fn write_fields(&self, object: &mut Object<'_>) {
        for (key, value) in self {
            value.write_json(object.entry(key));
        }
    }
}

impl<V: ToJson> ToJson for SortedMap<V> {
    fn write_json(&self, out: &mut String) {
        write_object(self, out);
    }
}

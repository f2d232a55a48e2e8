//! Per-visitor persistence (`data-storage`): the visitor token, cached branding, the draft.
//! Storage can be missing or throw (private mode, blocked cookies, `none`): then values live
//! in memory for this page only, and nothing fails.

use std::cell::RefCell;

use crate::boot::options::StorageKind;
use dialoge_api::SortedMap;

/// A namespaced key-value store over `localStorage`, `sessionStorage` or memory.
pub struct Store {
    kind: StorageKind,
    prefix: String,
    memory: RefCell<SortedMap<String>>,
}

impl Store {
    /// Keys are prefixed with the chatbot id, so two widgets on one site never mix visitors.
    pub fn new(kind: StorageKind, chatbot_id: &str) -> Store {
        Store {
            kind,
            prefix: ["dialoge:", chatbot_id, ":"].concat(),
            memory: RefCell::new(SortedMap::new()),
        }
    }

    fn backend(&self) -> Option<web_sys::Storage> {
        let window = crate::window();
        match self.kind {
            StorageKind::Local => window.local_storage().ok().flatten(),
            StorageKind::Session => window.session_storage().ok().flatten(),
            StorageKind::None => None,
        }
    }

    /// The stored name of `key`: the prefix and the key (one concatenation, not `format!`).
    fn full(&self, key: &str) -> String {
        [self.prefix.as_str(), key].concat()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let full = self.full(key);
        match self.backend() {
            Some(s) => s.get_item(&full).ok().flatten(),
            None => self.memory.borrow().get(&full).cloned(),
        }
    }

    pub fn set(&self, key: &str, value: &str) {
        let full = self.full(key);
        let stored = self
            .backend()
            .map(|s| s.set_item(&full, value).is_ok())
            .unwrap_or(false);
        if !stored {
            self.memory.borrow_mut().insert(full, value.to_owned());
        }
    }

    pub fn remove(&self, key: &str) {
        let full = self.full(key);
        if let Some(s) = self.backend() {
            let _ = s.remove_item(&full);
        }
        self.memory.borrow_mut().remove(&full);
    }
}

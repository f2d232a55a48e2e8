//! State: the transcript as values the view reads. Stream events go in, signals come out;
//! nothing here awaits, fetches or touches the DOM. The meaning of each delta is decided by the
//! pure reducer of `dialoge-api`; this layer only mirrors its reported changes into signals.

pub mod conversation;
pub mod live;

use crate::reactive::*;

/// A read-only handle on a signal that a service (or the transcript) owns and alone writes.
///
/// The same signal, with only the reading half of its methods: it costs nothing, and the
/// accessors that hand it out can be called in render closures.
pub struct Read<T: 'static>(RwSignal<T>);

impl<T> Clone for Read<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Read<T> {}

impl<T: 'static> Read<T> {
    pub(crate) fn of(signal: RwSignal<T>) -> Read<T> {
        Read(signal)
    }

    /// Reads and tracks (inside a reactive closure, a change re-runs it).
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with(f)
    }

    /// Reads without tracking.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with_untracked(f)
    }
}

impl<T: Clone + 'static> Read<T> {
    /// The value, tracked.
    pub fn get(&self) -> T {
        self.0.get()
    }

    /// The value, not tracked.
    pub fn get_untracked(&self) -> T {
        self.0.get_untracked()
    }

    /// The value, not tracked; `None` once the owner is gone.
    pub fn try_get_untracked(&self) -> Option<T> {
        self.0.try_get_untracked()
    }
}

//! Lives: every piece of async work the widget starts is bound to one, and ends with it.
//!
//! A mount has one root [`Life`]. Narrower lives descend from it (the conversation, which a
//! reset replaces; one answer's stream, which the stop button ends); ending a life ends its
//! descendants. Ending means two things at once:
//! - its `AbortController` aborts, so every fetch and stream read that carries
//!   [`Life::signal`] fails at once and the network sees no more of it;
//! - every task started with [`Life::spawn`] is dropped at its next poll (it is woken to make
//!   sure there is one), so **no line after an `await` runs once the life is over**: a task can
//!   never read a signal that `destroy` disposed, nor send a request after it.
//!
//! Timers are futures too ([`sleep`]), so a 429 wait, a poll delay or a popup delay ends the
//! same way. This is the widget's only way to start work: there is no bare `spawn_local`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

struct Inner {
    over: Cell<bool>,
    abort: Option<AbortController>,
    /// Wakers of this life's parked tasks, by slot (a slot is free when `None`).
    parked: RefCell<Vec<Option<Waker>>>,
    children: RefCell<Vec<Weak<Inner>>>,
}

/// A handle on one life; clones share it.
#[derive(Clone)]
pub struct Life(Rc<Inner>);

impl Default for Life {
    fn default() -> Self {
        Life::new()
    }
}

impl Life {
    /// A new root life (one per mount).
    pub fn new() -> Life {
        Life(Rc::new(Inner {
            over: Cell::new(false),
            abort: AbortController::new().ok(),
            parked: RefCell::new(Vec::new()),
            children: RefCell::new(Vec::new()),
        }))
    }

    /// A life that ends when this one does (or earlier, by its own [`Life::end`]). A child of
    /// a life that is already over starts over.
    pub fn child(&self) -> Life {
        let child = Life::new();
        if self.is_over() {
            child.end();
            return child;
        }
        let mut children = self.0.children.borrow_mut();
        // Forget children that ended and were dropped, so a long session does not pile up.
        children.retain(|c| c.strong_count() > 0);
        children.push(Rc::downgrade(&child.0));
        child
    }

    /// Whether `other` is this same life.
    pub fn same(&self, other: &Life) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Whether this life has ended.
    pub fn is_over(&self) -> bool {
        self.0.over.get()
    }

    /// The abort signal every request of this life carries.
    pub fn signal(&self) -> Option<AbortSignal> {
        self.0.abort.as_ref().map(AbortController::signal)
    }

    /// Ends this life and every descendant: aborts their requests and drops their tasks.
    /// Ending twice is harmless.
    pub fn end(&self) {
        if self.0.over.replace(true) {
            return;
        }
        if let Some(ac) = &self.0.abort {
            ac.abort();
        }
        let children = std::mem::take(&mut *self.0.children.borrow_mut());
        for child in children.iter().filter_map(Weak::upgrade) {
            Life(child).end();
        }
        // Wake every parked task: its next poll sees the end and drops it.
        let parked = std::mem::take(&mut *self.0.parked.borrow_mut());
        for waker in parked.into_iter().flatten() {
            waker.wake();
        }
    }

    /// Runs `work` until it finishes or this life ends, whichever comes first.
    pub fn spawn(&self, work: impl Future<Output = ()> + 'static) {
        if self.is_over() {
            return;
        }
        wasm_bindgen_futures::spawn_local(Bound {
            slot: self.take_slot(),
            life: self.clone(),
            work: Box::pin(work),
        });
    }

    /// A place for one waiting future's waker, woken when this life ends.
    fn take_slot(&self) -> usize {
        let mut parked = self.0.parked.borrow_mut();
        match parked.iter().position(Option::is_none) {
            Some(i) => {
                // Taken, but nothing to wake yet: a placeholder keeps the place.
                parked[i] = Some(futures_noop_waker());
                i
            }
            None => {
                parked.push(Some(futures_noop_waker()));
                parked.len() - 1
            }
        }
    }

    /// Stores the waker of the future waiting in `slot`.
    fn park(&self, slot: usize, waker: &Waker) {
        if let Some(place) = self.0.parked.borrow_mut().get_mut(slot) {
            if !place.as_ref().is_some_and(|w| w.will_wake(waker)) {
                *place = Some(waker.clone());
            }
        }
    }

    /// Frees `slot` (its future is done). After the end the list is empty: nothing to free.
    fn release(&self, slot: usize) {
        if let Ok(mut parked) = self.0.parked.try_borrow_mut() {
            if let Some(place) = parked.get_mut(slot) {
                *place = None;
            }
        }
    }
}

/// A waker that does nothing: holds a taken slot until the first poll parks the real one.
fn futures_noop_waker() -> Waker {
    Waker::noop().clone()
}

/// A task bound to a life: polls `work` only while the life lasts.
struct Bound {
    life: Life,
    slot: usize,
    work: Pin<Box<dyn Future<Output = ()>>>,
}

impl Future for Bound {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.life.is_over() {
            return Poll::Ready(());
        }
        match self.work.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(()),
            Poll::Pending => {
                // The work may have ended its own life while running; then nothing will wake
                // it again, and it must not park.
                if self.life.is_over() {
                    return Poll::Ready(());
                }
                self.life.park(self.slot, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        self.life.release(self.slot);
    }
}

/// Waits `ms` milliseconds. The timer is cleared when the future is dropped (its task's life
/// ended), so nothing fires after a destroy.
pub async fn sleep(ms: u32) {
    Sleep::new(ms).await
}

/// Waits `ms` milliseconds, or less if `life` ends first (a stopped answer does not wait out
/// its rate-limit countdown).
pub async fn sleep_within(life: &Life, ms: u32) {
    SleepWithin {
        sleep: Sleep::new(ms),
        slot: life.take_slot(),
        life: life.clone(),
    }
    .await
}

struct SleepWithin {
    sleep: Sleep,
    life: Life,
    slot: usize,
}

impl Future for SleepWithin {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.life.is_over() {
            return Poll::Ready(());
        }
        if Pin::new(&mut self.sleep).poll(cx).is_ready() {
            return Poll::Ready(());
        }
        self.life.park(self.slot, cx.waker());
        Poll::Pending
    }
}

impl Drop for SleepWithin {
    fn drop(&mut self) {
        self.life.release(self.slot);
    }
}

struct Sleep {
    handle: Option<i32>,
    done: JsFuture,
}

impl Sleep {
    fn new(ms: u32) -> Sleep {
        let mut handle = None;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            handle = crate::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    &resolve,
                    ms.min(i32::MAX as u32) as i32,
                )
                .ok();
            if handle.is_none() {
                // No timer to be had (no window): resolve at once rather than hang.
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        Sleep {
            handle,
            done: JsFuture::from(promise),
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match Pin::new(&mut self.done).poll(cx) {
            Poll::Ready(_) => {
                self.handle = None;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(handle) = self.handle {
            crate::window().clear_timeout_with_handle(handle);
        }
    }
}

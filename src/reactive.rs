//! The widget's reactive core: signals, stored values, effects and owners, single-threaded.
//!
//! It replaces Leptos's reactive graph, which the widget used for no more than this: Leptos's
//! is built for threads and for server rendering (every signal an `Arc<RwLock<T>>` with a
//! subscriber set, every effect a task of its own on an async executor, memos, async
//! derivations) and its machinery was monomorphized per value type: about 40 KB of the wasm.
//! The semantics the widget relies on are the same:
//! - [`RwSignal`] and [`StoredValue`] are `Copy` handles into one arena; their value lives until
//!   the [`Owner`] they were made under is cleaned up, after which the `try_` methods say `None`
//!   and `set`/`update` do nothing;
//! - an effect ([`watch`], [`effect`]) records the signals it reads and runs again, in a batch on
//!   the microtask queue, after any of them was written; before each run what its last run made
//!   (signals, effects, cleanups, child owners) is cleaned up;
//! - owners form a tree; cleaning one up (or dropping its last handle) cleans up its children,
//!   runs its [`on_cleanup`] callbacks and frees its values. Contexts are looked up the tree.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::{Rc, Weak};

// ---------------------------------------------------------------------------------------------
// The arena of values.

struct Slot {
    generation: u32,
    value: Option<Rc<Boxed>>,
}

/// A value in the arena and who reads it. The value is boxed as `dyn Stored`, so finding,
/// borrowing, tracking and waking are one copy of code for every value type; what is generic
/// per type is only the cast back to the value's type and the caller's closure.
struct Boxed {
    subs: Subscribers,
    value: RefCell<Box<dyn Stored>>,
}

/// Any value, boxed for the arena. Not `dyn Any`: its vtable would carry a `type_id` function
/// (and its 128-bit constant) per value type, and nothing asks for it — the handles know the
/// type (see `read_as`). This vtable is the value's drop and layout only.
trait Stored {}

impl<T: 'static> Stored for T {}

thread_local! {
    static ARENA: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    static FREE: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static OWNER: RefCell<Option<Owner>> = const { RefCell::new(None) };
    /// The effect running now, which reads subscribe (none while untracked).
    static OBSERVER: RefCell<Option<Rc<EffectInner>>> = const { RefCell::new(None) };
    static QUEUE: RefCell<Vec<Rc<EffectInner>>> = const { RefCell::new(Vec::new()) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

/// Where a value is in the arena (index and generation: a reused slot is a different value).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Id(u32, u32);

/// Puts `value` in the arena, owned by the current owner (a value made outside any owner is
/// kept for good, as Leptos did).
fn insert(value: Box<dyn Stored>) -> Id {
    let value = Rc::new(Boxed {
        subs: Subscribers::default(),
        value: RefCell::new(value),
    });
    let id = ARENA.with(|arena| {
        let mut arena = arena.borrow_mut();
        match FREE.with(|f| f.borrow_mut().pop()) {
            Some(i) => {
                let slot = &mut arena[i as usize];
                slot.generation += 1;
                slot.value = Some(value);
                Id(i, slot.generation)
            }
            None => {
                arena.push(Slot {
                    generation: 0,
                    value: Some(value),
                });
                Id(arena.len() as u32 - 1, 0)
            }
        }
    });
    if let Some(owner) = Owner::current() {
        owner.0.values.borrow_mut().push(id);
    }
    id
}

/// The value at `id`, if it is still there.
fn lookup(id: Id) -> Option<Rc<Boxed>> {
    ARENA.with(|arena| {
        let arena = arena.borrow();
        let slot = arena.get(id.0 as usize)?;
        (slot.generation == id.1)
            .then(|| slot.value.clone())
            .flatten()
    })
}

/// Takes the values at `ids` out of the arena. Returned, not dropped here: dropping one may
/// run code that uses the arena (a stored owner cleaning up).
fn remove(ids: Vec<Id>) -> Vec<Rc<Boxed>> {
    ARENA.with(|arena| {
        let mut arena = arena.borrow_mut();
        let mut out = Vec::with_capacity(ids.len());
        FREE.with(|free| {
            let mut free = free.borrow_mut();
            for id in ids {
                if let Some(slot) = arena.get_mut(id.0 as usize) {
                    if slot.generation == id.1 {
                        if let Some(value) = slot.value.take() {
                            out.push(value);
                            // A slot whose generation is spent is retired, never reused: an
                            // `Id` names one value for the page's life (`read_as` relies on it).
                            if slot.generation < u32::MAX {
                                free.push(id.0);
                            }
                        }
                    }
                }
            }
        });
        out
    })
}

/// What reading a value that is gone does: Leptos panics there too (the widget never does it;
/// the `try_` methods are for where it could happen).
#[cold]
fn gone() -> ! {
    std::process::abort()
}

// ---------------------------------------------------------------------------------------------
// Owners.

/// A node of the ownership tree. Clones share it; when the last handle goes, it is cleaned up.
#[derive(Clone)]
pub struct Owner(Rc<OwnerInner>);

/// A handle on an owner that does not keep it alive.
#[derive(Clone)]
pub struct WeakOwner(Weak<OwnerInner>);

struct OwnerInner {
    parent: Option<Weak<OwnerInner>>,
    children: RefCell<Vec<Weak<OwnerInner>>>,
    values: RefCell<Vec<Id>>,
    effects: RefCell<Vec<Rc<EffectInner>>>,
    cleanups: RefCell<Vec<Box<dyn FnOnce()>>>,
    contexts: RefCell<Vec<Rc<dyn Any>>>,
}

impl Default for Owner {
    fn default() -> Self {
        Owner::new()
    }
}

impl Owner {
    /// A new owner, a child of the current one if there is one.
    pub fn new() -> Owner {
        match Owner::current() {
            Some(parent) => parent.child(),
            None => Owner(Rc::new(OwnerInner::under(None))),
        }
    }

    /// The owner code runs under now.
    pub fn current() -> Option<Owner> {
        OWNER.with(|o| o.borrow().clone())
    }

    /// A new owner under this one, cleaned up with it.
    pub fn child(&self) -> Owner {
        let child = Owner(Rc::new(OwnerInner::under(Some(Rc::downgrade(&self.0)))));
        let mut children = self.0.children.borrow_mut();
        children.retain(|c| c.strong_count() > 0);
        children.push(Rc::downgrade(&child.0));
        child
    }

    /// Runs `f` with this as the current owner.
    pub fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        let before = OWNER.with(|o| o.replace(Some(self.clone())));
        let out = f();
        OWNER.with(|o| *o.borrow_mut() = before);
        out
    }

    /// Makes this the current owner from now on.
    pub fn set(&self) {
        OWNER.with(|o| *o.borrow_mut() = Some(self.clone()));
    }

    pub fn downgrade(&self) -> WeakOwner {
        WeakOwner(Rc::downgrade(&self.0))
    }

    /// Cleans up what this owner holds: its children, its effects, its cleanups, its values.
    /// The owner itself can be used again.
    pub fn cleanup(&self) {
        self.0.clean();
    }
}

impl WeakOwner {
    pub fn upgrade(&self) -> Option<Owner> {
        self.0.upgrade().map(Owner)
    }
}

impl OwnerInner {
    fn under(parent: Option<Weak<OwnerInner>>) -> OwnerInner {
        OwnerInner {
            parent,
            children: RefCell::default(),
            values: RefCell::default(),
            effects: RefCell::default(),
            cleanups: RefCell::default(),
            contexts: RefCell::default(),
        }
    }

    fn clean(&self) {
        let children = std::mem::take(&mut *self.children.borrow_mut());
        for child in children.iter().filter_map(Weak::upgrade) {
            child.clean();
        }
        let effects = std::mem::take(&mut *self.effects.borrow_mut());
        for effect in &effects {
            effect.stop();
        }
        let cleanups = std::mem::take(&mut *self.cleanups.borrow_mut());
        for f in cleanups {
            f();
        }
        let values = std::mem::take(&mut *self.values.borrow_mut());
        drop(remove(values));
        drop(effects);
    }
}

impl Drop for OwnerInner {
    fn drop(&mut self) {
        self.clean();
    }
}

/// Runs `f` under no owner: what it makes is kept for good (a value for the whole page).
pub fn unowned<R>(f: impl FnOnce() -> R) -> R {
    let before = OWNER.with(|o| o.take());
    let out = f();
    OWNER.with(|o| *o.borrow_mut() = before);
    out
}

/// Runs `f` when the current owner is cleaned up.
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    if let Some(owner) = Owner::current() {
        owner.0.cleanups.borrow_mut().push(Box::new(f));
    }
}

/// Makes `value` available to [`use_context`] under the current owner and its descendants.
pub fn provide_context<T: Clone + 'static>(value: T) {
    if let Some(owner) = Owner::current() {
        owner.0.contexts.borrow_mut().push(Rc::new(value));
    }
}

/// The nearest value of type `T` provided by the current owner or one above it.
pub fn use_context<T: Clone + 'static>() -> Option<T> {
    let mut at = Owner::current().map(|o| o.0);
    while let Some(owner) = at {
        let found = owner
            .contexts
            .borrow()
            .iter()
            .rev()
            .find_map(|c| c.downcast_ref::<T>().cloned());
        if found.is_some() {
            return found;
        }
        at = owner.parent.as_ref().and_then(Weak::upgrade);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Effects.

/// What an effect runs, again and again. A trait of its own rather than `FnMut()`: a
/// `Box<dyn FnMut()>`'s vtable also holds a by-value `call_once` shim for each closure type
/// (`FnOnce` is `FnMut`'s supertrait), code no box can ever call — about 35 bytes of wasm for
/// each of the widget's several hundred effect and view closures.
pub trait Run {
    fn run(&mut self);
}

impl<F: FnMut()> Run for F {
    fn run(&mut self) {
        self()
    }
}

struct EffectInner {
    f: RefCell<Option<Box<dyn Run>>>,
    /// Owns what a run makes; cleaned up before the next run.
    owner: Owner,
    /// Counts runs: a subscription made in an earlier run is stale.
    run: Cell<u32>,
    queued: Cell<bool>,
    stopped: Cell<bool>,
}

impl EffectInner {
    fn stop(&self) {
        self.stopped.set(true);
        // Dropping the closure drops what it captured. An effect stopped by its own run (it
        // closed what holds it) drops it when the run is over, in `execute`.
        if let Ok(mut f) = self.f.try_borrow_mut() {
            let f = f.take();
            drop(f);
        }
        self.owner.cleanup();
    }

    fn execute(self: &Rc<Self>) {
        self.queued.set(false);
        if self.stopped.get() {
            return;
        }
        let Ok(mut guard) = self.f.try_borrow_mut() else {
            return;
        };
        let Some(f) = guard.as_mut() else {
            return;
        };
        self.owner.cleanup();
        self.run.set(self.run.get().wrapping_add(1));
        let before = OBSERVER.with(|o| o.replace(Some(self.clone())));
        self.owner.with(|| f.run());
        OBSERVER.with(|o| *o.borrow_mut() = before);
        if self.stopped.get() {
            let f = guard.take();
            drop(guard);
            drop(f);
        }
    }
}

fn new_effect(f: Box<dyn Run>) -> Rc<EffectInner> {
    let owner = Owner::new();
    let effect = Rc::new(EffectInner {
        f: RefCell::new(Some(f)),
        owner,
        run: Cell::new(0),
        queued: Cell::new(false),
        stopped: Cell::new(false),
    });
    if let Some(parent) = Owner::current() {
        parent.0.effects.borrow_mut().push(effect.clone());
    }
    effect
}

/// Runs `f` now, and again (in a batch on the microtask queue) whenever a signal it read
/// changes, for as long as the current owner lives.
pub fn watch(f: Box<dyn Run>) {
    new_effect(f).execute();
}

/// As [`watch`], but the first run too waits for the batch (after the current render).
pub fn effect(f: Box<dyn Run>) {
    schedule(new_effect(f));
}

fn schedule(effect: Rc<EffectInner>) {
    if effect.queued.replace(true) {
        return;
    }
    QUEUE.with(|q| q.borrow_mut().push(effect));
    if !SCHEDULED.with(|s| s.replace(true)) {
        wasm_bindgen_futures::spawn_local(async { flush() });
    }
}

/// Runs every queued effect, including those queued by the runs themselves.
fn flush() {
    loop {
        let next = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            (!q.is_empty()).then(|| q.remove(0))
        });
        match next {
            Some(effect) => effect.execute(),
            None => break,
        }
    }
    SCHEDULED.with(|s| s.set(false));
}

/// Runs `f` without subscribing the running effect to what it reads.
pub fn untrack<R>(f: impl FnOnce() -> R) -> R {
    let before = OBSERVER.with(|o| o.take());
    let out = f();
    OBSERVER.with(|o| *o.borrow_mut() = before);
    out
}

/// Waits until the effects and tasks queued so far have run (for tests).
pub async fn tick() {
    let done = js_sys::Promise::new(&mut |resolve, _| {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
}

// ---------------------------------------------------------------------------------------------
// Signals.

/// Who reads a signal: effects, each with the run it subscribed in.
#[derive(Default)]
struct Subscribers(RefCell<Vec<(Weak<EffectInner>, u32)>>);

impl Subscribers {
    /// Subscribes the running effect, if any.
    fn track(&self) {
        OBSERVER.with(|o| {
            let o = o.borrow();
            let Some(effect) = o.as_ref() else {
                return;
            };
            let run = effect.run.get();
            let mut subs = self.0.borrow_mut();
            let me = Rc::downgrade(effect);
            // One pass: is this run subscribed already, and which entries are stale (an effect
            // gone, or one that read this signal in a run that is over)? Dropping those here
            // keeps the list to the live readers: a signal that is read by an effect re-run
            // by other signals (10,000 times in a long reply) but never written would
            // otherwise keep an entry per run, and every read would scan them all.
            let mut found = false;
            subs.retain(|(e, r)| {
                let live = e
                    .upgrade()
                    .is_some_and(|e| e.run.get() == *r && !e.stopped.get());
                found |= live && *r == run && e.ptr_eq(&me);
                live
            });
            if !found {
                subs.push((me, run));
            }
        });
    }

    /// Queues every effect subscribed in its current run (the others read this signal in a
    /// run that is over and will subscribe again if they still read it).
    fn notify(&self) {
        let subs = std::mem::take(&mut *self.0.borrow_mut());
        for (effect, run) in subs {
            if let Some(effect) = effect.upgrade() {
                if effect.run.get() == run && !effect.stopped.get() {
                    schedule(effect);
                }
            }
        }
    }
}

/// Reads the value at `id` (subscribing the running effect if `track`); false once it is gone.
fn read(id: Id, track: bool, f: &mut dyn FnMut(&dyn Stored)) -> bool {
    let Some(cell) = lookup(id) else {
        return false;
    };
    if track {
        cell.subs.track();
    }
    let value = cell.value.borrow();
    f(&**value);
    true
}

/// Changes the value at `id` (then wakes its readers if `notify`); false once it is gone.
fn write(id: Id, notify: bool, f: &mut dyn FnMut(&mut dyn Stored)) -> bool {
    let Some(cell) = lookup(id) else {
        return false;
    };
    f(&mut **cell.value.borrow_mut());
    if notify {
        cell.subs.notify();
    }
    true
}

// Why the two below cast instead of `downcast_ref`: a checked downcast compiles, in every one
// of the ~280 instances (value type × caller), to a virtual `type_id` call and a compare with
// that type's 128-bit id — bytes a compressor cannot shrink (about 9 KB raw in all). The check
// can never fail: an `Id` names one value for the page's life (slots are reused only under a
// new generation, and retired when their generation is spent), that value is made by
// `RwSignal::<T>::new` or `StoredValue::<T>::new` from a `T`, and only ever lent out as
// `&dyn Stored`/`&mut dyn Stored` (never the box, so it cannot be replaced by a value of another
// type). The handles carry `T`, and an `Id` is only ever made by `insert`. The handles are
// invariant in `T` (`PhantomData<fn(T) -> T>`): were they covariant, a handle to a value of a
// higher-ranked type (`for<'a> fn(&'a str)`) could be turned into one of a shorter-lived type
// by plain assignment and store a value the first handle would then misread. Retiring a slot
// whose generation is spent is also what keeps `generation += 1` from overflowing.

fn read_as<T: 'static, R>(id: Id, track: bool, f: impl FnOnce(&T) -> R) -> Option<R> {
    let mut f = Some(f);
    let mut out = None;
    read(id, track, &mut |v| {
        if let Some(f) = f.take() {
            // SAFETY: the value at `id` is a `T` (see above).
            out = Some(f(unsafe { &*(v as *const dyn Stored).cast::<T>() }));
        }
    });
    out
}

fn write_as<T: 'static, R>(id: Id, notify: bool, f: impl FnOnce(&mut T) -> R) -> Option<R> {
    let mut f = Some(f);
    let mut out = None;
    write(id, notify, &mut |v| {
        if let Some(f) = f.take() {
            // SAFETY: the value at `id` is a `T` (see above).
            out = Some(f(unsafe { &mut *(v as *mut dyn Stored).cast::<T>() }));
        }
    });
    out
}

/// `value` in place of what is there; handed back if there is no place any more.
fn put<T>(value: T, write: impl FnOnce(&mut dyn FnMut(&mut T))) -> Option<T> {
    let mut value = Some(value);
    write(&mut |v| {
        if let Some(value) = value.take() {
            *v = value;
        }
    });
    value
}

/// A value that effects can read and be woken by. A `Copy` handle; the value lives as long as
/// the owner it was made under.
pub struct RwSignal<T: 'static> {
    id: Id,
    ty: PhantomData<fn(T) -> T>,
}

impl<T> Clone for RwSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for RwSignal<T> {}

impl<T: 'static> RwSignal<T> {
    pub fn new(value: T) -> Self {
        RwSignal {
            id: insert(Box::new(value)),
            ty: PhantomData,
        }
    }

    /// Reads, subscribing the running effect; `None` once the value is gone.
    pub fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        read_as(self.id, true, f)
    }

    /// Subscribes the running effect without reading.
    pub fn track(&self) {
        read(self.id, true, &mut |_| ());
    }

    /// How many subscriptions the signal holds (for tests: one per live reader).
    #[doc(hidden)]
    pub fn readers(&self) -> usize {
        lookup(self.id).map_or(0, |cell| cell.subs.0.borrow().len())
    }

    /// Reads without subscribing; `None` once the value is gone.
    pub fn try_with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        read_as(self.id, false, f)
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.try_with(f).unwrap_or_else(|| gone())
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.try_with_untracked(f).unwrap_or_else(|| gone())
    }

    /// Changes the value in place and wakes its readers; `None` (nothing done) once it is gone.
    pub fn try_update<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        write_as(self.id, true, f)
    }

    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.try_update(f);
    }

    /// Changes the value in place without waking anyone.
    pub fn update_untracked(&self, f: impl FnOnce(&mut T)) {
        write_as(self.id, false, f);
    }

    /// Sets the value and wakes its readers; gives the value back if the signal is gone.
    pub fn try_set(&self, value: T) -> Option<T> {
        put(value, |f| {
            write_as(self.id, true, f);
        })
    }

    pub fn set(&self, value: T) {
        self.try_set(value);
    }
}

impl<T: Clone + 'static> RwSignal<T> {
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }

    pub fn try_get(&self) -> Option<T> {
        self.try_with(T::clone)
    }

    pub fn try_get_untracked(&self) -> Option<T> {
        self.try_with_untracked(T::clone)
    }
}

// ---------------------------------------------------------------------------------------------
// Stored values.

/// A value owned like a signal's, that nothing reacts to.
pub struct StoredValue<T: 'static> {
    id: Id,
    ty: PhantomData<fn(T) -> T>,
}

impl<T> Clone for StoredValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for StoredValue<T> {}

impl<T: 'static> StoredValue<T> {
    pub fn new(value: T) -> Self {
        StoredValue {
            id: insert(Box::new(value)),
            ty: PhantomData,
        }
    }

    /// The same as [`StoredValue::new`] (every value here is local to the thread).
    pub fn new_local(value: T) -> Self {
        StoredValue::new(value)
    }

    pub fn try_with_value<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        read_as(self.id, false, f)
    }

    pub fn try_update_value<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        write_as(self.id, false, f)
    }

    pub fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.try_with_value(f).unwrap_or_else(|| gone())
    }

    pub fn update_value(&self, f: impl FnOnce(&mut T)) {
        self.try_update_value(f);
    }

    /// Sets the value; gives it back if the store is gone.
    pub fn try_set_value(&self, value: T) -> Option<T> {
        put(value, |f| {
            write_as(self.id, false, f);
        })
    }

    pub fn set_value(&self, value: T) {
        self.try_set_value(value);
    }
}

impl<T: Clone + 'static> StoredValue<T> {
    pub fn get_value(&self) -> T {
        self.with_value(T::clone)
    }

    pub fn try_get_value(&self) -> Option<T> {
        self.try_with_value(T::clone)
    }
}

/// Runs `f` before the next repaint.
pub fn request_animation_frame(f: impl FnOnce() + 'static) {
    let f: Box<dyn FnOnce()> = Box::new(f);
    let closure = wasm_bindgen::closure::Closure::once_into_js(f);
    let _ = crate::window().request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&closure));
}

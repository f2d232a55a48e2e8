//! The visitor's other tabs. Two tabs of one shop share one visitor (the token is in
//! `localStorage`), so they share one conversation: a tab tells the others what changed over a
//! `BroadcastChannel`, and only one of them follows a livechat (a Web Lock picks it), handing
//! what it learns to the rest. Nothing here decides anything; the services do.
//!
//! A note on the channel is a small array: `["turn"]` (an assistant turn ended: fetch the
//! newest history), `["reset"]` (the visitor started over or deleted their data), `["look"]`
//! (someone is looking at a livechat in that tab: the follower must not pause) and
//! `["live", state, page]` (the follower's latest livechat state and messages, as the service's
//! JSON text; either may be empty).
//!
//! Only `data-storage="local"` shares a visitor across tabs; with `session` or `none` every
//! tab is its own visitor and this is off. A browser without `BroadcastChannel` or Web Locks
//! (or a page that is not a secure context) loses only the sharing: each tab then works alone,
//! as before.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, BroadcastChannel, MessageEvent};

use crate::boot::options::StorageKind;

/// What another tab said.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// An assistant turn ended there: the newest history has something this tab lacks.
    Turn,
    /// The visitor started over there (reset, "new conversation", data deleted).
    Reset,
    /// Someone looks at the livechat there.
    Look,
    /// The livechat follower's latest: state and the page of messages after sequence number
    /// `after`, as JSON text (empty: none).
    Live {
        state: String,
        page: String,
        after: u64,
    },
}

impl Note {
    fn kind(&self) -> &'static str {
        match self {
            Note::Turn => "turn",
            Note::Reset => "reset",
            Note::Look => "look",
            Note::Live { .. } => "live",
        }
    }

    fn to_js(&self) -> js_sys::Array {
        let array = js_sys::Array::of1(&self.kind().into());
        if let Note::Live { state, page, after } = self {
            array.push(&state.into());
            array.push(&page.into());
            array.push(&(*after as f64).into());
        }
        array
    }

    fn from_js(value: &JsValue) -> Option<Note> {
        let array = value.dyn_ref::<js_sys::Array>()?;
        let text = |i: u32| array.get(i).as_string().unwrap_or_default();
        match text(0).as_str() {
            "turn" => Some(Note::Turn),
            "reset" => Some(Note::Reset),
            "look" => Some(Note::Look),
            "live" => Some(Note::Live {
                state: text(1),
                page: text(2),
                after: array.get(3).as_f64().unwrap_or(0.0) as u64,
            }),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Inbox {
    notes: VecDeque<Note>,
    waker: Option<Waker>,
}

/// This tab's end of the channel to the visitor's other tabs.
pub struct Tabs {
    channel: BroadcastChannel,
    name: String,
    inbox: Rc<RefCell<Inbox>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Tabs {
    /// The channel for this chatbot's visitor, when tabs share one (local storage).
    pub fn open(storage: StorageKind, chatbot_id: &str) -> Option<Tabs> {
        if storage != StorageKind::Local {
            return None;
        }
        let name = format!("dialoge:{chatbot_id}");
        let channel = BroadcastChannel::new(&name).ok()?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let sink = inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Anything else on the channel (another version of the widget) is ignored.
            let Some(note) = Note::from_js(&event.data()) else {
                return;
            };
            let mut inbox = sink.borrow_mut();
            inbox.notes.push_back(note);
            if let Some(waker) = inbox.waker.take() {
                waker.wake();
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Tabs {
            channel,
            name,
            inbox,
            _on_message: on_message,
        })
    }

    /// Tells the other tabs (never this one).
    pub fn post(&self, note: &Note) {
        // A closed channel (the mount going away) has nobody left to tell.
        let _ = self.channel.post_message(&note.to_js());
    }

    /// The next note from another tab.
    pub fn next(&self) -> impl Future<Output = Note> + '_ {
        NextNote { tabs: self }
    }

    /// Waits until this tab may follow the livechat: the one Web Lock of this visitor's
    /// follower is granted, and held until the returned [`Held`] is dropped (the follower
    /// stopped, the conversation ended, the tab closed). `None` when the browser has no Web
    /// Locks: then every tab follows for itself, as if alone. `signal` withdraws a request
    /// still waiting.
    pub async fn follower_lock(&self, signal: Option<&AbortSignal>) -> Option<Held> {
        let locks = js_sys::Reflect::get(&crate::window().navigator(), &"locks".into())
            .ok()
            .filter(|l| !l.is_undefined() && !l.is_null())?
            .unchecked_into::<LockManager>();
        // The lock is held while the callback's promise is pending; its `resolve` is handed out
        // through `granted` and called by `Held`'s drop.
        let mut hand_over = None;
        let granted = js_sys::Promise::new(&mut |resolve, _| hand_over = Some(resolve));
        let hand_over = hand_over?;
        let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            js_sys::Promise::new(&mut |release, _| {
                let _ = hand_over.call1(&JsValue::NULL, &release);
            })
        });
        let options = js_sys::Object::new();
        if let Some(signal) = signal {
            let _ = js_sys::Reflect::set(&options, &"signal".into(), signal);
        }
        let request = locks.request(
            &format!("{}:follower", self.name),
            &options,
            callback.unchecked_ref(),
        );
        // A request withdrawn by the signal rejects: expected, so it is caught (an unhandled
        // rejection would be reported as an error on the page). The handler is a one-shot
        // function: it frees itself when called, and costs a few bytes when never called.
        let _ = request.catch(&Closure::once_into_js(|_: JsValue| {}));
        let release = JsFuture::from(granted).await.ok()?;
        Some(Held(release.dyn_into().ok()?))
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

struct NextNote<'a> {
    tabs: &'a Tabs,
}

impl Future for NextNote<'_> {
    type Output = Note;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Note> {
        let mut inbox = self.tabs.inbox.borrow_mut();
        match inbox.notes.pop_front() {
            Some(note) => Poll::Ready(note),
            None => {
                inbox.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// The follower's Web Lock, released when dropped.
pub struct Held(js_sys::Function);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (web-sys has it only behind its unstable-API switch).
    type LockManager;

    #[wasm_bindgen(method)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &js_sys::Object,
        callback: &js_sys::Function,
    ) -> LockRequest;

    /// The promise `request` returns, caught with a plain function.
    type LockRequest;

    #[wasm_bindgen(method)]
    fn catch(this: &LockRequest, handler: &JsValue) -> JsValue;
}

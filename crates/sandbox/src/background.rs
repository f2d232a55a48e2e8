//! Effects layer: work that happens without a request: the sweep (typing indicators nobody refreshed, livechat
//! data past its retention, webhook events past 30 days) and the auto agent.
//!
//! Both loop on real-time ticks but read the injectable clock on every tick, so a test that
//! moves a manual clock sees the effect within one tick. They start once per [`AppState`], the
//! first time [`crate::app`] is built inside a Tokio runtime, and end with that runtime.

use crate::auto_agent;
use crate::delivery;
use crate::state::AppState;

/// Starts the background tasks unless they already run (or there is no runtime to run them).
pub(crate) fn start(state: &AppState) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if !state.claim_background() {
        return;
    }
    runtime.spawn(sweep(state.clone()));
    if state.options().auto_agent {
        runtime.spawn(auto_agent::run(state.clone()));
    }
}

async fn sweep(state: AppState) {
    let interval = state.options().sweep_interval;
    loop {
        tokio::time::sleep(interval).await;
        let now = state.now();
        let events = {
            let mut store = state.livechat();
            let events = store.settle_all(now);
            store.purge_expired(&state.options().livechat, now);
            events
        };
        delivery::emit(&state, events);
        delivery::expire(&state);
    }
}

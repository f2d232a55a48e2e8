//! State: the transcript as values the view reads. Stream events go in, signals come out;
//! nothing here awaits, fetches or touches the DOM. The meaning of each delta is decided by the
//! pure reducer of `dialoge-api`; this layer only mirrors its reported changes into signals.

pub mod conversation;
pub mod live;

//! How a sandbox instance is set up: which chatbots and API keys exist, which browser origins may
//! call it, how fast it streams, whether fault switches are on, where the built widget lives, and
//! which clock it reads. `main` fills this from flags; tests build it directly.

use std::path::PathBuf;
use std::time::Duration;

use crate::clock::Clock;

/// One chatbot the sandbox accepts an API key for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatbotKey {
    /// The chatbot id (`data-chatbot-id`).
    pub chatbot_id: String,
    /// Its API key (HTTP Basic user name, empty password). Only the shop backend holds it.
    pub api_key: String,
}

impl ChatbotKey {
    /// A key for a chatbot.
    pub fn new(chatbot_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            chatbot_id: chatbot_id.into(),
            api_key: api_key.into(),
        }
    }
}

/// Everything that varies between the demo, an integrator's test run and this crate's tests.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// API keys per chatbot. A chatbot with a key but no definition file authenticates, but its
    /// visitor tokens are refused with 403 (it stands for "a chatbot that is switched off").
    pub chatbots: Vec<ChatbotKey>,
    /// Origins allowed by CORS (`http://localhost:3000`); `*` allows any origin.
    pub allowed_origins: Vec<String>,
    /// Pause between stream events in milliseconds; 0 streams as fast as the socket takes it.
    pub pace_ms: u64,
    /// Interval of `: keep-alive` comments while a stream is idle (thinking, stalled, waiting).
    pub keepalive: Duration,
    /// Enables `/sandbox/faults`. Off means the fault routes answer 404 like any unknown path.
    pub dev_mode: bool,
    /// The built widget folder served under `/widget/` (Trunk's `dist`).
    pub widget_dir: PathBuf,
    /// The time source (tests use [`Clock::manual`]).
    pub clock: Clock,
    /// HS256 key of visitor tokens.
    pub jwt_secret: Vec<u8>,
    /// Lifetime of a visitor token.
    pub token_ttl: Duration,
    /// Largest accepted request body; larger ones get 413.
    pub body_limit_bytes: usize,
}

/// The API key of the demo chatbot `shop-bot`.
pub const SHOP_BOT_API_KEY: &str = "sk_test_shop_bot";
/// The API key of `closed-bot`, which authenticates but is switched off (its tokens get 403).
pub const CLOSED_BOT_API_KEY: &str = "sk_test_closed_bot";

impl Default for SandboxOptions {
    /// The demo's settings: realistic pacing, fault switches on, the workspace's `dist` folder.
    fn default() -> Self {
        Self {
            chatbots: vec![
                ChatbotKey::new("shop-bot", SHOP_BOT_API_KEY),
                ChatbotKey::new("closed-bot", CLOSED_BOT_API_KEY),
            ],
            allowed_origins: Vec::new(),
            pace_ms: 15,
            keepalive: Duration::from_secs(10),
            dev_mode: true,
            widget_dir: default_widget_dir(),
            clock: Clock::system(),
            jwt_secret: b"dialoge-sandbox-development-secret".to_vec(),
            token_ttl: Duration::from_secs(3600),
            // Room for a message with a 5 MiB image and a 5 MiB file, base64-encoded, plus JSON.
            body_limit_bytes: 16 * 1024 * 1024,
        }
    }
}

impl SandboxOptions {
    /// Settings for automated tests: no pacing, so a whole reply streams in milliseconds.
    pub fn for_tests() -> Self {
        Self {
            pace_ms: 0,
            keepalive: Duration::from_millis(100),
            ..Self::default()
        }
    }

    /// The chatbot whose API key this is.
    pub fn chatbot_for_key(&self, api_key: &str) -> Option<&ChatbotKey> {
        self.chatbots.iter().find(|key| key.api_key == api_key)
    }

    /// The key entry of a chatbot.
    pub fn key_for_chatbot(&self, chatbot_id: &str) -> Option<&ChatbotKey> {
        self.chatbots
            .iter()
            .find(|key| key.chatbot_id == chatbot_id)
    }
}

/// `<workspace>/dist`: where `trunk build` puts the widget, found from this crate's location at
/// compile time so `cargo run -p dialoge-sandbox` works from any directory.
pub fn default_widget_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("dist")
}

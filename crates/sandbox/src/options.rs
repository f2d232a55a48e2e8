//! How a sandbox instance is set up: which chatbots and API keys exist, which browser origins may
//! call it, how fast it streams, whether fault switches are on, where the built widget lives,
//! which clock it reads, and the livechat and webhook timings. `main` fills this from flags;
//! tests build it directly.

use std::path::PathBuf;
use std::time::Duration;

use dialoge_api::livechat::LivechatSettings;

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
    /// Livechat settings every chatbot starts with (`PUT /livechat/settings` replaces them).
    pub livechat: LivechatSettings,
    /// A scripted agent joins waiting sessions and answers a few keywords (the demo).
    pub auto_agent: bool,
    /// `POST /messages` while a livechat session is `active` answers 200 with a stream whose
    /// terminal event is the `livechat_active` error (CONTRACT.md section 4) instead of the
    /// default 409: the other way a real service may say "a person has this conversation".
    pub livechat_active_stream_error: bool,
    /// How long a session waits before the auto agent joins it (measured on [`Self::clock`]).
    pub auto_agent_delay: Duration,
    /// How long the auto agent shows "typing" before each of its messages.
    pub auto_agent_typing: Duration,
    /// Lifetime of a livechat session token (the agent's credential for one session).
    pub session_token_ttl: Duration,
    /// Lifetime of a signed livechat attachment URL.
    pub attachment_url_ttl: Duration,
    /// A typing indicator not refreshed for this long clears itself.
    pub typing_timeout: Duration,
    /// Pauses between webhook attempts: attempt 1 is immediate, attempt `n + 1` follows a failed
    /// attempt `n` after `webhook_retry_delays[n - 1]`; when the list runs out the event is dead.
    pub webhook_retry_delays: Vec<Duration>,
    /// How long one webhook POST may take before it counts as failed.
    pub webhook_timeout: Duration,
    /// How long events stay listable and replayable (the contract's 30 days).
    pub webhook_event_ttl: Duration,
    /// How often the background sweep clears stale typing, expires events and purges livechat
    /// data past its retention (real time; each sweep reads [`Self::clock`]).
    pub sweep_interval: Duration,
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
            livechat: default_livechat_settings(),
            auto_agent: false,
            livechat_active_stream_error: false,
            auto_agent_delay: Duration::from_secs(4),
            auto_agent_typing: Duration::from_millis(1_200),
            session_token_ttl: Duration::from_secs(3600),
            attachment_url_ttl: Duration::from_secs(15 * 60),
            typing_timeout: Duration::from_secs(6),
            webhook_retry_delays: [10, 60, 300, 1_800, 7_200, 21_600]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            webhook_timeout: Duration::from_secs(10),
            webhook_event_ttl: Duration::from_secs(30 * 24 * 3600),
            sweep_interval: Duration::from_millis(500),
        }
    }
}

/// Livechat on, always live (no working hours), attachments up to 5 MiB, kept 30 days: the demo
/// can hand over at once.
pub fn default_livechat_settings() -> LivechatSettings {
    LivechatSettings {
        enabled: true,
        working_hours: None,
        manual_override: None,
        attachments_enabled: true,
        max_attachment_size_bytes: Some(dialoge_api::send::MAX_MESSAGE_DATA_BYTES as u64),
        retention_days: Some(30),
    }
}

impl SandboxOptions {
    /// Settings for automated tests: no pacing, so a whole reply streams in milliseconds; fast
    /// webhook retries and sweeps; the auto agent (off anyway) would join at once.
    pub fn for_tests() -> Self {
        Self {
            pace_ms: 0,
            keepalive: Duration::from_millis(100),
            auto_agent_delay: Duration::ZERO,
            auto_agent_typing: Duration::ZERO,
            webhook_retry_delays: vec![Duration::from_millis(50), Duration::from_millis(100)],
            webhook_timeout: Duration::from_secs(5),
            sweep_interval: Duration::from_millis(50),
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

//! `dialoge-sandbox` binary: reads flags and environment variables, binds, prints the URL and
//! serves [`dialoge_sandbox::app`] until Ctrl-C. Everything else lives in the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use dialoge_sandbox::{app, AppState, SandboxOptions};

const USAGE: &str = "\
dialoge-sandbox: a scriptable emulator of the Dialoge Chatbot API (and of OpenDialog's Chat
API v3 under /chat-api), with a demo shop page

USAGE: dialoge-sandbox [OPTIONS]

OPTIONS (environment variable in brackets):
  --port N             port to listen on; 0 picks a free one [PORT] (default 8080)
  --host ADDR          address to bind [HOST] (default 127.0.0.1)
  --widget-dir PATH    built widget folder served under /widget/ [DIALOGE_WIDGET_DIR]
                       (default <workspace>/dist)
  --pace-ms N          pause between stream events in ms [DIALOGE_PACE_MS] (default 15)
  --dev / --no-dev     development mode: fault switches (/sandbox/faults), the agent console
                       (/console), the session-token helper and the webhook inbox
                       [DIALOGE_DEV=1|0] (default on)
  --auto-agent / --no-auto-agent
                       a scripted agent joins waiting livechat sessions after a few seconds
                       and answers a few keywords [DIALOGE_AUTO_AGENT=1|0] (default off)
  --livechat-active-stream / --no-livechat-active-stream
                       a turn (POST /messages) during an active livechat answers a stream
                       ending in the `livechat_active` error event instead of a 409
                       [DIALOGE_LIVECHAT_ACTIVE_STREAM=1|0] (default off: 409)
  --allow-origin O     a CORS origin, may repeat, '*' globs allowed [DIALOGE_ALLOW_ORIGINS,
                       comma-separated] (default http://localhost:* and http://127.0.0.1:*)
  -h, --help           this text
";

struct Flags {
    host: String,
    port: u16,
    options: SandboxOptions,
}

fn parse() -> Result<Option<Flags>, String> {
    let mut options = SandboxOptions {
        allowed_origins: vec![
            "http://localhost:*".to_owned(),
            "http://127.0.0.1:*".to_owned(),
        ],
        ..SandboxOptions::default()
    };
    let mut port: u16 = 8080;
    let mut host = "127.0.0.1".to_owned();

    if let Ok(value) = std::env::var("PORT") {
        port = value
            .parse()
            .map_err(|_| format!("PORT is not a port number: {value}"))?;
    }
    if let Ok(value) = std::env::var("HOST") {
        host = value;
    }
    if let Ok(value) = std::env::var("DIALOGE_WIDGET_DIR") {
        options.widget_dir = PathBuf::from(value);
    }
    if let Ok(value) = std::env::var("DIALOGE_PACE_MS") {
        options.pace_ms = value
            .parse()
            .map_err(|_| format!("DIALOGE_PACE_MS is not a number: {value}"))?;
    }
    if let Ok(value) = std::env::var("DIALOGE_DEV") {
        options.dev_mode = !matches!(value.as_str(), "0" | "false" | "off" | "no");
    }
    if let Ok(value) = std::env::var("DIALOGE_AUTO_AGENT") {
        options.auto_agent = !matches!(value.as_str(), "0" | "false" | "off" | "no" | "");
    }
    if let Ok(value) = std::env::var("DIALOGE_LIVECHAT_ACTIVE_STREAM") {
        options.livechat_active_stream_error =
            !matches!(value.as_str(), "0" | "false" | "off" | "no" | "");
    }
    if let Ok(value) = std::env::var("DIALOGE_ALLOW_ORIGINS") {
        options.allowed_origins = value
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
    }

    let mut args = std::env::args().skip(1);
    let mut origins_from_flags = Vec::new();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |flag: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let text = value("--port")?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port is not a port number: {text}"))?;
            }
            "--host" => host = value("--host")?,
            "--widget-dir" => options.widget_dir = PathBuf::from(value("--widget-dir")?),
            "--pace-ms" => {
                let text = value("--pace-ms")?;
                options.pace_ms = text
                    .parse()
                    .map_err(|_| format!("--pace-ms is not a number: {text}"))?;
            }
            "--dev" => options.dev_mode = true,
            "--no-dev" => options.dev_mode = false,
            "--auto-agent" => options.auto_agent = true,
            "--no-auto-agent" => options.auto_agent = false,
            "--livechat-active-stream" => options.livechat_active_stream_error = true,
            "--no-livechat-active-stream" => options.livechat_active_stream_error = false,
            "--allow-origin" => origins_from_flags.push(value("--allow-origin")?),
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    if !origins_from_flags.is_empty() {
        options.allowed_origins = origins_from_flags;
    }
    Ok(Some(Flags {
        host,
        port,
        options,
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let flags = match parse() {
        Ok(Some(flags)) => flags,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("dialoge-sandbox: {message}");
            return ExitCode::from(2);
        }
    };
    let widget_dir = flags.options.widget_dir.clone();
    let dev_mode = flags.options.dev_mode;
    let auto_agent = flags.options.auto_agent;
    let state = match AppState::new(flags.options) {
        Ok(state) => state,
        Err(error) => {
            eprintln!("dialoge-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = format!("{}:{}", flags.host, flags.port);
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("dialoge-sandbox: cannot listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let bound: Option<SocketAddr> = listener.local_addr().ok();
    let shown = bound.map_or(address, |addr| addr.to_string());
    if !widget_dir.join("dialoge.js").is_file() {
        eprintln!(
            "dialoge-sandbox: warning: {} has no dialoge.js yet; build the widget (trunk build) for the demo page to show it",
            widget_dir.display()
        );
    }
    println!("dialoge-sandbox listening on http://{shown}");
    println!("  demo shop:      http://{shown}/");
    println!("  on OpenDialog:  http://{shown}/opendialog (the widget's OpenDialog build)");
    println!("  studio:         http://{shown}/studio (branding preview, no account needed)");
    println!("  API:            http://{shown}/api/v1/chat");
    println!("  OpenDialog API: http://{shown}/chat-api (scenarios 3377699723000023, 0x420)");
    println!("  widget files:   {}", widget_dir.display());
    println!(
        "  fault switches: {}",
        if dev_mode {
            "on (/sandbox/faults)"
        } else {
            "off"
        }
    );
    if dev_mode {
        println!("  agent console:  http://{shown}/console");
    }
    println!(
        "  auto agent:     {}",
        if auto_agent {
            "on (joins waiting livechat sessions)"
        } else {
            "off (--auto-agent turns it on)"
        }
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(error) = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("dialoge-sandbox: server error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

//! The agent side: session tokens, assignment, profiles, context, the session list and count,
//! the auto agent and the console.

use std::time::{Duration, Instant};

use dialoge_api::livechat::{
    AgentContext, AgentProfile, ClosedBy, LivechatSession, LivechatSessionList, LivechatStatus,
    LivechatTurn, NotificationCount,
};
use dialoge_api::message::{AgentInfo, Part, Role};

use crate::common::{error_of, spawn_app, spawn_with};

#[tokio::test]
async fn the_first_agent_to_type_is_assigned_and_another_agent_gets_409() {
    let app = spawn_app().await;
    let token = app.token().await;
    let session = app.handover(&token).await;
    let session_token = app.session_token(&session.livechat_session_id).await;
    assert_eq!(
        app.agent_typing(&session_token, "sam", true).await.status(),
        204
    );
    let state = app.livechat_state(&token).await;
    assert_eq!(state.status, LivechatStatus::Active);
    assert!(state.is_agent_typing);

    let (status, envelope) = error_of(app.agent_says(&session_token, "kim", "Mine!").await).await;
    assert_eq!(status, 409);
    assert!(envelope.error.message.contains("sam"));
    let (status, _) = error_of(app.agent_typing(&session_token, "kim", true).await).await;
    assert_eq!(status, 409);
    let (status, _) = error_of(app.agent_close(&session_token, "kim").await).await;
    assert_eq!(status, 409);
    assert_eq!(
        app.agent_says(&session_token, "sam", "Still me")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn agents_appear_with_their_profile_name_and_avatar() {
    let app = spawn_app().await;
    let response = app
        .key_put(
            "/api/v1/chat/livechat/agents/alice",
            &AgentProfile {
                display_name: "Alice".to_owned(),
                avatar_url: Some("https://cdn.example/alice.png".to_owned()),
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let info: AgentInfo = response.json().await.unwrap();
    assert_eq!(info.display_name, "Alice");

    let (token, _, _) = app.active_session("alice").await;
    let transcript = app.livechat_messages(&token, 0).await.messages;
    assert_eq!(transcript[0].role, Role::System);
    assert!(matches!(&transcript[0].parts[0], Part::Text(t) if t.text == "Alice joined the chat"));
    let agent = transcript[1].agent.as_ref().unwrap();
    assert_eq!(agent.display_name, "Alice");
    assert_eq!(
        agent.avatar_url.as_deref(),
        Some("https://cdn.example/alice.png")
    );
    let state = app.livechat_state(&token).await;
    assert_eq!(state.active_agent.unwrap().display_name, "Alice");

    let bad = app
        .key_put(
            "/api/v1/chat/livechat/agents/alice",
            &serde_json::json!({"display_name": "  ", "avatar_url": "javascript:alert(1)"}),
        )
        .await;
    let (status, envelope) = error_of(bad).await;
    assert_eq!(status, 422);
    assert_eq!(envelope.error.params.len(), 2);
}

#[tokio::test]
async fn a_session_token_works_for_its_own_session_only_and_expires() {
    let app = spawn_app().await;
    let (first_visitor, first, first_token) = app.active_session("sam").await;
    let second_visitor = app.token().await;
    let second = app.handover(&second_visitor).await;
    let context: AgentContext = app
        .get_json("/api/v1/chat/livechat/agent/context", &first_token)
        .await;
    assert_eq!(
        context.session.livechat_session_id,
        first.livechat_session_id
    );
    // Writing with the first token never touches the second session.
    app.agent_says(&first_token, "sam", "Only for you").await;
    assert_eq!(
        app.livechat_messages(&second_visitor, 0)
            .await
            .messages
            .len(),
        0
    );
    assert_eq!(
        app.livechat_state(&second_visitor).await.status,
        LivechatStatus::Waiting
    );
    assert_ne!(second.livechat_session_id, first.livechat_session_id);

    // A visitor token is not a session token, and the other way round.
    let wrong = app
        .get("/api/v1/chat/livechat/agent/context", &first_visitor)
        .await;
    assert_eq!(error_of(wrong).await.0, 401);
    let wrong = app.get("/api/v1/chat/livechat/state", &first_token).await;
    assert_eq!(error_of(wrong).await.0, 401);

    app.clock.advance(Duration::from_secs(3601));
    let expired = app
        .get("/api/v1/chat/livechat/agent/context", &first_token)
        .await;
    let (status, envelope) = error_of(expired).await;
    assert_eq!(status, 401);
    assert!(envelope.error.message.contains("expired"));
}

#[tokio::test]
async fn agent_close_is_idempotent_and_the_visitor_sees_who_closed_and_why() {
    let app = spawn_app().await;
    let (token, _, session_token) = app.active_session("sam").await;
    let response = app.agent_close(&session_token, "sam").await;
    assert_eq!(response.status(), 200);
    let closed: LivechatSession = response.json().await.unwrap();
    assert_eq!(closed.status, LivechatStatus::Closed);
    assert_eq!(closed.closed_by, Some(ClosedBy::Agent));
    assert_eq!(closed.closed_by_agent_id.as_deref(), Some("sam"));
    let again: LivechatSession = app
        .agent_close(&session_token, "sam")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, closed);
    let state = app.livechat_state(&token).await;
    assert_eq!(state.closed_by, Some(ClosedBy::Agent));
    assert_eq!(state.close_reason.as_deref(), Some("resolved"));
    let (status, _) = error_of(app.agent_says(&session_token, "sam", "one more").await).await;
    assert_eq!(status, 409, "a closed session takes no more messages");
    // The visitor's close after the agent's answers the same closed session.
    let visitor_close: LivechatSession = app
        .post_json(
            "/api/v1/chat/livechat/close",
            &token,
            &serde_json::json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(visitor_close, closed);
}

#[tokio::test]
async fn the_agent_context_carries_the_prior_conversation_the_values_and_the_livechat() {
    let app = spawn_app().await;
    let token = app.token().await;
    app.send(&token, "Do you ship to Norway?").await;
    let session = app
        .post_json(
            "/api/v1/chat/livechat/handover",
            &token,
            &serde_json::json!({"source": "manual_button",
                "client_context": {"browser": "Chromium", "current_page_url": "http://shop/"}}),
        )
        .await
        .json::<LivechatSession>()
        .await
        .unwrap();
    let session_token = app.session_token(&session.livechat_session_id).await;
    app.livechat_send(&token, "Anyone there?").await;
    let context: AgentContext = app
        .get_json("/api/v1/chat/livechat/agent/context", &session_token)
        .await;
    assert_eq!(context.session.status, LivechatStatus::Waiting);
    let roles: Vec<Role> = context.messages.iter().map(|m| m.role.clone()).collect();
    assert_eq!(roles, [Role::User, Role::Assistant, Role::User]);
    assert_eq!(context.messages[2].sequence_number, Some(1));
    assert_eq!(
        context.visitor["id"],
        serde_json::json!(app.claims(&token).sub)
    );
    assert_eq!(
        context.visitor["client_context"]["browser"],
        serde_json::json!("Chromium")
    );
    assert!(context.visitor.contains_key("session_id"));
}

#[tokio::test]
async fn the_session_list_filters_by_status_and_turn_and_the_count_follows() {
    let app = spawn_app().await;
    let waiting_visitor = app.token().await;
    let waiting = app.handover(&waiting_visitor).await;
    let (replied_visitor, replied, _) = app.active_session("sam").await;
    let (asking_visitor, asking, _) = app.active_session("sam").await;
    app.livechat_send(&asking_visitor, "Where is my parcel?")
        .await;
    let (_, closed, closed_token) = app.active_session("sam").await;
    app.agent_close(&closed_token, "sam").await;

    let ids = |list: LivechatSessionList| -> Vec<String> {
        let mut ids: Vec<String> = list
            .sessions
            .into_iter()
            .map(|s| s.session.livechat_session_id)
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let all: LivechatSessionList = app.key_get("/api/v1/chat/livechat/sessions").await;
    assert_eq!(all.sessions.len(), 4);
    let newest = &all.sessions[0];
    assert_eq!(
        newest.session.livechat_session_id,
        closed.livechat_session_id
    );
    assert_eq!(newest.turn, None);

    let agent_turn: LivechatSessionList = app
        .key_get("/api/v1/chat/livechat/sessions?turn=agent")
        .await;
    assert_eq!(
        ids(agent_turn),
        sorted(vec![
            &waiting.livechat_session_id,
            &asking.livechat_session_id
        ])
    );
    let visitor_turn: LivechatSessionList = app
        .key_get("/api/v1/chat/livechat/sessions?status=active&turn=visitor")
        .await;
    assert_eq!(
        ids(visitor_turn),
        sorted(vec![&replied.livechat_session_id])
    );
    let open: LivechatSessionList = app
        .key_get("/api/v1/chat/livechat/sessions?status=waiting,active")
        .await;
    assert_eq!(open.sessions.len(), 3);
    let summary = open
        .sessions
        .iter()
        .find(|s| s.session.livechat_session_id == asking.livechat_session_id)
        .unwrap();
    assert_eq!(summary.turn, Some(LivechatTurn::Agent));
    assert_eq!(summary.active_agent.as_ref().unwrap().agent_id, "sam");
    assert_eq!(summary.message_count, 3);
    assert_eq!(summary.visitor_id, app.claims(&asking_visitor).sub);

    let count: NotificationCount = app
        .key_get("/api/v1/chat/livechat/notifications/count")
        .await;
    assert_eq!(
        (count.count, count.waiting, count.awaiting_reply),
        (2, 1, 1)
    );

    let bad = app
        .with_key(
            reqwest::Method::GET,
            "/api/v1/chat/livechat/sessions?turn=mine",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(bad).await.0, 422);
    let _ = replied_visitor;
}

#[tokio::test]
async fn the_api_key_endpoints_refuse_a_visitor_token_and_an_unknown_key() {
    let app = spawn_app().await;
    let token = app.token().await;
    let with_bearer = app.get("/api/v1/chat/livechat/sessions", &token).await;
    assert_eq!(error_of(with_bearer).await.0, 401);
    let unknown = app
        .client
        .get(app.url("/api/v1/chat/events"))
        .basic_auth("sk_nope", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(unknown).await.0, 401);
}

#[tokio::test]
async fn the_auto_agent_joins_answers_a_keyword_with_a_file_and_closes_on_goodbye() {
    let app = spawn_with(|options| options.auto_agent = true).await;
    let token = app.token().await;
    app.handover(&token).await;
    let wait_for = |count: usize| {
        let app = &app;
        let token = token.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let messages = app.livechat_messages(&token, 0).await.messages;
                if messages.len() >= count {
                    return messages;
                }
                assert!(
                    Instant::now() < deadline,
                    "the auto agent went quiet: {messages:#?}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let joined = wait_for(2).await;
    assert!(matches!(&joined[0].parts[0], Part::Text(t) if t.text.contains("joined the chat")));
    assert_eq!(joined[1].agent.as_ref().unwrap().agent_id, "auto_alice");
    assert_eq!(
        app.livechat_state(&token).await.status,
        LivechatStatus::Active
    );

    app.livechat_send(&token, "Can you send me the size chart file?")
        .await;
    let answered = wait_for(4).await;
    let file = answered[3]
        .parts
        .iter()
        .find_map(|p| match p {
            Part::File(file) => Some(file.clone()),
            _ => None,
        })
        .expect("the auto agent sends a file");
    assert_eq!(file.mime_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        app.client.get(&file.url).send().await.unwrap().status(),
        200
    );

    app.livechat_send(&token, "Thanks, bye").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = app.livechat_state(&token).await;
        if state.status == LivechatStatus::Closed {
            assert_eq!(state.closed_by, Some(ClosedBy::Agent));
            break;
        }
        assert!(Instant::now() < deadline, "the auto agent never closed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_auto_agent_leaves_alone_a_session_a_person_took_first() {
    let app = spawn_with(|options| {
        options.auto_agent = true;
        options.auto_agent_delay = Duration::from_secs(30);
    })
    .await;
    let (token, _, _) = app.active_session("sam").await;
    app.clock.advance(Duration::from_secs(60));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let state = app.livechat_state(&token).await;
    assert_eq!(state.active_agent.unwrap().agent_id, "sam");
    assert_eq!(app.livechat_messages(&token, 0).await.messages.len(), 2);
}

#[tokio::test]
async fn the_console_and_its_assets_are_served_under_the_strict_csp_in_development_mode_only() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/console")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()["content-security-policy"],
        dialoge_sandbox::routes::CSP
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<script src=\"/console/console.js\"></script>"));
    assert!(!html.contains("<style") && !html.contains("style="));
    assert!(!html.contains("<script>"), "no inline script");
    for (path, kind) in [
        ("/console/console.js", "text/javascript"),
        ("/console/console.css", "text/css"),
        ("/shop/img/agent.svg", "image/svg+xml"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(kind));
    }

    let production = spawn_with(|options| options.dev_mode = false).await;
    for path in [
        "/console",
        "/sandbox/livechat/sessions/lcs_x/token",
        "/sandbox/webhook-inbox",
    ] {
        let response = production
            .client
            .get(production.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

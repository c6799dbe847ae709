//! Sessions end: after a while unused, after a while in all, and when an
//! admin ends them; a live socket of an ended session closes at once.

use std::time::{Duration, Instant};

use futures::StreamExt;
use rodnik::store::users::SessionLimits;
use rodnik_tests::*;
use serde_json::json;

async fn closed_within(live: &mut Live, wait: Duration) -> bool {
    tokio::time::timeout(wait, async {
        loop {
            match live.ws.next().await {
                None | Some(Err(_)) => break,
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn sessions_end_when_idle_and_when_too_old() {
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.sessions = SessionLimits {
        office_idle: Duration::from_secs(3),
        office_max: Duration::from_secs(7),
        courier_idle: Duration::from_secs(3600),
        courier_max: Duration::from_secs(3600),
    };
    let app = spawn_with(cfg).await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, courier) = app.user("kolya", "courier", None).await;
    // Used every second: it lives past the idle limit ...
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        app.get("/api/me", &op).await.expect(200);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    // ... but not past the absolute one.
    while started.elapsed() < Duration::from_secs(8) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.get("/api/me", &op).await;
    }
    app.get("/api/me", &op).await.error(401);
    // Left alone past the idle limit: over.
    let op2 = app.login("olga", "password-1").await;
    app.get("/api/me", &op2).await.expect(200);
    tokio::time::sleep(Duration::from_secs(4)).await;
    app.get("/api/me", &op2).await.error(401);
    // A courier's phone has its own, longer limits.
    app.get("/api/me", &courier).await.expect(200);
}

#[tokio::test]
async fn an_admin_sees_and_ends_sessions_and_their_sockets_close_at_once() {
    let app = spawn_app().await;
    let (olga, phone) = app.user("olga", "operator", None).await;
    let pc = app.login("olga", "password-1").await;
    let list = app
        .get(&format!("/api/users/{olga}/sessions"), &app.admin)
        .await
        .ok();
    let sessions = list.as_array().expect("sessions");
    assert_eq!(sessions.len(), 2, "{list}");
    for s in sessions {
        let id = s["id"].as_str().expect("id");
        assert!(!id.is_empty() && id != phone && id != pc);
        assert!(s["created_at"].is_string() && s["last_seen_at"].is_string());
    }
    let text = list.to_string();
    assert!(
        !text.contains(&phone) && !text.contains(&pc),
        "tokens shown"
    );
    app.get(&format!("/api/users/{olga}/sessions"), &pc)
        .await
        .error(403);

    // The newest session (the PC) ends: its socket closes within a second.
    let mut pc_live = app.live(&pc).await;
    let mut phone_live = app.live(&phone).await;
    let newest = sessions[0]["id"].as_str().expect("id").to_string();
    app.post(
        &format!("/api/users/{olga}/sessions/{newest}/end"),
        &app.admin,
        json!({}),
    )
    .await
    .expect(204);
    assert!(closed_within(&mut pc_live, Duration::from_secs(1)).await);
    app.get("/api/me", &pc).await.error(401);
    app.get("/api/me", &phone).await.expect(200);
    app.post(
        &format!("/api/users/{olga}/sessions/{newest}/end"),
        &app.admin,
        json!({}),
    )
    .await
    .error(404);

    // Deactivating the user closes the other socket within a second too.
    app.patch(
        &format!("/api/users/{olga}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    assert!(closed_within(&mut phone_live, Duration::from_secs(1)).await);
    app.get("/api/me", &phone).await.error(401);
}

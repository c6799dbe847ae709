//! The wallboard in real headless Chromium: opened with a read-only link (no
//! sign-in), it shows per-courier progress, totals, late stops and the
//! latest events; a courier's close reaches it and the dispatcher's board
//! within a second; it remembers its link across a reload; revoking the
//! link takes it off the screen. A signed-in manager's wallboard also
//! shows each operator's calls today, live.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use rodnik::config::Config;
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, spawn_with};
use serde_json::json;

/// The promise: a close shows on the screens within a second.
const WITHIN: Duration = Duration::from_secs(1);

fn row(courier: &str, col: &str) -> String {
    format!("#wb-couriers tr.wb-row[data-courier-id='{courier}'] td.{col}")
}

async fn text(c: &Client, css: &str) -> String {
    wait_for(c, css).await.text().await.expect("text")
}

#[tokio::test]
async fn the_wallboard_follows_the_day_live_from_a_read_only_link() {
    if !runnable() {
        return;
    }
    let mut cfg = Config::for_tests();
    cfg.static_dir = Some(dist());
    cfg.live_ping = Duration::from_millis(300);
    let app = spawn_with(cfg).await;
    let (_, manager) = app.user("pavel", "manager", None).await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (sasha_id, _) = app.user("sasha", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    let today = app.today();
    let order = |courier: Option<&str>, window: (&str, &str)| {
        json!({ "client_id": client, "address_id": addr, "lines": [{ "product_id": water, "qty": 2 }],
                "delivery_date": today, "courier_id": courier,
                "window": { "from": window.0, "to": window.1 } })
    };
    let mut ids = vec![];
    for (courier, window) in [
        (Some(kolya_id.as_str()), ("00:00", "00:01")),
        (Some(kolya_id.as_str()), ("18:00", "23:59")),
        (Some(sasha_id.as_str()), ("18:00", "23:59")),
    ] {
        let o = app.order(&op, order(courier, window)).await;
        app.post(
            &format!("/api/orders/{}/dispatch", id_of(&o)),
            &op,
            json!({}),
        )
        .await
        .expect(200);
        ids.push(id_of(&o));
    }
    app.order(&op, order(None, ("18:00", "23:59"))).await;
    let link = app
        .post("/api/wallboards", &manager, json!({ "name": "Office TV" }))
        .await
        .expect(201);

    // The wallboard, with no one signed in.
    let (_d1, wall) = browser("en-US").await;
    wall.goto(&app.url(link["path"].as_str().expect("path")))
        .await
        .expect("open wallboard");
    wait_until(&wall, "#wallboard", Some("aria-busy"), |b| b == "false").await;
    wait_until(&wall, "#live-status", Some("data-state"), |s| s == "online").await;
    assert!(
        wall.find(Locator::Css(".topbar")).await.is_err(),
        "no top bar on the wallboard"
    );
    assert!(
        wall.find(Locator::Css("#wb-calls")).await.is_err(),
        "a link's screen shows no operator's calls"
    );
    assert_eq!(text(&wall, &row(&kolya_id, "left")).await, "2");
    assert_eq!(text(&wall, &row(&sasha_id, "left")).await, "1");
    assert_eq!(
        text(&wall, "#wb-couriers tr.wb-row[data-courier-id=''] td.left").await,
        "1"
    );
    wait_until(&wall, "#wb-total-left .value", None, |t| t == "4").await;
    // The stop whose window ended at 00:01 is late and the ones open until 23:59 are not
    // (unless the clock is in one of those minutes). The browser's clock decides today.
    let now = chrono::Local::now().format("%H:%M").to_string();
    if now.as_str() > "00:01" && now.as_str() < "23:59" {
        wait_for(
            &wall,
            &format!("#wb-late li.wb-late-stop[data-id='{}']", ids[0]),
        )
        .await;
        assert!(wall
            .find(Locator::Css(&format!(
                "#wb-late li.wb-late-stop[data-id='{}']",
                ids[1]
            )))
            .await
            .is_err());
    }

    // The dispatcher's board, in another browser.
    let (_d2, board) = browser("en-US").await;
    log_in(&board, &app, "olga").await;
    wait_for(&board, "#nav-board")
        .await
        .click()
        .await
        .expect("board");
    wait_until(&board, "#lanes", Some("aria-busy"), |b| b == "false").await;
    wait_until(&board, "#live-status", Some("data-state"), |s| {
        s == "online"
    })
    .await;
    js(&wall, "window.__rodnikNoReload = true;").await;

    // Kolya closes a stop: both screens show it within a second.
    app.post(
        &format!("/api/orders/{}/deliver", ids[1]),
        &kolya,
        json!({ "cash_collected": 50000, "empties_returned": 2 }),
    )
    .await
    .expect(200);
    let closed = Instant::now();
    wait_until_within(&wall, &row(&kolya_id, "done"), None, WITHIN, |t| t == "1").await;
    wait_until_within(
        &board,
        &format!(".stop[data-id='{}']", ids[1]),
        Some("data-state"),
        WITHIN,
        |s| s == "delivered",
    )
    .await;
    let took = closed.elapsed();
    assert_eq!(text(&wall, &row(&kolya_id, "cash")).await, "500.00");
    assert_eq!(text(&wall, &row(&kolya_id, "left")).await, "1");
    wait_until(&wall, "#wb-total-done .value", None, |t| t == "1").await;
    wait_until(&wall, "#wb-total-bottles .value", None, |t| t == "2").await;
    wait_until(&wall, "#wb-ticker li.wb-tick.delivered .what", None, |t| {
        t.contains("kolya name")
    })
    .await;
    eprintln!("a close reached the wallboard and the board in {took:?}");

    // A failed stop: counted for the courier, with its reason in the ticker.
    app.post(
        &format!("/api/orders/{}/fail", ids[0]),
        &kolya,
        json!({ "reason": "client absent" }),
    )
    .await
    .expect(200);
    wait_until_within(&wall, &row(&kolya_id, "failed"), None, WITHIN, |t| t == "1").await;
    wait_until(&wall, "#wb-ticker li.wb-tick.failed .what", None, |t| {
        t.contains("client absent")
    })
    .await;
    // Failed and waiting for a new date: no longer late, no longer left.
    wait_until(&wall, &row(&kolya_id, "left"), None, |t| t == "0").await;
    assert!(wall
        .find(Locator::Css(&format!(
            "#wb-late li.wb-late-stop[data-id='{}']",
            ids[0]
        )))
        .await
        .is_err());
    assert_eq!(
        js(&wall, "return window.__rodnikNoReload === true;").await,
        true
    );
    screenshot(&wall, "wallboard.png").await;

    // A reload without the key in the address still works: the link is remembered.
    wall.goto(&app.url("/wallboard"))
        .await
        .expect("reload without key");
    wait_until(&wall, "#wallboard", Some("aria-busy"), |b| b == "false").await;
    wait_until(&wall, &row(&kolya_id, "done"), None, |t| t == "1").await;

    // Revoked: the screen says so, by itself.
    app.post(
        &format!("/api/wallboards/{}/revoke", id_of(&link)),
        &manager,
        json!({}),
    )
    .await
    .expect(200);
    wait_until(&wall, "#wallboard", Some("data-state"), |s| s == "denied").await;
    screenshot(&wall, "wallboard-revoked.png").await;
    wall.close().await.expect("close wallboard");
    board.close().await.expect("close board");
}

#[tokio::test]
async fn managers_make_and_revoke_wallboard_links_in_administration() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("pavel", "manager", None).await;
    let (_d, c) = browser("en-US").await;
    sign_in(&c, &app, "pavel").await;
    wait_for(&c, "#nav-admin")
        .await
        .click()
        .await
        .expect("admin");
    wait_for(&c, "#tab-wallboards")
        .await
        .click()
        .await
        .expect("wallboards tab");
    wait_for(&c, "#wallboard-link-name")
        .await
        .send_keys("Office TV")
        .await
        .expect("name");
    wait_for(&c, "#wallboard-link-make")
        .await
        .click()
        .await
        .expect("make");
    let href = wait_for(&c, "#wallboard-link-new a")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    assert!(href.starts_with("/wallboard?key="), "{href}");
    wait_for(&c, "#wallboard-link-list li.wallboard-link .revoke").await;
    screenshot(&c, "admin-wallboards.png").await;
    // The link works for a browser that never signed in.
    let (_d2, tv) = browser("ru-RU").await;
    tv.goto(&app.url(&href)).await.expect("open link");
    wait_until(&tv, "#wallboard h1", None, |t| t == "Доставка сегодня").await;
    wait_until(&tv, "#live-status", Some("data-state"), |s| s == "online").await;
    // Revoked from administration.
    wait_for(&c, "#wallboard-link-list li.wallboard-link .revoke")
        .await
        .click()
        .await
        .expect("revoke");
    wait_until(
        &c,
        "#wallboard-link-list li.wallboard-link",
        Some("class"),
        |cl| cl.contains("revoked"),
    )
    .await;
    let list = app
        .get("/api/wallboards", &app.login("pavel", "password-1").await)
        .await
        .expect(200);
    assert!(list[0]["revoked_at"].is_string());
    tv.close().await.expect("close tv");
    c.close().await.expect("close");
}

/// Issue 18, item 8: the manager's wallboard (from Administration) shows
/// each operator's calls today and follows calls as they happen.
#[tokio::test]
async fn a_managers_wallboard_shows_each_operators_calls_live() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("pavel", "manager", None).await;
    let (ira, _) = app.user("ira", "operator", Some("101")).await;
    let (lena, _) = app.user("lena", "operator", Some("102")).await;
    let event = |kind: &str, call: &str, ext: Option<&str>| {
        let mut e = json!({ "event": kind, "call_id": call, "from": "+79161112233",
                            "to": "+74950000000" });
        if let Some(x) = ext {
            e["extension"] = json!(x);
        }
        e
    };
    for e in [
        event("ringing", "w-1", Some("101")),
        event("answered", "w-1", Some("101")),
        event("ended", "w-1", Some("101")),
    ] {
        assert_eq!(app.call_event(e).await, 204);
    }

    let (_d, c) = browser("ru-RU").await;
    sign_in(&c, &app, "pavel").await;
    wait_for(&c, "#nav-admin")
        .await
        .click()
        .await
        .expect("admin");
    wait_for(&c, "#tab-wallboards")
        .await
        .click()
        .await
        .expect("wallboards tab");
    let href = wait_for(&c, "#wallboard-open")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    c.goto(&app.url(&href)).await.expect("open the wallboard");
    wait_until(&c, "#live-status", Some("data-state"), |s| s == "online").await;
    let cell = |who: &str, col: &str| format!("#wb-calls tr.wb-op[data-user-id='{who}'] td.{col}");
    wait_until(&c, &cell(&ira, "answered"), None, |t| t == "1").await;
    wait_until(&c, &cell(&lena, "offered"), None, |t| t == "0").await;
    wait_until(&c, "#wb-calls h2", None, |t| {
        t.to_lowercase() == "звонки операторов сегодня"
    })
    .await;

    // Lena misses one, then calls back someone else's missed call: live.
    for e in [
        event("ringing", "w-2", Some("102")),
        event("ended", "w-2", None),
    ] {
        assert_eq!(app.call_event(e).await, 204);
    }
    wait_until(&c, &cell(&lena, "missed"), None, |t| t == "1").await;
    wait_until(&c, "#wb-calls tfoot tr.total td.offered", None, |t| {
        t == "2"
    })
    .await;
    wait_until(&c, "#wb-calls tfoot tr.total td.missed", None, |t| t == "1").await;
    // Orders per answered call, with a Russian decimal comma.
    wait_until(&c, &cell(&ira, "per-call"), None, |t| t == "0,00").await;
    screenshot(&c, "wallboard-manager-calls.png").await;
    c.close().await.expect("close browser");
}

//! The dispatch board in real headless Chromium against the real server:
//! lanes by courier, assigning with the panel and by dragging, reordering a
//! route, dispatching, recalling, cancelling with a reason, a failed delivery
//! given a new date, a missed call marked as called back, and changes made
//! elsewhere showing up without a reload. Every step is checked in the API.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    kolya_id: String,
    kolya: String,
    petya_id: String,
    water: String,
    client: String,
    addr: String,
}

async fn world() -> World {
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let (petya_id, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app
        .client("Ivan Petrov", "individual", "+79161234567")
        .await;
    World {
        app,
        op,
        kolya_id,
        kolya,
        petya_id,
        water,
        client,
        addr,
    }
}

impl World {
    async fn order(&self, day: &str, courier: Option<&str>, qty: u32) -> String {
        let o = self
            .app
            .order(
                &self.op,
                json!({ "client_id": self.client, "address_id": self.addr,
                        "lines": [{ "product_id": self.water, "qty": qty }], "delivery_date": day,
                        "window": { "from": "09:00", "to": "13:00" }, "courier_id": courier }),
            )
            .await;
        id_of(&o)
    }

    async fn dispatched(&self, day: &str, courier: &str) -> String {
        let id = self.order(day, Some(courier), 1).await;
        self.app
            .post(&format!("/api/orders/{id}/dispatch"), &self.op, json!({}))
            .await
            .expect(200);
        id
    }

    async fn get(&self, id: &str) -> Value {
        self.app
            .get(&format!("/api/orders/{id}"), &self.op)
            .await
            .expect(200)
    }

    /// Polls the API until the order satisfies `check` (the UI acted).
    async fn until(&self, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let o = self.get(id).await;
            if check(&o) {
                return o;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "order {id}: {what} never happened; now {o}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    async fn route(&self, courier: &str, day: &str) -> Vec<String> {
        let r = self
            .app
            .get(
                &format!("/api/route?courier_id={courier}&date={day}"),
                &self.op,
            )
            .await
            .expect(200);
        r["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .map(id_of)
            .collect()
    }
}

async fn open_board(c: &Client) -> String {
    wait_for(c, "#nav-board")
        .await
        .click()
        .await
        .expect("nav board");
    wait_for(c, "#lanes").await;
    wait_until(c, "#lanes", Some("aria-busy"), |b| b == "false").await;
    wait_until(c, "#live-status", Some("data-state"), |s| s == "online").await;
    js(c, "window.__rodnikNoReload = true;").await;
    wait_for(c, "#board")
        .await
        .attr("data-date")
        .await
        .expect("data-date")
        .expect("#board has data-date")
}

fn stop(id: &str) -> String {
    format!(".stop[data-id='{id}']")
}

fn lane(courier: &str) -> String {
    format!(".lane[data-courier-id='{courier}']")
}

async fn select(c: &Client, id: &str) {
    wait_for(c, &stop(id))
        .await
        .click()
        .await
        .expect("select a stop");
    wait_until(c, "#board-actions", Some("data-id"), |v| v == id).await;
}

/// Drags one stop onto a target element with the browser's own DragEvents.
async fn drag(c: &Client, from: &str, onto: &str) {
    let script = format!(
        "const src = document.querySelector(\"{from}\");
         const dst = document.querySelector(\"{onto}\");
         if (!src || !dst) return false;
         const dt = new DataTransfer();
         src.dispatchEvent(new DragEvent('dragstart', {{ bubbles: true, cancelable: true, dataTransfer: dt }}));
         dst.dispatchEvent(new DragEvent('dragover', {{ bubbles: true, cancelable: true, dataTransfer: dt }}));
         dst.dispatchEvent(new DragEvent('drop', {{ bubbles: true, cancelable: true, dataTransfer: dt }}));
         return true;"
    );
    assert_eq!(js(c, &script).await, true, "drag {from} onto {onto}");
}

/// The stops of a courier's lane, read in one script: the lane re-renders
/// on live changes, and elements found one call earlier may be gone.
async fn route_on_screen(c: &Client, courier: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll(\"{} ol.route .stop\")).map(e => e.getAttribute('data-id'));",
        lane(courier)
    );
    serde_json::from_value(js(c, &script).await).expect("stop ids")
}

#[tokio::test]
async fn a_dispatcher_works_the_day_on_the_board() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let (_driver, c) = browser("en-US").await;
    log_in(&c, &w.app, "olga").await;
    let day = open_board(&c).await;

    // The day: one order without a courier, two stops on Kolya's route, one
    // failed delivery, and a missed call from the client.
    let a = w.order(&day, None, 3).await;
    let b = w.dispatched(&day, &w.kolya_id).await;
    let cc = w.dispatched(&day, &w.kolya_id).await;
    let d = w.dispatched(&day, &w.kolya_id).await;
    w.app
        .post(
            &format!("/api/orders/{d}/fail"),
            &w.kolya,
            json!({ "reason": "client absent" }),
        )
        .await
        .expect(200);
    for kind in ["ringing", "ended"] {
        w.app
            .call_event(
                json!({ "event": kind, "call_id": "pbx-9", "from": "+79161234567",
                                "to": "+74950000000" }),
            )
            .await;
    }

    // Everything arrived live, in its lane.
    wait_for(&c, &format!("{} {}", lane(""), stop(&a))).await;
    wait_until(
        &c,
        &format!("{} {}", lane(&w.kolya_id), stop(&d)),
        Some("class"),
        |cl| cl.contains("failed"),
    )
    .await;
    wait_until(
        &c,
        &format!("{} {} .card-failed", lane(&w.kolya_id), stop(&d)),
        None,
        |t| t.contains("client absent"),
    )
    .await;
    assert_eq!(
        route_on_screen(&c, &w.kolya_id).await,
        [b.clone(), cc.clone()]
    );
    wait_for(&c, &format!("#needs-date li.needs-date[data-id='{d}']")).await;
    // The call came while the board was open: live, with the caller's name.
    wait_until(&c, "#missed-calls li.missed-call .from", None, |t| {
        t.contains("79161234567")
    })
    .await;
    wait_until(&c, "#missed-calls li.missed-call .who", None, |t| {
        t == "Ivan Petrov"
    })
    .await;
    screenshot(&c, "board.png").await;

    // Assign A to Kolya with the panel, then dispatch it: the end of his route.
    select(&c, &a).await;
    wait_for(&c, "#act-courier")
        .await
        .select_by_value(&w.kolya_id)
        .await
        .expect("pick kolya");
    w.until(&a, "assigned to kolya", |o| {
        o["courier_id"] == w.kolya_id.as_str()
    })
    .await;
    wait_for(&c, &format!("{} {}", lane(&w.kolya_id), stop(&a))).await;
    click(&c, "#act-dispatch").await;
    let o = w
        .until(&a, "dispatched", |o| o["state"] == "delivery")
        .await;
    assert_eq!(o["route_pos"], 3);
    wait_until(
        &c,
        &format!("{} ol.route {}", lane(&w.kolya_id), stop(&a)),
        Some("data-state"),
        |s| s == "delivery",
    )
    .await;
    screenshot(&c, "board-actions.png").await;

    // Move C earlier with the panel: C, B, A.
    select(&c, &cc).await;
    click(&c, "#act-up").await;
    let deadline = std::time::Instant::now() + WAIT;
    while w.route(&w.kolya_id, &day).await != [cc.clone(), b.clone(), a.clone()] {
        assert!(
            std::time::Instant::now() < deadline,
            "route never became C, B, A"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The screen must show C, B, A before the drag: the drop sends the route
    // as the lane shows it, and under load the live update can come after the
    // server already has the new order (a drag on the old lane gave A, B, C).
    let deadline = std::time::Instant::now() + WAIT;
    while route_on_screen(&c, &w.kolya_id).await != [cc.clone(), b.clone(), a.clone()] {
        assert!(
            std::time::Instant::now() < deadline,
            "the lane never showed C, B, A"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Drag A before C: A, C, B.
    drag(&c, &stop(&a), &stop(&cc)).await;
    let deadline = std::time::Instant::now() + WAIT;
    while w.route(&w.kolya_id, &day).await != [a.clone(), cc.clone(), b.clone()] {
        assert!(
            std::time::Instant::now() < deadline,
            "dragging did not reorder the route"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_until_within(
        &c,
        &format!("{} ol.route .stop", lane(&w.kolya_id)),
        Some("data-id"),
        LIVE_WAIT,
        |v| v == a,
    )
    .await;

    // Drag B onto Petya's lane: his now, still dispatched, first on his route.
    drag(&c, &stop(&b), &format!("{} .lane-body", lane(&w.petya_id))).await;
    let o = w
        .until(&b, "given to petya", |o| {
            o["courier_id"] == w.petya_id.as_str()
        })
        .await;
    assert_eq!(o["state"], "delivery");
    assert_eq!(w.route(&w.petya_id, &day).await, [b.clone()]);
    wait_for(&c, &format!("{} {}", lane(&w.petya_id), stop(&b))).await;

    // The failed delivery gets a new date from the "need a new date" list.
    click(
        &c,
        &format!("#needs-date li.needs-date[data-id='{d}'] button"),
    )
    .await;
    wait_until(&c, "#board-actions", Some("data-id"), |v| v == d).await;
    let tomorrow = rodnik_tests::browser::shift(&day, 1);
    js(
        &c,
        &format!(
            "const el = document.querySelector('#act-date'); el.value = '{tomorrow}';
             el.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ),
    )
    .await;
    click(&c, "#act-reschedule").await;
    let o = w
        .until(&d, "rescheduled", |o| {
            o["delivery_date"] == tomorrow.as_str()
        })
        .await;
    assert_eq!(o["needs_new_date"], false);
    assert_eq!(
        o["courier_id"],
        w.kolya_id.as_str(),
        "a new date keeps the courier"
    );
    wait_until(&c, "#needs-date", None, |t| {
        t.contains("No failed deliveries")
    })
    .await;
    assert!(
        c.find(Locator::Css(&stop(&d))).await.is_err(),
        "an order moved to tomorrow leaves today's board"
    );

    // Recall C from Kolya: back to new, off the route.
    select(&c, &cc).await;
    click(&c, "#act-recall").await;
    w.until(&cc, "recalled", |o| o["state"] == "new").await;
    wait_until(&c, &stop(&cc), Some("data-state"), |s| s == "new").await;

    // Cancel C with a reason typed under "Other"; an empty one is refused first.
    wait_for(&c, "#act-cancel-reason")
        .await
        .select_by_value("other")
        .await
        .expect("other");
    click(&c, "#act-cancel").await;
    wait_for(&c, "#board-actions .field-error[data-field='reason']").await;
    assert_eq!(w.get(&cc).await["state"], "new");
    wait_for(&c, "#act-cancel-other")
        .await
        .send_keys("ordered at another company")
        .await
        .expect("reason");
    click(&c, "#act-cancel").await;
    let o = w
        .until(&cc, "cancelled", |o| o["state"] == "cancelled")
        .await;
    assert_eq!(o["cancel_reason"], "ordered at another company");
    // Cancelled orders are hidden unless asked for.
    wait_until(&c, "#lanes", None, |_| true).await;
    let deadline = std::time::Instant::now() + WAIT;
    while c.find(Locator::Css(&stop(&cc))).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "a cancelled order stays on the board"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    click(&c, "#board-show-cancelled").await;
    wait_until(&c, &stop(&cc), Some("data-state"), |s| s == "cancelled").await;

    // The missed call: marked as called back from the board.
    click(&c, "#missed-calls li.missed-call .mark-called-back").await;
    wait_until(
        &c,
        "#missed-calls li.missed-call",
        Some("data-called-back"),
        |v| v == "true",
    )
    .await;
    let calls = w.app.get("/api/calls?missed=true", &w.op).await.expect(200);
    assert_eq!(calls[0]["called_back_by"], "olga name");

    // A delivery made by the courier shows without a reload, with the progress.
    w.app
        .post(
            &format!("/api/orders/{a}/deliver"),
            &w.kolya,
            json!({ "cash_collected": 75000 }),
        )
        .await
        .expect(200);
    wait_until_within(&c, &stop(&a), Some("data-state"), LIVE_WAIT, |s| {
        s == "delivered"
    })
    .await;
    wait_until(
        &c,
        &format!("{} .lane-done", lane(&w.kolya_id)),
        None,
        |t| t == "1/1",
    )
    .await;
    assert_eq!(
        js(&c, "return window.__rodnikNoReload === true;").await,
        true,
        "the board was reloaded"
    );
    screenshot(&c, "board-after.png").await;

    // A reload shows the same board, the missed call with its name and mark.
    c.refresh().await.expect("reload");
    wait_until(&c, "#lanes", Some("aria-busy"), |b| b == "false").await;
    wait_until(&c, "#missed-calls li.missed-call .who", None, |t| {
        t == "Ivan Petrov"
    })
    .await;
    wait_until(
        &c,
        "#missed-calls li.missed-call",
        Some("data-called-back"),
        |v| v == "true",
    )
    .await;
    wait_for(&c, &format!("{} {}", lane(&w.petya_id), stop(&b))).await;
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn the_board_changes_day_and_speaks_russian() {
    if !runnable() {
        return;
    }
    let w = world().await;
    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &w.app, "olga").await;
    let day = open_board(&c).await;
    let tomorrow = rodnik_tests::browser::shift(&day, 1);
    let later = w.order(&tomorrow, Some(&w.petya_id), 2).await;
    wait_until(&c, "#board h1", None, |t| t == "Диспетчерская").await;
    wait_until(&c, &format!("{} .lane-name", lane("")), None, |t| {
        t == "Без курьера"
    })
    .await;
    assert!(c.find(Locator::Css(&stop(&later))).await.is_err());
    click(&c, "#board-next").await;
    wait_until(&c, "#board", Some("data-date"), |d| d == tomorrow).await;
    wait_for(&c, &format!("{} {}", lane(&w.petya_id), stop(&later))).await;
    wait_until(
        &c,
        &format!("{} .lane-left", lane(&w.petya_id)),
        None,
        |t| t == "1 точка",
    )
    .await;
    screenshot(&c, "board-ru.png").await;
    click(&c, "#board-today").await;
    wait_until(&c, "#board", Some("data-date"), |d| d == day).await;
    let deadline = std::time::Instant::now() + WAIT;
    while c.find(Locator::Css(&stop(&later))).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "tomorrow's order stays on today's board"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    c.close().await.expect("close browser");
}

//! The operator console in real headless Chromium (chromedriver through
//! fantoccini) against the real server serving the Trunk build: a signed
//! webhook rings, the pop shows the caller, and a repeat order is saved and
//! dispatched in a counted handful of keystrokes.
//!
//! Needs `frontend/dist` (`trunk build --release`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::{enc, id_of};
use serde_json::{json, Value};

async fn active_id(c: &Client) -> String {
    let el = c.active_element().await.expect("active element");
    el.attr("id").await.ok().flatten().unwrap_or_default()
}

/// Presses keys on whatever has focus, as one user action.
async fn press(c: &Client, keys: &str) {
    c.active_element()
        .await
        .expect("active element")
        .send_keys(keys)
        .await
        .expect("send keys");
}

#[tokio::test]
async fn a_ringing_known_client_becomes_a_dispatched_repeat_order_in_few_keystrokes() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_op_id, op) = app.user("op1", "operator", Some("101")).await;
    let (courier_id, _) = app.user("courier1", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    app.product("CUP", "goods", 300, false).await;
    let phone = "+79161234567";
    let (client_id, address_id) = app.client("Ivan Petrov", "individual", phone).await;

    // Last week's delivered order: 2 bottles at 13-18 by courier1.
    let last = app
        .order(
            &app.admin,
            json!({ "client_id": client_id, "address_id": address_id,
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.day(-7),
                    "window": { "from": "13:00", "to": "18:00" }, "courier_id": courier_id }),
        )
        .await;
    let last_id = id_of(&last);
    app.post(
        &format!("/api/orders/{last_id}/dispatch"),
        &app.admin,
        json!({}),
    )
    .await
    .ok();
    app.post(
        &format!("/api/orders/{last_id}/deliver"),
        &app.admin,
        json!({ "empties_returned": 2 }),
    )
    .await
    .ok();

    let (_driver, c) = browser("en-US").await;
    log_in(&c, &app, "op1").await;
    screenshot(&c, "console-idle.png").await;

    let status = app
        .call_event(
            json!({ "event": "ringing", "call_id": "pbx-call-1", "from": "8 (916) 123-45-67",
                            "to": "+74950000000", "extension": "101" }),
        )
        .await;
    assert_eq!(status, 204);

    // The pop: the caller's card at once.
    wait_for(&c, "#pop #client-card").await;
    wait_until(&c, "#client-name", None, |t| t == "Ivan Petrov").await;
    wait_until(&c, "#call-from", None, |t| t == phone).await;
    wait_for(&c, "#order-form #order-lines tr.line").await;
    screenshot(&c, "console-pop.png").await;
    // What this client orders most comes first (the price list has CUP first).
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#order-lines tr.line').dataset.productId;"
        )
        .await,
        water.as_str()
    );
    // One link per number on the card: the number itself, beside Call.
    assert_eq!(
        js(&c, "return [...document.querySelectorAll('#client-card .client-facts a[href^=\"tel:\"]')].map(a => a.textContent);").await,
        json!([phone])
    );
    // The last order's courier sits on its row, not above it.
    assert_eq!(
        js(
            &c,
            "const r = document.querySelector('#recent-orders .mini-order');
                const a = r.querySelector('.date').getBoundingClientRect();
                const b = r.querySelector('.courier').getBoundingClientRect();
                return Math.abs(a.top - b.top) < 6 && r.getBoundingClientRect().height < 40;"
        )
        .await,
        true
    );

    // From here every keystroke and click counts.
    let mut actions = 0;
    press(&c, &format!("{}r", Key::Alt)).await; // Alt+R: repeat the last order
    actions += 1;
    wait_until(&c, "#order-total", Some("data-value"), |v| v == "50000").await;
    assert_eq!(
        active_id(&c).await,
        "save-dispatch",
        "after a repeat, Enter saves"
    );
    press(&c, &Key::Enter.to_string()).await; // Enter: save & dispatch
    actions += 1;
    wait_until(&c, "#order-saved", Some("data-state"), |s| s == "delivery").await;
    screenshot(&c, "console-dispatched.png").await;
    assert!(actions <= 5, "{actions} actions after the pop");

    // The server agrees: one new order, dispatched, same lines, linked to the call.
    let orders = app
        .get(&format!("/api/orders?client_id={}", enc(&client_id)), &op)
        .await
        .ok();
    let fresh: Vec<&Value> = orders
        .as_array()
        .expect("orders")
        .iter()
        .filter(|o| o["id"] != last_id.as_str())
        .collect();
    assert_eq!(fresh.len(), 1, "exactly one new order: {orders}");
    let order = fresh[0];
    assert_eq!(order["state"], "delivery");
    assert_eq!(order["courier_id"], courier_id.as_str());
    assert_eq!(order["address"]["id"], address_id.as_str());
    assert_eq!(order["lines"][0]["qty"], 2);
    assert_eq!(order["total"], 50000);
    assert_eq!(order["window"]["from"], "13:00");
    assert!(order["delivery_date"].as_str() > Some(app.today().as_str()));
    let calls = app.get("/api/calls", &op).await.ok();
    let call = calls
        .as_array()
        .expect("calls")
        .iter()
        .find(|c| c["call_id"] == "pbx-call-1")
        .unwrap_or_else(|| panic!("call not listed: {calls}"));
    assert_eq!(call["order_ids"], json!([order["id"]]));

    c.close().await.expect("close browser");
}

/// St Petersburg's 812 (like every area code that begins with 8) was cut
/// to an impossible number and refused before `rlibphonenumber`.
#[tokio::test]
async fn a_st_petersburg_landline_pops_the_clients_card() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op1", "operator", Some("101")).await;
    let (client_id, _) = app
        .client("Офис на Невском", "legal", "8 (812) 123-45-67")
        .await;

    let (_driver, c) = browser("en-US").await;
    log_in(&c, &app, "op1").await;
    let status = app
        .call_event(
            json!({ "event": "ringing", "call_id": "pbx-spb-1", "from": "+7 812 123-45-67",
                    "to": "+78005553535", "extension": "101" }),
        )
        .await;
    assert_eq!(status, 204);

    wait_for(&c, "#pop #client-card").await;
    wait_until(&c, "#client-name", None, |t| t == "Офис на Невском").await;
    wait_until(&c, "#call-from", None, |t| t == "+78121234567").await;
    screenshot(&c, "console-pop-spb.png").await;
    let calls = app.get("/api/calls", &app.admin).await.ok();
    assert_eq!(calls[0]["client_ids"], json!([client_id]), "{calls}");

    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_unknown_number_pops_a_new_client_form_that_keeps_input_on_errors() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op2", "operator", Some("102")).await;
    app.user("courier2", "courier", None).await;
    app.product("W19", "water", 25000, true).await;

    let (_driver, c) = browser("en-US").await;
    log_in(&c, &app, "op2").await;
    let status = app
        .call_event(
            json!({ "event": "ringing", "call_id": "pbx-call-2", "from": "+79169990011",
                            "to": "+74950000000", "extension": "102" }),
        )
        .await;
    assert_eq!(status, 204);

    let form = wait_for(&c, "#pop #new-client-form").await;
    let phones = wait_for(&c, "#new-client-phones").await;
    assert_eq!(
        phones.prop("value").await.expect("value").as_deref(),
        Some("+79169990011")
    );
    // A name but no address: the server's 422 lands next to the address field.
    let name = wait_for(&c, "#new-client-name").await;
    name.send_keys("Anna Smirnova").await.expect("name");
    form.find(Locator::Css("#save-client"))
        .await
        .expect("save button")
        .click()
        .await
        .expect("save");
    wait_for(&c, ".field-error[data-field='addresses[0].text']").await;
    assert_eq!(
        name.prop("value").await.expect("value").as_deref(),
        Some("Anna Smirnova"),
        "typed input survives the error"
    );
    screenshot(&c, "console-new-client-error.png").await;

    wait_for(&c, "#new-client-address-0")
        .await
        .send_keys("Lenina 5, apt 12")
        .await
        .expect("address");
    press(&c, &Key::Enter.to_string()).await;
    wait_until(&c, "#client-name", None, |t| t == "Anna Smirnova").await;
    wait_for(&c, "#order-form").await;
    screenshot(&c, "console-new-client.png").await;

    let found = app
        .get(
            &format!("/api/clients/lookup?phone={}", enc("+79169990011")),
            &app.admin,
        )
        .await
        .ok();
    assert_eq!(found["matches"][0]["name"], "Anna Smirnova");
    c.close().await.expect("close browser");
}

//! Client upkeep in the console, in real headless Chromium at 1366x768 in
//! Russian (issue 18, items 1 and 2): a call from an address's contact
//! phone shared by two clients brings the chooser and then that address;
//! the client is edited, a stale save is refused without losing the typing,
//! an address is added and retired, notes are added, and another operator's
//! changes show live; a recorded call plays in the client's history
//! (item 3). Skips without `frontend/dist` and Chromium, unless
//! RODNIK_FULL_SUITE is set.

use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::{id_of, App};
use serde_json::json;

async fn ring(app: &App, call_id: &str, from: &str) {
    let status = app
        .call_event(
            json!({ "event": "ringing", "call_id": call_id, "from": from,
                            "to": "+74950000000", "extension": "101" }),
        )
        .await;
    assert_eq!(status, 204);
}

/// Texts of the elements matching `css`, as the page has them.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let v = js(
        c,
        &format!("return [...document.querySelectorAll({css:?})].map(e => e.textContent.trim())"),
    )
    .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_call_from_a_shared_contact_phone_offers_both_clients_then_that_address() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op1", "operator", Some("101")).await;
    app.product("W19", "water", 25000, true).await;
    let reception = "+79035556677";
    let make = |name: &str, phone: &str, office: &str| {
        json!({ "kind": "legal", "name": name, "phones": [phone],
                "addresses": [
                    { "text": "Москва, Тверская 1, склад", "label": "Склад" },
                    { "text": office, "label": "Офис", "contact_name": "Ресепшн",
                      "contact_phone": reception, "entrance": "1", "floor": "3",
                      "delivery_note": "пропуск заказан на ресепшн" }
                ] })
    };
    let romashka = app
        .post(
            "/api/clients",
            &app.admin,
            make("ООО Ромашка", "+79160000001", "Москва, Ленина 5, офис 12"),
        )
        .await
        .expect(201);
    app.post(
        "/api/clients",
        &app.admin,
        make("ООО Лютик", "+79160000002", "Москва, Ленина 5, офис 20"),
    )
    .await
    .expect(201);

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    ring(&app, "pbx-reception", "8 903 555-66-77").await;
    wait_for(&c, "#pop-matches").await;
    let mut offered = texts(&c, "#pop-matches .pop-match .address").await;
    offered.sort();
    assert_eq!(
        offered,
        ["Москва, Ленина 5, офис 12", "Москва, Ленина 5, офис 20"],
        "each client shows the address whose contact is calling"
    );
    screenshot(&c, "console-contact-chooser.png").await;

    click(
        &c,
        &format!("#pop-matches .pop-match[data-id='{}']", id_of(&romashka)),
    )
    .await;
    wait_until(&c, "#client-name", None, |t| t == "ООО Ромашка").await;
    let office = id_of(&romashka["addresses"][1]);
    wait_until(&c, ".address.caller", Some("data-id"), |v| v == office).await;
    let chosen = js(&c, "return document.querySelector('#order-address').value").await;
    assert_eq!(
        chosen,
        json!(office),
        "the order goes to the caller's office"
    );
    let access = texts(&c, ".address.caller .access").await;
    assert_eq!(access, ["подъезд 1 · этаж 3"]);
    screenshot(&c, "console-contact-card.png").await;
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_operator_keeps_the_client_up_to_date_from_the_card() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op1", "operator", Some("101")).await;
    let (_, other) = app.user("op2", "operator", None).await;
    app.product("W19", "water", 25000, true).await;
    let (client, _) = app
        .client("Иван Петров", "individual", "+79161112233")
        .await;
    let path = format!("/api/clients/{client}");

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    ring(&app, "pbx-upkeep", "+79161112233").await;
    wait_until(&c, "#client-name", None, |t| t == "Иван Петров").await;

    // Details: name, INN-less individual, a second phone, a note.
    click(&c, "#edit-client").await;
    retype(&c, "#edit-name", "Петров Иван Сергеевич").await;
    retype(&c, "#edit-phones", "+79161112233, 8 926 000-11-22").await;
    retype(&c, "#edit-note", "звонить после 10").await;
    screenshot(&c, "console-client-edit.png").await;
    click(&c, "#client-edit-form .save").await;
    wait_until(&c, "#client-name", None, |t| t == "Петров Иван Сергеевич").await;
    wait_until(&c, "#client-note", None, |t| t == "звонить после 10").await;
    assert!(c.find(Locator::Css("#client-edit-form")).await.is_err());
    let saved = app.get(&path, &app.admin).await.expect(200);
    assert_eq!(saved["phones"], json!(["+79161112233", "+79260001122"]));

    // Another operator renames the client: the card follows live.
    app.patch(&path, &other, json!({ "name": "Петров И. С." }))
        .await
        .expect(200);
    wait_until(&c, "#client-name", None, |t| t == "Петров И. С.").await;

    // A save on a version someone changed meanwhile: refused, typing kept.
    click(&c, "#edit-client").await;
    retype(&c, "#edit-name", "Петров Иван").await;
    app.patch(&path, &other, json!({ "inn": "500100732259" }))
        .await
        .expect(200);
    click(&c, "#client-edit-form .save").await;
    wait_for(&c, "#client-edit-form .stale").await;
    let typed = wait_for(&c, "#edit-name")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(typed.as_deref(), Some("Петров Иван"));
    let inn = wait_for(&c, "#edit-inn")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        inn.as_deref(),
        Some("500100732259"),
        "a field not typed in follows the other operator's change"
    );
    screenshot(&c, "console-client-stale.png").await;
    click(&c, "#client-edit-form .save").await;
    wait_until(&c, "#client-name", None, |t| t == "Петров Иван").await;
    let now = app.get(&path, &app.admin).await.expect(200);
    assert_eq!(now["inn"], "500100732259", "the other operator's INN stays");

    // A second address with entrance, floor and a note for the courier.
    click(&c, "#card-add-address").await;
    retype(&c, "#address-text", "Москва, Складская 7").await;
    retype(&c, "#address-label", "Дача").await;
    retype(&c, "#address-entrance", "2").await;
    retype(&c, "#address-floor", "4").await;
    retype(&c, "#address-delivery-note", "пустые у двери").await;
    screenshot(&c, "console-address-new.png").await;
    click(&c, "#address-form .save").await;
    wait_until(&c, "#client-card .addresses", None, |t| {
        t.contains("Складская 7")
    })
    .await;
    let card = app.get(&path, &app.admin).await.expect(200);
    let added = card["addresses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["label"] == "Дача"))
        .cloned()
        .expect("the new address");
    assert_eq!(added["entrance"], "2");
    assert_eq!(added["floor"], "4");
    assert_eq!(added["delivery_note"], "пустые у двери");
    let added_id = id_of(&added);
    let options = texts(&c, "#order-address option").await;
    assert!(
        options.iter().any(|o| o.contains("Складская 7")),
        "{options:?}"
    );

    // Retired: out of the order form, under "retired", and back again.
    click(
        &c,
        &format!(".address[data-id='{added_id}'] .retire-address"),
    )
    .await;
    wait_for(
        &c,
        &format!("#retired-addresses .address[data-id='{added_id}']"),
    )
    .await;
    wait_until(&c, "#order-address", None, |t| !t.contains("Складская 7")).await;
    let card = app.get(&path, &app.admin).await.expect(200);
    assert_eq!(
        card["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|a| id_of(a) == added_id))
            .map(|a| a["retired"].clone()),
        Some(json!(true))
    );
    // The only address in use cannot be retired: no button for it.
    assert!(c
        .find(Locator::Css(
            ".addresses > .address:not(.retired) .retire-address"
        ))
        .await
        .is_err());
    screenshot(&c, "console-address-retired.png").await;

    // Notes: one typed here, one by the other operator, arriving live.
    retype(&c, "#note-text", "просил не звонить в домофон").await;
    click(&c, "#note-add").await;
    wait_until(&c, "#history .note .text", None, |t| {
        t == "просил не звонить в домофон"
    })
    .await;
    app.post(
        &format!("{path}/notes"),
        &other,
        json!({ "text": "с января новый адрес" }),
    )
    .await
    .expect(201);
    wait_until(&c, "#history .note .text", None, |t| {
        t == "с января новый адрес"
    })
    .await;
    let who = texts(&c, "#history .note .who").await;
    assert_eq!(
        who,
        ["op2 name", "op1 name"],
        "newest first, with who wrote it"
    );
    screenshot(&c, "console-client-notes.png").await;
    c.close().await.expect("close browser");
}

/// Item 4: the client calls back to move the time: the open order is changed
/// from the card without the board (date, window, lines, courier), stays
/// dispatched and moves to the new courier's route; then it is cancelled
/// with a reason.
#[tokio::test]
async fn a_client_who_calls_back_gets_the_order_moved_from_the_console() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("op1", "operator", Some("101")).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (petya, _) = app.user("petya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, address) = app
        .client("Иван Петров", "individual", "+79161112233")
        .await;
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address, "courier_id": kolya,
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.day(1) }),
        )
        .await;
    let id = id_of(&o);
    app.post(&format!("/api/orders/{id}/dispatch"), &app.admin, json!({}))
        .await
        .expect(200);

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    ring(&app, "pbx-callback", "+79161112233").await;
    wait_until(&c, "#client-name", None, |t| t == "Иван Петров").await;
    click(&c, &format!("#active-orders .change-order[data-id='{id}']")).await;
    wait_until(&c, "#changing-order", Some("data-id"), |v| v == id).await;
    let date = js(&c, "return document.querySelector('#order-date').value").await;
    assert_eq!(date, json!(app.day(1)), "the form holds the order as it is");

    let later = app.day(2);
    set_value(&c, "#order-date", &later).await;
    set_value(&c, "#order-window", "13:00-18:00").await;
    set_value(&c, "#order-courier", &petya).await;
    set_value(
        &c,
        &format!("#order-lines tr.line[data-product-id='{water}'] input.qty"),
        "3",
    )
    .await;
    screenshot(&c, "console-change-order.png").await;
    click(&c, "#save-dispatch").await;
    wait_until(&c, "#order-saved", Some("data-id"), |v| v == id).await;
    let changed = app
        .get(&format!("/api/orders/{id}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(changed["delivery_date"], json!(later));
    assert_eq!(changed["window"]["from"], "13:00", "{changed}");
    assert_eq!(changed["courier_id"], json!(petya));
    assert_eq!(
        changed["state"], "delivery",
        "still dispatched, on the new route"
    );
    assert_eq!(changed["lines"][0]["qty"], 3);
    assert_eq!(changed["total"], 75000);
    let route = app
        .get(
            &format!("/api/route?courier_id={petya}&date={later}"),
            &app.admin,
        )
        .await
        .expect(200);
    assert!(route.to_string().contains(&id), "{route}");
    // The form is a new order again; the card shows the change.
    assert!(c.find(Locator::Css("#changing-order")).await.is_err());

    // The client calls again: cancel it, with a reason.
    click(&c, &format!("#active-orders .change-order[data-id='{id}']")).await;
    wait_for(&c, "#change-cancel #act-cancel-reason").await;
    set_value(&c, "#act-cancel-reason", "duplicate").await;
    click(&c, "#act-cancel").await;
    wait_until(&c, "#order-saved", Some("data-state"), |v| v == "cancelled").await;
    let gone = app
        .get(&format!("/api/orders/{id}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(gone["state"], "cancelled");
    assert_eq!(gone["cancel_reason_id"], "duplicate", "{gone}");
    assert_eq!(gone["cancel_reason"], "Дубль заказа", "{gone}");
    // The card reloads: the order is no longer open.
    let gone_from_card = format!(
        "return document.querySelector(\"#active-orders .change-order[data-id='{id}']\") === null"
    );
    wait_js(&c, &gone_from_card, "the cancelled order left the card").await;
    screenshot(&c, "console-order-cancelled.png").await;

    // The history: the cancelled order (filtered by state) and the call;
    // "repeat" makes a new order of it.
    set_value(&c, "#history-state", "cancelled").await;
    wait_until(&c, "#history", None, |t| !t.contains("☎")).await;
    wait_for(
        &c,
        &format!("#history .event.order[data-id='{id}'][data-state='cancelled']"),
    )
    .await;
    set_value(&c, "#history-state", "").await;
    wait_for(&c, "#history .event.call").await;
    click(
        &c,
        &format!("#history .event.order[data-id='{id}'] .repeat-order"),
    )
    .await;
    let qty = format!("#order-lines tr.line[data-product-id='{water}'] input.qty");
    let filled = format!("return document.querySelector({qty:?})?.value === '3'");
    wait_js(&c, &filled, "repeat filled the quantity").await;
    assert!(
        c.find(Locator::Css("#changing-order")).await.is_err(),
        "a new order"
    );
    screenshot(&c, "console-history.png").await;
    c.close().await.expect("close browser");
}

/// Posts a Mango Office event, signed as Mango signs it.
async fn mango_event(app: &App, path: &str, event: serde_json::Value, key: &str, salt: &str) {
    let json = event.to_string();
    let sign = rodnik::telephony::mango::sign(key, &json, salt);
    let status = rodnik_tests::pbx::mango_post(app, path, key, &json, &sign).await;
    assert_eq!(status, 200, "{path}");
}

/// Issue 18, item 3: a call Mango recorded shows "▶ Запись" in the client's
/// history; a click plays it in the page (the audio decodes: its length is
/// known); a recording Mango has not uploaded yet says so in Russian.
#[tokio::test]
async fn a_recorded_call_plays_in_the_clients_history() {
    if !runnable() {
        return;
    }
    const KEY: &str = "browser-mango-key";
    const SALT: &str = "browser-mango-salt";
    let api = rodnik_tests::pbx::FakeMangoRecordings::start(
        KEY,
        SALT,
        vec![("rec-1", "audio/wav", rodnik_tests::pbx::tone_wav(3))],
    )
    .await;
    let mut cfg = rodnik::config::Config::for_tests();
    cfg.static_dir = Some(dist());
    cfg.telephony.set("mango", "api_key", KEY);
    cfg.telephony.set("mango", "api_salt", SALT);
    cfg.telephony
        .set("mango", "api_url", &format!("{}/vpbx", api.base));
    let app = rodnik_tests::spawn_with(cfg).await;
    app.user("op1", "operator", Some("101")).await;
    let (client, _) = app
        .client("Мария Записанная", "individual", "+79161112299")
        .await;
    let entry = "MjQ1Nzg2NDQ4OQ==";
    let leg = |seq: i64, state: &str| {
        json!({ "entry_id": entry, "call_id": "leg-1", "timestamp": 1764230400 + seq, "seq": seq,
                "call_state": state, "location": "abonent", "from": { "number": "79161112299" },
                "to": { "extension": "101", "number": "sip:op101@vpbx.mangosip.ru" } })
    };
    for (seq, state) in [(1, "Appeared"), (2, "Connected"), (3, "Disconnected")] {
        mango_event(&app, "/events/call", leg(seq, state), KEY, SALT).await;
    }
    mango_event(
        &app,
        "/events/summary",
        json!({ "entry_id": entry, "call_direction": 1, "from": { "number": "79161112299" },
                "to": { "extension": "101" }, "entry_result": 1, "end_time": 1764230470 }),
        KEY,
        SALT,
    )
    .await;
    for rec in ["rec-1", "rec-not-yet"] {
        mango_event(
            &app,
            "/events/record/added",
            json!({ "entry_id": entry, "product_id": 1, "user_id": 2, "timestamp": 1764230480,
                    "recording_id": rec }),
            KEY,
            SALT,
        )
        .await;
    }
    let history = app
        .get(&format!("/api/clients/{client}/history"), &app.admin)
        .await
        .ok();
    let ids: Vec<String> = history["calls"][0]["recordings"]
        .as_array()
        .expect("recordings")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{history}");

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    retype(&c, "#client-search", "Записанная").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    wait_until(&c, "#client-card", Some("data-id"), |v| v == client).await;
    // The picked client's card is open: the list closed (it covered the card).
    wait_js(
        &c,
        "return document.querySelector('#search-results') === null",
        "the search list closed on the pick",
    )
    .await;
    let rows = "#history .event.call .recording .play-recording";
    wait_for(&c, rows).await;
    let labels = texts(&c, rows).await;
    assert_eq!(labels, vec!["▶ Запись", "▶ Запись"], "{labels:?}");

    // The one Mango has: it loads, decodes (3 s long) and can be saved.
    let mut played = None;
    for id in &ids {
        let button = format!("#history .recording[data-recording='{id}'] .play-recording");
        click(&c, &button).await;
        let settled = format!(
            "const r = document.querySelector(\"#history .recording[data-recording='{id}']\");
             return !!r && (!!r.querySelector('audio') || !!r.querySelector('.recording-error'))"
        );
        wait_js(&c, &settled, "the recording loaded or failed").await;
        let has_audio = js(
            &c,
            &format!("return !!document.querySelector(\"#history .recording[data-recording='{id}'] audio\")"),
        )
        .await;
        if has_audio == json!(true) {
            played = Some(id.clone());
        }
    }
    let played = played.expect("one recording played");
    let decoded = format!(
        "const a = document.querySelector(\"#history .recording[data-recording='{played}'] audio.recording-audio\");
         return !!a && !a.error && a.readyState >= 1 && Math.round(a.duration) === 3
             && a.src.startsWith('blob:')"
    );
    wait_js(&c, &decoded, "the recording decoded, 3 s long").await;
    let save = texts(
        &c,
        &format!("#history .recording[data-recording='{played}'] .recording-save"),
    )
    .await;
    assert_eq!(save, vec!["Скачать"]);
    // The other: Mango has not got it yet, and the operator is told so.
    let other = ids.iter().find(|i| **i != played).expect("the other");
    let error = texts(
        &c,
        &format!("#history .recording[data-recording='{other}'] .recording-error"),
    )
    .await;
    assert_eq!(error.len(), 1, "{error:?}");
    assert!(error[0].contains("АТС ещё не отдала"), "{error:?}");
    screenshot(&c, "console-history-recording.png").await;
    c.close().await.expect("close browser");
}

/// Issue 19, item 1: the count on the card opens the bottle ledger (a
/// delivery's full and empty bottles); a manager corrects the count there
/// with a reason and the card follows.
#[tokio::test]
async fn the_bottle_count_opens_the_ledger_where_a_manager_corrects_it() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("boss", "manager", None).await;
    let (_, op) = app.user("op1", "operator", Some("101")).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app
        .client("Пётр Тарный", "individual", "+79161112277")
        .await;
    let id = app
        .dispatched_stop(&op, (&client, &addr), (&water, 3), &kolya_id)
        .await;
    app.post(
        &format!("/api/orders/{id}/deliver"),
        &kolya,
        json!({ "cash_collected": 75000, "empties_returned": 1 }),
    )
    .await
    .expect(200);

    let (_driver, c) = browser("ru-RU").await;
    sign_in(&c, &app, "boss").await;
    wait_for(&c, "#nav-admin").await;
    c.goto(&app.url("/console")).await.expect("console");
    wait_until(&c, "#live-status", Some("data-state"), |s| s == "online").await;
    retype(&c, "#client-search", "Тарный").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    wait_until(&c, "#bottles-held b", None, |t| t == "2").await;
    click(&c, "#bottles-held").await;
    wait_until(
        &c,
        "#bottle-ledger li.bottle-move[data-kind='delivered'] .qty",
        None,
        |t| t == "+3",
    )
    .await;
    wait_until(
        &c,
        "#bottle-ledger li.bottle-move[data-kind='returned'] .kind",
        None,
        |t| t == "забрали пустые",
    )
    .await;
    // A reason is needed: nothing is recorded without one.
    retype(&c, "#bottle-correct-qty", "-1").await;
    click(&c, "#bottle-correct-save").await;
    wait_for(&c, "#bottle-correct .field-error[data-field='reason']").await;
    retype(&c, "#bottle-correct-reason", "одна разбита у клиента").await;
    click(&c, "#bottle-correct-save").await;
    wait_until(&c, "#bottles-held b", None, |t| t == "1").await;
    wait_until(
        &c,
        "#bottle-ledger li.bottle-move:first-child",
        Some("data-kind"),
        |k| k == "adjusted",
    )
    .await;
    let first = texts(&c, "#bottle-ledger li.bottle-move:first-child .what").await;
    assert!(
        first[0].contains("одна разбита у клиента") && first[0].contains("boss name"),
        "{first:?}"
    );
    screenshot(&c, "console-bottle-ledger.png").await;
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn the_order_form_adds_the_deposit_the_rule_asks_and_the_card_shows_deposits_held() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, boss) = app.user("boss", "manager", None).await;
    let (_, op) = app.user("op1", "operator", Some("101")).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app
        .client("Анна Залогова", "individual", "+79161112288")
        .await;
    app.put(
        "/api/settings/bottles",
        &boss,
        json!({ "deposit_price": 30000, "free_individual": 0, "free_legal": 2 }),
    )
    .await
    .expect(200);
    // Her first order: a deposit for both bottles, paid at the door.
    let first = app
        .dispatched_stop(&op, (&client, &addr), (&water, 2), &kolya_id)
        .await;
    app.post(
        &format!("/api/orders/{first}/deliver"),
        &kolya,
        json!({ "cash_collected": 110000, "empties_returned": 0 }),
    )
    .await
    .expect(200);

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    retype(&c, "#client-search", "Залогова").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{client}']"),
    )
    .await;
    // The card: two bottles, a deposit for both.
    wait_until(&c, "#deposit-held", Some("data-bottles"), |v| v == "2").await;
    assert_eq!(
        wait_for(&c, "#deposit-held")
            .await
            .attr("data-value")
            .await
            .expect("attr")
            .as_deref(),
        Some("60000")
    );
    click(&c, "#bottles-held").await;
    wait_until(&c, "#bottle-deposits", Some("data-bottles"), |v| v == "2").await;
    wait_until(
        &c,
        "#bottle-ledger li.bottle-move[data-kind='deposit_taken'] .qty",
        None,
        |t| t == "+2",
    )
    .await;

    // Three bottles now: two go back in exchange, one more stays: a deposit for one.
    let qty = format!("#order-lines tr.line[data-product-id='{water}'] input.qty");
    retype(&c, &qty, "3").await;
    wait_until(&c, "#order-deposit", Some("data-bottles"), |v| v == "1").await;
    wait_until(&c, "#order-deposit", Some("data-amount"), |v| v == "30000").await;
    wait_until(&c, "#order-due", Some("data-value"), |v| v == "105000").await;
    screenshot(&c, "console-order-deposit.png").await;
    // The client brings a bottle of her own: no deposit, and the form asks why.
    click(&c, "#deposit-minus").await;
    wait_until(&c, "#order-deposit", Some("data-bottles"), |v| v == "0").await;
    set_value(&c, "#order-courier", &kolya_id).await;
    click(&c, "#save-dispatch").await;
    wait_for(
        &c,
        "#order-deposit .field-error[data-field='deposit_reason']",
    )
    .await;
    retype(&c, "#deposit-reason", "своя бутыль").await;
    click(&c, "#save-dispatch").await;
    wait_until(&c, "#order-saved", Some("data-state"), |s| s == "delivery").await;
    let orders = app
        .get(
            &format!("/api/orders?client_id={client}&state=delivery"),
            &op,
        )
        .await
        .expect(200);
    let saved = orders
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        saved["deposit"],
        json!({ "bottles": 0, "price": 30000, "amount": 0, "rule": 1, "reason": "своя бутыль" }),
        "{saved}"
    );
    c.close().await.expect("close browser");
}

//! The SBP QR and the fiscal receipts (issue 20, item 5) in real headless
//! Chromium, in Russian. An admin fills in "Оплата по СБП" and "Онлайн-касса
//! (АТОЛ Онлайн)" in the company's requisites; a courier closing a stop by
//! SBP shows the client a QR code: by requisites before the company has an
//! SBP link, the link with the amount in kopecks after. With the cash
//! register pointing at a port nobody listens on, an individual's delivery
//! leaves a pending receipt whose error shows in the reports' Деньги tab
//! ("Чеки: не пробиты") and on the order's line in the client's history;
//! a manager sends it again. Screenshots: receipts-qr.png, receipts.png.
//!
//! Needs `frontend/dist` and Chromium with chromedriver; see tests/src/browser.rs.

use std::time::{Duration, Instant};

use rodnik_tests::atol::{FakeAtol, Mode};
use rodnik_tests::browser::*;
use rodnik_tests::App;
use serde_json::{json, Value};

/// A cash register nobody answers at (the discard port, closed here).
const UNREACHABLE: &str = "http://127.0.0.1:9/possystem/v5";
const SBP_LINK: &str = "https://qr.nspk.ru/AS1000TEST?type=02&bank=100000000111";

fn company() -> Value {
    json!({
        "name": "ООО «Родник»", "inn": "7701234567", "kpp": "770101001",
        "ogrn": "1027700132195", "address": "г. Москва, ул. Родниковая, д. 1",
        "email": "info@rodnik.test",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "account": "40702810900000000001", "corr_account": "30101810400000000225",
        "director": "Иванов И. И.", "accountant": "Петрова А. А.",
        "transfer_doc": "upd", "invoice_prefix": "С-", "transfer_prefix": "",
        "yearly_numbers": true
    })
}

fn stop(id: &str) -> String {
    format!("#route li.route-stop[data-id='{id}']")
}

/// The order's receipts once `ready` holds for the first, as the server has them.
async fn receipts_when(
    app: &App,
    token: &str,
    order: &str,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let list = app
            .get(&format!("/api/orders/{order}/receipts"), token)
            .await
            .expect(200);
        if list.get(0).is_some_and(&ready) {
            return list[0].clone();
        }
        assert!(Instant::now() < deadline, "{what}: {list}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn an_admin_sets_the_sbp_link_and_the_cash_register_and_a_courier_shows_the_qr() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let ivan = app
        .client("Иван Петров", "individual", "+79161234567")
        .await;
    app.holds(&ivan.0, 10).await;
    // The bank details are there, the SBP link is not yet.
    app.put("/api/settings/company", &app.admin, company())
        .await
        .expect(200);
    // 500,00 due.
    let s1 = app
        .dispatched_stop(&op, (&ivan.0, &ivan.1), (&water, 2), &kolya_id)
        .await;

    // Without a link the courier's QR pays by requisites, naming the order.
    let (_p, phone) = phone_browser("ru").await;
    courier_log_in(&phone, &app, "kolya").await;
    click(&phone, &format!("{} .btn-deliver", stop(&s1))).await;
    wait_until(&phone, "#close-form", Some("data-id"), |v| v == s1).await;
    click(&phone, "#pay-sbp").await;
    wait_until(&phone, "#pay-way", Some("data-way"), |v| v == "sbp").await;
    wait_until(&phone, "#pay-qr", Some("data-kind"), |v| v == "requisites").await;
    wait_js(
        &phone,
        "return !!document.querySelector('#pay-qr .qr-image svg path')
             && !document.querySelector('#pay-qr-link');",
        "a QR by requisites is drawn, with no link",
    )
    .await;
    assert_eq!(
        text_of(&phone, "#pay-qr-amount").await,
        "К оплате: 500,00 ₽"
    );
    click(&phone, "#close-back").await;

    // The admin fills in the SBP link and the cash register.
    let (_d, c) = browser("ru-RU").await;
    admin_log_in(&c, &app).await;
    click(&c, "#nav-admin").await;
    click(&c, "#tab-company").await;
    wait_for(&c, "#company-settings[data-loaded='true']").await;
    wait_until(&c, "#company-sbp legend", None, |t| t == "Оплата по СБП").await;
    wait_until(&c, "#company-fiscal legend", None, |t| {
        t == "Онлайн-касса (АТОЛ Онлайн)"
    })
    .await;
    // The cash register's address is offered; no password is stored.
    wait_js(
        &c,
        "return document.querySelector('#company-fiscal-url').value
             === 'https://online.atol.ru/possystem/v5';",
        "ATOL Online's address is offered",
    )
    .await;
    assert!(js(
        &c,
        "return !document.querySelector('#company-fiscal-password-set');"
    )
    .await
    .as_bool()
    .unwrap_or(false));
    retype(&c, "#company-sbp-link", SBP_LINK).await;
    click(&c, "#company-sbp-takes-sum").await;
    click(&c, "#company-fiscal-enabled").await;
    retype(&c, "#company-fiscal-url", UNREACHABLE).await;
    for (css, v) in [
        ("#company-fiscal-login", "rodnik-test"),
        ("#company-fiscal-password", "atol-secret-1"),
        ("#company-fiscal-group-code", "rodnik-test_1234"),
        ("#company-fiscal-payment-address", "rodnik.test"),
        ("#company-fiscal-email", "kassa@rodnik.test"),
    ] {
        retype(&c, css, v).await;
    }
    let sno = text_of(&c, "#company-fiscal-sno").await;
    for label in [
        "ОСН",
        "УСН доходы",
        "УСН доходы минус расходы",
        "ЕСХН",
        "Патент",
    ] {
        assert!(sno.contains(label), "{label} is offered: {sno}");
    }
    set_value(&c, "#company-fiscal-sno", "usn_income").await;
    click(&c, "#company-save").await;
    wait_for(&c, "#company-saved").await;
    // The password is write-only: the field is empty and says it is set.
    wait_until(&c, "#company-fiscal-password-set", None, |t| {
        t == "пароль задан"
    })
    .await;
    wait_js(
        &c,
        "return document.querySelector('#company-fiscal-password').value === '';",
        "the password is never shown",
    )
    .await;
    screenshot(&c, "company-receipts.png").await;
    let stored = app.get("/api/settings/company", &app.admin).await.ok();
    assert_eq!(
        stored["sbp"],
        json!({ "link": SBP_LINK, "link_takes_sum": true }),
        "{stored}"
    );
    let f = &stored["fiscal"];
    assert_eq!(
        (&f["enabled"], &f["url"], &f["login"], &f["password_set"]),
        (
            &json!(true),
            &json!(UNREACHABLE),
            &json!("rodnik-test"),
            &json!(true)
        ),
        "{stored}"
    );
    assert_eq!(
        (
            &f["group_code"],
            &f["sno"],
            &f["payment_address"],
            &f["email"]
        ),
        (
            &json!("rodnik-test_1234"),
            &json!("usn_income"),
            &json!("rodnik.test"),
            &json!("kassa@rodnik.test")
        ),
        "{stored}"
    );
    assert!(f.get("password").is_none(), "never sent back: {stored}");
    // Saved again untouched: the password stays.
    click(&c, "#company-save").await;
    wait_for(&c, "#company-saved").await;
    let again = app.get("/api/settings/company", &app.admin).await.ok();
    assert_eq!(again["fiscal"]["password_set"], true, "{again}");
    c.close().await.expect("close browser");

    // The courier's app loads the link with the route: the QR is the link
    // with the amount in kopecks, which follows what is typed.
    phone.refresh().await.expect("reload");
    wait_until(&phone, "#courier", Some("aria-busy"), |b| b == "false").await;
    click(&phone, &format!("{} .btn-deliver", stop(&s1))).await;
    click(&phone, "#pay-sbp").await;
    wait_until(&phone, "#pay-qr", Some("data-kind"), |v| v == "sbp").await;
    let with_sum = format!("{SBP_LINK}&sum=50000&cur=RUB");
    wait_until(&phone, "#pay-qr-link", None, |t| t == with_sum).await;
    wait_until(&phone, "#pay-qr-link", Some("href"), |h| h == with_sum).await;
    wait_for(&phone, "#pay-qr .qr-image svg path").await;
    assert_eq!(
        text_of(&phone, "#pay-qr-amount").await,
        "К оплате: 500,00 ₽"
    );
    let first_qr = js(
        &phone,
        "return document.querySelector('#pay-qr .qr-image').innerHTML;",
    )
    .await;
    click(&phone, "#pay-split").await;
    wait_js(
        &phone,
        "return !document.querySelector('#pay-qr') && !document.querySelector('#pay-qr-none');",
        "a split with nothing by SBP shows no QR",
    )
    .await;
    retype(&phone, "#sbp-input", "200").await;
    wait_until(&phone, "#pay-qr-link", None, |t| t.contains("sum=20000")).await;
    wait_until(&phone, "#pay-qr", Some("data-amount"), |v| v == "20000").await;
    let second_qr = js(
        &phone,
        "return document.querySelector('#pay-qr .qr-image').innerHTML;",
    )
    .await;
    assert_ne!(first_qr, second_qr, "the QR follows the amount");
    screenshot(&phone, "receipts-qr.png").await;
    click(&phone, "#pay-sbp").await;
    click(&phone, "#confirm-deliver").await;
    wait_until(&phone, &stop(&s1), Some("data-pending"), |p| {
        p == "delivered"
    })
    .await;

    // The delivery paid by SBP made an individual's receipt, all electronic.
    let r = receipts_when(&app, &op, &s1, "a receipt of the delivery", |_| true).await;
    assert_eq!(
        (&r["total"], &r["electronic"], &r["cash"], &r["kind"]),
        (&json!(50000), &json!(50000), &json!(0), &json!("sell")),
        "{r}"
    );
    phone.close().await.expect("close browser");
}

#[tokio::test]
async fn a_receipt_the_cash_register_did_not_take_shows_its_error_and_is_sent_again() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    // The fiscal service refuses the receipt (error 32) until told otherwise.
    let atol = FakeAtol::start().await;
    atol.set_mode(Mode::Refuse);
    let mut settings = company();
    settings["fiscal"] = json!({
        "enabled": true, "url": atol.url, "login": rodnik_tests::atol::LOGIN,
        "password": rodnik_tests::atol::PASSWORD, "group_code": rodnik_tests::atol::GROUP,
        "sno": "usn_income", "payment_address": "rodnik.test", "email": "kassa@rodnik.test"
    });
    app.put("/api/settings/company", &app.admin, settings)
        .await
        .expect(200);
    let anna = app
        .client("Анна Чековая", "individual", "+79031112299")
        .await;
    app.holds(&anna.0, 10).await;
    let id = app
        .dispatched_stop(&op, (&anna.0, &anna.1), (&water, 3), &kolya_id)
        .await;
    let number = app.get(&format!("/api/orders/{id}"), &op).await.expect(200)["number"]
        .as_i64()
        .expect("number");
    app.post(
        &format!("/api/orders/{id}/deliver"),
        &kolya,
        json!({ "cash_collected": 75000, "empties_returned": 3 }),
    )
    .await
    .expect(200);
    // The worker sent it and the service refused it.
    let r = receipts_when(&app, &manager, &id, "the refusal", |r| {
        r["status"] == "failed"
    })
    .await;
    assert_eq!(r["error"]["code"], 32, "{r}");
    assert_eq!(
        (&r["total"], &r["cash"]),
        (&json!(75000), &json!(75000)),
        "{r}"
    );
    let status = r["status"].as_str().expect("status").to_string();
    let error = r["error"]["text"].as_str().expect("error").to_string();

    let (_d, c) = browser("ru-RU").await;
    log_in(&c, &app, "masha").await;
    // The order's receipt line, where its details open in the history.
    retype(&c, "#client-search", "Чековая").await;
    click(
        &c,
        &format!("#search-results li.search-result[data-id='{}']", anna.0),
    )
    .await;
    let order = format!("#history .event.order[data-id='{id}']");
    click(&c, &format!("{order} .open-order")).await;
    let line = format!(
        "{order} .order-receipts .receipt-line[data-id='{}']",
        r["id"].as_str().unwrap_or_default()
    );
    wait_until(&c, &line, Some("data-status"), |s| s == status).await;
    let text = text_of(&c, &format!("{line} .receipt-text")).await;
    let head = if status == "failed" {
        "Чек: ошибка: "
    } else {
        "Чек: ожидает отправки · ошибка: "
    };
    assert!(text.starts_with(head), "{text}");
    assert!(text.contains(error.trim()), "{text} names {error}");
    // A manager may send it again from there.
    wait_until(&c, &format!("{line} .receipt-retry"), None, |t| {
        t == "Повторить"
    })
    .await;

    // The Деньги tab lists it among the receipts not registered.
    c.goto(&app.url("/reports")).await.expect("reports");
    click(&c, "#tab-money").await;
    click(&c, "#money-section-receipts").await;
    wait_until(&c, "#money-section-receipts", None, |t| {
        t == "Чеки: не пробиты"
    })
    .await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.starts_with("money-receipts|")
    })
    .await;
    let row = format!("#receipts-table tr.receipt-row[data-order-number='{number}']");
    wait_until(&c, &row, Some("data-status"), |s| s == status).await;
    wait_until(&c, &row, Some("data-error"), |e| e.trim() == error.trim()).await;
    let cells = text_of(&c, &row).await;
    assert!(
        cells.contains("Анна Чековая") && cells.contains("750,00") && cells.contains(error.trim()),
        "{cells}"
    );
    wait_until(&c, "#money-receipts", Some("data-count"), |n| n == "1").await;
    screenshot(&c, "receipts.png").await;
    // The cause fixed, "Повторить" makes a new request: the row shows the
    // server's answer (pending), and the worker gets it registered.
    atol.set_mode(Mode::Normal);
    click(&c, &format!("{row} .receipt-retry")).await;
    wait_until(&c, &row, Some("data-status"), |s| s != "failed").await;
    assert!(
        js(
            &c,
            "return !document.querySelector('.receipt-retry-error');"
        )
        .await
        .as_bool()
        .unwrap_or(false),
        "the retry was taken"
    );
    let done = receipts_when(&app, &manager, &id, "registration", |r| {
        r["status"] == "done"
    })
    .await;
    assert_ne!(done["external_id"], r["external_id"], "a new request");
    assert_eq!(atol.registered().len(), 1);
    // Registered: among the receipts of that status, none left undone.
    set_value(&c, "#receipts-status", "done").await;
    wait_until(&c, "#reports", Some("data-loaded"), |v| {
        v.ends_with("|done")
    })
    .await;
    wait_until(&c, &row, Some("data-status"), |s| s == "done").await;
    c.close().await.expect("close browser");
}

//! The client's account (лицевой счёт, issue 20) in real headless Chromium,
//! in Russian: a legal client with a contract who has owed 12 400 ₽ for 70
//! days. An operator opening the client sees the debt, what is overdue and
//! the hold on the card; the order form warns and its submit stays disabled.
//! A manager then takes the payment in the account panel (a mistyped amount
//! is shown at its field first): the balance reads 0, the hold is gone and
//! the order form may be sent. The manager's contract form meets another
//! manager's change made meanwhile (it arrives on the live channel): the
//! typed limit is kept, the other deferment taken, and the save names the
//! client's new version. Every step is checked through the API.
//!
//! Needs `frontend/dist` (`cargo xtask frontend`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::App;
use serde_json::{json, Value};

async fn absent(c: &Client, css: &str) -> bool {
    c.find_all(Locator::Css(css))
        .await
        .expect("find")
        .is_empty()
}

async fn open_client(c: &Client, name: &str, id: &str) {
    retype(c, "#client-search", name).await;
    click(
        c,
        &format!("#search-results li.search-result[data-id='{id}']"),
    )
    .await;
    wait_for(c, "#client-account").await;
}

async fn account(app: &App, client: &str) -> Value {
    app.get(&format!("/api/clients/{client}/account"), &app.admin)
        .await
        .ok()
}

#[tokio::test]
async fn an_overdue_client_is_held_until_a_manager_takes_the_payment() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("boss", "manager", None).await;
    let (_, op) = app.user("op1", "operator", Some("101")).await;
    app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, _) = app.client("ООО Должник", "legal", "+74951110077").await;
    app.put(
        &format!("/api/clients/{client}/contract"),
        &app.admin,
        json!({ "number": "17/2026", "date": "2026-01-10", "payment_days": 10,
                "credit_limit": 2_000_000 }),
    )
    .await
    .expect(200);
    // 12 400 roubles owed since 70 days ago: past the month's end and the
    // ten days of deferment.
    app.post_idem(
        &format!("/api/clients/{client}/account"),
        &app.admin,
        json!({ "kind": "opening", "amount": 1_240_000, "day": app.day(-70),
                "reference": "акт сверки" }),
        "opening-dolzhnik",
    )
    .await
    .expect(201);
    let before = account(&app, &client).await;
    assert_eq!(before["summary"]["hold"], "overdue", "{before}");

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "op1").await;
    open_client(&c, "Должник", &client).await;
    wait_until(&c, ".account-balance", Some("data-value"), |v| {
        v == "1240000"
    })
    .await;
    assert_eq!(
        text_of(&c, ".account-balance").await,
        "Долг 12 400 ₽, 70 дн."
    );
    let overdue = text_of(&c, ".account-overdue").await;
    assert!(overdue.starts_with("Просрочено 12 400 ₽ ("), "{overdue}");
    assert_eq!(
        text_of(&c, ".account-hold").await,
        "Отгрузка только с разрешения менеджера"
    );
    assert_eq!(
        text_of(&c, ".account-contract").await,
        "Договор № 17/2026 от 10.01.2026, отсрочка 10 дн., лимит 20 000 ₽"
    );
    assert!(
        absent(&c, "#edit-contract").await,
        "operators do not edit contracts"
    );
    // The panel lists the opening balance; an operator takes no payments.
    click(&c, ".account-balance").await;
    wait_until(
        &c,
        "#account-panel li.account-move[data-kind='opening'] .kind",
        None,
        |t| t == "Начальный остаток",
    )
    .await;
    assert!(absent(&c, "#account-pay-open").await);

    // The order form warns; its submit stays disabled.
    let qty = format!("#order-lines tr.line[data-product-id='{water}'] input.qty");
    retype(&c, &qty, "2").await;
    wait_until(&c, "#credit-hold", Some("data-hold"), |h| h == "overdue").await;
    let warning = text_of(&c, "#credit-hold .credit-hold-text").await;
    assert!(
        warning.starts_with("Клиент просрочил оплату на ") && warning.ends_with(": 12 400 ₽"),
        "{warning}"
    );
    assert_eq!(
        text_of(&c, "#credit-need-manager").await,
        "Нужно разрешение менеджера"
    );
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#save-dispatch').disabled;"
        )
        .await,
        json!(true)
    );
    screenshot(&c, "account-held.png").await;
    let orders = app
        .get(&format!("/api/clients/{client}/history"), &op)
        .await
        .ok();
    assert_eq!(
        orders["orders"].as_array().map(Vec::len),
        Some(0),
        "{orders}"
    );

    // A manager takes the payment.
    click(&c, "#logout").await;
    wait_for(&c, "#login-form").await;
    log_in(&c, &app, "boss").await;
    open_client(&c, "Должник", &client).await;
    retype(&c, &qty, "2").await;
    wait_for(&c, "#credit-hold #allow-credit").await;
    click(&c, ".account-balance").await;
    click(&c, "#account-pay-open").await;
    retype(&c, "#pay-amount", "двенадцать тысяч").await;
    click(&c, "#pay-save").await;
    wait_for(&c, "#account-pay .field-error[data-field='amount']").await;
    retype(&c, "#pay-amount", "12 400").await;
    retype(&c, "#pay-reference", "п/п 17 от 01.12.2026").await;
    assert_eq!(
        js(&c, "return document.querySelector('#pay-method').value;").await,
        json!("bank")
    );
    click(&c, "#pay-save").await;
    wait_until(&c, "#account-done", None, |t| {
        t.replace('\u{a0}', " ") == "Оплата принята: 12 400,00 ₽"
    })
    .await;
    wait_until(&c, ".account-balance", Some("data-value"), |v| v == "0").await;
    assert_eq!(text_of(&c, ".account-balance").await, "Долга нет");
    assert!(absent(&c, ".account-hold").await, "the hold is gone");
    assert!(absent(&c, ".account-overdue").await);
    assert!(
        absent(&c, "#credit-hold").await,
        "the order form no longer warns"
    );
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#save-dispatch').disabled;"
        )
        .await,
        json!(false)
    );
    wait_until(
        &c,
        "#account-panel li.account-move",
        Some("data-kind"),
        |k| k == "payment",
    )
    .await;
    let first = "#account-panel li.account-move";
    assert_eq!(
        text_of(&c, &format!("{first} .kind")).await,
        "Оплата (безнал)"
    );
    assert_eq!(
        text_of(&c, &format!("{first} .amount")).await,
        "−12 400,00 ₽"
    );
    let after = account(&app, &client).await;
    assert_eq!(after["summary"]["balance"], 0, "{after}");
    assert!(after["summary"]["hold"].is_null(), "{after}");
    let paid = &after["moves"][0];
    assert_eq!(
        (
            &paid["kind"],
            &paid["amount"],
            &paid["method"],
            &paid["reference"]
        ),
        (
            &json!("payment"),
            &json!(-1_240_000),
            &json!("bank"),
            &json!("п/п 17 от 01.12.2026")
        )
    );
    screenshot(&c, "account.png").await;

    // The contract form: another manager changes the deferment while this
    // one types a limit. The live channel brings the change: the untouched
    // deferment takes it, the typed limit stays, and the save names the
    // client's new version.
    click(&c, "#edit-contract").await;
    wait_for(&c, "#contract-form").await;
    wait_until_js_value(&c, "#contract-number", "17/2026").await;
    retype(&c, "#contract-limit", "30 000").await;
    app.put(
        &format!("/api/clients/{client}/contract"),
        &app.admin,
        json!({ "number": "17/2026", "date": "2026-01-10", "payment_days": 15,
                "credit_limit": 2_000_000 }),
    )
    .await
    .expect(200);
    let version = app
        .get(&format!("/api/clients/{client}"), &app.admin)
        .await
        .ok()["version"]
        .to_string();
    wait_until(&c, "#contract-form", Some("data-version"), |v| v == version).await;
    wait_until(&c, ".account-contract", None, |t| {
        t.contains("отсрочка 15 дн.")
    })
    .await;
    wait_until_js_value(&c, "#contract-days", "15").await;
    wait_until_js_value(&c, "#contract-limit", "30 000").await;
    click(&c, "#contract-save").await;
    wait_until(&c, ".account-contract", None, |t| {
        t.replace('\u{a0}', " ")
            == "Договор № 17/2026 от 10.01.2026, отсрочка 15 дн., лимит 30 000 ₽"
    })
    .await;
    assert!(absent(&c, "#contract-form").await, "saved: the form closes");
    let card = app
        .get(&format!("/api/clients/{client}"), &app.admin)
        .await
        .ok();
    assert_eq!(
        (
            &card["contract"]["payment_days"],
            &card["contract"]["credit_limit"]
        ),
        (&json!(15), &json!(3_000_000)),
        "{card}"
    );
    c.close().await.expect("close");
}

/// Polls until the input's value is `want`.
async fn wait_until_js_value(c: &Client, css: &str, want: &str) {
    wait_js(
        c,
        &format!("return document.querySelector({css:?}).value === {want:?};"),
        &format!("{css} shows {want}"),
    )
    .await;
}

//! The administration screen in real headless Chromium (chromedriver through
//! fantoccini) against the real server serving the Trunk build: an admin
//! creates a user with an extension (a clash is shown at its field), edits a
//! user in place, changes a list price inline and sets a legal client's
//! contract price, each checked through the API; a manager gets the price
//! list and contract prices but no users; an operator gets no admin screen.
//!
//! Needs `frontend/dist` (`trunk build --release`) and /usr/bin/chromedriver
//! with /usr/bin/chromium; without them the tests skip, unless
//! RODNIK_FULL_SUITE is set, when they fail.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use rodnik_tests::browser::*;
use rodnik_tests::App;
use serde_json::Value;

/// Replaces an input's whole text, the way a user does (select all, type).
async fn replace(c: &Client, css: &str, text: &str) {
    let el = wait_for(c, css).await;
    el.click().await.expect("focus input");
    el.send_keys(&format!("{}a{}{}", Key::Control, Key::Null, Key::Backspace))
        .await
        .expect("select all and delete");
    if !text.is_empty() {
        el.send_keys(text).await.expect("type");
    }
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.expect("find").len()
}

/// Polls the API until `check` holds for the JSON at `path`.
async fn api_until<F: Fn(&Value) -> bool>(app: &App, path: &str, check: F) -> Value {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let v = app.get(path, &app.admin).await.ok();
        if check(&v) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never matched: {v}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn user<'a>(list: &'a Value, username: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|u| u["username"] == username)
}

#[tokio::test]
async fn an_admin_creates_a_user_edits_a_price_and_sets_a_contract_price() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("marina", "operator", Some("102")).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUP", "goods", 1500, false).await;
    let (client_id, _) = app.client("ООО Ромашка", "legal", "+74951234567").await;
    app.client("Ромашкина Анна", "individual", "+79161234567")
        .await;

    let (_driver, c) = browser("ru-RU").await;
    admin_log_in(&c, &app).await;
    click(&c, "#nav-admin").await;

    // ---- users: the admin's first tab ----
    wait_for(&c, "#admin-users").await;
    wait_until(&c, "#users-table", Some("aria-busy"), |b| b == "false").await;
    wait_for(&c, "#users-table tr.user-row[data-username='admin']").await;
    wait_until(&c, "#admin h1", None, |t| t == "Администрирование").await;

    click(&c, "#new-user").await;
    wait_for(&c, "#new-user-form").await;
    replace(&c, "#new-user-username", "olga").await;
    replace(&c, "#new-user-name", "Ольга Смирнова").await;
    wait_for(&c, "#new-user-role")
        .await
        .select_by_value("operator")
        .await
        .expect("role");
    replace(&c, "#new-user-phone", "8 912 345-67-89").await;
    // Marina already has 102: the server's answer lands at the field.
    replace(&c, "#new-user-extension", "102").await;
    replace(&c, "#new-user-password", "password-1").await;
    click(&c, "#new-user-save").await;
    wait_until(
        &c,
        "#new-user-form .field-error[data-field='extension']",
        None,
        |t| t.contains("marina"),
    )
    .await;
    screenshot(&c, "admin-user-extension-taken.png").await;
    assert!(
        user(&app.get("/api/users", &app.admin).await.ok(), "olga").is_none(),
        "nothing created on a clash"
    );
    // Typed input is kept: fix the extension and save again.
    replace(&c, "#new-user-extension", "101").await;
    click(&c, "#new-user-save").await;
    wait_for(&c, "#users-table tr.user-row[data-username='olga']").await;
    let users = api_until(&app, "/api/users", |v| user(v, "olga").is_some()).await;
    let olga = user(&users, "olga").expect("olga");
    assert_eq!(olga["name"], "Ольга Смирнова");
    assert_eq!(olga["role"], "operator");
    assert_eq!(olga["extension"], "101");
    assert_eq!(olga["phone"], "+79123456789");
    let olga_id = olga["id"].as_str().expect("id").to_string();
    assert_eq!(
        wait_for(&c, "#new-user-username")
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default(),
        "",
        "the form is cleared for the next user"
    );
    // The new user can log in with what was typed.
    app.login("olga", "password-1").await;

    // Edit in place: a new extension, Enter saves.
    let row = format!("#users-table tr.user-row[data-id='{olga_id}']");
    click(&c, &format!("{row} button.edit")).await;
    replace(&c, &format!("{row} input.extension"), "105").await;
    screenshot(&c, "admin-user-edit.png").await;
    wait_for(&c, &format!("{row} input.extension"))
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("enter");
    wait_until(&c, &format!("{row} td.extension"), None, |t| t == "105").await;
    api_until(&app, "/api/users", |v| {
        user(v, "olga").is_some_and(|u| u["extension"] == "105")
    })
    .await;
    screenshot(&c, "admin-users.png").await;

    // ---- products: an inline price change, in roubles with kopecks ----
    click(&c, "#tab-products").await;
    let w_row = format!("#products-table tr.product-row[data-id='{water}']");
    wait_for(&c, &w_row).await;
    // A malformed price stays in the browser, at its field.
    replace(&c, &format!("{w_row} input.price"), "27O").await;
    click(&c, &format!("{w_row} button.save")).await;
    wait_for(&c, &format!("{w_row} .field-error[data-field='price']")).await;
    replace(&c, &format!("{w_row} input.price"), "270,50").await;
    wait_for(&c, &format!("{w_row} input.price"))
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("enter");
    wait_until(&c, &w_row, Some("data-price"), |p| p == "27050").await;
    let products = app.get("/api/products", &app.admin).await.ok();
    let w = products
        .as_array()
        .and_then(|l| l.iter().find(|p| p["id"] == water.as_str()))
        .expect("water listed");
    assert_eq!(w["price"], 27050);
    // Cups go off sale: the toggle, then "save all".
    let c_row = format!("#products-table tr.product-row[data-id='{cups}']");
    click(&c, &format!("{c_row} input.on-sale")).await;
    click(&c, "#products-save-all").await;
    wait_until(&c, &c_row, Some("data-on-sale"), |v| v == "false").await;
    let on_sale = app.get("/api/products", &app.admin).await.ok();
    assert!(
        !on_sale.to_string().contains(&cups),
        "off sale: not offered any more"
    );
    screenshot(&c, "admin-products.png").await;

    // ---- contract prices of the legal client ----
    click(&c, "#tab-prices").await;
    wait_for(&c, "#prices-empty").await;
    replace(&c, "#prices-client-search", "Ромашк").await;
    wait_for(&c, "#prices-client-results button.prices-client").await;
    // The legal entity comes first.
    let first = wait_for(
        &c,
        "#prices-client-results li:first-child button.prices-client",
    )
    .await;
    assert_eq!(
        first.attr("data-id").await.expect("attr").as_deref(),
        Some(client_id.as_str())
    );
    first.click().await.expect("pick client");
    wait_until(&c, "#prices-client", Some("data-id"), |id| id == client_id).await;
    let p_row = format!("#prices-table tr.price-row[data-product-id='{water}']");
    wait_until(&c, &p_row, Some("data-list-price"), |p| p == "27050").await;
    // Off-sale products are listed too (a contract may still name them).
    wait_for(
        &c,
        &format!("#prices-table tr.price-row.off-sale[data-product-id='{cups}']"),
    )
    .await;
    replace(&c, &format!("{p_row} input.contract-price"), "210").await;
    wait_for(&c, "#prices-unsaved").await;
    click(&c, "#prices-save").await;
    wait_for(&c, "#prices-saved").await;
    wait_until(&c, &p_row, Some("data-contract-price"), |p| p == "21000").await;
    let prices = app
        .get(&format!("/api/clients/{client_id}/prices"), &app.admin)
        .await
        .ok();
    assert_eq!(
        prices["prices"].as_array().map(Vec::len),
        Some(1),
        "{prices}"
    );
    assert_eq!(prices["prices"][0]["product_id"], water.as_str());
    assert_eq!(prices["prices"][0]["price"], 21000);
    assert_eq!(prices["prices"][0]["list_price"], 27050);
    screenshot(&c, "admin-prices.png").await;

    // The tab survives a reload (it is in the URL).
    c.refresh().await.expect("reload");
    wait_for(&c, "#admin[data-tab='prices']").await;

    c.close().await.expect("close browser");
}

#[tokio::test]
async fn a_manager_gets_products_and_prices_but_no_users() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("pavel", "manager", None).await;
    let water = app.product("W19", "water", 25000, true).await;

    let (_driver, c) = browser("ru-RU").await;
    log_in(&c, &app, "pavel").await;
    click(&c, "#nav-admin").await;
    wait_for(&c, "#admin-products").await;
    wait_until(&c, "#admin", Some("data-tab"), |t| t == "products").await;
    wait_for(
        &c,
        &format!("#products-table tr.product-row[data-id='{water}']"),
    )
    .await;
    assert_eq!(count(&c, "#tab-users").await, 0, "no users tab");
    assert_eq!(count(&c, "#admin-users").await, 0, "no users panel");
    assert_eq!(count(&c, "#tab-products").await, 1);
    assert_eq!(count(&c, "#tab-prices").await, 1);
    screenshot(&c, "admin-manager.png").await;

    // Asking for the users tab by its address does not show it either.
    c.goto(&app.url("/admin#users")).await.expect("open");
    wait_until(&c, "#admin", Some("data-tab"), |t| t == "products").await;
    assert_eq!(count(&c, "#admin-users").await, 0);

    // A manager edits prices.
    let row = format!("#products-table tr.product-row[data-id='{water}']");
    replace(&c, &format!("{row} input.price"), "260").await;
    click(&c, &format!("{row} button.save")).await;
    wait_until(&c, &row, Some("data-price"), |p| p == "26000").await;

    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_operator_has_no_admin_screen() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    app.user("olga", "operator", Some("101")).await;
    let (_driver, c) = browser("en-US").await;
    log_in(&c, &app, "olga").await;
    assert_eq!(count(&c, "#nav-admin").await, 0);
    c.goto(&app.url("/admin")).await.expect("open");
    wait_for(&c, "#orders-table").await;
    assert_eq!(count(&c, "#admin").await, 0);
    c.close().await.expect("close browser");
}

#[tokio::test]
async fn an_admin_configures_a_pbx_and_the_secrets_are_never_shown_again() {
    if !runnable() {
        return;
    }
    let app = served_app().await;
    let (_driver, c) = browser("en-US").await;
    admin_log_in(&c, &app).await;
    click(&c, "#nav-admin").await;
    click(&c, "#tab-telephony").await;
    wait_until(&c, "#telephony-settings", Some("aria-busy"), |b| {
        b == "false"
    })
    .await;
    wait_until(&c, "#tel-mango", Some("data-active"), |a| a == "false").await;
    replace(&c, "#tel-mango-api_key", "mango-key-123").await;
    replace(&c, "#tel-mango-api_salt", "mango-salt-456").await;
    wait_for(&c, "#tel-originate")
        .await
        .select_by_value("mango")
        .await
        .expect("originate through mango");
    click(&c, "#tel-save").await;
    wait_for(&c, "#tel-saved").await;
    wait_until(&c, "#tel-mango", Some("data-active"), |a| a == "true").await;
    // Saved, reported as set, and never shown again.
    let v = api_until(&app, "/api/settings/telephony", |v| {
        v["mango"]["active"] == true
    })
    .await;
    assert_eq!(
        v["mango"]["secrets_set"],
        serde_json::json!(["api_key", "api_salt"])
    );
    assert_eq!(v["originate"], "mango");
    assert!(
        !v.to_string().contains("mango-key-123"),
        "a secret came back: {v}"
    );
    let shown = wait_for(&c, "#tel-mango-api_key")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(shown, "", "the secret is not put back in the form");
    wait_until(
        &c,
        "#tel-mango .tel-status[data-field='api_key']",
        None,
        |t| t == "set",
    )
    .await;
    assert!(!js(&c, "return document.body.innerHTML;")
        .await
        .to_string()
        .contains("mango-key-123"));
    screenshot(&c, "admin-telephony.png").await;
    c.close().await.expect("close");
}

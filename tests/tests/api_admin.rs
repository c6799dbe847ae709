//! Administration over real HTTP: users (edit, extensions, deactivation,
//! password reset, the last admin), products (edit, off sale) and a legal
//! client's contract prices.

use rodnik_tests::*;
use serde_json::{json, Value};

async fn login_status(app: &App, username: &str, password: &str) -> u16 {
    app.send(
        reqwest::Method::POST,
        "/api/auth/login",
        None,
        Some(&json!({ "username": username, "password": password })),
        None,
    )
    .await
    .status
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| l.iter().map(id_of).collect())
        .unwrap_or_default()
}

// ---------- users ----------

#[tokio::test]
async fn admin_edits_a_user_and_sees_every_user_with_the_active_flag() {
    let app = spawn_app().await;
    let (id, token) = app.user("olga", "operator", Some("101")).await;

    let u = app
        .patch(
            &format!("/api/users/{id}"),
            &app.admin,
            json!({ "name": "  Ольга Смирнова ", "phone": "8 (912) 345-67-89", "extension": "105" }),
        )
        .await
        .ok();
    assert_eq!(u["name"], "Ольга Смирнова");
    assert_eq!(u["phone"], "+79123456789");
    assert_eq!(u["extension"], "105");
    assert_eq!(u["role"], "operator");
    assert_eq!(u["active"], true);
    assert!(u.get("password_hash").is_none(), "{u}");

    // A name or extension change keeps the session.
    let me = app.get("/api/me", &token).await.ok();
    assert_eq!(me["name"], "Ольга Смирнова");
    assert_eq!(me["extension"], "105");

    // `null` clears; absent leaves alone.
    let u = app
        .patch(
            &format!("/api/users/{id}"),
            &app.admin,
            json!({ "phone": null, "extension": null }),
        )
        .await
        .ok();
    assert!(u["phone"].is_null() && u["extension"].is_null(), "{u}");
    assert_eq!(u["name"], "Ольга Смирнова");

    let all = app.get("/api/users", &app.admin).await.ok();
    let olga = find(&all, &id);
    assert_eq!(olga["username"], "olga");
    assert_eq!(olga["active"], true);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "admin"));

    app.patch(
        &format!("/api/users/{id}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    // Administration sees the deactivated user; `active` filters.
    let all = app.get("/api/users", &app.admin).await.ok();
    assert_eq!(find(&all, &id)["active"], false);
    let inactive = app.get("/api/users?active=false", &app.admin).await.ok();
    assert_eq!(ids(&inactive), vec![id.clone()]);
    let active = app.get("/api/users?active=true", &app.admin).await.ok();
    assert!(!ids(&active).contains(&id));

    app.patch("/api/users/nosuchuser", &app.admin, json!({ "name": "X" }))
        .await
        .error(404);
}

#[tokio::test]
async fn a_user_patch_reports_the_bad_field() {
    let app = spawn_app().await;
    let (id, _) = app.user("olga", "operator", None).await;
    let path = format!("/api/users/{id}");
    for (body, field) in [
        (json!({ "name": "   " }), "name"),
        (json!({ "phone": "12" }), "phone"),
        (json!({ "extension": "1 01" }), "extension"),
        (json!({ "password": "short" }), "password"),
        (json!({ "role": "boss" }), "body"),
        (json!({ "active": "no" }), "body"),
    ] {
        let e = app.patch(&path, &app.admin, body.clone()).await.error(422);
        assert_eq!(e["field"], field, "{body}: {e}");
    }
    // Nothing was written.
    let all = app.get("/api/users", &app.admin).await.ok();
    assert_eq!(find(&all, &id)["name"], "olga name");
    assert_eq!(login_status(&app, "olga", "password-1").await, 200);
}

#[tokio::test]
async fn extensions_are_unique_among_active_users() {
    let app = spawn_app().await;
    let (olga, _) = app.user("olga", "operator", Some("101")).await;
    let (marina, _) = app.user("marina", "operator", Some("102")).await;

    // Creating with a taken extension: 422 on the field, and nobody created.
    let e = app
        .post(
            "/api/users",
            &app.admin,
            json!({ "username": "ivan", "password": "password-1", "name": "Ivan",
                    "role": "operator", "extension": "101" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "extension", "{e}");
    assert!(
        e["message"].as_str().unwrap_or_default().contains("olga"),
        "{e}"
    );
    assert_eq!(login_status(&app, "ivan", "password-1").await, 401);

    // Taking another's by a patch: refused, nothing changed.
    let e = app
        .patch(
            &format!("/api/users/{marina}"),
            &app.admin,
            json!({ "extension": "101", "name": "Marina K" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "extension", "{e}");
    let all = app.get("/api/users", &app.admin).await.ok();
    assert_eq!(find(&all, &marina)["extension"], "102");
    assert_eq!(find(&all, &marina)["name"], "marina name");

    // A deactivated user's extension is free again ...
    app.patch(
        &format!("/api/users/{olga}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    let m = app
        .patch(
            &format!("/api/users/{marina}"),
            &app.admin,
            json!({ "extension": "101" }),
        )
        .await
        .ok();
    assert_eq!(m["extension"], "101");
    // ... and the old holder cannot come back with it.
    let e = app
        .patch(
            &format!("/api/users/{olga}"),
            &app.admin,
            json!({ "active": true }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "extension", "{e}");
    let back = app
        .patch(
            &format!("/api/users/{olga}"),
            &app.admin,
            json!({ "active": true, "extension": "103" }),
        )
        .await
        .ok();
    assert_eq!(back["active"], true);
    assert_eq!(back["extension"], "103");

    // Keeping one's own extension is fine.
    app.patch(
        &format!("/api/users/{olga}"),
        &app.admin,
        json!({ "extension": "103" }),
    )
    .await
    .ok();

    // Couriers take no calls: their extension clashes with nobody's, until
    // one of them becomes an operator.
    let (kolya, _) = app.user("kolya", "courier", Some("103")).await;
    let e = app
        .patch(
            &format!("/api/users/{kolya}"),
            &app.admin,
            json!({ "role": "operator" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "extension", "{e}");
    let all = app.get("/api/users", &app.admin).await.ok();
    assert_eq!(find(&all, &kolya)["role"], "courier");
    let k = app
        .patch(
            &format!("/api/users/{kolya}"),
            &app.admin,
            json!({ "role": "operator", "extension": "104" }),
        )
        .await
        .ok();
    assert_eq!(k["role"], "operator");
}

/// On several threads, so that the requests' transactions really overlap
/// (snapshot isolation alone would let all of them pass the check).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn users_taking_the_same_extension_at_once_do_not_all_get_it() {
    let app = spawn_app().await;
    for round in 0..8 {
        let mut paths = vec![];
        for i in 0..5 {
            let (id, _) = app.user(&format!("op{round}x{i}"), "operator", None).await;
            paths.push(format!("/api/users/{id}"));
        }
        let ext = format!("2{round}");
        let sends = paths
            .iter()
            .map(|p| app.patch(p, &app.admin, json!({ "extension": ext })));
        let results = futures::future::join_all(sends).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 422),
            "{statuses:?}"
        );
        let all = app.get("/api/users", &app.admin).await.ok();
        let holders = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["extension"] == ext.as_str())
            .count();
        assert_eq!(holders, 1, "round {round}");
    }
}

#[tokio::test]
async fn a_deactivated_user_cannot_log_in_and_their_sessions_end() {
    let app = spawn_app().await;
    let (id, token) = app.user("kolya", "courier", None).await;
    let second = app.login("kolya", "password-1").await;
    app.get("/api/me", &token).await.ok();

    let u = app
        .patch(
            &format!("/api/users/{id}"),
            &app.admin,
            json!({ "active": false }),
        )
        .await
        .ok();
    assert_eq!(u["active"], false);

    app.get("/api/me", &token).await.error(401);
    app.get("/api/route", &second).await.error(401);
    assert_eq!(login_status(&app, "kolya", "password-1").await, 401);
    // Pickers no longer offer a deactivated courier.
    let couriers = app.get("/api/users?role=courier", &app.admin).await.ok();
    assert!(!ids(&couriers).contains(&id), "{couriers}");

    app.patch(
        &format!("/api/users/{id}"),
        &app.admin,
        json!({ "active": true }),
    )
    .await
    .ok();
    // Old sessions stay ended; a new login works.
    app.get("/api/me", &token).await.error(401);
    let fresh = app.login("kolya", "password-1").await;
    app.get("/api/me", &fresh).await.ok();
    let couriers = app.get("/api/users?role=courier", &app.admin).await.ok();
    assert!(ids(&couriers).contains(&id));
}

#[tokio::test]
async fn a_role_change_applies_and_ends_the_users_sessions() {
    let app = spawn_app().await;
    let (id, token) = app.user("olga", "operator", Some("101")).await;
    let u = app
        .patch(
            &format!("/api/users/{id}"),
            &app.admin,
            json!({ "role": "manager" }),
        )
        .await
        .ok();
    assert_eq!(u["role"], "manager");
    app.get("/api/me", &token).await.error(401);
    let token = app.login("olga", "password-1").await;
    app.get("/api/reports/orders?from=2026-01-01&to=2026-01-31", &token)
        .await
        .ok();

    // Sending the same role again changes nothing and keeps the session.
    app.patch(
        &format!("/api/users/{id}"),
        &app.admin,
        json!({ "role": "manager", "name": "Olga" }),
    )
    .await
    .ok();
    app.get("/api/me", &token).await.ok();
}

#[tokio::test]
async fn a_password_reset_replaces_the_password_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (id, token) = app.user("olga", "operator", None).await;
    app.patch(
        &format!("/api/users/{id}"),
        &app.admin,
        json!({ "password": "new-password-2" }),
    )
    .await
    .ok();
    app.get("/api/me", &token).await.error(401);
    assert_eq!(login_status(&app, "olga", "password-1").await, 401);
    assert_eq!(login_status(&app, "olga", "new-password-2").await, 200);

    // An admin who resets their own password stays logged in here, not elsewhere.
    let me = app.get("/api/me", &app.admin).await.ok();
    let elsewhere = app.login("admin", ADMIN_PASSWORD).await;
    app.patch(
        &format!("/api/users/{}", id_of(&me)),
        &app.admin,
        json!({ "password": "admin-password-2" }),
    )
    .await
    .ok();
    app.get("/api/me", &app.admin).await.ok();
    app.get("/api/me", &elsewhere).await.error(401);
    assert_eq!(login_status(&app, "admin", "admin-password-2").await, 200);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = spawn_app().await;
    let me = app.get("/api/me", &app.admin).await.ok();
    let path = format!("/api/users/{}", id_of(&me));

    let e = app
        .patch(&path, &app.admin, json!({ "role": "manager" }))
        .await
        .error(422);
    assert_eq!(e["field"], "role", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("last active admin"),
        "{e}"
    );
    let e = app
        .patch(&path, &app.admin, json!({ "active": false }))
        .await
        .error(422);
    assert_eq!(e["field"], "active", "{e}");
    // Nothing changed: still an active admin with a working session.
    let me = app.get("/api/me", &app.admin).await.ok();
    assert_eq!(me["role"], "admin");
    assert_eq!(me["active"], true);

    // A deactivated second admin does not count.
    let (second, second_token) = app.user("boss", "admin", None).await;
    app.patch(
        &format!("/api/users/{second}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .ok();
    app.patch(&path, &app.admin, json!({ "role": "manager" }))
        .await
        .error(422);
    app.get("/api/me", &second_token).await.error(401);

    // With another active admin, stepping down is allowed.
    app.patch(
        &format!("/api/users/{second}"),
        &app.admin,
        json!({ "active": true }),
    )
    .await
    .ok();
    let me = app
        .patch(&path, &app.admin, json!({ "role": "manager" }))
        .await
        .ok();
    assert_eq!(me["role"], "manager");
    // That ended the session it was sent with.
    app.get("/api/me", &app.admin).await.error(401);
    let boss = app.login("boss", "password-1").await;
    let admins = app.get("/api/users?role=admin", &boss).await.ok();
    assert_eq!(ids(&admins), vec![second.clone()]);
    let e = app
        .patch(
            &format!("/api/users/{second}"),
            &boss,
            json!({ "role": "operator" }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "role");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_demoting_each_other_at_once_leave_an_admin() {
    for round in 0..10 {
        let app = spawn_app().await;
        let me = app.get("/api/me", &app.admin).await.ok();
        let (other, other_token) = app.user(&format!("boss{round}"), "admin", None).await;
        let demote = format!("/api/users/{other}");
        let deactivate = format!("/api/users/{}", id_of(&me));
        let (a, b) = tokio::join!(
            app.patch(&demote, &app.admin, json!({ "role": "operator" })),
            app.patch(&deactivate, &other_token, json!({ "active": false })),
        );
        assert!(
            !(a.status == 200 && b.status == 200),
            "both succeeded: {} / {}",
            a.text,
            b.text
        );
        // The loser is refused by the rule (422), or finds its session ended
        // (401) or its sender no longer an admin (403).
        assert!([200, 401, 403, 422].contains(&a.status), "{}", a.text);
        assert!([200, 401, 403, 422].contains(&b.status), "{}", b.text);
        let admins = app
            .state
            .store
            .find_users(Some(rodnik_shared::Role::Admin), Some(true))
            .await
            .expect("admins");
        assert_eq!(admins.len(), 1, "round {round}: {admins:?}");
    }
}

#[tokio::test]
async fn only_admins_edit_users() {
    let app = spawn_app().await;
    let (target, _) = app.user("olga", "operator", Some("101")).await;
    let path = format!("/api/users/{target}");
    for role in ["manager", "operator", "courier"] {
        let (_, token) = app.user(&format!("{role}1"), role, None).await;
        app.patch(&path, &token, json!({ "name": "Hacked" }))
            .await
            .error(403);
        app.patch(&path, &token, json!({ "active": false }))
            .await
            .error(403);
        app.get("/api/users", &token).await.error(403);
    }
    app.patch(&path, "not-a-token", json!({ "name": "Hacked" }))
        .await
        .error(401);
    let all = app.get("/api/users", &app.admin).await.ok();
    assert_eq!(find(&all, &target)["name"], "olga name");
    assert_eq!(find(&all, &target)["active"], true);
}

// ---------- products ----------

#[tokio::test]
async fn a_price_change_shows_in_the_product_list_and_prices_new_orders() {
    let app = spawn_app().await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, address) = app.client("Ivan", "individual", "+79161234567").await;

    let p = app
        .patch(
            &format!("/api/products/{water}"),
            &app.admin,
            json!({ "price": 27050, "name": "Вода 19 л", "unit": "бут." }),
        )
        .await
        .ok();
    assert_eq!(p["price"], 27050);
    assert_eq!(p["name"], "Вода 19 л");
    assert_eq!(p["unit"], "бут.");
    assert_eq!(p["returnable"], true, "untouched fields stay");
    assert_eq!(p["sku"], "W19");
    assert_eq!(p["on_sale"], true);

    let list = app.get("/api/products", &app.admin).await.ok();
    let w = find(&list, &water);
    assert_eq!(w["price"], 27050);
    assert_eq!(w["name"], "Вода 19 л");

    let order = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address,
                    "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.today() }),
        )
        .await;
    assert_eq!(order["lines"][0]["price"], 27050);
    assert_eq!(order["total"], 54100);
}

#[tokio::test]
async fn a_product_off_sale_leaves_the_default_list_but_not_the_full_one() {
    let app = spawn_app().await;
    let cups = app.product("CUP", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 45000, false).await;
    let p = app
        .patch(
            &format!("/api/products/{cups}"),
            &app.admin,
            json!({ "on_sale": false }),
        )
        .await
        .ok();
    assert_eq!(p["on_sale"], false);

    let (_, operator) = app.user("olga", "operator", None).await;
    let on_sale = app.get("/api/products", &operator).await.ok();
    assert_eq!(ids(&on_sale), vec![pump.clone()]);
    let all = app.get("/api/products?all=true", &app.admin).await.ok();
    assert_eq!(find(&all, &cups)["on_sale"], false);
    assert_eq!(find(&all, &pump)["on_sale"], true);

    // Created off sale, then back on sale.
    let r = app
        .post(
            "/api/products",
            &app.admin,
            json!({ "sku": "RACK", "name": "Rack", "kind": "goods", "unit": "pc", "price": 90000, "on_sale": false }),
        )
        .await
        .expect(201);
    assert_eq!(r["on_sale"], false);
    assert!(!ids(&app.get("/api/products", &operator).await.ok()).contains(&id_of(&r)));
    app.patch(
        &format!("/api/products/{cups}"),
        &app.admin,
        json!({ "on_sale": true }),
    )
    .await
    .ok();
    let on_sale = app.get("/api/products", &operator).await.ok();
    assert!(ids(&on_sale).contains(&cups));
}

#[tokio::test]
async fn a_product_patch_reports_the_bad_field_and_changes_nothing() {
    let app = spawn_app().await;
    let water = app.product("W19", "water", 25000, true).await;
    app.product("W5", "water", 9000, false).await;
    let path = format!("/api/products/{water}");
    for (body, field) in [
        (json!({ "price": -1 }), "price"),
        (json!({ "price": 1_000_000_000_000i64 }), "price"),
        (json!({ "name": "  ", "price": 100 }), "name"),
        (json!({ "unit": "" }), "unit"),
        (json!({ "sku": "W 19" }), "sku"),
        (json!({ "price": "250,50" }), "body"),
        (json!({ "kind": "food" }), "body"),
    ] {
        let e = app.patch(&path, &app.admin, body.clone()).await.error(422);
        assert_eq!(e["field"], field, "{body}: {e}");
    }
    let e = app
        .patch(&path, &app.admin, json!({ "sku": "W5" }))
        .await
        .error(409);
    assert_eq!(e["code"], "sku_taken");
    app.patch("/api/products/nosuch", &app.admin, json!({ "price": 1 }))
        .await
        .error(404);

    let list = app.get("/api/products", &app.admin).await.ok();
    let w = find(&list, &water);
    assert_eq!(w["price"], 25000);
    assert_eq!(w["name"], "Product W19");
    assert_eq!(w["sku"], "W19");
}

#[tokio::test]
async fn managers_edit_products_and_operators_and_couriers_may_not() {
    let app = spawn_app().await;
    let water = app.product("W19", "water", 25000, true).await;
    let path = format!("/api/products/{water}");
    let (_, manager) = app.user("pavel", "manager", None).await;
    let p = app
        .patch(&path, &manager, json!({ "price": 26000 }))
        .await
        .ok();
    assert_eq!(p["price"], 26000);
    for role in ["operator", "courier"] {
        let (_, token) = app.user(&format!("{role}1"), role, None).await;
        app.patch(&path, &token, json!({ "price": 1 }))
            .await
            .error(403);
        app.patch(&path, &token, json!({ "on_sale": false }))
            .await
            .error(403);
    }
    let list = app.get("/api/products", &app.admin).await.ok();
    assert_eq!(find(&list, &water)["price"], 26000);
}

// ---------- contract prices ----------

#[tokio::test]
async fn contract_prices_round_trip_and_price_the_clients_orders() {
    let app = spawn_app().await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUP", "goods", 1500, false).await;
    let pump = app.product("PUMP", "goods", 45000, false).await;
    let (client, address) = app.client("ООО Ромашка", "legal", "+74951234567").await;
    let (_, manager) = app.user("pavel", "manager", None).await;
    let path = format!("/api/clients/{client}/prices");

    let empty = app.get(&path, &manager).await.ok();
    assert_eq!(empty["prices"], json!([]));

    let put = app
        .put(
            &path,
            &manager,
            json!({ "prices": [{ "product_id": water, "price": 21000 }, { "product_id": cups, "price": 1000 }] }),
        )
        .await
        .ok();
    assert_eq!(put["client_id"], client);
    let got = app.get(&path, &manager).await.ok();
    assert_eq!(got, put);
    let price_of = |v: &Value, product: &str| -> Option<(i64, i64)> {
        v["prices"].as_array().and_then(|l| {
            l.iter().find(|p| p["product_id"] == product).map(|p| {
                (
                    p["price"].as_i64().unwrap_or(-1),
                    p["list_price"].as_i64().unwrap_or(-1),
                )
            })
        })
    };
    assert_eq!(price_of(&got, &water), Some((21000, 25000)));
    assert_eq!(price_of(&got, &cups), Some((1000, 1500)));
    assert_eq!(
        price_of(&got, &pump),
        None,
        "no contract price: the list price applies"
    );

    // Orders use the contract price, else the list price.
    let order = app
        .order(
            &app.admin,
            json!({ "client_id": client, "address_id": address, "delivery_date": app.today(),
                    "lines": [{ "product_id": water, "qty": 3 }, { "product_id": pump, "qty": 1 }] }),
        )
        .await;
    assert_eq!(order["lines"][0]["price"], 21000);
    assert_eq!(order["lines"][1]["price"], 45000);
    assert_eq!(order["total"], 3 * 21000 + 45000);

    // A list price change moves the list price, not the contract price.
    app.patch(
        &format!("/api/products/{water}"),
        &manager,
        json!({ "price": 26000 }),
    )
    .await
    .ok();
    let got = app.get(&path, &manager).await.ok();
    assert_eq!(price_of(&got, &water), Some((21000, 26000)));

    // A product taken off sale keeps its contract price.
    app.patch(
        &format!("/api/products/{cups}"),
        &manager,
        json!({ "on_sale": false }),
    )
    .await
    .ok();
    assert_eq!(
        price_of(&app.get(&path, &manager).await.ok(), &cups),
        Some((1000, 1500))
    );

    // The whole list is replaced: leaving a product out drops its contract price.
    let put = app
        .put(
            &path,
            &app.admin,
            json!({ "prices": [{ "product_id": pump, "price": 40000 }] }),
        )
        .await
        .ok();
    assert_eq!(price_of(&put, &pump), Some((40000, 45000)));
    assert_eq!(price_of(&put, &water), None);
    assert_eq!(price_of(&put, &cups), None);
    let cleared = app.put(&path, &manager, json!({ "prices": [] })).await.ok();
    assert_eq!(cleared["prices"], json!([]));

    // Bad input names its entry; nothing is written.
    let e = app
        .put(&path, &manager, json!({ "prices": [{ "product_id": water, "price": 100 }, { "product_id": "nope", "price": 1 }] }))
        .await
        .error(422);
    assert_eq!(e["field"], "prices[1].product_id");
    let e = app
        .put(
            &path,
            &manager,
            json!({ "prices": [{ "product_id": water, "price": -5 }] }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "prices[0].price");
    assert_eq!(app.get(&path, &manager).await.ok()["prices"], json!([]));

    // Operators read contract prices (the console prices orders) but do not set them.
    let (_, operator) = app.user("olga", "operator", None).await;
    app.get(&path, &operator).await.ok();
    app.put(&path, &operator, json!({ "prices": [] }))
        .await
        .error(403);
    app.get("/api/clients/nosuch/prices", &manager)
        .await
        .error(404);
}

#[tokio::test]
async fn the_new_endpoints_are_in_openapi() {
    let app = spawn_app().await;
    let spec = app.get("/api/openapi.json", &app.admin).await.ok();
    assert!(spec["paths"]["/api/users/{id}"]["patch"].is_object());
    assert!(spec["paths"]["/api/products/{id}"]["patch"].is_object());
    let schemas = &spec["components"]["schemas"];
    for name in ["PatchUser", "PatchProduct", "ProductEntry", "User"] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
    let user = schemas["User"].to_string();
    assert!(user.contains("active"), "{user}");
}

#[tokio::test]
async fn new_orders_refuse_products_off_sale_and_deactivated_couriers() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (kolya_id, _) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let pump = app.product("PUMP", "goods", 40000, false).await;
    let (client, addr) = app.client("Ivan Petrov", "individual", "9123456789").await;
    let body = |product: &str, courier: Option<&str>| {
        json!({ "client_id": client, "address_id": addr, "delivery_date": app.today(),
                "lines": [{ "product_id": water, "qty": 1 }, { "product_id": product, "qty": 1 }],
                "courier_id": courier })
    };
    // An order taken while the pump was on sale keeps it.
    let kept = app.order(&op, body(&pump, None)).await;
    app.patch(
        &format!("/api/products/{pump}"),
        &app.admin,
        json!({ "on_sale": false }),
    )
    .await
    .expect(200);
    let e = app
        .post("/api/orders", &op, body(&pump, None))
        .await
        .error(422);
    assert_eq!(e["field"], "lines[1].product_id");
    let still = app
        .patch(
            &format!("/api/orders/{}", id_of(&kept)),
            &op,
            json!({ "note": "ring twice" }),
        )
        .await
        .expect(200);
    assert_eq!(still["lines"].as_array().map(Vec::len), Some(2));

    app.patch(
        &format!("/api/users/{kolya_id}"),
        &app.admin,
        json!({ "active": false }),
    )
    .await
    .expect(200);
    let only_water = json!({ "client_id": client, "address_id": addr, "delivery_date": app.today(),
                              "lines": [{ "product_id": water, "qty": 1 }], "courier_id": kolya_id });
    let e = app.post("/api/orders", &op, only_water).await.error(422);
    assert_eq!(e["field"], "courier_id");
    let e = app
        .patch(
            &format!("/api/orders/{}", id_of(&kept)),
            &op,
            json!({ "courier_id": kolya_id }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "courier_id");
}

//! The client's account (issue 20, item 1): a delivery charges its goods
//! and deposits and books the courier's cash in the order's transaction;
//! managers enter payments, opening balances and corrections; the card
//! says what is owed, since when and what is overdue (payments settle the
//! oldest charges first); a legal client's contract holds new orders when
//! overdue or over the credit limit unless a manager allows them.

use chrono::{Datelike, NaiveDate};
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        water,
    }
}

impl World {
    async fn account(&self, client: &str, query: &str) -> Value {
        self.app
            .get(&format!("/api/clients/{client}/account{query}"), &self.op)
            .await
            .expect(200)
    }

    async fn card(&self, client: &str) -> Value {
        self.app
            .get(&format!("/api/clients/{client}"), &self.op)
            .await
            .expect(200)
    }

    /// The balance, the sum of every move (all pages) and the card agree.
    async fn agree(&self, client: &str) -> i64 {
        let mut sum = 0;
        let mut query = "?limit=2".to_string();
        let mut pages = 0;
        let balance = loop {
            let page = self.account(client, &query).await;
            pages += 1;
            sum += page["moves"]
                .as_array()
                .expect("moves")
                .iter()
                .map(|m| m["amount"].as_i64().expect("amount"))
                .sum::<i64>();
            match page["next_before"].as_str() {
                Some(b) => query = format!("?limit=2&before={}", enc(b)),
                None => break page["summary"]["balance"].as_i64().expect("balance"),
            }
            assert!(pages < 100, "the pages end");
        };
        assert_eq!(balance, sum, "the balance is the sum of the moves");
        assert_eq!(
            self.card(client).await["balance"],
            balance,
            "the card agrees"
        );
        balance
    }

    async fn post_move(&self, client: &str, body: Value) -> Resp {
        self.app
            .post(
                &format!("/api/clients/{client}/account"),
                &self.manager,
                body,
            )
            .await
    }

    async fn contract(&self, client: &str, body: Value) -> Resp {
        self.app
            .put(
                &format!("/api/clients/{client}/contract"),
                &self.manager,
                body,
            )
            .await
    }

    fn order_body(&self, client: &str, addr: &str, qty: u32) -> Value {
        json!({ "client_id": client, "address_id": addr,
                "lines": [{ "product_id": self.water, "qty": qty }],
                "delivery_date": self.app.today() })
    }
}

fn kinds(moves: &Value) -> Vec<(String, i64, Option<String>)> {
    moves
        .as_array()
        .expect("moves")
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().expect("kind").to_string(),
                m["amount"].as_i64().expect("amount"),
                m["method"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_delivery_charges_the_goods_and_deposit_and_books_the_cash() {
    let w = world().await;
    // A deposit of 300 roubles a bottle, none free: a new client keeps 3.
    w.app
        .put(
            "/api/settings/bottles",
            &w.app.admin,
            json!({ "deposit_price": 30000, "free_individual": 0, "free_legal": 0 }),
        )
        .await
        .expect(200);
    let (client, addr) = w
        .app
        .client("Иван Петров", "individual", "9161110001")
        .await;
    let id = w
        .app
        .dispatched_stop(&w.op, (&client, &addr), (&w.water, 3), &w.kolya_id)
        .await;
    // Due: 3 x 250 + 3 x 300 deposit = 1 650 roubles; the client paid 1 600.
    w.app
        .post_idem(
            &format!("/api/orders/{id}/deliver"),
            &w.kolya,
            json!({ "cash_collected": 160000, "empties_returned": 0,
                    "empties_note": "новый клиент" }),
            "deliver-1",
        )
        .await
        .expect(200);
    let a = w.account(&client, "").await;
    let mut got = kinds(&a["moves"]);
    got.sort();
    assert_eq!(
        got,
        [
            ("delivery".to_string(), 75000, None),
            ("deposit".to_string(), 90000, None),
            ("payment".to_string(), -160000, Some("cash".to_string())),
        ]
    );
    let order_number = w
        .app
        .get(&format!("/api/orders/{id}"), &w.op)
        .await
        .expect(200)["number"]
        .clone();
    for m in a["moves"].as_array().expect("moves") {
        assert_eq!(m["order_id"], id.as_str());
        assert_eq!(m["order_number"], order_number);
        assert_eq!(m["day"], w.app.today().as_str());
        assert_eq!(m["by_name"], "kolya name");
    }
    // 50 roubles owed since today.
    assert_eq!(a["summary"]["balance"], 5000);
    assert_eq!(a["summary"]["debt_since"], w.app.today().as_str());
    assert_eq!(a["summary"]["debt_days"], 0);
    assert_eq!(w.agree(&client).await, 5000);
    // A retried delivery writes nothing twice.
    w.app
        .post_idem(
            &format!("/api/orders/{id}/deliver"),
            &w.kolya,
            json!({ "cash_collected": 160000, "empties_returned": 0,
                    "empties_note": "новый клиент" }),
            "deliver-1",
        )
        .await
        .expect(200);
    assert_eq!(
        w.account(&client, "").await["moves"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    // The card shows the account too.
    let card = w.card(&client).await;
    assert_eq!(card["account"]["balance"], 5000);
    // The rest paid at the office by card, twice sent with one key: one row.
    for _ in 0..2 {
        let m = w
            .app
            .post_idem(
                &format!("/api/clients/{client}/account"),
                &w.manager,
                json!({ "kind": "payment", "amount": 5000, "method": "card" }),
                "pay-1",
            )
            .await
            .expect(201);
        assert_eq!(
            (m["amount"].as_i64(), m["method"].as_str()),
            (Some(-5000), Some("card"))
        );
        assert_eq!(m["by_name"], "masha name");
    }
    assert_eq!(w.agree(&client).await, 0);
    let a = w.account(&client, "").await;
    assert_eq!(a["moves"].as_array().map(Vec::len), Some(4));
    assert!(a["summary"]["debt_since"].is_null());
}

#[tokio::test]
async fn payments_settle_the_oldest_charges_and_the_card_says_how_long() {
    let w = world().await;
    let (client, _) = w.app.client("ООО Ромашка", "legal", "4951110002").await;
    let old = w.app.day(-70);
    let newer = w.app.day(-3);
    // 5 000 owed from 70 days ago, 7 400 from 3 days ago; 3 000 paid.
    w.post_move(
        &client,
        json!({ "kind": "opening", "amount": 500000, "day": old }),
    )
    .await
    .expect(201);
    w.post_move(
        &client,
        json!({ "kind": "adjustment", "amount": 740000, "day": newer, "reason": "акт сверки" }),
    )
    .await
    .expect(201);
    w.post_move(
        &client,
        json!({ "kind": "payment", "amount": 300000, "method": "bank",
                "reference": "п/п 17 от 01.12.2026" }),
    )
    .await
    .expect(201);
    assert_eq!(w.agree(&client).await, 940000);
    // Without a contract: a legal charge falls due at its month's end.
    let today = NaiveDate::parse_from_str(&w.app.today(), "%Y-%m-%d").expect("today");
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
    let month_end = |d: NaiveDate| {
        let first_next = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        };
        first_next.and_then(|f| f.pred_opt()).expect("month end")
    };
    let s = w.card(&client).await["account"].clone();
    assert_eq!(s["balance"], 940000);
    assert_eq!(s["debt_since"], old.as_str());
    assert_eq!(s["debt_days"], 70);
    // 2 000 of the old charge is left and overdue; the newer one's month
    // may have ended too (early in a month), then all of it is.
    let newer_due = month_end(day(&newer));
    let overdue = if newer_due < today { 940000 } else { 200000 };
    assert_eq!(s["overdue"], overdue);
    assert_eq!(s["overdue_days"], (today - month_end(day(&old))).num_days());
    assert!(s["hold"].is_null(), "no contract, no hold");
    // The contract's deferment moves the due date by its days.
    let c = w
        .contract(
            &client,
            json!({ "number": "17/2026", "date": "2026-01-10", "payment_days": 10 }),
        )
        .await
        .expect(200);
    assert_eq!(c["contract"]["number"], "17/2026");
    assert_eq!(c["account"]["hold"], "overdue");
    assert_eq!(
        c["account"]["overdue_days"],
        (today - month_end(day(&old))).num_days() - 10
    );
}

#[tokio::test]
async fn a_held_client_needs_a_manager_to_order() {
    let w = world().await;
    let (client, addr) = w.app.client("ООО Лютик", "legal", "4951110003").await;
    // 1 000 roubles of credit, 10 days of deferment; 600 owed for 70 days.
    w.contract(
        &client,
        json!({ "number": "5-В", "date": "2026-02-01", "payment_days": 10, "credit_limit": 100000 }),
    )
    .await
    .expect(200);
    w.post_move(
        &client,
        json!({ "kind": "opening", "amount": 60000, "day": w.app.day(-70) }),
    )
    .await
    .expect(201);
    let held = w
        .app
        .post("/api/orders", &w.op, w.order_body(&client, &addr, 1))
        .await
        .error(409);
    assert_eq!(held["code"], "credit_hold");
    let message = held["message"].as_str().expect("message");
    assert!(
        message.contains("overdue") && message.contains("600 ₽"),
        "{message}"
    );
    // An operator cannot allow it; a manager can.
    let mut allowed = w.order_body(&client, &addr, 1);
    allowed["allow_credit"] = json!(true);
    w.app
        .post("/api/orders", &w.op, allowed.clone())
        .await
        .error(403);
    w.app
        .post("/api/orders", &w.manager, allowed)
        .await
        .expect(201);
    // Paid: no longer overdue. The limit counts the balance (0), the open
    // order (250) and the new one: 3 bottles (750) fit, 4 more do not.
    w.post_move(
        &client,
        json!({ "kind": "payment", "amount": 60000, "method": "bank" }),
    )
    .await
    .expect(201);
    w.app.order(&w.op, w.order_body(&client, &addr, 3)).await;
    let over = w
        .app
        .post("/api/orders", &w.op, w.order_body(&client, &addr, 1))
        .await
        .error(409);
    let message = over["message"].as_str().expect("message");
    assert!(
        message.contains("limit of 1000 ₽") && message.contains("open orders 1000 ₽"),
        "{message}"
    );
    let card = w.card(&client).await;
    assert_eq!(card["account"]["open_orders"], 100000);
    assert!(
        card["account"]["hold"].is_null(),
        "at the limit, not past it"
    );
    // A manager's allowance until today lets the operator order.
    let c = w
        .contract(
            &client,
            json!({ "number": "5-В", "date": "2026-02-01", "payment_days": 10,
                    "credit_limit": 100000, "allowed_until": w.app.today() }),
        )
        .await
        .expect(200);
    assert_eq!(c["contract"]["allowed_by"], "masha name");
    w.app.order(&w.op, w.order_body(&client, &addr, 1)).await;
    // The limit cleared: no hold whatever the total.
    w.contract(
        &client,
        json!({ "number": "5-В", "date": "2026-02-01", "payment_days": 10 }),
    )
    .await
    .expect(200);
    let card = w.card(&client).await;
    assert!(card["contract"]["credit_limit"].is_null(), "{card}");
    assert!(card["contract"]["allowed_until"].is_null(), "{card}");
    w.app.order(&w.op, w.order_body(&client, &addr, 40)).await;
}

#[tokio::test]
async fn bad_moves_and_terms_are_refused_with_their_field() {
    let w = world().await;
    let (client, _) = w.app.client("ООО Ромашка", "legal", "4951110004").await;
    let bad = [
        (
            json!({ "kind": "payment", "amount": -100, "method": "cash" }),
            "amount",
        ),
        (
            json!({ "kind": "payment", "amount": 0, "method": "cash" }),
            "amount",
        ),
        (json!({ "kind": "payment", "amount": 100 }), "method"),
        (
            json!({ "kind": "payment", "amount": 100, "method": "cash", "day": w.app.day(1) }),
            "day",
        ),
        (
            json!({ "kind": "payment", "amount": 100, "method": "cash", "day": w.app.day(-400) }),
            "day",
        ),
        (
            json!({ "kind": "payment", "amount": 100, "method": "cash", "day": "01.12.2026" }),
            "day",
        ),
        (json!({ "kind": "adjustment", "amount": 100 }), "reason"),
        (
            json!({ "kind": "adjustment", "amount": 100, "reason": "x", "method": "cash" }),
            "method",
        ),
        (json!({ "kind": "delivery", "amount": 100 }), "kind"),
        (
            json!({ "kind": "opening", "amount": 100_000_000_000i64 }),
            "amount",
        ),
    ];
    for (body, field) in bad {
        let e = w.post_move(&client, body.clone()).await.error(422);
        assert_eq!(e["field"], field, "{body}");
    }
    let terms = [
        (
            json!({ "number": "", "date": "2026-01-10", "payment_days": 10 }),
            "number",
        ),
        (
            json!({ "number": "1", "date": "2026-13-10", "payment_days": 10 }),
            "date",
        ),
        (
            json!({ "number": "1", "date": "2026-01-10", "payment_days": 400 }),
            "payment_days",
        ),
        (
            json!({ "number": "1", "date": "2026-01-10", "payment_days": -1 }),
            "payment_days",
        ),
        (
            json!({ "number": "1", "date": "2026-01-10", "payment_days": 5, "credit_limit": -1 }),
            "credit_limit",
        ),
        (
            json!({ "number": "1", "date": "2026-01-10", "payment_days": 5, "allowed_until": w.app.day(91) }),
            "allowed_until",
        ),
        (
            json!({ "number": "1", "date": "2026-01-10", "payment_days": 5, "allowed_until": w.app.day(-1) }),
            "allowed_until",
        ),
    ];
    for (body, field) in terms {
        let e = w.contract(&client, body.clone()).await.error(422);
        assert_eq!(e["field"], field, "{body}");
    }
    // A stale version is refused; nothing was written by any of the above.
    let v = w.card(&client).await["version"].as_i64().expect("version");
    w.contract(
        &client,
        json!({ "version": v + 5, "number": "1", "date": "2026-01-10", "payment_days": 5 }),
    )
    .await
    .error(409);
    assert_eq!(w.agree(&client).await, 0);
    assert!(w.card(&client).await["contract"].is_null());
    w.app
        .get("/api/clients/nosuchclient/account", &w.op)
        .await
        .error(404);
    w.post_move(
        "nosuchclient",
        json!({ "kind": "payment", "amount": 100, "method": "cash" }),
    )
    .await
    .error(404);
    w.app
        .get(&format!("/api/clients/{client}/account?limit=0"), &w.op)
        .await
        .error(422);
    w.app
        .get(&format!("/api/clients/{client}/account?before=x"), &w.op)
        .await
        .error(422);
}

#[tokio::test]
async fn concurrent_deliveries_and_payments_keep_the_balance_the_sum_of_its_moves() {
    let w = world().await;
    let (client, addr) = w
        .app
        .client("Иван Петров", "individual", "9161110005")
        .await;
    let mut stops = vec![];
    for _ in 0..6 {
        stops.push(
            w.app
                .dispatched_stop(&w.op, (&client, &addr), (&w.water, 2), &w.kolya_id)
                .await,
        );
    }
    let paths: Vec<String> = stops
        .iter()
        .map(|id| format!("/api/orders/{id}/deliver"))
        .collect();
    let deliveries = paths.iter().enumerate().map(|(i, path)| {
        w.app.post(
            path,
            &w.kolya,
            json!({ "cash_collected": 40000 + i as i64 * 1000, "empties_returned": 2,
                    "empties_note": "так" }),
        )
    });
    let payments = (0..6).map(|_| {
        w.post_move(
            &client,
            json!({ "kind": "payment", "amount": 1000, "method": "sbp" }),
        )
    });
    let (delivered, paid) = futures::future::join(
        futures::future::join_all(deliveries),
        futures::future::join_all(payments),
    )
    .await;
    for d in delivered {
        d.expect(200);
    }
    for p in paid {
        p.expect(201);
    }
    // Charged 6 x 500; paid 400+401+...+405 at the door and 6 x 10 by SBP.
    let paid: i64 = (0..6).map(|i| 40000 + i * 1000).sum::<i64>() + 6 * 1000;
    assert_eq!(w.agree(&client).await, 6 * 50000 - paid);
}

#[tokio::test]
async fn card_and_sbp_at_the_door_are_payments_and_leave_the_courier_only_the_cash() {
    let w = world().await;
    let (client, addr) = w
        .app
        .client("Иван Петров", "individual", "9161110006")
        .await;
    let id = w
        .app
        .dispatched_stop(&w.op, (&client, &addr), (&w.water, 3), &w.kolya_id)
        .await;
    let path = format!("/api/orders/{id}/deliver");
    let deliver = |body: Value| w.app.post(&path, &w.kolya, body);
    // Refused: cash among the payments, nothing paid, too many.
    for (payments, field) in [
        (
            json!([{ "method": "cash", "amount": 100 }]),
            "payments[0].method",
        ),
        (
            json!([{ "method": "bank", "amount": 100 }]),
            "payments[0].method",
        ),
        (
            json!([{ "method": "card", "amount": 0 }]),
            "payments[0].amount",
        ),
        (
            json!([{ "method": "card", "amount": 1 }, { "method": "card", "amount": 1 },
                   { "method": "card", "amount": 1 }, { "method": "card", "amount": 1 },
                   { "method": "sbp", "amount": 1 }]),
            "payments",
        ),
    ] {
        let e = deliver(json!({ "cash_collected": 0, "payments": payments,
                                "empties_returned": 3 }))
        .await
        .error(422);
        assert_eq!(e["field"], field, "{payments}");
    }
    // 750,00 due: 300,00 in cash, 250,00 by card, 150,00 by SBP; 50,00 left owing.
    let o = deliver(json!({ "cash_collected": 30000, "empties_returned": 3,
                            "payments": [{ "method": "card", "amount": 25000 },
                                         { "method": "sbp", "amount": 15000 }] }))
    .await
    .expect(200);
    assert_eq!(o["payments"].as_array().map(Vec::len), Some(2));
    let mut got = kinds(&w.account(&client, "").await["moves"]);
    got.sort();
    assert_eq!(
        got,
        [
            ("delivery".to_string(), 75000, None),
            ("payment".to_string(), -30000, Some("cash".to_string())),
            ("payment".to_string(), -25000, Some("card".to_string())),
            ("payment".to_string(), -15000, Some("sbp".to_string())),
        ]
    );
    assert_eq!(w.agree(&client).await, 5000);
    // The courier's cash of the day: 750,00 due at the door less 400,00 paid otherwise.
    let h = w
        .app
        .post("/api/handovers", &w.kolya, json!({ "declared": 30000 }))
        .await
        .expect(200);
    assert_eq!(
        (h["due"].as_i64(), h["collected"].as_i64()),
        (Some(35000), Some(30000))
    );
    let cash = w
        .app
        .get(
            &format!("/api/reports/cash?date={}", w.app.today()),
            &w.manager,
        )
        .await
        .expect(200);
    assert_eq!(
        (
            cash["totals"]["due"].as_i64(),
            cash["totals"]["collected"].as_i64()
        ),
        (Some(35000), Some(30000)),
        "{cash}"
    );
    // The payments report has all three methods.
    let r = w
        .app
        .get("/api/reports/payments", &w.manager)
        .await
        .expect(200);
    assert_eq!(r["total"], 70000);
    let methods: Vec<&str> = r["by_method"]
        .as_array()
        .expect("by method")
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(methods, ["cash", "card", "sbp"]);
}

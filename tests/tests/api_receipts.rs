//! Fiscal receipts (issue 20, item 5; 54-FZ): an individual's delivery
//! queues its receipt in the delivery's own transaction; the worker sends
//! it to ATOL Online (API v5: getToken, sell, report) and keeps the fiscal
//! data on the order's receipt; the service's errors keep the receipt
//! queued (no answer, a server error, a wrong password, an expired token)
//! or mark it failed for a manager's retry (a refused receipt); a receipt
//! whose answer was lost is not registered twice. Against a fake service
//! that answers with the recorded answers (tests/fixtures/atol/) and checks
//! each request as the service does.

use std::time::{Duration, Instant};

use rodnik_tests::atol::{self, FakeAtol, Mode};
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    op: String,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
    atol: FakeAtol,
}

async fn world() -> World {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let atol = FakeAtol::start().await;
    World {
        app,
        op,
        manager,
        kolya_id,
        kolya,
        water,
        atol,
    }
}

fn company(atol_url: &str, enabled: bool, password: Option<&str>) -> Value {
    json!({
        "name": "ООО «Родник»", "inn": "7701234567", "kpp": "770101001",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "account": "40702810900000000001", "corr_account": "30101810400000000225",
        "fiscal": {
            "enabled": enabled, "url": atol_url, "login": atol::LOGIN, "password": password,
            "group_code": atol::GROUP, "sno": "usn_income",
            "payment_address": "https://rodnik.example", "email": "kassa@rodnik.example"
        }
    })
}

impl World {
    async fn fiscal_on(&self) {
        self.settings(company(&self.atol.url, true, Some(atol::PASSWORD)))
            .await;
    }

    /// A delivered stop of an individual: 3 bottles and their deposit.
    async fn delivered(&self, name: &str, phone: &str, body: Value) -> (String, String) {
        let (client, addr) = self.app.client(name, "individual", phone).await;
        let id = self
            .app
            .dispatched_stop(&self.op, (&client, &addr), (&self.water, 3), &self.kolya_id)
            .await;
        self.app
            .post(&format!("/api/orders/{id}/deliver"), &self.kolya, body)
            .await
            .expect(200);
        (id, client)
    }

    /// Saves the company settings: the answer.
    async fn settings(&self, body: Value) -> Value {
        self.app
            .put("/api/settings/company", &self.app.admin, body)
            .await
            .expect(200)
    }

    /// Company settings refused for `field`.
    async fn refused(&self, body: Value, field: &str) {
        let e = self
            .app
            .put("/api/settings/company", &self.app.admin, body)
            .await
            .error(422);
        assert_eq!(e["field"], field, "{e}");
    }

    /// A delivered stop of 3 bottles (750 roubles) paid in cash, the empties back.
    async fn paid_in_cash(&self, name: &str, phone: &str) -> (String, String) {
        self.delivered(
            name,
            phone,
            json!({ "cash_collected": 75000, "empties_returned": 3 }),
        )
        .await
    }

    async fn receipts(&self, order: &str) -> Vec<Value> {
        self.app
            .get(&format!("/api/orders/{order}/receipts"), &self.op)
            .await
            .expect(200)
            .as_array()
            .expect("receipts")
            .clone()
    }

    /// Waits until the order's first receipt satisfies `ok` (the worker runs
    /// every 100 ms in tests).
    async fn until(&self, order: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let r = self.receipts(order).await;
            if let Some(first) = r.first() {
                if ok(first) {
                    return first.clone();
                }
            }
            assert!(
                Instant::now() < deadline,
                "the receipt never got {what}: {r:?}\nrequests: {:?}",
                self.atol.requests()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn status_is(s: &'static str) -> impl Fn(&Value) -> bool {
    move |r: &Value| r["status"] == s
}

#[tokio::test]
async fn a_cash_and_card_delivery_gets_its_receipt_registered() {
    let w = world().await;
    w.app
        .put(
            "/api/settings/bottles",
            &w.app.admin,
            json!({ "deposit_price": 30000, "free_individual": 0, "free_legal": 0 }),
        )
        .await
        .expect(200);
    w.fiscal_on().await;
    w.atol.not_ready_times(1);
    // Due: 3 × 250 + 3 × 300 deposit = 1 650 roubles: 1 000 by card, 600
    // in cash, 50 left owing.
    let (order, client) = w
        .delivered(
            "Иван Петров",
            "9161110001",
            json!({ "cash_collected": 60000, "empties_returned": 0, "empties_note": "новый клиент",
                    "payments": [{ "method": "card", "amount": 100000 }] }),
        )
        .await;
    let r = w.until(&order, "done", status_is("done")).await;
    assert_eq!(r["kind"], "sell");
    assert_eq!(r["client_id"], client.as_str());
    assert_eq!(
        (&r["total"], &r["cash"], &r["electronic"], &r["credit"]),
        (&json!(165000), &json!(60000), &json!(100000), &json!(5000))
    );
    // The fiscal data of the recorded "done" answer.
    let reg = w.atol.registered();
    assert_eq!(reg.len(), 1, "registered once");
    assert_eq!(r["uuid"], reg[0].uuid.as_str());
    assert_eq!(r["fiscal"]["fn_number"], "9999078902004793");
    assert_eq!(r["fiscal"]["fiscal_document_attribute"], 3526257040i64);
    assert_eq!(
        r["fiscal"]["fiscal_document_number"],
        reg[0].document_number
    );
    assert!(r["fiscal"]["ofd_receipt_url"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    assert!(r.get("error").is_none(), "no error left: {r}");
    // What was sent, checked by hand: roubles, lines, payments, the buyer.
    let body = &reg[0].body;
    assert_eq!(reg[0].operation, "sell");
    assert_eq!(body["external_id"], r["external_id"]);
    let receipt = &body["receipt"];
    assert_eq!(receipt["total"], json!(1650.0));
    assert_eq!(receipt["client"]["phone"], "+79161110001");
    assert_eq!(
        receipt["company"],
        json!({ "email": "kassa@rodnik.example", "sno": "usn_income", "inn": "7701234567",
                "payment_address": "https://rodnik.example" })
    );
    let items = receipt["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "Product W19");
    assert_eq!(
        (&items[0]["price"], &items[0]["quantity"], &items[0]["sum"]),
        (&json!(250.0), &json!(3.0), &json!(750.0))
    );
    assert_eq!(items[0]["payment_object"], 1);
    // Без НДС (the company has no VAT rate).
    assert_eq!(items[0]["vat"]["type"], "none");
    assert_eq!(items[0]["payment_method"], "partial_payment");
    assert_eq!(items[1]["payment_object"], 19, "the deposit is a залог");
    assert_eq!(
        (&items[1]["price"], &items[1]["quantity"], &items[1]["sum"]),
        (&json!(300.0), &json!(3.0), &json!(900.0))
    );
    assert_eq!(
        receipt["payments"],
        json!([{ "type": 0, "sum": 600.0 }, { "type": 1, "sum": 1000.0 }, { "type": 3, "sum": 50.0 }])
    );
    assert!(atol::invalid_fields(body).is_empty());
    // The receipt's time is the delivery's, in the company's zone.
    let o = w
        .app
        .get(&format!("/api/orders/{order}"), &w.op)
        .await
        .expect(200);
    let delivered = chrono::DateTime::parse_from_rfc3339(o["delivered_at"].as_str().expect("at"))
        .expect("rfc3339")
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string();
    assert_eq!(body["timestamp"], delivered.as_str());
    // One token served every call, sent in the Token header.
    assert_eq!(w.atol.tokens_issued(), 1);
    for q in w
        .atol
        .requests()
        .iter()
        .filter(|q| !q.path.ends_with("getToken"))
    {
        assert_eq!(
            q.token.as_deref(),
            Some("fake-token-1-2f8c1b"),
            "{}",
            q.path
        );
    }
    // Asked "not found yet" once, then done: two reports.
    assert_eq!(reg[0].reports, 2);
    assert!(r["attempts"].as_i64().expect("attempts") >= 3);
    // The courier sees the receipt of their own stop; nobody else's.
    w.app
        .get(&format!("/api/orders/{order}/receipts"), &w.kolya)
        .await
        .expect(200);
    let (_, misha) = w.app.user("misha", "courier", None).await;
    w.app
        .get(&format!("/api/orders/{order}/receipts"), &misha)
        .await
        .error(404);
    // The report of receipts not registered is empty; of registered ones, has it.
    let open = w
        .app
        .get("/api/reports/receipts", &w.manager)
        .await
        .expect(200);
    assert_eq!(open, json!([]));
    let done = w
        .app
        .get("/api/reports/receipts?status=done", &w.manager)
        .await
        .expect(200);
    assert_eq!(done.as_array().map(Vec::len), Some(1));
    w.app.get("/api/reports/receipts", &w.op).await.error(403);
}

#[tokio::test]
async fn legal_clients_and_companies_without_receipts_get_none() {
    let w = world().await;
    // Receipts off: an individual's delivery makes none.
    let (order, _) = w.paid_in_cash("Без кассы", "9161110002").await;
    assert!(w.receipts(&order).await.is_empty());
    w.fiscal_on().await;
    // A legal client pays against documents: no receipt.
    let (client, addr) = w.app.client("ООО Ромашка", "legal", "4951110003").await;
    let id = w
        .app
        .dispatched_stop(&w.op, (&client, &addr), (&w.water, 3), &w.kolya_id)
        .await;
    w.app
        .post(
            &format!("/api/orders/{id}/deliver"),
            &w.kolya,
            json!({ "empties_returned": 3 }),
        )
        .await
        .expect(200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(w.receipts(&id).await.is_empty());
    assert!(w.atol.sells().is_empty(), "nothing sent");
}

#[tokio::test]
async fn the_services_errors_keep_or_fail_the_receipt() {
    let w = world().await;
    // A wrong password: the receipt waits with the service's error.
    w.atol.set_password("another");
    w.fiscal_on().await;
    let (order, _) = w.paid_in_cash("Пётр Сидоров", "9161110004").await;
    let r = w
        .until(&order, "the login error", |r| r["error"]["code"] == 12)
        .await;
    assert_eq!(r["status"], "pending");
    assert_eq!(r["error"]["text"], "Неверный логин или пароль");
    assert!(w.atol.sells().is_empty());
    // The report lists it, in JSON, CSV and XLSX.
    let open = w
        .app
        .get("/api/reports/receipts", &w.manager)
        .await
        .expect(200);
    assert_eq!(open.as_array().map(Vec::len), Some(1));
    assert_eq!(open[0]["order_id"], order.as_str());
    let (head, rows) = w
        .app
        .csv_rows("/api/reports/receipts?format=csv", &w.manager)
        .await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(&head[5], "status");
    assert_eq!((&rows[0][5], &rows[0][6]), ("pending", "75000"));
    assert_eq!(&rows[0][11], "12");
    assert_eq!(&rows[0][12], "Неверный логин или пароль");
    let sheet = w
        .app
        .xlsx_sheet(
            "/api/reports/receipts?format=xlsx&lang=ru",
            &w.manager,
            "Чеки",
        )
        .await;
    assert_eq!(sheet[0][4], "Статус");
    assert_eq!(sheet[1][4], "Не отправлен");
    assert_eq!(sheet[1][5], "750");
    assert_eq!(sheet[1][10], "Неверный логин или пароль");
    // The password fixed in the settings: the queued receipt goes at once.
    w.atol.set_password(atol::PASSWORD);
    w.settings(company(&w.atol.url, true, Some(atol::PASSWORD)))
        .await;
    w.until(&order, "done", status_is("done")).await;

    // A refused receipt is failed, then a manager's retry makes a new request.
    w.atol.set_mode(Mode::Refuse);
    let (order, _) = w.paid_in_cash("Анна Кузнецова", "9161110005").await;
    let r = w.until(&order, "failed", status_is("failed")).await;
    assert_eq!(r["error"]["code"], 32);
    assert!(r["error"]["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("Ошибка валидации входного чека")));
    assert!(r.get("next_at").is_none(), "not tried again by itself");
    let first_external = r["external_id"].as_str().expect("external id").to_string();
    let id = r["id"].as_str().expect("id").to_string();
    w.app
        .post(&format!("/api/receipts/{id}/retry"), &w.op, json!({}))
        .await
        .error(403);
    w.atol.set_mode(Mode::Normal);
    let again = w
        .app
        .post(&format!("/api/receipts/{id}/retry"), &w.manager, json!({}))
        .await
        .expect(200);
    assert_eq!(again["status"], "pending");
    assert_ne!(again["external_id"], first_external.as_str());
    let r = w.until(&order, "done", status_is("done")).await;
    assert_eq!(r["external_id"], again["external_id"]);
    let e = w
        .app
        .post(&format!("/api/receipts/{id}/retry"), &w.manager, json!({}))
        .await
        .error(409);
    assert_eq!(e["code"], "receipt_not_retryable");
    w.app
        .post("/api/receipts/nope/retry", &w.manager, json!({}))
        .await
        .error(404);

    // A server error, then the service is back: sent again until done.
    w.atol.set_mode(Mode::ServerError);
    let (order, _) = w.paid_in_cash("Ольга Смирнова", "9161110006").await;
    let r = w
        .until(&order, "the server error", |r| r["error"]["code"] == 50)
        .await;
    assert_eq!(r["status"], "pending");
    w.atol.set_mode(Mode::Normal);
    let r = w.until(&order, "done", status_is("done")).await;
    assert!(r["attempts"].as_i64().expect("attempts") >= 3);

    // An expired token: a new one, and the receipt goes through.
    let tokens = w.atol.tokens_issued();
    w.atol.expire_token();
    let (order, _) = w.paid_in_cash("Сергей Волков", "9161110007").await;
    w.until(&order, "done", status_is("done")).await;
    assert_eq!(w.atol.tokens_issued(), tokens + 1);
}

#[tokio::test]
async fn a_lost_answer_or_a_register_timeout_registers_once() {
    let w = world().await;
    w.fiscal_on().await;
    // The service registers the receipt and the answer is lost: the resend
    // under the same external_id is told the receipt's id (error 33).
    w.atol.set_mode(Mode::LoseAnswer);
    let (order, _) = w.paid_in_cash("Мария Орлова", "9161110008").await;
    w.until(&order, "a lost answer", |r| {
        r["attempts"].as_i64() >= Some(1)
    })
    .await;
    w.atol.set_mode(Mode::Normal);
    let r = w.until(&order, "done", status_is("done")).await;
    let reg = w.atol.registered();
    assert_eq!(reg.len(), 1, "registered once: {reg:?}");
    assert_eq!(r["uuid"], reg[0].uuid.as_str());
    let sells = w.atol.sells();
    assert!(sells.len() >= 2, "sent again after the lost answer");
    assert!(sells
        .iter()
        .all(|s| s.body["external_id"] == r["external_id"]));

    // No cash register took it: a new request (a new external_id) is safe.
    w.atol.set_mode(Mode::RegisterTimesOut);
    let (order, _) = w.paid_in_cash("Дмитрий Лебедев", "9161110009").await;
    let r = w
        .until(&order, "the timeout", |r| r["error"]["type"] == "timeout")
        .await;
    // The same outcome that kept the error made a new request.
    let next = r["external_id"].as_str().expect("external id").to_string();
    assert!(!next.ends_with("-1"), "{next}");
    assert_eq!(r["status"], "pending");
    let timed_out = w.atol.registered();
    assert!(timed_out.iter().any(|x| x.external_id.ends_with("-1")));
    w.atol.set_mode(Mode::Normal);
    let r = w.until(&order, "done", status_is("done")).await;
    assert!(!r["external_id"].as_str().unwrap_or("-1").ends_with("-1"));
}

#[tokio::test]
async fn the_settings_keep_the_password_and_check_their_fields() {
    let w = world().await;
    let url = w.atol.url.clone();
    // Receipts need the password, the INN and the place of settlement.
    w.refused(company(&url, true, None), "fiscal.password")
        .await;
    let mut bad = company(&url, true, Some("p"));
    bad["fiscal"]["payment_address"] = json!("");
    w.refused(bad, "fiscal.payment_address").await;
    let mut bad = company("ftp://atol", true, Some("p"));
    bad["fiscal"]["url"] = json!("ftp://atol");
    w.refused(bad, "fiscal.url").await;
    let mut bad = company(&url, false, None);
    bad["sbp"] = json!({ "link": "javascript:alert(1)" });
    w.refused(bad, "sbp.link").await;
    // Saved: the password never comes back, and is kept when left out.
    let s = w.settings(company(&url, true, Some("secret-1"))).await;
    assert_eq!(s["fiscal"]["password_set"], true);
    assert!(s["fiscal"].get("password").is_none());
    let s = w.settings(company(&url, true, None)).await;
    assert_eq!(s["fiscal"]["password_set"], true);
    let got = w
        .app
        .get("/api/settings/company", &w.manager)
        .await
        .expect(200);
    assert!(!got.to_string().contains("secret-1"));
    // The QR settings reach couriers: the SBP link and the bank details.
    let mut with_sbp = company(&url, false, None);
    with_sbp["sbp"] = json!({ "link": "https://qr.nspk.ru/AS1000670LSS7DN18SJQDNP4B05KLJL2?type=01&bank=100000000001", "link_takes_sum": true });
    w.settings(with_sbp).await;
    let qr = w
        .app
        .get("/api/payments/qr-settings", &w.kolya)
        .await
        .expect(200);
    assert_eq!(qr["sbp"]["link_takes_sum"], true);
    assert_eq!(qr["account"], "40702810900000000001");
    assert!(qr.get("fiscal").is_none() && !qr.to_string().contains("secret-1"));
    let q: rodnik_shared::api::PaymentQrSettings = serde_json::from_value(qr).expect("decodes");
    assert_eq!(
        q.sbp_link(rodnik_shared::Money(123_450)).as_deref(),
        Some("https://qr.nspk.ru/AS1000670LSS7DN18SJQDNP4B05KLJL2?type=01&bank=100000000001&sum=123450&cur=RUB")
    );
    assert_eq!(
        q.requisites_qr(rodnik_shared::Money(123_450), "Оплата заказа №17").as_deref(),
        Some("ST00012|Name=ООО «Родник»|PersonalAcc=40702810900000000001|BankName=ПАО Сбербанк|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=7701234567|KPP=770101001|Sum=123450|Purpose=Оплата заказа №17")
    );
}

//! Month-end documents (issue 20, item 2): closing a month issues each
//! legal client's invoice and transfer document of the month's deliveries
//! at contract prices, VAT as the company says, numbered by the company's
//! rules; a second close keeps them, a change of the month makes a
//! correcting document; PDFs (read back with pdftotext) and XLSX carry the
//! figures checked by hand here; an act of reconciliation for any period;
//! documents go by e-mail through a real SMTP server.

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use rodnik_tests::smtp::{pdf_text, squeeze, Smtp};
use rodnik_tests::*;
use serde_json::{json, Value};

struct World {
    app: App,
    manager: String,
    kolya_id: String,
    kolya: String,
    water: String,
    cups: String,
    client: String,
    addr: String,
    /// The previous month (YYYY-MM) and a day in it.
    month: String,
    first: NaiveDate,
}

fn company(vat: Option<u32>, transfer: &str) -> Value {
    json!({
        "name": "ООО «Родник»", "inn": "7701234567", "kpp": "770101001",
        "ogrn": "1027700132195", "address": "г. Москва, ул. Родниковая, д. 1",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "account": "40702810900000000001", "corr_account": "30101810400000000225",
        "director": "Иванов И. И.", "accountant": "Петрова А. А.",
        "vat_rate": vat, "transfer_doc": transfer,
        "invoice_prefix": "С-", "transfer_prefix": "", "yearly_numbers": true
    })
}

async fn world(vat: Option<u32>, transfer: &str) -> World {
    let app = spawn_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    let (kolya_id, kolya) = app.user("kolya", "courier", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let cups = app.product("CUP", "goods", 500, false).await;
    let c = app
        .post(
            "/api/clients",
            &app.admin,
            json!({ "kind": "legal", "name": "Ромашка", "phones": ["4951234567"], "inn": "7712345678",
                    "addresses": [{ "text": "Москва, Тверская 1, офис 5" }],
                    "requisites": { "full_name": "ООО «Ромашка»", "kpp": "771201001",
                                    "address": "г. Москва, ул. Тверская, д. 1",
                                    "email": "buh@romashka.ru" } }),
        )
        .await
        .expect(201);
    let client = id_of(&c);
    let addr = c["addresses"][0]["id"].as_str().expect("addr").to_string();
    // Contract price: 212,50 for the water.
    app.put(
        &format!("/api/clients/{client}/prices"),
        &app.admin,
        json!({ "prices": [{ "product_id": water, "price": 21250 }] }),
    )
    .await
    .expect(200);
    app.put(
        &format!("/api/clients/{client}/contract"),
        &app.admin,
        json!({ "number": "17/2026", "date": "2026-01-10", "payment_days": 10 }),
    )
    .await
    .expect(200);
    app.put("/api/settings/company", &app.admin, company(vat, transfer))
        .await
        .expect(200);
    let today = app.state.cfg.today();
    let first_this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first");
    let first = (first_this - chrono::Duration::days(1))
        .with_day(1)
        .expect("first of last month");
    World {
        app,
        manager,
        kolya_id,
        kolya,
        water,
        cups,
        client,
        addr,
        month: first.format("%Y-%m").to_string(),
        first,
    }
}

impl World {
    /// A delivered order of the previous month's `day`: water and cups.
    async fn delivered(&self, day: u32, water: u32, cups: u32) {
        let mut lines = vec![json!({ "product_id": self.water, "qty": water })];
        if cups > 0 {
            lines.push(json!({ "product_id": self.cups, "qty": cups }));
        }
        self.delivered_to((&self.client, &self.addr), day, lines)
            .await;
    }

    /// An order of `lines` for `client` at `addr`, delivered on the previous
    /// month's `day` (entered by the admin, who may date it back).
    async fn delivered_to(&self, (client, addr): (&str, &str), day: u32, lines: Vec<Value>) {
        let date = self.first.with_day(day).expect("day").to_string();
        let empties: u64 = lines
            .iter()
            .filter(|l| l["product_id"] == self.water.as_str())
            .filter_map(|l| l["qty"].as_u64())
            .sum();
        let o = self
            .app
            .order(
                &self.app.admin,
                json!({ "client_id": client, "address_id": addr, "lines": lines,
                        "delivery_date": date, "courier_id": self.kolya_id }),
            )
            .await;
        let id = id_of(&o);
        self.app
            .post(
                &format!("/api/orders/{id}/dispatch"),
                &self.app.admin,
                json!({}),
            )
            .await
            .expect(200);
        self.app
            .post(
                &format!("/api/orders/{id}/deliver"),
                &self.kolya,
                json!({ "empties_returned": empties, "empties_note": "так" }),
            )
            .await
            .expect(200);
    }

    /// Closes the month and waits for the job to end.
    async fn close(&self, body: Value) -> Value {
        let job = self
            .app
            .post("/api/documents/close", &self.manager, body)
            .await
            .expect(202);
        let id = id_of(&job);
        for _ in 0..200 {
            let j = self
                .app
                .get(&format!("/api/documents/jobs/{id}"), &self.manager)
                .await
                .expect(200);
            if j["state"] != "running" {
                return j;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the job did not end");
    }

    async fn documents(&self) -> Vec<Value> {
        self.app
            .get(
                &format!(
                    "/api/documents?month={}&client_id={}",
                    self.month, self.client
                ),
                &self.manager,
            )
            .await
            .expect(200)
            .as_array()
            .cloned()
            .expect("documents")
    }

    async fn pdf(&self, id: &str) -> String {
        let r = self
            .app
            .http
            .get(self.app.url(&format!("/api/documents/{id}/pdf")))
            .bearer_auth(&self.manager)
            .send()
            .await
            .expect("pdf");
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["content-type"].to_str().expect("type"),
            "application/pdf"
        );
        let bytes = r.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"%PDF-"), "a PDF");
        // RODNIK_DOC_DUMP=<dir> keeps the PDFs to look at.
        if let Ok(dir) = std::env::var("RODNIK_DOC_DUMP") {
            let _ = std::fs::write(format!("{dir}/{id}.pdf"), &bytes);
        }
        pdf_text(&bytes)
    }
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

#[tokio::test]
async fn closing_a_month_issues_the_invoice_and_upd_at_contract_prices_with_vat() {
    let w = world(Some(20), "upd").await;
    // 4 + 6 bottles at 212,50 and 100 cups at 5,00 over the month.
    w.delivered(3, 4, 100).await;
    w.delivered(17, 6, 0).await;
    let job = w.close(json!({ "month": w.month })).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        (job["clients"].as_i64(), job["done"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(job["issued"], 2, "{job}");
    let docs = w.documents().await;
    let invoice = of_kind(&docs, "invoice");
    let upd = of_kind(&docs, "upd");
    assert_eq!((invoice.len(), upd.len()), (1, 1), "{docs:?}");
    let (invoice, upd) = (invoice[0], upd[0]);
    assert_eq!(invoice["number"], "С-1");
    assert_eq!(upd["number"], "1");
    // Dated the month's last day.
    let last = (w.first + chrono::Months::new(1)) - chrono::Duration::days(1);
    assert_eq!(upd["date"], last.to_string().as_str());
    // 10 x 212,50 = 2 125,00 (VAT 20/120: 354,17); 100 x 5,00 = 500,00 (83,33).
    let lines = upd["lines"].as_array().expect("lines");
    let got: Vec<(&str, i64, i64, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["name"].as_str().expect("name"),
                l["qty"].as_i64().expect("qty"),
                l["price"].as_i64().expect("price"),
                l["amount"].as_i64().expect("amount"),
                l["vat"].as_i64().expect("vat"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Product W19", 10, 21250, 212500, 35417),
            ("Product CUP", 100, 500, 50000, 8333),
        ]
    );
    assert_eq!(
        (upd["total"].as_i64(), upd["vat_total"].as_i64()),
        (Some(262500), Some(43750))
    );
    assert_eq!(upd["buyer"]["name"], "ООО «Ромашка»");
    assert_eq!(upd["buyer"]["kpp"], "771201001");
    assert_eq!(upd["basis"], "Договор № 17/2026 от 10.01.2026");
    // The invoice as printed.
    let text = pdf_text_of(&w, invoice).await;
    for phrase in [
        "Счёт на оплату № С-1",
        "ПАО Сбербанк",
        "044525225",
        "40702810900000000001",
        "ООО «Ромашка», ИНН 7712345678, КПП 771201001",
        "Договор № 17/2026 от 10.01.2026",
        "Product W19",
        "212,50",
        "2 125,00",
        "Итого: 2 625,00",
        "В том числе НДС (20%): 437,50",
        "Две тысячи шестьсот двадцать пять рублей 00 копеек",
        "Иванов И. И.",
    ] {
        assert!(text.contains(phrase), "{phrase} in\n{text}");
    }
    // The УПД: status 1, prices without VAT (10 x 177,08 = 1 770,83 net).
    let text = pdf_text_of(&w, upd).await;
    for phrase in [
        "Универсальный передаточный документ",
        "Статус: 1",
        "Счёт-фактура № 1",
        "ИНН/КПП продавца: 7701234567/770101001",
        "ИНН/КПП покупателя: 7712345678/771201001",
        "Российский рубль, 643",
        "177,08",
        "1 770,83",
        "354,17",
        "20%",
        "2 187,50",
        "437,50",
        "2 625,00",
    ] {
        assert!(text.contains(phrase), "{phrase} in\n{text}");
    }
    // The workbook: the lines and the totals as numbers.
    let rows = w
        .app
        .xlsx_sheet(
            &format!("/api/documents/{}/xlsx", id_of(upd)),
            &w.manager,
            "Строки",
        )
        .await;
    assert_eq!(rows[1][1], "Product W19");
    assert_eq!((rows[1][3].as_str(), rows[1][5].as_str()), ("10", "2125"));
    let total = rows.last().expect("totals");
    assert_eq!((total[5].as_str(), total[6].as_str()), ("2625", "437.5"));
    let about = w
        .app
        .xlsx_sheet(
            &format!("/api/documents/{}/xlsx", id_of(upd)),
            &w.manager,
            "Документ",
        )
        .await;
    assert!(
        about
            .iter()
            .any(|r| r[0] == "Покупатель: КПП" && r[1] == "771201001"),
        "{about:?}"
    );
    // Closing again changes nothing.
    let again = w.close(json!({ "month": w.month })).await;
    assert_eq!(
        (again["issued"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(w.documents().await.len(), 2);
    // A late delivery of the month: a correcting document, the УПД as issued.
    w.delivered(28, 2, 0).await;
    let corr = w.close(json!({ "month": w.month })).await;
    assert_eq!(
        (corr["issued"].as_i64(), corr["corrected"].as_i64()),
        (Some(1), Some(1)),
        "{corr}"
    );
    let docs = w.documents().await;
    let c = of_kind(&docs, "correction");
    assert_eq!(c.len(), 1);
    let c = c[0];
    // Numbered on in the year of its date (today): 2 unless the year turned.
    let same_year = w.first.year() == w.app.state.cfg.today().year();
    assert_eq!(c["number"], if same_year { "2" } else { "1" });
    assert_eq!(c["corrects"], upd["id"]);
    assert_eq!(c["lines"][0]["qty_before"], 10);
    assert_eq!(c["lines"][0]["qty"], 12);
    assert_eq!(c["total"], 262500 + 42500);
    let unchanged: Vec<&Value> = of_kind(&docs, "upd");
    assert_eq!(
        unchanged[0]["total"], 262500,
        "the issued УПД never changes"
    );
    let text = pdf_text_of(&w, c).await;
    assert!(text.contains("Корректировочный счёт-фактура"), "{text}");
    assert!(text.contains("к документу № 1 от"), "{text}");
    assert!(text.contains("425,00"), "the increase, in\n{text}");
}

async fn pdf_text_of(w: &World, d: &Value) -> String {
    squeeze(&w.pdf(&id_of(d)).await)
}

#[tokio::test]
async fn without_vat_the_documents_say_so_and_an_act_goes_with_the_invoice() {
    let w = world(None, "act_invoice").await;
    w.delivered(5, 3, 0).await;
    let job = w.close(json!({ "month": w.month })).await;
    assert_eq!(job["issued"], 2, "{job}");
    let docs = w.documents().await;
    let act = of_kind(&docs, "act");
    assert_eq!(
        act.len(),
        1,
        "an act, no счёт-фактура without VAT: {docs:?}"
    );
    assert_eq!(act[0]["vat_total"], 0);
    let text = pdf_text_of(&w, act[0]).await;
    for phrase in [
        "Акт № 1",
        "Без налога (НДС)",
        "637,50",
        "Шестьсот тридцать семь рублей 50 копеек",
    ] {
        assert!(text.contains(phrase), "{phrase} in\n{text}");
    }
    // With VAT, an act brings its счёт-фактура.
    w.app
        .put(
            "/api/settings/company",
            &w.app.admin,
            company(Some(22), "act_invoice"),
        )
        .await
        .expect(200);
    let (other, addr) = w.app.client("ООО Лютик", "legal", "4957654321").await;
    w.delivered_to(
        (&other, &addr),
        9,
        vec![json!({ "product_id": w.water, "qty": 4 })],
    )
    .await;
    let job = w
        .close(json!({ "month": w.month, "client_id": other }))
        .await;
    assert_eq!(job["issued"], 3, "{job}");
    let docs = w
        .app
        .get(&format!("/api/documents?client_id={other}"), &w.manager)
        .await
        .expect(200);
    let factura = docs
        .as_array()
        .expect("docs")
        .iter()
        .find(|d| d["kind"] == "factura")
        .cloned()
        .expect("a счёт-фактура");
    // 4 x 250,00 = 1 000,00 with VAT 22%: 180,33.
    assert_eq!(
        (factura["total"].as_i64(), factura["vat_total"].as_i64()),
        (Some(100000), Some(18033))
    );
}

#[tokio::test]
async fn the_reconciliation_act_balances_the_period() {
    let w = world(None, "upd").await;
    w.delivered(2, 4, 0).await; // 850,00
    w.delivered(20, 2, 0).await; // 425,00
    w.close(json!({ "month": w.month })).await;
    // 1 000,00 paid by bank on the 25th of the month.
    let pay_day = w.first.with_day(25).expect("day");
    let today = w.app.state.cfg.today();
    let pay_day = pay_day.min(today).to_string();
    w.app
        .post(
            &format!("/api/clients/{}/account", w.client),
            &w.manager,
            json!({ "kind": "payment", "amount": 100000, "method": "bank",
                    "reference": "п/п 44", "day": pay_day }),
        )
        .await
        .expect(201);
    let act = w
        .app
        .post(
            "/api/documents/reconciliation",
            &w.manager,
            json!({ "client_id": w.client, "from": w.first.to_string(), "to": today.to_string() }),
        )
        .await
        .expect(201);
    assert_eq!(act["number"], "1");
    assert_eq!(
        (act["opening"].as_i64(), act["closing"].as_i64()),
        (Some(0), Some(27500))
    );
    let rows = act["rows"].as_array().expect("rows");
    assert!(
        rows.iter()
            .any(|r| r["credit"] == 100000 && r["text"] == "Оплата (п/п 44)"),
        "{act}"
    );
    assert!(
        rows.iter().any(|r| r["debit"] == 127500
            && r["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Реализация (УПД № 1 от"))),
        "{act}"
    );
    let text = pdf_text_of(&w, &act).await;
    for phrase in [
        "Акт сверки взаимных расчётов",
        "Сальдо начальное",
        "1 275,00",
        "1 000,00",
        "Сальдо конечное",
        "задолженность в пользу ООО «Родник» составляет 275,00 руб.",
        "Двести семьдесят пять рублей 00 копеек",
    ] {
        assert!(text.contains(phrase), "{phrase} in\n{text}");
    }
    // The card's balance agrees.
    let card = w
        .app
        .get(&format!("/api/clients/{}", w.client), &w.manager)
        .await
        .expect(200);
    assert_eq!(card["balance"], 27500);
    // A period that ends before it starts, or in the future, is refused.
    for (from, to, field) in [
        (today.to_string(), w.first.to_string(), "to"),
        (
            w.first.to_string(),
            (today + chrono::Duration::days(1)).to_string(),
            "to",
        ),
        ("2026-02-30".to_string(), today.to_string(), "from"),
    ] {
        let e = w
            .app
            .post(
                "/api/documents/reconciliation",
                &w.manager,
                json!({ "client_id": w.client, "from": from, "to": to }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], field);
    }
}

#[tokio::test]
async fn documents_go_by_e_mail_through_a_real_smtp_server() {
    let w = world(Some(20), "upd").await;
    let smtp = Smtp::start();
    let mut settings = company(Some(20), "upd");
    settings["smtp"] = json!({ "host": "127.0.0.1", "port": smtp.port, "security": "none",
                               "username": "", "password": "s3cret-password",
                               "from": "Родник <billing@rodnik.test>" });
    let saved = w
        .app
        .put("/api/settings/company", &w.app.admin, settings)
        .await
        .expect(200);
    // The password is kept, never answered.
    assert!(saved["smtp"]["password"].is_null());
    assert_eq!(saved["smtp"]["password_set"], true);
    let got = w.app.get("/api/settings/company", &w.manager).await;
    assert!(!got.text.contains("s3cret-password"));
    w.delivered(4, 2, 0).await;
    let job = w.close(json!({ "month": w.month, "send": true })).await;
    assert_eq!(
        (job["issued"].as_i64(), job["sent"].as_i64()),
        (Some(2), Some(1)),
        "{job}"
    );
    let letters = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert_eq!(letter.to, ["buh@romashka.ru"]);
    assert!(letter.from.contains("billing@rodnik.test"));
    let msg = mail_parser::MessageParser::default()
        .parse(&letter.raw)
        .expect("a letter");
    assert!(
        msg.subject().is_some_and(|s| s.starts_with("Документы за")),
        "{:?}",
        msg.subject()
    );
    let pdfs: Vec<String> = msg.attachments().map(|a| pdf_text(a.contents())).collect();
    assert_eq!(pdfs.len(), 2);
    assert!(
        pdfs.iter().any(|t| t.contains("Счёт на оплату № С-1")),
        "{pdfs:?}"
    );
    assert!(pdfs
        .iter()
        .any(|t| t.contains("Универсальный передаточный документ")));
    let docs = w.documents().await;
    for d in &docs {
        assert_eq!(d["sent_to"], "buh@romashka.ru");
        assert!(d["sent_at"].is_string());
    }
    // One document again, by hand.
    let upd = of_kind(&docs, "upd")[0];
    w.app
        .post(
            &format!("/api/documents/{}/send", id_of(upd)),
            &w.manager,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(smtp.wait_for(2, Duration::from_secs(10)).len(), 2);
    // A mail server that is not there: 502, and the document says why.
    let mut down = company(Some(20), "upd");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    down["smtp"] = json!({ "host": "127.0.0.1", "port": port, "security": "none",
                           "from": "billing@rodnik.test" });
    w.app
        .put("/api/settings/company", &w.app.admin, down)
        .await
        .expect(200);
    let e = w
        .app
        .post(
            &format!("/api/documents/{}/send", id_of(upd)),
            &w.manager,
            json!({}),
        )
        .await
        .error(502);
    assert_eq!(e["code"], "upstream_failed");
    let d = w
        .app
        .get(&format!("/api/documents/{}", id_of(upd)), &w.manager)
        .await
        .expect(200);
    assert!(d["send_error"].is_string(), "{d}");
}

#[tokio::test]
async fn bad_settings_and_closings_are_refused() {
    let app = spawn_app().await;
    let (_, manager) = app.user("masha", "manager", None).await;
    // Without requisites nothing is issued.
    let today = app.state.cfg.today();
    let last_month = (NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first")
        - chrono::Duration::days(1))
    .format("%Y-%m")
    .to_string();
    let e = app
        .post(
            "/api/documents/close",
            &manager,
            json!({ "month": last_month }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "company");
    for (patch, field) in [
        (json!({ "inn": "12345" }), "inn"),
        (json!({ "kpp": "1234567890" }), "kpp"),
        (json!({ "bik": "04452522" }), "bik"),
        (json!({ "account": "4070281090000000000" }), "account"),
        (json!({ "vat_rate": 19 }), "vat_rate"),
        (
            json!({ "invoice_prefix": "ОЧЕНЬДЛИННЫЙПРЕФИКС" }),
            "invoice_prefix",
        ),
        (
            json!({ "smtp": { "host": "127.0.0.1", "security": "ssl", "from": "a@b.ru" } }),
            "smtp.security",
        ),
        (
            json!({ "smtp": { "host": "127.0.0.1", "security": "none", "from": "not an address" } }),
            "smtp.from",
        ),
    ] {
        let mut body = company(None, "upd");
        for (k, v) in patch.as_object().expect("patch") {
            body[k] = v.clone();
        }
        let e = app
            .put("/api/settings/company", &app.admin, body)
            .await
            .error(422);
        assert_eq!(e["field"], field, "{patch}");
    }
    app.put("/api/settings/company", &manager, company(None, "upd"))
        .await
        .error(403);
    app.put("/api/settings/company", &app.admin, company(None, "upd"))
        .await
        .expect(200);
    // This month has not ended (unless today is its last day).
    let this_month = today.format("%Y-%m").to_string();
    let last_day = (NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first")
        + chrono::Months::new(1))
        - chrono::Duration::days(1);
    if today < last_day {
        let e = app
            .post(
                "/api/documents/close",
                &manager,
                json!({ "month": this_month }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], "month");
    }
    for month in ["2026-13", "26-11", "november"] {
        let e = app
            .post("/api/documents/close", &manager, json!({ "month": month }))
            .await
            .error(422);
        assert_eq!(e["field"], "month");
    }
    // Sending without a mail server, or to an individual.
    let e = app
        .post(
            "/api/documents/close",
            &manager,
            json!({ "month": last_month, "send": true }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "send");
    let (person, _) = app.client("Иван", "individual", "9161112233").await;
    let e = app
        .post(
            "/api/documents/close",
            &manager,
            json!({ "month": last_month, "client_id": person }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "client_id");
    app.get("/api/documents/nosuchdoc/pdf", &manager)
        .await
        .error(404);
    app.get("/api/documents/jobs/nosuchjob", &manager)
        .await
        .error(404);
}

/// A statement as a bank exports it for 1C: `docs` are (number, payer INN,
/// payer account, payee account, amount in roubles, purpose).
fn statement(docs: &[(&str, &str, &str, &str, &str, &str)], day: &str) -> String {
    let mut s = format!(
        "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nОтправитель=Банк\r\n\
         ДатаНачала={day}\r\nДатаКонца={day}\r\nРасчСчет=40702810900000000001\r\n\
         СекцияРасчСчет\r\nДатаНачала={day}\r\nРасчСчет=40702810900000000001\r\nКонецРасчСчет\r\n"
    );
    for (number, inn, from, to, sum, purpose) in docs {
        s.push_str(&format!(
            "СекцияДокумент=Платежное поручение\r\nНомер={number}\r\nДата={day}\r\nСумма={sum}\r\n\
             ПлательщикСчет={from}\r\nПлательщик=ИНН {inn} ООО \"Плательщик {number}\"\r\n\
             ПлательщикИНН={inn}\r\nПолучательСчет={to}\r\nПолучательИНН=7701234567\r\n\
             ДатаПоступило={day}\r\nНазначениеПлатежа={purpose}\r\nКонецДокумента\r\n"
        ));
    }
    s.push_str("КонецФайла\r\n");
    s
}

#[tokio::test]
async fn a_bank_statement_pays_invoices_and_leaves_the_unknown_to_a_manager() {
    let w = world(None, "upd").await;
    w.delivered(3, 4, 0).await; // 850,00
                                // A second legal client without an INN: found by its invoice's number.
    let (other, addr) = w.app.client("ООО Лютик", "legal", "4957654321").await;
    w.delivered_to(
        (&other, &addr),
        9,
        vec![json!({ "product_id": w.water, "qty": 2 })],
    )
    .await;
    w.close(json!({ "month": w.month })).await;
    let invoices = w
        .app
        .get("/api/documents?kind=invoice", &w.manager)
        .await
        .expect(200);
    let number_of = |client: &str| {
        invoices
            .as_array()
            .expect("invoices")
            .iter()
            .find(|d| d["client_id"] == client)
            .map(|d| d["number"].as_str().expect("number").to_string())
            .expect("an invoice")
    };
    let (ours, theirs) = (number_of(&w.client), number_of(&other));
    let today = w.app.state.cfg.today().format("%d.%m.%Y").to_string();
    let company = "40702810900000000001";
    let text = statement(
        &[
            // By INN, naming its invoice: pays it in full.
            (
                "101",
                "7712345678",
                "40702810000000000002",
                company,
                "850.00",
                &format!("Оплата по счету № {ours} за воду"),
            ),
            // An unknown INN naming the other client's invoice.
            (
                "102",
                "5001112223",
                "40702810000000000003",
                company,
                "500.00",
                &format!("оплата сч. {theirs}"),
            ),
            // Nobody: for a manager.
            (
                "103",
                "5009998887",
                "40702810000000000004",
                company,
                "100.00",
                "Аванс за воду",
            ),
            (
                "104",
                "5009998888",
                "40702810000000000005",
                company,
                "7.00",
                "Возврат переплаты поставщика",
            ),
            // The company paying out: not imported.
            (
                "55",
                "7701234567",
                company,
                "40702810000000000009",
                "3000.00",
                "Оплата за аренду склада",
            ),
        ],
        &today,
    );
    // Windows-1251, as banks send it.
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let import = |body: Vec<u8>| {
        w.app
            .http
            .post(w.app.url("/api/bank/statements"))
            .bearer_auth(&w.manager)
            .header("content-type", "text/plain")
            .body(body)
            .send()
    };
    let r = import(bytes.to_vec()).await.expect("import");
    assert_eq!(r.status(), 200);
    let got: Value = r.json().await.expect("json");
    assert_eq!(
        (
            got["documents"].as_i64(),
            got["incoming"].as_i64(),
            got["outgoing"].as_i64()
        ),
        (Some(5), Some(4), Some(1)),
        "{got}"
    );
    assert_eq!(
        (got["matched"].as_i64(), got["unmatched"].as_i64()),
        (Some(2), Some(2)),
        "{got}"
    );
    assert_eq!(got["matched_amount"], 135000);
    let payments = got["payments"].as_array().expect("payments");
    let by_number = |n: &str| {
        payments
            .iter()
            .find(|p| p["number"] == n)
            .cloned()
            .expect("payment")
    };
    assert_eq!(by_number("101")["matched_by"], "inn");
    assert_eq!(by_number("101")["invoices"], json!([ours]));
    assert_eq!(by_number("102")["matched_by"], "invoice");
    assert_eq!(by_number("102")["client_id"], other.as_str());
    // The invoices say they are paid; the accounts hold the payments.
    let paid = w
        .app
        .get(
            &format!("/api/documents?kind=invoice&client_id={}", w.client),
            &w.manager,
        )
        .await
        .expect(200)[0]
        .clone();
    assert_eq!(paid["paid_amount"], 85000);
    assert!(paid["paid_at"].is_string(), "{paid}");
    let card = w
        .app
        .get(&format!("/api/clients/{}", w.client), &w.manager)
        .await
        .expect(200);
    assert_eq!(card["balance"], 0);
    let card = w
        .app
        .get(&format!("/api/clients/{other}"), &w.manager)
        .await
        .expect(200);
    assert_eq!(card["balance"], 0, "500,00 paid for 2 x 250,00");
    let account = w
        .app
        .get(&format!("/api/clients/{other}/account"), &w.manager)
        .await
        .expect(200);
    let pay = &account["moves"][0];
    assert_eq!(
        (pay["kind"].as_str(), pay["method"].as_str()),
        (Some("payment"), Some("bank"))
    );
    assert!(
        pay["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("п/п 102 от")),
        "{pay}"
    );
    // The same file again adds nothing.
    let again: Value = import(bytes.to_vec())
        .await
        .expect("import")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (again["duplicates"].as_i64(), again["matched"].as_i64()),
        (Some(4), Some(0)),
        "{again}"
    );
    // A manager assigns one and ignores the other.
    let waiting = w
        .app
        .get("/api/bank/payments?state=unmatched", &w.manager)
        .await
        .expect(200);
    assert_eq!(waiting.as_array().map(Vec::len), Some(2));
    let advance = id_of(&by_number("103"));
    let p = w
        .app
        .post(
            &format!("/api/bank/payments/{advance}/assign"),
            &w.manager,
            json!({ "client_id": other }),
        )
        .await
        .expect(200);
    assert_eq!(
        (p["state"].as_str(), p["matched_by"].as_str()),
        (Some("matched"), Some("manager"))
    );
    let card = w
        .app
        .get(&format!("/api/clients/{other}"), &w.manager)
        .await
        .expect(200);
    assert_eq!(card["balance"], -10000, "paid 100,00 ahead");
    w.app
        .post(
            &format!("/api/bank/payments/{advance}/assign"),
            &w.manager,
            json!({ "client_id": other }),
        )
        .await
        .error(409);
    let refund = id_of(&by_number("104"));
    w.app
        .post(
            &format!("/api/bank/payments/{refund}/ignore"),
            &w.manager,
            json!({ "note": "" }),
        )
        .await
        .error(422);
    let p = w
        .app
        .post(
            &format!("/api/bank/payments/{refund}/ignore"),
            &w.manager,
            json!({ "note": "возврат от поставщика" }),
        )
        .await
        .expect(200);
    assert_eq!(p["state"], "ignored");
    assert_eq!(
        w.app
            .count("/api/bank/payments?state=unmatched", &w.manager)
            .await,
        0
    );
    // Another account's statement, or not a statement at all, is refused.
    let wrong = text.replace("40702810900000000001", "40702810900000000099");
    let r = import(wrong.into_bytes()).await.expect("import");
    assert_eq!(r.status(), 422);
    let r = import(b"hello".to_vec()).await.expect("import");
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["error"]["field"], "file");
}

/// An XML element read back: name, text and children.
#[derive(Debug, Clone)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

impl El {
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn one(&self, name: &str) -> &El {
        let all = self.all(name);
        assert_eq!(all.len(), 1, "one <{name}> in <{}>", self.name);
        all[0]
    }

    /// The text at a path of child names ("КлючевыеСвойства/ИНН").
    fn at(&self, path: &str) -> String {
        path.split('/').fold(self, |e, n| e.one(n)).text.clone()
    }
}

/// Parses XML with a real parser (quick-xml): a malformed file panics.
fn xml_tree(text: &str) -> El {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack = vec![El {
        name: "#root".into(),
        text: String::new(),
        children: vec![],
    }];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(El {
                name: String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8"),
                text: String::new(),
                children: vec![],
            }),
            Event::End(_) => {
                let done = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(done);
            }
            Event::Text(t) => {
                let s = t.decode().expect("text").into_owned();
                let s = quick_xml::escape::unescape(&s)
                    .expect("entities")
                    .into_owned();
                stack.last_mut().expect("element").text.push_str(&s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    stack.pop().expect("root").one("Message").clone()
}

#[tokio::test]
async fn the_month_goes_to_1c_as_an_enterprisedata_file() {
    let w = world(Some(20), "upd").await;
    w.delivered(3, 4, 100).await;
    w.delivered(17, 6, 0).await;
    w.close(json!({ "month": w.month })).await;
    let msg = export(&w).await;
    assert_eq!(
        msg.at("msg:Header/msg:Format"),
        "http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.8"
    );
    let body = msg.one("Body");
    let client = body.one("Справочник.Контрагенты");
    assert_eq!(client.at("КлючевыеСвойства/ИНН"), "7712345678");
    assert_eq!(client.at("КлючевыеСвойства/КПП"), "771201001");
    assert_eq!(
        client.at("КлючевыеСвойства/НаименованиеПолное"),
        "ООО «Ромашка»"
    );
    assert_eq!(
        client.at("КлючевыеСвойства/ЮридическоеФизическоеЛицо"),
        "ЮридическоеЛицо"
    );
    assert_eq!(body.all("Справочник.Номенклатура").len(), 2);
    let sale = body.one("Документ.РеализацияТоваровУслуг");
    assert_eq!(sale.at("КлючевыеСвойства/Номер"), "1");
    assert_eq!(sale.at("КлючевыеСвойства/Организация/ИНН"), "7701234567");
    assert_eq!(sale.at("Сумма"), "2625.00");
    assert_eq!(sale.at("Валюта/Код"), "643");
    assert_eq!(
        sale.at("ДанныеВзаиморасчетов/Договор/Наименование"),
        "Договор № 17/2026 от 10.01.2026"
    );
    let rows = sale.one("Товары").all("Строка");
    assert_eq!(rows.len(), 2);
    let water = rows[0];
    assert_eq!(
        water.at("ДанныеНоменклатуры/Номенклатура/Наименование"),
        "Product W19"
    );
    assert_eq!(
        (water.at("Количество"), water.at("Цена"), water.at("Сумма")),
        (
            "10".to_string(),
            "212.50".to_string(),
            "2125.00".to_string()
        )
    );
    assert_eq!(
        (water.at("СтавкаНДС"), water.at("СуммаНДС")),
        ("НДС20".to_string(), "354.17".to_string())
    );
    // The client's reference is the same in the sale and in the catalogue.
    assert_eq!(
        sale.at("Контрагент/Ссылка"),
        client.at("КлючевыеСвойства/Ссылка")
    );
    let reference = sale.at("КлючевыеСвойства/Ссылка");
    // A correction goes in as the same sale (same reference and number), corrected.
    w.delivered(28, 2, 0).await;
    w.close(json!({ "month": w.month })).await;
    let msg = export(&w).await;
    let sale = msg.one("Body").one("Документ.РеализацияТоваровУслуг");
    assert_eq!(sale.at("КлючевыеСвойства/Ссылка"), reference);
    assert_eq!(sale.at("КлючевыеСвойства/Номер"), "1");
    assert_eq!(sale.at("Сумма"), "3050.00");
    assert_eq!(sale.one("Товары").all("Строка")[0].at("Количество"), "12");
    // A month with nothing: an empty body, still a valid message.
    let e = w
        .app
        .get("/api/accounting/export?month=2020-01", &w.manager)
        .await;
    assert_eq!(e.status, 200);
    assert!(xml_tree(&e.text).one("Body").children.is_empty());
    w.app
        .get("/api/accounting/export?month=2020-13", &w.manager)
        .await
        .error(422);
}

async fn export(w: &World) -> El {
    let r = w
        .app
        .get(
            &format!("/api/accounting/export?month={}", w.month),
            &w.manager,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("application/xml")),
        "{:?}",
        r.headers
    );
    xml_tree(&r.text)
}

#[tokio::test]
async fn the_money_reports_add_up() {
    let w = world(None, "upd").await;
    w.delivered(3, 4, 0).await; // 850,00 on the 3rd of last month
    w.close(json!({ "month": w.month })).await;
    let today = w.app.state.cfg.today();
    // 300,00 paid by card today: 550,00 left, all from the 3rd of last month.
    w.app
        .post(
            &format!("/api/clients/{}/account", w.client),
            &w.manager,
            json!({ "kind": "payment", "amount": 30000, "method": "card" }),
        )
        .await
        .expect(201);
    let r = w
        .app
        .get("/api/reports/receivables", &w.manager)
        .await
        .expect(200);
    assert_eq!(r["balance"], 55000);
    let row = &r["rows"][0];
    assert_eq!(row["client_id"], w.client.as_str());
    let age = (today - w.first.with_day(3).expect("day")).num_days();
    let bucket = match age {
        ..=30 => 0,
        31..=60 => 1,
        61..=90 => 2,
        _ => 3,
    };
    assert_eq!(row["ages"][bucket], 55000, "{row}");
    assert_eq!(
        row["ages"]
            .as_array()
            .map(|a| a.iter().filter(|x| *x == 0).count()),
        Some(3)
    );
    // Due 10 days after the month's end.
    let due =
        (w.first + chrono::Months::new(1)) - chrono::Duration::days(1) + chrono::Duration::days(10);
    assert_eq!(row["overdue"], if due < today { 55000 } else { 0 });
    let sheet = w
        .app
        .xlsx_sheet(
            "/api/reports/receivables?format=xlsx&lang=ru",
            &w.manager,
            "Дебиторка",
        )
        .await;
    assert_eq!(sheet[0][2], "Долг");
    assert_eq!(sheet[1][0], "Ромашка");
    assert_eq!(sheet[1][2], "550");
    // Payments by day and method, this month.
    let p = w
        .app
        .get("/api/reports/payments", &w.manager)
        .await
        .expect(200);
    assert_eq!(p["total"], 30000);
    assert_eq!(p["by_method"][0]["method"], "card");
    let (headers, rows) = w
        .app
        .csv_rows("/api/reports/payments?format=csv", &w.manager)
        .await;
    assert_eq!(&headers[1], "method");
    assert_eq!(
        (&rows[0][0], &rows[0][1], &rows[0][3]),
        (today.to_string().as_str(), "card", "30000")
    );
    // Documents issued for last month.
    let from = w.first.to_string();
    let d = w
        .app
        .get(
            &format!("/api/reports/documents?from={from}&to={}", today),
            &w.manager,
        )
        .await
        .expect(200);
    let kinds: Vec<(String, i64, i64)> = d["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().expect("kind").to_string(),
                r["count"].as_i64().expect("count"),
                r["total"].as_i64().expect("total"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("invoice".into(), 1, 85000), ("upd".into(), 1, 85000)]
    );
    // The payment entered by hand paid 300,00 of the invoice.
    let u = w
        .app
        .get("/api/reports/unpaid-invoices", &w.manager)
        .await
        .expect(200);
    assert_eq!(u["left"], 55000);
    assert_eq!(u["rows"][0]["paid"], 30000);
    assert_eq!(u["rows"][0]["due"], due.to_string().as_str());
    assert_eq!(
        u["rows"][0]["days_overdue"],
        (today - due).num_days().max(0)
    );
    assert_eq!(u["rows"][0]["client_name"], "Ромашка");
    let sheet = w
        .app
        .xlsx_sheet(
            "/api/reports/unpaid-invoices?format=xlsx",
            &w.manager,
            "Unpaid invoices",
        )
        .await;
    assert_eq!(sheet.last().expect("totals")[5], "550");
}

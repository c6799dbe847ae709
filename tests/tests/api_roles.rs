//! Who may do what: one table of requests, checked for every role.

use std::collections::HashMap;

use reqwest::Method;
use rodnik_tests::*;
use serde_json::{json, Value};

const ROLES: [&str; 4] = ["admin", "manager", "operator", "courier"];

/// (method, path, body, expected status for [admin, manager, operator, courier]).
/// Placeholders: @ROLE@, @CLIENT@, @ADDR@, @PRODUCT@, @OTHER_COURIER@ (owns the stops),
/// @IDLE_COURIER@ (no stops), @TODAY@, @NEW@ (a fresh `new` order of the other courier),
/// @DLV@ (a fresh dispatched order of the other courier), @N@ (the role's index),
/// @REASON@ (a reason of the company's list).
fn matrix() -> Vec<(Method, &'static str, Option<Value>, [u16; 4])> {
    use Method as M;
    vec![
        (M::GET, "/api/me", None, [200, 200, 200, 200]),
        (M::GET, "/api/users", None, [200, 403, 403, 403]),
        (
            M::GET,
            "/api/users?role=courier",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::GET,
            "/api/users?role=operator",
            None,
            [200, 403, 403, 403],
        ),
        (M::GET, "/api/users?role=admin", None, [200, 403, 403, 403]),
        (
            M::GET,
            "/api/users/@IDLE_COURIER@/sessions",
            None,
            [200, 403, 403, 403],
        ),
        (
            M::POST,
            "/api/users/@IDLE_COURIER@/sessions/000000000000000000000000/end",
            None,
            [404, 403, 403, 403],
        ),
        (
            M::POST,
            "/api/users",
            Some(
                json!({ "username": "new-@ROLE@", "password": "password-1", "name": "New", "role": "courier" }),
            ),
            [201, 403, 403, 403],
        ),
        (M::GET, "/api/products", None, [200, 200, 200, 200]),
        (
            M::POST,
            "/api/products",
            Some(
                json!({ "sku": "SKU-@ROLE@", "name": "Cups @ROLE@", "kind": "goods", "unit": "pc", "price": 1500 }),
            ),
            [201, 201, 403, 403],
        ),
        (
            M::PUT,
            "/api/clients/@CLIENT@/prices",
            Some(json!({ "prices": [{ "product_id": "@PRODUCT@", "price": 20000 }] })),
            [200, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/clients",
            Some(
                json!({ "kind": "individual", "name": "Client by @ROLE@", "phones": ["9001112233"],
                          "addresses": [{ "text": "Street of @ROLE@" }] }),
            ),
            [201, 201, 201, 403],
        ),
        (M::GET, "/api/clients?q=client", None, [200, 200, 200, 403]),
        (
            M::GET,
            "/api/clients/lookup?phone=9123456789",
            None,
            [200, 200, 200, 403],
        ),
        (M::GET, "/api/clients/@CLIENT@", None, [200, 200, 200, 404]),
        (
            M::PATCH,
            "/api/clients/@CLIENT@",
            Some(json!({ "note": "edited by @ROLE@" })),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/clients/@CLIENT@/addresses",
            Some(json!({ "text": "Second street of @ROLE@" })),
            [201, 201, 201, 403],
        ),
        (
            M::PUT,
            "/api/clients/@CLIENT@/addresses/@ADDR@",
            Some(json!({ "text": "First street, edited by @ROLE@", "entrance": "1" })),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/clients/@CLIENT@/notes",
            Some(json!({ "text": "a note by @ROLE@" })),
            [201, 201, 201, 403],
        ),
        (
            M::GET,
            "/api/clients/@CLIENT@/notes",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::GET,
            "/api/clients/@CLIENT@/history",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::GET,
            "/api/clients/@CLIENT@/bottles",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/clients/@CLIENT@/bottles",
            Some(json!({ "kind": "adjusted", "qty": 1, "reason": "counted by @ROLE@" })),
            [201, 201, 403, 403],
        ),
        (
            M::GET,
            "/api/clients/@CLIENT@/account",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/clients/@CLIENT@/account",
            Some(
                json!({ "kind": "payment", "amount": 100, "method": "cash", "reference": "by @ROLE@" }),
            ),
            [201, 201, 403, 403],
        ),
        (M::GET, "/api/settings/company", None, [200, 200, 403, 403]),
        (
            M::PUT,
            "/api/settings/company",
            Some(json!({ "name": "ООО Родник @ROLE@", "inn": "7701234567" })),
            [200, 403, 403, 403],
        ),
        (M::GET, "/api/documents", None, [200, 200, 403, 403]),
        (M::GET, "/api/bank/payments", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/accounting/export?month=2026-01",
            None,
            [200, 200, 403, 403],
        ),
        (M::POST, "/api/bank/statements", None, [422, 422, 403, 403]),
        (
            M::POST,
            "/api/bank/payments/nope/assign",
            Some(json!({ "client_id": "@CLIENT@" })),
            [404, 404, 403, 403],
        ),
        (
            M::POST,
            "/api/bank/payments/nope/ignore",
            Some(json!({ "note": "not ours" })),
            [404, 404, 403, 403],
        ),
        (M::GET, "/api/documents/jobs", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/documents/jobs/nope",
            None,
            [404, 404, 403, 403],
        ),
        (
            M::POST,
            "/api/documents/close",
            Some(json!({ "month": "2020-13" })),
            [422, 422, 403, 403],
        ),
        (
            M::POST,
            "/api/documents/reconciliation",
            Some(json!({ "client_id": "@CLIENT@", "from": "2026-01-01", "to": "2025-01-01" })),
            [422, 422, 403, 403],
        ),
        (M::GET, "/api/documents/nope", None, [404, 404, 403, 403]),
        (
            M::GET,
            "/api/documents/nope/pdf",
            None,
            [404, 404, 403, 403],
        ),
        (
            M::GET,
            "/api/documents/nope/xlsx",
            None,
            [404, 404, 403, 403],
        ),
        (
            M::POST,
            "/api/documents/nope/send",
            None,
            [404, 404, 403, 403],
        ),
        (
            M::PUT,
            "/api/clients/@CLIENT@/contract",
            Some(json!({ "number": "@N@/2026", "date": "2026-01-10", "payment_days": 10 })),
            [200, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/orders",
            Some(json!({ "client_id": "@CLIENT@", "address_id": "@ADDR@",
                          "lines": [{ "product_id": "@PRODUCT@", "qty": 1 }],
                          "delivery_date": "@TODAY@", "note": "by-@ROLE@" })),
            [201, 201, 201, 403],
        ),
        (M::GET, "/api/orders", None, [200, 200, 200, 200]),
        (M::GET, "/api/orders/@NEW@", None, [200, 200, 200, 404]),
        (M::GET, "/api/orders/@DLV@", None, [200, 200, 200, 404]),
        (
            M::PATCH,
            "/api/orders/@NEW@",
            Some(json!({ "note": "x" })),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/orders/@NEW@/dispatch",
            Some(json!({})),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/orders/@NEW@/cancel",
            Some(json!({ "reason": "client changed mind" })),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/orders/@DLV@/cancel",
            Some(json!({ "reason": "client changed mind" })),
            [200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/orders/@DLV@/recall",
            Some(json!({})),
            [200, 200, 200, 403],
        ),
        // Another courier's stop is invisible to this courier.
        (
            M::POST,
            "/api/orders/@DLV@/deliver",
            Some(json!({})),
            [200, 200, 200, 404],
        ),
        (
            M::POST,
            "/api/orders/@DLV@/fail",
            Some(json!({ "reason": "nobody home" })),
            [200, 200, 200, 404],
        ),
        (
            M::POST,
            "/api/orders/@DLV@/reschedule",
            Some(
                json!({ "delivery_date": "@TODAY@", "window": { "from": "18:00", "to": "21:00" }, "reason": "клиент просит перенести" }),
            ),
            [200, 200, 200, 404],
        ),
        (
            M::GET,
            "/api/route?courier_id=@OTHER_COURIER@",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::GET,
            "/api/route?courier_id=@IDLE_COURIER@",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::PUT,
            "/api/route",
            Some(json!({ "courier_id": "@IDLE_COURIER@", "date": "@TODAY@", "order_ids": [] })),
            [200, 200, 200, 403],
        ),
        (M::GET, "/api/calls", None, [200, 200, 200, 403]),
        (M::GET, "/api/wallboard/calls", None, [200, 200, 403, 403]),
        // The role check comes before the lookup (an unknown id is 404).
        (M::GET, "/api/recordings/nope", None, [404, 404, 404, 403]),
        (
            M::GET,
            "/api/reports/deliveries",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/deliveries?format=csv",
            None,
            [200, 200, 403, 403],
        ),
        // The grouped report (issue 22): a courier's drill-down, a page, a
        // streamed workbook; the role check comes before the parameters'.
        (
            M::GET,
            "/api/reports/deliveries?group=client&courier_id=@IDLE_COURIER@&page=2&limit=10",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/deliveries?group=courier&format=xlsx",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/deliveries?group=nope",
            None,
            [422, 422, 403, 403],
        ),
        (M::GET, "/api/reports/sales", None, [200, 200, 403, 403]),
        (M::GET, "/api/reports/orders", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/reports/lost-clients",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/lost-clients?format=csv",
            None,
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/ready", None, [200, 200, 200, 200]),
        (M::GET, "/api/call-lists", None, [200, 200, 200, 403]),
        (M::GET, "/api/call-lists/nope", None, [404, 404, 404, 403]),
        (
            M::POST,
            "/api/call-lists",
            Some(json!({ "name": "Call back @ROLE@", "client_ids": ["@CLIENT@"] })),
            [201, 201, 403, 403],
        ),
        (
            M::POST,
            "/api/call-lists/nope/items/@CLIENT@/done",
            Some(json!({ "outcome": "ordered" })),
            [404, 404, 404, 403],
        ),
        (
            M::GET,
            "/api/clients/similar?name=Test",
            None,
            [200, 200, 200, 403],
        ),
        // A courier reads them only for a client of their own stops.
        (
            M::GET,
            "/api/clients/@CLIENT@/prices",
            None,
            [200, 200, 200, 404],
        ),
        (M::GET, "/api/settings/orders", None, [200, 200, 200, 200]),
        (M::GET, "/api/settings/bottles", None, [200, 200, 200, 200]),
        (M::GET, "/api/equipment", None, [200, 200, 200, 403]),
        (M::GET, "/api/equipment/nope", None, [404, 404, 404, 403]),
        (
            M::POST,
            "/api/equipment",
            Some(json!({ "kind": "cooler", "model": "M", "serial": "R-@ROLE@" })),
            [201, 201, 403, 403],
        ),
        (
            M::PATCH,
            "/api/equipment/nope",
            Some(json!({ "note": "x" })),
            [404, 404, 403, 403],
        ),
        (
            M::POST,
            "/api/equipment/nope/move",
            Some(json!({ "action": "repair", "reason": "x" })),
            [404, 404, 403, 403],
        ),
        (
            M::PUT,
            "/api/settings/bottles",
            Some(json!({ "deposit_price": 0, "free_individual": 0, "free_legal": 2 })),
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/reasons", None, [200, 200, 200, 200]),
        (M::GET, "/api/rentals", None, [200, 200, 200, 403]),
        (M::GET, "/api/rentals/nope", None, [404, 404, 404, 403]),
        (
            M::POST,
            "/api/rentals",
            Some(
                json!({ "client_id": "@CLIENT@", "address_id": "@ADDR@", "equipment_id": "nope",
                         "monthly_fee": 0, "delivery": { "delivery_date": "2030-01-01" } }),
            ),
            [422, 422, 422, 403],
        ),
        (
            M::PATCH,
            "/api/rentals/nope",
            Some(json!({ "note": "x" })),
            [404, 404, 403, 403],
        ),
        (
            M::POST,
            "/api/rentals/nope/end",
            Some(json!({ "collection": { "delivery_date": "2030-01-01" } })),
            [404, 404, 404, 403],
        ),
        (M::GET, "/api/reports/rentals", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/reports/sanitation",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/equipment/nope/sanitation",
            Some(json!({ "delivery_date": "2030-01-01" })),
            [404, 404, 404, 403],
        ),
        (
            M::GET,
            "/api/settings/equipment",
            None,
            [200, 200, 200, 200],
        ),
        (
            M::PUT,
            "/api/settings/equipment",
            Some(json!({ "sanitation_months": 6 })),
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/handovers", None, [200, 200, 403, 200]),
        (
            M::POST,
            "/api/handovers",
            Some(json!({ "declared": 0 })),
            [403, 403, 403, 200],
        ),
        (
            M::POST,
            "/api/handovers/nope/confirm",
            Some(json!({ "received": 0 })),
            [404, 404, 403, 403],
        ),
        (M::GET, "/api/reports/cash", None, [200, 200, 403, 403]),
        (M::GET, "/api/reports/bottles", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/reports/receivables",
            None,
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/reports/payments", None, [200, 200, 403, 403]),
        (M::GET, "/api/reports/documents", None, [200, 200, 403, 403]),
        (
            M::GET,
            "/api/reports/unpaid-invoices",
            None,
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/reports/receipts", None, [200, 200, 403, 403]),
        (
            M::POST,
            "/api/clients/@CLIENT@/addresses/@ADDR@/geocode",
            Some(json!({})),
            [409, 409, 409, 403],
        ),
        (M::GET, "/api/planning/settings", None, [200, 200, 200, 403]),
        (
            M::PUT,
            "/api/planning/settings",
            Some(json!({ "capacity": 100 })),
            [200, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/planning/calibrate",
            Some(json!({ "days": 0 })),
            [422, 422, 403, 403],
        ),
        (
            M::POST,
            "/api/plans",
            Some(json!({ "date": "@TODAY@", "courier_ids": ["nope"] })),
            [422, 422, 422, 403],
        ),
        (
            M::GET,
            "/api/plans?date=@TODAY@",
            None,
            [200, 200, 200, 403],
        ),
        (M::GET, "/api/plans/nope", None, [404, 404, 404, 403]),
        (
            M::POST,
            "/api/plans/nope/accept",
            Some(json!({})),
            [404, 404, 404, 403],
        ),
        (
            M::POST,
            "/api/plans/nope/cancel",
            Some(json!({})),
            [404, 404, 404, 403],
        ),
        (
            M::GET,
            "/api/slots?client_id=@CLIENT@&address_id=@ADDR@&qty=2",
            None,
            [200, 200, 200, 403],
        ),
        (M::GET, "/api/etas", None, [200, 200, 200, 200]),
        (
            M::GET,
            "/api/etas?courier_id=@OTHER_COURIER@",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::GET,
            "/api/payments/qr-settings",
            None,
            [200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/orders/@DLV@/receipts",
            None,
            [200, 200, 200, 404],
        ),
        (
            M::POST,
            "/api/receipts/nope/retry",
            Some(json!({})),
            [404, 404, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/bottle-debtors",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/reasons",
            Some(json!({ "kind": "cancel", "ru": "Причина @ROLE@", "en": "Reason @ROLE@" })),
            [201, 403, 403, 403],
        ),
        (
            M::PATCH,
            "/api/reasons/@REASON@",
            Some(json!({ "en": "Client absent" })),
            [200, 403, 403, 403],
        ),
        (M::GET, "/api/reorder", None, [200, 200, 200, 403]),
        (
            M::GET,
            "/api/settings/notifications",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::PUT,
            "/api/settings/notifications",
            Some(json!({ "enabled": false })),
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/clients/@CLIENT@/notify",
            None,
            [200, 200, 200, 403],
        ),
        (
            M::PUT,
            "/api/clients/@CLIENT@/notify",
            Some(json!({ "sms": "yes" })),
            [200, 200, 200, 403],
        ),
        (M::GET, "/api/notifications", None, [200, 200, 200, 403]),
        (
            M::POST,
            "/api/notifications/test",
            Some(json!({ "channel": "sms", "to": "+79160000000" })),
            [409, 409, 403, 403],
        ),
        (
            M::POST,
            "/api/notifications/run",
            Some(json!({})),
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/reports/at-risk", None, [200, 200, 403, 403]),
        (M::GET, "/api/standing-orders", None, [200, 200, 200, 403]),
        (
            M::POST,
            "/api/standing-orders",
            Some(
                json!({ "client_id": "@CLIENT@", "address_id": "@ADDR@", "lines": [],
                         "schedule": { "kind": "weekly", "weekdays": [1] }, "starts_on": "2030-01-01" }),
            ),
            [422, 422, 422, 403],
        ),
        (
            M::GET,
            "/api/standing-orders/nope",
            None,
            [404, 404, 404, 403],
        ),
        (
            M::PATCH,
            "/api/standing-orders/nope",
            Some(json!({ "note": "x" })),
            [404, 404, 404, 403],
        ),
        (
            M::DELETE,
            "/api/standing-orders/nope",
            None,
            [404, 404, 404, 403],
        ),
        (
            M::POST,
            "/api/standing-orders/generate",
            Some(json!({})),
            [200, 200, 403, 403],
        ),
        (M::GET, "/api/reports/reasons", None, [200, 200, 403, 403]),
        (
            M::PUT,
            "/api/settings/orders",
            Some(json!({ "other_day": "to_dispatch" })),
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/deliveries/daily",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/orders/daily",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/reports/lost-clients/monthly",
            None,
            [200, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/settings/telephony",
            None,
            [200, 403, 403, 403],
        ),
        (
            M::PUT,
            "/api/settings/telephony",
            Some(json!({})),
            [200, 403, 403, 403],
        ),
        (M::GET, "/api/wallboards", None, [200, 200, 403, 403]),
        (
            M::POST,
            "/api/wallboards",
            Some(json!({ "name": "TV @ROLE@" })),
            [201, 201, 403, 403],
        ),
        (
            M::POST,
            "/api/wallboards/nope/revoke",
            None,
            [404, 404, 403, 403],
        ),
        (
            M::PATCH,
            "/api/products/@PRODUCT@",
            Some(json!({ "name": "Water 19 L" })),
            [200, 200, 403, 403],
        ),
        (
            M::PATCH,
            "/api/users/@IDLE_COURIER@",
            Some(json!({ "name": "Vasya" })),
            [200, 403, 403, 403],
        ),
        (
            M::POST,
            "/api/calls/nope/callback",
            None,
            [404, 404, 404, 403],
        ),
        // Admin and manager have no extension (422); the operator's has no
        // PBX to call through (409).
        (
            M::POST,
            "/api/calls/originate",
            Some(json!({ "phone": "+79123456789" })),
            [422, 422, 409, 403],
        ),
        (
            M::PUT,
            "/api/me/extension",
            Some(json!({ "extension": "2@N@" })),
            [200, 200, 200, 403],
        ),
        // The whole database: admins (and the server's local backup token).
        (M::GET, "/api/backup", None, [200, 403, 403, 403]),
        // Only the metrics token opens /metrics, no user session.
        (M::GET, "/metrics", None, [403, 403, 403, 403]),
    ]
}

struct Fixture {
    vars: HashMap<&'static str, String>,
    other_courier: String,
}

async fn fresh_order(app: &App, f: &Fixture, dispatched: bool) -> String {
    let o = app
        .order(
            &app.admin,
            json!({ "client_id": f.vars["@CLIENT@"], "address_id": f.vars["@ADDR@"],
                    "lines": [{ "product_id": f.vars["@PRODUCT@"], "qty": 2 }],
                    "delivery_date": app.today(), "courier_id": f.other_courier }),
        )
        .await;
    let id = id_of(&o);
    if dispatched {
        app.post(&format!("/api/orders/{id}/dispatch"), &app.admin, json!({}))
            .await
            .expect(200);
    }
    id
}

async fn fill(app: &App, f: &Fixture, template: &str, role: &str) -> String {
    let mut s = template.replace("@ROLE@", role).replace(
        "@N@",
        &ROLES
            .iter()
            .position(|r| *r == role)
            .unwrap_or(0)
            .to_string(),
    );
    for (k, v) in &f.vars {
        s = s.replace(k, v);
    }
    if s.contains("@NEW@") {
        s = s.replace("@NEW@", &fresh_order(app, f, false).await);
    }
    if s.contains("@DLV@") {
        s = s.replace("@DLV@", &fresh_order(app, f, true).await);
    }
    s
}

#[tokio::test]
async fn every_role_gets_exactly_the_access_the_contract_gives_it() {
    let app = spawn_app().await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let (_, operator) = app.user("olga", "operator", Some("101")).await;
    let (_, courier) = app.user("kolya", "courier", None).await;
    let (other_courier, _) = app.user("petya", "courier", None).await;
    let (idle_courier, _) = app.user("vasya", "courier", None).await;
    let product = app.product("W19", "water", 25000, true).await;
    let (client, address) = app.client("Test client", "legal", "9123456789").await;
    let f = Fixture {
        vars: HashMap::from([
            ("@CLIENT@", client.clone()),
            ("@ADDR@", address),
            ("@PRODUCT@", product),
            ("@OTHER_COURIER@", other_courier.clone()),
            ("@IDLE_COURIER@", idle_courier),
            ("@TODAY@", app.today()),
            ("@REASON@", "absent".to_string()),
        ]),
        other_courier,
    };
    let tokens = [app.admin.clone(), manager, operator, courier];
    let mut failures = vec![];
    for (method, path, body, expected) in matrix() {
        for (i, role) in ROLES.iter().enumerate() {
            let path = fill(&app, &f, path, role).await;
            let body: Option<Value> = match &body {
                Some(b) => {
                    Some(serde_json::from_str(&fill(&app, &f, &b.to_string(), role).await).unwrap())
                }
                None => None,
            };
            let r = app
                .send(method.clone(), &path, Some(&tokens[i]), body.as_ref(), None)
                .await;
            if r.status != expected[i] {
                failures.push(format!(
                    "{role}: {method} {path} -> {} (expected {}): {}",
                    r.status, expected[i], r.text
                ));
                continue;
            }
            if r.status >= 400 {
                let code = r.body["error"]["code"].as_str().unwrap_or_default();
                // A refusal is `forbidden`; any other error is not (a 404 is
                // `not_found`), so an allowed role is never told "forbidden".
                let right = match r.status {
                    403 => code == "forbidden",
                    404 => code == "not_found",
                    _ => !code.is_empty() && code != "forbidden",
                };
                if !right || !r.body["error"]["message"].is_string() {
                    failures.push(format!("{role}: {method} {path}: error body {}", r.text));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "role matrix violations:\n{}",
        failures.join("\n")
    );

    // The refused requests wrote nothing.
    let users = app.get("/api/users", &app.admin).await.ok();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(names.contains(&"new-admin"));
    for role in ["manager", "operator", "courier"] {
        assert!(
            !names.contains(&format!("new-{role}").as_str()),
            "{names:?}"
        );
    }
    let products = app.get("/api/products", &app.admin).await.ok();
    let skus: Vec<&str> = products
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["sku"].as_str())
        .collect();
    assert!(
        skus.contains(&"SKU-admin") && skus.contains(&"SKU-manager"),
        "{skus:?}"
    );
    assert!(
        !skus.contains(&"SKU-operator") && !skus.contains(&"SKU-courier"),
        "{skus:?}"
    );
    let orders = app.get("/api/orders", &app.admin).await.ok();
    let notes: Vec<&str> = orders
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["note"].as_str())
        .collect();
    assert!(
        notes.contains(&"by-operator") && !notes.contains(&"by-courier"),
        "{notes:?}"
    );
    let found = app.get("/api/clients?q=client%20by", &app.admin).await.ok();
    let found: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .filter(|n| n.starts_with("Client by"))
        .collect();
    // (The words match anywhere: the test client has an address added "by"
    // a role, and is found too.)
    assert_eq!(
        found,
        ["Client by admin", "Client by manager", "Client by operator"],
        "{found:?}"
    );
    let card = app
        .get(&format!("/api/clients/{client}"), &app.admin)
        .await
        .ok();
    assert_eq!(card["addresses"].as_array().unwrap().len(), 4, "{card}");
    assert_eq!(card["note"], "edited by operator");
}

#[tokio::test]
async fn operators_list_couriers_but_not_all_users() {
    let app = spawn_app().await;
    let (_, operator) = app.user("olga", "operator", None).await;
    let (kolya, _) = app.user("kolya", "courier", None).await;
    let (petya, _) = app.user("petya", "courier", None).await;
    let list = app
        .get("/api/users?role=courier", &operator)
        .await
        .expect(200);
    let mut ids: Vec<String> = list.as_array().unwrap().iter().map(id_of).collect();
    ids.sort();
    let mut want = vec![kolya, petya];
    want.sort();
    assert_eq!(ids, want);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["role"] == "courier"));
    assert!(!list.to_string().contains("password"), "{list}");
    app.get("/api/users", &operator).await.error(403);
    let all = app.get("/api/users", &app.admin).await.expect(200);
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert!(!all.to_string().contains("password"), "{all}");
}

#[tokio::test]
async fn operators_and_couriers_cannot_set_contract_prices() {
    let app = spawn_app().await;
    let (_, courier) = app.user("kolya", "courier", None).await;
    let (_, operator) = app.user("olga", "operator", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, address) = app.client("ООО Ромашка", "legal", "9123456789").await;
    app.put(
        &format!("/api/clients/{client}/prices"),
        &operator,
        json!({ "prices": [{ "product_id": water, "price": 1 }] }),
    )
    .await
    .error(403);
    app.put(
        &format!("/api/clients/{client}/prices"),
        &courier,
        json!({ "prices": [{ "product_id": water, "price": 1 }] }),
    )
    .await
    .error(403);
    // The list price did not move and no contract price was set.
    let products = app.get("/api/products", &courier).await.expect(200);
    assert_eq!(products[0]["price"], 25000);
    let prices = app
        .get(&format!("/api/clients/{client}/prices"), &app.admin)
        .await
        .ok();
    assert_eq!(prices["prices"], json!([]));
    let o = app
        .order(
            &operator,
            json!({ "client_id": client, "address_id": address,
            "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.today() }),
        )
        .await;
    assert_eq!(o["total"], 50000);
}

/// Requests that need no session, or that end it: checked by their own tests
/// (api_auth, telephony*, live, api_wallboard), not by the matrix.
const OUTSIDE_THE_MATRIX: [(&str, &str); 9] = [
    ("get", "/api/health"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/live"),
    ("get", "/api/wallboard"),
    ("post", "/api/telephony/events"),
    ("post", "/api/telephony/mango/{path}"),
    ("post", "/api/telephony/zadarma"),
    ("get", "/api/telephony/zadarma"),
];

/// Every route the server documents has a row in the matrix (or is listed
/// above): a new endpoint cannot ship without its role check being tested.
#[tokio::test]
async fn the_matrix_covers_every_documented_route() {
    let app = spawn_app().await;
    let spec = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("spec")
        .json::<Value>()
        .await
        .expect("json");
    let shape = |p: &str| -> String {
        let p = p.split('?').next().unwrap_or_default();
        p.split('/')
            .map(|seg| {
                if seg.starts_with('{')
                    || seg.starts_with('@')
                    || seg == "nope"
                    || seg.len() == 24 && seg.chars().all(|c| c == '0')
                {
                    "{}"
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let rows: std::collections::HashSet<(String, String)> = matrix()
        .iter()
        .map(|(m, p, _, _)| (m.as_str().to_lowercase(), shape(p)))
        .collect();
    let mut missing = vec![];
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            let outside = OUTSIDE_THE_MATRIX.contains(&(method.as_str(), path.as_str()));
            if !outside && !rows.contains(&(method.clone(), shape(path))) {
                missing.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without a row in the role matrix: {missing:#?}"
    );
}

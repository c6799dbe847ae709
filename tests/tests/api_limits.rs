//! Input the server must refuse with a clear 422 before doing any work.

use rodnik_tests::*;
use serde_json::json;

#[tokio::test]
async fn dates_take_only_four_digit_years() {
    let app = spawn_app().await;
    let (_, op) = app.user("olga", "operator", None).await;
    let (_, manager) = app.user("mira", "manager", None).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client, addr) = app.client("Иван Петров", "individual", "9123456789").await;
    for bad in ["+12345-01-01", "12345-01-01", "-0001-01-01", "0999-12-31"] {
        let e = app
            .post(
                "/api/orders",
                &op,
                json!({ "client_id": client, "address_id": addr, "delivery_date": bad,
                        "lines": [{ "product_id": water, "qty": 1 }] }),
            )
            .await
            .error(422);
        assert_eq!(e["field"], "delivery_date", "{bad}: {e}");
        let q = enc(bad);
        for path in [
            format!("/api/orders?date={q}"),
            format!("/api/reports/deliveries?from={q}&to=2026-01-01"),
            format!("/api/reports/lost-clients?as_of={q}"),
        ] {
            let r = app.get(&path, &manager).await;
            assert_eq!(r.status, 422, "{path}: {}", r.text);
        }
    }
    assert_eq!(app.count("/api/orders", &op).await, 0);
}

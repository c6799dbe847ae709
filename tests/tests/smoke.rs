use rodnik_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_whole_order_goes_from_call_to_delivery() {
    let app = spawn_app().await;
    let health = app
        .send(reqwest::Method::GET, "/api/health", None, None, None)
        .await
        .ok();
    assert_eq!(health["status"], "ok");
    let (courier_id, courier) = app.user("kolya", "courier", None).await;
    let (_, op) = app.user("olga", "operator", Some("101")).await;
    let water = app.product("W19", "water", 25000, true).await;
    let (client_id, address_id) = app
        .client("Иван Петров", "individual", "8 (912) 345-67-89")
        .await;
    let look = app
        .get("/api/clients/lookup?phone=%2B79123456789", &op)
        .await
        .ok();
    assert_eq!(look["phone"], "+79123456789");
    assert_eq!(look["matches"][0]["id"], client_id.as_str());
    let o = app
        .order(
            &op,
            json!({ "client_id": client_id, "address_id": address_id,
            "lines": [{ "product_id": water, "qty": 2 }], "delivery_date": app.today(),
            "courier_id": courier_id, "window": { "from": "09:00", "to": "13:00" } }),
        )
        .await;
    assert_eq!(o["total"], 50000);
    assert_eq!(o["state"], "new");
    let id = o["id"].as_str().unwrap();
    let o = app
        .post(&format!("/api/orders/{id}/dispatch"), &op, json!({}))
        .await
        .ok();
    assert_eq!(o["state"], "delivery");
    let route = app.get("/api/route", &courier).await.ok();
    assert_eq!(route["stops"][0]["id"], id);
    let o = app
        .post(
            &format!("/api/orders/{id}/deliver"),
            &courier,
            json!({ "cash_collected": 50000, "empties_returned": 1 }),
        )
        .await
        .ok();
    assert_eq!(o["state"], "delivered");
    assert_eq!(o["version"], 3);
    let card = app
        .get(&format!("/api/clients/{client_id}"), &op)
        .await
        .ok();
    assert_eq!(card["bottles_held"], 1);
}

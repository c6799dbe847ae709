//! `GET /api/openapi.json`: the machine-readable contract.

use rodnik_tests::*;

/// Every endpoint of `shared/API.md`, as (path, method).
const CONTRACT: &[(&str, &str)] = &[
    ("/api/health", "get"),
    ("/api/auth/login", "post"),
    ("/api/auth/logout", "post"),
    ("/api/me", "get"),
    ("/api/users", "post"),
    ("/api/users", "get"),
    ("/api/products", "post"),
    ("/api/products", "get"),
    ("/api/clients/{id}/prices", "put"),
    ("/api/clients", "post"),
    ("/api/clients", "get"),
    ("/api/clients/lookup", "get"),
    ("/api/clients/{id}", "get"),
    ("/api/clients/{id}", "patch"),
    ("/api/clients/{id}/addresses", "post"),
    ("/api/orders", "post"),
    ("/api/orders", "get"),
    ("/api/orders/{id}", "get"),
    ("/api/orders/{id}", "patch"),
    ("/api/orders/{id}/dispatch", "post"),
    ("/api/orders/{id}/deliver", "post"),
    ("/api/orders/{id}/fail", "post"),
    ("/api/orders/{id}/cancel", "post"),
    ("/api/route", "get"),
    ("/api/route", "put"),
    ("/api/telephony/events", "post"),
    ("/api/calls", "get"),
    ("/api/reports/deliveries", "get"),
    ("/api/reports/sales", "get"),
    ("/api/reports/orders", "get"),
    ("/api/reports/lost-clients", "get"),
    ("/api/live", "get"),
];

#[tokio::test]
async fn openapi_json_is_valid_and_lists_every_contract_path() {
    let app = spawn_app().await;
    let r = app.get("/api/openapi.json", &app.admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("application/json"), "{ct}");
    let spec: serde_json::Value = serde_json::from_str(&r.text).expect("valid JSON");
    assert!(
        spec["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
        "{}",
        spec["openapi"]
    );
    assert!(spec["info"]["title"].is_string());
    let paths = spec["paths"].as_object().expect("paths");
    let missing: Vec<String> = CONTRACT
        .iter()
        .filter(|(p, m)| paths.get(*p).and_then(|item| item.get(*m)).is_none())
        .map(|(p, m)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(missing.is_empty(), "not in openapi.json: {missing:?}");
    // The bodies are described too.
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "Order",
        "CreateOrder",
        "PatchOrder",
        "ClientCard",
        "CreateClient",
        "ErrorBody",
        "DeliveriesReport",
        "LostClientsReport",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let create = &paths["/api/orders"]["post"];
    assert!(create["requestBody"].is_object(), "{create}");
    assert!(create["responses"]["201"].is_object(), "{create}");
}

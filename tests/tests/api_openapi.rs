//! `GET /api/openapi.json`: the machine-readable contract.

use rodnik_tests::*;

/// The endpoints of the original contract (docs/api.md began as it), as (path, method).
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
        // The deliveries report answers a page of a grouping (issue 22).
        "GroupedDeliveries",
        "DeliveryGroupRow",
        "LostClientsReport",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let create = &paths["/api/orders"]["post"];
    assert!(create["requestBody"].is_object(), "{create}");
    assert!(create["responses"]["201"].is_object(), "{create}");
}

/// `METHOD /path` pairs written in backticks in `text` (`GET /api/orders/{id}`).
fn documented(text: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for chunk in text.split('`').skip(1).step_by(2) {
        let mut words = chunk.split(' ');
        let (Some(method), Some(path), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) && path.starts_with('/') {
            out.insert((method.to_lowercase(), path.to_string()));
        }
    }
    out
}

/// docs/api.md is the contract people read; the OpenAPI document is made
/// from the code. Every endpoint of the one is in the other, with the same
/// method and path.
#[tokio::test]
async fn docs_api_md_lists_exactly_the_served_endpoints() {
    let app = spawn_app().await;
    let r = app.get("/api/openapi.json", &app.admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let spec: serde_json::Value = serde_json::from_str(&r.text).expect("valid JSON");
    let mut served = std::collections::BTreeSet::new();
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                served.insert((method.clone(), path.clone()));
            }
        }
    }
    let docs_path = manifest_dir().join("../docs/api.md");
    let docs = std::fs::read_to_string(&docs_path).expect("docs/api.md");
    let written = documented(&docs);
    let undocumented: Vec<_> = served.difference(&written).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in docs/api.md: {undocumented:?}"
    );
    // Outside the API's OpenAPI document: Prometheus' text format, the
    // WebSocket upgrade, the document itself and the clients' HTML page of a
    // notification's short link.
    let outside = [
        ("get".to_string(), "/metrics".to_string()),
        ("get".to_string(), "/s/{token}".to_string()),
        ("post".to_string(), "/s/{token}".to_string()),
        ("get".to_string(), "/api/live".to_string()),
        ("get".to_string(), "/api/openapi.json".to_string()),
    ];
    let unknown: Vec<_> = written
        .difference(&served)
        .filter(|e| !outside.contains(e))
        .collect();
    assert!(
        unknown.is_empty(),
        "in docs/api.md but not served (per the OpenAPI document): {unknown:?}"
    );
    // The check itself reads what it should.
    let sample = documented("- `GET /api/orders/{id}` → order; `POST /x y` no; `PATCH /api/me`");
    assert_eq!(sample.len(), 2, "{sample:?}");
}

//! The demo company's clients live in real Moscow buildings (issue 21, item
//! 1): every address of every demo client names a row of
//! `backend/assets/addresses/moscow.csv` ("Москва, <street>, д. <house>,
//! кв. N" or "..., офис N") and has that building's point, so routes planned
//! over the demo are routes through the city's streets.

use rodnik_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_clients_have_the_points_of_real_buildings() {
    let app = spawn_app().await;
    rodnik::demo::fill(&app.state, 7).await.expect("demo data");
    let clients = app.state.store.all_clients().await.expect("clients");
    assert!(clients.len() >= 300, "{} demo clients", clients.len());

    let buildings = rodnik::sample::buildings();
    let mut addresses = 0;
    let mut flats = std::collections::HashSet::new();
    for c in &clients {
        assert!(!c.addresses.is_empty(), "{} has no address", c.name);
        for a in &c.addresses {
            addresses += 1;
            let (Some(lat), Some(lon)) = (a.lat, a.lon) else {
                panic!("{}: {} has no point", c.name, a.text);
            };
            let rest = a.text.strip_prefix("Москва, ").expect("the city first");
            let (street, rest) = rest.split_once(", д. ").expect("a house");
            let (house, unit) = rest
                .split_once(", кв. ")
                .or_else(|| rest.split_once(", офис "))
                .expect("a flat or an office");
            let b = buildings
                .iter()
                .find(|b| b.street == street && b.house == house)
                .unwrap_or_else(|| panic!("{}: not a building of moscow.csv", a.text));
            assert_eq!(
                (lat, lon),
                (b.lat, b.lon),
                "{}: the building's point",
                a.text
            );
            assert!(
                rodnik::sample::MOSCOW_LAT.contains(&lat)
                    && rodnik::sample::MOSCOW_LON.contains(&lon),
                "{}",
                a.text
            );
            flats.insert((street.to_string(), house.to_string(), unit.to_string()));
        }
    }
    assert!(addresses >= 300);
    // Spread over many buildings, not one neighbourhood.
    let distinct: std::collections::HashSet<_> = flats.iter().map(|(s, h, _)| (s, h)).collect();
    assert!(
        distinct.len() > addresses / 2,
        "{} buildings for {addresses} addresses",
        distinct.len()
    );

    // The card on the wire carries the point.
    let c = &clients[0];
    let card = app
        .get(&format!("/api/clients/{}", c.id), &app.admin)
        .await
        .ok();
    let a = &card["addresses"][0];
    assert!(
        a["lat"].as_f64().is_some() && a["lon"].as_f64().is_some(),
        "{card}"
    );
}

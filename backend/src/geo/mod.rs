//! Geocoding addresses (issue 21, item 1): DaData's address standardisation
//! (`POST …/api/v1/clean/address`, an API key and a secret) or the Yandex
//! Geocoder HTTP API (`GET …/1.x/?apikey=…&geocode=…&format=json`), with the
//! company's keys (`CompanySettings.geocoder`). Only a house-level answer
//! puts a point on an address by itself; a rougher one is for the map to
//! start from. New and changed addresses are placed in the background
//! (`locate_client`); an operator asks again or sets the point on the map.
//! Tests hold the parsers to the services' recorded answers
//! (tests/fixtures/geo/).

use std::time::Duration;

use rodnik_shared::api::{
    GeoInfo, GeoQuality, GeoSource, Geocoded, GeocoderProvider, GeocoderSettings,
};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::store::Store;

pub const DADATA_URL: &str = "https://cleaner.dadata.ru/api/v1/clean/address";
pub const YANDEX_URL: &str = "https://geocode-maps.yandex.ru/1.x/";

/// What a geocoder found for a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub lat: f64,
    pub lon: f64,
    pub quality: GeoQuality,
    pub found: String,
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn on_earth(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// DaData's answer: `[{"result", "geo_lat", "geo_lon", "qc_geo", ...}]`;
/// `qc_geo` 0 the house, 1 the nearest house, 2 the street, 3 the
/// settlement, 4 the city, 5 not found.
pub fn parse_dadata(v: &Value) -> Option<Found> {
    let a = v.as_array()?.first()?;
    let quality = match number(&a["qc_geo"])? as i64 {
        0 => GeoQuality::House,
        1 => GeoQuality::Near,
        2 => GeoQuality::Street,
        3 | 4 => GeoQuality::Locality,
        _ => return None,
    };
    let (lat, lon) = (number(&a["geo_lat"])?, number(&a["geo_lon"])?);
    on_earth(lat, lon).then(|| Found {
        lat,
        lon,
        quality,
        found: a["result"].as_str().unwrap_or_default().to_string(),
    })
}

/// Yandex's answer: the first `featureMember`'s `Point.pos` ("lon lat") and
/// its `GeocoderMetaData.precision` (`exact`, `number`, `near`, `range`,
/// `street`, `other`).
pub fn parse_yandex(v: &Value) -> Option<Found> {
    let g = &v["response"]["GeoObjectCollection"]["featureMember"]
        .as_array()?
        .first()?["GeoObject"];
    let meta = &g["metaDataProperty"]["GeocoderMetaData"];
    let quality = match meta["precision"].as_str()? {
        "exact" => GeoQuality::House,
        "number" | "near" => GeoQuality::Near,
        "range" | "street" => GeoQuality::Street,
        _ => GeoQuality::Locality,
    };
    let mut pos = g["Point"]["pos"].as_str()?.split_whitespace();
    let lon: f64 = pos.next()?.parse().ok()?;
    let lat: f64 = pos.next()?.parse().ok()?;
    on_earth(lat, lon).then(|| Found {
        lat,
        lon,
        quality,
        found: meta["text"].as_str().unwrap_or_default().to_string(),
    })
}

/// The text asked for: the company's city put before an address that does
/// not name it.
pub fn query(s: &GeocoderSettings, text: &str) -> String {
    let city = s.city.trim();
    let text = text.trim();
    if city.is_empty() || text.to_lowercase().contains(&city.to_lowercase()) {
        text.to_string()
    } else {
        format!("{city}, {text}")
    }
}

/// The error text of a service's refusal, without echoing secrets.
fn refusal(status: u16, body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let said = ["message", "detail", "error"]
        .iter()
        .find_map(|k| v[*k].as_str())
        .unwrap_or("");
    format!(
        "the geocoder answered HTTP {status} {}",
        said.chars().take(200).collect::<String>()
    )
    .trim()
    .to_string()
}

/// Asks the geocoder about `text`: `Ok(None)` when it found nothing.
pub async fn geocode(
    http: &reqwest::Client,
    s: &GeocoderSettings,
    text: &str,
) -> Result<Option<Found>> {
    let key = s
        .key
        .as_deref()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| Error::conflict("geocoder_off", "the geocoder's key is not set"))?;
    let q = query(s, text);
    let req = match s.provider {
        GeocoderProvider::Dadata => {
            let url = if s.url.trim().is_empty() {
                DADATA_URL
            } else {
                s.url.trim()
            };
            let secret = s.secret.as_deref().unwrap_or_default();
            http.post(url)
                .header("Authorization", format!("Token {key}"))
                .header("X-Secret", secret)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .body(json!([q]).to_string())
        }
        GeocoderProvider::Yandex => {
            let url = if s.url.trim().is_empty() {
                YANDEX_URL
            } else {
                s.url.trim()
            };
            http.get(url).query(&[
                ("apikey", key),
                ("geocode", q.as_str()),
                ("format", "json"),
                ("results", "1"),
                ("lang", "ru_RU"),
            ])
        }
    };
    let resp = req
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| {
            Error::Upstream(format!(
                "the geocoder did not answer: {}",
                without_query(&e)
            ))
        })?;
    let status = resp.status().as_u16();
    let body = resp.text().await.map_err(|e| {
        Error::Upstream(format!(
            "the geocoder's answer was cut: {}",
            without_query(&e)
        ))
    })?;
    if status >= 300 {
        return Err(Error::Upstream(refusal(status, &body)));
    }
    let v: Value = serde_json::from_str(&body)
        .map_err(|_| Error::Upstream("the geocoder's answer is not JSON".into()))?;
    Ok(match s.provider {
        GeocoderProvider::Dadata => parse_dadata(&v),
        GeocoderProvider::Yandex => parse_yandex(&v),
    })
}

/// A transport error's text without its URL (Yandex's carries the key).
fn without_query(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "the geocoder");
    }
    s
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

/// Puts `found` on the client's address when it still reads `text` and has
/// no point (an operator's point is never replaced by the geocoder's);
/// `force` replaces a geocoder's point (an operator asked again).
async fn save(
    store: &Store,
    client_id: &str,
    address_id: &str,
    text: &str,
    found: &Found,
    force: bool,
) -> Result<bool> {
    let at = chrono::Utc::now().to_rfc3339();
    let saved = std::sync::atomic::AtomicBool::new(false);
    store
        .edit_client(client_id, None, |mut c| {
            saved.store(false, std::sync::atomic::Ordering::Relaxed);
            if let Some(a) = c.addresses.iter_mut().find(|a| a.id == address_id) {
                let manual = a
                    .geo
                    .as_ref()
                    .is_some_and(|g| g.source == GeoSource::Manual);
                let free = !a.located() || (force && !manual);
                if a.text.trim() == text.trim() && free {
                    a.lat = Some(found.lat);
                    a.lon = Some(found.lon);
                    a.geo = Some(GeoInfo {
                        source: GeoSource::Geocoder,
                        quality: Some(found.quality),
                        found: Some(found.found.clone()).filter(|f| !f.is_empty()),
                        at: at.clone(),
                    });
                    saved.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Ok(c)
        })
        .await?;
    Ok(saved.load(std::sync::atomic::Ordering::Relaxed))
}

/// An operator's "find on the map": asks the geocoder about the address
/// and puts a house-level point on it (replacing a geocoder's earlier one,
/// never one set by hand). 409 `geocoder_off` without a geocoder, 409
/// `not_located` when it found nothing, 502 when it failed.
pub async fn geocode_address(store: &Store, client_id: &str, address_id: &str) -> Result<Geocoded> {
    let s = store
        .company_settings()
        .await?
        .geocoder
        .filter(|g| g.enabled)
        .ok_or_else(|| Error::conflict("geocoder_off", "no geocoder is set up (Administration)"))?;
    let c = store.require_client(client_id).await?;
    let a = c
        .addresses
        .iter()
        .find(|a| a.id == address_id)
        .ok_or_else(|| Error::not_found("address"))?;
    let found = geocode(&http(), &s, &a.text).await?.ok_or_else(|| {
        Error::conflict(
            "not_located",
            "the geocoder did not find this address: set the point on the map",
        )
    })?;
    let saved = found.quality.is_precise()
        && save(store, client_id, address_id, &a.text, &found, true).await?;
    Ok(Geocoded {
        lat: found.lat,
        lon: found.lon,
        quality: found.quality,
        found: found.found,
        saved,
    })
}

/// Places the client's addresses that have no point, in the background of
/// a change (when a geocoder is on). Failures are logged: the address stays
/// unplaced, flagged in the card, planned last.
pub fn locate_client(store: Store, client_id: String) {
    tokio::spawn(async move {
        if let Err(e) = locate(&store, &client_id).await {
            tracing::warn!(client = %client_id, error = %e, "placing the client's addresses failed");
        }
    });
}

async fn locate(store: &Store, client_id: &str) -> Result<()> {
    let Some(s) = store
        .company_settings()
        .await?
        .geocoder
        .filter(|g| g.enabled)
    else {
        return Ok(());
    };
    let c = store.require_client(client_id).await?;
    let http = http();
    for a in c.addresses.iter().filter(|a| !a.retired && !a.located()) {
        if let Some(found) = geocode(&http, &s, &a.text).await? {
            if found.quality.is_precise() {
                save(store, client_id, &a.id, &a.text, &found, false).await?;
            } else {
                tracing::info!(client = %client_id, address = %a.id, quality = ?found.quality,
                    "the geocoder placed an address only roughly: left for the map");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_goes_before_an_address_without_it() {
        let s = GeocoderSettings {
            city: "Москва".into(),
            ..Default::default()
        };
        assert_eq!(query(&s, "ул. Ленина, 5"), "Москва, ул. Ленина, 5");
        assert_eq!(
            query(&s, "г. москва, ул. Ленина, 5"),
            "г. москва, ул. Ленина, 5"
        );
        assert_eq!(query(&GeocoderSettings::default(), " x "), "x");
    }

    #[test]
    fn rough_and_empty_answers_are_told_apart() {
        let street = json!([{"result": "г Москва, ул Тверская", "geo_lat": "55.7644", "geo_lon": "37.6059", "qc_geo": 2}]);
        let f = parse_dadata(&street).expect("found");
        assert_eq!(f.quality, GeoQuality::Street);
        assert!(!f.quality.is_precise());
        let none = json!([{"result": null, "geo_lat": null, "geo_lon": null, "qc_geo": 5}]);
        assert_eq!(parse_dadata(&none), None);
        assert_eq!(parse_dadata(&json!([])), None);
        let empty = json!({"response": {"GeoObjectCollection": {"featureMember": []}}});
        assert_eq!(parse_yandex(&empty), None);
        let bad = json!([{"geo_lat": "155.0", "geo_lon": "37.6", "qc_geo": 0}]);
        assert_eq!(parse_dadata(&bad), None, "not on Earth");
    }
}

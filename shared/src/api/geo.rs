//! Points of addresses (issue 21, item 1): an address's latitude and
//! longitude come from a geocoder (DaData or Yandex, with the company's key)
//! or are set by hand on the map; how good a point is decides whether the
//! planner trusts it. Addresses without a point are planned last.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where an address's point came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeoSource {
    /// Set by hand (on the map, or typed).
    Manual,
    /// Found by the geocoder.
    Geocoder,
}

/// How precisely the geocoder placed an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeoQuality {
    /// The house itself.
    House,
    /// The nearest house found (a number not known to the map).
    Near,
    /// Only the street.
    Street,
    /// Only the settlement or the city.
    Locality,
}

impl GeoQuality {
    /// Good enough to drive to: the point is kept on the address.
    pub fn is_precise(self) -> bool {
        matches!(self, GeoQuality::House | GeoQuality::Near)
    }
}

/// What is known of an address's point besides its coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GeoInfo {
    pub source: GeoSource,
    /// The geocoder's precision (none for a point set by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<GeoQuality>,
    /// The address as the geocoder understood it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// RFC 3339: when the point was set.
    pub at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeocoderProvider {
    /// DaData's address standardisation (`cleaner.dadata.ru`): an API key and a secret key.
    #[default]
    Dadata,
    /// Yandex Geocoder HTTP API (`geocode-maps.yandex.ru`): an API key.
    Yandex,
}

/// The geocoder (`CompanySettings.geocoder`). Keys are write-only: answers
/// carry `key_set` and `secret_set` instead.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct GeocoderSettings {
    /// New and changed addresses are placed by the geocoder.
    pub enabled: bool,
    pub provider: GeocoderProvider,
    /// The service's address; empty: the provider's own.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub key_set: bool,
    /// DaData's secret key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub secret_set: bool,
    /// Put before addresses that do not name a city ("Москва").
    pub city: String,
}

/// `POST /api/clients/{id}/addresses/{address_id}/geocode`: what the
/// geocoder found, and whether the point was put on the address (only a
/// house-level one is; a rougher one is for the map to start from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Geocoded {
    pub lat: f64,
    pub lon: f64,
    pub quality: GeoQuality,
    /// The address as the geocoder understood it.
    pub found: String,
    pub saved: bool,
}

//! Playing a call's recording: the audio stays with the PBX and is fetched
//! for each play. Mango Office's `queries/recording/post` answers 302 to a
//! one-time link on its file service; the server follows it and passes the
//! audio on, so the PBX keys never reach a browser.

use std::collections::BTreeMap;

use rodnik_shared::api::PbxProvider;

use super::settings::Effective;
use super::{mango, zadarma, Telephony};
use crate::store::calls::StoredRecording;

#[derive(Debug)]
pub enum FetchError {
    /// The provider's keys are not set.
    NotConfigured,
    /// The PBX does not have it (not uploaded yet, or deleted).
    Unavailable,
    /// The provider refused or did not answer (the message is safe to show).
    Provider(String),
    /// The settings would send secrets where they must not go.
    Refused(String),
}

/// The PBX's answer with the audio: its body is streamed on to the browser.
pub async fn fetch(
    t: &Telephony,
    eff: &Effective,
    rec: &StoredRecording,
) -> Result<reqwest::Response, FetchError> {
    match rec.provider {
        PbxProvider::Mango => mango_recording(t, eff, &rec.recording_id).await,
        // Only Mango's recordings are stored (see `http::pbx::mango_event`).
        PbxProvider::Zadarma | PbxProvider::Asterisk => Err(FetchError::Unavailable),
    }
}

async fn mango_recording(
    t: &Telephony,
    eff: &Effective,
    recording_id: &str,
) -> Result<reqwest::Response, FetchError> {
    let (Some(key), Some(salt)) = (eff.mango.get("api_key"), eff.mango.get("api_salt")) else {
        return Err(FetchError::NotConfigured);
    };
    let form: BTreeMap<String, String> = mango::recording_form(key, salt, recording_id)
        .into_iter()
        .collect();
    // reqwest follows the 302 with a GET and without the form (the keys).
    let r = t
        .media
        .post(format!(
            "{}/queries/recording/post",
            eff.mango_api_url().map_err(FetchError::Refused)?
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(zadarma::build_query(&form))
        .send()
        .await
        .map_err(|e| FetchError::Provider(super::unreachable("Mango Office", &e)))?;
    let status = r.status();
    let kind = r
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if status.is_success() && (kind.starts_with("audio/") || kind == "application/octet-stream") {
        return Ok(r);
    }
    // Mango names a missing recording with 404, or with a JSON result code.
    if status == reqwest::StatusCode::NOT_FOUND || kind.starts_with("application/json") {
        return Err(FetchError::Unavailable);
    }
    Err(FetchError::Provider(format!(
        "Mango Office answered {status} without a recording"
    )))
}

//! Click-to-call: the PBX rings the operator's extension (the A leg) and,
//! when it is picked up, dials the client. Mango's `commands/callback`,
//! Zadarma's `/v1/request/callback/`, or Asterisk's `Originate` over AMI.

use std::collections::BTreeMap;

use rodnik_shared::api::PbxProvider;

use super::settings::Effective;
use super::{mango, zadarma, Telephony};

#[derive(Debug)]
pub enum OriginateError {
    /// No provider that can place calls is configured.
    NotConfigured,
    /// The provider refused or did not answer (the message is safe to show).
    Provider(String),
    /// The settings would send secrets where they must not go.
    Refused(String),
}

/// `number` is digits only (`79123456789`), as every provider wants it.
pub async fn originate(
    t: &Telephony,
    eff: &Effective,
    extension: &str,
    number: &str,
    request_id: &str,
) -> Result<PbxProvider, OriginateError> {
    let provider = eff
        .originate_provider()
        .ok_or(OriginateError::NotConfigured)?;
    match provider {
        PbxProvider::Mango => mango_callback(t, eff, extension, number, request_id).await?,
        PbxProvider::Zadarma => zadarma_callback(t, eff, extension, number).await?,
        PbxProvider::Asterisk => t
            .ami
            .originate(extension, number, request_id)
            .await
            .map_err(OriginateError::Provider)?,
    }
    Ok(provider)
}

fn unreachable(name: &str, e: reqwest::Error) -> OriginateError {
    OriginateError::Provider(super::unreachable(name, &e))
}

async fn mango_callback(
    t: &Telephony,
    eff: &Effective,
    extension: &str,
    number: &str,
    request_id: &str,
) -> Result<(), OriginateError> {
    let (Some(key), Some(salt)) = (eff.mango.get("api_key"), eff.mango.get("api_salt")) else {
        return Err(OriginateError::NotConfigured);
    };
    let form: BTreeMap<String, String> =
        mango::callback_form(key, salt, request_id, extension, number)
            .into_iter()
            .collect();
    let r = t
        .http
        .post(format!(
            "{}/commands/callback",
            eff.mango_api_url().map_err(OriginateError::Refused)?
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(zadarma::build_query(&form))
        .send()
        .await
        .map_err(|e| unreachable("Mango Office", e))?;
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    // Mango answers 1000 for "done"; anything else names the problem.
    match body.get("result").and_then(serde_json::Value::as_i64) {
        Some(1000) if status.is_success() => Ok(()),
        Some(code) => Err(OriginateError::Provider(format!(
            "Mango Office refused the call (result {code})"
        ))),
        None => Err(OriginateError::Provider(format!(
            "Mango Office answered {status}"
        ))),
    }
}

async fn zadarma_callback(
    t: &Telephony,
    eff: &Effective,
    extension: &str,
    number: &str,
) -> Result<(), OriginateError> {
    let (Some(key), Some(secret)) = (eff.zadarma.get("key"), eff.zadarma.get("secret")) else {
        return Err(OriginateError::NotConfigured);
    };
    let params = zadarma::callback_params(extension, number);
    let auth = zadarma::api_authorization(key, secret, zadarma::CALLBACK_METHOD, &params);
    let r = t
        .http
        .get(format!(
            "{}{}?{}",
            eff.zadarma_api_url().map_err(OriginateError::Refused)?,
            zadarma::CALLBACK_METHOD,
            zadarma::build_query(&params)
        ))
        .header("Authorization", auth)
        .send()
        .await
        .map_err(|e| unreachable("Zadarma", e))?;
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    match body.get("status").and_then(serde_json::Value::as_str) {
        Some("success") if status.is_success() => Ok(()),
        _ => {
            let msg = body
                .get("message")
                .and_then(serde_json::Value::as_str)
                .map(|m| m.chars().take(200).collect::<String>())
                .unwrap_or_else(|| status.to_string());
            Err(OriginateError::Provider(format!(
                "Zadarma refused the call: {msg}"
            )))
        }
    }
}

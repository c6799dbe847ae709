//! Telephony webhooks: the generic signed webhook (HMAC-SHA256 of the raw body).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Checks `X-Rodnik-Signature: sha256=<hex>` against the raw body in constant time.
pub fn verify_signature(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_round_trip_and_forgeries() {
        let body = br#"{"event":"ringing"}"#;
        let sig = sign("s", body);
        assert!(verify_signature("s", body, Some(&sig)));
        assert!(!verify_signature("other", body, Some(&sig)));
        assert!(!verify_signature("s", b"{}", Some(&sig)));
        assert!(!verify_signature("s", body, None));
        assert!(!verify_signature("s", body, Some("sha256=zz")));
        assert!(!verify_signature(
            "s",
            body,
            Some(&sig.replace("sha256=", "md5="))
        ));
    }
}

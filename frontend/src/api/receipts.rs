//! The SBP QR's settings and the fiscal receipts (issue 20, item 5): what
//! the courier's QR needs, an order's receipts, a manager's retry, and the
//! receipts not yet registered.

use gloo_net::http::Request;
use rodnik_shared::api::{PaymentQrSettings, Receipt};

use super::reports::Query;
use super::{enc, Api, ApiError};

/// The receipts report (JSON, and CSV/XLSX with `format`).
pub const RECEIPTS_REPORT: &str = "/api/reports/receipts";

impl Api {
    /// The company's SBP link and bank details (any staff, couriers too).
    pub async fn payment_qr_settings(&self) -> Result<PaymentQrSettings, ApiError> {
        self.json(
            self.auth(Request::get("/api/payments/qr-settings"))
                .send()
                .await,
        )
        .await
    }

    pub async fn order_receipts(&self, order_id: &str) -> Result<Vec<Receipt>, ApiError> {
        let path = format!("/api/orders/{}/receipts", enc(order_id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    /// A failed receipt goes back to pending; a pending one is sent now.
    pub async fn retry_receipt(&self, id: &str) -> Result<Receipt, ApiError> {
        let path = format!("/api/receipts/{}/retry", enc(id));
        self.post(&path, &serde_json::json!({}), None).await
    }

    /// `from`, `to` and `status` (none: those not registered), oldest first.
    pub async fn receipts_report(&self, q: &Query) -> Result<Vec<Receipt>, ApiError> {
        self.report(RECEIPTS_REPORT, q).await
    }
}

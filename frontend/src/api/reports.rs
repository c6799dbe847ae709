//! The reports, the figures of their charts, their CSV and XLSX downloads,
//! and the call lists made from the lost clients.

use gloo_net::http::Request;
use rodnik_shared::api::{
    CallList, CallListItem, CallListSummary, CreateCallList, DailyDeliveries, DailyOrders,
    GroupedDeliveries, LostClientsReport, LostMonthly, MarkCalled, OrdersReport, ReasonsReport,
    SalesReport,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use super::{enc, Api, ApiError};

/// A report's query: `from`/`to` or `as_of`/`months`, as the endpoint takes.
pub type Query = Vec<(&'static str, String)>;

impl Api {
    /// The body of `GET path?q`. Not generic, so the request code is in the
    /// wasm once rather than once per report type.
    async fn get_text(&self, path: &str, q: &Query) -> Result<String, ApiError> {
        let r = self
            .auth(Request::get(path))
            .query(q.iter().map(|(k, v)| (*k, v.as_str())));
        self.checked(r.send().await).await
    }

    /// Bottles in circulation, the period's moves, empties per courier.
    pub async fn bottle_report(
        &self,
        q: &Query,
    ) -> Result<rodnik_shared::api::BottleReport, ApiError> {
        self.report("/api/reports/bottles", q).await
    }

    /// Clients holding more than the rule allows, now.
    pub async fn bottle_debtors(&self) -> Result<rodnik_shared::api::BottleDebtors, ApiError> {
        self.report("/api/reports/bottle-debtors", &vec![]).await
    }

    /// What the rented equipment charges for a month (`month`=YYYY-MM).
    pub async fn rental_charges(
        &self,
        q: &Query,
    ) -> Result<rodnik_shared::api::RentalCharges, ApiError> {
        self.report("/api/reports/rentals", q).await
    }

    /// Equipment at clients due for sanitation.
    pub async fn sanitation_report(
        &self,
        q: &Query,
    ) -> Result<rodnik_shared::api::SanitationReport, ApiError> {
        self.report("/api/reports/sanitation", q).await
    }

    pub(super) async fn report<T: DeserializeOwned>(
        &self,
        path: &str,
        q: &Query,
    ) -> Result<T, ApiError> {
        let body = self.get_text(path, q).await?;
        serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
    }

    /// A page of the deliveries report as the server groups it.
    pub async fn grouped_deliveries(&self, q: &Query) -> Result<GroupedDeliveries, ApiError> {
        self.report("/api/reports/deliveries", q).await
    }

    pub async fn daily_deliveries(&self, q: &Query) -> Result<DailyDeliveries, ApiError> {
        self.report("/api/reports/deliveries/daily", q).await
    }

    pub async fn reasons_report(&self, q: &Query) -> Result<ReasonsReport, ApiError> {
        self.report("/api/reports/reasons", q).await
    }

    pub async fn sales_report(&self, q: &Query) -> Result<SalesReport, ApiError> {
        self.report("/api/reports/sales", q).await
    }

    pub async fn orders_report(&self, q: &Query) -> Result<OrdersReport, ApiError> {
        self.report("/api/reports/orders", q).await
    }

    pub async fn daily_orders(&self, q: &Query) -> Result<DailyOrders, ApiError> {
        self.report("/api/reports/orders/daily", q).await
    }

    pub async fn lost_clients(&self, q: &Query) -> Result<LostClientsReport, ApiError> {
        self.report("/api/reports/lost-clients", q).await
    }

    pub async fn lost_monthly(&self, q: &Query) -> Result<LostMonthly, ApiError> {
        self.report("/api/reports/lost-clients/monthly", q).await
    }

    /// Clients due to reorder by their own rhythm (operators' calls).
    pub async fn reorder(&self) -> Result<Vec<rodnik_shared::api::RhythmItem>, ApiError> {
        self.report("/api/reorder", &vec![("limit", "500".to_string())])
            .await
    }

    /// Clients silent past their own rhythm (managers).
    pub async fn at_risk(&self) -> Result<Vec<rodnik_shared::api::RhythmItem>, ApiError> {
        self.report("/api/reports/at-risk", &vec![("limit", "500".to_string())])
            .await
    }

    /// Fetches `path?q` with the bearer token and saves the answer as a file
    /// (a Blob behind a temporary link: a plain link could not send the
    /// token). Returns the file name the server gave.
    pub async fn download(&self, path: &str, q: &Query) -> Result<String, ApiError> {
        let r = Request::get(path).query(q.iter().map(|(k, v)| (*k, v.as_str())));
        let (bytes, headers) = self.file(r).await?;
        let name = headers
            .get("content-disposition")
            .and_then(|d| file_name(&d))
            .unwrap_or_else(|| "report".to_string());
        let kind = headers
            .get("content-type")
            .unwrap_or_else(|| "application/octet-stream".to_string());
        save(&bytes, &kind, &name).map_err(|e| ApiError::Decode(format!("{e:?}")))?;
        Ok(name)
    }

    pub async fn call_lists(&self) -> Result<Vec<CallListSummary>, ApiError> {
        self.report("/api/call-lists", &vec![]).await
    }

    pub async fn call_list(&self, id: &str) -> Result<CallList, ApiError> {
        let path = format!("/api/call-lists/{}", enc(id));
        self.report(&path, &vec![]).await
    }

    /// `key` makes a repeated click make one list.
    pub async fn create_call_list(
        &self,
        req: &CreateCallList,
        key: &str,
    ) -> Result<CallList, ApiError> {
        self.post("/api/call-lists", req, Some(key)).await
    }

    pub async fn mark_called(
        &self,
        list: &str,
        client: &str,
        outcome: &str,
    ) -> Result<CallListItem, ApiError> {
        let path = format!("/api/call-lists/{}/items/{}/done", enc(list), enc(client));
        let body = MarkCalled {
            outcome: outcome.to_string(),
        };
        let key = format!("calls:{list}:{client}:{:016x}", fnv1a(outcome));
        self.post(&path, &body, Some(&key)).await
    }
}

/// `attachment; filename="x.csv"` -> `x.csv`.
pub fn file_name(disposition: &str) -> Option<String> {
    let rest = disposition.split("filename=").nth(1)?;
    let name = rest.split(';').next()?.trim().trim_matches('"');
    (!name.is_empty()).then(|| name.to_string())
}

fn save(bytes: &[u8], kind: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let url = super::blob_url(bytes, kind)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    document.body().ok_or("no body")?.append_child(&link)?;
    link.click();
    link.remove();
    // The browser reads the Blob after this returns: let it go later.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// FNV-1a, 64 bits: a stable short digest for idempotency keys.
pub fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_disposition() {
        assert_eq!(
            file_name("attachment; filename=\"sales_2025-01-01_2025-01-31.xlsx\"").as_deref(),
            Some("sales_2025-01-01_2025-01-31.xlsx")
        );
        assert_eq!(file_name("attachment").as_deref(), None);
        assert_eq!(
            file_name("attachment; filename=a.csv; x=1").as_deref(),
            Some("a.csv")
        );
    }
}

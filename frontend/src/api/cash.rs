//! The couriers' cash: handing it in, confirming it, the cash report.

use gloo_net::http::Request;
use rodnik_shared::api::{CashReport, ConfirmHandover, Handover, SubmitHandover};

use super::reports::Query;
use super::{enc, Api, ApiError};

impl Api {
    /// The signed-in courier's handover of a day, if any.
    pub async fn my_handover(&self, date: &str) -> Result<Option<Handover>, ApiError> {
        let r = self
            .auth(Request::get("/api/handovers"))
            .query([("date", date)]);
        let list: Vec<Handover> = self.json(r.send().await).await?;
        Ok(list.into_iter().next())
    }

    pub async fn submit_handover(&self, req: &SubmitHandover) -> Result<Handover, ApiError> {
        self.post("/api/handovers", req, None).await
    }

    pub async fn confirm_handover(
        &self,
        id: &str,
        req: &ConfirmHandover,
    ) -> Result<Handover, ApiError> {
        let path = format!("/api/handovers/{}/confirm", enc(id));
        self.post(&path, req, None).await
    }

    pub async fn cash_report(&self, q: &Query) -> Result<CashReport, ApiError> {
        self.report("/api/reports/cash", q).await
    }
}

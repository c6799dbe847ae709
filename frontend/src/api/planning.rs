//! Route planning (issue 21, docs/api.md "Route planning"): the planning
//! settings, a plan job (start, follow, accept, cancel), promised slots for
//! the order form, and the stops' expected arrivals.

use gloo_net::http::Request;
use rodnik_shared::api::{
    CalibrateRequest, CalibrationReport, Eta, NewPlan, Plan, PlanningSettings, Slots,
};

use super::{enc, Api, ApiError};
use crate::state::planning::SlotKey;

impl Api {
    pub async fn planning_settings(&self) -> Result<PlanningSettings, ApiError> {
        self.json(
            self.auth(Request::get("/api/planning/settings"))
                .send()
                .await,
        )
        .await
    }

    pub async fn put_planning_settings(
        &self,
        put: &PlanningSettings,
    ) -> Result<PlanningSettings, ApiError> {
        self.send_json(Request::put("/api/planning/settings"), put)
            .await
    }

    /// Starts optimising a day (202: the job, running).
    pub async fn start_plan(&self, req: &NewPlan, key: &str) -> Result<Plan, ApiError> {
        self.post("/api/plans", req, Some(key)).await
    }

    pub async fn plan(&self, id: &str) -> Result<Plan, ApiError> {
        let path = format!("/api/plans/{}", enc(id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    /// The day's plans, newest first.
    pub async fn plans_on(&self, date: &str) -> Result<Vec<Plan>, ApiError> {
        let r = self
            .auth(Request::get("/api/plans"))
            .query([("date", date)]);
        self.json(r.send().await).await
    }

    /// Puts a finished plan into effect; a retry with the same key gets the
    /// first answer.
    pub async fn accept_plan(&self, id: &str, key: &str) -> Result<Plan, ApiError> {
        let path = format!("/api/plans/{}/accept", enc(id));
        self.post(&path, &serde_json::json!({}), Some(key)).await
    }

    pub async fn cancel_plan(&self, id: &str) -> Result<Plan, ApiError> {
        let path = format!("/api/plans/{}/cancel", enc(id));
        let key = format!("plan:{id}:cancel");
        self.post(&path, &serde_json::json!({}), Some(&key)).await
    }

    pub async fn slots(&self, ask: &SlotKey) -> Result<Slots, ApiError> {
        let (qty, days) = (ask.qty.to_string(), ask.days.to_string());
        let mut params = vec![
            ("client_id", ask.client_id.as_str()),
            ("address_id", ask.address_id.as_str()),
            ("qty", qty.as_str()),
            ("days", days.as_str()),
        ];
        if let Some(f) = &ask.from {
            params.push(("from", f));
        }
        if let Some(o) = &ask.order_id {
            params.push(("order_id", o));
        }
        let r = self.auth(Request::get("/api/slots")).query(params);
        self.json(r.send().await).await
    }

    /// Every route stop's expected arrival on `date` (a courier gets their own).
    pub async fn etas(&self, date: Option<&str>) -> Result<Vec<Eta>, ApiError> {
        let mut r = self.auth(Request::get("/api/etas"));
        if let Some(d) = date {
            r = r.query([("date", d)]);
        }
        self.json(r.send().await).await
    }

    /// The straight-line model fitted to the couriers' own trips (not saved
    /// unless `save`).
    pub async fn calibrate(&self, req: &CalibrateRequest) -> Result<CalibrationReport, ApiError> {
        self.post("/api/planning/calibrate", req, None).await
    }
}

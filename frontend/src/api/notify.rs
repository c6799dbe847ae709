//! Client notifications (`docs/api.md`, "Notifications", issue 23 part 3):
//! the company's rules and SMS gateway (the key is write-only: answers say
//! `key_set`), a client's consent and where messages would go, the send
//! log, a manager's test message and the evening messages sent now.

use gloo_net::http::Request;
use rodnik_shared::api::{
    ClientNotify, Notification, NotifyRun, NotifySettings, NotifyStatus, SetClientNotify,
    TestNotification,
};

use super::{enc, Api, ApiError};

/// The send log's filters (`GET /api/notifications`); `None`: any.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogQuery {
    pub client_id: Option<String>,
    pub order_id: Option<String>,
    /// `YYYY-MM-DD`: the delivery's day (a test's: the day it was sent).
    pub date: Option<String>,
    pub status: Option<NotifyStatus>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl LogQuery {
    /// The query string's pairs, the empty filters left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut text = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                q.push((k, v.clone()));
            }
        };
        text("client_id", &self.client_id);
        text("order_id", &self.order_id);
        text("date", &self.date);
        if let Some(s) = self.status {
            q.push(("status", s.as_str().to_string()));
        }
        if let Some(n) = self.limit {
            q.push(("limit", n.to_string()));
        }
        if let Some(n) = self.offset.filter(|n| *n > 0) {
            q.push(("offset", n.to_string()));
        }
        q
    }
}

impl Api {
    /// The company's notification rules (managers and admins).
    pub async fn notify_settings(&self) -> Result<NotifySettings, ApiError> {
        self.json(
            self.auth(Request::get("/api/settings/notifications"))
                .send()
                .await,
        )
        .await
    }

    /// Saves them; `sms.key: None` keeps the stored key. A bad field is a
    /// 422 naming it (`sms.key`, `evening_at`, `link_base`).
    pub async fn put_notify_settings(
        &self,
        put: &NotifySettings,
    ) -> Result<NotifySettings, ApiError> {
        self.send_json(Request::put("/api/settings/notifications"), put)
            .await
    }

    /// The client's yes or no per channel and where messages would go now.
    pub async fn client_notify(&self, client_id: &str) -> Result<ClientNotify, ApiError> {
        let path = format!("/api/clients/{}/notify", enc(client_id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    pub async fn put_client_notify(
        &self,
        client_id: &str,
        req: &SetClientNotify,
    ) -> Result<ClientNotify, ApiError> {
        let path = format!("/api/clients/{}/notify", enc(client_id));
        self.send_json(Request::put(&path), req).await
    }

    /// The send log, newest first.
    pub async fn notifications(&self, q: &LogQuery) -> Result<Vec<Notification>, ApiError> {
        let pairs = q.pairs();
        let r = self
            .auth(Request::get("/api/notifications"))
            .query(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        self.json(r.send().await).await
    }

    /// A test message, queued (the worker sends it in a moment).
    pub async fn test_notification(
        &self,
        req: &TestNotification,
    ) -> Result<Notification, ApiError> {
        self.post("/api/notifications/test", req, None).await
    }

    /// Queues the evening-before messages now: how many, and how many
    /// orders get none.
    pub async fn run_notifications(&self) -> Result<NotifyRun, ApiError> {
        self.post("/api/notifications/run", &serde_json::json!({}), None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_query_leaves_out_what_is_not_filtered() {
        assert!(LogQuery::default().pairs().is_empty());
        let q = LogQuery {
            client_id: Some("c1".into()),
            date: Some(String::new()),
            status: Some(NotifyStatus::Failed),
            limit: Some(5),
            offset: Some(0),
            ..LogQuery::default()
        };
        assert_eq!(
            q.pairs(),
            vec![
                ("client_id", "c1".to_string()),
                ("status", "failed".to_string()),
                ("limit", "5".to_string()),
            ]
        );
    }
}

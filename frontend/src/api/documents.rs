//! Month-end documents (issue 20, item 2): the company's requisites, closing
//! a month and following its job, the issued documents with their PDF and
//! XLSX (fetched with the token and saved), sending one by e-mail, and acts
//! of reconciliation.

use gloo_net::http::Request;
use rodnik_shared::api::{CloseMonth, CompanySettings, DocJob, Document, NewReconciliation};

use super::{enc, Api, ApiError};

impl Api {
    pub async fn company_settings(&self) -> Result<CompanySettings, ApiError> {
        self.report("/api/settings/company", &vec![]).await
    }

    pub async fn put_company_settings(
        &self,
        put: &CompanySettings,
    ) -> Result<CompanySettings, ApiError> {
        self.send_json(Request::put("/api/settings/company"), put)
            .await
    }

    /// The documents of a month (`YYYY-MM`), newest first.
    pub async fn documents_of(&self, month: &str) -> Result<Vec<Document>, ApiError> {
        self.report("/api/documents", &vec![("month", month.to_string())])
            .await
    }

    /// Starts closing a month; the job answers at once and runs on.
    pub async fn close_month(&self, req: &CloseMonth, key: &str) -> Result<DocJob, ApiError> {
        self.post("/api/documents/close", req, Some(key)).await
    }

    pub async fn doc_job(&self, id: &str) -> Result<DocJob, ApiError> {
        let path = format!("/api/documents/jobs/{}", enc(id));
        self.report(&path, &vec![]).await
    }

    /// The latest closings, newest first.
    pub async fn doc_jobs(&self) -> Result<Vec<DocJob>, ApiError> {
        self.report("/api/documents/jobs", &vec![]).await
    }

    pub async fn reconciliation(
        &self,
        req: &NewReconciliation,
        key: &str,
    ) -> Result<Document, ApiError> {
        self.post("/api/documents/reconciliation", req, Some(key))
            .await
    }

    /// E-mails the document to the client; the document with `sent_at`.
    pub async fn send_document(&self, id: &str, key: &str) -> Result<Document, ApiError> {
        let path = format!("/api/documents/{}/send", enc(id));
        self.post(&path, &serde_json::json!({}), Some(key)).await
    }
}

/// Where a document's file is served: `/api/documents/{id}/pdf`.
pub fn file_path(id: &str, format: &str) -> String {
    format!("/api/documents/{}/{format}", enc(id))
}

//! Money (issue 20, items 3, 4 and 6): a bank statement uploaded as the
//! file's own bytes, the payments it brought and a manager's decision on
//! the unrecognised ones, the month's 1C export, and the money reports.

use gloo_net::http::Request;
use rodnik_shared::api::{
    AssignPayment, BankPayment, DocumentsReport, IgnorePayment, PaymentsReport, Receivables,
    StatementImport, UnpaidInvoices,
};

use super::reports::Query;
use super::{enc, Api, ApiError};

/// Where the month's EnterpriseData XML is served (`?month=YYYY-MM`).
pub const ACCOUNTING_EXPORT: &str = "/api/accounting/export";

impl Api {
    /// Sends the statement file as the request body, as the bank wrote it
    /// (the server reads Windows-1251, DOS 866 or UTF-8).
    pub async fn import_statement(
        &self,
        file: &web_sys::File,
    ) -> Result<StatementImport, ApiError> {
        let r = self
            .auth(Request::post("/api/bank/statements"))
            .header("Content-Type", "text/plain")
            .body(file.clone())
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    /// Payments in one state (`matched`, `unmatched`, `ignored`), newest first.
    pub async fn bank_payments(&self, state: &str) -> Result<Vec<BankPayment>, ApiError> {
        self.report("/api/bank/payments", &vec![("state", state.to_string())])
            .await
    }

    pub async fn assign_payment(&self, id: &str, client_id: &str) -> Result<BankPayment, ApiError> {
        let path = format!("/api/bank/payments/{}/assign", enc(id));
        let body = AssignPayment {
            client_id: client_id.to_string(),
        };
        self.post(&path, &body, None).await
    }

    pub async fn ignore_payment(&self, id: &str, note: &str) -> Result<BankPayment, ApiError> {
        let path = format!("/api/bank/payments/{}/ignore", enc(id));
        let body = IgnorePayment {
            note: note.to_string(),
        };
        self.post(&path, &body, None).await
    }

    pub async fn receivables(&self) -> Result<Receivables, ApiError> {
        self.report("/api/reports/receivables", &vec![]).await
    }

    pub async fn payments_report(&self, q: &Query) -> Result<PaymentsReport, ApiError> {
        self.report("/api/reports/payments", q).await
    }

    pub async fn documents_report(&self, q: &Query) -> Result<DocumentsReport, ApiError> {
        self.report("/api/reports/documents", q).await
    }

    pub async fn unpaid_invoices(&self) -> Result<UnpaidInvoices, ApiError> {
        self.report("/api/reports/unpaid-invoices", &vec![]).await
    }
}

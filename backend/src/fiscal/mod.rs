//! The cloud cash register (issue 20, item 5; 54-FZ): the ATOL Online v5
//! adapter (`atol`) and the worker that drains the receipts queue
//! (`worker`). The queue's rows are written in the deliveries' own
//! transactions (`store::receipts`); what a receipt holds is
//! `figures::receipts`. docs/fiscal.md describes the whole.

pub mod atol;
pub mod worker;

//! Bank statements (issue 20, item 4): a statement's incoming payments
//! become payments on legal clients' accounts. A payment finds its client by
//! the payer's INN (the КПП decides between clients sharing one), else by
//! an invoice number its purpose names; it pays the invoices it names, then
//! the client's oldest unpaid ones. What finds no client waits for a
//! manager. Each payment is keyed by its document, so a statement imported
//! again adds nothing.

pub mod parse;

use chrono::Utc;
use rodnik_shared::api::{
    AccountMoveKind, BankPayment, BankPaymentState, MatchedBy, PaymentMethod, StatementImport,
};
use rodnik_shared::Money;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::figures::account::AccountRow;
use crate::store::bank::Settles;
use crate::store::Store;
use parse::BankDoc;

/// The payment's key: the same document of the same payer is the same payment.
pub fn key(d: &BankDoc) -> String {
    let mut h = Sha256::new();
    for part in [
        d.payer_account.as_str(),
        d.payer_inn.as_str(),
        d.number.as_str(),
        &d.date.to_string(),
        &d.amount.0.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    format!("bp{}", &hex::encode(h.finalize())[..24])
}

/// What a payment of `amount` pays of a client's unpaid invoices: those
/// `named` (lowercase numbers) first, then the oldest; (invoice id, part)
/// and the invoices' numbers.
pub async fn pays_invoices(
    store: &Store,
    client_id: &str,
    amount: Money,
    named: &[String],
) -> Result<(Vec<(String, Money)>, Vec<String>)> {
    let unpaid = store.unpaid_invoices(Some(client_id)).await?;
    let mut left = amount.0;
    let mut pays = vec![];
    let mut numbers = vec![];
    let named_first = unpaid
        .iter()
        .filter(|i| named.contains(&i.2.to_lowercase()))
        .chain(
            unpaid
                .iter()
                .filter(|i| !named.contains(&i.2.to_lowercase())),
        );
    for (id, _, number, total, paid, _) in named_first {
        if left <= 0 {
            break;
        }
        let part = left.min(total.0 - paid.0);
        if part > 0 {
            pays.push((id.clone(), Money(part)));
            numbers.push(number.clone());
            left -= part;
        }
    }
    Ok((pays, numbers))
}

/// What a matched payment settles: the account row and the invoices
/// (named first, then the oldest unpaid), and the invoices' numbers.
async fn settle(
    store: &Store,
    p: &BankPayment,
    client_id: &str,
    named: &[String],
    by: (&str, &str),
) -> Result<(Settles, Vec<String>)> {
    let (pays, numbers) = pays_invoices(store, client_id, p.amount, named).await?;
    let row = AccountRow {
        client_id: client_id.to_string(),
        kind: AccountMoveKind::Payment,
        amount: Money(-p.amount.0),
        method: Some(PaymentMethod::Bank),
        order_id: None,
        order_number: None,
        day: p.received_on.clone(),
        reference: Some(format!(
            "п/п {} от {}",
            p.number,
            crate::documents::date_short(&p.date)
        )),
        reason: Some(p.purpose.chars().take(300).collect()),
        by: Some(by.0.to_string()),
        by_name: Some(by.1.to_string()),
        at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    Ok((
        Settles {
            key: format!("bank{}", p.id),
            row,
            invoices: pays,
        },
        numbers,
    ))
}

/// The client a payment is from: by INN (and КПП), else by a named
/// invoice. `None` when nothing decides.
async fn find_client(
    store: &Store,
    d: &BankDoc,
    named: &[String],
) -> Result<Option<(String, String, MatchedBy)>> {
    if !d.payer_inn.is_empty() {
        let by_inn = store.clients_by_inn(&d.payer_inn).await?;
        match by_inn.len() {
            1 => {
                let (id, name, _) = by_inn[0].clone();
                return Ok(Some((id, name, MatchedBy::Inn)));
            }
            n if n > 1 && !d.payer_kpp.is_empty() => {
                let same: Vec<_> = by_inn.iter().filter(|c| c.2 == d.payer_kpp).collect();
                if same.len() == 1 {
                    let (id, name, _) = same[0].clone();
                    return Ok(Some((id, name, MatchedBy::Inn)));
                }
            }
            _ => {}
        }
    }
    if !named.is_empty() {
        let invoices = store.unpaid_invoices(None).await?;
        let mut clients: Vec<&str> = invoices
            .iter()
            .filter(|i| named.contains(&i.2.to_lowercase()))
            .map(|i| i.1.as_str())
            .collect();
        clients.sort();
        clients.dedup();
        if let [one] = clients.as_slice() {
            let c = store.require_client(one).await?;
            return Ok(Some((c.id, c.name, MatchedBy::Invoice)));
        }
    }
    Ok(None)
}

/// Imports a statement's file: its incoming payments to the company's
/// `account` (when set, the statement must be of it).
pub async fn import(
    store: &Store,
    bytes: &[u8],
    company_account: &str,
    by: (&str, &str),
) -> Result<StatementImport> {
    let st = parse::parse(&parse::decode(bytes))?;
    if !company_account.is_empty()
        && !st.accounts.is_empty()
        && !st.accounts.iter().any(|a| a == company_account)
    {
        return Err(Error::invalid(
            "file",
            format!(
                "the statement is of account {}, the company's is {company_account}",
                st.accounts.join(", ")
            ),
        ));
    }
    let ours = |acc: &str| {
        if company_account.is_empty() {
            st.accounts.iter().any(|a| a == acc)
        } else {
            acc == company_account
        }
    };
    let mut out = StatementImport {
        account: st.accounts.first().cloned().unwrap_or_default(),
        from: st.from.map(|d| d.to_string()),
        to: st.to.map(|d| d.to_string()),
        documents: st.docs.len() as i64,
        incoming: 0,
        matched: 0,
        unmatched: 0,
        duplicates: 0,
        outgoing: 0,
        matched_amount: Money::ZERO,
        payments: vec![],
    };
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for d in &st.docs {
        let incoming = ours(&d.payee_account) && !ours(&d.payer_account);
        if !incoming {
            out.outgoing += 1;
            continue;
        }
        out.incoming += 1;
        let id = key(d);
        if store.bank_payment(&id).await?.is_some() {
            out.duplicates += 1;
            continue;
        }
        let named = parse::invoice_numbers(&d.purpose);
        let mut p = BankPayment {
            id,
            number: d.number.clone(),
            date: d.date.to_string(),
            amount: d.amount,
            payer_name: d.payer_name.clone(),
            payer_inn: d.payer_inn.clone(),
            payer_kpp: d.payer_kpp.clone(),
            payer_account: d.payer_account.clone(),
            purpose: d.purpose.clone(),
            received_on: d.received_on.unwrap_or(d.date).to_string(),
            state: BankPaymentState::Unmatched,
            client_id: None,
            client_name: None,
            matched_by: None,
            invoices: vec![],
            note: None,
            imported_at: now.clone(),
            imported_by: by.1.to_string(),
            decided_by: None,
        };
        let settles = match find_client(store, d, &named).await? {
            Some((client, name, how)) => {
                let (s, numbers) = settle(store, &p, &client, &named, by).await?;
                p.state = BankPaymentState::Matched;
                p.client_id = Some(client);
                p.client_name = Some(name);
                p.matched_by = Some(how);
                p.invoices = numbers;
                Some(s)
            }
            None => None,
        };
        match store.save_bank_payment(&p, false, settles.as_ref()).await {
            Ok(()) => {}
            Err(Error::Conflict {
                code: "already_imported",
                ..
            }) => {
                out.duplicates += 1;
                continue;
            }
            Err(e) => return Err(e),
        }
        if p.state == BankPaymentState::Matched {
            out.matched += 1;
            out.matched_amount = out.matched_amount + p.amount;
        } else {
            out.unmatched += 1;
        }
        out.payments.push(p);
    }
    Ok(out)
}

/// A manager puts an unmatched payment on a client's account.
pub async fn assign(
    store: &Store,
    id: &str,
    client_id: &str,
    by: (&str, &str),
) -> Result<BankPayment> {
    let mut p = store
        .bank_payment(id)
        .await?
        .ok_or_else(|| Error::not_found("payment"))?;
    if p.state != BankPaymentState::Unmatched {
        return Err(Error::conflict(
            "payment_changed",
            "only an unmatched payment can be assigned",
        ));
    }
    let client = store
        .get_client(client_id.trim())
        .await?
        .ok_or_else(|| Error::invalid("client_id", "no such client"))?;
    let named = parse::invoice_numbers(&p.purpose);
    let (s, numbers) = settle(store, &p, &client.id, &named, by).await?;
    p.state = BankPaymentState::Matched;
    p.client_id = Some(client.id.clone());
    p.client_name = Some(client.name.clone());
    p.matched_by = Some(MatchedBy::Manager);
    p.invoices = numbers;
    p.decided_by = Some(by.1.to_string());
    store.save_bank_payment(&p, true, Some(&s)).await?;
    Ok(p)
}

/// A manager says an unmatched payment is not a client's.
pub async fn ignore(store: &Store, id: &str, note: &str, by: &str) -> Result<BankPayment> {
    let note = rodnik_shared::validate::required_text(note, "note")?;
    let mut p = store
        .bank_payment(id)
        .await?
        .ok_or_else(|| Error::not_found("payment"))?;
    if p.state != BankPaymentState::Unmatched {
        return Err(Error::conflict(
            "payment_changed",
            "only an unmatched payment can be ignored",
        ));
    }
    p.state = BankPaymentState::Ignored;
    p.note = Some(note);
    p.decided_by = Some(by.to_string());
    store.save_bank_payment(&p, true, None).await?;
    Ok(p)
}

//! The client's account on the console (issue 20): what a manager types (a
//! payment, a correction, the contract's terms) read into the API's
//! requests, with the problems shown at their fields, and whether a new
//! order needs a manager's allowance (`rodnik_shared::account::hold`, the
//! server's own rule).

use chrono::NaiveDate;
use rodnik_shared::api::{
    AccountMoveKind, ClientCard, Contract, CreditHold, NewAccountMove, PaymentMethod, PutContract,
};
use rodnik_shared::{Money, MoneyError};

use crate::i18n::account::AccountTexts;

/// `(field, message)`, the field named as the API names it.
pub type FieldError = (String, String);

fn at(field: &str, message: &str) -> FieldError {
    (field.to_string(), message.to_string())
}

pub fn money_error(e: MoneyError, t: &AccountTexts) -> &'static str {
    match e {
        MoneyError::Empty => t.required,
        MoneyError::Malformed | MoneyError::Negative => t.money_format,
        MoneyError::TooLarge => t.money_too_large,
    }
}

/// Roubles with a sign, as a correction is typed: "+1 500", "-200,50",
/// "−200" (a real minus); no sign is +.
pub fn signed_roubles(input: &str) -> Result<Money, MoneyError> {
    let s = input.trim();
    let (negative, rest) = match s.chars().next() {
        Some('-' | '−') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    let m = Money::parse_roubles(rest)?;
    Ok(if negative { Money(-m.0) } else { m })
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A payment received, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentDraft {
    pub amount: String,
    pub method: PaymentMethod,
    /// YYYY-MM-DD, today unless changed.
    pub day: String,
    pub reference: String,
}

impl PaymentDraft {
    /// Bank transfer: how legal clients, who have accounts, pay.
    pub fn new(today: NaiveDate) -> PaymentDraft {
        PaymentDraft {
            amount: String::new(),
            method: PaymentMethod::Bank,
            day: today.to_string(),
            reference: String::new(),
        }
    }

    pub fn to_request(&self, t: &AccountTexts) -> Result<NewAccountMove, FieldError> {
        let amount =
            Money::parse_roubles(&self.amount).map_err(|e| at("amount", money_error(e, t)))?;
        if amount.0 == 0 {
            return Err(at("amount", t.not_zero));
        }
        Ok(NewAccountMove {
            kind: AccountMoveKind::Payment,
            amount: amount.0,
            method: Some(self.method),
            day: optional(&self.day),
            reference: optional(&self.reference),
            reason: None,
        })
    }
}

/// A correction or the opening balance, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionDraft {
    /// `Adjustment` or `Opening`.
    pub kind: AccountMoveKind,
    /// Signed roubles: + the client owes more.
    pub amount: String,
    pub day: String,
    pub reason: String,
}

impl CorrectionDraft {
    pub fn new(today: NaiveDate) -> CorrectionDraft {
        CorrectionDraft {
            kind: AccountMoveKind::Adjustment,
            amount: String::new(),
            day: today.to_string(),
            reason: String::new(),
        }
    }

    pub fn to_request(&self, t: &AccountTexts) -> Result<NewAccountMove, FieldError> {
        let amount = signed_roubles(&self.amount).map_err(|e| at("amount", money_error(e, t)))?;
        if amount.0 == 0 {
            return Err(at("amount", t.money_format));
        }
        let reason = optional(&self.reason);
        if reason.is_none() && self.kind == AccountMoveKind::Adjustment {
            return Err(at("reason", t.required));
        }
        Ok(NewAccountMove {
            kind: self.kind,
            amount: amount.0,
            method: None,
            day: optional(&self.day),
            reference: None,
            reason,
        })
    }
}

/// The contract's terms, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContractDraft {
    pub number: String,
    pub date: String,
    pub payment_days: String,
    /// Roubles; empty: no limit.
    pub credit_limit: String,
    /// YYYY-MM-DD; empty: no allowance.
    pub allowed_until: String,
}

impl ContractDraft {
    /// The contract as it is (a new one: today's date, no deferment).
    pub fn of(c: Option<&Contract>, today: NaiveDate, comma: bool) -> ContractDraft {
        match c {
            Some(c) => ContractDraft {
                number: c.number.clone(),
                date: c.date.clone(),
                payment_days: c.payment_days.to_string(),
                credit_limit: c
                    .credit_limit
                    .map(|l| l.roubles_input(comma))
                    .unwrap_or_default(),
                allowed_until: c.allowed_until.clone().unwrap_or_default(),
            },
            None => ContractDraft {
                date: today.to_string(),
                payment_days: "0".into(),
                ..Default::default()
            },
        }
    }

    /// The contract changed under the form (another manager saved it): the
    /// fields not typed into since `old` (what the form started from) take
    /// the new terms, typed ones stay.
    pub fn rebased(&self, old: &ContractDraft, new: &ContractDraft) -> ContractDraft {
        let pick = |mine: &String, was: &String, now: &String| {
            if mine == was {
                now.clone()
            } else {
                mine.clone()
            }
        };
        ContractDraft {
            number: pick(&self.number, &old.number, &new.number),
            date: pick(&self.date, &old.date, &new.date),
            payment_days: pick(&self.payment_days, &old.payment_days, &new.payment_days),
            credit_limit: pick(&self.credit_limit, &old.credit_limit, &new.credit_limit),
            allowed_until: pick(&self.allowed_until, &old.allowed_until, &new.allowed_until),
        }
    }

    /// The request at the client's `version`, or every problem at its field.
    pub fn to_request(
        &self,
        version: i64,
        t: &AccountTexts,
    ) -> Result<PutContract, Vec<FieldError>> {
        let mut errors = vec![];
        if self.number.trim().is_empty() {
            errors.push(at("number", t.required));
        }
        if self.date.trim().is_empty() {
            errors.push(at("date", t.required));
        }
        let days = match self.payment_days.trim() {
            "" => Some(0),
            d => d.parse::<i64>().ok().filter(|d| (0..=365).contains(d)),
        };
        if days.is_none() {
            errors.push(at("payment_days", t.days_format));
        }
        let limit = match self.credit_limit.trim() {
            "" => Ok(None),
            l => Money::parse_roubles(l).map(|m| Some(m.0)),
        };
        if let Err(e) = limit {
            errors.push(at("credit_limit", money_error(e, t)));
        }
        match (days, limit) {
            (Some(payment_days), Ok(credit_limit)) if errors.is_empty() => Ok(PutContract {
                version: Some(version),
                number: self.number.trim().to_string(),
                date: self.date.trim().to_string(),
                payment_days,
                credit_limit,
                allowed_until: optional(&self.allowed_until),
            }),
            _ => Err(errors),
        }
    }
}

/// Whether a new order adding `extra` (its goods and deposit) for the card's
/// client needs a manager's allowance today.
pub fn order_hold(card: &ClientCard, extra: Money, today: NaiveDate) -> Option<CreditHold> {
    rodnik_shared::account::hold(&card.account, card.client.kind, extra, today)
}

/// A manager's allowance in force today: its last day and who gave it.
pub fn allowance(c: &Contract, today: NaiveDate) -> Option<(&str, Option<&str>)> {
    let until = c.allowed_until.as_deref()?;
    let day = crate::clock::parse_date(until)?;
    (day >= today).then_some((until, c.allowed_by.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{account::texts, Lang};
    use rodnik_shared::api::AccountSummary;
    use rodnik_shared::ClientKind;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day")
    }

    #[test]
    fn a_payment_is_typed_in_roubles_and_sent_in_kopecks() {
        let t = texts(Lang::Ru);
        let mut d = PaymentDraft::new(day("2026-12-04"));
        assert_eq!(d.to_request(t), Err(at("amount", t.required)));
        d.amount = "двенадцать".into();
        assert_eq!(d.to_request(t).map_err(|e| e.0), Err("amount".into()));
        d.amount = "0".into();
        assert_eq!(d.to_request(t), Err(at("amount", t.not_zero)));
        d.amount = "12 400,50".into();
        d.reference = "  п/п 17 от 01.12.2026 ".into();
        let r = d.to_request(t).expect("a payment");
        assert_eq!(
            (
                r.kind,
                r.amount,
                r.method,
                r.day.as_deref(),
                r.reference.as_deref()
            ),
            (
                AccountMoveKind::Payment,
                1_240_050,
                Some(PaymentMethod::Bank),
                Some("2026-12-04"),
                Some("п/п 17 от 01.12.2026")
            )
        );
        assert_eq!(r.reason, None);
    }

    #[test]
    fn a_correction_is_signed_and_needs_its_reason() {
        let t = texts(Lang::Ru);
        assert_eq!(signed_roubles("−1 500"), Ok(Money(-150_000)));
        assert_eq!(signed_roubles("+200,5"), Ok(Money(20_050)));
        assert_eq!(signed_roubles(" -0,01"), Ok(Money(-1)));
        assert_eq!(signed_roubles("--1"), Err(MoneyError::Negative));
        let mut d = CorrectionDraft::new(day("2026-12-04"));
        d.amount = "-300".into();
        assert_eq!(d.to_request(t), Err(at("reason", t.required)));
        d.reason = "скидка по акции".into();
        let r = d.to_request(t).expect("a correction");
        assert_eq!(
            (r.kind, r.amount, r.method),
            (AccountMoveKind::Adjustment, -30_000, None)
        );
        // An opening balance needs no reason.
        d.kind = AccountMoveKind::Opening;
        d.reason.clear();
        d.amount = "5000".into();
        assert_eq!(
            d.to_request(t).map(|r| (r.amount, r.reason)),
            Ok((500_000, None))
        );
    }

    #[test]
    fn the_contract_form_reads_its_terms_or_says_what_is_wrong() {
        let t = texts(Lang::En);
        let today = day("2026-12-04");
        let mut d = ContractDraft::of(None, today, false);
        assert_eq!(
            (d.date.as_str(), d.payment_days.as_str()),
            ("2026-12-04", "0")
        );
        d.payment_days = "400".into();
        d.credit_limit = "twenty".into();
        let fields: Vec<String> = d
            .to_request(3, t)
            .expect_err("refused")
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["number", "payment_days", "credit_limit"]);
        d.number = " 17/2026 ".into();
        d.payment_days = "10".into();
        d.credit_limit = "20 000".into();
        let r = d.to_request(3, t).expect("terms");
        assert_eq!(
            (
                r.version,
                r.number.as_str(),
                r.payment_days,
                r.credit_limit,
                r.allowed_until
            ),
            (Some(3), "17/2026", 10, Some(2_000_000), None)
        );
        // Back from the contract as stored: the same terms.
        let c = Contract {
            number: "17/2026".into(),
            date: "2026-01-10".into(),
            payment_days: 10,
            credit_limit: Some(Money(2_000_050)),
            allowed_until: Some("2026-12-10".into()),
            allowed_by: Some("Маша".into()),
        };
        let back = ContractDraft::of(Some(&c), today, true);
        assert_eq!(back.credit_limit, "20000,50");
        let r = back.to_request(4, t).expect("terms");
        assert_eq!(
            (r.credit_limit, r.allowed_until.as_deref()),
            (Some(2_000_050), Some("2026-12-10"))
        );
        // An empty limit is no limit.
        let mut none = back.clone();
        none.credit_limit = " ".into();
        assert_eq!(none.to_request(4, t).map(|r| r.credit_limit), Ok(None));
        assert_eq!(allowance(&c, today), Some(("2026-12-10", Some("Маша"))));
        // Another manager changed the deferment while this one typed a limit.
        let mut typed = back.clone();
        typed.credit_limit = "30 000".into();
        let mut theirs = c.clone();
        theirs.payment_days = 15;
        let now = ContractDraft::of(Some(&theirs), today, true);
        let merged = typed.rebased(&back, &now);
        assert_eq!(
            (
                merged.payment_days.as_str(),
                merged.credit_limit.as_str(),
                merged.number.as_str()
            ),
            ("15", "30 000", "17/2026")
        );
        assert_eq!(allowance(&c, day("2026-12-11")), None);
    }

    #[test]
    fn an_order_is_held_as_the_server_would_hold_it() {
        let mut card: ClientCard = serde_json::from_value(serde_json::json!({
            "id": "c1", "kind": "legal", "name": "ООО Ромашка", "phones": [], "addresses": [], "bottles_held": 0,
            "active_orders": [], "recent_orders": []
        }))
        .expect("a card");
        let today = day("2026-12-04");
        assert_eq!(
            order_hold(&card, Money(1_000_000), today),
            None,
            "no contract"
        );
        card.account = AccountSummary {
            balance: Money(1_500_000),
            open_orders: Money(400_000),
            contract: Some(Contract {
                credit_limit: Some(Money(2_000_000)),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            order_hold(&card, Money(100_000), today),
            None,
            "at the limit"
        );
        assert_eq!(
            order_hold(&card, Money(100_001), today),
            Some(CreditHold::OverLimit)
        );
        card.account.overdue = Money(1);
        assert_eq!(
            order_hold(&card, Money(0), today),
            Some(CreditHold::Overdue)
        );
        card.client.kind = ClientKind::Individual;
        assert_eq!(
            order_hold(&card, Money(100_001), today),
            None,
            "individuals pay at the door"
        );
    }
}

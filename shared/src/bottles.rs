//! The bottle rules (issue 19), one place for the server, the order form and
//! the courier app: what a delivery exchanges, what the courier should bring
//! back, and the deposit (залог за тару) a client owes for bottles kept
//! beyond the company's free ones.
//!
//! A delivery of `full` bottles takes back as many empties as the client
//! has, up to `full` (the exchange). After it the client holds
//! `held - exchange + full`. The bottles the delivery adds to what the
//! client held need a deposit as far as they exceed the free ones plus
//! those deposits already cover: bottles a client held before (say, before
//! the company began taking deposits) are not charged on their next order;
//! they show among the bottle debtors instead. A refund (negative deposit bottles) is
//! the operator's choice: those bottles come back on the stop besides the
//! exchange, and their deposit is paid back.

use crate::api::{BottleSettings, OrderDeposit};
use crate::validate::optional_text;
use crate::values::{ClientKind, FieldError, Money};

/// The most bottles one deposit line may name, either way.
pub const MAX_DEPOSIT_BOTTLES: i64 = 10_000;

/// Empties a delivery of `full` takes back in exchange from a client
/// holding `held`.
pub fn exchange(held: i64, full: i64) -> i64 {
    full.max(0).min(held.max(0))
}

/// Bottles the client holds after a delivery of `full` with the exchange.
pub fn held_after(held: i64, full: i64) -> i64 {
    held.max(0) - exchange(held, full) + full.max(0)
}

/// Deposit bottles the rule asks for: the bottles the delivery adds to
/// those held, as far as the client then holds more than `free` plus those
/// deposits cover; never negative.
pub fn deposit_rule(held: i64, covered: i64, free: i64, full: i64) -> i64 {
    let after = held_after(held, full);
    let added = after - held.max(0);
    let beyond = after - free.max(0) - covered.max(0);
    added.min(beyond).max(0)
}

/// Empties the courier should bring back from the stop: the exchange plus
/// the bottles whose deposit the order pays back.
pub fn empties_expected(held: i64, full: i64, deposit_bottles: i64) -> i64 {
    (exchange(held, full) + (-deposit_bottles).max(0)).min(held.max(0))
}

/// Where a client's bottles stand when an order is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub kind: ClientKind,
    pub held: i64,
    pub covered: i64,
}

/// The order's deposit line: the rule's, or the operator's `asked` bottles
/// with a `reason` when they differ. `None`: no deposit and none asked by
/// the rule. Refunds are bounded by the deposits held and the bottles the
/// client will still have at the door.
pub fn plan_deposit(
    settings: &BottleSettings,
    client: Standing,
    full: i64,
    asked: Option<i64>,
    reason: Option<&str>,
) -> Result<Option<OrderDeposit>, FieldError> {
    let price = settings.deposit_price;
    let rule = if price.0 > 0 {
        deposit_rule(
            client.held,
            client.covered,
            settings.free_for(client.kind),
            full,
        )
    } else {
        0
    };
    let bottles = asked.unwrap_or(rule);
    if !(-MAX_DEPOSIT_BOTTLES..=MAX_DEPOSIT_BOTTLES).contains(&bottles) {
        return Err(FieldError::new(
            "deposit_bottles",
            format!("must be between -{MAX_DEPOSIT_BOTTLES} and {MAX_DEPOSIT_BOTTLES}"),
        ));
    }
    let reason = optional_text(reason, "deposit_reason")?;
    if bottles != rule && reason.is_none() {
        return Err(FieldError::new(
            "deposit_reason",
            format!("is required: the rule asks a deposit for {rule} bottles, say why not"),
        ));
    }
    if bottles != 0 && price.0 <= 0 {
        return Err(FieldError::new(
            "deposit_bottles",
            "the company takes no deposits: set the deposit price in the bottle settings",
        ));
    }
    if bottles < 0 {
        let back = -bottles;
        if back > client.covered.max(0) {
            return Err(FieldError::new(
                "deposit_bottles",
                format!(
                    "deposits cover {} bottles: no more can be paid back",
                    client.covered.max(0)
                ),
            ));
        }
        let spare = client.held.max(0) - exchange(client.held, full);
        if back > spare {
            return Err(FieldError::new(
                "deposit_bottles",
                format!("the client will have {spare} bottles to give back besides the exchange"),
            ));
        }
    }
    if bottles == 0 && rule == 0 {
        return Ok(None);
    }
    Ok(Some(OrderDeposit {
        bottles,
        price,
        amount: Money(price.0.saturating_mul(bottles)),
        rule,
        reason: if bottles == rule { None } else { reason },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(price: i64, free_individual: u32, free_legal: u32) -> BottleSettings {
        BottleSettings {
            deposit_price: Money(price),
            free_individual,
            free_legal,
            ..BottleSettings::default()
        }
    }

    fn individual(held: i64, covered: i64) -> Standing {
        Standing {
            kind: ClientKind::Individual,
            held,
            covered,
        }
    }

    #[test]
    fn a_delivery_exchanges_what_the_client_has() {
        assert_eq!(exchange(0, 2), 0);
        assert_eq!(exchange(5, 2), 2);
        assert_eq!(exchange(1, 3), 1);
        assert_eq!(held_after(1, 3), 3);
        assert_eq!(held_after(5, 2), 5);
        // A ledger gone negative counts as none.
        assert_eq!(held_after(-2, 2), 2);
        assert_eq!(empties_expected(5, 2, -2), 4);
        assert_eq!(empties_expected(3, 2, -5), 3);
    }

    #[test]
    fn a_new_individual_pays_for_every_bottle_a_contract_client_gets_some_free() {
        let s = settings(30_000, 0, 4);
        let d = plan_deposit(&s, individual(0, 0), 2, None, None)
            .unwrap()
            .unwrap();
        assert_eq!((d.bottles, d.amount, d.rule), (2, Money(60_000), 2));
        // The second order exchanges: nothing more.
        assert_eq!(plan_deposit(&s, individual(2, 2), 2, None, None), Ok(None));
        // A bigger one: one more bottle stays.
        let d = plan_deposit(&s, individual(2, 2), 3, None, None)
            .unwrap()
            .unwrap();
        assert_eq!(d.bottles, 1);
        let legal = Standing {
            kind: ClientKind::Legal,
            held: 0,
            covered: 0,
        };
        let d = plan_deposit(&s, legal, 6, None, None).unwrap().unwrap();
        assert_eq!((d.bottles, d.rule), (2, 2));
        // Bottles held from before are not charged on the next order.
        assert_eq!(plan_deposit(&s, individual(10, 0), 2, None, None), Ok(None));
        let d = plan_deposit(&s, individual(1, 0), 3, None, None)
            .unwrap()
            .unwrap();
        assert_eq!(d.bottles, 2);
        // No deposit price: no deposits at all.
        assert_eq!(
            plan_deposit(&settings(0, 0, 0), individual(0, 0), 6, None, None),
            Ok(None)
        );
    }

    #[test]
    fn an_override_needs_a_reason_and_a_refund_its_bottles() {
        let s = settings(30_000, 0, 0);
        let e = plan_deposit(&s, individual(0, 0), 2, Some(0), None).unwrap_err();
        assert_eq!(e.field, "deposit_reason");
        let d = plan_deposit(&s, individual(0, 0), 2, Some(0), Some("свои бутыли"))
            .unwrap()
            .unwrap();
        assert_eq!((d.bottles, d.amount, d.rule), (0, Money(0), 2));
        assert_eq!(d.reason.as_deref(), Some("свои бутыли"));
        // Paying back 2 of 3 covered, the client keeping 1 of their 3.
        let d = plan_deposit(&s, individual(3, 3), 0, Some(-2), Some("отказ от воды"))
            .unwrap()
            .unwrap();
        assert_eq!(d.amount, Money(-60_000));
        // Not more than deposits cover, nor more than the client has.
        let e = plan_deposit(&s, individual(3, 1), 0, Some(-2), Some("x")).unwrap_err();
        assert_eq!(e.field, "deposit_bottles");
        let e = plan_deposit(&s, individual(3, 3), 2, Some(-2), Some("x")).unwrap_err();
        assert!(e.message.contains('1'), "{e:?}");
        let e = plan_deposit(&s, individual(0, 0), 0, Some(i64::MIN), Some("x")).unwrap_err();
        assert_eq!(e.field, "deposit_bottles");
    }
}

//! The courier's day on this device: the route snapshot (kept in localStorage
//! with the time it was fetched, so the route reads with no connection), the
//! queue of closes waiting to reach the server, the stops this device failed
//! (a failed stop leaves the route, so the server no longer lists it), the
//! conflicts the server answered with, and notes of what changed live.
//!
//! The queue's rules: one `Idempotency-Key` per close, made when the courier
//! confirms it and kept (in localStorage) across retries and reloads, so the
//! server applies each close at most once. Nothing is sent during the grace
//! period (`GRACE_MS`), when Undo simply drops the close. A refusal (404, 403,
//! 409, 422) is final: the close leaves the queue and becomes a conflict the
//! courier reads on screen. No answer at all keeps it queued, retried with
//! backoff and whenever the connection comes back.
//!
//! Clocks are passed in (`now`, ms since the epoch) so the reducer runs on the host.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use rodnik_shared::api::{
    DoorPayment, Eta, Order, OrderLine, PaymentMethod, PaymentQrSettings, Product, Reason,
    ReasonKind, Route,
};
use rodnik_shared::{Money, OrderState, Qty, TimeWindow};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

/// How long a close waits on the device, undoable, before it is sent.
pub const GRACE_MS: f64 = 10_000.0;
const FIRST_RETRY_MS: f64 = 2_000.0;
const MAX_RETRY_MS: f64 = 30_000.0;
/// Notes beyond this many push the oldest out.
const MAX_NOTES: usize = 5;
/// The stored form's version: a different one is ignored rather than misread.
const STORED_VERSION: u32 = 1;

/// What the courier reports for a stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Close {
    Delivered {
        /// Kopecks.
        cash_collected: i64,
        empties_returned: u32,
        /// Why fewer empties came back than the stop expected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        empties_note: Option<String>,
        /// What was delivered instead of the order's lines, priced on the
        /// device (the server prices it again); `None`: as ordered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lines: Option<Vec<OrderLine>>,
        /// Paid by card or SBP besides the cash (absent in queues saved
        /// before the app took them: none).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        payments: Vec<DoorPayment>,
    },
    Failed {
        reason: String,
        /// From the company's list; `None`: typed.
        #[serde(default)]
        reason_id: Option<String>,
    },
    /// Moved at the door to another window (the same day) or another day.
    Moved {
        date: String,
        window: Option<TimeWindow>,
        reason: String,
        #[serde(default)]
        reason_id: Option<String>,
    },
}

/// A close on its way to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedClose {
    /// The `Idempotency-Key` of every attempt to send it.
    pub key: String,
    pub order_id: String,
    /// The stop as the courier saw it when closing it.
    pub order: Order,
    pub expected_version: i64,
    pub close: Close,
    /// The device's time of the close (RFC 3339): what the server records.
    pub at: String,
    /// Nothing is sent before this (ms since the epoch): the undo window.
    pub send_after: f64,
    #[serde(default)]
    pub attempts: u32,
    /// The next attempt after a failed one (ms since the epoch).
    #[serde(default)]
    pub next_try: f64,
    /// A request is out; a reload forgets it (the key makes a resend safe).
    #[serde(skip)]
    pub in_flight: bool,
    #[serde(default)]
    pub last_error: Option<String>,
}

impl QueuedClose {
    /// Undo is possible until the first attempt to send it.
    pub fn undoable(&self, now: f64) -> bool {
        !self.in_flight && self.attempts == 0 && now < self.send_after
    }

    pub fn due(&self, now: f64) -> bool {
        !self.in_flight && now >= self.send_after && now >= self.next_try
    }

    /// Whole seconds left to undo, for the countdown.
    pub fn seconds_left(&self, now: f64) -> u32 {
        let left = ((self.send_after - now) / 1000.0).ceil();
        left.clamp(0.0, (GRACE_MS / 1000.0).ceil()) as u32
    }
}

/// A stop this device failed or moved to another day: it left today's route,
/// so the server no longer lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedStop {
    pub order: Order,
    pub reason: String,
    pub at: String,
    /// The day it was moved to (`None`: failed).
    #[serde(default)]
    pub moved_to: Option<String>,
}

/// Why the server refused a close, in the courier's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// 404 / 403: the stop is no longer on this courier's route (reassigned, recalled).
    NotYours,
    /// 409 `stale_version`: the dispatcher changed what was to be delivered.
    Changed,
    /// 409 `invalid_transition`: the stop was closed, recalled or cancelled meanwhile.
    AlreadyClosed,
    /// Anything else the server refused (422 and the like), with its message.
    Refused,
}

/// A close the server refused: shown until the courier dismisses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub key: String,
    pub order: Order,
    pub close: Close,
    pub kind: ConflictKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Added,
    Removed,
    Changed,
}

/// What changed on the route without the courier doing anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: u32,
    pub kind: NoteKind,
    pub order: Order,
}

/// What one attempt to send a close came to.
#[derive(Debug, Clone, PartialEq)]
pub enum SendResult {
    /// 2xx: the order as the server now has it (`None`: an unreadable body).
    Sent(Option<Box<Order>>),
    /// A non-2xx answer other than 401.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// A 409 `stale_version`, and the order as it is now (`None`: no longer
    /// visible). `new_key` is used if the close can be re-sent unchanged.
    Stale {
        current: Option<Box<Order>>,
        new_key: String,
    },
    /// No answer: the close stays queued.
    Unreachable(String),
}

/// What a refusal means for a queued close: `None` = try again later.
pub fn refusal_kind(status: u16, code: &str) -> Option<ConflictKind> {
    match (status, code) {
        (404 | 403, _) => Some(ConflictKind::NotYours),
        // Another attempt with this key is still running, or the order was busy.
        (409, "idempotency_key_in_use" | "busy") => None,
        (409, "stale_version") => Some(ConflictKind::Changed),
        (409, "invalid_transition") => Some(ConflictKind::AlreadyClosed),
        (408 | 429, _) => None,
        (500.., _) => None,
        _ => Some(ConflictKind::Refused),
    }
}

/// A live change remembered while a reload is in flight, replayed over its snapshot.
#[derive(Debug, Clone, PartialEq)]
enum LiveChange {
    Upsert(Box<Order>),
    Revoked(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CourierState {
    pub user_id: String,
    /// The route's day (`YYYY-MM-DD`, the company's), once one was loaded.
    pub date: Option<String>,
    /// The route in order: the server's snapshot kept current by the live
    /// channel, plus stops whose close is still queued.
    pub stops: Vec<Order>,
    /// When the snapshot was last fetched (ms since the epoch).
    pub fetched_at: Option<f64>,
    pub queue: Vec<QueuedClose>,
    pub failed: Vec<FailedStop>,
    pub conflicts: Vec<Conflict>,
    /// Client phones for stops whose address has no contact phone.
    pub phones: BTreeMap<String, Vec<String>>,
    /// The bottles each stop's client held when the route was fetched.
    pub held: BTreeMap<String, i64>,
    /// The price list (products on sale), for what a client takes at the door.
    pub products: Vec<Product>,
    /// Contract prices of the route's clients (product id → price).
    pub prices: BTreeMap<String, BTreeMap<String, Money>>,
    /// The company's reasons (fail, move), as last loaded.
    pub reasons: Vec<Reason>,
    /// The SBP link and bank details the close form's QR is made of, as
    /// last loaded (kept offline).
    pub qr: Option<PaymentQrSettings>,
    /// Tomorrow's route, read-only, and when it was fetched (ms since the epoch).
    pub tomorrow: Option<Route>,
    pub tomorrow_at: Option<f64>,
    /// The stops' expected arrivals as last answered (issue 21), and the
    /// route's day they were for: kept offline, never cleared by a failure.
    pub etas: Vec<Eta>,
    pub etas_date: Option<String>,
    pub notes: Vec<Note>,
    next_note: u32,
    pub loading: bool,
    load_id: u32,
    pub load_error: Option<String>,
    seen_while_loading: Vec<LiveChange>,
}

pub enum CourierAction {
    LoadStarted(u32),
    Loaded {
        id: u32,
        route: Route,
        now: f64,
    },
    LoadFailed(u32, String),
    /// `order.updated` on the live channel.
    Upsert(Box<Order>),
    /// `order.revoked`: the stop left this courier's route.
    Revoked(String),
    Close {
        order_id: String,
        close: Close,
        key: String,
        at: String,
        now: f64,
    },
    Undo {
        key: String,
        now: f64,
    },
    SendStarted(String),
    SendFinished {
        key: String,
        result: SendResult,
        now: f64,
    },
    /// The connection is back: everything past its grace period goes now.
    RetryNow(f64),
    Phones(String, Vec<String>),
    Products(Vec<Product>),
    Reasons(Vec<Reason>),
    QrSettings(PaymentQrSettings),
    Prices(String, BTreeMap<String, Money>),
    Tomorrow {
        route: Route,
        now: f64,
    },
    DismissNote(u32),
    DismissConflict(String),
    /// `GET /api/etas`: today's expected arrivals of this courier's stops.
    Etas(Vec<Eta>),
}

/// The day in numbers, counting queued closes as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub delivered: usize,
    pub failed: usize,
    /// Moved to another day.
    pub moved: usize,
    pub left: usize,
    pub cash: Money,
    pub empties: u32,
    /// Cash still to collect on the stops left.
    pub cash_due_left: Money,
    /// Closes not yet confirmed by the server.
    pub unsent: usize,
}

/// Cash the courier collects: individuals pay the total on delivery; legal
/// clients are invoiced monthly.
pub fn cash_due(o: &Order) -> Money {
    o.cash_due()
}

/// `qty` of a product for a stop at the door, priced as the server will: the
/// order's price for a product already on it, else the client's contract
/// price, else the list price. `None`: not in the price list.
pub fn price_at_door(
    order: &Order,
    products: &[Product],
    contract: &BTreeMap<String, Money>,
    product_id: &str,
    qty: u32,
) -> Option<OrderLine> {
    if let Some(l) = order.lines.iter().find(|l| l.product_id == product_id) {
        return Some(rodnik_shared::pricing::at_door(
            &order.lines,
            OrderLine { qty, ..l.clone() },
        ));
    }
    let qty = Qty::parse(i64::from(qty), "qty").ok()?;
    let p = products.iter().find(|p| p.id == product_id)?;
    let contract = contract.iter().map(|(k, v)| (k.clone(), *v)).collect();
    Some(rodnik_shared::pricing::order_line(p, qty, &contract))
}

/// How the client paid at the door, as picked in the close form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayWay {
    /// Cash only: the form as it always was.
    #[default]
    Cash,
    /// The courier's card terminal.
    Card,
    Sbp,
    /// Amounts per method.
    Split,
}

impl PayWay {
    pub const ALL: [PayWay; 4] = [PayWay::Cash, PayWay::Card, PayWay::Sbp, PayWay::Split];

    pub fn as_str(self) -> &'static str {
        match self {
            PayWay::Cash => "cash",
            PayWay::Card => "card",
            PayWay::Sbp => "sbp",
            PayWay::Split => "split",
        }
    }
}

/// What the courier typed for the payment (roubles, as typed; `None`:
/// untouched, the form's default applies).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PayDraft {
    pub way: PayWay,
    pub cash: Option<String>,
    pub card: Option<String>,
    pub sbp: Option<String>,
}

/// A field of the payment that does not read as roubles.
pub type PayField = &'static str;

fn roubles(v: &str, field: PayField) -> Result<Money, PayField> {
    Money::parse_roubles(v).map_err(|_| field)
}

/// An empty field of a split payment is nothing paid that way.
fn roubles_or_zero(v: &str, field: PayField) -> Result<Money, PayField> {
    if v.trim().is_empty() {
        Ok(Money::ZERO)
    } else {
        roubles(v, field)
    }
}

impl PayDraft {
    /// The text shown in each field: typed, else the default of the way
    /// picked. `due` is what the stop costs at the door (negative: the
    /// courier pays a deposit back, cash only). Cash alone, card alone and
    /// SBP alone start at the whole amount; split starts with card and SBP
    /// empty and the cash filling the rest while it is not typed.
    pub fn shown(&self, lang: crate::i18n::Lang, due: Money) -> (String, String, String) {
        let input = |m: Money| crate::money::input(lang, m);
        let way = self.effective(due);
        let card = self.card.clone().unwrap_or_else(|| match way {
            PayWay::Card => input(due),
            _ => String::new(),
        });
        let sbp = self.sbp.clone().unwrap_or_else(|| match way {
            PayWay::Sbp => input(due),
            _ => String::new(),
        });
        let cash = self.cash.clone().unwrap_or_else(|| match way {
            PayWay::Split => {
                let other = roubles_or_zero(&card, "card").unwrap_or(Money::ZERO)
                    + roubles_or_zero(&sbp, "sbp").unwrap_or(Money::ZERO);
                input(Money((due.0 - other.0).max(0)))
            }
            _ => input(Money(due.0.abs())),
        });
        (cash, card, sbp)
    }

    /// The SBP amount as it stands (typed or the default), when the way
    /// picked takes one and it reads as more than nothing: what the QR asks.
    pub fn sbp_amount(&self, lang: crate::i18n::Lang, due: Money) -> Option<Money> {
        if !matches!(self.effective(due), PayWay::Sbp | PayWay::Split) {
            return None;
        }
        let (_, _, sbp) = self.shown(lang, due);
        Money::parse_roubles(&sbp).ok().filter(|m| m.0 > 0)
    }

    /// The way that applies: a stop that pays back, or with nothing due, is cash only.
    pub fn effective(&self, due: Money) -> PayWay {
        if due.0 <= 0 {
            PayWay::Cash
        } else {
            self.way
        }
    }

    /// The cash collected (kopecks, negative when paid back) and the card /
    /// SBP payments, or the field that does not read.
    pub fn read(
        &self,
        lang: crate::i18n::Lang,
        due: Money,
    ) -> Result<(i64, Vec<DoorPayment>), PayField> {
        let (cash, card, sbp) = self.shown(lang, due);
        let one = |method, m: Money| {
            (m.0 > 0)
                .then_some(DoorPayment { method, amount: m })
                .into_iter()
                .collect::<Vec<_>>()
        };
        match self.effective(due) {
            PayWay::Cash => {
                let m = roubles(&cash, "cash_collected")?;
                Ok((if due.0 < 0 { -m.0 } else { m.0 }, vec![]))
            }
            PayWay::Card => Ok((0, one(PaymentMethod::Card, roubles(&card, "card")?))),
            PayWay::Sbp => Ok((0, one(PaymentMethod::Sbp, roubles(&sbp, "sbp")?))),
            PayWay::Split => {
                let cash = roubles_or_zero(&cash, "cash_collected")?;
                let mut payments = one(PaymentMethod::Card, roubles_or_zero(&card, "card")?);
                payments.extend(one(PaymentMethod::Sbp, roubles_or_zero(&sbp, "sbp")?));
                Ok((cash.0, payments))
            }
        }
    }
}

/// What stays owing on the client's account after a stop: due less the
/// cash and the card / SBP payments (never below zero).
pub fn debt_left(due: Money, cash: i64, payments: &[DoorPayment]) -> Money {
    let paid: i64 = cash + payments.iter().map(|p| p.amount.0).sum::<i64>();
    Money((due.0 - paid).max(0))
}

/// The card and SBP amounts of a stop: (card, sbp).
pub fn by_method(payments: &[DoorPayment]) -> (Money, Money) {
    let sum = |m: PaymentMethod| {
        payments
            .iter()
            .filter(|p| p.method == m)
            .map(|p| p.amount)
            .sum()
    };
    (sum(PaymentMethod::Card), sum(PaymentMethod::Sbp))
}

/// The day's cash to hand in, as the server's handover counts it: per
/// delivered stop the cash due after card and SBP, the cash collected, and
/// the card and SBP taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CashTotals {
    pub due: Money,
    pub collected: Money,
    pub card: Money,
    pub sbp: Money,
}

pub fn cash_totals<'a>(delivered: impl IntoIterator<Item = &'a Order>) -> CashTotals {
    let mut t = CashTotals::default();
    for o in delivered {
        let (card, sbp) = by_method(&o.payments);
        t.due = t.due + o.cash_due_in_cash();
        t.collected = t.collected + o.cash_collected.unwrap_or(Money::ZERO);
        t.card = t.card + card;
        t.sbp = t.sbp + sbp;
    }
    t
}

/// Whether two copies of a stop differ in what the courier delivers or where.
fn material_change(a: &Order, b: &Order) -> bool {
    a.lines != b.lines
        || a.total != b.total
        || a.address != b.address
        || a.client_id != b.client_id
        || a.window != b.window
        || a.note != b.note
}

/// Whether a close made on `seen` still fits `now`: the same stop, still to deliver.
fn same_stop(seen: &Order, now: &Order, user_id: &str) -> bool {
    now.state == OrderState::Delivery
        && now.courier_id.as_deref() == Some(user_id)
        && now.delivery_date == seen.delivery_date
        && now.lines == seen.lines
        && now.total == seen.total
        && now.address.id == seen.address.id
        && now.client_id == seen.client_id
}

fn backoff(attempts: u32) -> f64 {
    let exp = attempts.saturating_sub(1).min(10);
    (FIRST_RETRY_MS * f64::from(1u32 << exp)).min(MAX_RETRY_MS)
}

impl CourierState {
    pub fn new(user_id: &str) -> Self {
        CourierState {
            user_id: user_id.to_string(),
            loading: true,
            ..Default::default()
        }
    }

    pub fn stop(&self, id: &str) -> Option<&Order> {
        self.stops.iter().find(|o| o.id == id)
    }

    /// The close of this stop waiting to reach the server, if any.
    pub fn queued(&self, order_id: &str) -> Option<&QueuedClose> {
        self.queue.iter().find(|q| q.order_id == order_id)
    }

    #[cfg(test)]
    fn due(&self, now: f64) -> Vec<QueuedClose> {
        self.queue.iter().filter(|q| q.due(now)).cloned().collect()
    }

    /// Closes past their grace period that the server has not confirmed.
    pub fn waiting(&self, now: f64) -> usize {
        self.queue.iter().filter(|q| !q.undoable(now)).count()
    }

    fn in_conflict(&self, order_id: &str) -> bool {
        self.conflicts.iter().any(|c| c.order.id == order_id)
    }

    /// Clients of stops without a contact phone whose phones are not known yet.
    pub fn phones_missing(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .stops
            .iter()
            .filter(|o| {
                o.address.contact_phone.is_none() && !self.phones.contains_key(&o.client_id)
            })
            .map(|o| o.client_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    pub fn summary(&self) -> Summary {
        let moved = self.failed.iter().filter(|f| f.moved_to.is_some()).count();
        let mut s = Summary {
            failed: self.failed.len() - moved,
            moved,
            unsent: self.queue.len(),
            ..Default::default()
        };
        for o in &self.stops {
            match (self.queued(&o.id).map(|q| &q.close), o.state) {
                (
                    Some(Close::Delivered {
                        cash_collected,
                        empties_returned,
                        ..
                    }),
                    _,
                ) => {
                    s.delivered += 1;
                    s.cash = s.cash + Money(*cash_collected);
                    s.empties += empties_returned;
                }
                (Some(Close::Failed { .. }), _) => s.failed += 1,
                (Some(Close::Moved { date, .. }), _) if *date != o.delivery_date => s.moved += 1,
                (None, OrderState::Delivered) => {
                    s.delivered += 1;
                    s.cash = s.cash + o.cash_collected.unwrap_or(Money::ZERO);
                    s.empties += o.empties_returned.unwrap_or(0);
                }
                // Still to deliver (a later window the same day included).
                (_, _) => {
                    s.left += 1;
                    s.cash_due_left = s.cash_due_left + cash_due(o);
                }
            }
        }
        s
    }

    /// Clients of the route whose contract prices are not known yet.
    pub fn prices_missing(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .stops
            .iter()
            .filter(|o| o.state == OrderState::Delivery && !self.prices.contains_key(&o.client_id))
            .map(|o| o.client_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The company's active reasons of `kind`: as last loaded, else the
    /// defaults a company starts with (a phone that never had a connection).
    pub fn reasons_of(&self, kind: ReasonKind) -> Vec<Reason> {
        let all = match self.reasons.is_empty() {
            true => rodnik_shared::api::default_reasons(),
            false => self.reasons.clone(),
        };
        crate::api::reasons::of_kind(&all, kind)
    }

    /// The stops' expected arrivals as last answered for the route's day
    /// (issue 21): a stop closed or moved since has none.
    pub fn eta_marks(&self) -> std::collections::HashMap<String, crate::state::planning::EtaMark> {
        if self.etas_date.is_none() || self.etas_date != self.date {
            return Default::default();
        }
        let open: Vec<Order> = self
            .stops
            .iter()
            .filter(|o| self.queued(&o.id).is_none())
            .cloned()
            .collect();
        crate::state::planning::merge_etas(&open, &self.etas)
    }

    /// This client's contract prices, as far as they are known.
    pub fn contract(&self, client_id: &str) -> BTreeMap<String, Money> {
        self.prices.get(client_id).cloned().unwrap_or_default()
    }

    fn note(&mut self, kind: NoteKind, order: &Order) {
        self.next_note += 1;
        self.notes.push(Note {
            id: self.next_note,
            kind,
            order: order.clone(),
        });
        if self.notes.len() > MAX_NOTES {
            self.notes.remove(0);
        }
    }

    fn sort(&mut self) {
        self.stops.sort_by_key(|o| (o.route_pos, o.number));
    }

    fn belongs(&self, o: &Order) -> bool {
        self.date.as_deref() == Some(o.delivery_date.as_str())
            && o.state.is_on_route()
            && o.courier_id.as_deref() == Some(self.user_id.as_str())
    }

    /// Takes a stop off the screen, unless a close of it still waits for the
    /// server's answer (which decides what happened: ours, or a conflict).
    fn drop_stop(&mut self, id: &str, notify: bool) -> bool {
        if self.queued(id).is_some() {
            return false;
        }
        let Some(i) = self.stops.iter().position(|o| o.id == id) else {
            return false;
        };
        let gone = self.stops.remove(i);
        if notify && gone.state == OrderState::Delivery && !self.in_conflict(&gone.id) {
            self.note(NoteKind::Removed, &gone);
        }
        true
    }

    /// One live change; returns whether anything changed.
    fn apply_live(&mut self, change: LiveChange, notify: bool) -> bool {
        match change {
            LiveChange::Revoked(id) => self.drop_stop(&id, notify),
            LiveChange::Upsert(o) => {
                let o = *o;
                if self.date.is_none() {
                    return false;
                }
                let pos = self.stops.iter().position(|s| s.id == o.id);
                match (pos, self.belongs(&o)) {
                    (Some(i), true) => {
                        let old = &self.stops[i];
                        if old.version >= o.version {
                            return false;
                        }
                        if notify
                            && old.state == OrderState::Delivery
                            && o.state == OrderState::Delivery
                            && self.queued(&o.id).is_none()
                            && material_change(old, &o)
                        {
                            self.note(NoteKind::Changed, &o);
                        }
                        self.stops[i] = o;
                        self.sort();
                        true
                    }
                    (Some(_), false) => self.drop_stop(&o.id, notify),
                    (None, true) => {
                        if notify && o.state == OrderState::Delivery {
                            self.note(NoteKind::Added, &o);
                        }
                        self.failed.retain(|f| f.order.id != o.id);
                        self.stops.push(o);
                        self.sort();
                        true
                    }
                    (None, false) => false,
                }
            }
        }
    }

    /// A fresh snapshot of the route, merged with what only this device knows.
    fn load(&mut self, route: Route, now: f64) {
        let same_day =
            self.date.as_deref() == Some(route.date.as_str()) && self.fetched_at.is_some();
        let old = std::mem::take(&mut self.stops);
        let mut stops = route.stops;
        stops.retain(|o| o.state.is_on_route());
        for s in &mut stops {
            // A live copy newer than the snapshot wins.
            if let Some(o) = old.iter().find(|o| o.id == s.id && o.version > s.version) {
                *s = o.clone();
            }
        }
        for o in &old {
            if !stops.iter().any(|s| s.id == o.id) && self.queued(&o.id).is_some() {
                stops.push(o.clone());
            }
        }
        self.date = Some(route.date.clone());
        self.held = route.bottles_held.clone();
        self.stops = stops;
        self.sort();
        // Live changes seen during the load were noted when they came.
        for change in std::mem::take(&mut self.seen_while_loading) {
            self.apply_live(change, false);
        }
        let stops = &self.stops;
        self.failed.retain(|f| {
            f.order.delivery_date == route.date && !stops.iter().any(|s| s.id == f.order.id)
        });
        self.fetched_at = Some(now);
        if same_day {
            self.note_differences(&old);
        }
        let clients: Vec<String> = self.stops.iter().map(|o| o.client_id.clone()).collect();
        self.phones.retain(|client, _| clients.contains(client));
        self.prices.retain(|client, _| clients.contains(client));
    }

    /// Notes what a reload changed on screen (what happened while away).
    fn note_differences(&mut self, old: &[Order]) {
        let mut notes = vec![];
        for o in &self.stops {
            match old.iter().find(|x| x.id == o.id) {
                None if o.state == OrderState::Delivery => notes.push((NoteKind::Added, o.clone())),
                Some(x)
                    if x.state == OrderState::Delivery
                        && o.state == OrderState::Delivery
                        && self.queued(&o.id).is_none()
                        && material_change(x, o) =>
                {
                    notes.push((NoteKind::Changed, o.clone()))
                }
                _ => {}
            }
        }
        for x in old {
            // A refused close already says the stop is gone.
            if x.state == OrderState::Delivery
                && !self.stops.iter().any(|o| o.id == x.id)
                && !self.in_conflict(&x.id)
            {
                notes.push((NoteKind::Removed, x.clone()));
            }
        }
        for (kind, o) in notes {
            self.note(kind, &o);
        }
    }

    /// The server's answer to a close: the stop as it is now.
    fn closed(&mut self, q: &QueuedClose, order: Order) {
        self.conflicts.retain(|c| c.order.id != order.id);
        let pos = self.stops.iter().position(|o| o.id == order.id);
        match order.state {
            OrderState::Delivered => match pos {
                Some(i) if self.stops[i].version < order.version => self.stops[i] = order,
                Some(_) => {}
                None => {
                    self.stops.push(order);
                    self.sort();
                }
            },
            // Moved to a later window: still on today's route.
            _ if self.belongs(&order) => match pos {
                Some(i) if self.stops[i].version < order.version => {
                    self.stops[i] = order;
                    self.sort();
                }
                Some(_) => {}
                None => {
                    self.stops.push(order);
                    self.sort();
                }
            },
            _ => {
                if let Some(i) = pos {
                    self.stops.remove(i);
                }
                let (reason, moved_to) = match &q.close {
                    Close::Failed { reason, .. } => (reason.clone(), None),
                    Close::Moved { reason, date, .. } => (reason.clone(), Some(date.clone())),
                    Close::Delivered { .. } => return,
                };
                self.failed.retain(|f| f.order.id != order.id);
                // A stop moved to another day is listed as it was today.
                let order = match moved_to {
                    Some(_) => q.order.clone(),
                    None => order,
                };
                self.failed.push(FailedStop {
                    order,
                    reason,
                    at: q.at.clone(),
                    moved_to,
                });
            }
        }
    }

    fn conflict(&mut self, q: QueuedClose, kind: ConflictKind, message: String) {
        self.conflicts.retain(|c| c.order.id != q.order_id);
        self.conflicts.push(Conflict {
            key: q.key,
            order: q.order,
            close: q.close,
            kind,
            message,
        });
    }

    fn finish(&mut self, key: &str, result: SendResult, now: f64) -> bool {
        let Some(i) = self.queue.iter().position(|q| q.key == key) else {
            return false;
        };
        match result {
            SendResult::Sent(order) => {
                let q = self.queue.remove(i);
                if let Some(order) = order {
                    self.closed(&q, *order);
                }
            }
            SendResult::Refused {
                status,
                code,
                message,
            } => match refusal_kind(status, &code) {
                Some(kind) => {
                    let q = self.queue.remove(i);
                    self.conflict(q, kind, message);
                }
                None => self.retry_later(i, message, now),
            },
            SendResult::Stale { current, new_key } => {
                let fits = current
                    .as_deref()
                    .is_some_and(|c| same_stop(&self.queue[i].order, c, &self.user_id));
                match current {
                    // Only the route order, the window or the note changed:
                    // the same close, for the order's new version. The old key's
                    // answer is a stored 409, so a new key cannot apply it twice.
                    Some(c) if fits => {
                        let q = &mut self.queue[i];
                        q.key = new_key;
                        q.expected_version = c.version;
                        q.order = (*c).clone();
                        q.attempts = 0;
                        q.next_try = now;
                        q.in_flight = false;
                        if let Some(s) = self.stops.iter_mut().find(|s| s.id == c.id) {
                            if s.version < c.version {
                                *s = *c;
                            }
                        }
                        self.sort();
                    }
                    Some(c) => {
                        let q = self.queue.remove(i);
                        let kind = match c.state {
                            OrderState::Delivery
                                if c.courier_id.as_deref() == Some(self.user_id.as_str()) =>
                            {
                                ConflictKind::Changed
                            }
                            OrderState::Delivery => ConflictKind::NotYours,
                            _ => ConflictKind::AlreadyClosed,
                        };
                        self.conflict(q, kind, String::new());
                    }
                    None => {
                        let q = self.queue.remove(i);
                        self.conflict(q, ConflictKind::NotYours, String::new());
                    }
                }
            }
            SendResult::Unreachable(e) => self.retry_later(i, e, now),
        }
        true
    }

    fn retry_later(&mut self, i: usize, error: String, now: f64) {
        let q = &mut self.queue[i];
        q.in_flight = false;
        q.next_try = now + backoff(q.attempts);
        q.last_error = Some(error);
    }
}

impl Reducible for CourierState {
    type Action = CourierAction;

    fn reduce(self: Rc<Self>, action: CourierAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            CourierAction::LoadStarted(id) => {
                s.load_id = id;
                s.loading = true;
                s.seen_while_loading.clear();
            }
            CourierAction::Loaded { id, route, now } => {
                if id != s.load_id {
                    return self;
                }
                s.load(route, now);
                s.loading = false;
                s.load_error = None;
            }
            CourierAction::LoadFailed(id, e) => {
                if id != s.load_id {
                    return self;
                }
                s.loading = false;
                s.load_error = Some(e);
                s.seen_while_loading.clear();
            }
            CourierAction::Upsert(o) => {
                let change = LiveChange::Upsert(o);
                if s.loading {
                    s.seen_while_loading.push(change.clone());
                }
                if !s.apply_live(change, true) && !s.loading {
                    return self;
                }
            }
            CourierAction::Revoked(id) => {
                let change = LiveChange::Revoked(id);
                if s.loading {
                    s.seen_while_loading.push(change.clone());
                }
                if !s.apply_live(change, true) && !s.loading {
                    return self;
                }
            }
            CourierAction::Close {
                order_id,
                close,
                key,
                at,
                now,
            } => {
                if s.queued(&order_id).is_some() {
                    return self;
                }
                let Some(order) = s.stop(&order_id).cloned() else {
                    return self;
                };
                if order.state != OrderState::Delivery {
                    return self;
                }
                if let Close::Failed { reason, .. } | Close::Moved { reason, .. } = &close {
                    if reason.trim().is_empty() {
                        return self;
                    }
                }
                s.conflicts.retain(|c| c.order.id != order_id);
                s.queue.push(QueuedClose {
                    key,
                    order_id,
                    expected_version: order.version,
                    order,
                    close,
                    at,
                    send_after: now + GRACE_MS,
                    attempts: 0,
                    next_try: now + GRACE_MS,
                    in_flight: false,
                    last_error: None,
                });
            }
            CourierAction::Undo { key, now } => {
                let before = s.queue.len();
                s.queue.retain(|q| q.key != key || !q.undoable(now));
                if s.queue.len() == before {
                    return self;
                }
            }
            CourierAction::SendStarted(key) => {
                let Some(q) = s.queue.iter_mut().find(|q| q.key == key) else {
                    return self;
                };
                q.in_flight = true;
                q.attempts += 1;
            }
            CourierAction::SendFinished { key, result, now } => {
                if !s.finish(&key, result, now) {
                    return self;
                }
            }
            CourierAction::RetryNow(now) => {
                let mut changed = false;
                for q in s.queue.iter_mut() {
                    if !q.in_flight && now >= q.send_after && q.next_try > now {
                        q.next_try = now;
                        changed = true;
                    }
                }
                if !changed {
                    return self;
                }
            }
            CourierAction::Phones(client_id, phones) => {
                s.phones.insert(client_id, phones);
            }
            CourierAction::Products(products) => s.products = products,
            CourierAction::Reasons(reasons) => s.reasons = reasons,
            CourierAction::QrSettings(qr) => s.qr = Some(qr),
            CourierAction::Prices(client_id, prices) => {
                s.prices.insert(client_id, prices);
            }
            CourierAction::Tomorrow { route, now } => {
                s.tomorrow = Some(route);
                s.tomorrow_at = Some(now);
            }
            CourierAction::Etas(list) => {
                // The answer is today's: it counts for the route of today.
                s.etas = list;
                s.etas_date = s.date.clone();
            }
            CourierAction::DismissNote(id) => s.notes.retain(|n| n.id != id),
            CourierAction::DismissConflict(key) => s.conflicts.retain(|c| c.key != key),
        }
        if s == *self {
            self
        } else {
            Rc::new(s)
        }
    }
}

/// What survives a reload, in localStorage under `rodnik.courier.<user id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub v: u32,
    pub date: Option<String>,
    pub stops: Vec<Order>,
    pub fetched_at: Option<f64>,
    pub queue: Vec<QueuedClose>,
    pub failed: Vec<FailedStop>,
    pub conflicts: Vec<Conflict>,
    #[serde(default)]
    pub phones: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub products: Vec<Product>,
    #[serde(default)]
    pub prices: BTreeMap<String, BTreeMap<String, Money>>,
    #[serde(default)]
    pub reasons: Vec<Reason>,
    #[serde(default)]
    pub qr: Option<PaymentQrSettings>,
    #[serde(default)]
    pub tomorrow: Option<Route>,
    #[serde(default)]
    pub tomorrow_at: Option<f64>,
    #[serde(default)]
    pub etas: Vec<Eta>,
    #[serde(default)]
    pub etas_date: Option<String>,
}

impl CourierState {
    pub fn stored(&self) -> Stored {
        Stored {
            v: STORED_VERSION,
            date: self.date.clone(),
            stops: self.stops.clone(),
            fetched_at: self.fetched_at,
            queue: self.queue.clone(),
            failed: self.failed.clone(),
            conflicts: self.conflicts.clone(),
            phones: self.phones.clone(),
            products: self.products.clone(),
            prices: self.prices.clone(),
            reasons: self.reasons.clone(),
            qr: self.qr.clone(),
            tomorrow: self.tomorrow.clone(),
            tomorrow_at: self.tomorrow_at,
            etas: self.etas.clone(),
            etas_date: self.etas_date.clone(),
        }
    }

    pub fn from_stored(user_id: &str, s: Stored) -> Self {
        let mut state = CourierState::new(user_id);
        if s.v != STORED_VERSION {
            return state;
        }
        state.date = s.date;
        state.stops = s.stops;
        state.fetched_at = s.fetched_at;
        state.queue = s
            .queue
            .into_iter()
            .map(|q| QueuedClose {
                in_flight: false,
                ..q
            })
            .collect();
        state.failed = s.failed;
        state.conflicts = s.conflicts;
        state.phones = s.phones;
        state.products = s.products;
        state.prices = s.prices;
        state.reasons = s.reasons;
        state.qr = s.qr;
        state.tomorrow = s.tomorrow;
        state.tomorrow_at = s.tomorrow_at;
        state.etas = s.etas;
        state.etas_date = s.etas_date;
        state
    }

    pub fn storage_key(user_id: &str) -> String {
        format!("rodnik.courier.{user_id}")
    }

    /// The last visit's state of this courier on this device, if any.
    pub fn restore(user_id: &str) -> Self {
        match LocalStorage::get::<Stored>(Self::storage_key(user_id)) {
            Ok(s) => Self::from_stored(user_id, s),
            Err(_) => Self::new(user_id),
        }
    }

    pub fn persist(&self) {
        let _ = LocalStorage::set(Self::storage_key(&self.user_id), self.stored());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "u-kolya";
    const DAY: &str = "2025-11-27";

    fn order(id: &str, number: i64, pos: i64, version: i64) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "number": number, "state": "delivery", "version": version,
            "client_id": format!("c-{id}"), "client_name": "Ivanov", "client_kind": "individual",
            "address": {"id": "a1", "text": "Lenina 1", "label": null, "contact_name": "Anna",
                        "contact_phone": null, "lat": null, "lon": null},
            "lines": [{"product_id": "p1", "name": "Water 19 L", "kind": "water", "qty": 2,
                       "price": 25000, "amount": 50000, "returnable": true}],
            "total": 50000, "delivery_date": DAY, "window": {"from": "09:00", "to": "13:00"},
            "courier_id": ME, "courier_name": "Kolya", "created_by": "u1",
            "created_at": "2025-11-27T06:00:00Z", "updated_at": "2025-11-27T06:00:00Z",
            "attempts": [], "note": null, "call_id": null, "route_pos": pos,
            "cash_collected": null, "empties_returned": null, "delivered_at": null,
            "cancel_reason": null
        }))
        .expect("test order")
    }

    fn route(stops: Vec<Order>) -> Route {
        Route {
            courier_id: ME.into(),
            date: DAY.into(),
            stops,
            bottles_held: Default::default(),
        }
    }

    fn run(s: CourierState, actions: Vec<CourierAction>) -> CourierState {
        let mut s = Rc::new(s);
        for a in actions {
            s = s.reduce(a);
        }
        (*s).clone()
    }

    fn loaded(stops: Vec<Order>) -> CourierState {
        run(
            CourierState::new(ME),
            vec![
                CourierAction::LoadStarted(1),
                CourierAction::Loaded {
                    id: 1,
                    route: route(stops),
                    now: 1_000.0,
                },
            ],
        )
    }

    fn deliver(id: &str, key: &str, now: f64) -> CourierAction {
        CourierAction::Close {
            order_id: id.into(),
            close: Close::Delivered {
                cash_collected: 50000,
                empties_returned: 2,
                empties_note: None,
                lines: None,
                payments: vec![],
            },
            key: key.into(),
            at: "2025-11-27T10:00:00Z".into(),
            now,
        }
    }

    fn fail(id: &str, key: &str, now: f64) -> CourierAction {
        CourierAction::Close {
            order_id: id.into(),
            close: Close::Failed {
                reason: "Client absent".into(),
                reason_id: Some("absent".into()),
            },
            key: key.into(),
            at: "2025-11-27T10:00:00Z".into(),
            now,
        }
    }

    fn done(key: &str, result: SendResult, now: f64) -> CourierAction {
        CourierAction::SendFinished {
            key: key.into(),
            result,
            now,
        }
    }

    fn as_delivered(mut o: Order) -> Order {
        o.state = OrderState::Delivered;
        o.version += 1;
        o.cash_collected = Some(Money(50000));
        o.empties_returned = Some(2);
        o
    }

    fn ids(s: &CourierState) -> Vec<&str> {
        s.stops.iter().map(|o| o.id.as_str()).collect()
    }

    #[test]
    fn the_route_is_shown_in_route_order() {
        let s = loaded(vec![
            order("b", 2, 2, 1),
            order("a", 7, 1, 1),
            order("c", 1, 3, 1),
        ]);
        assert_eq!(ids(&s), ["a", "b", "c"]);
        assert_eq!(s.date.as_deref(), Some(DAY));
        assert_eq!(s.fetched_at, Some(1_000.0));
        assert!(s.notes.is_empty(), "a first load is not news");
    }

    #[test]
    fn a_close_waits_out_the_grace_period_and_undo_drops_it() {
        let s = run(
            loaded(vec![order("a", 1, 1, 1)]),
            vec![deliver("a", "k1", 0.0)],
        );
        let q = s.queued("a").expect("queued");
        assert_eq!((q.key.as_str(), q.expected_version), ("k1", 1));
        assert!(
            s.due(GRACE_MS - 1.0).is_empty(),
            "nothing goes out during the grace period"
        );
        assert_eq!(q.seconds_left(1_500.0), 9);
        assert_eq!(
            q.seconds_left(-400.0),
            10,
            "a clock read just before the close"
        );
        assert_eq!(q.seconds_left(GRACE_MS + 5.0), 0);
        let undone = run(
            s.clone(),
            vec![CourierAction::Undo {
                key: "k1".into(),
                now: 9_000.0,
            }],
        );
        assert!(undone.queue.is_empty());
        assert_eq!(undone.summary().left, 1);
        // After the grace period the close is due and undo does nothing.
        assert_eq!(s.due(GRACE_MS).len(), 1);
        let late = run(
            s,
            vec![CourierAction::Undo {
                key: "k1".into(),
                now: GRACE_MS + 1.0,
            }],
        );
        assert_eq!(late.queue.len(), 1);
    }

    #[test]
    fn a_second_close_of_the_same_stop_is_ignored() {
        let s = run(
            loaded(vec![order("a", 1, 1, 1)]),
            vec![deliver("a", "k1", 0.0), fail("a", "k2", 1.0)],
        );
        assert_eq!(s.queue.len(), 1);
        assert_eq!(s.queue[0].key, "k1");
    }

    #[test]
    fn network_errors_keep_the_close_with_its_key_and_back_off() {
        let t = GRACE_MS;
        let s = run(
            loaded(vec![order("a", 1, 1, 1)]),
            vec![
                deliver("a", "k1", 0.0),
                CourierAction::SendStarted("k1".into()),
            ],
        );
        assert!(s.due(t).is_empty(), "no second request while one is out");
        let s = run(
            s,
            vec![done("k1", SendResult::Unreachable("offline".into()), t)],
        );
        let q = s.queued("a").expect("still queued");
        assert_eq!((q.key.as_str(), q.attempts), ("k1", 1));
        assert!(s.due(t + 1.0).is_empty(), "backs off");
        assert_eq!(s.due(t + FIRST_RETRY_MS).len(), 1);
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k1".into()),
                done("k1", SendResult::Unreachable("offline".into()), t + 2_000.0),
            ],
        );
        assert!(
            s.due(t + 2_000.0 + FIRST_RETRY_MS).is_empty(),
            "longer the second time"
        );
        // The connection is back: retry now, with the same key.
        let s = run(s, vec![CourierAction::RetryNow(t + 2_500.0)]);
        let due = s.due(t + 2_500.0);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "k1");
        // A 5xx or a concurrent attempt with the key is also "later", not a conflict.
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k1".into()),
                done(
                    "k1",
                    SendResult::Refused {
                        status: 409,
                        code: "idempotency_key_in_use".into(),
                        message: String::new(),
                    },
                    t + 3_000.0,
                ),
            ],
        );
        assert_eq!(s.queue.len(), 1);
        assert!(s.conflicts.is_empty());
    }

    #[test]
    fn a_sent_delivery_updates_the_stop_and_the_summary() {
        let a = order("a", 1, 1, 1);
        let s = run(
            loaded(vec![a.clone(), order("b", 2, 2, 1)]),
            vec![deliver("a", "k1", 0.0)],
        );
        let sum = s.summary();
        assert_eq!((sum.delivered, sum.left, sum.unsent), (1, 1, 1));
        assert_eq!(sum.cash, Money(50000));
        assert_eq!(sum.empties, 2);
        assert_eq!(sum.cash_due_left, Money(50000));
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k1".into()),
                done(
                    "k1",
                    SendResult::Sent(Some(Box::new(as_delivered(a)))),
                    GRACE_MS,
                ),
            ],
        );
        assert!(s.queue.is_empty());
        assert_eq!(s.stop("a").map(|o| o.state), Some(OrderState::Delivered));
        let sum = s.summary();
        assert_eq!((sum.delivered, sum.left, sum.unsent), (1, 1, 0));
        assert_eq!((sum.cash, sum.empties), (Money(50000), 2));
    }

    fn move_to(id: &str, key: &str, date: &str, window: Option<TimeWindow>) -> CourierAction {
        CourierAction::Close {
            order_id: id.into(),
            close: Close::Moved {
                date: date.into(),
                window,
                reason: "Не успеваю сегодня".into(),
                reason_id: Some("no_time".into()),
            },
            key: key.into(),
            at: "2025-11-27T10:00:00Z".into(),
            now: 0.0,
        }
    }

    #[test]
    fn a_later_window_stays_on_the_route_and_another_day_leaves_it() {
        let (a, b) = (order("a", 1, 1, 1), order("b", 2, 2, 1));
        let evening = TimeWindow::standard()[2];
        let s = run(
            loaded(vec![a.clone(), b.clone()]),
            vec![
                move_to("a", "k1", DAY, Some(evening)),
                move_to("b", "k2", "2025-11-28", None),
            ],
        );
        // Queued: the later window is still to deliver today, the other day is not.
        let sum = s.summary();
        assert_eq!((sum.left, sum.moved, sum.unsent), (1, 1, 2));
        assert_eq!(sum.cash_due_left, Money(50000));
        let mut a2 = a.clone();
        a2.window = Some(evening);
        a2.version = 2;
        let mut b2 = b.clone();
        b2.state = OrderState::New;
        b2.needs_new_date = true;
        b2.version = 2;
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k1".into()),
                CourierAction::SendStarted("k2".into()),
                done("k1", SendResult::Sent(Some(Box::new(a2))), GRACE_MS),
                done("k2", SendResult::Sent(Some(Box::new(b2))), GRACE_MS),
            ],
        );
        assert_eq!(ids(&s), ["a"]);
        assert_eq!(s.stops[0].window, Some(evening));
        assert_eq!(s.failed.len(), 1);
        assert_eq!(s.failed[0].moved_to.as_deref(), Some("2025-11-28"));
        assert_eq!(
            s.failed[0].order.delivery_date, DAY,
            "listed as it was today"
        );
        let sum = s.summary();
        assert_eq!((sum.left, sum.moved, sum.failed, sum.unsent), (1, 1, 0, 0));
        // A move needs a reason.
        let mut blank = move_to("a", "k3", "2025-11-28", None);
        if let CourierAction::Close {
            close: Close::Moved { reason, .. },
            ..
        } = &mut blank
        {
            reason.clear();
        }
        assert!(run(s, vec![blank]).queue.is_empty());
    }

    #[test]
    fn the_door_prices_keep_the_orders_price_and_use_the_clients_for_the_rest() {
        let a = order("a", 1, 1, 1);
        let product = |id: &str, price: i64| -> Product {
            serde_json::from_value(serde_json::json!({
                "id": id, "sku": id, "name": format!("Product {id}"), "kind": "goods",
                "unit": "pc", "price": price, "returnable": false
            }))
            .expect("test product")
        };
        let products = vec![
            product("p1", 99999),
            product("pump", 40000),
            product("cups", 1500),
        ];
        let contract: BTreeMap<String, Money> = [("cups".to_string(), Money(1000))].into();
        // On the order: the order's price, whatever the list says now.
        let water = price_at_door(&a, &products, &contract, "p1", 3).expect("water");
        assert_eq!(
            (water.price, water.amount, water.returnable),
            (Money(25000), Money(75000), true)
        );
        let pump = price_at_door(&a, &products, &contract, "pump", 1).expect("pump");
        assert_eq!(pump.amount, Money(40000));
        let cups = price_at_door(&a, &products, &contract, "cups", 2).expect("cups");
        assert_eq!(cups.amount, Money(2000), "the contract price");
        assert!(price_at_door(&a, &products, &contract, "nope", 1).is_none());
        assert!(price_at_door(&a, &products, &contract, "pump", 0).is_none());
    }

    #[test]
    fn a_sent_failure_moves_the_stop_to_the_failed_list() {
        let a = order("a", 1, 1, 1);
        let s = run(
            loaded(vec![a.clone()]),
            vec![
                fail("a", "k1", 0.0),
                CourierAction::SendStarted("k1".into()),
                // The live revoke of our own failure may come before the answer.
                CourierAction::Revoked("a".into()),
            ],
        );
        assert_eq!(ids(&s), ["a"], "kept until the answer comes");
        assert!(s.notes.is_empty());
        let mut back = a;
        back.state = OrderState::New;
        back.version = 2;
        let s = run(
            s,
            vec![done("k1", SendResult::Sent(Some(Box::new(back))), GRACE_MS)],
        );
        assert!(s.stops.is_empty());
        assert_eq!(s.failed.len(), 1);
        assert_eq!(s.failed[0].reason, "Client absent");
        assert_eq!(s.summary().failed, 1);
        assert!(s.notes.is_empty(), "our own failure is no news");
        // A reload of the same day keeps the record (the server no longer lists it).
        let s = run(
            s,
            vec![
                CourierAction::LoadStarted(2),
                CourierAction::Loaded {
                    id: 2,
                    route: route(vec![]),
                    now: 20_000.0,
                },
            ],
        );
        assert_eq!(s.failed.len(), 1);
        assert!(s.notes.is_empty());
    }

    #[test]
    fn refusals_become_conflicts_and_leave_the_queue() {
        for (status, code, kind) in [
            (404, "not_found", ConflictKind::NotYours),
            (403, "forbidden", ConflictKind::NotYours),
            (409, "invalid_transition", ConflictKind::AlreadyClosed),
            (422, "invalid", ConflictKind::Refused),
        ] {
            let s = run(
                loaded(vec![order("a", 1, 1, 1)]),
                vec![
                    deliver("a", "k1", 0.0),
                    CourierAction::SendStarted("k1".into()),
                    done(
                        "k1",
                        SendResult::Refused {
                            status,
                            code: code.into(),
                            message: "no".into(),
                        },
                        GRACE_MS,
                    ),
                ],
            );
            assert!(s.queue.is_empty(), "{status}");
            assert_eq!(s.conflicts.len(), 1);
            assert_eq!(s.conflicts[0].kind, kind, "{status} {code}");
            assert_eq!(s.conflicts[0].order.number, 1);
            let s = run(s, vec![CourierAction::DismissConflict("k1".into())]);
            assert!(s.conflicts.is_empty());
        }
    }

    #[test]
    fn a_stale_version_is_resent_when_only_the_route_order_changed() {
        let a = order("a", 1, 1, 1);
        let s = run(
            loaded(vec![a.clone()]),
            vec![
                deliver("a", "k1", 0.0),
                CourierAction::SendStarted("k1".into()),
            ],
        );
        let mut moved = a.clone();
        moved.version = 3;
        moved.route_pos = 5;
        let s = run(
            s,
            vec![done(
                "k1",
                SendResult::Stale {
                    current: Some(Box::new(moved)),
                    new_key: "k2".into(),
                },
                GRACE_MS,
            )],
        );
        let q = s.queued("a").expect("still queued");
        assert_eq!(
            (q.key.as_str(), q.expected_version, q.attempts),
            ("k2", 3, 0)
        );
        assert_eq!(s.due(GRACE_MS).len(), 1);
        assert!(s.conflicts.is_empty());

        // More bottles meanwhile: the courier must look again.
        let mut more = a;
        more.version = 4;
        more.lines[0].qty = 3;
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k2".into()),
                done(
                    "k2",
                    SendResult::Stale {
                        current: Some(Box::new(more)),
                        new_key: "k3".into(),
                    },
                    GRACE_MS,
                ),
            ],
        );
        assert!(s.queue.is_empty());
        assert_eq!(s.conflicts[0].kind, ConflictKind::Changed);
    }

    #[test]
    fn live_changes_are_noted() {
        let a = order("a", 1, 1, 1);
        let s = run(
            loaded(vec![a.clone()]),
            vec![CourierAction::Upsert(Box::new(order("b", 2, 2, 2)))],
        );
        assert_eq!(ids(&s), ["a", "b"]);
        assert_eq!(s.notes.last().map(|n| n.kind), Some(NoteKind::Added));
        let s = run(s, vec![CourierAction::Revoked("a".into())]);
        assert_eq!(ids(&s), ["b"]);
        assert_eq!(
            s.notes.last().map(|n| (n.kind, n.order.number)),
            Some((NoteKind::Removed, 1))
        );
        let mut b2 = order("b", 2, 2, 3);
        b2.window = None;
        let s = run(s, vec![CourierAction::Upsert(Box::new(b2))]);
        assert_eq!(s.notes.last().map(|n| n.kind), Some(NoteKind::Changed));
        assert_eq!(s.notes.len(), 3);
        // Another day's stop is not today's route; an older copy changes nothing.
        let mut tomorrow = order("c", 3, 1, 2);
        tomorrow.delivery_date = "2025-11-28".into();
        let s2 = run(
            s.clone(),
            vec![
                CourierAction::Upsert(Box::new(tomorrow)),
                CourierAction::Upsert(Box::new(order("b", 2, 9, 1))),
            ],
        );
        assert_eq!(s2, s);
        let id = s.notes[0].id;
        let s = run(s, vec![CourierAction::DismissNote(id)]);
        assert_eq!(s.notes.len(), 2);
    }

    #[test]
    fn a_reload_notes_what_changed_while_away() {
        let s = loaded(vec![order("a", 1, 1, 1), order("b", 2, 2, 1)]);
        let s = run(
            s,
            vec![
                CourierAction::LoadStarted(2),
                CourierAction::Loaded {
                    id: 2,
                    route: route(vec![order("b", 2, 1, 1), order("c", 3, 2, 1)]),
                    now: 2_000.0,
                },
            ],
        );
        assert_eq!(ids(&s), ["b", "c"]);
        let kinds: Vec<(NoteKind, &str)> = s
            .notes
            .iter()
            .map(|n| (n.kind, n.order.id.as_str()))
            .collect();
        assert_eq!(kinds, [(NoteKind::Added, "c"), (NoteKind::Removed, "a")]);
    }

    #[test]
    fn a_stop_with_a_queued_close_stays_until_the_server_answers() {
        let s = run(
            loaded(vec![order("a", 1, 1, 1), order("b", 2, 2, 1)]),
            vec![
                deliver("a", "k1", 0.0),
                CourierAction::LoadStarted(2),
                CourierAction::Loaded {
                    id: 2,
                    route: route(vec![order("b", 2, 2, 1)]),
                    now: 2_000.0,
                },
            ],
        );
        assert_eq!(ids(&s), ["a", "b"]);
        let s = run(
            s,
            vec![
                CourierAction::SendStarted("k1".into()),
                done(
                    "k1",
                    SendResult::Refused {
                        status: 404,
                        code: "not_found".into(),
                        message: "no such order".into(),
                    },
                    GRACE_MS,
                ),
                CourierAction::LoadStarted(3),
                CourierAction::Loaded {
                    id: 3,
                    route: route(vec![order("b", 2, 2, 1)]),
                    now: 12_000.0,
                },
            ],
        );
        assert_eq!(ids(&s), ["b"]);
        assert_eq!(s.conflicts[0].kind, ConflictKind::NotYours);
        assert!(s.notes.is_empty(), "the conflict says it already");
    }

    #[test]
    fn live_changes_during_a_reload_are_replayed_over_its_snapshot() {
        let s = run(
            loaded(vec![order("a", 1, 1, 1)]),
            vec![
                CourierAction::LoadStarted(2),
                CourierAction::Revoked("a".into()),
                CourierAction::Upsert(Box::new(order("b", 2, 2, 1))),
                // The snapshot was read before both changes.
                CourierAction::Loaded {
                    id: 2,
                    route: route(vec![order("a", 1, 1, 1)]),
                    now: 2_000.0,
                },
            ],
        );
        assert_eq!(ids(&s), ["b"]);
        // An answer to an older load is ignored.
        let s2 = run(
            s.clone(),
            vec![CourierAction::Loaded {
                id: 1,
                route: route(vec![]),
                now: 3_000.0,
            }],
        );
        assert_eq!(s2, s);
    }

    #[test]
    fn the_queue_and_snapshot_survive_a_reload_of_the_page() {
        let s = run(
            loaded(vec![order("a", 1, 1, 1)]),
            vec![
                deliver("a", "k1", 0.0),
                CourierAction::SendStarted("k1".into()),
            ],
        );
        let json = serde_json::to_string(&s.stored()).expect("stored");
        let back: Stored = serde_json::from_str(&json).expect("parses");
        let r = CourierState::from_stored(ME, back);
        assert_eq!(ids(&r), ["a"]);
        assert_eq!(r.fetched_at, Some(1_000.0));
        let q = r.queued("a").expect("queued");
        assert_eq!((q.key.as_str(), q.attempts, q.in_flight), ("k1", 1, false));
        assert_eq!(
            r.due(GRACE_MS).len(),
            1,
            "sent again after a reload, same key"
        );
        assert!(r.loading);
        // Another format version is not misread.
        let mut other = s.stored();
        other.v = 99;
        assert!(CourierState::from_stored(ME, other).queue.is_empty());
    }

    #[test]
    fn a_new_day_drops_yesterdays_failures() {
        let a = order("a", 1, 1, 1);
        let mut back = a.clone();
        back.state = OrderState::New;
        back.version = 2;
        let s = run(
            loaded(vec![a]),
            vec![
                fail("a", "k1", 0.0),
                CourierAction::SendStarted("k1".into()),
                done("k1", SendResult::Sent(Some(Box::new(back))), GRACE_MS),
            ],
        );
        assert_eq!(s.failed.len(), 1);
        let mut next = order("d", 9, 1, 1);
        next.delivery_date = "2025-11-28".into();
        let s = run(
            s,
            vec![
                CourierAction::LoadStarted(2),
                CourierAction::Loaded {
                    id: 2,
                    route: Route {
                        courier_id: ME.into(),
                        date: "2025-11-28".into(),
                        stops: vec![next],
                        bottles_held: Default::default(),
                    },
                    now: 90_000_000.0,
                },
            ],
        );
        assert!(s.failed.is_empty());
        assert!(s.notes.is_empty(), "a new day is not a change");
        assert_eq!(ids(&s), ["d"]);
    }

    #[test]
    fn cash_is_due_from_individuals_only() {
        let mut o = order("a", 1, 1, 1);
        assert_eq!(cash_due(&o), Money(50000));
        o.client_kind = rodnik_shared::ClientKind::Legal;
        assert_eq!(cash_due(&o), Money::ZERO);
        assert_eq!(o.returnable_qty(), 2);
    }

    #[test]
    fn money_is_typed_in_roubles() {
        // The cash input reads roubles with the shared rule.
        let parse_money = |s: &str| Money::parse_roubles(s).ok();
        assert_eq!(parse_money("250"), Some(Money(25000)));
        assert_eq!(parse_money("250.5"), Some(Money(25050)));
        assert_eq!(parse_money("250,50"), Some(Money(25050)));
        assert_eq!(parse_money(" 1 250.00 "), Some(Money(125000)));
        assert_eq!(parse_money("0"), Some(Money(0)));
        assert_eq!(parse_money(".5"), Some(Money(50)));
        for bad in [
            "",
            "-5",
            "1.234",
            "abc",
            "1.2.3",
            ".",
            "99999999999999999999",
        ] {
            assert_eq!(parse_money(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn refusal_kinds() {
        assert_eq!(refusal_kind(503, "unavailable"), None);
        assert_eq!(refusal_kind(429, "slow_down"), None);
        assert_eq!(refusal_kind(409, "busy"), None);
        assert_eq!(
            refusal_kind(409, "stale_version"),
            Some(ConflictKind::Changed)
        );
        assert_eq!(
            refusal_kind(409, "idempotency_key_reused"),
            Some(ConflictKind::Refused)
        );
        assert_eq!(
            refusal_kind(400, "bad_request"),
            Some(ConflictKind::Refused)
        );
    }

    #[test]
    fn a_queue_saved_before_card_payments_loads_and_cash_only_closes_serialize_as_before() {
        let old = r#"{"kind":"delivered","cash_collected":50000,"empties_returned":2}"#;
        let c: Close = serde_json::from_str(old).expect("old close");
        assert!(matches!(&c, Close::Delivered { payments, .. } if payments.is_empty()));
        assert_eq!(serde_json::to_string(&c).expect("json"), old);
        let card = Close::Delivered {
            cash_collected: 0,
            empties_returned: 2,
            empties_note: None,
            lines: None,
            payments: vec![DoorPayment {
                method: PaymentMethod::Card,
                amount: Money(50000),
            }],
        };
        let json = serde_json::to_string(&card).expect("json");
        assert!(
            json.contains(r#""payments":[{"method":"card","amount":50000}]"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Close>(&json).expect("back"), card);
        // The request of a cash-only close has no `payments`: a resend is the same bytes.
        let body = rodnik_shared::api::DeliverOrder {
            cash_collected: Some(50000),
            ..Default::default()
        };
        assert!(!serde_json::to_string(&body)
            .expect("body")
            .contains("payments"));
    }

    #[test]
    fn the_payment_reads_per_way_and_says_what_stays_owing() {
        use crate::i18n::Lang;
        let due = Money(75000);
        let card = |m| DoorPayment {
            method: PaymentMethod::Card,
            amount: Money(m),
        };
        let sbp = |m| DoorPayment {
            method: PaymentMethod::Sbp,
            amount: Money(m),
        };
        // Cash, untouched: the whole amount, as before.
        let d = PayDraft::default();
        assert_eq!(d.shown(Lang::Ru, due).0, "750");
        assert_eq!(d.read(Lang::Ru, due), Ok((75000, vec![])));
        // A stop that pays a deposit back: cash only, negative, whatever was picked.
        let back = PayDraft {
            way: PayWay::Card,
            ..Default::default()
        };
        assert_eq!(back.effective(Money(-35000)), PayWay::Cash);
        assert_eq!(back.read(Lang::Ru, Money(-35000)), Ok((-35000, vec![])));
        // Card: the whole amount by card, no cash.
        assert_eq!(back.read(Lang::Ru, due), Ok((0, vec![card(75000)])));
        // SBP, typed less: partial.
        let part = PayDraft {
            way: PayWay::Sbp,
            sbp: Some("500,50".into()),
            ..Default::default()
        };
        let (cash, payments) = part.read(Lang::Ru, due).expect("reads");
        assert_eq!((cash, payments.clone()), (0, vec![sbp(50050)]));
        assert_eq!(debt_left(due, cash, &payments), Money(24950));
        // Split: untouched cash fills the rest; typed, it is what was paid.
        let mut split = PayDraft {
            way: PayWay::Split,
            sbp: Some("200".into()),
            ..Default::default()
        };
        assert_eq!(
            split.shown(Lang::Ru, due),
            ("550".into(), "".into(), "200".into())
        );
        assert_eq!(split.read(Lang::Ru, due), Ok((55000, vec![sbp(20000)])));
        split.cash = Some("300".into());
        split.card = Some("100".into());
        let (cash, payments) = split.read(Lang::Ru, due).expect("reads");
        assert_eq!(
            (cash, payments.clone()),
            (30000, vec![card(10000), sbp(20000)])
        );
        assert_eq!(debt_left(due, cash, &payments), Money(15000));
        // Nothing by card is no payment; a bad amount names its field.
        let zero = PayDraft {
            way: PayWay::Card,
            card: Some("0".into()),
            ..Default::default()
        };
        assert_eq!(zero.read(Lang::Ru, due), Ok((0, vec![])));
        let bad = PayDraft {
            way: PayWay::Split,
            sbp: Some("abc".into()),
            ..Default::default()
        };
        assert_eq!(bad.read(Lang::Ru, due), Err("sbp"));
        assert_eq!(
            PayDraft::default().read(Lang::Ru, Money::ZERO),
            Ok((0, vec![])),
            "legal clients: nothing due, cash as before"
        );
    }

    #[test]
    fn the_qr_asks_the_sbp_amount_as_it_stands_and_only_for_sbp() {
        use crate::i18n::Lang;
        let due = Money(75000);
        let sbp = PayDraft {
            way: PayWay::Sbp,
            ..Default::default()
        };
        assert_eq!(
            sbp.sbp_amount(Lang::Ru, due),
            Some(due),
            "untouched: the whole amount"
        );
        let typed = PayDraft {
            sbp: Some("500,50".into()),
            ..sbp.clone()
        };
        assert_eq!(typed.sbp_amount(Lang::Ru, due), Some(Money(50050)));
        let split = PayDraft {
            way: PayWay::Split,
            ..Default::default()
        };
        assert_eq!(
            split.sbp_amount(Lang::Ru, due),
            None,
            "split starts with no SBP"
        );
        let split = PayDraft {
            sbp: Some("200".into()),
            ..split
        };
        assert_eq!(split.sbp_amount(Lang::Ru, due), Some(Money(20000)));
        let bad = PayDraft {
            sbp: Some("abc".into()),
            ..sbp.clone()
        };
        assert_eq!(bad.sbp_amount(Lang::Ru, due), None);
        assert_eq!(PayDraft::default().sbp_amount(Lang::Ru, due), None, "cash");
        assert_eq!(
            sbp.sbp_amount(Lang::Ru, Money(-100)),
            None,
            "a deposit paid back"
        );
    }

    #[test]
    fn the_qr_settings_are_kept_for_offline_and_older_stores_load_without_them() {
        let qr = PaymentQrSettings {
            sbp: rodnik_shared::api::SbpSettings {
                link: "https://qr.nspk.ru/AS1".into(),
                link_takes_sum: true,
            },
            ..Default::default()
        };
        let s = run(
            CourierState::new(ME),
            vec![CourierAction::QrSettings(qr.clone())],
        );
        let json = serde_json::to_string(&s.stored()).expect("json");
        let back: Stored = serde_json::from_str(&json).expect("stored");
        assert_eq!(CourierState::from_stored(ME, back).qr, Some(qr));
        let mut old: serde_json::Value = serde_json::from_str(&json).expect("value");
        old.as_object_mut().expect("object").remove("qr");
        let old: Stored = serde_json::from_value(old).expect("an older store");
        assert_eq!(old.qr, None);
    }

    #[test]
    fn the_cash_to_hand_in_counts_only_the_cash_due_after_card_and_sbp() {
        let mut a = order("a", 1, 1, 1);
        a.state = OrderState::Delivered;
        a.cash_collected = Some(Money(0));
        a.payments = vec![DoorPayment {
            method: PaymentMethod::Card,
            amount: Money(50000),
        }];
        let mut b = order("b", 2, 2, 1);
        b.state = OrderState::Delivered;
        b.cash_collected = Some(Money(20000));
        b.payments = vec![DoorPayment {
            method: PaymentMethod::Sbp,
            amount: Money(10000),
        }];
        let t = cash_totals([&a, &b]);
        assert_eq!(
            t,
            CashTotals {
                due: Money(40000),
                collected: Money(20000),
                card: Money(50000),
                sbp: Money(10000),
            }
        );
        assert_eq!(by_method(&b.payments), (Money::ZERO, Money(10000)));
    }

    #[test]
    fn expected_arrivals_survive_a_reload_and_count_for_open_stops_of_the_day() {
        let mut s = CourierState::new(ME);
        s.date = Some(DAY.into());
        let mut a = order("o1", 1, 1, 1);
        a.state = OrderState::Delivery;
        a.courier_id = Some(ME.into());
        let mut b = order("o2", 2, 2, 1);
        b.state = OrderState::Delivery;
        b.courier_id = Some(ME.into());
        s.stops = vec![a, b];
        let eta = |id: &str, at: &str, risk: bool| rodnik_shared::api::Eta {
            order_id: id.into(),
            courier_id: ME.into(),
            pos: 1,
            eta: Some(at.into()),
            late_minutes: 0,
            at_risk: risk,
            state: OrderState::Delivery,
        };
        let s = Rc::new(s).reduce(CourierAction::Etas(vec![
            eta("o1", "10:20", false),
            eta("o2", "12:55", true),
        ]));
        let m = s.eta_marks();
        assert_eq!(m["o1"].eta.as_deref(), Some("10:20"));
        assert_eq!(m["o2"].flag, crate::state::planning::EtaFlag::AtRisk);
        // Offline after a reload: the last answer is still there.
        let json = serde_json::to_string(&s.stored()).expect("stored");
        let back = CourierState::from_stored(ME, serde_json::from_str(&json).expect("read"));
        assert_eq!(back.eta_marks(), m);
        // An older store without them reads as none.
        let mut old: serde_json::Value = serde_json::from_str(&json).expect("json");
        old.as_object_mut().expect("object").remove("etas");
        old.as_object_mut().expect("object").remove("etas_date");
        let old = CourierState::from_stored(ME, serde_json::from_value(old).expect("older"));
        assert!(old.eta_marks().is_empty());
        // Another day's route: yesterday's answer does not count.
        let mut next = back.clone();
        next.date = Some("2025-11-28".into());
        assert!(next.eta_marks().is_empty());
    }
}

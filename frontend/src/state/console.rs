//! The operator console: the call being handled, the client on screen, and the
//! two drafts the operator types into (a new client, an order).
//!
//! Drafts live here, not in the inputs: a failed save, a server error or a
//! dropped connection never clears what was typed. Every edit drops the
//! current idempotency key, because the next submit sends a different body;
//! a retry of an unchanged draft reuses it. A `Snapshot` of the drafts (keys
//! included), the client on screen and the call survives a page reload.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rodnik_shared::api::{
    AddressInput, CallWithMatches, ClientCard, ClientSummary, CreateClient, CreateOrder, LineInput,
    Order, PatchOrder, Product, SimilarClient, SimilarReason,
};
use rodnik_shared::pricing::{unit_price, CatalogueItem};
use rodnik_shared::values::WindowInput;
use rodnik_shared::{ClientKind, Money, TimeWindow};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::planning::{ChosenSlot, SlotChoice, SlotKey, SlotsView};

/// `(field, message)`; the field uses the API's names (`addresses[0].text`).
pub type FieldErrors = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    /// No call, no client: the search box is all there is.
    Empty,
    /// The caller's number belongs to several clients.
    Choose(Vec<ClientCard>),
    Card(Box<ClientCard>),
    NewClient,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressDraft {
    pub text: String,
    pub contact_name: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientDraft {
    pub kind: ClientKind,
    pub name: String,
    /// One or more numbers, separated by commas.
    pub phones: String,
    pub addresses: Vec<AddressDraft>,
    #[serde(skip)]
    pub errors: FieldErrors,
    #[serde(skip)]
    pub busy: bool,
    pub key: String,
    /// Possible duplicates: the server's answer to `similar_for`.
    #[serde(skip)]
    pub similar: Vec<SimilarClient>,
    #[serde(skip)]
    pub similar_for: Option<SimilarQuery>,
    /// Save was pressed while a client with one of these phones exists:
    /// "create anyway" is offered.
    #[serde(skip)]
    pub confirm: bool,
    /// The operator chose "create anyway"; until the phones change.
    #[serde(skip)]
    pub anyway: bool,
}

/// What `GET /api/clients/similar` is asked about a client being typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimilarQuery {
    pub phones: String,
    pub name: String,
    pub addresses: Vec<String>,
}

impl Default for ClientDraft {
    fn default() -> Self {
        ClientDraft {
            kind: ClientKind::Individual,
            name: String::new(),
            phones: String::new(),
            addresses: vec![AddressDraft::default()],
            errors: vec![],
            busy: false,
            key: String::new(),
            similar: vec![],
            similar_for: None,
            confirm: false,
            anyway: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClientEdit {
    Kind(ClientKind),
    Name(String),
    Phones(String),
    AddressText(usize, String),
    ContactName(usize, String),
    ContactPhone(usize, String),
    AddAddress,
    RemoveAddress(usize),
}

impl ClientDraft {
    fn for_phone(phone: &str) -> ClientDraft {
        ClientDraft {
            phones: phone.to_string(),
            ..Default::default()
        }
    }

    /// Anything typed beyond what the pop filled in.
    pub fn is_typed(&self) -> bool {
        !self.name.trim().is_empty()
            || self
                .addresses
                .iter()
                .any(|a| !a.text.trim().is_empty() || !a.contact_name.trim().is_empty())
    }

    /// What to ask about possible duplicates; `None` until a number of 7
    /// digits or more, a name of 3 letters or an address with a number is typed.
    pub fn similar_query(&self) -> Option<SimilarQuery> {
        let phones: Vec<String> = split_phones(&self.phones)
            .into_iter()
            .filter(|p| p.chars().filter(char::is_ascii_digit).count() >= 7)
            .collect();
        let name = Some(self.name.trim())
            .filter(|n| n.chars().count() >= 3)
            .unwrap_or_default()
            .to_string();
        let addresses: Vec<String> = self
            .addresses
            .iter()
            .map(|a| a.text.trim().to_string())
            .filter(|t| t.chars().count() >= 4 && t.chars().any(|c| c.is_ascii_digit()))
            .collect();
        (!phones.is_empty() || !name.is_empty() || !addresses.is_empty()).then(|| SimilarQuery {
            phones: phones.join(", "),
            name,
            addresses,
        })
    }

    /// The duplicates on screen answer what is typed now.
    pub fn similar_fresh(&self) -> bool {
        self.similar_for == self.similar_query()
    }

    /// A client with one of these numbers exists (saving needs "create anyway").
    pub fn phone_duplicate(&self) -> bool {
        self.similar
            .iter()
            .any(|s| s.reasons.contains(&SimilarReason::Phone))
    }

    pub fn to_request(&self) -> CreateClient {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        CreateClient {
            kind: self.kind,
            name: self.name.trim().to_string(),
            phones: split_phones(&self.phones),
            addresses: self
                .addresses
                .iter()
                .map(|a| AddressInput {
                    text: a.text.trim().to_string(),
                    contact_name: opt(&a.contact_name),
                    contact_phone: opt(&a.contact_phone),
                    ..Default::default()
                })
                .collect(),
            inn: None,
            note: None,
            requisites: None,
        }
    }

    fn edit(&mut self, e: ClientEdit) {
        let field = match &e {
            ClientEdit::Kind(_) => "kind".to_string(),
            ClientEdit::Name(_) => "name".to_string(),
            ClientEdit::Phones(_) => "phones".to_string(),
            ClientEdit::AddressText(i, _) => format!("addresses[{i}].text"),
            ClientEdit::ContactName(i, _) => format!("addresses[{i}].contact_name"),
            ClientEdit::ContactPhone(i, _) => format!("addresses[{i}].contact_phone"),
            ClientEdit::AddAddress | ClientEdit::RemoveAddress(_) => "addresses".to_string(),
        };
        match e {
            ClientEdit::Kind(k) => self.kind = k,
            ClientEdit::Name(v) => self.name = v,
            ClientEdit::Phones(v) => self.phones = v,
            ClientEdit::AddressText(i, v) => self.address(i).text = v,
            ClientEdit::ContactName(i, v) => self.address(i).contact_name = v,
            ClientEdit::ContactPhone(i, v) => self.address(i).contact_phone = v,
            ClientEdit::AddAddress => self.addresses.push(AddressDraft::default()),
            ClientEdit::RemoveAddress(i) => {
                if self.addresses.len() > 1 && i < self.addresses.len() {
                    self.addresses.remove(i);
                    // Errors name addresses by position, which just moved.
                    self.errors.retain(|(f, _)| !f.starts_with("addresses"));
                }
            }
        }
        self.errors.retain(|(f, _)| !field_matches(&field, f));
        self.key.clear();
        self.confirm = false;
        if field == "phones" {
            self.anyway = false;
        }
        if self.similar_query().is_none() {
            self.similar.clear();
            self.similar_for = None;
        }
    }

    fn address(&mut self, i: usize) -> &mut AddressDraft {
        if self.addresses.len() <= i {
            self.addresses.resize(i + 1, AddressDraft::default());
        }
        &mut self.addresses[i]
    }
}

/// The numbers of a phones input (separated by commas or semicolons).
pub fn split_phones(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderDraft {
    pub address_id: String,
    /// Quantities by product id; absent or 0 is not ordered.
    pub qty: HashMap<String, u32>,
    pub date: String,
    /// `""` (any time) or `"09:00-13:00"`.
    pub window: String,
    pub courier_id: String,
    pub note: String,
    /// Deposit bottles the operator chose instead of the rule's (`None`: the rule's).
    #[serde(default)]
    pub deposit: Option<i64>,
    /// Why the deposit differs from the rule.
    #[serde(default)]
    pub deposit_reason: String,
    /// A manager takes the order past the client's credit hold.
    #[serde(default)]
    pub allow_credit: bool,
    #[serde(skip)]
    pub errors: FieldErrors,
    #[serde(skip)]
    pub busy: bool,
    /// The idempotency key of the current submit attempt; empty until one starts.
    pub key: String,
    /// Created by an attempt whose dispatch then failed: the next attempt
    /// changes and dispatches this order rather than creating another.
    pub created: Option<Box<Order>>,
    /// Edited since the defaults were filled in.
    pub dirty: bool,
    /// Changing an open order of the client (`created` is that order), not
    /// taking a new one.
    pub changing: bool,
    /// The delivery windows offered for this order (issue 21).
    #[serde(skip)]
    pub slots: SlotsView,
    /// Bumped to ask for the windows again (a slot taken meanwhile).
    #[serde(skip)]
    pub slots_nonce: u32,
    /// The slot the form took (chosen, or the best preselected): saving it
    /// asks the server to check it again (`slot_check`).
    #[serde(default)]
    pub slot: Option<ChosenSlot>,
    /// The operator chose the date, window or courier (by hand or a
    /// slot): the best is no longer preselected over it.
    #[serde(default)]
    pub picked: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderEdit {
    Address(String),
    Qty(String, u32),
    Date(String),
    Window(String),
    Courier(String),
    Note(String),
    /// The operator's deposit bottles (`None`: back to the rule's).
    Deposit(Option<i64>),
    DepositReason(String),
    /// A manager takes the order past the client's credit hold.
    AllowCredit(bool),
}

impl OrderDraft {
    /// The defaults for a client: the address whose contact phone is calling
    /// (`caller`), else that of their last order, else the first address in
    /// use; the window and courier of their last order, the next working
    /// day, no lines.
    pub fn for_client(card: &ClientCard, today: NaiveDate, caller: Option<&str>) -> OrderDraft {
        let last = last_order(card);
        let in_use = |id: &String| card.client.active_addresses().any(|a| &a.id == id);
        let address_id = caller
            .and_then(|p| card.client.address_for_phone(p))
            .map(|a| a.id.clone())
            .or_else(|| last.map(|o| o.address.id.clone()).filter(in_use))
            .or_else(|| card.client.active_addresses().next().map(|a| a.id.clone()))
            .unwrap_or_default();
        OrderDraft {
            address_id,
            date: next_working_day(today).to_string(),
            window: last
                .and_then(|o| o.window)
                .map(window_value)
                .unwrap_or_default(),
            courier_id: last.and_then(|o| o.courier_id.clone()).unwrap_or_default(),
            ..Default::default()
        }
    }

    /// An open order as it is, to change it (reschedule, lines, courier).
    pub fn from_order(o: &Order) -> OrderDraft {
        OrderDraft {
            address_id: o.address.id.clone(),
            qty: o
                .lines
                .iter()
                .map(|l| (l.product_id.clone(), l.qty))
                .collect(),
            date: o.delivery_date.clone(),
            window: o.window.map(window_value).unwrap_or_default(),
            courier_id: o.courier_id.clone().unwrap_or_default(),
            note: o.note.clone().unwrap_or_default(),
            // An operator's earlier choice stays as it was chosen.
            deposit: o
                .deposit
                .as_ref()
                .filter(|d| d.reason.is_some())
                .map(|d| d.bottles),
            deposit_reason: o
                .deposit
                .as_ref()
                .and_then(|d| d.reason.clone())
                .unwrap_or_default(),
            created: Some(Box::new(o.clone())),
            changing: true,
            // The order's window and courier are the operator's already.
            picked: true,
            ..Default::default()
        }
    }

    /// Lines, address, window and courier of the client's most recent order;
    /// products no longer in the catalogue are left out. The water, when
    /// the last order had one kind of it, comes in the quantity the
    /// client's rhythm expects (a one-off big order is not repeated).
    fn repeat(&mut self, card: &ClientCard, catalogue: &[String]) -> bool {
        let Some(last) = last_order(card) else {
            return false;
        };
        let repeated = self.repeat_order(last, card, catalogue);
        if let Some((id, qty)) = expected_water(card) {
            if self.qty.contains_key(&id) {
                self.qty.insert(id, qty);
            }
        }
        repeated
    }

    /// A new order for a client with a rhythm starts with the water the
    /// rhythm expects, of the kind the last order had (issue 23).
    fn suggest(&mut self, card: &ClientCard) {
        if let Some((id, qty)) = expected_water(card).filter(|_| self.qty.is_empty()) {
            self.qty.insert(id, qty);
        }
    }

    /// As `repeat`, from any order of the client (the history's "repeat").
    fn repeat_order(&mut self, last: &Order, card: &ClientCard, catalogue: &[String]) -> bool {
        self.qty = last
            .lines
            .iter()
            .filter(|l| catalogue.contains(&l.product_id))
            .map(|l| (l.product_id.clone(), l.qty))
            .collect();
        if card
            .client
            .active_addresses()
            .any(|a| a.id == last.address.id)
        {
            self.address_id = last.address.id.clone();
        }
        if let Some(w) = last.window {
            self.window = window_value(w);
        }
        if let Some(c) = &last.courier_id {
            self.courier_id = c.clone();
        }
        self.errors.clear();
        self.key.clear();
        self.dirty = true;
        true
    }

    fn edit(&mut self, e: OrderEdit) {
        let field = match &e {
            OrderEdit::Address(_) => "address_id",
            OrderEdit::Qty(..) => "lines",
            OrderEdit::Date(_) => "delivery_date",
            OrderEdit::Window(_) => "window",
            OrderEdit::Courier(_) => "courier_id",
            OrderEdit::Note(_) => "note",
            OrderEdit::Deposit(_) => "deposit_bottles",
            OrderEdit::DepositReason(_) => "deposit_reason",
            OrderEdit::AllowCredit(_) => "allow_credit",
        };
        match e {
            OrderEdit::Address(v) => self.address_id = v,
            OrderEdit::Qty(p, 0) => {
                self.qty.remove(&p);
            }
            OrderEdit::Qty(p, n) => {
                self.qty.insert(p, n.min(rodnik_shared::Qty::MAX));
            }
            OrderEdit::Date(v) => {
                self.date = v;
                self.picked = true;
            }
            OrderEdit::Window(v) => {
                self.window = v;
                self.picked = true;
            }
            OrderEdit::Courier(v) => {
                self.courier_id = v;
                self.picked = true;
            }
            OrderEdit::Note(v) => self.note = v,
            OrderEdit::Deposit(v) => {
                self.deposit = v;
                self.errors.retain(|(f, _)| f != "deposit_reason");
            }
            OrderEdit::DepositReason(v) => self.deposit_reason = v,
            OrderEdit::AllowCredit(v) => self.allow_credit = v,
        }
        self.errors
            .retain(|(f, _)| !field_matches(field, f) && f != "slot");
        self.key.clear();
        self.dirty = true;
    }

    /// What to ask `GET /api/slots` for this draft, if enough is known.
    pub fn slot_key(
        &self,
        client_id: &str,
        products: &[Product],
        today: NaiveDate,
    ) -> Option<SlotKey> {
        SlotKey::for_order(
            client_id,
            &self.address_id,
            self.returnable(products),
            !self.lines(products).is_empty(),
            &self.date,
            today,
            self.created.as_ref().map(|o| o.id.as_str()),
        )
    }

    /// The form holds the slot it took: saving asks for `slot_check`.
    pub fn slot_matches(&self) -> bool {
        self.slot.as_ref().is_some_and(|s| {
            s.date == self.date && s.window == self.window && s.courier_id == self.courier_id
        })
    }

    /// Takes a slot: its date, window and courier.
    fn take_slot(&mut self, s: ChosenSlot) {
        self.date = s.date.clone();
        self.window = s.window.clone();
        self.courier_id = s.courier_id.clone();
        self.errors.retain(|(f, _)| {
            !["delivery_date", "window", "courier_id", "slot"]
                .iter()
                .any(|k| field_matches(k, f))
        });
        self.key.clear();
        self.slot = Some(s);
    }

    /// The windows answered for `key` (ignored when no longer asked); the
    /// best is preselected unless the operator chose already.
    fn slots_answered(&mut self, key: SlotKey, answer: Result<rodnik_shared::api::Slots, String>) {
        if self.slots.key() != Some(&key) {
            return;
        }
        match answer {
            Ok(slots) => {
                let best = super::planning::best(&slots);
                self.slots = SlotsView::Ready(key, slots);
                if let Some(b) = best.filter(|_| !self.picked && !self.changing) {
                    if !(self.slot_matches() && self.slot.as_ref() == Some(&b.chosen())) {
                        self.take_slot(b.chosen());
                    }
                }
            }
            Err(e) => self.slots = SlotsView::Failed(key, e),
        }
    }

    /// Lines in catalogue order.
    pub fn lines(&self, products: &[Product]) -> Vec<LineInput> {
        products
            .iter()
            .filter_map(|p| {
                let q = *self.qty.get(&p.id)?;
                (q > 0).then(|| LineInput {
                    product_id: p.id.clone(),
                    qty: i64::from(q),
                })
            })
            .collect()
    }

    /// What the server will charge: the same rule (`pricing::unit_price`) over
    /// the same prices, so the live total matches the saved one.
    pub fn total(&self, products: &[Product], contract: &HashMap<String, Money>) -> Money {
        products
            .iter()
            .filter_map(|p| {
                let q = rodnik_shared::Qty::parse(i64::from(*self.qty.get(&p.id)?), "qty").ok()?;
                Some(unit_price(&catalogue_item(p), contract).times(q))
            })
            .sum()
    }

    /// Full returnable bottles the draft brings.
    pub fn returnable(&self, products: &[Product]) -> i64 {
        products
            .iter()
            .filter(|p| p.returnable)
            .filter_map(|p| self.qty.get(&p.id).map(|q| i64::from(*q)))
            .sum()
    }

    /// The deposit bottles the company's rule asks for this draft, as the
    /// server will (`bottles::plan_deposit` over the same figures).
    pub fn deposit_rule(
        &self,
        client: &rodnik_shared::api::ClientSummary,
        products: &[Product],
        settings: &rodnik_shared::api::BottleSettings,
    ) -> i64 {
        if settings.deposit_price.0 <= 0 {
            return 0;
        }
        rodnik_shared::bottles::deposit_rule(
            client.bottles_held,
            client.deposit_bottles,
            settings.free_for(client.kind),
            self.returnable(products),
        )
    }

    /// The deposit the order takes (negative: pays back): the operator's
    /// bottles or the rule's, at the company's price.
    pub fn deposit_money(
        &self,
        client: &rodnik_shared::api::ClientSummary,
        products: &[Product],
        settings: &rodnik_shared::api::BottleSettings,
    ) -> Money {
        let bottles = self
            .deposit
            .unwrap_or_else(|| self.deposit_rule(client, products, settings));
        Money(settings.deposit_price.0.max(0).saturating_mul(bottles))
    }

    /// Whether the new order needs a manager's allowance, as the server will
    /// decide it (`rodnik_shared::account::hold`), and what it adds to the
    /// account: its goods at the prices on the form and its deposit. A
    /// change of an order already taken is never held.
    pub fn credit_hold(
        &self,
        card: &ClientCard,
        products: &[Product],
        contract: &HashMap<String, Money>,
        settings: &rodnik_shared::api::BottleSettings,
        today: NaiveDate,
    ) -> Option<(rodnik_shared::api::CreditHold, Money)> {
        if self.changing || self.created.is_some() {
            return None;
        }
        let extra =
            self.total(products, contract) + self.deposit_money(&card.client, products, settings);
        crate::state::account::order_hold(card, extra, today).map(|h| (h, extra))
    }

    /// The deposit reason to send: only with bottles other than the rule's.
    fn deposit_reason_input(&self) -> Option<String> {
        self.deposit
            .and(Some(self.deposit_reason.trim().to_string()))
            .filter(|r| !r.is_empty())
    }

    pub fn window_input(&self) -> Option<WindowInput> {
        let (from, to) = self.window.split_once('-')?;
        Some(WindowInput {
            from: from.to_string(),
            to: to.to_string(),
        })
    }

    /// What must be there before anything is sent; messages are keys of `Texts`.
    pub fn missing(&self, products: &[Product]) -> Vec<(&'static str, Missing)> {
        let mut out = vec![];
        if self.address_id.is_empty() {
            out.push(("address_id", Missing::Address));
        }
        if self.lines(products).is_empty() {
            out.push(("lines", Missing::Lines));
        }
        if self.date.is_empty() {
            out.push(("delivery_date", Missing::Date));
        }
        if self.courier_id.is_empty() {
            out.push(("courier_id", Missing::Courier));
        }
        out
    }

    pub fn to_request(
        &self,
        client_id: &str,
        products: &[Product],
        call_id: Option<String>,
    ) -> CreateOrder {
        CreateOrder {
            client_id: client_id.to_string(),
            address_id: self.address_id.clone(),
            lines: self.lines(products),
            delivery_date: self.date.clone(),
            window: self.window_input(),
            courier_id: Some(self.courier_id.clone()).filter(|c| !c.is_empty()),
            call_id,
            note: Some(self.note.trim().to_string()).filter(|n| !n.is_empty()),
            deposit_bottles: self.deposit,
            deposit_reason: self.deposit_reason_input(),
            allow_credit: self.allow_credit,
            slot_check: self.slot_matches(),
        }
    }

    /// The same draft as a change to an order created by an earlier attempt.
    pub fn to_patch(&self, products: &[Product], version: i64) -> PatchOrder {
        PatchOrder {
            delivery_date: Some(self.date.clone()),
            window: Some(self.window_input()),
            courier_id: Some(Some(self.courier_id.clone()).filter(|c| !c.is_empty())),
            lines: Some(self.lines(products)),
            address_id: Some(self.address_id.clone()),
            note: Some(Some(self.note.trim().to_string()).filter(|n| !n.is_empty())),
            deposit_bottles: self.deposit,
            deposit_reason: self.deposit_reason_input(),
            pinned: None,
            slot_check: self.slot_matches(),
            expected_version: Some(version),
        }
    }
}

/// Client-side checks before a submit; the texts are looked up by the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Address,
    Lines,
    Date,
    Courier,
}

pub fn catalogue_item(p: &Product) -> CatalogueItem<'_> {
    CatalogueItem {
        id: &p.id,
        name: &p.name,
        kind: p.kind,
        list_price: p.price,
        returnable: p.returnable,
    }
}

/// The order form's lines: first what this client orders most (units over
/// the orders on the card), then water (what most calls are about), then
/// the price list's own order.
pub fn lines_order<'a>(products: &'a [Product], card: &ClientCard) -> Vec<&'a Product> {
    let ordered = |id: &str| -> u64 {
        card.active_orders
            .iter()
            .chain(card.recent_orders.iter())
            .filter(|o| o.state != rodnik_shared::OrderState::Cancelled)
            .flat_map(|o| o.lines.iter())
            .filter(|l| l.product_id == id)
            .map(|l| u64::from(l.qty))
            .sum()
    };
    let mut list: Vec<(u64, bool, &Product)> = products
        .iter()
        .map(|p| {
            (
                ordered(&p.id),
                p.kind != rodnik_shared::ProductKind::Water,
                p,
            )
        })
        .collect();
    // Stable: equal keys keep the price list's order.
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    list.into_iter().map(|(_, _, p)| p).collect()
}

/// `09:00-13:00`, the value of a window in the form's select.
pub fn window_value(w: TimeWindow) -> String {
    let w = w.to_input();
    format!("{}-{}", w.from, w.to)
}

/// The water the client's rhythm expects and its product: the one kind of
/// water the last order had (none when it had none or several).
fn expected_water(card: &ClientCard) -> Option<(String, u32)> {
    let r = card.rhythm.as_ref().filter(|r| r.expected_qty > 0)?;
    let last = last_order(card)?;
    let water: Vec<&String> = last
        .lines
        .iter()
        .filter(|l| l.kind == rodnik_shared::ProductKind::Water)
        .map(|l| &l.product_id)
        .collect();
    match water.as_slice() {
        [id] => Some(((*id).clone(), r.expected_qty.min(rodnik_shared::Qty::MAX))),
        _ => None,
    }
}

/// The client's most recently created order, open or closed.
pub fn last_order(card: &ClientCard) -> Option<&Order> {
    card.active_orders
        .iter()
        .chain(card.recent_orders.iter())
        .max_by(|a, b| (&a.created_at, a.number).cmp(&(&b.created_at, b.number)))
}

/// Tomorrow, or Monday when tomorrow is Sunday (couriers do not drive then).
pub fn next_working_day(today: NaiveDate) -> NaiveDate {
    let mut d = today + Duration::days(1);
    if d.weekday() == Weekday::Sun {
        d += Duration::days(1);
    }
    d
}

/// Whether an error about `error_field` belongs next to the input for `key`:
/// `lines` takes `lines[2].qty`, `window` takes `window.to`.
pub fn field_matches(key: &str, error_field: &str) -> bool {
    error_field == key
        || error_field
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

/// The first error for the input `key`.
pub fn error_for<'a>(errors: &'a FieldErrors, key: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| field_matches(key, f))
        .map(|(_, m)| m.as_str())
}

/// Errors no input on the form claims (shown at the form's foot).
pub fn unplaced<'a>(errors: &'a FieldErrors, keys: &[String]) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|(f, _)| !keys.iter().any(|k| field_matches(k, f)))
        .map(|(_, m)| m.as_str())
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleState {
    pub today: NaiveDate,
    /// The call being handled: an order saved now is linked to it.
    pub call: Option<Box<CallWithMatches>>,
    /// A call that rang while the operator was typing; shown, not popped.
    pub waiting: Option<Box<CallWithMatches>>,
    pub panel: Panel,
    /// Contract prices of the client on screen, by product id.
    pub contract: HashMap<String, Money>,
    pub client_draft: ClientDraft,
    pub order: OrderDraft,
    /// The last order saved and dispatched from this console.
    pub saved: Option<Box<Order>>,
    /// Bumped when focus should move to the order form's first useful control.
    pub focus_order: u32,
    /// After a reload: the client that was on screen (its card is being
    /// fetched) and the order draft typed for them.
    pub restoring: Option<(String, Option<OrderDraft>)>,
}

/// What survives a page reload: the drafts (with their idempotency keys, so
/// a retry after the reload cannot create a second client or order), the
/// client on screen and the call being handled. The page keeps it in
/// sessionStorage under the user's id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    pub screen: Screen,
    pub call: Option<Box<CallWithMatches>>,
    pub client_draft: Option<ClientDraft>,
    pub order: Option<OrderDraft>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    #[default]
    Empty,
    /// The call's several matches.
    Choose,
    /// The client with this id.
    Card(String),
    NewClient,
}

impl Snapshot {
    pub fn is_empty(&self) -> bool {
        *self == Snapshot::default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything unreadable (another version's format, a hand edit).
    pub fn from_json(s: &str) -> Option<Snapshot> {
        serde_json::from_str(s).ok()
    }
}

pub enum ConsoleAction {
    Ringing(Box<CallWithMatches>),
    /// `call.answered` / `call.ended`: the call's new state.
    CallChanged(Box<CallWithMatches>),
    /// `call.answered` at another operator's extension: the pop is theirs.
    AnsweredElsewhere(Box<CallWithMatches>),
    TakeWaiting,
    /// Esc: the call is done; clear the screen.
    Close,
    Select(Box<ClientCard>),
    /// The card reloaded after a save: the draft stays.
    CardRefreshed(Box<ClientCard>),
    /// `client.updated` from the live channel: the client as it is now.
    ClientChanged(Box<ClientSummary>),
    /// Change this open order of the client on screen (the order form fills with it).
    ChangeOrder(Box<Order>),
    /// The history's "repeat": this order's lines, address, window and
    /// courier on a new order; the ids of the products on sale.
    RepeatOrder(Box<Order>, Vec<String>),
    /// Back from changing an order to a new one.
    StopChanging,
    /// The order being changed was cancelled.
    OrderCancelled(Box<Order>),
    ContractPrices(String, HashMap<String, Money>),
    NewClient(String),
    EditClient(ClientEdit),
    /// A save starts with this key; `anyway`: despite a same-phone duplicate.
    ClientSubmitting {
        key: String,
        anyway: bool,
    },
    ClientFailed(FieldErrors),
    ClientCreated(Box<ClientCard>),
    EditOrder(OrderEdit),
    /// Repeat the last order; the ids of the products on sale.
    RepeatLast(Vec<String>),
    OrderSubmitting(String),
    OrderFailed(FieldErrors),
    OrderCreated(Box<Order>),
    OrderDispatched(Box<Order>),
    /// The server's possible duplicates for a query about the client draft.
    Similar(SimilarQuery, Vec<SimilarClient>),
    /// Save was pressed while a client with one of the phones exists.
    ConfirmDuplicate,
    /// The card of the client that was on screen before a reload.
    Restored(Box<ClientCard>),
    /// The order form's windows are being asked for `key`.
    SlotsAsked(SlotKey),
    /// The answer for `key` (or why there is none).
    SlotsLoaded(SlotKey, Result<rodnik_shared::api::Slots, String>),
    /// The operator chose a window of the list.
    ChooseSlot(Box<SlotChoice>),
    /// 409 `slot_taken`: the server's message; the windows are asked again.
    SlotTaken(String),
    /// That client is gone (or unreadable).
    RestoreFailed,
}

impl ConsoleState {
    pub fn new(today: NaiveDate) -> ConsoleState {
        ConsoleState {
            today,
            call: None,
            waiting: None,
            panel: Panel::Empty,
            contract: HashMap::new(),
            client_draft: ClientDraft::default(),
            order: OrderDraft::default(),
            saved: None,
            focus_order: 0,
            restoring: None,
        }
    }

    /// A fresh console with what a reload left (`Snapshot::from_json`).
    pub fn restored(today: NaiveDate, snapshot: Option<Snapshot>) -> ConsoleState {
        let mut s = ConsoleState::new(today);
        if let Some(snap) = snapshot {
            s.restore(snap);
        }
        s
    }

    fn restore(&mut self, snap: Snapshot) {
        self.call = snap.call;
        if let Some(d) = snap.client_draft {
            self.client_draft = d;
        }
        match snap.screen {
            Screen::Empty => {}
            Screen::NewClient => self.panel = Panel::NewClient,
            Screen::Choose => {
                if let Some(c) = self.call.as_ref().filter(|c| c.matches.len() > 1) {
                    self.panel = Panel::Choose(c.matches.clone());
                }
            }
            Screen::Card(id) => self.restoring = Some((id, snap.order)),
        }
    }

    /// What to keep across a reload: drafts only while they hold something
    /// typed (or a pending attempt's key), so a saved order leaves nothing.
    pub fn snapshot(&self) -> Snapshot {
        let (screen, order) = match (&self.panel, &self.restoring) {
            (_, Some((id, order))) => (Screen::Card(id.clone()), order.clone()),
            (Panel::Empty, _) => (Screen::Empty, None),
            (Panel::Choose(_), _) => (Screen::Choose, None),
            (Panel::NewClient, _) => (Screen::NewClient, None),
            (Panel::Card(c), _) => {
                let o = &self.order;
                let typed = o.dirty || !o.key.is_empty() || o.created.is_some();
                (Screen::Card(c.client.id.clone()), typed.then(|| o.clone()))
            }
        };
        let d = &self.client_draft;
        let keep_client = d.is_typed()
            || !d.key.is_empty()
            || (self.panel == Panel::NewClient && !d.phones.trim().is_empty());
        Snapshot {
            screen,
            call: self.call.clone(),
            client_draft: keep_client.then(|| d.clone()),
            order,
        }
    }

    pub fn card(&self) -> Option<&ClientCard> {
        match &self.panel {
            Panel::Card(c) => Some(c),
            _ => None,
        }
    }

    /// Typing in progress that a pop must not throw away.
    pub fn is_busy(&self) -> bool {
        if self
            .restoring
            .as_ref()
            .is_some_and(|(_, o)| o.as_ref().is_some_and(|o| o.dirty))
        {
            return true;
        }
        match &self.panel {
            Panel::Card(_) => self.order.dirty || self.order.busy,
            Panel::NewClient => self.client_draft.is_typed() || self.client_draft.busy,
            _ => false,
        }
    }

    pub fn call_id(&self) -> Option<String> {
        self.call.as_ref().map(|c| c.call.id.clone())
    }

    /// The number calling, while a call is on screen.
    fn caller(&self) -> Option<&str> {
        self.call.as_ref().map(|c| c.call.from.as_str())
    }

    /// The id of the card's address whose contact phone is calling.
    pub fn caller_address(&self) -> Option<String> {
        let card = self.card()?;
        card.client
            .address_for_phone(self.caller()?)
            .map(|a| a.id.clone())
    }

    /// The client on screen changed (an edit here or elsewhere): its card
    /// follows, and an order draft on an address now retired moves to one in use.
    fn client_changed(&mut self, client: ClientSummary) -> bool {
        let Panel::Card(card) = &mut self.panel else {
            return false;
        };
        if card.client.id != client.id || card.client == client {
            return false;
        }
        card.client = client;
        let card = card.clone();
        self.keep_address_in_use(&card);
        true
    }

    fn keep_address_in_use(&mut self, card: &ClientCard) {
        let in_use = card
            .client
            .active_addresses()
            .any(|a| a.id == self.order.address_id);
        if !in_use && !self.order.address_id.is_empty() {
            self.order.address_id = card
                .client
                .active_addresses()
                .next()
                .map(|a| a.id.clone())
                .unwrap_or_default();
        }
    }

    fn select(&mut self, card: ClientCard) {
        self.order = OrderDraft::for_client(&card, self.today, self.caller());
        self.order.suggest(&card);
        if self.contract_for() != Some(card.client.id.as_str()) {
            self.contract.clear();
        }
        self.panel = Panel::Card(Box::new(card));
        self.focus_order += 1;
    }

    fn contract_for(&self) -> Option<&str> {
        self.card().map(|c| c.client.id.as_str())
    }

    fn take(&mut self, call: Box<CallWithMatches>) {
        let matches = call.matches.clone();
        let from = call.call.from.clone();
        self.call = Some(call);
        self.saved = None;
        self.restoring = None;
        match matches.len() {
            0 => {
                self.client_draft = ClientDraft::for_phone(&from);
                self.panel = Panel::NewClient;
            }
            1 => {
                let card = matches.into_iter().next().expect("one match");
                self.select(card);
            }
            _ => self.panel = Panel::Choose(matches),
        }
    }
}

impl Reducible for ConsoleState {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: ConsoleAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ConsoleAction::Ringing(call) => {
                let same = |c: &Option<Box<CallWithMatches>>| {
                    c.as_ref().is_some_and(|c| c.call.id == call.call.id)
                };
                if same(&s.call) || same(&s.waiting) {
                    return self;
                }
                if s.is_busy() {
                    s.waiting = Some(call);
                } else {
                    s.waiting = None;
                    s.take(call);
                }
            }
            ConsoleAction::CallChanged(call) => {
                let mut changed = false;
                for slot in [&mut s.call, &mut s.waiting] {
                    if let Some(c) = slot.as_mut().filter(|c| c.call.id == call.call.id) {
                        c.call = call.call.clone();
                        changed = true;
                    }
                }
                // A waiting call that ended unanswered is a missed call: the board's business.
                if s.waiting
                    .as_ref()
                    .is_some_and(|w| w.call.ended_at.is_some())
                {
                    s.waiting = None;
                }
                if !changed {
                    return self;
                }
            }
            ConsoleAction::AnsweredElsewhere(call) => {
                let is = |c: &Option<Box<CallWithMatches>>| {
                    c.as_ref().is_some_and(|c| c.call.id == call.call.id)
                };
                if is(&s.waiting) {
                    s.waiting = None;
                } else if is(&s.call) {
                    if s.is_busy() {
                        // Something is typed: keep it, the banner shows who answered.
                        if let Some(c) = s.call.as_mut() {
                            c.call = call.call.clone();
                        }
                    } else {
                        s.restoring = None;
                        s.call = None;
                        s.panel = Panel::Empty;
                        s.order = OrderDraft::default();
                        s.client_draft = ClientDraft::default();
                        s.contract.clear();
                    }
                } else {
                    return self;
                }
            }
            ConsoleAction::TakeWaiting => match s.waiting.take() {
                Some(call) => s.take(call),
                None => return self,
            },
            ConsoleAction::Close => {
                s.restoring = None;
                s.call = None;
                s.panel = Panel::Empty;
                s.order = OrderDraft::default();
                s.client_draft = ClientDraft::default();
                s.contract.clear();
                if let Some(w) = s.waiting.take() {
                    s.take(w);
                }
            }
            ConsoleAction::Select(card) => {
                s.saved = None;
                s.restoring = None;
                s.select(*card);
            }
            ConsoleAction::Restored(card) => match s.restoring.take() {
                // Still the one to restore (nothing else was picked meanwhile).
                Some((id, order)) if id == card.client.id => {
                    s.select(*card);
                    if let Some(o) = order {
                        s.order = o;
                    }
                }
                _ => return self,
            },
            ConsoleAction::CardRefreshed(card) => match &mut s.panel {
                Panel::Card(c) if c.client.id == card.client.id => {
                    *c = card.clone();
                    s.keep_address_in_use(&card);
                }
                _ => return self,
            },
            ConsoleAction::ClientChanged(client) => {
                if !s.client_changed(*client) {
                    return self;
                }
            }
            ConsoleAction::ChangeOrder(order) => {
                if s.card().map(|c| c.client.id.as_str()) != Some(order.client_id.as_str())
                    || !order.state.is_open()
                {
                    return self;
                }
                s.order = OrderDraft::from_order(&order);
                s.saved = None;
                s.focus_order += 1;
            }
            ConsoleAction::StopChanging => {
                let Some(card) = s.card() else { return self };
                s.order = OrderDraft::for_client(card, s.today, None);
            }
            ConsoleAction::OrderCancelled(order) => {
                if let Some(card) = s.card() {
                    s.order = OrderDraft::for_client(card, s.today, None);
                }
                s.saved = Some(order);
            }
            ConsoleAction::ContractPrices(client_id, prices) => {
                if s.contract_for() != Some(client_id.as_str()) {
                    return self;
                }
                s.contract = prices;
            }
            ConsoleAction::NewClient(phone) => {
                // A draft typed before (say, before opening a possible
                // duplicate) comes back unless another number is asked for.
                let keep = s.client_draft.is_typed()
                    && (phone.is_empty() || phone == s.client_draft.phones);
                if s.panel != Panel::NewClient && !keep {
                    s.client_draft = ClientDraft::for_phone(&phone);
                }
                s.panel = Panel::NewClient;
                s.saved = None;
                s.restoring = None;
            }
            ConsoleAction::EditClient(e) => s.client_draft.edit(e),
            ConsoleAction::ClientSubmitting { key, anyway } => {
                s.client_draft.key = key;
                s.client_draft.busy = true;
                s.client_draft.errors.clear();
                s.client_draft.confirm = false;
                s.client_draft.anyway |= anyway;
            }
            ConsoleAction::ClientFailed(errors) => {
                s.client_draft.busy = false;
                s.client_draft.errors = errors;
            }
            ConsoleAction::ClientCreated(card) => {
                s.client_draft = ClientDraft::default();
                s.select(*card);
            }
            ConsoleAction::EditOrder(e) => s.order.edit(e),
            ConsoleAction::RepeatOrder(order, catalogue) => {
                let Panel::Card(card) = &s.panel else {
                    return self;
                };
                let card = card.clone();
                if order.client_id != card.client.id {
                    return self;
                }
                if s.order.changing {
                    // A new order, not a change of the one on the form.
                    s.order = OrderDraft::for_client(&card, s.today, None);
                }
                s.order.repeat_order(&order, &card, &catalogue);
                s.saved = None;
            }
            ConsoleAction::RepeatLast(catalogue) => {
                let Panel::Card(card) = &s.panel else {
                    return self;
                };
                let card = card.clone();
                if !s.order.repeat(&card, &catalogue) {
                    return self;
                }
            }
            ConsoleAction::OrderSubmitting(key) => {
                s.order.key = key;
                s.order.busy = true;
                s.order.errors.clear();
            }
            ConsoleAction::OrderFailed(errors) => {
                s.order.busy = false;
                s.order.errors = errors;
            }
            ConsoleAction::OrderCreated(order) => s.order.created = Some(order),
            ConsoleAction::OrderDispatched(order) => {
                if let Some(card) = s.card() {
                    let mut fresh = OrderDraft::for_client(card, s.today, None);
                    // The next order is most likely for the same place and courier.
                    fresh.address_id = order.address.id.clone();
                    fresh.courier_id = order.courier_id.clone().unwrap_or_default();
                    s.order = fresh;
                } else {
                    s.order = OrderDraft::default();
                }
                s.saved = Some(order);
            }
            ConsoleAction::Similar(query, found) => {
                let d = &mut s.client_draft;
                if d.similar_query().as_ref() != Some(&query) {
                    return self;
                }
                if d.similar_for.as_ref() == Some(&query) && d.similar == found {
                    return self;
                }
                d.similar = found;
                d.similar_for = Some(query);
            }
            ConsoleAction::ConfirmDuplicate => {
                s.client_draft.busy = false;
                s.client_draft.confirm = true;
            }
            ConsoleAction::SlotsAsked(key) => {
                if s.order.slots.key() == Some(&key)
                    && !matches!(s.order.slots, SlotsView::Failed(..))
                {
                    return self;
                }
                let last = match std::mem::take(&mut s.order.slots) {
                    SlotsView::Ready(_, slots) => Some(Box::new(slots)),
                    SlotsView::Loading(_, last) => last,
                    _ => None,
                };
                s.order.slots = SlotsView::Loading(key, last);
            }
            ConsoleAction::SlotsLoaded(key, answer) => {
                if s.order.slots.key() != Some(&key) {
                    return self;
                }
                s.order.slots_answered(key, answer);
            }
            ConsoleAction::ChooseSlot(c) => {
                if !c.feasible {
                    return self;
                }
                s.order.take_slot(c.chosen());
                s.order.picked = true;
                s.order.dirty = true;
            }
            ConsoleAction::SlotTaken(message) => {
                s.order.busy = false;
                s.order.errors = vec![("slot".into(), message)];
                // The same body again would get the same answer.
                s.order.key.clear();
                s.order.slots = SlotsView::None;
                s.order.slots_nonce += 1;
            }
            ConsoleAction::RestoreFailed => {
                if s.restoring.take().is_none() {
                    return self;
                }
            }
        }
        Rc::new(s)
    }
}

pub type ConsoleDispatcher = UseReducerDispatcher<ConsoleState>;

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::CallState;
    use rodnik_shared::api::{Address, Call, ClientSummary, OrderLine};
    use rodnik_shared::{OrderState, Phone, ProductKind};

    fn address(id: &str) -> Address {
        Address {
            id: id.into(),
            text: format!("{id} street"),
            label: None,
            contact_name: None,
            contact_phone: None,
            ..Default::default()
        }
    }

    fn order(number: i64, created_at: &str, addr: &str, courier: &str, qty: u32) -> Order {
        Order {
            id: format!("o{number}"),
            number,
            state: OrderState::Delivered,
            version: 3,
            client_id: "c1".into(),
            client_name: "Ivanov".into(),
            client_kind: ClientKind::Individual,
            address: address(addr),
            lines: vec![OrderLine {
                product_id: "water".into(),
                name: "Water 19 L".into(),
                kind: ProductKind::Water,
                qty,
                price: Money(25000),
                amount: Money(25000 * i64::from(qty)),
                returnable: true,
            }],
            total: Money(25000 * i64::from(qty)),
            delivery_date: "2025-11-20".into(),
            window: TimeWindow::standard().get(1).copied(),
            courier_id: Some(courier.into()),
            courier_name: Some(format!("{courier} name")),
            created_by: "op".into(),
            created_at: created_at.into(),
            updated_at: created_at.into(),
            attempts: vec![],
            note: None,
            call_id: None,
            standing_id: None,
            confirmed_at: None,
            route_pos: 0,
            pinned: false,
            cash_collected: None,
            payments: vec![],
            empties_returned: None,
            empties_note: None,
            empties_expected: None,
            deposit: None,
            equipment: vec![],
            delivered_at: None,
            cancel_reason: None,
            cancel_reason_id: None,
            needs_new_date: false,
            ordered: None,
            reschedules: vec![],
            proposal: None,
        }
    }

    fn card(orders: Vec<Order>) -> ClientCard {
        ClientCard {
            client: ClientSummary {
                id: "c1".into(),
                kind: ClientKind::Individual,
                name: "Ivanov".into(),
                phones: vec![Phone::from_e164_unchecked("+79123456789")],
                addresses: vec![address("a1"), address("a2")],
                inn: None,
                note: None,
                bottles_held: 2,
                deposit_bottles: 0,
                deposit_held: rodnik_shared::Money::ZERO,
                balance: rodnik_shared::Money::ZERO,
                contract: None,
                requisites: None,
                version: 0,
                noted_at: None,
            },
            active_orders: vec![],
            recent_orders: orders,
            account: Default::default(),
            rhythm: None,
        }
    }

    fn product(id: &str, price: i64) -> Product {
        Product {
            id: id.into(),
            sku: id.into(),
            name: id.into(),
            kind: ProductKind::Water,
            unit: "pc".into(),
            price: Money(price),
            returnable: true,
        }
    }

    #[test]
    fn the_order_form_lists_what_the_client_orders_most_then_water() {
        let goods = |id: &str| Product {
            kind: ProductKind::Goods,
            ..product(id, 1000)
        };
        let list = vec![
            goods("cooler"),
            goods("pump"),
            product("water", 25000),
            goods("cups"),
        ];
        let names = |card: &ClientCard| -> Vec<String> {
            lines_order(&list, card)
                .iter()
                .map(|p| p.id.clone())
                .collect()
        };
        // No history: water first, then the price list's order.
        assert_eq!(names(&card(vec![])), ["water", "cooler", "pump", "cups"]);
        // Cups ordered more than water: cups first; a cancelled order does not count.
        let mut cups = order(1, "2025-11-01T10:00:00Z", "a", "k", 1);
        cups.lines[0].product_id = "cups".into();
        cups.lines[0].qty = 5;
        let mut cancelled = order(2, "2025-11-02T10:00:00Z", "a", "k", 1);
        cancelled.lines[0].product_id = "pump".into();
        cancelled.lines[0].qty = 50;
        cancelled.state = OrderState::Cancelled;
        let with = card(vec![
            cups,
            cancelled,
            order(3, "2025-11-03T10:00:00Z", "a", "k", 2),
        ]);
        assert_eq!(names(&with), ["cups", "water", "cooler", "pump"]);
    }

    fn call(id: &str, matches: Vec<ClientCard>) -> Box<CallWithMatches> {
        Box::new(CallWithMatches {
            call: Call {
                id: id.into(),
                call_id: id.into(),
                from: "+79120000000".into(),
                to: "+74950000000".into(),
                extension: Some("101".into()),
                state: CallState::Ringing,
                started_at: "2025-11-27T10:00:00Z".into(),
                answered_at: None,
                ended_at: None,
                missed: false,
                client_ids: vec![],
                order_ids: vec![],
                called_back_at: None,
                called_back_by: None,
                client_names: vec![],
            },
            matches,
        })
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn next_working_day_skips_sunday() {
        assert_eq!(next_working_day(day("2025-11-27")), day("2025-11-28")); // Thu -> Fri
        assert_eq!(next_working_day(day("2025-11-29")), day("2025-12-01")); // Sat -> Mon
        assert_eq!(next_working_day(day("2025-11-30")), day("2025-12-01")); // Sun -> Mon
    }

    #[test]
    fn draft_defaults_to_the_last_orders_address_and_courier() {
        let c = card(vec![
            order(1, "2025-10-01T09:00:00Z", "a1", "k1", 1),
            order(2, "2025-11-01T09:00:00Z", "a2", "k2", 3),
        ]);
        let d = OrderDraft::for_client(&c, day("2025-11-27"), None);
        assert_eq!(d.address_id, "a2");
        assert_eq!(d.courier_id, "k2");
        assert_eq!(d.date, "2025-11-28");
        assert_eq!(d.window, "13:00-18:00");
        assert!(d.qty.is_empty());
        let new_client = OrderDraft::for_client(&card(vec![]), day("2025-11-27"), None);
        assert_eq!(new_client.address_id, "a1");
        assert_eq!(new_client.courier_id, "");
    }

    #[test]
    fn a_call_from_an_address_contact_picks_that_address_and_retired_ones_are_never_picked() {
        let mut c = card(vec![order(2, "2025-11-01T09:00:00Z", "a2", "k2", 3)]);
        c.client.addresses[0].contact_phone = Some(Phone::from_e164_unchecked("+79120000000"));
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Ringing(call("c1", vec![c.clone()])));
        assert_eq!(
            s.order.address_id, "a1",
            "the caller's address, not the last order's"
        );
        assert_eq!(s.caller_address().as_deref(), Some("a1"));
        // The client's own number: the usual default.
        let mut own = c.clone();
        own.client
            .phones
            .push(Phone::from_e164_unchecked("+79120000000"));
        let s2 = Rc::new(ConsoleState::new(day("2025-11-27")))
            .reduce(ConsoleAction::Ringing(call("c2", vec![own])));
        assert_eq!(s2.order.address_id, "a2");
        assert_eq!(s2.caller_address(), None);
        // Another operator retires the chosen address: the draft moves on.
        let mut changed = c.client.clone();
        changed.addresses[0].retired = true;
        changed.version += 1;
        let s = s.reduce(ConsoleAction::ClientChanged(Box::new(changed)));
        assert_eq!(s.order.address_id, "a2");
        assert_eq!(s.card().map(|c| c.client.version), Some(1));
        // Another client's change is not news here.
        let mut other = c.client.clone();
        other.id = "c9".into();
        let before = s.clone();
        let s = s.reduce(ConsoleAction::ClientChanged(Box::new(other)));
        assert!(Rc::ptr_eq(&before, &s));
        // No default lands on a retired address.
        let mut c3 = card(vec![order(2, "2025-11-01T09:00:00Z", "a2", "k2", 3)]);
        c3.client.addresses[1].retired = true;
        assert_eq!(
            OrderDraft::for_client(&c3, day("2025-11-27"), None).address_id,
            "a1"
        );
    }

    #[test]
    fn changing_an_open_order_fills_the_form_with_it_and_saves_it_as_a_change() {
        let mut open = order(5, "2025-11-20T09:00:00Z", "a2", "k2", 4);
        open.state = OrderState::Delivery;
        open.note = Some("домофон".into());
        let mut c = card(vec![]);
        c.active_orders = vec![open.clone()];
        let s = Rc::new(ConsoleState::new(day("2025-11-27")))
            .reduce(ConsoleAction::Select(Box::new(c)));
        let s = s.reduce(ConsoleAction::ChangeOrder(Box::new(open.clone())));
        let d = &s.order;
        assert!(d.changing);
        assert_eq!(
            d.created.as_ref().map(|o| o.id.as_str()),
            Some(open.id.as_str())
        );
        assert_eq!((d.address_id.as_str(), d.courier_id.as_str()), ("a2", "k2"));
        assert_eq!(d.qty.values().copied().collect::<Vec<_>>(), vec![4]);
        assert_eq!(d.date, open.delivery_date);
        assert_eq!(d.note, "домофон");
        // The save is a PATCH of that order at its version.
        let p = d.to_patch(&[], open.version);
        assert_eq!(p.expected_version, Some(open.version));
        // Back to a new order.
        let back = s.clone().reduce(ConsoleAction::StopChanging);
        assert!(!back.order.changing && back.order.created.is_none());
        // Cancelled: the banner shows it, the form is a new order again.
        let mut gone = open.clone();
        gone.state = OrderState::Cancelled;
        let s = s.reduce(ConsoleAction::OrderCancelled(Box::new(gone)));
        assert!(!s.order.changing);
        assert_eq!(
            s.saved.as_ref().map(|o| o.state),
            Some(OrderState::Cancelled)
        );
        // A closed order cannot be changed.
        let mut done = open;
        done.state = OrderState::Delivered;
        let before = s.clone();
        assert!(Rc::ptr_eq(
            &before,
            &s.reduce(ConsoleAction::ChangeOrder(Box::new(done)))
        ));
    }

    #[test]
    fn repeat_last_fills_lines_from_the_latest_order() {
        let c = card(vec![
            order(2, "2025-11-01T09:00:00Z", "a2", "k2", 3),
            order(1, "2025-10-01T09:00:00Z", "a1", "k1", 1),
        ]);
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Select(Box::new(c)));
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Courier("k9".into())));
        assert!(s.order.dirty);
        let s = s.reduce(ConsoleAction::RepeatLast(vec!["water".into()]));
        assert_eq!(s.order.qty.get("water"), Some(&3));
        assert_eq!(s.order.courier_id, "k2");
        let products = [product("water", 25000), product("cups", 100)];
        assert_eq!(s.order.total(&products, &HashMap::new()), Money(75000));
        let contract = HashMap::from([("water".to_string(), Money(20000))]);
        assert_eq!(s.order.total(&products, &contract), Money(60000));
        assert!(s.order.missing(&products).is_empty());
    }

    #[test]
    fn repeat_last_brings_the_water_the_rhythm_expects_not_a_one_off() {
        let mut c = card(vec![
            order(2, "2025-11-01T09:00:00Z", "a2", "k2", 12),
            order(1, "2025-10-01T09:00:00Z", "a1", "k1", 6),
        ]);
        c.rhythm = Some(rodnik_shared::api::ClientRhythm {
            expected_on: "2025-11-27".into(),
            expected_qty: 6,
            typical_interval_days: 14.0,
            at_risk_after: "2025-12-11".into(),
            last_on: "2025-11-01".into(),
            basis: 5,
            due: true,
            at_risk: false,
        });
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Select(Box::new(c.clone())));
        // A new order starts with the water the rhythm expects.
        assert_eq!(s.order.qty.get("water"), Some(&6));
        assert_eq!(s.order.qty.len(), 1);
        let s = s.reduce(ConsoleAction::RepeatLast(vec!["water".into()]));
        assert_eq!(s.order.qty.get("water"), Some(&6));
        assert_eq!(s.order.courier_id, "k2");
        // Without a rhythm the form starts empty.
        c.rhythm = None;
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Select(Box::new(c)));
        assert!(s.order.qty.is_empty());
    }

    #[test]
    fn a_call_pops_by_number_of_matches() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let none = s.clone().reduce(ConsoleAction::Ringing(call("k1", vec![])));
        assert_eq!(none.panel, Panel::NewClient);
        assert_eq!(none.client_draft.phones, "+79120000000");
        let one = s
            .clone()
            .reduce(ConsoleAction::Ringing(call("k1", vec![card(vec![])])));
        assert!(matches!(one.panel, Panel::Card(_)));
        assert_eq!(one.call_id().as_deref(), Some("k1"));
        let two = s.reduce(ConsoleAction::Ringing(call(
            "k1",
            vec![card(vec![]), card(vec![])],
        )));
        assert!(matches!(two.panel, Panel::Choose(ref m) if m.len() == 2));
    }

    #[test]
    fn a_call_answered_at_another_extension_leaves_this_screen() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let popped = s.reduce(ConsoleAction::Ringing(call("k1", vec![card(vec![])])));
        let mut taken = call("k1", vec![]);
        taken.call.state = CallState::Answered;
        taken.call.extension = Some("102".into());
        let gone = popped
            .clone()
            .reduce(ConsoleAction::AnsweredElsewhere(taken.clone()));
        assert!(gone.call.is_none());
        assert_eq!(gone.panel, Panel::Empty);
        // With something typed, the draft stays and the call shows as answered.
        let typing = popped.reduce(ConsoleAction::EditOrder(OrderEdit::Note("x".into())));
        let kept = typing.reduce(ConsoleAction::AnsweredElsewhere(taken.clone()));
        assert_eq!(
            kept.call.as_ref().map(|c| c.call.state),
            Some(CallState::Answered)
        );
        assert_eq!(kept.order.note, "x");
        // A waiting call taken elsewhere is dropped.
        let busy = Rc::new(ConsoleState::new(day("2025-11-27")))
            .reduce(ConsoleAction::Ringing(call("k0", vec![card(vec![])])))
            .reduce(ConsoleAction::EditOrder(OrderEdit::Note("y".into())))
            .reduce(ConsoleAction::Ringing(call("k1", vec![])));
        assert!(busy.waiting.is_some());
        let dropped = busy.reduce(ConsoleAction::AnsweredElsewhere(taken));
        assert!(dropped.waiting.is_none());
        assert_eq!(dropped.call_id().as_deref(), Some("k0"));
    }

    #[test]
    fn a_call_never_throws_away_typing() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Ringing(call("k1", vec![])));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name("Petrov".into())));
        let s = s.reduce(ConsoleAction::Ringing(call("k2", vec![card(vec![])])));
        assert_eq!(s.panel, Panel::NewClient);
        assert_eq!(s.client_draft.name, "Petrov");
        assert!(s.waiting.is_some());
        let s = s.reduce(ConsoleAction::ClientFailed(vec![(
            "addresses[0].text".into(),
            "is required".into(),
        )]));
        assert_eq!(s.client_draft.name, "Petrov");
        assert_eq!(
            error_for(&s.client_draft.errors, "addresses[0].text"),
            Some("is required")
        );
        let s = s.reduce(ConsoleAction::TakeWaiting);
        assert!(matches!(s.panel, Panel::Card(_)));
    }

    #[test]
    fn edits_drop_the_idempotency_key_and_their_error() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Select(Box::new(card(vec![]))));
        let s = s.reduce(ConsoleAction::OrderSubmitting("key-1".into()));
        let s = s.reduce(ConsoleAction::OrderFailed(vec![
            ("lines[0].qty".into(), "must be positive".into()),
            ("courier_id".into(), "no such courier".into()),
        ]));
        assert_eq!(s.order.key, "key-1", "a retry keeps the key");
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Qty("water".into(), 2)));
        assert_eq!(s.order.key, "");
        assert_eq!(error_for(&s.order.errors, "lines"), None);
        assert_eq!(
            error_for(&s.order.errors, "courier_id"),
            Some("no such courier")
        );
    }

    #[test]
    fn field_errors_find_their_inputs() {
        assert!(field_matches("lines", "lines[2].qty"));
        assert!(field_matches("window", "window.to"));
        assert!(field_matches("phones", "phones[1]"));
        assert!(!field_matches("note", "notes"));
        let errs: FieldErrors = vec![("inn".into(), "bad".into()), ("name".into(), "req".into())];
        assert_eq!(unplaced(&errs, &["name".to_string()]), vec!["bad"]);
    }

    #[test]
    fn client_request_splits_phones_and_drops_blank_contacts() {
        let mut d = ClientDraft::for_phone("+79120000000, 8 912 111-22-33");
        d.name = " Petrov ".into();
        d.addresses[0].text = "Lenina 1".into();
        let r = d.to_request();
        assert_eq!(r.phones, vec!["+79120000000", "8 912 111-22-33"]);
        assert_eq!(r.name, "Petrov");
        assert_eq!(r.addresses[0].contact_name, None);
    }

    fn similar(reasons: Vec<SimilarReason>) -> SimilarClient {
        SimilarClient {
            client: card(vec![]).client,
            reasons,
            phones: vec![],
            address_ids: vec![],
        }
    }

    #[test]
    fn similar_answers_count_only_for_what_is_typed_now() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::NewClient(String::new()));
        assert_eq!(
            s.client_draft.similar_query(),
            None,
            "nothing typed, nothing asked"
        );
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Phones(
            "8 912 3".into(),
        )));
        assert_eq!(s.client_draft.similar_query(), None, "too short a number");
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Phones(
            "8 912 345-67-89".into(),
        )));
        let q = s.client_draft.similar_query().expect("a query");
        assert_eq!(q.phones, "8 912 345-67-89");
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name("Ivanov".into())));
        // The answer to the number alone is stale now: dropped.
        let s = s.reduce(ConsoleAction::Similar(
            q,
            vec![similar(vec![SimilarReason::Phone])],
        ));
        assert!(s.client_draft.similar.is_empty());
        assert!(!s.client_draft.phone_duplicate());
        let q = s.client_draft.similar_query().expect("a query");
        assert_eq!(q.name, "Ivanov");
        let s = s.reduce(ConsoleAction::Similar(
            q,
            vec![similar(vec![SimilarReason::Phone, SimilarReason::Name])],
        ));
        assert!(s.client_draft.similar_fresh());
        assert!(s.client_draft.phone_duplicate());
        // Typing on keeps the list on screen until the next answer.
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name(
            "Ivanov I".into(),
        )));
        assert!(!s.client_draft.similar_fresh());
        assert_eq!(s.client_draft.similar.len(), 1);
    }

    #[test]
    fn a_same_phone_duplicate_needs_create_anyway_until_the_phones_change() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::NewClient("+79123456789".into()));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name("Petrov".into())));
        let q = s.client_draft.similar_query().expect("a query");
        let s = s.reduce(ConsoleAction::Similar(
            q,
            vec![similar(vec![SimilarReason::Phone])],
        ));
        let s = s.reduce(ConsoleAction::ClientSubmitting {
            key: "k1".into(),
            anyway: false,
        });
        let s = s.reduce(ConsoleAction::ConfirmDuplicate);
        assert!(s.client_draft.confirm && !s.client_draft.busy);
        assert_eq!(s.client_draft.key, "k1", "the same body keeps its key");
        let s = s.reduce(ConsoleAction::ClientSubmitting {
            key: "k1".into(),
            anyway: true,
        });
        assert!(!s.client_draft.confirm);
        let s = s.reduce(ConsoleAction::ClientFailed(vec![(
            "addresses[0].text".into(),
            "is required".into(),
        )]));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::AddressText(
            0,
            "Lenina 1".into(),
        )));
        assert!(
            s.client_draft.anyway,
            "asked once is enough for these phones"
        );
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Phones(
            "+79120000001".into(),
        )));
        assert!(!s.client_draft.anyway);
    }

    #[test]
    fn opening_a_duplicate_and_coming_back_keeps_the_typed_client() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::NewClient(String::new()));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name("Petrov".into())));
        let s = s.reduce(ConsoleAction::Select(Box::new(card(vec![]))));
        assert!(matches!(s.panel, Panel::Card(_)));
        let s = s.reduce(ConsoleAction::NewClient(String::new()));
        assert_eq!(s.client_draft.name, "Petrov");
        let s = s.reduce(ConsoleAction::Close);
        let s = s.reduce(ConsoleAction::NewClient("+79120000000".into()));
        assert_eq!(s.client_draft.name, "");
    }

    /// Through JSON, as the page stores it.
    fn reload(s: &ConsoleState) -> ConsoleState {
        let json = s.snapshot().to_json();
        ConsoleState::restored(s.today, Snapshot::from_json(&json))
    }

    #[test]
    fn a_reload_keeps_the_new_client_draft_and_its_key_but_not_errors() {
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Ringing(call("k1", vec![])));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Kind(
            ClientKind::Legal,
        )));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::Name(
            "ООО «Ромашка»".into(),
        )));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::AddAddress));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::AddressText(
            1,
            "Lenina 5".into(),
        )));
        let s = s.reduce(ConsoleAction::EditClient(ClientEdit::ContactName(
            1,
            "Anna".into(),
        )));
        let s = s.reduce(ConsoleAction::ClientSubmitting {
            key: "key-7".into(),
            anyway: false,
        });
        let s = s.reduce(ConsoleAction::ClientFailed(vec![(
            "name".into(),
            "bad".into(),
        )]));

        let r = reload(&s);
        assert_eq!(r.panel, Panel::NewClient);
        assert_eq!(r.call_id().as_deref(), Some("k1"), "the call being handled");
        let d = &r.client_draft;
        assert_eq!(d.kind, ClientKind::Legal);
        assert_eq!(d.name, "ООО «Ромашка»");
        assert_eq!(d.phones, "+79120000000");
        assert_eq!(d.addresses.len(), 2);
        assert_eq!(d.addresses[1].text, "Lenina 5");
        assert_eq!(d.addresses[1].contact_name, "Anna");
        assert_eq!(
            d.key, "key-7",
            "a retry after the reload is the same request"
        );
        assert!(d.errors.is_empty() && !d.busy);
        assert_eq!(d.to_request().name, s.client_draft.to_request().name);

        // Saved: nothing of it is kept.
        let s = s.reduce(ConsoleAction::ClientCreated(Box::new(card(vec![]))));
        let snap = s.snapshot();
        assert_eq!(snap.client_draft, None);
        assert_eq!(snap.screen, Screen::Card("c1".into()));
    }

    #[test]
    fn a_reload_brings_back_the_client_on_screen_with_the_order_typed() {
        let c = card(vec![order(1, "2025-10-01T09:00:00Z", "a1", "k1", 1)]);
        let s = Rc::new(ConsoleState::new(day("2025-11-27")));
        let s = s.reduce(ConsoleAction::Select(Box::new(c.clone())));
        assert_eq!(s.snapshot().order, None, "defaults are not worth keeping");
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Qty("water".into(), 3)));
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Note("gate 4".into())));
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Address("a2".into())));
        let s = s.reduce(ConsoleAction::OrderSubmitting("key-9".into()));
        // Created, then the dispatch failed (or the page went away).
        let s = s.reduce(ConsoleAction::OrderCreated(Box::new(order(
            7,
            "2025-11-27T10:00:00Z",
            "a2",
            "k1",
            3,
        ))));

        let r = Rc::new(reload(&s));
        assert_eq!(r.panel, Panel::Empty, "the card is fetched again");
        assert!(r.is_busy(), "a ring waits rather than drop the draft");
        assert_eq!(r.restoring.as_ref().map(|(id, _)| id.as_str()), Some("c1"));
        let r = r.reduce(ConsoleAction::Restored(Box::new(c.clone())));
        assert_eq!(r.order.qty.get("water"), Some(&3));
        assert_eq!(r.order.note, "gate 4");
        assert_eq!(r.order.address_id, "a2");
        assert_eq!(r.order.key, "key-9");
        assert_eq!(r.order.created.as_ref().map(|o| o.number), Some(7));
        assert!(!r.order.busy && r.restoring.is_none());
        let products = [product("water", 25000)];
        assert_eq!(
            r.order.to_request("c1", &products, None).lines.len(),
            s.order.to_request("c1", &products, None).lines.len()
        );

        // A different client picked meanwhile gets its own defaults, and
        // keeps the screen when the restored card arrives late.
        let other = Rc::new(reload(&s));
        let mut c2 = card(vec![]);
        c2.client.id = "c2".into();
        let other = other.reduce(ConsoleAction::Select(Box::new(c2)));
        assert!(other.order.qty.is_empty() && other.order.key.is_empty());
        let other = other.reduce(ConsoleAction::Restored(Box::new(c.clone())));
        assert!(matches!(&other.panel, Panel::Card(k) if k.client.id == "c2"));
        // The client is gone: nothing is waiting any more.
        let gone = Rc::new(reload(&s)).reduce(ConsoleAction::RestoreFailed);
        assert!(gone.restoring.is_none() && !gone.is_busy());

        // Dispatched: the draft is cleared, the client stays on screen.
        let s = s.reduce(ConsoleAction::OrderDispatched(Box::new(order(
            7,
            "2025-11-27T10:00:00Z",
            "a2",
            "k1",
            3,
        ))));
        let snap = s.snapshot();
        assert_eq!(snap.order, None);
        assert_eq!(snap.screen, Screen::Card("c1".into()));
    }

    #[test]
    fn an_empty_or_unreadable_snapshot_restores_nothing() {
        let s = ConsoleState::new(day("2025-11-27"));
        assert!(s.snapshot().is_empty());
        assert_eq!(Snapshot::from_json("not json"), None);
        assert_eq!(Snapshot::from_json(r#"{"screen": 5}"#), None);
        let old = Snapshot::from_json(r#"{"screen": "new_client", "future_field": 1}"#);
        assert_eq!(old.map(|s| s.screen), Some(Screen::NewClient));
        let r = ConsoleState::restored(day("2025-11-27"), Snapshot::from_json("{}"));
        assert_eq!(r, s);
    }

    #[test]
    fn a_held_order_counts_its_goods_and_deposit_and_a_manager_may_allow_it() {
        let products = vec![product("water", 25000)];
        let mut c = card(vec![]);
        c.client.kind = ClientKind::Legal;
        c.client.bottles_held = 0;
        c.account = rodnik_shared::api::AccountSummary {
            balance: Money(1_500_000),
            open_orders: Money(400_000),
            contract: Some(rodnik_shared::api::Contract {
                credit_limit: Some(Money(2_000_000)),
                ..Default::default()
            }),
            ..Default::default()
        };
        let settings = rodnik_shared::api::BottleSettings {
            deposit_price: Money(30_000),
            ..Default::default()
        };
        let today = day("2026-12-04");
        let mut d = OrderDraft::for_client(&c, today, None);
        let hold = |d: &OrderDraft| d.credit_hold(&c, &products, &HashMap::new(), &settings, today);
        assert_eq!(hold(&d), None, "an empty order fits");
        // Two bottles: 500 ₽ of water and 600 ₽ of deposit pass the 1 000 ₽ left.
        d.edit(OrderEdit::Qty("water".into(), 2));
        assert_eq!(
            d.deposit_money(&c.client, &products, &settings),
            Money(60_000)
        );
        assert_eq!(
            hold(&d),
            Some((rodnik_shared::api::CreditHold::OverLimit, Money(110_000)))
        );
        // Without the deposit it fits.
        d.edit(OrderEdit::Deposit(Some(0)));
        assert_eq!(hold(&d), None);
        // The manager's allowance goes with the request and is an edit.
        d.key = "k1".into();
        d.edit(OrderEdit::AllowCredit(true));
        assert!(d.key.is_empty() && d.dirty);
        assert!(d.to_request("c1", &products, None).allow_credit);
        // A change of an order taken earlier is never held.
        d.edit(OrderEdit::Deposit(None));
        d.changing = true;
        assert_eq!(hold(&d), None);
    }

    fn slots_for(date: &str, best_window: usize, courier: &str) -> rodnik_shared::api::Slots {
        use rodnik_shared::api::{SlotDay, SlotWindow, Slots};
        let w = |from: &str, to: &str, feasible: bool, minutes: u32| SlotWindow {
            from: from.into(),
            to: to.into(),
            feasible,
            courier_id: feasible.then(|| courier.to_string()),
            courier_name: feasible.then(|| format!("{courier} name")),
            added_minutes: feasible.then_some(minutes),
            added_km: None,
            eta: feasible.then(|| "14:10".to_string()),
            reason: (!feasible).then_some(rodnik_shared::api::SlotReason::Full),
        };
        Slots {
            days: vec![SlotDay {
                date: date.into(),
                windows: vec![
                    w("09:00", "13:00", true, 25),
                    w("13:00", "18:00", true, 8),
                    w("18:00", "21:00", false, 0),
                ],
                best: Some(best_window),
            }],
        }
    }

    #[test]
    fn the_best_slot_is_preselected_and_saved_with_a_check_until_the_operator_chooses() {
        let products = vec![product("water", 25000)];
        let today = day("2025-11-27");
        let s = Rc::new(ConsoleState::new(today));
        // The last order: window 13-18 with k1, to a1.
        let s = s.reduce(ConsoleAction::Select(Box::new(card(vec![order(
            1,
            "2025-11-01T09:00:00Z",
            "a1",
            "k1",
            2,
        )]))));
        assert_eq!(
            s.order.slot_key("c1", &products, today),
            None,
            "no lines yet"
        );
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Qty("water".into(), 3)));
        let key = s.order.slot_key("c1", &products, today).expect("asked now");
        assert_eq!((key.qty, key.address_id.as_str()), (3, "a1"));
        // An answer to another question is ignored.
        let other = SlotKey {
            qty: 9,
            ..key.clone()
        };
        let s = s.reduce(ConsoleAction::SlotsAsked(key.clone()));
        let s = s.reduce(ConsoleAction::SlotsLoaded(
            other,
            Ok(slots_for("2025-11-28", 1, "k2")),
        ));
        assert!(matches!(s.order.slots, SlotsView::Loading(..)));
        // The best (13-18 on the 28th with k2) is preselected over the defaults.
        let s = s.reduce(ConsoleAction::SlotsLoaded(
            key.clone(),
            Ok(slots_for("2025-11-28", 1, "k2")),
        ));
        assert_eq!(
            (
                s.order.date.as_str(),
                s.order.window.as_str(),
                s.order.courier_id.as_str()
            ),
            ("2025-11-28", "13:00-18:00", "k2")
        );
        assert!(s.order.slot_matches());
        let req = s.order.to_request("c1", &products, None);
        assert!(req.slot_check, "a slot the form offered is checked again");
        // The operator picks another window of the list.
        let list = crate::state::planning::ranked(match &s.order.slots {
            SlotsView::Ready(_, sl) => sl,
            other => panic!("{other:?}"),
        });
        let morning = list
            .iter()
            .find(|c| c.window == "09:00-13:00")
            .expect("offered")
            .clone();
        let s = s.reduce(ConsoleAction::ChooseSlot(Box::new(morning)));
        assert_eq!(s.order.window, "09:00-13:00");
        assert!(s.order.picked && s.order.dirty);
        // A later answer no longer moves what the operator chose.
        let key = s.order.slot_key("c1", &products, today).expect("asked");
        let s = s.reduce(ConsoleAction::SlotsAsked(key.clone()));
        let s = s.reduce(ConsoleAction::SlotsLoaded(
            key,
            Ok(slots_for("2025-11-28", 1, "k3")),
        ));
        assert_eq!(
            (s.order.window.as_str(), s.order.courier_id.as_str()),
            ("09:00-13:00", "k2")
        );
        // A window that cannot be promised is not taken.
        let full = list.iter().find(|c| !c.feasible).expect("full").clone();
        let before = s.order.clone();
        let s = s.reduce(ConsoleAction::ChooseSlot(Box::new(full)));
        assert_eq!(s.order, before);
        // A courier changed by hand: no longer the slot offered, no check.
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Courier("k1".into())));
        assert!(!s.order.slot_matches());
        assert!(!s.order.to_request("c1", &products, None).slot_check);
    }

    #[test]
    fn a_slot_taken_meanwhile_keeps_the_typing_and_asks_again() {
        let products = vec![product("water", 25000)];
        let today = day("2025-11-27");
        let s = Rc::new(ConsoleState::new(today));
        let s = s.reduce(ConsoleAction::Select(Box::new(card(vec![]))));
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Qty("water".into(), 2)));
        let s = s.reduce(ConsoleAction::EditOrder(OrderEdit::Note(
            "домофон 12".into(),
        )));
        let key = s.order.slot_key("c1", &products, today).expect("asked");
        let s = s.reduce(ConsoleAction::SlotsAsked(key.clone()));
        let s = s.reduce(ConsoleAction::SlotsLoaded(
            key,
            Ok(slots_for("2025-11-28", 1, "k2")),
        ));
        let s = s.reduce(ConsoleAction::OrderSubmitting("key-1".into()));
        let nonce = s.order.slots_nonce;
        let s = s.reduce(ConsoleAction::SlotTaken(
            "the window is full now; next best: 2025-11-28 09:00-13:00 with k2".into(),
        ));
        assert!(!s.order.busy);
        assert!(s.order.key.is_empty(), "a new attempt, a new key");
        assert_eq!(s.order.slots, SlotsView::None);
        assert_eq!(s.order.slots_nonce, nonce + 1, "asked again");
        assert!(error_for(&s.order.errors, "slot").is_some_and(|m| m.contains("next best")));
        assert_eq!(s.order.note, "домофон 12");
        assert_eq!(s.order.qty.get("water"), Some(&2));
        assert_eq!(
            s.order.window, "13:00-18:00",
            "nothing typed or chosen is lost"
        );
        // Changing an order never preselects over its own window.
        let mut changing = OrderDraft::from_order(&order(5, "2025-11-20T09:00:00Z", "a1", "k1", 1));
        changing.slots = SlotsView::Loading(SlotKey::default(), None);
        changing.slots_answered(SlotKey::default(), Ok(slots_for("2025-11-28", 0, "k9")));
        assert_eq!(changing.courier_id, "k1");
        assert_eq!(
            changing
                .slot_key("c1", &products, today)
                .and_then(|k| k.order_id),
            Some("o5".to_string()),
            "the order being changed is left out of its route"
        );
    }
}

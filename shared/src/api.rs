//! Request and response bodies of the HTTP API (`docs/api.md`).
//! Requests keep raw strings where a bad value must be reported with its field
//! name; responses carry parsed values.

use serde::{Deserialize, Deserializer, Serialize};

use crate::order::OrderState;
use crate::values::{ClientKind, Money, Phone, ProductKind, Role, TimeWindow, WindowInput};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `null` and absent differ in a PATCH: `Some(None)` clears, `None` leaves alone.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// The offending field of a 422, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

// ---------- auth and users ----------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub extension: Option<String>,
    /// A deactivated user cannot log in and their sessions have ended.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `GET /api/me`: the signed-in user and the company's calendar as the server
/// keeps it, so every screen shows the company's day, not the browser's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// YYYY-MM-DD: today in the company's time zone.
    pub today: String,
    /// The company's time zone (IANA name, e.g. `Europe/Moscow`).
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateUser {
    pub username: String,
    pub password: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
}

/// `PATCH /api/users/{id}` (admin): the fields to change. `phone` and
/// `extension` take `null` to clear; `password` sets a new one. Deactivating,
/// a role change or a new password end the user's sessions.
#[derive(Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub extension: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// Never prints the password.
impl std::fmt::Debug for PatchUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatchUser")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("phone", &self.phone)
            .field("extension", &self.extension)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

// ---------- catalogue ----------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub kind: ProductKind,
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Money,
    pub returnable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateProduct {
    pub sku: String,
    pub name: String,
    pub kind: ProductKind,
    pub unit: String,
    pub price: i64,
    #[serde(default)]
    pub returnable: bool,
    /// Offered for new orders (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_sale: Option<bool>,
}

/// A product and whether it is on sale: `GET /api/products` lists the ones on
/// sale, `?all=true` every one. Off-sale products stay on old orders and
/// contract prices but are not offered for new orders.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductEntry {
    #[serde(flatten)]
    pub product: Product,
    #[serde(default = "yes")]
    pub on_sale: bool,
}

/// `PATCH /api/products/{id}` (admin, manager): the fields to change.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchProduct {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProductKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The list price in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returnable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_sale: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PriceInput {
    pub product_id: String,
    pub price: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PutPrices {
    pub prices: Vec<PriceInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContractPrice {
    pub product_id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub list_price: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Money,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContractPrices {
    pub client_id: String,
    pub prices: Vec<ContractPrice>,
}

// ---------- clients ----------

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddressInput {
    pub text: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// Подъезд: "2", "2, домофон 25К".
    #[serde(default)]
    pub entrance: Option<String>,
    /// Этаж: "5".
    #[serde(default)]
    pub floor: Option<String>,
    /// How to get in: lift, intercom, gate, guard ("лифт не работает по выходным").
    #[serde(default)]
    pub access_note: Option<String>,
    /// For the courier at this address ("звонить за 30 минут", "пустые у двери").
    #[serde(default)]
    pub delivery_note: Option<String>,
    /// No lift to the floor: the planner counts the stairs (issue 21).
    #[serde(default)]
    pub no_lift: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Address {
    pub id: String,
    pub text: String,
    pub label: Option<String>,
    pub contact_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub contact_phone: Option<Phone>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    #[serde(default)]
    pub entrance: Option<String>,
    #[serde(default)]
    pub floor: Option<String>,
    #[serde(default)]
    pub access_note: Option<String>,
    #[serde(default)]
    pub delivery_note: Option<String>,
    /// No lift to the floor: the planner counts the stairs (issue 21).
    #[serde(default)]
    pub no_lift: bool,
    /// No longer delivered to: kept for the orders that name it, not offered
    /// for new ones.
    #[serde(default)]
    pub retired: bool,
    /// Where the point (`lat`, `lon`) came from and how good it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoInfo>,
}

impl Address {
    /// The address has a point to drive to.
    pub fn located(&self) -> bool {
        self.lat.is_some() && self.lon.is_some()
    }

    /// What is known of the point of an address as saved, given the address
    /// it replaces (`old`): the same point for the same text keeps its
    /// origin; a point the geocoder found for another text is dropped (the
    /// geocoder places the new text); any other point given is set by hand.
    pub fn carry_point(&mut self, old: Option<&Address>, now: &str) {
        if !self.located() {
            self.lat = None;
            self.lon = None;
            self.geo = None;
            return;
        }
        let same_point = old.is_some_and(|o| o.lat == self.lat && o.lon == self.lon);
        match old {
            Some(o) if same_point && o.text.trim() == self.text.trim() => {
                self.geo = o.geo.clone();
            }
            Some(o)
                if same_point
                    && o.geo
                        .as_ref()
                        .is_some_and(|g| g.source == GeoSource::Geocoder) =>
            {
                self.lat = None;
                self.lon = None;
                self.geo = None;
            }
            _ => {
                self.geo = Some(GeoInfo {
                    source: GeoSource::Manual,
                    quality: None,
                    found: None,
                    at: now.to_string(),
                });
            }
        }
    }

    /// Entrance, floor and access notes in one line ("подъезд 2 · этаж 5 · лифт").
    pub fn access_line(&self, entrance_word: &str, floor_word: &str) -> String {
        let mut parts = vec![];
        if let Some(e) = &self.entrance {
            parts.push(format!("{entrance_word} {e}"));
        }
        if let Some(f) = &self.floor {
            parts.push(format!("{floor_word} {f}"));
        }
        if let Some(n) = &self.access_note {
            parts.push(n.clone());
        }
        parts.join(" · ")
    }
}

/// `PUT /api/clients/{id}/addresses/{address_id}`: the address as it is now
/// (every field; an absent optional one is cleared), and whether it is
/// retired. `version` is the client's, as the operator saw it (a client
/// changed since is refused).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EditAddress {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(flatten)]
    pub address: AddressInput,
    #[serde(default)]
    pub retired: bool,
}

/// `POST /api/clients/{id}/addresses`: a new address; `version` (optional)
/// is the client's as the operator saw it.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAddress {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(flatten)]
    pub address: AddressInput,
}

/// A free-text note on a client, with who wrote it and when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientNote {
    pub id: String,
    pub client_id: String,
    pub text: String,
    pub by: String,
    pub by_name: String,
    /// RFC 3339
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateNote {
    pub text: String,
}

/// A call in a client's history: when, who took it, how it went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryCall {
    pub id: String,
    /// The number that called.
    pub from: String,
    /// RFC 3339
    pub started_at: String,
    pub answered: bool,
    pub missed: bool,
    /// Seconds from answer to hang-up; `None` while talking or when missed.
    pub talk_seconds: Option<i64>,
    pub extension: Option<String>,
    /// The operator at that extension now (a user's extension is theirs).
    pub operator: Option<String>,
    pub called_back_at: Option<String>,
    pub order_ids: Vec<String>,
    /// The PBX's recordings of the call, oldest first (a call moved between
    /// operators may have several); played through `GET /api/recordings/{id}`.
    #[serde(default)]
    pub recordings: Vec<CallRecording>,
}

/// A recording of a call that the PBX keeps (Mango Office's cloud storage).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallRecording {
    /// Rodnik's id of the recording: `GET /api/recordings/{id}` plays it.
    pub id: String,
    /// `mango`
    pub provider: PbxProvider,
    /// When the PBX reported it (RFC 3339).
    pub at: String,
    /// The extension that was recorded, when the PBX says.
    pub extension: Option<String>,
}

/// `GET /api/clients/{id}/history`: a page of the client's orders (newest
/// first, optionally of one state), their latest calls and notes. The
/// console merges them into one timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientHistory {
    pub orders: Vec<Order>,
    /// The `before` of the next page of orders; `None`: no more.
    pub next_before: Option<String>,
    pub calls: Vec<HistoryCall>,
    pub notes: Vec<ClientNote>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateClient {
    pub kind: ClientKind,
    pub name: String,
    pub phones: Vec<String>,
    pub addresses: Vec<AddressInput>,
    #[serde(default)]
    pub inn: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A legal client's requisites for documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requisites: Option<Requisites>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchClient {
    /// The client's `version` as the operator saw it: a stale one is 409
    /// `stale_version` (someone else changed the client meanwhile).
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub kind: Option<ClientKind>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    /// Replaces the address list; an entry may carry the `id` of an existing address to keep it.
    #[serde(default)]
    pub addresses: Option<Vec<PatchAddress>>,
    #[serde(default, deserialize_with = "double_option")]
    pub inn: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub note: Option<Option<String>>,
    /// Replaces the requisites; `null` clears them.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub requisites: Option<Option<Requisites>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatchAddress {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(flatten)]
    pub address: AddressInput,
}

/// A client without their orders: search results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientSummary {
    pub id: String,
    pub kind: ClientKind,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub phones: Vec<Phone>,
    pub addresses: Vec<Address>,
    pub inn: Option<String>,
    pub note: Option<String>,
    pub bottles_held: i64,
    /// Bottles a deposit covers, and the deposit money held (kopecks).
    #[serde(default)]
    pub deposit_bottles: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub deposit_held: Money,
    /// The account's balance, kopecks: + the client owes, - paid in advance.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Money,
    /// The contract's terms (`PUT /api/clients/{id}/contract`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Contract>,
    /// A legal client's requisites for documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requisites: Option<Requisites>,
    /// Grows on every edit; edits name the version they were made on.
    #[serde(default, alias = "rev")]
    pub version: i64,
    /// When the newest note was added (RFC 3339): screens showing the notes
    /// reload them when it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noted_at: Option<String>,
}

impl ClientSummary {
    /// Addresses still delivered to.
    pub fn active_addresses(&self) -> impl Iterator<Item = &Address> {
        self.addresses.iter().filter(|a| !a.retired)
    }

    /// The address whose contact phone this is, when it is not one of the
    /// client's own numbers (a call from an office's contact pops that office).
    pub fn address_for_phone(&self, phone: &str) -> Option<&Address> {
        if self.phones.iter().any(|p| p.as_str() == phone) {
            return None;
        }
        self.active_addresses().find(|a| {
            a.contact_phone
                .as_ref()
                .is_some_and(|p| p.as_str() == phone)
        })
    }
}

/// The client card an operator sees on a call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientCard {
    #[serde(flatten)]
    pub client: ClientSummary,
    pub active_orders: Vec<Order>,
    pub recent_orders: Vec<Order>,
    /// Where the account stands today: owed, since when, overdue, held.
    #[serde(default)]
    pub account: AccountSummary,
    /// The client's expected next order, when the deliveries show a rhythm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rhythm: Option<ClientRhythm>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Lookup {
    pub phone: String,
    pub matches: Vec<ClientCard>,
}

/// Why an existing client may be the one being registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SimilarReason {
    /// One of the typed numbers is among the client's phones.
    Phone,
    /// The same words in the name, ignoring case, quotes, order and the legal form.
    Name,
    /// The same street and house (and no different flat or office).
    Address,
}

/// A possible duplicate: the client and why it matched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SimilarClient {
    pub client: ClientSummary,
    pub reasons: Vec<SimilarReason>,
    /// The typed numbers this client has (E.164).
    #[serde(default)]
    pub phones: Vec<String>,
    /// The ids of the client's addresses that look like a typed one.
    #[serde(default)]
    pub address_ids: Vec<String>,
}

/// `GET /api/clients/similar`: same phone first, then by the number of reasons.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Similar {
    pub matches: Vec<SimilarClient>,
}

// ---------- orders ----------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LineInput {
    pub product_id: String,
    pub qty: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderLine {
    pub product_id: String,
    pub name: String,
    pub kind: ProductKind,
    pub qty: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
    #[serde(default)]
    pub returnable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attempt {
    /// RFC 3339
    pub at: String,
    pub reason: String,
    pub courier_id: Option<String>,
    /// The reason from the company's list (`None`: typed as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Order {
    pub id: String,
    pub number: i64,
    pub state: OrderState,
    pub version: i64,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub address: Address,
    pub lines: Vec<OrderLine>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
    /// YYYY-MM-DD in the company's time zone
    pub delivery_date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WindowInput>))]
    pub window: Option<TimeWindow>,
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    pub created_by: String,
    /// RFC 3339
    pub created_at: String,
    pub updated_at: String,
    pub attempts: Vec<Attempt>,
    pub note: Option<String>,
    pub call_id: Option<String>,
    /// The standing order this order was generated from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing_id: Option<String>,
    /// RFC 3339: when the client confirmed the delivery through the
    /// notification's short link (cleared when the date or window changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    /// Position on the courier's route of the day (lower goes first).
    pub route_pos: i64,
    /// Kept with its courier when the day is optimised (a dispatcher's
    /// choice: a district habit, a client who knows the courier).
    #[serde(default)]
    pub pinned: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub cash_collected: Option<Money>,
    /// Paid at the door by card or SBP (besides the cash).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<DoorPayment>,
    pub empties_returned: Option<u32>,
    /// Why fewer empties came back than expected (the courier says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empties_note: Option<String>,
    /// The empties the stop expected back when it was delivered (the
    /// exchange with what the client held, plus bottles whose deposit was
    /// paid back); `None` on orders delivered before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empties_expected: Option<u32>,
    /// The deposit line: taken for bottles kept, or paid back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<OrderDeposit>,
    /// Rented equipment the stop brings or collects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<EquipmentTask>,
    pub delivered_at: Option<String>,
    pub cancel_reason: Option<String>,
    /// The cancel reason from the company's list (`None`: typed as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason_id: Option<String>,
    /// A delivery attempt failed and no one has chosen a new date since
    /// (set by `fail`, cleared by a date change, a dispatch or a cancel).
    #[serde(default)]
    pub needs_new_date: bool,
    /// What was ordered, when the courier delivered something else (`lines`
    /// and `total` are then what was delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<OrderedLines>,
    /// Every move of the date or window the courier made at the door.
    #[serde(default)]
    pub reschedules: Vec<Reschedule>,
    /// The courier's proposed new day, waiting for dispatch to choose
    /// (cleared by a date or window change, a dispatch or a cancel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Reschedule>,
}

/// The lines and total an order had before the courier delivered others.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderedLines {
    pub lines: Vec<OrderLine>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Money,
}

/// Where a courier's move of a stop put it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RescheduleOutcome {
    /// Another window the same day: the stop stayed on the route.
    SameDay,
    /// Another day, straight onto the courier's route of that day.
    ToRoute,
    /// Another day, back to dispatch with the day proposed.
    ToDispatch,
}

/// A courier's move of a stop's date or window, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reschedule {
    /// When the courier did it (the device's time, RFC 3339).
    pub at: String,
    pub courier_id: Option<String>,
    pub reason: String,
    /// The reason from the company's list (`None`: typed as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    pub from_date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WindowInput>))]
    pub from_window: Option<TimeWindow>,
    pub to_date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WindowInput>))]
    pub to_window: Option<TimeWindow>,
    pub outcome: RescheduleOutcome,
}

impl Order {
    /// Paid at the door by card or SBP.
    pub fn paid_otherwise(&self) -> Money {
        self.payments.iter().map(|p| p.amount).sum()
    }

    /// The cash the courier should bring back from the stop: what is due
    /// at the door less what was paid by card or SBP.
    pub fn cash_due_in_cash(&self) -> Money {
        match self.client_kind {
            ClientKind::Individual => Money(self.cash_due().0 - self.paid_otherwise().0),
            ClientKind::Legal => Money::ZERO,
        }
    }

    /// Cash the courier collects: individuals pay the total and the
    /// deposit on delivery (negative: the courier pays a deposit back);
    /// legal clients are invoiced monthly.
    pub fn cash_due(&self) -> Money {
        match self.client_kind {
            ClientKind::Individual => self.total + self.deposit_amount() + self.equipment_deposit(),
            ClientKind::Legal => Money::ZERO,
        }
    }

    /// The equipment deposits taken (+) or paid back (-) with this order.
    pub fn equipment_deposit(&self) -> Money {
        self.equipment.iter().map(|t| t.deposit).sum()
    }

    /// The deposit taken (+) or paid back (-) with this order.
    pub fn deposit_amount(&self) -> Money {
        self.deposit.as_ref().map_or(Money::ZERO, |d| d.amount)
    }

    /// Deposit bottles of the order (+ taken, - paid back).
    pub fn deposit_bottles(&self) -> i64 {
        self.deposit.as_ref().map_or(0, |d| d.bottles)
    }

    /// Full returnable containers this order brings.
    pub fn returnable_qty(&self) -> u32 {
        self.lines
            .iter()
            .filter(|l| l.returnable)
            .map(|l| l.qty)
            .sum()
    }

    pub fn water_qty(&self) -> u32 {
        self.lines
            .iter()
            .filter(|l| l.kind == ProductKind::Water)
            .map(|l| l.qty)
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateOrder {
    pub client_id: String,
    pub address_id: String,
    pub lines: Vec<LineInput>,
    /// YYYY-MM-DD
    pub delivery_date: String,
    #[serde(default)]
    pub window: Option<WindowInput>,
    #[serde(default)]
    pub courier_id: Option<String>,
    #[serde(default)]
    pub call_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Deposit bottles (+ taken, - paid back); absent: what the company's
    /// rule asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_bottles: Option<i64>,
    /// Why the deposit differs from the rule (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_reason: Option<String>,
    /// A manager takes the order although the client is overdue or over
    /// the credit limit (409 `credit_hold` otherwise; 403 for others).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_credit: bool,
    /// The order form offered promised slots: the server checks the
    /// courier and window again (409 `slot_taken` when no longer feasible).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub slot_check: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
/// Absent fields stay as they are; `null` clears a nullable one (so a
/// serialized patch leaves out what it does not change).
pub struct PatchOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WindowInput>))]
    pub window: Option<Option<WindowInput>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub courier_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Option<Option<String>>,
    /// Deposit bottles (+ taken, - paid back). Absent: an operator's
    /// earlier choice stays, else the rule's figure is taken again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_bottles: Option<i64>,
    /// Why the deposit differs from the rule (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_reason: Option<String>,
    /// Keep the stop with its courier when the day is optimised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// See `CreateOrder::slot_check`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub slot_check: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VersionOnly {
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliverOrder {
    /// Kopecks; negative only when the stop pays a deposit back.
    #[serde(default)]
    pub cash_collected: Option<i64>,
    /// Taken by card or SBP (at most 4; cash goes in `cash_collected`);
    /// with cash, a partial payment is what was paid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<DoorPayment>,
    /// What was actually delivered, when it differs from the order: priced
    /// at the client's prices; the order's own lines are kept in `ordered`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineInput>>,
    #[serde(default)]
    pub empties_returned: Option<i64>,
    /// Why fewer empties came back than the stop expects (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empties_note: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
    /// When the courier's device closed the stop (RFC 3339); defaults to now.
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FailOrder {
    /// A reason from the company's list (`GET /api/reasons?kind=fail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    /// Typed text: required without `reason_id`, else the list's label is used.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
    #[serde(default)]
    pub at: Option<String>,
}

/// A courier moves a stop at the door: another window today, or another day.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RescheduleOrder {
    /// YYYY-MM-DD, today or later.
    pub delivery_date: String,
    /// The new window; absent or `null`: any time that day.
    #[serde(default)]
    pub window: Option<WindowInput>,
    /// A reason from the company's list (`GET /api/reasons?kind=reschedule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    /// Typed text: required without `reason_id`, else the list's label is used.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
    /// When the courier's device did it (RFC 3339); defaults to now.
    #[serde(default)]
    pub at: Option<String>,
}

/// What happens to a stop a courier moves to another day.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OtherDayRule {
    /// Back to dispatch, with the day proposed shown (the default).
    #[default]
    ToDispatch,
    /// Straight onto the courier's route of that day.
    ToRoute,
}

/// The company's order settings (`GET/PUT /api/settings/orders`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderSettings {
    #[serde(default)]
    pub other_day: OtherDayRule,
    /// How many days ahead standing orders are generated: 1 to 60 (7
    /// when left out). Today and the next `standing_days - 1` days.
    #[serde(default = "standing_days")]
    pub standing_days: u32,
}

/// The most days ahead standing orders may be generated.
pub const MAX_STANDING_DAYS: u32 = 60;

fn standing_days() -> u32 {
    7
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            other_day: OtherDayRule::default(),
            standing_days: standing_days(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CancelOrder {
    /// A reason from the company's list (`GET /api/reasons?kind=cancel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    /// Typed text: required without `reason_id`, else the list's label is used.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Route {
    pub courier_id: String,
    pub date: String,
    pub stops: Vec<Order>,
    /// The bottles each stop's client holds now, by client id.
    #[serde(default)]
    pub bottles_held: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PutRoute {
    pub courier_id: String,
    pub date: String,
    pub order_ids: Vec<String>,
}

// ---------- telephony ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallEventKind {
    Ringing,
    Answered,
    Ended,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TelephonyEvent {
    pub event: CallEventKind,
    pub call_id: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub extension: Option<String>,
    #[serde(default)]
    pub at: Option<String>,
    /// When the event was sent, Unix seconds: more than 5 minutes from the
    /// server's clock is refused (a captured request cannot be replayed later).
    #[serde(default)]
    pub sent_at: Option<i64>,
    /// A value never sent before (8 to 128 characters; a UUID, or the call id
    /// with the event): a repeated one is refused. Both are under the signature.
    #[serde(default)]
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    Ringing,
    Answered,
    Ended,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Call {
    pub id: String,
    pub call_id: String,
    pub from: String,
    pub to: String,
    pub extension: Option<String>,
    pub state: CallState,
    pub started_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    pub missed: bool,
    pub client_ids: Vec<String>,
    pub order_ids: Vec<String>,
    /// When an operator marked a missed call as called back (RFC 3339), and who.
    #[serde(default)]
    pub called_back_at: Option<String>,
    #[serde(default)]
    pub called_back_by: Option<String>,
    /// The names of `client_ids`, filled in by `GET /api/calls`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_names: Vec<String>,
}

impl Call {
    /// Seconds from answer to hang-up; `None` unless both are known.
    pub fn talk_seconds(&self) -> Option<i64> {
        let at = |t: &Option<String>| chrono::DateTime::parse_from_rfc3339(t.as_deref()?).ok();
        let (a, e) = (at(&self.answered_at)?, at(&self.ended_at)?);
        Some((e - a).num_seconds().max(0))
    }
}

/// A call as pushed on the live channel: with the caller's client cards.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallWithMatches {
    #[serde(flatten)]
    pub call: Call,
    pub matches: Vec<ClientCard>,
}

// ---------- reports ----------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryRow {
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub orders: i64,
    pub water_qty: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryTotals {
    pub orders: i64,
    pub water_qty: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveriesReport {
    pub rows: Vec<DeliveryRow>,
    pub totals: DeliveryTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesRow {
    pub product_id: String,
    pub name: String,
    pub kind: ProductKind,
    pub qty: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesTotals {
    pub qty: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesReport {
    pub rows: Vec<SalesRow>,
    pub totals: SalesTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OperatorRow {
    pub user_id: String,
    pub name: String,
    pub created: i64,
    pub delivered: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrdersReport {
    pub total: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub open: i64,
    pub failed_attempts: i64,
    pub by_operator: Vec<OperatorRow>,
    /// Calls per operator and day (the phone load), by the calls' day.
    #[serde(default)]
    pub calls: Vec<OperatorCalls>,
}

/// One operator's calls on one day. A call belongs to the operator whose
/// extension it rang at (answered: where it was answered); calls that rang
/// every phone and nobody took have no operator. "Called back" counts the
/// missed calls this operator marked as called back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OperatorCalls {
    /// YYYY-MM-DD in the company's time zone
    pub date: String,
    pub user_id: Option<String>,
    pub name: String,
    pub offered: i64,
    pub answered: i64,
    pub missed: i64,
    pub called_back: i64,
    /// Mean talk time of the answered calls, in seconds.
    pub avg_talk_seconds: i64,
    /// Orders taken on the answered calls.
    pub orders: i64,
    /// `orders / answered`, two decimals (0 without answered calls).
    pub orders_per_answered: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LostClientRow {
    pub client_id: String,
    pub name: String,
    pub kind: ClientKind,
    pub phones: Vec<String>,
    pub last_delivery_date: String,
    pub delivered_orders: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LostClientsReport {
    pub rows: Vec<LostClientRow>,
}

// Report charts and call lists live in their own files (`api/trends.rs`, `api/call_lists.rs`).
mod account;
mod bank;
mod bottles;
mod call_lists;
mod cash;
mod deliveries;
mod documents;
mod equipment;
mod geo;
mod notify;
mod planning;
mod reasons;
mod receipts;
mod rhythm;
mod standing;
mod telephony;
mod trends;
pub use account::*;
pub use bank::*;
pub use bottles::*;
pub use call_lists::*;
pub use cash::*;
pub use deliveries::*;
pub use documents::*;
pub use equipment::*;
pub use geo::*;
pub use notify::*;
pub use planning::*;
pub use reasons::*;
pub use receipts::*;
pub use rhythm::*;
pub use standing::*;
pub use telephony::*;
pub use trends::*;

// ---------- live channel ----------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LiveMessage {
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_keeps_its_origin_only_for_the_same_text() {
        let geocoded = Address {
            id: "a1".into(),
            text: "Ленина 5".into(),
            lat: Some(55.75),
            lon: Some(37.62),
            geo: Some(GeoInfo {
                source: GeoSource::Geocoder,
                quality: Some(GeoQuality::House),
                found: Some("г Москва, ул Ленина, д 5".into()),
                at: "t0".into(),
            }),
            ..Default::default()
        };
        // Saved again as it was: still the geocoder's.
        let mut same = Address {
            geo: None,
            ..geocoded.clone()
        };
        same.carry_point(Some(&geocoded), "t1");
        assert_eq!(same.geo, geocoded.geo);
        // Another text with the old point: dropped, to be placed again.
        let mut moved = Address {
            text: "Ленина 7".into(),
            geo: None,
            ..geocoded.clone()
        };
        moved.carry_point(Some(&geocoded), "t1");
        assert!(!moved.located() && moved.geo.is_none());
        // Another point: set by hand.
        let mut by_hand = Address {
            lat: Some(55.76),
            geo: None,
            ..geocoded.clone()
        };
        by_hand.carry_point(Some(&geocoded), "t1");
        assert_eq!(
            by_hand.geo.as_ref().map(|g| g.source),
            Some(GeoSource::Manual)
        );
        assert_eq!(by_hand.geo.as_ref().map(|g| g.at.as_str()), Some("t1"));
        // No point: nothing.
        let mut none = Address {
            lat: None,
            geo: None,
            ..geocoded.clone()
        };
        none.carry_point(Some(&geocoded), "t1");
        assert!(!none.located() && none.geo.is_none() && none.lon.is_none());
    }

    #[test]
    fn patch_distinguishes_null_from_absent() {
        let p: PatchOrder = serde_json::from_str(r#"{"courier_id": null}"#).unwrap();
        assert_eq!(p.courier_id, Some(None));
        let p: PatchOrder = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(p.courier_id, None);
        let p: PatchOrder = serde_json::from_str(r#"{"courier_id": "u1"}"#).unwrap();
        assert_eq!(p.courier_id, Some(Some("u1".into())));
    }

    #[test]
    fn client_card_is_flat_on_the_wire() {
        let card = ClientCard {
            client: ClientSummary {
                id: "c1".into(),
                kind: ClientKind::Legal,
                name: "ООО Ромашка".into(),
                phones: vec![Phone::from_e164_unchecked("+79123456789")],
                addresses: vec![],
                inn: None,
                note: None,
                deposit_bottles: 0,
                deposit_held: Money::ZERO,
                balance: Money::ZERO,
                contract: None,
                requisites: None,
                bottles_held: 2,
                version: 3,
                noted_at: None,
            },
            active_orders: vec![],
            recent_orders: vec![],
            account: Default::default(),
            rhythm: None,
        };
        let v = serde_json::to_value(&card).unwrap();
        assert_eq!(v["id"], "c1");
        assert_eq!(v["kind"], "legal");
        assert_eq!(v["bottles_held"], 2);
        assert!(v["active_orders"].is_array());
        let back: ClientCard = serde_json::from_value(v).unwrap();
        assert_eq!(back, card);
    }
}

// ---------- wallboard ----------

/// A read-only link for a big screen (`/wallboard?key=...`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Wallboard {
    pub id: String,
    pub name: String,
    /// The user id of the manager who made it.
    pub created_by: String,
    pub created_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateWallboard {
    pub name: String,
}

/// A new link: the key is shown this once and never stored in clear.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WallboardCreated {
    #[serde(flatten)]
    pub wallboard: Wallboard,
    pub key: String,
    /// The path to open on the big screen, with the key.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WallboardCourier {
    pub id: String,
    pub name: String,
}

/// Today on the wallboard: the couriers and the day's orders (without
/// contact details or notes).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WallboardSnapshot {
    /// YYYY-MM-DD in the company's time zone.
    pub date: String,
    /// RFC 3339, the server's clock.
    pub now: String,
    /// The company's time zone (IANA name).
    pub tz: String,
    pub couriers: Vec<WallboardCourier>,
    pub orders: Vec<Order>,
    /// Each stop's expected arrival and whether it is at risk of being late
    /// (issue 21); refreshed with the snapshot.
    #[serde(default)]
    pub etas: Vec<Eta>,
}

/// `GET /api/wallboard/calls`: today's call figures of each operator (those
/// at a phone now with no calls yet included), busiest first, and all
/// together: the wallboard's manager view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WallboardCalls {
    /// YYYY-MM-DD in the company's time zone.
    pub date: String,
    pub operators: Vec<OperatorCalls>,
    /// Every call of the day (`user_id` none, `name` empty).
    pub total: OperatorCalls,
}

impl Order {
    /// The order as a wallboard may show it: no contact, note or call.
    pub fn for_wallboard(&self) -> Order {
        let mut o = self.clone();
        o.address.contact_name = None;
        o.address.contact_phone = None;
        o.note = None;
        o.call_id = None;
        o
    }
}

//! Rodnik's domain: values parsed once at the edge (phones, money, quantities,
//! dates, time windows), the order state machine, pricing, and the request and
//! response types of the HTTP API. No I/O: this crate also builds for wasm32,
//! so the browser and the server agree on every rule by construction.

pub mod account;
pub mod api;
pub mod bottles;
pub mod equipment;
pub mod forecast;
pub mod order;
pub mod pricing;
pub mod standing;
pub mod validate;
pub mod values;
pub mod words;

pub use order::{
    Cause, Delivery, DoorReschedule, Effects, NewOrder, OrderAction, OrderEdit, OrderState,
    RouteEnd, RuleError, TransitionError, AFTER_EVERY_STOP,
};
pub use values::{
    ClientKind, EquipmentKind, EquipmentState, EquipmentTaskAction, FieldError, Money, MoneyError,
    Phone, PhoneError, ProductKind, Qty, RentalState, Role, TimeWindow,
};

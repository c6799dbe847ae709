//! Prices an order: the client's contract price where one exists, else the
//! list price. The request never sets a price.

use std::collections::HashMap;

use crate::values::{Money, ProductKind, Qty};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueItem<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: ProductKind,
    pub list_price: Money,
    pub returnable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub product_id: String,
    pub name: String,
    pub kind: ProductKind,
    pub qty: Qty,
    pub price: Money,
    pub amount: Money,
    pub returnable: bool,
}

pub fn unit_price(item: &CatalogueItem<'_>, contract: &HashMap<String, Money>) -> Money {
    contract.get(item.id).copied().unwrap_or(item.list_price)
}

pub fn price_line(
    item: &CatalogueItem<'_>,
    qty: Qty,
    contract: &HashMap<String, Money>,
) -> PricedLine {
    let price = unit_price(item, contract);
    PricedLine {
        product_id: item.id.to_string(),
        name: item.name.to_string(),
        kind: item.kind,
        qty,
        price,
        amount: price.times(qty),
        returnable: item.returnable,
    }
}

/// An order line of `qty` of a catalogue product, priced for the client.
pub fn order_line(
    p: &crate::api::Product,
    qty: Qty,
    contract: &HashMap<String, Money>,
) -> crate::api::OrderLine {
    let l = price_line(
        &CatalogueItem {
            id: &p.id,
            name: &p.name,
            kind: p.kind,
            list_price: p.price,
            returnable: p.returnable,
        },
        qty,
        contract,
    );
    crate::api::OrderLine {
        product_id: l.product_id,
        name: l.name,
        kind: l.kind,
        qty: l.qty.get(),
        price: l.price,
        amount: l.amount,
        returnable: l.returnable,
    }
}

/// A line delivered at the door (`fresh`, priced for the client now): a
/// product already on the order keeps the order's price, the one agreed
/// when it was taken; any other is at the client's price.
pub fn at_door(
    ordered: &[crate::api::OrderLine],
    fresh: crate::api::OrderLine,
) -> crate::api::OrderLine {
    match ordered.iter().find(|l| l.product_id == fresh.product_id) {
        Some(o) => crate::api::OrderLine {
            price: o.price,
            amount: Money(o.price.0.saturating_mul(i64::from(fresh.qty))),
            ..fresh
        },
        None => fresh,
    }
}

pub fn total(lines: &[PricedLine]) -> Money {
    lines.iter().map(|l| l.amount).sum()
}

/// Full containers that an order delivers (what the courier expects back as empties).
pub fn returnable_units(lines: &[PricedLine]) -> u32 {
    lines
        .iter()
        .filter(|l| l.returnable)
        .map(|l| l.qty.get())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn water() -> CatalogueItem<'static> {
        CatalogueItem {
            id: "p1",
            name: "Water 19 L",
            kind: ProductKind::Water,
            list_price: Money(25000),
            returnable: true,
        }
    }

    fn cups() -> CatalogueItem<'static> {
        CatalogueItem {
            id: "p2",
            name: "Cups",
            kind: ProductKind::Goods,
            list_price: Money(1500),
            returnable: false,
        }
    }

    fn q(n: i64) -> Qty {
        Qty::parse(n, "qty").unwrap()
    }

    #[test]
    fn list_price_without_contract() {
        let l = price_line(&water(), q(2), &HashMap::new());
        assert_eq!((l.price, l.amount), (Money(25000), Money(50000)));
    }

    #[test]
    fn contract_price_replaces_list_price_only_for_its_product() {
        let contract = HashMap::from([("p1".to_string(), Money(20000))]);
        let a = price_line(&water(), q(3), &contract);
        let b = price_line(&cups(), q(2), &contract);
        assert_eq!(a.amount, Money(60000));
        assert_eq!(b.amount, Money(3000));
        assert_eq!(total(&[a.clone(), b.clone()]), Money(63000));
        assert_eq!(returnable_units(&[a, b]), 3);
    }

    #[test]
    fn zero_contract_price_is_honoured() {
        let contract = HashMap::from([("p2".to_string(), Money(0))]);
        assert_eq!(price_line(&cups(), q(5), &contract).amount, Money(0));
    }
}

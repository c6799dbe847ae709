//! Products (the price list) and clients' contract prices.

use std::collections::HashMap;

use rodnik_shared::api::{ContractPrice, ContractPrices, Product, ProductEntry};
use rodnik_shared::{Money, ProductKind};
use serde_json::{json, Map, Value};

use super::{decode, decode_all, new_key, rid, Store};
use crate::error::{Error, Result};

/// See [`Store::order_inputs`].
#[derive(Default)]
pub struct OrderInputs {
    pub client: Option<rodnik_shared::api::ClientSummary>,
    pub contract: HashMap<String, Money>,
    /// Product id → (product, on sale).
    pub products: HashMap<String, (Product, bool)>,
    /// The company's bottle rules (for the order's deposit line).
    pub bottles: rodnik_shared::api::BottleSettings,
    /// The courier asked for (`InputsAlso::courier_id`): `None` when there is
    /// no such user.
    pub courier: Option<rodnik_shared::api::User>,
    /// The idempotency key asked for (`InputsAlso::idem_key`), as stored.
    pub idem: super::idem::IdemStart,
    /// The call asked for (`InputsAlso::call`): `None` when there is no such call.
    pub call: Option<rodnik_shared::api::Call>,
}

/// What an order's inputs read along, in the same round trip.
#[derive(Default, Clone, Copy)]
pub struct InputsAlso<'a> {
    /// A courier's user record.
    pub courier_id: Option<&'a str>,
    /// A call, by our id or the provider's (as `Store::find_call`).
    pub call: Option<&'a str>,
    /// An idempotency key's record and the request body's hash
    /// (`http::idempotency`, for requests that check their key themselves).
    pub idem_key: Option<(&'a str, &'a str)>,
}

pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub kind: ProductKind,
    pub unit: String,
    pub price: Money,
    pub returnable: bool,
}

/// The fields `update_product` changes; `None` leaves a field alone.
#[derive(Default)]
pub struct ProductChange {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub kind: Option<ProductKind>,
    pub unit: Option<String>,
    pub price: Option<Money>,
    pub returnable: Option<bool>,
    pub on_sale: Option<bool>,
}

fn sku_taken(e: Error) -> Error {
    match e {
        Error::Conflict {
            code: "duplicate", ..
        } => Error::conflict("sku_taken", "a product with that sku already exists"),
        other => other,
    }
}

impl Store {
    pub async fn create_product(&self, p: NewProduct) -> Result<Product> {
        Ok(self.create_product_entry(p, true).await?.product)
    }

    pub async fn create_product_entry(&self, p: NewProduct, on_sale: bool) -> Result<ProductEntry> {
        let row = self
            .one(
                "CREATE ONLY $rid CONTENT $doc",
                json!({ "doc": {
                    "sku": p.sku, "name": p.name, "kind": p.kind, "unit": p.unit,
                    "price": p.price, "returnable": p.returnable, "on_sale": on_sale,
                }}),
                vec![("rid", rid("products", &new_key()))],
            )
            .await
            .map_err(sku_taken)?;
        decode(row.ok_or_else(|| Error::Internal("product not created".into()))?)
    }

    /// Changes the given fields in one statement.
    pub async fn update_product(&self, id: &str, c: &ProductChange) -> Result<ProductEntry> {
        let mut set = Map::new();
        let fields = [
            ("sku", c.sku.as_ref().map(|v| json!(v))),
            ("name", c.name.as_ref().map(|v| json!(v))),
            ("kind", c.kind.map(|v| json!(v))),
            ("unit", c.unit.as_ref().map(|v| json!(v))),
            ("price", c.price.map(|v| json!(v))),
            ("returnable", c.returnable.map(|v| json!(v))),
            ("on_sale", c.on_sale.map(|v| json!(v))),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                set.insert(k.into(), v);
            }
        }
        let rows = self
            .many(
                "UPDATE $rid MERGE $set RETURN AFTER",
                json!({ "set": Value::Object(set) }),
                vec![("rid", rid("products", id))],
            )
            .await
            .map_err(sku_taken)?;
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found("product"))?;
        decode(row)
    }

    pub async fn get_product(&self, id: &str) -> Result<Option<ProductEntry>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("products", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// The products on sale, or all of them, with the flag.
    pub async fn product_entries(&self, all: bool) -> Result<Vec<ProductEntry>> {
        let filter = if all { "" } else { "WHERE on_sale != false" };
        let rows = self
            .many(
                &format!("SELECT * FROM products {filter} ORDER BY kind, name"),
                Value::Null,
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    pub async fn list_products(&self) -> Result<Vec<Product>> {
        let rows = self
            .many(
                "SELECT * FROM products ORDER BY kind, name",
                Value::Null,
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// What pricing an order needs, in one round trip: the client (`None`
    /// when there is no such client), their contract prices by product id,
    /// and those of `product_ids` that exist, each with whether it is on sale.
    pub async fn order_inputs(
        &self,
        client_id: &str,
        product_ids: &[String],
    ) -> Result<OrderInputs> {
        self.order_inputs_with(client_id, product_ids, InputsAlso::default())
            .await
    }

    /// As [`Store::order_inputs`], with the courier and the idempotency key
    /// of `also` read in the same round trip.
    pub async fn order_inputs_with(
        &self,
        client_id: &str,
        product_ids: &[String],
        also: InputsAlso<'_>,
    ) -> Result<OrderInputs> {
        let mut ids = vec![
            ("rid", rid("clients", client_id)),
            ("pids", super::rids("products", product_ids)),
            ("settings", rid("settings", "bottles")),
        ];
        let mut sql = String::from(
            "SELECT * OMIT search, created_at FROM ONLY $rid;
             SELECT * FROM $pids;
             SELECT VALUE doc FROM ONLY $settings;",
        );
        if let Some(courier) = also.courier_id {
            ids.push(("courier", rid("users", courier)));
            sql.push_str(&format!(
                "SELECT {} FROM ONLY $courier;",
                super::users::USER_FIELDS
            ));
        }
        if let Some((key, _)) = also.idem_key {
            ids.push(("idem", rid("idem", key)));
            sql.push_str("SELECT body_hash, status, response FROM ONLY $idem;");
        }
        if let Some(call) = also.call {
            let keys = [call.to_string(), super::calls::call_key(call)];
            ids.push(("calls", super::rids("calls", &keys)));
            sql.push_str("SELECT * FROM $calls;");
        }
        let mut r = self.run_with(&sql, Value::Null, ids).await?;
        let client: Option<Value> = r.take(0)?;
        let products: Vec<Value> = r.take(1)?;
        let bottles: Option<Value> = r.take(2)?;
        let mut next = 3;
        let mut inputs = OrderInputs::default();
        if also.courier_id.is_some() {
            let courier: Option<Value> = r.take(next)?;
            next += 1;
            inputs.courier = courier.filter(|c| !c.is_null()).map(decode).transpose()?;
        }
        if let Some((_, body_hash)) = also.idem_key {
            let row: Option<Value> = r.take(next)?;
            next += 1;
            inputs.idem = super::idem::IdemStart::of_row(row, body_hash);
        }
        if also.call.is_some() {
            let rows: Vec<Value> = r.take(next)?;
            inputs.call = rows
                .into_iter()
                .next()
                .map(|row| decode(super::calls::call_from_row(row)))
                .transpose()?;
        }
        if let Some(doc) = bottles.as_ref().and_then(Value::as_str) {
            inputs.bottles = serde_json::from_str(doc)
                .map_err(|e| Error::Internal(format!("bottle settings did not decode: {e}")))?;
        }
        if let Some(mut c) = client.filter(|c| !c.is_null()) {
            if let Some(Value::Object(map)) = c.as_object_mut().and_then(|m| m.remove("prices")) {
                for (k, v) in map {
                    if let Some(p) = v.as_i64() {
                        inputs.contract.insert(k, Money(p));
                    }
                }
            }
            inputs.client = Some(decode(c)?);
        }
        for p in products {
            let on_sale = p.get("on_sale").and_then(Value::as_bool).unwrap_or(true);
            let p: Product = decode(p)?;
            inputs.products.insert(p.id.clone(), (p, on_sale));
        }
        Ok(inputs)
    }

    /// A client's contract prices by product id.
    pub async fn contract_prices(&self, client_id: &str) -> Result<HashMap<String, Money>> {
        let v = self
            .one(
                "SELECT VALUE prices FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", client_id))],
            )
            .await?;
        let mut out = HashMap::new();
        if let Some(Value::Object(map)) = v {
            for (k, v) in map {
                if let Some(p) = v.as_i64() {
                    out.insert(k, Money(p));
                }
            }
        }
        Ok(out)
    }

    /// Replaces a client's contract prices.
    pub async fn set_contract_prices(
        &self,
        client_id: &str,
        prices: &HashMap<String, Money>,
    ) -> Result<()> {
        let updated = self
            .many(
                "UPDATE $rid SET prices = $prices RETURN id",
                json!({ "prices": prices }),
                vec![("rid", rid("clients", client_id))],
            )
            .await?;
        if updated.is_empty() {
            return Err(Error::not_found("client"));
        }
        Ok(())
    }

    pub async fn contract_price_list(&self, client_id: &str) -> Result<ContractPrices> {
        let prices = self.contract_prices(client_id).await?;
        let products = self.list_products().await?;
        let prices = products
            .into_iter()
            .filter_map(|p| {
                prices.get(&p.id).map(|price| ContractPrice {
                    product_id: p.id.clone(),
                    name: p.name.clone(),
                    list_price: p.price,
                    price: *price,
                })
            })
            .collect();
        Ok(ContractPrices {
            client_id: client_id.to_string(),
            prices,
        })
    }
}

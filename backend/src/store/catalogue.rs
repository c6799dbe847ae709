//! Products (the price list) and clients' contract prices.

use std::collections::HashMap;

use rodnik_shared::api::{ContractPrice, ContractPrices, Product};
use rodnik_shared::{Money, ProductKind};
use serde_json::{json, Value};

use super::{decode, decode_all, new_key, rid, Store};
use crate::error::{Error, Result};

pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub kind: ProductKind,
    pub unit: String,
    pub price: Money,
    pub returnable: bool,
}

impl Store {
    pub async fn create_product(&self, p: NewProduct) -> Result<Product> {
        let row = self
            .one(
                "CREATE ONLY $rid CONTENT $doc",
                json!({ "doc": {
                    "sku": p.sku, "name": p.name, "kind": p.kind, "unit": p.unit,
                    "price": p.price, "returnable": p.returnable,
                }}),
                vec![("rid", rid("products", &new_key()))],
            )
            .await
            .map_err(|e| match e {
                Error::Conflict {
                    code: "duplicate", ..
                } => Error::conflict("sku_taken", "a product with that sku already exists"),
                other => other,
            })?;
        decode(row.ok_or_else(|| Error::Internal("product not created".into()))?)
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

    /// The products with these ids, keyed by id.
    pub async fn products_by_id(&self, ids: &[String]) -> Result<HashMap<String, Product>> {
        let all = self.list_products().await?;
        Ok(all
            .into_iter()
            .filter(|p| ids.contains(&p.id))
            .map(|p| (p.id.clone(), p))
            .collect())
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

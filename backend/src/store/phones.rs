//! Schema 5: stored phone numbers re-read with the current parser.
//!
//! Until schema 5 numbers were parsed by `phonenumber` 0.3, which cut a
//! leading 8 out of a national number whenever the default region's trunk
//! prefix is 8 (RU), even after a country code. Russian numbers with such an
//! area code (812, 843, 8-800...) came out impossible and were refused, so
//! none was stored; but a foreign number whose national part begins with 8
//! could come out valid and was stored cut: `+353 89 566 9463` (an Irish
//! mobile) as `+35395669463`, `+49 89 1234567` (Munich) as `+4991234567`.
//!
//! Every stored number is read again (`Phone::parse_international`). One that
//! reads differently is replaced; one the numbering plan does not know is
//! given its 8 back after the country code when that makes a valid number.
//! The rest stay as they are: a cut number that is itself valid (the Munich one)
//! cannot be told from a real one.

use rodnik_shared::Phone;
use serde_json::{json, Value};

use super::{key_of, rid, Store};
use crate::error::Result;

/// The number's current E.164 form when it differs from the stored one.
pub fn current_form(stored: &str) -> Option<Phone> {
    match Phone::parse_international(stored) {
        Ok(p) if p.as_str() == stored => None,
        Ok(p) => Some(p),
        Err(_) => with_cut_8_restored(stored),
    }
}

/// `+CC N` as `+CC 8 N`, when that is a valid number (the parser cut the 8
/// right after the country code).
fn with_cut_8_restored(stored: &str) -> Option<Phone> {
    let digits = stored.strip_prefix('+')?;
    let cc = Phone::country_code_of(stored)?.to_string();
    let rest = digits.strip_prefix(cc.as_str())?;
    let candidate = format!("+{cc}8{rest}");
    Phone::parse_international(&candidate)
        .ok()
        .filter(|p| p.as_str() == candidate)
}

/// Each stored number's current form, deduplicated in order; `None` when none changes.
fn renormalised(stored: &[Phone]) -> Option<Vec<Phone>> {
    let mut changed = false;
    let mut out: Vec<Phone> = Vec::with_capacity(stored.len());
    for p in stored {
        let p = match current_form(p.as_str()) {
            Some(new) => {
                changed = true;
                new
            }
            None => p.clone(),
        };
        if out.contains(&p) {
            changed = true;
        } else {
            out.push(p);
        }
    }
    changed.then_some(out)
}

impl Store {
    /// Schema 6: the addresses' contact phones join the phone index (a call
    /// from one pops the client with that address), in one statement.
    pub async fn index_contact_phones(&self) -> Result<()> {
        self.run(
            "FOR $c IN (SELECT id, phones, addresses FROM clients) {
               FOR $a IN $c.addresses {
                 IF $a.contact_phone != NONE AND !($a.retired ?? false)
                    AND $a.contact_phone NOTINSIDE $c.phones {
                   INSERT INTO client_phones { phone: $a.contact_phone,
                     client_id: record::id($c.id), address_id: $a.id } RETURN NONE;
                 };
               };
             };",
            Value::Null,
        )
        .await?;
        Ok(())
    }

    /// Rewrites the stored numbers whose form changed (see the module head):
    /// a client through `save_client`, so its phone-index rows, search text
    /// and lost-client row (`stat_lost`, by its event) follow; users' phones.
    /// Returns how many clients and users changed.
    pub async fn renormalise_phones(&self) -> Result<usize> {
        let rows = self
            .many(
                "SELECT id, phones, addresses.contact_phone AS contacts FROM clients",
                Value::Null,
                vec![],
            )
            .await?;
        let mut changed = 0;
        for row in rows {
            let stored = |field: &str| -> Vec<Option<Phone>> {
                row.get(field)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|v| v.as_str().map(Phone::from_e164_unchecked))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let phones: Vec<Phone> = stored("phones").into_iter().flatten().collect();
            let contacts_change = stored("contacts")
                .iter()
                .flatten()
                .any(|p| current_form(p.as_str()).is_some());
            if renormalised(&phones).is_none() && !contacts_change {
                continue;
            }
            let Some(id) = row.get("id").and_then(Value::as_str).map(key_of) else {
                continue;
            };
            self.edit_client(&id, None, |mut client| {
                if let Some(phones) = renormalised(&client.phones) {
                    client.phones = phones;
                }
                for a in &mut client.addresses {
                    if let Some(new) = a
                        .contact_phone
                        .as_ref()
                        .and_then(|p| current_form(p.as_str()))
                    {
                        a.contact_phone = Some(new);
                    }
                }
                Ok(client)
            })
            .await?;
            tracing::info!(client = %id, "phone numbers rewritten in their current form");
            changed += 1;
        }

        let users = self
            .many(
                "SELECT id, phone FROM users WHERE phone != NONE",
                Value::Null,
                vec![],
            )
            .await?;
        for u in users {
            let (Some(id), Some(phone)) = (
                u.get("id").and_then(Value::as_str).map(key_of),
                u.get("phone").and_then(Value::as_str),
            ) else {
                continue;
            };
            if let Some(new) = current_form(phone) {
                self.run_with(
                    "UPDATE $rid SET phone = $p RETURN NONE",
                    json!({ "p": new.as_str() }),
                    vec![("rid", rid("users", &id))],
                )
                .await?;
                changed += 1;
            }
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_their_current_form_stay() {
        for s in [
            "+78121234567",
            "+79123456789",
            "+77272584000",
            "+375291234567",
        ] {
            assert_eq!(current_form(s), None, "{s}");
        }
    }

    #[test]
    fn a_cut_8_comes_back_only_where_it_is_the_one_valid_reading() {
        // `phonenumber` 0.3 stored `+353 89 566 9463` so.
        assert_eq!(
            current_form("+35395669463").map(|p| p.to_string()),
            Some("+353895669463".into())
        );
        // `+49 89 1234567` was stored as `+4991234567`, itself a valid number.
        assert_eq!(current_form("+4991234567"), None);
        // Neither valid nor repairable: kept.
        assert_eq!(current_form("+70000000000"), None);
    }

    #[test]
    fn duplicates_after_the_rewrite_are_dropped() {
        let p = |s: &str| Phone::from_e164_unchecked(s);
        assert_eq!(
            renormalised(&[p("+35395669463"), p("+353895669463"), p("+79123456789")]),
            Some(vec![p("+353895669463"), p("+79123456789")])
        );
        assert_eq!(renormalised(&[p("+79123456789")]), None);
    }
}

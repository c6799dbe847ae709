//! The equipment register's endpoints (`docs/api.md`, "Equipment"): the
//! list, registering a piece, its card with the history, edits and the
//! office's moves.

use gloo_net::http::Request;
use rodnik_shared::api::{Equipment, EquipmentDetail, MoveEquipment, NewEquipment, PatchEquipment};
use rodnik_shared::{EquipmentKind, EquipmentState};

use super::{enc, Api, ApiError};

/// `GET /api/equipment`'s filters; `None` and an empty serial ask for all.
#[derive(Debug, Clone, PartialEq)]
pub struct EquipmentQuery<'a> {
    pub state: Option<EquipmentState>,
    pub kind: Option<EquipmentKind>,
    /// A fragment of the serial number (any case, spaces ignored).
    pub serial: &'a str,
    pub limit: usize,
}

impl EquipmentQuery<'_> {
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![("limit", self.limit.to_string())];
        if let Some(s) = self.state {
            p.push(("state", s.as_str().to_string()));
        }
        if let Some(k) = self.kind {
            p.push(("kind", k.as_str().to_string()));
        }
        let serial = self.serial.trim();
        if !serial.is_empty() {
            p.push(("serial", serial.to_string()));
        }
        p
    }
}

impl Api {
    /// The equipment matching `q`, by serial number.
    pub async fn equipment_list(&self, q: &EquipmentQuery<'_>) -> Result<Vec<Equipment>, ApiError> {
        let r = self.auth(Request::get("/api/equipment")).query(q.params());
        self.json(r.send().await).await
    }

    /// Registers a piece, in stock (409 `serial_taken`).
    pub async fn create_equipment(
        &self,
        req: &NewEquipment,
        key: &str,
    ) -> Result<Equipment, ApiError> {
        self.post("/api/equipment", req, Some(key)).await
    }

    /// A piece with its history, newest first.
    pub async fn equipment(&self, id: &str) -> Result<EquipmentDetail, ApiError> {
        let path = format!("/api/equipment/{}", enc(id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    pub async fn patch_equipment(
        &self,
        id: &str,
        req: &PatchEquipment,
    ) -> Result<Equipment, ApiError> {
        self.patch_json(&format!("/api/equipment/{}", enc(id)), req)
            .await
    }

    /// To repair, back from repair, written off (409 `invalid_transition`,
    /// `stale_version`).
    pub async fn move_equipment(
        &self,
        id: &str,
        req: &MoveEquipment,
        key: &str,
    ) -> Result<Equipment, ApiError> {
        let path = format!("/api/equipment/{}/move", enc(id));
        self.post(&path, req, Some(key)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_only_the_filters_set() {
        let q = EquipmentQuery {
            state: None,
            kind: Some(EquipmentKind::Cooler),
            serial: "  ",
            limit: 500,
        };
        assert_eq!(
            q.params(),
            vec![("limit", "500".to_string()), ("kind", "cooler".to_string())]
        );
        let q = EquipmentQuery {
            state: Some(EquipmentState::InRepair),
            kind: None,
            serial: " eco 1 ",
            limit: 10,
        };
        assert_eq!(
            q.params(),
            vec![
                ("limit", "10".to_string()),
                ("state", "in_repair".to_string()),
                ("serial", "eco 1".to_string())
            ]
        );
    }
}

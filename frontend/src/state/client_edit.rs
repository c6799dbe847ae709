//! Client upkeep on the console's card: what is being edited (the client's
//! details, one address, a new address) as typed, and the requests it makes.
//! Every request names the client's version the form was opened on, so an
//! edit made on a client someone else changed meanwhile is refused (409) and
//! nothing is overwritten.

use rodnik_shared::api::{
    Address, AddressInput, ClientSummary, EditAddress, NewAddress, PatchClient, Requisites,
};
use rodnik_shared::ClientKind;

use super::console::{split_phones, FieldErrors};

#[derive(Debug, Clone, PartialEq)]
pub struct DetailsDraft {
    pub kind: ClientKind,
    pub name: String,
    pub inn: String,
    /// One or more numbers, separated by commas.
    pub phones: String,
    pub note: String,
    /// A legal client's requisites for documents (issue 20).
    pub requisites: RequisitesDraft,
}

impl DetailsDraft {
    pub fn of(c: &ClientSummary) -> DetailsDraft {
        DetailsDraft {
            kind: c.kind,
            name: c.name.clone(),
            inn: c.inn.clone().unwrap_or_default(),
            phones: c
                .phones
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            note: c.note.clone().unwrap_or_default(),
            requisites: RequisitesDraft::of(c.requisites.as_ref()),
        }
    }

    pub fn to_patch(&self, version: i64) -> PatchClient {
        PatchClient {
            version: Some(version),
            kind: Some(self.kind),
            name: Some(self.name.trim().to_string()),
            phones: Some(split_phones(&self.phones)),
            addresses: None,
            inn: Some(opt(&self.inn)),
            note: Some(opt(&self.note)),
            // Only a legal client's form shows them; an individual's are left as they are.
            requisites: (self.kind == ClientKind::Legal).then(|| self.requisites.to_requisites()),
        }
    }
}

/// A legal client's requisites as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequisitesDraft {
    pub full_name: String,
    pub kpp: String,
    pub address: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub corr_account: String,
    pub email: String,
}

/// One input of the requisites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequisitesField {
    FullName,
    Kpp,
    Address,
    BankName,
    Bik,
    Account,
    CorrAccount,
    Email,
}

impl RequisitesField {
    pub const ALL: [RequisitesField; 8] = [
        RequisitesField::FullName,
        RequisitesField::Kpp,
        RequisitesField::Address,
        RequisitesField::BankName,
        RequisitesField::Bik,
        RequisitesField::Account,
        RequisitesField::CorrAccount,
        RequisitesField::Email,
    ];

    /// The request's field (the server's errors name it `requisites.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            RequisitesField::FullName => "full_name",
            RequisitesField::Kpp => "kpp",
            RequisitesField::Address => "address",
            RequisitesField::BankName => "bank_name",
            RequisitesField::Bik => "bik",
            RequisitesField::Account => "account",
            RequisitesField::CorrAccount => "corr_account",
            RequisitesField::Email => "email",
        }
    }
}

impl RequisitesDraft {
    pub fn of(r: Option<&Requisites>) -> RequisitesDraft {
        let r = r.cloned().unwrap_or_default();
        RequisitesDraft {
            full_name: r.full_name,
            kpp: r.kpp,
            address: r.address,
            bank_name: r.bank_name,
            bik: r.bik,
            account: r.account,
            corr_account: r.corr_account,
            email: r.email,
        }
    }

    pub fn get(&self, f: RequisitesField) -> &str {
        match f {
            RequisitesField::FullName => &self.full_name,
            RequisitesField::Kpp => &self.kpp,
            RequisitesField::Address => &self.address,
            RequisitesField::BankName => &self.bank_name,
            RequisitesField::Bik => &self.bik,
            RequisitesField::Account => &self.account,
            RequisitesField::CorrAccount => &self.corr_account,
            RequisitesField::Email => &self.email,
        }
    }

    pub fn set(&mut self, f: RequisitesField, v: String) {
        let slot = match f {
            RequisitesField::FullName => &mut self.full_name,
            RequisitesField::Kpp => &mut self.kpp,
            RequisitesField::Address => &mut self.address,
            RequisitesField::BankName => &mut self.bank_name,
            RequisitesField::Bik => &mut self.bik,
            RequisitesField::Account => &mut self.account,
            RequisitesField::CorrAccount => &mut self.corr_account,
            RequisitesField::Email => &mut self.email,
        };
        *slot = v;
    }

    /// The requisites to store; `None` (sent as `null`) clears them when
    /// every field is empty.
    pub fn to_requisites(&self) -> Option<Requisites> {
        let t = |s: &str| s.trim().to_string();
        let r = Requisites {
            full_name: t(&self.full_name),
            kpp: t(&self.kpp),
            address: t(&self.address),
            bank_name: t(&self.bank_name),
            bik: t(&self.bik),
            account: t(&self.account),
            corr_account: t(&self.corr_account),
            email: t(&self.email),
        };
        (r != Requisites::default()).then_some(r)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressDraft {
    pub text: String,
    pub label: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub entrance: String,
    pub floor: String,
    pub access_note: String,
    pub delivery_note: String,
    /// No lift to the floor: the planner counts the stairs (issue 21).
    pub no_lift: bool,
    /// The point (issue 21): kept as it is by every edit (an edit without
    /// it would drop it), changed only by the map picker.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// One text input of the address form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    Text,
    Label,
    ContactName,
    ContactPhone,
    Entrance,
    Floor,
    AccessNote,
    DeliveryNote,
}

impl AddressField {
    pub const ALL: [AddressField; 8] = [
        AddressField::Text,
        AddressField::Label,
        AddressField::ContactName,
        AddressField::ContactPhone,
        AddressField::Entrance,
        AddressField::Floor,
        AddressField::AccessNote,
        AddressField::DeliveryNote,
    ];

    /// The request's field name (the server's errors name it `address.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            AddressField::Text => "text",
            AddressField::Label => "label",
            AddressField::ContactName => "contact_name",
            AddressField::ContactPhone => "contact_phone",
            AddressField::Entrance => "entrance",
            AddressField::Floor => "floor",
            AddressField::AccessNote => "access_note",
            AddressField::DeliveryNote => "delivery_note",
        }
    }
}

impl AddressDraft {
    pub fn of(a: &Address) -> AddressDraft {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        AddressDraft {
            text: a.text.clone(),
            label: s(&a.label),
            contact_name: s(&a.contact_name),
            contact_phone: a
                .contact_phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            entrance: s(&a.entrance),
            floor: s(&a.floor),
            access_note: s(&a.access_note),
            delivery_note: s(&a.delivery_note),
            no_lift: a.no_lift,
            lat: a.lat,
            lon: a.lon,
        }
    }

    pub fn get(&self, f: AddressField) -> &str {
        match f {
            AddressField::Text => &self.text,
            AddressField::Label => &self.label,
            AddressField::ContactName => &self.contact_name,
            AddressField::ContactPhone => &self.contact_phone,
            AddressField::Entrance => &self.entrance,
            AddressField::Floor => &self.floor,
            AddressField::AccessNote => &self.access_note,
            AddressField::DeliveryNote => &self.delivery_note,
        }
    }

    pub fn set(&mut self, f: AddressField, v: String) {
        let slot = match f {
            AddressField::Text => &mut self.text,
            AddressField::Label => &mut self.label,
            AddressField::ContactName => &mut self.contact_name,
            AddressField::ContactPhone => &mut self.contact_phone,
            AddressField::Entrance => &mut self.entrance,
            AddressField::Floor => &mut self.floor,
            AddressField::AccessNote => &mut self.access_note,
            AddressField::DeliveryNote => &mut self.delivery_note,
        };
        *slot = v;
    }

    pub fn input(&self) -> AddressInput {
        AddressInput {
            text: self.text.trim().to_string(),
            label: opt(&self.label),
            contact_name: opt(&self.contact_name),
            contact_phone: opt(&self.contact_phone),
            lat: self.lat,
            lon: self.lon,
            entrance: opt(&self.entrance),
            floor: opt(&self.floor),
            access_note: opt(&self.access_note),
            delivery_note: opt(&self.delivery_note),
            no_lift: self.no_lift,
        }
    }
}

/// What the card is editing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Editing {
    #[default]
    Nothing,
    Details(DetailsDraft),
    /// An existing address (its id), or a new one (`None`).
    Address(Option<String>, AddressDraft),
}

/// The card's editor: what is edited, on which version, and how it went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Editor {
    pub editing: Editing,
    /// The client's version the form was opened on.
    pub version: i64,
    /// The form as it was opened (on `version`): what the operator has not
    /// changed follows the client when a save is refused as stale.
    pub base: Editing,
    pub errors: FieldErrors,
    pub busy: bool,
    /// The last save was refused: someone changed the client meanwhile.
    pub stale: bool,
    /// The idempotency key of the current attempt to add an address.
    pub key: String,
}

impl Editor {
    pub fn open(editing: Editing, c: &ClientSummary) -> Editor {
        Editor {
            base: editing.clone(),
            editing,
            version: c.version,
            ..Default::default()
        }
    }

    /// The save of what is edited, as a request.
    pub fn request(&self, client: &ClientSummary) -> Option<Request> {
        match &self.editing {
            Editing::Nothing => None,
            Editing::Details(d) => Some(Request::Patch(d.to_patch(self.version))),
            Editing::Address(None, d) => Some(Request::Add(NewAddress {
                version: Some(self.version),
                address: d.input(),
            })),
            Editing::Address(Some(id), d) => Some(Request::Edit(
                id.clone(),
                EditAddress {
                    version: Some(self.version),
                    address: d.input(),
                    retired: client.addresses.iter().any(|a| &a.id == id && a.retired),
                },
            )),
        }
    }

    /// Refused as stale: what the operator typed stays, every field they
    /// did not touch takes the client's value as it is now (which the card
    /// shows), and the next save is made on that version.
    pub fn refused_stale(&mut self, now: &ClientSummary) {
        self.busy = false;
        self.stale = true;
        self.version = now.version;
        self.key.clear();
        let fresh = match &self.base {
            Editing::Nothing => Editing::Nothing,
            Editing::Details(_) => Editing::Details(DetailsDraft::of(now)),
            Editing::Address(None, _) => return,
            Editing::Address(Some(id), old) => match now.addresses.iter().find(|a| &a.id == id) {
                Some(a) => Editing::Address(Some(id.clone()), AddressDraft::of(a)),
                None => Editing::Address(Some(id.clone()), old.clone()),
            },
        };
        match (&mut self.editing, &self.base, &fresh) {
            (Editing::Details(d), Editing::Details(b), Editing::Details(f)) => {
                if d.kind == b.kind {
                    d.kind = f.kind;
                }
                for (typed, base, now) in [
                    (&mut d.name, &b.name, &f.name),
                    (&mut d.inn, &b.inn, &f.inn),
                    (&mut d.phones, &b.phones, &f.phones),
                    (&mut d.note, &b.note, &f.note),
                ] {
                    if typed == base {
                        *typed = now.clone();
                    }
                }
                for field in RequisitesField::ALL {
                    if d.requisites.get(field) == b.requisites.get(field) {
                        d.requisites.set(field, f.requisites.get(field).to_string());
                    }
                }
            }
            (Editing::Address(_, d), Editing::Address(_, b), Editing::Address(_, f)) => {
                for field in AddressField::ALL {
                    if d.get(field) == b.get(field) {
                        d.set(field, f.get(field).to_string());
                    }
                }
                if (d.lat, d.lon) == (b.lat, b.lon) {
                    (d.lat, d.lon) = (f.lat, f.lon);
                }
                if d.no_lift == b.no_lift {
                    d.no_lift = f.no_lift;
                }
            }
            _ => {}
        }
        self.base = fresh;
    }
}

/// A save of the editor's form.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Patch(PatchClient),
    Add(NewAddress),
    Edit(String, EditAddress),
}

/// The address as it is with another point: what the map picker saves.
pub fn with_point(a: &Address, version: i64, lat: f64, lon: f64) -> EditAddress {
    let mut d = AddressDraft::of(a);
    (d.lat, d.lon) = (Some(lat), Some(lon));
    EditAddress {
        version: Some(version),
        address: d.input(),
        retired: a.retired,
    }
}

/// Retiring an address or bringing it back: the address as it is, flagged.
pub fn retire(a: &Address, version: i64, retired: bool) -> EditAddress {
    EditAddress {
        version: Some(version),
        address: AddressDraft::of(a).input(),
        retired,
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::Phone;

    fn client() -> ClientSummary {
        ClientSummary {
            id: "c1".into(),
            kind: ClientKind::Legal,
            name: "ООО Ромашка".into(),
            phones: vec![
                Phone::from_e164_unchecked("+79161112233"),
                Phone::from_e164_unchecked("+74951234567"),
            ],
            addresses: vec![Address {
                id: "a1".into(),
                text: "Ленина 5".into(),
                contact_phone: Some(Phone::from_e164_unchecked("+79034445566")),
                entrance: Some("2".into()),
                retired: true,
                ..Default::default()
            }],
            inn: Some("7701234567".into()),
            note: None,
            bottles_held: 0,
            deposit_bottles: 0,
            deposit_held: rodnik_shared::Money::ZERO,
            balance: rodnik_shared::Money::ZERO,
            contract: None,
            requisites: None,
            version: 7,
            noted_at: None,
        }
    }

    #[test]
    fn details_round_trip_and_clear_emptied_fields() {
        let c = client();
        let mut d = DetailsDraft::of(&c);
        assert_eq!(d.phones, "+79161112233, +74951234567");
        d.inn = "  ".into();
        d.phones = "+79161112233; 8 926 000-11-22,".into();
        let p = d.to_patch(7);
        assert_eq!(p.version, Some(7));
        assert_eq!(p.inn, Some(None), "an emptied INN is cleared");
        assert_eq!(p.note, Some(None));
        assert_eq!(
            p.phones,
            Some(vec![
                "+79161112233".to_string(),
                "8 926 000-11-22".to_string()
            ])
        );
        assert_eq!(p.addresses, None, "the details form leaves addresses alone");
    }

    #[test]
    fn an_address_edit_keeps_its_retired_flag_and_names_the_version() {
        let c = client();
        let mut e = Editor::open(
            Editing::Address(Some("a1".into()), AddressDraft::of(&c.addresses[0])),
            &c,
        );
        if let Editing::Address(_, d) = &mut e.editing {
            d.set(AddressField::Floor, " 5 ".into());
            assert_eq!(d.get(AddressField::ContactPhone), "+79034445566");
        }
        let Some(Request::Edit(id, req)) = e.request(&c) else {
            panic!("an address edit");
        };
        assert_eq!(id, "a1");
        assert_eq!(req.version, Some(7));
        assert!(req.retired);
        assert_eq!(req.address.floor.as_deref(), Some("5"));
        assert_eq!(req.address.entrance.as_deref(), Some("2"));
        assert_eq!(req.address.label, None);
    }

    #[test]
    fn a_stale_refusal_keeps_the_typing_and_moves_to_the_new_version() {
        let mut c = client();
        let mut e = Editor::open(Editing::Details(DetailsDraft::of(&c)), &c);
        if let Editing::Details(d) = &mut e.editing {
            d.name = "ООО Ромашка-2".into();
        }
        e.busy = true;
        // Meanwhile someone renamed the client too and cleared the INN, and set a note.
        c.version = 9;
        c.name = "Ромашка (их)".into();
        c.inn = None;
        c.note = Some("их заметка".into());
        e.refused_stale(&c);
        assert!(e.stale && !e.busy);
        let Some(Request::Patch(p)) = e.request(&c) else {
            panic!("a patch");
        };
        assert_eq!(p.version, Some(9));
        assert_eq!(p.name.as_deref(), Some("ООО Ромашка-2"), "the typing stays");
        assert_eq!(p.inn, Some(None), "untouched fields follow their change");
        assert_eq!(p.note, Some(Some("их заметка".into())));
    }

    #[test]
    fn a_legal_clients_requisites_go_in_the_patch_and_empty_ones_clear() {
        let mut c = client();
        c.requisites = Some(Requisites {
            kpp: "771201001".into(),
            email: "buh@romashka.ru".into(),
            ..Default::default()
        });
        let mut d = DetailsDraft::of(&c);
        assert_eq!(d.requisites.get(RequisitesField::Kpp), "771201001");
        d.requisites.set(RequisitesField::Bik, " 044525225 ".into());
        let p = d.to_patch(7);
        let r = p.requisites.expect("sent").expect("set");
        assert_eq!(
            (r.kpp.as_str(), r.bik.as_str(), r.email.as_str()),
            ("771201001", "044525225", "buh@romashka.ru")
        );
        for f in RequisitesField::ALL {
            d.requisites.set(f, "  ".into());
        }
        assert_eq!(d.to_patch(7).requisites, Some(None), "null clears them");
        let json = serde_json::to_value(d.to_patch(7)).expect("json");
        assert!(json["requisites"].is_null() && json.get("requisites").is_some());
        d.kind = ClientKind::Individual;
        assert_eq!(
            d.to_patch(7).requisites,
            None,
            "an individual's form leaves them alone"
        );
    }

    #[test]
    fn a_stale_refusal_rebases_the_untouched_requisites() {
        let mut c = client();
        let mut e = Editor::open(Editing::Details(DetailsDraft::of(&c)), &c);
        if let Editing::Details(d) = &mut e.editing {
            d.requisites
                .set(RequisitesField::Email, "new@romashka.ru".into());
        }
        c.version = 8;
        c.requisites = Some(Requisites {
            bik: "044525225".into(),
            email: "their@romashka.ru".into(),
            ..Default::default()
        });
        e.refused_stale(&c);
        let Some(Request::Patch(p)) = e.request(&c) else {
            panic!("a patch");
        };
        let r = p.requisites.expect("sent").expect("set");
        assert_eq!(r.email, "new@romashka.ru", "the typing stays");
        assert_eq!(r.bik, "044525225", "the untouched field follows");
    }

    #[test]
    fn edits_keep_the_point_and_the_map_changes_only_the_point() {
        let mut c = client();
        c.addresses[0].lat = Some(55.7558);
        c.addresses[0].lon = Some(37.6173);
        let mut e = Editor::open(
            Editing::Address(Some("a1".into()), AddressDraft::of(&c.addresses[0])),
            &c,
        );
        if let Editing::Address(_, d) = &mut e.editing {
            d.set(AddressField::Floor, "3".into());
        }
        let Some(Request::Edit(_, req)) = e.request(&c) else {
            panic!("an address edit");
        };
        assert_eq!(
            (req.address.lat, req.address.lon),
            (Some(55.7558), Some(37.6173))
        );
        let r = retire(&c.addresses[0], 7, false);
        assert_eq!(r.address.lat, Some(55.7558), "retiring keeps the point");
        let p = with_point(&c.addresses[0], 7, 55.8, 37.5);
        assert_eq!((p.address.lat, p.address.lon), (Some(55.8), Some(37.5)));
        assert_eq!(p.address.entrance.as_deref(), Some("2"));
        assert!(p.retired && p.version == Some(7));
        // Someone else put a point meanwhile: an edit that did not touch it takes theirs.
        c.version = 8;
        c.addresses[0].lat = Some(59.9);
        e.refused_stale(&c);
        let Some(Request::Edit(_, req)) = e.request(&c) else {
            panic!("an address edit");
        };
        assert_eq!(req.address.lat, Some(59.9));
        assert_eq!(req.address.floor.as_deref(), Some("3"));
    }

    #[test]
    fn retiring_sends_the_address_as_it_is() {
        let c = client();
        let r = retire(&c.addresses[0], 7, false);
        assert!(!r.retired);
        assert_eq!(r.address.text, "Ленина 5");
        assert_eq!(r.address.contact_phone.as_deref(), Some("+79034445566"));
    }
}

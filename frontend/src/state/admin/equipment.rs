//! The equipment register's state (issue 19, item 3): the list with its
//! filters and counts per state, the form that registers a piece, and the
//! open piece's card (its model and note as typed, the move being asked
//! for with its reason). What was typed stays until it is saved: a refusal,
//! a lost connection or a reload after someone else's change keeps it.

use std::rc::Rc;

use rodnik_shared::api::{
    Equipment, EquipmentAction, EquipmentDetail, MoveEquipment, NewEquipment, PatchEquipment,
};
use rodnik_shared::equipment::EquipmentMove;
use rodnik_shared::{EquipmentKind, EquipmentState};
use yew::prelude::*;

use super::{Errors, Load, NewForm};
use crate::i18n::admin::AdminTexts;
use crate::i18n::equipment::EquipmentTexts;

/// How many pieces one list asks for (the API's most).
pub const LIMIT: usize = 500;

/// The moves the office makes, in the order their buttons are shown.
pub const ACTIONS: [EquipmentAction; 3] = [
    EquipmentAction::Repair,
    EquipmentAction::Repaired,
    EquipmentAction::WriteOff,
];

/// The moves a piece in `state` may make: the shared rule the server applies.
pub fn allowed(state: EquipmentState) -> Vec<EquipmentAction> {
    ACTIONS
        .into_iter()
        .filter(|a| {
            let m = match a {
                EquipmentAction::Repair => EquipmentMove::Repair,
                EquipmentAction::Repaired => EquipmentMove::Repaired,
                EquipmentAction::WriteOff => EquipmentMove::WriteOff,
            };
            m.apply(state).is_ok()
        })
        .collect()
}

/// Serials as the server takes them: spaces dropped, 1-64 letters, digits
/// and `- / . _`.
pub fn serial_ok(serial: &str) -> bool {
    let key: String = serial.chars().filter(|c| !c.is_whitespace()).collect();
    (1..=64).contains(&key.chars().count())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
}

// ---------- the list ----------

/// The list's filters. Kind and serial are asked of the server; the state is
/// picked from the answer (so every state's count is shown), unless the
/// answer stopped at the limit, when the state is asked of the server too.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub state: Option<EquipmentState>,
    pub kind: Option<EquipmentKind>,
    pub serial: String,
}

/// What the server answered for a filter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// Every piece of the kind and serial asked, in any state, by serial.
    pub all: Vec<Equipment>,
    /// `all` stopped at the limit: its counts are "at least".
    pub cut: bool,
    /// The state's own list, asked when `all` was cut.
    pub of_state: Option<Vec<Equipment>>,
}

impl Listing {
    pub fn count(&self, state: Option<EquipmentState>) -> usize {
        match state {
            None => self.all.len(),
            Some(s) => self.all.iter().filter(|e| e.state == s).count(),
        }
    }
}

/// A piece as typed in the register form.
#[derive(Debug, Clone, PartialEq)]
pub struct EquipmentDraft {
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: String,
    pub note: String,
}

impl Default for EquipmentDraft {
    fn default() -> Self {
        EquipmentDraft {
            kind: EquipmentKind::Cooler,
            model: String::new(),
            serial: String::new(),
            note: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DraftField {
    Kind(EquipmentKind),
    Model(String),
    Serial(String),
    Note(String),
}

impl EquipmentDraft {
    fn set(&mut self, f: DraftField) {
        match f {
            DraftField::Kind(v) => self.kind = v,
            DraftField::Model(v) => self.model = v,
            DraftField::Serial(v) => self.serial = v,
            DraftField::Note(v) => self.note = v,
        }
    }

    /// The request, or the fields' messages (nothing is sent).
    pub fn request(&self, t: &AdminTexts, te: &EquipmentTexts) -> Result<NewEquipment, Errors> {
        let mut errors = Errors::new();
        let model = self.model.trim();
        if model.is_empty() {
            errors.push(("model".into(), t.required.into()));
        }
        let serial = self.serial.trim();
        if serial.is_empty() {
            errors.push(("serial".into(), t.required.into()));
        } else if !serial_ok(serial) {
            errors.push(("serial".into(), te.serial_format.into()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let note = self.note.trim();
        Ok(NewEquipment {
            kind: self.kind,
            model: model.to_string(),
            serial: serial.to_string(),
            note: (!note.is_empty()).then(|| note.to_string()),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegisterState {
    pub load: Load,
    pub filter: Filter,
    /// `None` until the first answer.
    pub listing: Option<Listing>,
    pub new: NewForm<EquipmentDraft>,
    /// The piece whose card is open.
    pub selected: Option<String>,
    /// Just registered (highlighted).
    pub touched: Option<String>,
}

impl Default for RegisterState {
    fn default() -> Self {
        RegisterState {
            load: Load::Loading,
            filter: Filter::default(),
            listing: None,
            new: NewForm::default(),
            selected: None,
            touched: None,
        }
    }
}

impl RegisterState {
    /// The rows shown: the state picked from the answer, or asked for.
    pub fn visible(&self) -> Vec<&Equipment> {
        let Some(l) = &self.listing else {
            return vec![];
        };
        match (self.filter.state, &l.of_state) {
            (None, _) => l.all.iter().collect(),
            (Some(_), Some(of_state)) => of_state.iter().collect(),
            (Some(s), None) => l.all.iter().filter(|e| e.state == s).collect(),
        }
    }

    /// Whether a change of the state filter needs the server (the answer
    /// was cut).
    pub fn state_needs_server(&self) -> bool {
        self.listing.as_ref().is_some_and(|l| l.cut)
    }
}

pub enum RegisterAction {
    Loading,
    Loaded(Listing),
    LoadFailed(String),
    Filter(Filter),
    Select(Option<String>),
    NewToggle,
    NewEdit(DraftField),
    NewBusy(String),
    NewDone(Result<Equipment, Errors>),
}

impl Reducible for RegisterState {
    type Action = RegisterAction;

    fn reduce(self: Rc<Self>, action: RegisterAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            RegisterAction::Loading => s.load = Load::Loading,
            RegisterAction::Loaded(l) => {
                s.listing = Some(l);
                s.load = Load::Ready;
            }
            RegisterAction::LoadFailed(m) => s.load = Load::Failed(m),
            RegisterAction::Filter(f) => s.filter = f,
            RegisterAction::Select(id) => s.selected = id,
            RegisterAction::NewToggle => s.new.toggle(),
            RegisterAction::NewEdit(f) => s.new.edit(|d| d.set(f)),
            RegisterAction::NewBusy(key) => s.new.sending(key),
            RegisterAction::NewDone(Ok(e)) => {
                // Ready for the next piece of the same kind and model (a batch).
                s.new.created(EquipmentDraft {
                    kind: s.new.draft.kind,
                    model: s.new.draft.model.clone(),
                    ..EquipmentDraft::default()
                });
                s.touched = Some(e.id.clone());
                if let Some(l) = &mut s.listing {
                    if !l.all.iter().any(|x| x.id == e.id) {
                        let at = l.all.partition_point(|x| x.serial < e.serial);
                        l.all.insert(at, e);
                    }
                }
            }
            RegisterAction::NewDone(Err(errors)) => s.new.failed(errors),
        }
        Rc::new(s)
    }
}

// ---------- one piece's card ----------

/// The model and note as typed on the card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EditDraft {
    pub model: String,
    pub note: String,
}

impl EditDraft {
    pub fn of(e: &Equipment) -> EditDraft {
        EditDraft {
            model: e.model.clone(),
            note: e.note.clone().unwrap_or_default(),
        }
    }

    /// The changes against `e` (`None`: nothing changed), or the fields'
    /// messages.
    pub fn patch(&self, e: &Equipment, t: &AdminTexts) -> Result<Option<PatchEquipment>, Errors> {
        let model = self.model.trim();
        if model.is_empty() {
            return Err(vec![("model".into(), t.required.into())]);
        }
        let note = self.note.trim();
        let p = PatchEquipment {
            model: (model != e.model).then(|| model.to_string()),
            // "" clears it.
            note: (note != e.note.as_deref().unwrap_or_default()).then(|| note.to_string()),
            expected_version: Some(e.version),
        };
        Ok((p.model.is_some() || p.note.is_some()).then_some(p))
    }
}

/// A move being asked for: its reason as typed, and the key of the request
/// last sent with the body it was sent with (a retry of the same body reuses
/// it; another body, say after a reload, is another request).
#[derive(Debug, Clone, PartialEq)]
pub struct MoveForm {
    pub action: EquipmentAction,
    pub reason: String,
    pub errors: Errors,
    pub busy: bool,
    pub sent: Option<(String, MoveEquipment)>,
}

impl MoveForm {
    /// The request for `e`, or the reason's message.
    pub fn request(&self, e: &Equipment, te: &EquipmentTexts) -> Result<MoveEquipment, Errors> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(vec![("reason".into(), te.reason_required.into())]);
        }
        Ok(MoveEquipment {
            action: self.action,
            reason: reason.to_string(),
            expected_version: Some(e.version),
        })
    }

    /// The key for sending `body`: the last one when it went with the same body.
    pub fn key_for(&self, body: &MoveEquipment) -> Option<String> {
        self.sent
            .as_ref()
            .filter(|(_, b)| b == body)
            .map(|(k, _)| k.clone())
    }
}

/// What the card says after the last step.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Saved,
    Moved,
    /// Someone else changed it: reloaded.
    Stale,
    /// The move does not fit its state any more: reloaded.
    Refused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CardState {
    pub load: Load,
    pub detail: Option<EquipmentDetail>,
    pub edit: EditDraft,
    pub edit_errors: Errors,
    pub saving: bool,
    pub moving: Option<MoveForm>,
    pub notice: Option<Notice>,
}

impl Default for CardState {
    fn default() -> Self {
        CardState {
            load: Load::Loading,
            detail: None,
            edit: EditDraft::default(),
            edit_errors: vec![],
            saving: false,
            moving: None,
            notice: None,
        }
    }
}

impl CardState {
    pub fn equipment(&self) -> Option<&Equipment> {
        self.detail.as_ref().map(|d| &d.equipment)
    }

    /// The model or note typed differently from what is stored.
    pub fn edited(&self) -> bool {
        self.equipment()
            .is_some_and(|e| self.edit != EditDraft::of(e))
    }
}

pub enum CardAction {
    Loading,
    /// Fresh from the server; typed edits and an open move stay.
    Loaded(EquipmentDetail),
    LoadFailed(String),
    EditModel(String),
    EditNote(String),
    Revert,
    Saving,
    Saved(Equipment),
    SaveFailed(Errors),
    OpenMove(EquipmentAction),
    CancelMove,
    Reason(String),
    Moving(String, MoveEquipment),
    Moved(Equipment),
    MoveFailed(Errors),
    /// 409: the card is reloaded and says why.
    Conflict(Notice),
}

impl Reducible for CardState {
    type Action = CardAction;

    fn reduce(self: Rc<Self>, action: CardAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            CardAction::Loading => s.load = Load::Loading,
            CardAction::Loaded(d) => {
                if !s.edited() {
                    s.edit = EditDraft::of(&d.equipment);
                }
                let state = d.equipment.state;
                if s.moving
                    .as_ref()
                    .is_some_and(|m| !allowed(state).contains(&m.action))
                {
                    s.moving = None;
                }
                s.detail = Some(d);
                s.load = Load::Ready;
            }
            CardAction::LoadFailed(m) => s.load = Load::Failed(m),
            CardAction::EditModel(v) if !s.saving => {
                s.edit.model = v;
                s.notice = None;
            }
            CardAction::EditNote(v) if !s.saving => {
                s.edit.note = v;
                s.notice = None;
            }
            CardAction::EditModel(_) | CardAction::EditNote(_) => {}
            CardAction::Revert => {
                if let Some(e) = s.equipment() {
                    s.edit = EditDraft::of(e);
                    s.edit_errors.clear();
                }
            }
            CardAction::Saving => {
                s.saving = true;
                s.edit_errors.clear();
                s.notice = None;
            }
            CardAction::Saved(e) => {
                s.saving = false;
                s.edit = EditDraft::of(&e);
                if let Some(d) = &mut s.detail {
                    d.equipment = e;
                }
                s.notice = Some(Notice::Saved);
            }
            CardAction::SaveFailed(errors) => {
                s.saving = false;
                s.edit_errors = errors;
            }
            CardAction::OpenMove(action) => {
                if s.moving.as_ref().is_some_and(|m| m.busy) {
                    return self;
                }
                s.moving = Some(MoveForm {
                    action,
                    reason: String::new(),
                    errors: vec![],
                    busy: false,
                    sent: None,
                });
                s.notice = None;
            }
            CardAction::CancelMove => {
                if s.moving.as_ref().is_some_and(|m| !m.busy) {
                    s.moving = None;
                }
            }
            CardAction::Reason(r) => {
                if let Some(m) = s.moving.as_mut().filter(|m| !m.busy) {
                    m.reason = r;
                }
            }
            CardAction::Moving(key, body) => {
                if let Some(m) = &mut s.moving {
                    m.busy = true;
                    m.errors.clear();
                    m.sent = Some((key, body));
                }
                s.notice = None;
            }
            CardAction::Moved(e) => {
                s.moving = None;
                if let Some(d) = &mut s.detail {
                    d.equipment = e;
                }
                s.notice = Some(Notice::Moved);
            }
            CardAction::MoveFailed(errors) => {
                if let Some(m) = &mut s.moving {
                    m.busy = false;
                    m.errors = errors;
                }
            }
            CardAction::Conflict(n) => {
                s.saving = false;
                if let Some(m) = &mut s.moving {
                    m.busy = false;
                }
                s.notice = Some(n);
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::admin::texts;
    use crate::i18n::equipment::texts as eq_texts;
    use crate::i18n::Lang;

    /// Built from the API's JSON, as the browser gets it.
    fn piece(id: &str, serial: &str, state: &str, version: i64) -> Equipment {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "cooler", "model": "Ecotronic H1-LN", "serial": serial,
            "state": state, "note": null, "version": version,
            "created_at": "2026-12-01T10:00:00+03:00", "updated_at": "2026-12-01T10:00:00+03:00",
        }))
        .expect("equipment JSON")
    }

    fn detail(e: Equipment) -> EquipmentDetail {
        let mut v = serde_json::to_value(e).expect("equipment to JSON");
        v["history"] = serde_json::json!([]);
        serde_json::from_value(v).expect("detail JSON")
    }

    #[test]
    fn the_buttons_follow_the_shared_rule() {
        use EquipmentAction::*;
        assert_eq!(allowed(EquipmentState::InStock), vec![Repair, WriteOff]);
        assert_eq!(allowed(EquipmentState::AtClient), vec![Repair, WriteOff]);
        assert_eq!(allowed(EquipmentState::InRepair), vec![Repaired, WriteOff]);
        assert!(allowed(EquipmentState::WrittenOff).is_empty());
    }

    #[test]
    fn a_registration_is_checked_before_it_is_sent() {
        let (t, te) = (texts(Lang::Ru), eq_texts(Lang::Ru));
        let errors = EquipmentDraft::default().request(t, te).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["model", "serial"]);
        let d = EquipmentDraft {
            model: " Ecotronic ".into(),
            serial: "ECO #1".into(),
            ..EquipmentDraft::default()
        };
        assert_eq!(
            d.request(t, te).unwrap_err(),
            vec![("serial".to_string(), te.serial_format.to_string())]
        );
        let d = EquipmentDraft {
            serial: " ECO 0001 ".into(),
            note: "  ".into(),
            ..d
        };
        let r = d.request(t, te).unwrap();
        assert_eq!(
            (r.model.as_str(), r.serial.as_str(), r.note),
            ("Ecotronic", "ECO 0001", None)
        );
        assert!(serial_ok("A-1/2.3_x") && !serial_ok(&"x".repeat(65)));
    }

    #[test]
    fn a_refused_serial_keeps_the_form_and_a_registration_readies_the_next() {
        let s = Rc::new(RegisterState::default());
        let s = s.reduce(RegisterAction::Loaded(Listing {
            all: vec![
                piece("a", "A-1", "in_stock", 1),
                piece("c", "C-1", "in_repair", 2),
            ],
            ..Listing::default()
        }));
        let s = s.reduce(RegisterAction::NewToggle);
        let s = s.reduce(RegisterAction::NewEdit(DraftField::Model(
            "Ecotronic".into(),
        )));
        let s = s.reduce(RegisterAction::NewEdit(DraftField::Serial("A-1".into())));
        let s = s.reduce(RegisterAction::NewBusy("k1".into()));
        let s = s.reduce(RegisterAction::NewDone(Err(vec![(
            "serial".into(),
            "taken".into(),
        )])));
        assert_eq!(
            (s.new.draft.model.as_str(), s.new.draft.serial.as_str()),
            ("Ecotronic", "A-1")
        );
        assert_eq!(s.new.errors[0].0, "serial");
        let s = s.reduce(RegisterAction::NewEdit(DraftField::Serial("B-1".into())));
        let s = s.reduce(RegisterAction::NewBusy("k2".into()));
        let s = s.reduce(RegisterAction::NewDone(Ok(piece(
            "b", "B-1", "in_stock", 1,
        ))));
        assert_eq!(
            (s.new.draft.model.as_str(), s.new.draft.serial.as_str()),
            ("Ecotronic", ""),
            "the same model again, a new serial"
        );
        let serials: Vec<&str> = s.visible().iter().map(|e| e.serial.as_str()).collect();
        assert_eq!(serials, ["A-1", "B-1", "C-1"]);
        assert_eq!(s.touched.as_deref(), Some("b"));
    }

    #[test]
    fn the_state_filter_picks_from_the_answer_unless_it_was_cut() {
        let s = Rc::new(RegisterState::default());
        let s = s.reduce(RegisterAction::Loaded(Listing {
            all: vec![
                piece("a", "A", "in_stock", 1),
                piece("b", "B", "in_repair", 1),
            ],
            ..Listing::default()
        }));
        assert_eq!(
            s.listing
                .as_ref()
                .map(|l| l.count(Some(EquipmentState::InRepair))),
            Some(1)
        );
        let s = s.reduce(RegisterAction::Filter(Filter {
            state: Some(EquipmentState::InRepair),
            ..Filter::default()
        }));
        assert!(!s.state_needs_server());
        assert_eq!(s.visible().len(), 1);
        assert_eq!(s.visible()[0].id, "b");
        let s = s.reduce(RegisterAction::Loaded(Listing {
            all: vec![piece("a", "A", "in_stock", 1)],
            cut: true,
            of_state: Some(vec![piece("z", "Z", "in_repair", 1)]),
        }));
        assert!(s.state_needs_server());
        assert_eq!(s.visible()[0].id, "z");
    }

    #[test]
    fn only_changed_fields_are_patched_with_the_version_seen() {
        let t = texts(Lang::En);
        let e = piece("a", "A", "in_stock", 3);
        let mut d = EditDraft::of(&e);
        assert_eq!(d.patch(&e, t), Ok(None));
        d.note = " течёт ".into();
        let p = d.patch(&e, t).unwrap().unwrap();
        assert_eq!(
            (p.model, p.note.as_deref(), p.expected_version),
            (None, Some("течёт"), Some(3))
        );
        d.model = " ".into();
        assert_eq!(d.patch(&e, t).unwrap_err()[0].0, "model");
    }

    #[test]
    fn a_stale_move_keeps_the_reason_and_the_next_try_is_a_new_request() {
        let te = eq_texts(Lang::Ru);
        let s = Rc::new(CardState::default());
        let s = s.reduce(CardAction::Loaded(detail(piece("a", "A", "in_stock", 1))));
        let s = s.reduce(CardAction::EditNote("на витрине".into()));
        let s = s.reduce(CardAction::OpenMove(EquipmentAction::Repair));
        let empty = s
            .moving
            .as_ref()
            .unwrap()
            .request(s.equipment().unwrap(), te);
        assert_eq!(empty.unwrap_err()[0].0, "reason");
        let s = s.reduce(CardAction::Reason("течёт кран".into()));
        let body = s
            .moving
            .as_ref()
            .unwrap()
            .request(s.equipment().unwrap(), te)
            .unwrap();
        assert_eq!(body.expected_version, Some(1));
        let s = s.reduce(CardAction::Moving("k1".into(), body.clone()));
        assert_eq!(
            s.moving.as_ref().unwrap().key_for(&body).as_deref(),
            Some("k1")
        );
        let s = s.reduce(CardAction::Reason("ignored while sending".into()));
        let s = s.reduce(CardAction::Conflict(Notice::Stale));
        // Someone changed it meanwhile: the card reloads.
        let s = s.reduce(CardAction::Loaded(detail(piece("a", "A", "in_stock", 2))));
        assert_eq!(s.notice, Some(Notice::Stale));
        let m = s.moving.as_ref().unwrap();
        assert_eq!((m.reason.as_str(), m.busy), ("течёт кран", false));
        assert_eq!(s.edit.note, "на витрине", "typed edits survive the reload");
        let again = m.request(s.equipment().unwrap(), te).unwrap();
        assert_eq!(again.expected_version, Some(2));
        assert_eq!(m.key_for(&again), None, "another body, another key");
        let s = s.reduce(CardAction::Moving("k2".into(), again));
        let s = s.reduce(CardAction::Moved(piece("a", "A", "in_repair", 3)));
        assert_eq!(
            (s.moving.is_none(), s.notice.clone()),
            (true, Some(Notice::Moved))
        );
        // In repair now: a reload drops a move that no longer fits.
        let s = s.reduce(CardAction::OpenMove(EquipmentAction::Repaired));
        let s = s.reduce(CardAction::Loaded(detail(piece(
            "a",
            "A",
            "written_off",
            4,
        ))));
        assert!(s.moving.is_none());
    }
}

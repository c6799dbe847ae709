//! Users: their drafts (a row's edit, a password reset, a new user), checked
//! with the server's own rules, and the panel's reducer.

use std::rc::Rc;

use rodnik_shared::api::{CreateUser, PatchUser, User};
use rodnik_shared::Role;
use yew::prelude::*;

use super::{matches, Errors, Load, NewForm};
use crate::i18n::admin::AdminTexts;

// ---------- drafts ----------

/// The editable fields of a user, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct UserDraft {
    pub name: String,
    pub role: Role,
    pub phone: String,
    pub extension: String,
    pub active: bool,
}

impl UserDraft {
    pub fn of(u: &User) -> UserDraft {
        UserDraft {
            name: u.name.clone(),
            role: u.role,
            phone: u.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            extension: u.extension.clone().unwrap_or_default(),
            active: u.active,
        }
    }

    /// The changes against `u`, checked the way the server checks them.
    pub fn patch(&self, u: &User, t: &AdminTexts) -> Result<PatchUser, Errors> {
        let mut errors = Errors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(("name".into(), t.required.into()));
        }
        let extension = self.extension.trim();
        if let Some(e) = extension_error(extension, t) {
            errors.push(("extension".into(), e));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let phone = self.phone.trim();
        let old_phone = u.phone.as_ref().map(|p| p.to_string()).unwrap_or_default();
        let old_ext = u.extension.clone().unwrap_or_default();
        Ok(PatchUser {
            name: (name != u.name).then(|| name.to_string()),
            role: (self.role != u.role).then_some(self.role),
            phone: (phone != old_phone).then(|| (!phone.is_empty()).then(|| phone.to_string())),
            extension: (extension != old_ext)
                .then(|| (!extension.is_empty()).then(|| extension.to_string())),
            active: (self.active != u.active).then_some(self.active),
            password: None,
        })
    }
}

/// The server's own rules (`rodnik_shared::validate`), in the user's language.
pub(crate) fn extension_error(ext: &str, t: &AdminTexts) -> Option<String> {
    rodnik_shared::validate::extension(Some(ext), "extension")
        .err()
        .map(|_| t.extension_format.to_string())
}

pub(crate) fn password_error(p: &str, t: &AdminTexts) -> Option<String> {
    rodnik_shared::validate::password(p, "password")
        .err()
        .map(|_| t.password_short.to_string())
}

pub fn is_empty_patch(p: &PatchUser) -> bool {
    p.name.is_none()
        && p.role.is_none()
        && p.phone.is_none()
        && p.extension.is_none()
        && p.active.is_none()
        && p.password.is_none()
}

/// A new user, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUserDraft {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub phone: String,
    pub extension: String,
    pub password: String,
}

impl Default for NewUserDraft {
    fn default() -> Self {
        NewUserDraft {
            username: String::new(),
            name: String::new(),
            role: Role::Operator,
            phone: String::new(),
            extension: String::new(),
            password: String::new(),
        }
    }
}

impl NewUserDraft {
    pub fn request(&self, t: &AdminTexts) -> Result<CreateUser, Errors> {
        let mut errors = Errors::new();
        let username = self.username.trim();
        if username.is_empty() {
            errors.push(("username".into(), t.required.into()));
        } else if username.chars().any(char::is_whitespace) || username.chars().count() > 64 {
            errors.push(("username".into(), t.username_format.into()));
        }
        if self.name.trim().is_empty() {
            errors.push(("name".into(), t.required.into()));
        }
        if let Some(e) = extension_error(self.extension.trim(), t) {
            errors.push(("extension".into(), e));
        }
        if let Some(e) = password_error(&self.password, t) {
            errors.push(("password".into(), e));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(CreateUser {
            username: username.to_string(),
            password: self.password.clone(),
            name: self.name.trim().to_string(),
            role: self.role,
            phone: opt(&self.phone),
            extension: opt(&self.extension),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Name(String),
    Role(Role),
    Phone(String),
    Extension(String),
    Active(bool),
    Username(String),
    Password(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowEdit {
    pub id: String,
    pub draft: UserDraft,
    pub errors: Errors,
    pub busy: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PasswordReset {
    pub id: String,
    pub password: String,
    pub errors: Errors,
    pub busy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Notice {
    Created,
    Saved,
    PasswordSet,
}

// ---------- state ----------

#[derive(Debug, Clone, PartialEq)]
pub struct UsersState {
    pub load: Load,
    pub users: Vec<User>,
    pub filter: String,
    pub edit: Option<RowEdit>,
    pub reset: Option<PasswordReset>,
    pub new: NewForm<NewUserDraft>,
    /// The row that just changed, and how.
    pub notice: Option<(String, Notice)>,
}

impl Default for UsersState {
    fn default() -> Self {
        UsersState {
            load: Load::Loading,
            users: vec![],
            filter: String::new(),
            edit: None,
            reset: None,
            new: NewForm::default(),
            notice: None,
        }
    }
}

pub enum UsersAction {
    Loading,
    Loaded(Vec<User>),
    LoadFailed(String),
    Filter(String),
    Edit(String),
    EditField(Field),
    EditCancel,
    EditBusy,
    /// Saved, or failed with these errors.
    EditDone(Result<User, Errors>),
    Reset(String),
    ResetInput(String),
    ResetCancel,
    ResetBusy,
    ResetDone(Result<(), Errors>),
    NewToggle,
    NewField(Field),
    NewBusy(String),
    NewDone(Result<User, Errors>),
}

impl UsersState {
    /// Active users first, then by name.
    pub fn sorted(&self, needle: &str) -> Vec<&User> {
        let mut list: Vec<&User> = self
            .users
            .iter()
            .filter(|u| {
                matches(
                    &format!(
                        "{} {} {} {}",
                        u.username,
                        u.name,
                        u.extension.as_deref().unwrap_or(""),
                        u.phone.as_ref().map(|p| p.as_str()).unwrap_or("")
                    ),
                    needle,
                )
            })
            .collect();
        list.sort_by(|a, b| {
            b.active
                .cmp(&a.active)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        list
    }

    fn put(&mut self, u: User) {
        match self.users.iter_mut().find(|x| x.id == u.id) {
            Some(x) => *x = u,
            None => self.users.push(u),
        }
    }
}

impl Reducible for UsersState {
    type Action = UsersAction;

    fn reduce(self: Rc<Self>, action: UsersAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            UsersAction::Loading => s.load = Load::Loading,
            UsersAction::Loaded(users) => {
                s.users = users;
                s.load = Load::Ready;
            }
            UsersAction::LoadFailed(m) => s.load = Load::Failed(m),
            UsersAction::Filter(f) => s.filter = f,
            UsersAction::Edit(id) => {
                if let Some(u) = s.users.iter().find(|u| u.id == id) {
                    s.edit = Some(RowEdit {
                        id,
                        draft: UserDraft::of(u),
                        errors: vec![],
                        busy: false,
                    });
                    s.reset = None;
                    s.notice = None;
                }
            }
            UsersAction::EditField(f) => {
                if let Some(e) = s.edit.as_mut().filter(|e| !e.busy) {
                    let d = &mut e.draft;
                    match f {
                        Field::Name(v) => d.name = v,
                        Field::Role(v) => d.role = v,
                        Field::Phone(v) => d.phone = v,
                        Field::Extension(v) => d.extension = v,
                        Field::Active(v) => d.active = v,
                        Field::Username(_) | Field::Password(_) => {}
                    }
                }
            }
            UsersAction::EditCancel => s.edit = None,
            UsersAction::EditBusy => {
                if let Some(e) = s.edit.as_mut() {
                    e.busy = true;
                    e.errors.clear();
                }
            }
            UsersAction::EditDone(Ok(u)) => {
                s.notice = Some((u.id.clone(), Notice::Saved));
                s.edit = None;
                s.put(u);
            }
            UsersAction::EditDone(Err(errors)) => {
                if let Some(e) = s.edit.as_mut() {
                    e.busy = false;
                    e.errors = errors;
                }
            }
            UsersAction::Reset(id) => {
                s.reset = Some(PasswordReset {
                    id,
                    password: String::new(),
                    errors: vec![],
                    busy: false,
                });
                s.edit = None;
                s.notice = None;
            }
            UsersAction::ResetInput(p) => {
                if let Some(r) = s.reset.as_mut().filter(|r| !r.busy) {
                    r.password = p;
                }
            }
            UsersAction::ResetCancel => s.reset = None,
            UsersAction::ResetBusy => {
                if let Some(r) = s.reset.as_mut() {
                    r.busy = true;
                    r.errors.clear();
                }
            }
            UsersAction::ResetDone(Ok(())) => {
                if let Some(r) = s.reset.take() {
                    s.notice = Some((r.id, Notice::PasswordSet));
                }
            }
            UsersAction::ResetDone(Err(errors)) => {
                if let Some(r) = s.reset.as_mut() {
                    r.busy = false;
                    r.errors = errors;
                }
            }
            UsersAction::NewToggle => {
                s.new.toggle();
                s.notice = None;
            }
            UsersAction::NewField(f) => s.new.edit(|n| match f {
                Field::Username(v) => n.username = v,
                Field::Name(v) => n.name = v,
                Field::Role(v) => n.role = v,
                Field::Phone(v) => n.phone = v,
                Field::Extension(v) => n.extension = v,
                Field::Password(v) => n.password = v,
                Field::Active(_) => {}
            }),
            UsersAction::NewBusy(key) => s.new.sending(key),
            UsersAction::NewDone(Ok(u)) => {
                s.notice = Some((u.id.clone(), Notice::Created));
                // Ready for the next one, with the same role.
                s.new.created(NewUserDraft {
                    role: s.new.draft.role,
                    ..NewUserDraft::default()
                });
                s.put(u);
            }
            UsersAction::NewDone(Err(errors)) => s.new.failed(errors),
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::admin::texts;
    use crate::i18n::Lang;
    use rodnik_shared::Phone;

    #[test]
    fn the_forms_check_the_servers_extension_and_password_rules() {
        let t = texts(Lang::En);
        for ok in ["", "101", "sip-7", "ivanova_2"] {
            assert_eq!(extension_error(ok, t), None, "{ok}");
        }
        // What the server refuses (a space, a dot, Cyrillic, 17 characters).
        for bad in ["sip 7", "101.2", "доб12", "12345678901234567"] {
            assert!(extension_error(bad, t).is_some(), "{bad}");
        }
        assert!(password_error("1234567", t).is_some());
        assert_eq!(password_error("12345678", t), None);
        assert!(password_error(&"x".repeat(257), t).is_some());
    }

    fn user(id: &str, name: &str, active: bool) -> User {
        User {
            id: id.into(),
            username: id.into(),
            name: name.into(),
            role: Role::Operator,
            phone: Some(Phone::from_e164_unchecked("+79123456789")),
            extension: Some("101".into()),
            active,
        }
    }

    fn t() -> &'static AdminTexts {
        texts(Lang::En)
    }

    #[test]
    fn an_edit_sends_only_what_changed_and_null_to_clear() {
        let u = user("u1", "Olga", true);
        let mut d = UserDraft::of(&u);
        assert!(is_empty_patch(&d.patch(&u, t()).unwrap()));
        d.name = " Olga S ".into();
        d.extension = "".into();
        let p = d.patch(&u, t()).unwrap();
        assert_eq!(p.name.as_deref(), Some("Olga S"));
        assert_eq!(p.extension, Some(None));
        assert_eq!(p.phone, None);
        assert_eq!(p.role, None);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(
            v,
            serde_json::json!({ "name": "Olga S", "extension": null })
        );
        d.active = false;
        d.role = Role::Manager;
        let p = d.patch(&u, t()).unwrap();
        assert_eq!(p.active, Some(false));
        assert_eq!(p.role, Some(Role::Manager));
    }

    #[test]
    fn bad_input_stays_in_the_browser_with_its_field() {
        let u = user("u1", "Olga", true);
        let mut d = UserDraft::of(&u);
        d.name = "  ".into();
        d.extension = "1 01".into();
        let e = d.patch(&u, t()).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name", "extension"]);

        let n = NewUserDraft {
            username: "two words".into(),
            password: "short".into(),
            ..NewUserDraft::default()
        };
        let e = n.request(t()).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["username", "name", "password"]);
    }

    #[test]
    fn a_failed_save_keeps_the_draft_and_shows_the_error() {
        let s = Rc::new(UsersState::default());
        let s = s.reduce(UsersAction::Loaded(vec![user("u1", "Olga", true)]));
        let s = s.reduce(UsersAction::Edit("u1".into()));
        let s = s.reduce(UsersAction::EditField(Field::Extension("102".into())));
        let s = s.reduce(UsersAction::EditBusy);
        // Typing is ignored while the request is out.
        let s = s.reduce(UsersAction::EditField(Field::Extension("103".into())));
        let s = s.reduce(UsersAction::EditDone(Err(vec![(
            "extension".into(),
            "taken".into(),
        )])));
        let e = s.edit.as_ref().unwrap();
        assert_eq!(e.draft.extension, "102");
        assert!(!e.busy);
        assert_eq!(e.errors[0].0, "extension");
        let mut saved = user("u1", "Olga", true);
        saved.extension = Some("104".into());
        let s = s.reduce(UsersAction::EditDone(Ok(saved)));
        assert!(s.edit.is_none());
        assert_eq!(s.users[0].extension.as_deref(), Some("104"));
        assert_eq!(s.notice, Some(("u1".into(), Notice::Saved)));
    }

    #[test]
    fn a_created_user_joins_the_list_and_the_form_is_ready_for_the_next() {
        let s = Rc::new(UsersState::default());
        let s = s.reduce(UsersAction::Loaded(vec![user("u1", "Olga", true)]));
        let s = s.reduce(UsersAction::NewToggle);
        let s = s.reduce(UsersAction::NewField(Field::Username("ivan".into())));
        let s = s.reduce(UsersAction::NewField(Field::Role(Role::Courier)));
        let s = s.reduce(UsersAction::NewBusy("k1".into()));
        let s = s.reduce(UsersAction::NewDone(Err(vec![(
            "username".into(),
            "taken".into(),
        )])));
        assert_eq!(s.new.key.as_deref(), Some("k1"), "a retry reuses the key");
        assert_eq!(s.new.draft.username, "ivan");
        let s = s.reduce(UsersAction::NewField(Field::Username("ivan2".into())));
        assert_eq!(s.new.key, None, "an edit drops the key");
        let s = s.reduce(UsersAction::NewDone(Ok(user("u2", "Ivan", true))));
        assert_eq!(s.users.len(), 2);
        assert!(s.new.open && s.new.draft.username.is_empty());
        assert_eq!(s.new.draft.role, Role::Courier);
    }

    #[test]
    fn active_users_come_first_and_the_filter_matches_any_column() {
        let mut s = UsersState::default();
        s.users = vec![
            user("b", "Boris", false),
            user("z", "Zoya", true),
            user("a", "Anna", true),
        ];
        let names: Vec<&str> = s.sorted("").iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Anna", "Zoya", "Boris"]);
        assert_eq!(s.sorted("zoy").len(), 1);
        assert_eq!(s.sorted("101").len(), 3);
    }
}

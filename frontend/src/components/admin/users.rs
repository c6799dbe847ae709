//! Users (admin only): the table with every user, editing a row in place,
//! a password reset under a row, and the form that creates a user.

use std::rc::Rc;

use rodnik_shared::api::{CreateUser, PatchUser, User};
use rodnik_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{use_loader, AdminTable, PanelBar};
use super::{
    checked, errors_from, field_error, input_value, matches, other_errors, select_value, Errors,
    Load,
};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::admin::{texts, AdminTexts};
use crate::i18n::{role_label, Lang};
use crate::state::{use_app, AppAction};

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
fn extension_error(ext: &str, t: &AdminTexts) -> Option<String> {
    rodnik_shared::validate::extension(Some(ext), "extension")
        .err()
        .map(|_| t.extension_format.to_string())
}

fn password_error(p: &str, t: &AdminTexts) -> Option<String> {
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

/// The create-user form, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUserDraft {
    pub open: bool,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub phone: String,
    pub extension: String,
    pub password: String,
    pub errors: Errors,
    pub busy: bool,
    /// Kept across retries of the same input; any edit drops it.
    pub key: Option<String>,
}

impl Default for NewUserDraft {
    fn default() -> Self {
        NewUserDraft {
            open: false,
            username: String::new(),
            name: String::new(),
            role: Role::Operator,
            phone: String::new(),
            extension: String::new(),
            password: String::new(),
            errors: Errors::new(),
            busy: false,
            key: None,
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
    pub new: NewUserDraft,
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
            new: NewUserDraft::default(),
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
                s.new.open = !s.new.open;
                s.notice = None;
            }
            UsersAction::NewField(f) => {
                let n = &mut s.new;
                if n.busy {
                    return self;
                }
                n.key = None;
                match f {
                    Field::Username(v) => n.username = v,
                    Field::Name(v) => n.name = v,
                    Field::Role(v) => n.role = v,
                    Field::Phone(v) => n.phone = v,
                    Field::Extension(v) => n.extension = v,
                    Field::Password(v) => n.password = v,
                    Field::Active(_) => {}
                }
            }
            UsersAction::NewBusy(key) => {
                s.new.busy = true;
                s.new.key = Some(key);
                s.new.errors.clear();
            }
            UsersAction::NewDone(Ok(u)) => {
                s.notice = Some((u.id.clone(), Notice::Created));
                // The form stays open for the next one, with the same role.
                s.new = NewUserDraft {
                    open: true,
                    role: s.new.role,
                    ..NewUserDraft::default()
                };
                s.put(u);
            }
            UsersAction::NewDone(Err(errors)) => {
                s.new.busy = false;
                s.new.errors = errors;
            }
        }
        Rc::new(s)
    }
}

// ---------- view ----------

#[function_component]
pub fn UsersPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let me = app
        .session
        .as_ref()
        .map(|s| s.user.id.clone())
        .unwrap_or_default();
    let state = use_reducer(UsersState::default);

    // The form's error (a 401 has ended the session in the API client).
    let fail = {
        let app = app.clone();
        move |e: &ApiError| -> Option<Errors> { Some(errors_from(e, texts(app.lang))) }
    };

    let reload = {
        let (token, d) = (token.clone(), state.dispatcher().to_callback());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).users().await }
            },
            d.reform(|_| UsersAction::Loading),
            d.reform(|r: Result<Vec<User>, ApiError>| match r {
                Ok(users) => UsersAction::Loaded(users),
                Err(e) => UsersAction::LoadFailed(e.message()),
            }),
        )
    };

    let save_edit = {
        let (state, token, fail, app, me) = (
            state.clone(),
            token.clone(),
            fail.clone(),
            app.clone(),
            me.clone(),
        );
        Callback::from(move |_: ()| {
            let Some(edit) = state.edit.clone().filter(|e| !e.busy) else {
                return;
            };
            let Some(original) = state.users.iter().find(|u| u.id == edit.id).cloned() else {
                return;
            };
            let patch = match edit.draft.patch(&original, texts(app.lang)) {
                Ok(p) => p,
                Err(errors) => return state.dispatch(UsersAction::EditDone(Err(errors))),
            };
            if is_empty_patch(&patch) {
                return state.dispatch(UsersAction::EditCancel);
            }
            // Your own role or access changed: the server ended your session.
            let leaves = edit.id == me && (patch.role.is_some() || patch.active == Some(false));
            state.dispatch(UsersAction::EditBusy);
            let (state, token, fail, app) =
                (state.clone(), token.clone(), fail.clone(), app.clone());
            spawn_local(async move {
                match Api::with_token(&token).patch_user(&edit.id, &patch).await {
                    Ok(u) if leaves => {
                        state.dispatch(UsersAction::EditDone(Ok(u)));
                        app.dispatch(AppAction::LoggedOut);
                    }
                    Ok(u) => state.dispatch(UsersAction::EditDone(Ok(u))),
                    Err(e) => {
                        if let Some(errors) = fail(&e) {
                            state.dispatch(UsersAction::EditDone(Err(errors)));
                        }
                    }
                }
            });
        })
    };

    let save_reset = {
        let (state, token, fail, app) = (state.clone(), token.clone(), fail.clone(), app.clone());
        Callback::from(move |_: ()| {
            let Some(r) = state.reset.clone().filter(|r| !r.busy) else {
                return;
            };
            if let Some(e) = password_error(&r.password, texts(app.lang)) {
                return state.dispatch(UsersAction::ResetDone(Err(vec![("password".into(), e)])));
            }
            state.dispatch(UsersAction::ResetBusy);
            let (state, token, fail) = (state.clone(), token.clone(), fail.clone());
            let patch = PatchUser {
                password: Some(r.password.clone()),
                ..PatchUser::default()
            };
            spawn_local(async move {
                match Api::with_token(&token).patch_user(&r.id, &patch).await {
                    Ok(_) => state.dispatch(UsersAction::ResetDone(Ok(()))),
                    Err(e) => {
                        if let Some(errors) = fail(&e) {
                            state.dispatch(UsersAction::ResetDone(Err(errors)));
                        }
                    }
                }
            });
        })
    };

    let create = {
        let (state, token, fail, app) = (state.clone(), token.clone(), fail.clone(), app.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.new.busy {
                return;
            }
            let req = match state.new.request(texts(app.lang)) {
                Ok(r) => r,
                Err(errors) => return state.dispatch(UsersAction::NewDone(Err(errors))),
            };
            let key = state.new.key.clone().unwrap_or_else(new_idempotency_key);
            state.dispatch(UsersAction::NewBusy(key.clone()));
            let (state, token, fail) = (state.clone(), token.clone(), fail.clone());
            spawn_local(async move {
                match Api::with_token(&token).create_user(&req, &key).await {
                    Ok(u) => state.dispatch(UsersAction::NewDone(Ok(u))),
                    Err(e) => {
                        if let Some(errors) = fail(&e) {
                            state.dispatch(UsersAction::NewDone(Err(errors)));
                        }
                    }
                }
            });
        })
    };

    let dispatch = |make: fn(String) -> UsersAction| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(make(input_value(&e))))
    };
    let on_filter = dispatch(UsersAction::Filter);
    let toggle_new = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(UsersAction::NewToggle))
    };

    let needle = state.filter.trim().to_lowercase();
    let rows = state.sorted(&needle);
    let shown = rows.len();
    let active_count = state.users.iter().filter(|u| u.active).count();
    let count = format!(
        "{} {active_count} · {} {}",
        t.active_count,
        t.total_count,
        state.users.len()
    );
    let body = rows
        .into_iter()
        .map(|u| user_rows(u, &state, lang, &me, &save_edit, &save_reset))
        .collect::<Html>();
    let head = html! {
        <>
            <th>{ t.username }</th><th>{ t.name }</th><th>{ t.role }</th><th>{ t.phone }</th>
            <th>{ t.extension }</th><th>{ t.status }</th><th></th>
        </>
    };

    html! {
        <section id="admin-users" class="admin-panel" aria-labelledby="tab-users">
            <PanelBar title={t.users} {count} filter_id="users-filter" filter_label={t.filter_users}
                filter={state.filter.clone()} {on_filter} new_id="new-user" new_label={t.new_user}
                new_open={state.new.open} on_new={toggle_new} {lang}
                actions={html! {
                    <button id="users-reload" type="button" class="btn btn-ghost" onclick={reload.reform(|_: MouseEvent| ())}>{ lang.t().reload }</button>
                }} />
            if state.new.open {
                { new_user_form(&state, lang, create) }
            }
            <AdminTable id="users-table" class="users" {lang} load={state.load.clone()}
                loaded={!state.users.is_empty()} {shown} empty={t.nothing_found}
                cols={vec!["c-username", "c-name", "c-role", "c-phone", "c-ext", "c-active", "c-actions"]}
                {head}>
                { body }
            </AdminTable>
        </section>
    }
}

fn role_options(lang: Lang, selected: Role) -> Html {
    html! {
        { for Role::ALL.iter().map(|r| html! {
            <option value={r.as_str()} selected={*r == selected}>{ role_label(lang, *r) }</option>
        }) }
    }
}

fn new_user_form(
    state: &UseReducerHandle<UsersState>,
    lang: Lang,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let t = texts(lang);
    let n = &state.new;
    let on = |make: fn(String) -> Field| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(UsersAction::NewField(make(input_value(&e))))
        })
    };
    let on_role = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(r) = select_value(&e).parse::<Role>() {
                state.dispatch(UsersAction::NewField(Field::Role(r)));
            }
        })
    };
    let placed = ["username", "name", "role", "phone", "extension", "password"];
    html! {
        <form id="new-user-form" class="admin-form" {onsubmit} novalidate=true>
            <div class="form-field">
                <label for="new-user-username">{ t.username }</label>
                <input id="new-user-username" type="text" autocomplete="off" value={n.username.clone()}
                    oninput={on(Field::Username)} disabled={n.busy} autofocus=true />
                { field_error(&n.errors, "username") }
            </div>
            <div class="form-field wide">
                <label for="new-user-name">{ t.name }</label>
                <input id="new-user-name" type="text" value={n.name.clone()} oninput={on(Field::Name)} disabled={n.busy} />
                { field_error(&n.errors, "name") }
            </div>
            <div class="form-field">
                <label for="new-user-role">{ t.role }</label>
                <select id="new-user-role" onchange={on_role} disabled={n.busy}>{ role_options(lang, n.role) }</select>
                { field_error(&n.errors, "role") }
            </div>
            <div class="form-field">
                <label for="new-user-phone">{ t.phone }</label>
                <input id="new-user-phone" type="tel" value={n.phone.clone()} oninput={on(Field::Phone)} disabled={n.busy} />
                { field_error(&n.errors, "phone") }
            </div>
            <div class="form-field narrow">
                <label for="new-user-extension">{ t.extension }</label>
                <input id="new-user-extension" type="text" inputmode="numeric" value={n.extension.clone()}
                    oninput={on(Field::Extension)} disabled={n.busy} />
                { field_error(&n.errors, "extension") }
            </div>
            <div class="form-field">
                <label for="new-user-password">{ t.password }</label>
                <input id="new-user-password" type="password" autocomplete="new-password" value={n.password.clone()}
                    oninput={on(Field::Password)} disabled={n.busy} />
                { field_error(&n.errors, "password") }
            </div>
            <div class="form-actions">
                <button id="new-user-save" type="submit" class="btn btn-primary" disabled={n.busy}>
                    { if n.busy { t.saving } else { t.create } }
                </button>
            </div>
            <div class="form-foot">{ other_errors(&n.errors, &placed) }</div>
        </form>
    }
}

fn user_rows(
    u: &User,
    state: &UseReducerHandle<UsersState>,
    lang: Lang,
    me: &str,
    save_edit: &Callback<()>,
    save_reset: &Callback<()>,
) -> Html {
    let t = texts(lang);
    let notice = state
        .notice
        .as_ref()
        .filter(|(id, _)| *id == u.id)
        .map(|(_, n)| *n);
    let editing = state.edit.as_ref().filter(|e| e.id == u.id);
    let resetting = state.reset.as_ref().filter(|r| r.id == u.id);
    let is_me = u.id == me;
    let row_class = classes!(
        "user-row",
        (!u.active).then_some("inactive"),
        editing.is_some().then_some("editing"),
        notice.is_some().then_some("touched"),
    );
    let main = match editing {
        Some(e) => edit_cells(u, e, state, lang, is_me, save_edit),
        None => {
            let on_edit = {
                let (state, id) = (state.clone(), u.id.clone());
                Callback::from(move |_: MouseEvent| state.dispatch(UsersAction::Edit(id.clone())))
            };
            let on_reset = {
                let (state, id) = (state.clone(), u.id.clone());
                Callback::from(move |_: MouseEvent| state.dispatch(UsersAction::Reset(id.clone())))
            };
            html! {
                <>
                    <td class="username">
                        { u.username.clone() }
                        if is_me { <span class="you">{ t.you }</span> }
                    </td>
                    <td class="name">{ u.name.clone() }</td>
                    <td class="role"><span class={classes!("role-badge", format!("role-{}", u.role.as_str()))}>{ role_label(lang, u.role) }</span></td>
                    <td class="phone">{ u.phone.as_ref().map(|p| p.to_string()).unwrap_or_default() }</td>
                    <td class="extension">{ u.extension.clone().unwrap_or_default() }</td>
                    <td class="active">
                        <span class={classes!("state-badge", if u.active { "on" } else { "off" })}>
                            { if u.active { t.active } else { t.inactive } }
                        </span>
                    </td>
                    <td class="row-actions">
                        { notice_text(notice, t) }
                        <button type="button" class="btn btn-link edit" onclick={on_edit}>{ t.edit }</button>
                        <button type="button" class="btn btn-link reset-password" onclick={on_reset}>{ t.reset_password }</button>
                    </td>
                </>
            }
        }
    };
    let reset_row = resetting.map(|r| {
        let oninput = {
            let state = state.clone();
            Callback::from(move |e: InputEvent| state.dispatch(UsersAction::ResetInput(input_value(&e))))
        };
        let on_cancel = {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| state.dispatch(UsersAction::ResetCancel))
        };
        let onkeydown = {
            let (state, save) = (state.clone(), save_reset.clone());
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    save.emit(());
                }
                "Escape" => state.dispatch(UsersAction::ResetCancel),
                _ => {}
            })
        };
        html! {
            <tr class="reset-row" data-id={u.id.clone()}>
                <td colspan="7">
                    <div class="reset-box">
                        <label for={format!("new-password-{}", u.id)}>{ format!("{} {}:", t.new_password_for, u.username) }</label>
                        <input id={format!("new-password-{}", u.id)} class="new-password" type="password"
                            autocomplete="new-password" value={r.password.clone()} {oninput} {onkeydown}
                            disabled={r.busy} autofocus=true />
                        <button type="button" class="btn btn-primary set-password" disabled={r.busy}
                            onclick={save_reset.reform(|_: MouseEvent| ())}>{ if r.busy { t.saving } else { t.set_password } }</button>
                        <button type="button" class="btn btn-ghost cancel" onclick={on_cancel}>{ t.cancel }</button>
                        <span class="muted">{ if is_me { t.reset_hint_self } else { t.reset_hint } }</span>
                        { field_error(&r.errors, "password") }
                        { other_errors(&r.errors, &["password"]) }
                    </div>
                </td>
            </tr>
        }
    });
    html! {
        <>
            <tr class={row_class} data-id={u.id.clone()} data-username={u.username.clone()}
                data-active={u.active.to_string()} data-role={u.role.as_str()}>
                { main }
            </tr>
            { for reset_row }
        </>
    }
}

fn notice_text(notice: Option<Notice>, t: &AdminTexts) -> Html {
    match notice {
        Some(n) => html! {
            <span class="saved-note">{ match n {
                Notice::Created => t.created,
                Notice::Saved => t.saved,
                Notice::PasswordSet => t.password_set,
            } }</span>
        },
        None => html! {},
    }
}

fn edit_cells(
    u: &User,
    e: &RowEdit,
    state: &UseReducerHandle<UsersState>,
    lang: Lang,
    is_me: bool,
    save: &Callback<()>,
) -> Html {
    let t = texts(lang);
    let d = &e.draft;
    let on = |make: fn(String) -> Field| {
        let state = state.clone();
        Callback::from(move |ev: InputEvent| {
            state.dispatch(UsersAction::EditField(make(input_value(&ev))))
        })
    };
    let on_role = {
        let state = state.clone();
        Callback::from(move |ev: Event| {
            if let Ok(r) = select_value(&ev).parse::<Role>() {
                state.dispatch(UsersAction::EditField(Field::Role(r)));
            }
        })
    };
    let on_active = {
        let state = state.clone();
        Callback::from(move |ev: Event| {
            state.dispatch(UsersAction::EditField(Field::Active(checked(&ev))))
        })
    };
    let on_cancel = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(UsersAction::EditCancel))
    };
    let onkeydown = {
        let (state, save) = (state.clone(), save.clone());
        Callback::from(move |ev: KeyboardEvent| match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                save.emit(());
            }
            "Escape" => state.dispatch(UsersAction::EditCancel),
            _ => {}
        })
    };
    let warn_self = is_me && (d.role != u.role || !d.active);
    let warn_other = !is_me && (d.role != u.role || (u.active && !d.active));
    html! {
        <>
            <td class="username">{ u.username.clone() }</td>
            <td class="name">
                <input class="name" type="text" value={d.name.clone()} oninput={on(Field::Name)}
                    onkeydown={onkeydown.clone()} disabled={e.busy} aria-label={t.name} autofocus=true />
                { field_error(&e.errors, "name") }
            </td>
            <td class="role">
                <select class="role" onchange={on_role} onkeydown={onkeydown.clone()} disabled={e.busy} aria-label={t.role}>
                    { role_options(lang, d.role) }
                </select>
                { field_error(&e.errors, "role") }
            </td>
            <td class="phone">
                <input class="phone" type="tel" value={d.phone.clone()} oninput={on(Field::Phone)}
                    onkeydown={onkeydown.clone()} disabled={e.busy} aria-label={t.phone} />
                { field_error(&e.errors, "phone") }
            </td>
            <td class="extension">
                <input class="extension" type="text" inputmode="numeric" value={d.extension.clone()}
                    oninput={on(Field::Extension)} onkeydown={onkeydown.clone()} disabled={e.busy} aria-label={t.extension} />
                { field_error(&e.errors, "extension") }
            </td>
            <td class="active">
                <label class="check">
                    <input class="active" type="checkbox" checked={d.active} onchange={on_active}
                        onkeydown={onkeydown} disabled={e.busy} />
                    { t.active }
                </label>
                { field_error(&e.errors, "active") }
            </td>
            <td class="row-actions">
                <button type="button" class="btn btn-primary save" disabled={e.busy}
                    onclick={save.reform(|_: MouseEvent| ())}>{ if e.busy { t.saving } else { t.save } }</button>
                <button type="button" class="btn btn-ghost cancel" onclick={on_cancel} disabled={e.busy}>{ t.cancel }</button>
                if warn_self { <p class="warn">{ t.self_logout }</p> }
                if warn_other { <p class="warn">{ t.ends_sessions }</p> }
                { other_errors(&e.errors, &["name", "role", "phone", "extension", "active"]) }
            </td>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(s.new.username, "ivan");
        let s = s.reduce(UsersAction::NewField(Field::Username("ivan2".into())));
        assert_eq!(s.new.key, None, "an edit drops the key");
        let s = s.reduce(UsersAction::NewDone(Ok(user("u2", "Ivan", true))));
        assert_eq!(s.users.len(), 2);
        assert!(s.new.open && s.new.username.is_empty());
        assert_eq!(s.new.role, Role::Courier);
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

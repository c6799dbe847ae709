//! Users (admin only): the table with every user, editing a row in place,
//! a password reset under a row, and the form that creates a user.

use rodnik_shared::api::{PatchUser, User};
use rodnik_shared::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::{use_loader, AdminTable, PanelBar};
use super::{checked, errors_from, field_error, input_value, other_errors, select_value, Errors};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::i18n::admin::{texts, AdminTexts};
use crate::i18n::{role_label, Lang};
pub use crate::state::admin::users::*;
use crate::state::{use_app, AppAction};

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
            let req = match state.new.draft.request(texts(app.lang)) {
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
                <input id="new-user-username" type="text" autocomplete="off" value={n.draft.username.clone()}
                    oninput={on(Field::Username)} disabled={n.busy} autofocus=true />
                { field_error(&n.errors, "username") }
            </div>
            <div class="form-field wide">
                <label for="new-user-name">{ t.name }</label>
                <input id="new-user-name" type="text" value={n.draft.name.clone()} oninput={on(Field::Name)} disabled={n.busy} />
                { field_error(&n.errors, "name") }
            </div>
            <div class="form-field">
                <label for="new-user-role">{ t.role }</label>
                <select id="new-user-role" onchange={on_role} disabled={n.busy}>{ role_options(lang, n.draft.role) }</select>
                { field_error(&n.errors, "role") }
            </div>
            <div class="form-field">
                <label for="new-user-phone">{ t.phone }</label>
                <input id="new-user-phone" type="tel" value={n.draft.phone.clone()} oninput={on(Field::Phone)} disabled={n.busy} />
                { field_error(&n.errors, "phone") }
            </div>
            <div class="form-field narrow">
                <label for="new-user-extension">{ t.extension }</label>
                <input id="new-user-extension" type="text" inputmode="numeric" value={n.draft.extension.clone()}
                    oninput={on(Field::Extension)} disabled={n.busy} />
                { field_error(&n.errors, "extension") }
            </div>
            <div class="form-field">
                <label for="new-user-password">{ t.password }</label>
                <input id="new-user-password" type="password" autocomplete="new-password" value={n.draft.password.clone()}
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

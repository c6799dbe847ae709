//! The administration screen's panels: users (admin), the price list and a
//! client's contract prices (admin, manager), the equipment register, wallboard links and
//! order settings and client notifications (manager), telephony (admin). Each panel keeps its state in a
//! reducer, so a server error loses nothing that was typed.

mod bottles;
mod company;
pub mod equipment;
mod equipment_card;
mod notify;
pub mod orders;
pub mod prices;
pub mod products;
mod sanitation;
pub mod table;
pub mod telephony;
pub mod users;
pub mod wallboards;

pub use bottles::BottleSettingsPanel;
pub use company::CompanySettingsPanel;
pub use equipment::EquipmentPanel;
pub use notify::NotifySettingsPanel;
pub use orders::{OrderSettingsPanel, ReasonsPanel};
pub use prices::PricesPanel;
pub use products::ProductsPanel;
pub use sanitation::SanitationSettingsPanel;
pub use telephony::TelephonySettings;
pub use users::UsersPanel;
pub use wallboards::WallboardLinks;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::admin::AdminTexts;

pub use crate::state::admin::{Errors, Load};

pub fn error_for<'a>(errors: &'a Errors, field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
}

/// The message next to an input: `.field-error` with `data-field`.
pub fn field_error(errors: &Errors, field: &str) -> Html {
    match error_for(errors, field) {
        Some(m) => html! {
            <span class="field-error" data-field={field.to_string()} role="alert">{ m.to_string() }</span>
        },
        None => html! {},
    }
}

/// The messages whose field has no place of its own in the form.
pub fn other_errors(errors: &Errors, placed: &[&str]) -> Html {
    html! {
        { for errors.iter().filter(|(f, _)| !placed.contains(&f.as_str())).map(|(f, m)| html! {
            <p class="form-error field-error" data-field={f.clone()} role="alert">{ m.clone() }</p>
        }) }
    }
}

/// What a failed request means for the form: a field's message, or one for
/// the whole form. Known server messages are shown in the UI's language.
pub fn errors_from(e: &ApiError, t: &AdminTexts) -> Errors {
    match e {
        ApiError::Api {
            code,
            message,
            field,
            ..
        } => {
            let (field, text) = match (code.as_str(), field) {
                ("username_taken", _) => ("username".to_string(), t.username_taken.to_string()),
                ("sku_taken", _) => ("sku".to_string(), t.sku_taken.to_string()),
                (_, Some(f)) => {
                    // The API says "field: message"; the field is shown by the place.
                    let bare = message.strip_prefix(&format!("{f}: ")).unwrap_or(message);
                    (f.clone(), localize(bare, t))
                }
                ("forbidden", None) => (String::new(), t.forbidden.to_string()),
                _ => (String::new(), message.clone()),
            };
            vec![(field, text)]
        }
        ApiError::Network(_) => vec![(String::new(), t.network_error.to_string())],
        other => vec![(String::new(), other.to_string())],
    }
}

fn localize(message: &str, t: &AdminTexts) -> String {
    if message == "is required" {
        return t.required.to_string();
    }
    if message.starts_with("this is the last active admin") {
        return t.last_admin.to_string();
    }
    if let Some(rest) = message.strip_prefix("extension ") {
        if let Some((_, holder)) = rest.split_once(" is already used by ") {
            return format!("{} {holder}", t.extension_taken);
        }
    }
    if message == "must be at least 8 characters" {
        return t.password_short.to_string();
    }
    message.to_string()
}

pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

pub fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::admin::texts;
    use crate::i18n::Lang;

    fn api(code: &str, message: &str, field: Option<&str>) -> ApiError {
        ApiError::Api {
            status: 422,
            code: code.into(),
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    #[test]
    fn server_errors_land_on_their_field_in_the_uis_language() {
        let t = texts(Lang::Ru);
        let e = errors_from(
            &api("validation_failed", "name: is required", Some("name")),
            t,
        );
        assert_eq!(e, vec![("name".to_string(), t.required.to_string())]);
        let e = errors_from(
            &api(
                "validation_failed",
                "extension: extension 101 is already used by Olga (olga)",
                Some("extension"),
            ),
            t,
        );
        assert_eq!(e[0].0, "extension");
        assert_eq!(e[0].1, "Уже занят: Olga (olga)");
        let e = errors_from(&api("username_taken", "taken", None), t);
        assert_eq!(e[0].0, "username");
        let e = errors_from(&api("sku_taken", "taken", None), t);
        assert_eq!(e[0].0, "sku");
        let e = errors_from(
            &api(
                "validation_failed",
                "phone: '12' is not a phone number",
                Some("phone"),
            ),
            t,
        );
        assert_eq!(
            e,
            vec![(
                "phone".to_string(),
                "'12' is not a phone number".to_string()
            )]
        );
        let e = errors_from(&ApiError::Network("down".into()), t);
        assert_eq!(e[0].0, "");
    }
}

//! The administration panels' reducers and drafts: what was typed stays in
//! the state until it is saved, so a server error loses nothing.

pub mod equipment;
pub mod prices;
pub mod products;
pub mod users;

/// (field, message): the field as the API names it (`name`, `prices[2].price`);
/// an empty field is a message for the whole form.
pub type Errors = Vec<(String, String)>;

/// A list being loaded from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// Whether a text contains `needle` (already lowercase), ignoring case.
pub fn matches(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.to_lowercase().contains(needle)
}

/// A form that creates an item: whether it is open, what was typed, the
/// errors of the last try, and the idempotency key kept across retries of
/// the same input (any edit drops it: new input, new request).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewForm<D> {
    pub open: bool,
    pub draft: D,
    pub errors: Errors,
    pub busy: bool,
    pub key: Option<String>,
}

impl<D> NewForm<D> {
    pub fn toggle(&mut self) {
        self.open = !self.open;
    }

    /// Changes the draft, unless a save is running.
    pub fn edit(&mut self, f: impl FnOnce(&mut D)) {
        if !self.busy {
            self.key = None;
            f(&mut self.draft);
        }
    }

    /// The request with `key` went out.
    pub fn sending(&mut self, key: String) {
        self.busy = true;
        self.key = Some(key);
        self.errors.clear();
    }

    /// Refused: the draft stays as typed, with the errors next to it.
    pub fn failed(&mut self, errors: Errors) {
        self.busy = false;
        self.errors = errors;
    }

    /// Created: the form stays open with `next`, ready for the next item.
    pub fn created(&mut self, next: D) {
        self.busy = false;
        self.key = None;
        self.errors.clear();
        self.draft = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_form_keeps_its_key_for_a_retry_and_ignores_typing_while_it_saves() {
        let mut f = NewForm::<String>::default();
        f.toggle();
        f.edit(|d| d.push_str("W19"));
        f.sending("k1".into());
        f.edit(|d| d.push_str(" changed"));
        assert_eq!(f.draft, "W19", "typing waits for the answer");
        f.failed(vec![("sku".into(), "taken".into())]);
        assert_eq!((f.busy, f.key.as_deref()), (false, Some("k1")));
        f.edit(|d| d.push('2'));
        assert_eq!(f.key, None, "new input, new request");
        f.sending("k2".into());
        f.created(String::new());
        assert!(f.open && f.draft.is_empty() && f.errors.is_empty() && f.key.is_none());
    }
}

//! The administration panels' reducers and drafts: what was typed stays in
//! the state until it is saved, so a server error loses nothing.

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

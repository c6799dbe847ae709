//! `rodnik demo`: realistic demo data.

use crate::app::AppState;
use crate::error::Result;

pub async fn fill(_state: &AppState, _seed: u64) -> Result<()> {
    Ok(())
}

pub async fn fill_if_empty(state: &AppState, seed: u64) -> Result<()> {
    fill(state, seed).await
}

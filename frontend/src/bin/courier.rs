//! The courier app's build (Trunk target `frontend/courier/index.html`,
//! served at `/courier`): only the route and what it needs.

fn main() {
    rodnik_frontend::run_courier();
}

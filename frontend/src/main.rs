//! The dispatcher console's build (Trunk target `frontend/index.html`).

fn main() {
    rodnik_frontend::run_dispatcher();
}

//! Mounts the app. Everything else lives in `app` and the page modules.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(web::App);
}

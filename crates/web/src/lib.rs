//! ScaleStream's browser app.

mod app;

pub use app::App;

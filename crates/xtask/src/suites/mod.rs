//! The test suites of `cargo xtask test`, by area. Each area's file lists its suites; the
//! order here is the order they run in (cheap and fundamental first).

mod compat;
mod database;
pub(crate) mod edge;
mod engine_fuzz;
mod rust;
mod web;

use crate::test::Suite;

pub(crate) fn all() -> Vec<Suite> {
    let mut suites = Vec::new();
    suites.extend(rust::suites());
    suites.extend(engine_fuzz::suites());
    suites.extend(database::suites());
    suites.extend(compat::suites());
    suites.extend(edge::suites());
    suites.extend(web::suites());
    suites
}

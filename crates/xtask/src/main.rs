//! `cargo xtask`: every development task of the repository, as Rust code.
//!
//! - `setup`: install what is missing (idempotent; a second run takes seconds).
//! - `dev`:   run the product locally with demo data.
//! - `test`:  run every test suite and print one `N passed, N failed` line.
//! - `bench-*`: benchmarks (never part of `test`).

mod bench_api;
mod bench_db;
mod cmd;
mod dev;
mod paths;
mod pg;
mod setup;
mod stack;
mod suites;
mod test;
mod web;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "ScaleStream development tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the tools and system packages the repository needs (only what is missing).
    Setup,
    /// Run the local stack with demo data until Ctrl-C.
    Dev(dev::DevArgs),
    /// Run every test suite; exits non-zero on any failure.
    Test(test::TestArgs),
    /// Time a member's list queries under RLS on 100,000 transcripts (EXPLAIN + median/p95).
    BenchDb(bench_db::BenchDbArgs),
    /// Requests per second and p50/p99 latency of the stand-in's REST and auth APIs on loopback.
    BenchApi(bench_api::BenchApiArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Setup => setup::run(),
        Command::Dev(args) => dev::run(args),
        Command::Test(args) => test::run(args),
        Command::BenchDb(args) => bench_db::run(args),
        Command::BenchApi(args) => bench_api::run(args),
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

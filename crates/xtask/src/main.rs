//! `cargo xtask`: every development task of the repository, as Rust code.
//!
//! - `setup`: install what is missing (idempotent; a second run takes seconds).
//! - `dev`:   run the product locally with demo data.
//! - `test`:  run every test suite and print one `N passed, N failed` line.
//! - `bench-*`: benchmarks (never part of `test`).

mod bench_api;
mod bench_db;
mod bench_edge;
mod bench_web;
mod cmd;
mod dev;
mod edge;
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
    /// Requests per second and p50/p95/p99 latency of the stand-in's REST and auth APIs on loopback.
    BenchApi(bench_api::BenchApiArgs),
    /// Build the edge worker (Wasm for Deno) into supabase/functions/_shared/engine; run before `supabase functions deploy`.
    BuildEdge,
    /// The edge worker's figures: .wasm size, native vs Wasm-under-Deno throughput, CPU per batch call, and the wall time of `analyze` on 100 transcripts through the local stand-in.
    BenchEdge(bench_edge::BenchEdgeArgs),
    /// The web app's initial download (gzip, brotli) and time to an interactive dashboard.
    BenchWeb(bench_web::BenchWebArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Setup => setup::run(),
        Command::Dev(args) => dev::run(args),
        Command::Test(args) => test::run(args),
        Command::BenchDb(args) => bench_db::run(args),
        Command::BenchApi(args) => bench_api::run(args),
        Command::BuildEdge => edge::build().map(drop),
        Command::BenchEdge(args) => bench_edge::run(args),
        Command::BenchWeb(args) => bench_web::run(args),
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

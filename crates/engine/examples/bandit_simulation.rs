//! Thompson sampling vs an even A/B split vs the oracle, on variants with known true show rates.
//!
//! ```text
//! cargo run --release -p engine --example bandit_simulation [-- SENDS REPLICATIONS SEED]
//! ```

use engine::learn::{Policy, SimulationConfig, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut config = SimulationConfig::default();
    if let Some(sends) = args.next() {
        config.sends = sends.parse()?;
    }
    if let Some(replications) = args.next() {
        config.replications = replications.parse()?;
    }
    if let Some(seed) = args.next() {
        config.seed = seed.parse()?;
    }
    for retire in [true, false] {
        config.retire = retire;
        print_report(&config)?;
    }
    Ok(())
}

fn print_report(config: &SimulationConfig) -> Result<(), Box<dyn std::error::Error>> {
    let report = simulate(config)?;
    println!(
        "## {}\n",
        if config.retire {
            "With retirement of hopeless variants"
        } else {
            "Floor only, no retirement"
        }
    );
    println!(
        "Variants with true show rates {:?}; {} sends in batches of {}, {} replications, seed {}.",
        config.true_rates, config.sends, config.batch_size, config.replications, config.seed
    );
    println!(
        "Thompson: burn-in {} sends per variant, {:.0}% floor, retire at P(best) < {:.0}% after {} sends.\n",
        config.thompson.burn_in_trials,
        config.thompson.floor * 100.0,
        config.thompson.retire_below * 100.0,
        config.thompson.retire_after_trials
    );
    println!("| policy   | regret (shows lost) | ± sd  | vs uniform | shows   | sends to best |");
    println!("|----------|---------------------|-------|------------|---------|---------------|");
    let uniform = report
        .result(Policy::Uniform)
        .map_or(f64::NAN, |r| r.mean_regret);
    for result in &report.results {
        println!(
            "| {:<8} | {:>19.1} | {:>5.1} | {:>9.0}% | {:>7.0} | {:>12.1}% |",
            result.policy.as_str(),
            result.mean_regret,
            result.regret_sd,
            100.0 * result.mean_regret / uniform,
            result.mean_successes,
            100.0 * result.best_share
        );
    }
    println!("\nCumulative regret after each tenth of the sends:\n");
    for result in &report.results {
        let curve: Vec<String> = result
            .regret_curve
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect();
        println!("{:<8} {}", result.policy.as_str(), curve.join(" "));
    }
    println!();
    Ok(())
}

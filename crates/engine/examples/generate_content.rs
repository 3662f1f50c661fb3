//! Prints the nurture content generated for a brief, with its lint findings.
//!
//! ```text
//! cargo run -p engine --example generate_content -- crates/engine/testdata/generate/brief_problem.json [SEED]
//! ```

use engine::generate::{ContentBrief, LintOptions, generate, lint, render_markdown};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: generate_content BRIEF.json [SEED]")?;
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(7);
    let brief: ContentBrief = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let set = generate(&brief, seed)?;
    println!("{}", render_markdown(&set));
    let findings = lint(&set, &LintOptions::for_client(&brief.client));
    println!("## Lint ({} finding(s))\n", findings.len());
    for finding in findings {
        println!(
            "- {:?} {:?}: {}",
            finding.severity, finding.rule, finding.message
        );
    }
    Ok(())
}

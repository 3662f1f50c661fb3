//! The markdown report: what an agency owner reads. Every claim is followed by a quote.

use crate::analyze::Run;
use engine::batch::{ProfileItem, SegmentProfile};
use engine::evidence::Quote;
use engine::transcript::{AwarenessLevel, Outcome, SourceFormat};
use std::fmt::Write;

fn stage_title(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => "Problem-aware",
        AwarenessLevel::Solution => "Solution-aware",
        AwarenessLevel::Product => "Product-aware",
    }
}

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Showed => "showed",
        Outcome::NoShow => "no-show",
        Outcome::Closed => "closed",
        Outcome::Lost => "lost",
        Outcome::Unknown => "unknown",
    }
}

fn format_label(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::SpeakerText => "Speaker: text",
        SourceFormat::Webvtt => "WebVTT",
        SourceFormat::Srt => "SRT",
        SourceFormat::Otter => "Otter",
        SourceFormat::GongJson => "Gong JSON",
        SourceFormat::FirefliesJson => "Fireflies JSON",
        SourceFormat::Unlabeled => "unlabeled text",
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Where a quote was said: the file and the time (or turn).
fn location(quote: &Quote) -> String {
    match quote.start_ms {
        Some(ms) => {
            let seconds = ms / 1000;
            format!(
                "{} at {}:{:02}",
                quote.transcript,
                seconds / 60,
                seconds % 60
            )
        }
        None => format!("{}, turn {}", quote.transcript, quote.turn_index + 1),
    }
}

/// A quote as a markdown block quote line, indented under a list item.
fn quote_line(out: &mut String, quote: &Quote, indent: &str) {
    let text = quote.text.replace('\n', " ");
    let _ = writeln!(out, "{indent}> \"{}\" ({})", escape(&text), location(quote));
}

/// Keeps table cells and quotes from breaking the markdown.
fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{}…", cut.trim_end())
}

fn items(out: &mut String, title: &str, items: &[ProfileItem], prospects: u32) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{title}**\n");
    for item in items {
        let _ = writeln!(
            out,
            "- \"{}\": {} of {} prospects",
            escape(&item.phrase),
            item.prospects,
            prospects
        );
        if let Some(quote) = item.quotes.first() {
            quote_line(out, quote, "  ");
        }
    }
    out.push('\n');
}

fn segment(out: &mut String, segment: &SegmentProfile) {
    let _ = write!(
        out,
        "## {} prospects: {} ({})",
        stage_title(segment.level),
        segment.prospects,
        percent(segment.share)
    );
    if let Some(rate) = segment.show_rate {
        let _ = write!(out, ", show rate {}", percent(rate));
    }
    out.push_str("\n\n");
    if segment.prospects == 0 {
        out.push_str("No prospect at this stage.\n\n");
        return;
    }
    items(out, "Their pains", &segment.pains, segment.prospects);
    items(out, "What they want", &segment.desires, segment.prospects);
    if !segment.objections.is_empty() {
        out.push_str("**Objections**\n\n");
        for objection in &segment.objections {
            let _ = writeln!(
                out,
                "- {}: {} of {} prospects ({})",
                objection.class.label(),
                objection.item.prospects,
                segment.prospects,
                percent(objection.share)
            );
            if let Some(quote) = objection.item.quotes.first() {
                quote_line(out, quote, "  ");
            }
        }
        out.push('\n');
    }
    if !segment.buying_signals.is_empty() {
        out.push_str("**Buying signals**\n\n");
        for signal in &segment.buying_signals {
            let _ = writeln!(
                out,
                "- {}: {} of {} prospects",
                signal.kind.as_str(),
                signal.item.prospects,
                segment.prospects
            );
            if let Some(quote) = signal.item.quotes.first() {
                quote_line(out, quote, "  ");
            }
        }
        out.push('\n');
    }
    items(
        out,
        "Competitors and alternatives they mention",
        &segment.competitors,
        segment.prospects,
    );
    if !segment.phrases.is_empty() {
        out.push_str("**Their own words** (phrases several prospects used)\n\n");
        for phrase in &segment.phrases {
            let _ = write!(
                out,
                "- \"{}\": {} prospects",
                escape(&phrase.phrase),
                phrase.prospects
            );
            if !phrase.variants.is_empty() {
                let variants: Vec<String> = phrase
                    .variants
                    .iter()
                    .map(|v| format!("\"{}\"", escape(v)))
                    .collect();
                let _ = write!(out, " (also {})", variants.join(", "));
            }
            out.push('\n');
            for quote in phrase.quotes.iter().take(2) {
                quote_line(out, quote, "  ");
            }
        }
        out.push('\n');
    }
}

/// Renders the whole report.
pub(crate) fn report(run: &Run) -> String {
    let report = &run.report;
    let mut out = String::new();
    let _ = writeln!(out, "# Sales-call analysis: {} calls\n", report.transcripts);
    if !run.errors.is_empty() {
        let _ = writeln!(
            out,
            "{} files could not be read; they are listed at the end.\n",
            run.errors.len()
        );
    }
    if report.transcripts == 0 {
        out.push_str("No transcript could be analysed.\n\n");
    }

    if !report.recommendations.is_empty() {
        out.push_str("## What to do\n\n");
        for (i, recommendation) in report.recommendations.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, recommendation.text);
            for quote in &recommendation.quotes {
                quote_line(&mut out, quote, "   ");
            }
        }
        out.push('\n');
    }

    if report.transcripts > 0 {
        out.push_str("## Where your prospects are\n\n| Stage | Prospects | Share | Show rate | Mean confidence |\n|---|---:|---:|---:|---:|\n");
        for (share, segment) in report.awareness_distribution.iter().zip(&report.segments) {
            let rate = segment
                .show_rate
                .map(percent)
                .unwrap_or_else(|| "n/a".into());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.2} |",
                stage_title(share.level),
                share.prospects,
                percent(share.share),
                rate,
                share.mean_confidence
            );
        }
        if !report.outcome_counts.is_empty() {
            let counts: Vec<String> = report
                .outcome_counts
                .iter()
                .map(|(o, n)| format!("{} {}", n, outcome_label(*o)))
                .collect();
            let _ = writeln!(out, "\nOutcomes: {}.", counts.join(", "));
        }
        out.push('\n');
        for profile in &report.segments {
            segment(&mut out, profile);
        }
    }

    if !report.outcome_phrases.is_empty() {
        out.push_str("## Phrases that separate outcomes\n\n");
        out.push_str(
            "Ranked by z-score of Fightin' Words log-odds (a ranking, not proof of cause).\n\n",
        );
        let mut comparisons: Vec<(&str, &str)> = report
            .outcome_phrases
            .iter()
            .map(|p| (p.a.as_str(), p.b.as_str()))
            .collect();
        comparisons.dedup();
        for (a, b) in comparisons {
            let _ = writeln!(out, "### {a} vs {b}\n");
            for phrase in report
                .outcome_phrases
                .iter()
                .filter(|p| p.a == a && p.b == b)
            {
                let side = if phrase.z > 0.0 { a } else { b };
                let _ = writeln!(
                    out,
                    "- \"{}\" (more often {side}; z = {:.2}; {} {a}, {} {b})",
                    escape(&phrase.phrase),
                    phrase.z,
                    phrase.prospects_a,
                    phrase.prospects_b
                );
                if let Some(quote) = phrase.quotes.first() {
                    quote_line(&mut out, quote, "  ");
                }
            }
            out.push('\n');
        }
    }

    if !run.analysed.is_empty() {
        out.push_str("## Calls\n\n| File | Format | Outcome | Stage | Confidence | Deciding quote |\n|---|---|---|---|---:|---|\n");
        for analysed in &run.analysed {
            let stage = &analysed.insights.stage;
            let mut label = stage_title(stage.level).to_owned();
            if stage.unaware {
                label.push_str(" (unaware)");
            }
            if stage.most_aware {
                label.push_str(" (most aware)");
            }
            let why = stage
                .evidence
                .first()
                .map(|e| format!("\"{}\"", escape(&shorten(&e.quote.text, 110))))
                .unwrap_or_else(|| "no stage cues".into());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.2} | {} |",
                escape(&analysed.file),
                format_label(analysed.transcript.format),
                outcome_label(analysed.transcript.metadata.outcome),
                label,
                stage.confidence,
                why
            );
        }
        out.push('\n');
    }

    if !run.errors.is_empty() {
        out.push_str("## Files that could not be read\n\n");
        for error in &run.errors {
            let _ = writeln!(out, "- {}: {}", escape(&error.file), error.error);
        }
    }
    out
}

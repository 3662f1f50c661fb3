//! The awareness distribution as an in-house SVG bar chart, with its text equivalent: the
//! SVG has a title and description for screen readers, and the same numbers are listed below
//! it as text (so nobody has to read a chart).

use crate::components::unique_id;
use crate::model::report::{StageBar, stage_label};
use engine::transcript::AwarenessLevel;
use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 150.0;
const VALUE_WIDTH: f64 = 110.0;
const ROW_HEIGHT: f64 = 44.0;
const BAR_HEIGHT: f64 = 24.0;

fn level_class(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => "chart__bar--problem",
        AwarenessLevel::Solution => "chart__bar--solution",
        AwarenessLevel::Product => "chart__bar--product",
    }
}

/// Horizontal bars, one per stage, as shares of all prospects.
#[component]
pub(crate) fn DistributionChart(
    #[prop(into)] bars: Signal<Vec<StageBar>>,
    #[prop(into)] title: String,
) -> impl IntoView {
    let title_id = unique_id("chart-title");
    let description_id = unique_id("chart-description");
    let labelled_by = format!("{title_id} {description_id}");
    let description = move || {
        bars.get()
            .iter()
            .map(StageBar::sentence)
            .collect::<Vec<_>>()
            .join(". ")
    };
    let height = move || bars.with(Vec::len) as f64 * ROW_HEIGHT;
    view! {
        <figure class="chart">
            <svg
                class="chart__svg"
                role="img"
                aria-labelledby=labelled_by
                viewBox=move || format!("0 0 {WIDTH} {}", height())
                preserveAspectRatio="xMinYMin meet"
            >
                <title id=title_id>{title.clone()}</title>
                <desc id=description_id>{description}</desc>
                {move || {
                    let bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
                    bars.get()
                        .into_iter()
                        .enumerate()
                        .map(|(row, bar)| {
                            let y = row as f64 * ROW_HEIGHT;
                            let width = (bar_room * f64::from(bar.percent) / 100.0).max(if bar.prospects > 0 { 2.0 } else { 0.0 });
                            view! {
                                <g aria-hidden="true">
                                    <text class="chart__label" x="0" y=y + ROW_HEIGHT / 2.0 + 5.0>{stage_label(bar.level)}</text>
                                    <rect class="chart__track" x=LABEL_WIDTH y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0 width=bar_room height=BAR_HEIGHT rx="4"></rect>
                                    <rect
                                        class=format!("chart__bar {}", level_class(bar.level))
                                        x=LABEL_WIDTH
                                        y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0
                                        width=width
                                        height=BAR_HEIGHT
                                        rx="4"
                                    ></rect>
                                    <text class="chart__value" x=LABEL_WIDTH + bar_room + 10.0 y=y + ROW_HEIGHT / 2.0 + 5.0>
                                        {format!("{}% ({})", bar.percent, bar.prospects)}
                                    </text>
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </svg>
            <figcaption class="chart__caption">
                <ul class="chart__legend">
                    {move || bars.get().into_iter().map(|bar| view! {
                        <li><span class=format!("chart__swatch {}", level_class(bar.level)) aria-hidden="true"></span>{bar.sentence()}</li>
                    }).collect_view()}
                </ul>
            </figcaption>
        </figure>
    }
}

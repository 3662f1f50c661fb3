//! The plan and usage against its limits (clients, analyses this month, seats), and the plans
//! there are.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::feedback::loaded;
use crate::model::agency::{AgencyUsage, Limit, Plan};
use crate::model::{format, queries};
use leptos::prelude::*;

#[component]
pub(crate) fn PlanAndUsage() -> impl IntoView {
    let agencies = use_agencies();
    let usage = agencies.load::<AgencyUsage>(queries::agency_usage);
    let api = supabase();
    let plans = LocalResource::new(move || {
        let api = api.clone();
        async move { api.fetch::<Vec<Plan>>(&queries::plans()).await }
    });
    view! {
        <section class="card" aria-labelledby="plan-heading">
            <h2 id="plan-heading" class="card__title">"Plan and usage"</h2>
            {loaded(usage, "plan and usage", |usage: AgencyUsage| view! { <Usage usage=usage/> })}
            <details class="disclosure">
                <summary>"Compare plans"</summary>
                {loaded(plans, "the plans", move |plans: Vec<Plan>| {
                    let current = agencies.current().map(|membership| membership.agency.plan_id).unwrap_or_default();
                    view! { <PlanTable plans=plans current=current/> }
                })}
            </details>
        </section>
    }
}

#[component]
fn Usage(usage: AgencyUsage) -> impl IntoView {
    view! {
        <p class="plan-line">
            <span class="strong">{format!("{} plan", usage.plan_name)}</span>
            <span class="badge badge--neutral">{usage.status_label().to_owned()}</span>
        </p>
        {usage.billing_problem().map(|problem| view! { <p class="notice notice--warning">{problem}</p> })}
        <div class="meters">
            {usage.limits().into_iter().map(|limit| view! { <Meter limit=limit/> }).collect_view()}
        </div>
    }
}

#[component]
fn Meter(limit: Limit) -> impl IntoView {
    let reached = limit.is_reached();
    let fraction = limit
        .max
        .filter(|max| *max > 0)
        .map(|max| (limit.used as f64 / max as f64).min(1.0));
    view! {
        <div class="meter" class:meter--full=reached>
            <div class="meter__label">
                <span>{limit.label}</span>
                <span class="strong">{limit.summary()}</span>
            </div>
            {fraction.map(|fraction| view! {
                <div class="meter__track" aria-hidden="true">
                    <div class="meter__fill" style:width=format!("{:.1}%", fraction * 100.0)></div>
                </div>
            })}
            {reached.then(|| view! {
                <p class="meter__advice">{format!("Limit reached. {}", limit.advice)}</p>
            })}
        </div>
    }
}

#[component]
fn PlanTable(plans: Vec<Plan>, current: String) -> impl IntoView {
    let limit = |value: Option<i64>| {
        value
            .map(format::grouped)
            .unwrap_or_else(|| "Unlimited".to_owned())
    };
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Plan"</th>
                        <th scope="col">"Clients"</th>
                        <th scope="col">"Analyses a month"</th>
                        <th scope="col">"Seats"</th>
                        <th scope="col">"White label"</th>
                        <th scope="col">"Price"</th>
                    </tr>
                </thead>
                <tbody>
                    {plans.into_iter().map(|plan| view! {
                        <tr class:table__row--current={plan.id == current}>
                            <th scope="row">
                                {plan.name.clone()}
                                {(plan.id == current).then(|| view! { <span class="table__secondary">"Your plan"</span> })}
                            </th>
                            <td>{limit(plan.max_clients)}</td>
                            <td>{limit(plan.max_analyses_per_month)}</td>
                            <td>{format::grouped(plan.max_seats)}</td>
                            <td>{if plan.white_label { "Yes" } else { "No" }}</td>
                            <td>{plan.price()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

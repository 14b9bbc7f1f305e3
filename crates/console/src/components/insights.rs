//! The Insights page (supervisors and managers): a period and filters, the headline figures
//! with their change against the previous period, then charts drawn by hand in SVG (time
//! series, the escalation flow, bars), each followed by its numbers as a table and a CSV link.
//! The geometry and the figures' wording live in [`crate::insights`] (tested natively).

use crate::api::{self, ApiError};
use crate::app::{ctx, Ctx};
use crate::browser;
use crate::i18n::{self, fill, Key};
use crate::insights::{
    self as ins, Change, Direction, Edge, FlowLayout, Gap, Headline, Insights, SlaRow, NODE_W,
};
use handoff_protocol::v1::SiteSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

const REASONS: [&str; 5] = ["explicit", "fallback", "frustration", "rule", "article_unhelpful"];

/// The page's controls; every change reloads the figures.
#[derive(Clone, Copy)]
struct Controls {
    site: RwSignal<String>,
    preset: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    bucket: RwSignal<String>,
    department: RwSignal<String>,
    tier: RwSignal<String>,
    locale: RwSignal<String>,
    reason: RwSignal<String>,
}

impl Controls {
    fn query(&self, site: &str) -> String {
        ins::query(
            site,
            &self.from.get(),
            &self.to.get(),
            &self.bucket.get(),
            &[
                ("department", &self.department.get()),
                ("tier", &self.tier.get()),
                ("locale", &self.locale.get()),
                ("reason", &self.reason.get()),
            ],
        )
    }
}

#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Ready(String, Box<Insights>),
    Failed(ApiError),
}

fn name_in(item: &handoff_protocol::v1::NamedItem, locale: &str) -> String {
    item.name.get(locale).or_else(|| item.name.get("en")).cloned().unwrap_or_else(|| item.id.clone())
}

fn tier_name(site: Option<&SiteSummary>, id: &str, locale: &str) -> String {
    site.and_then(|s| s.tiers.iter().find(|t| t.id == id))
        .map(|t| name_in(t, locale))
        .unwrap_or_else(|| id.into())
}

fn csv_link(c: Ctx, query: &str, table: &'static str, caption: String) -> impl IntoView {
    let label = format!("{}: {caption}", c.t(Key::DownloadCsv));
    view! {
        <a class="csv" href=format!("/v1/agent/insights.csv?table={table}&{query}") download aria-label=label data-table=table>
            <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="currentColor"><path d="M11 3h2v10l3.5-3.5 1.4 1.4L12 16.8l-5.9-5.9 1.4-1.4L11 13zM4 19h16v2H4z"/></svg>
            {c.t(Key::DownloadCsv)}
        </a>
    }
}

/// One headline card: value, and its change against the previous period (arrow, percentage and
/// a sentence for screen readers; colour only repeats what the arrow says).
fn kpi(
    c: Ctx,
    id: &'static str,
    key: Key,
    value: String,
    sub: Option<String>,
    ch: Option<Change>,
) -> impl IntoView {
    let (short, sentence, class) = match ch {
        Some(ch) => {
            let pct = ch.percent.map(|p| ins::percent_number(p.abs())).unwrap_or_default();
            let sentence = match (ch.direction, ch.percent) {
                (Direction::Same, _) => c.t(Key::ChangeSame).to_string(),
                (_, None) => c.t(Key::ChangeNew).to_string(),
                (Direction::Up, _) => fill(c.t(Key::ChangeUp), &[("pct", &pct)]),
                (Direction::Down, _) => fill(c.t(Key::ChangeDown), &[("pct", &pct)]),
            };
            (ch.short(c.t(Key::NewWord)), sentence, format!("delta {}", ch.class()))
        }
        None => ("–".to_string(), c.t(Key::NoPrevious).to_string(), "delta neutral".to_string()),
    };
    let title = sentence.clone();
    view! {
        <li class="kpi" data-figure=id>
            <span class="kpi-label">{c.t(key)}</span>
            <span class="kpi-value">{value}</span>
            {sub.map(|s| view! { <span class="kpi-sub">{s}</span> })}
            <span class=class title=title>
                <span aria-hidden="true">{short}</span>
                <span class="sr-only">{sentence}</span>
            </span>
        </li>
    }
}

fn f(v: u64) -> Option<f64> {
    Some(v as f64)
}

fn ms(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64)
}

fn headline(c: Ctx, cur: &Headline, prev: &Headline) -> impl IntoView {
    let of = |a: u64, b: u64| format!("{a} / {b}");
    view! {
        <ul class="kpis">
            {kpi(c, "started", Key::Started, cur.started.to_string(), None, ins::change(f(cur.started), f(prev.started), None))}
            {kpi(c, "handoff_rate", Key::HandoffRate, ins::rate(cur.handoff_rate), Some(of(cur.handed_off, cur.started)),
                ins::change(cur.handoff_rate, prev.handoff_rate, Some(false)))}
            {kpi(c, "contained", Key::Contained, cur.contained.to_string(), None, ins::change(f(cur.contained), f(prev.contained), Some(true)))}
            {kpi(c, "escalations", Key::EscalationsK, cur.escalations.to_string(), None, ins::change(f(cur.escalations), f(prev.escalations), Some(false)))}
            {kpi(c, "transfers", Key::TransfersK, cur.transfers.to_string(), None, ins::change(f(cur.transfers), f(prev.transfers), None))}
            {kpi(c, "sla_attainment", Key::SlaMet, ins::rate(cur.sla_attainment), None, ins::change(cur.sla_attainment, prev.sla_attainment, Some(true)))}
            {kpi(c, "first_reply", Key::FirstReply, ins::duration(cur.first_reply_median_ms), None,
                ins::change(ms(cur.first_reply_median_ms), ms(prev.first_reply_median_ms), Some(false)))}
            {kpi(c, "resolution", Key::ResolutionTime, ins::duration(cur.resolution_median_ms), None,
                ins::change(ms(cur.resolution_median_ms), ms(prev.resolution_median_ms), Some(false)))}
            {kpi(c, "rating", Key::RatingAvg, ins::score(cur.rating_average), Some(format!("n = {}", cur.ratings)),
                ins::change(cur.rating_average, prev.rating_average, Some(true)))}
        </ul>
    }
}

/// Conversations (area) and handoffs (dashed line) per bucket, with a round y axis.
fn trend_chart(c: Ctx, i: &Insights) -> impl IntoView {
    let pts = &i.trends.points;
    let (w, h, left, top, bottom) = (640.0, 180.0, 40.0, 12.0, 30.0);
    let started: Vec<f64> = pts.iter().map(|p| p.figures.started as f64).collect();
    let handed: Vec<Option<f64>> = pts.iter().map(|p| Some(p.figures.handed_off as f64)).collect();
    let max = ins::nice_max(started.iter().copied().fold(0.0, f64::max));
    let label = fill(
        c.t(Key::TrendSummary),
        &[
            ("started", &i.trends.current.started.to_string()),
            ("handed", &i.trends.current.handed_off.to_string()),
            ("buckets", &pts.len().to_string()),
        ],
    );
    let n = pts.len();
    let ticks: Vec<usize> = match n {
        0 => vec![],
        1 => vec![0],
        _ => {
            let mut t = vec![0, n / 2, n - 1];
            t.dedup();
            t
        }
    };
    view! {
        <svg class="chart" role="img" aria-label=label viewBox=format!("0 0 {} {}", w + left + 16.0, h + top + bottom)>
            <g transform=format!("translate({left},{top})")>
                {[0.0, 0.5, 1.0].map(|fr| {
                    let y = h - fr * h;
                    view! {
                        <line class="grid-line" x1="0" x2=w y1=y y2=y/>
                        <text class="axis" x="-6" y=y + 4.0 text-anchor="end">{format!("{}", (max * fr).round())}</text>
                    }
                })}
                <path class="series-area" d=ins::area(&started, w, h, max)/>
                {ins::polylines(&started.iter().map(|v| Some(*v)).collect::<Vec<_>>(), w, h, max).into_iter()
                    .map(|p| view! { <polyline class="series-line" points=p/> }).collect_view()}
                {ins::polylines(&handed, w, h, max).into_iter()
                    .map(|p| view! { <polyline class="series-line2" points=p/> }).collect_view()}
                {pts.iter().enumerate().map(|(k, p)| view! {
                    <circle class="dot2" cx=ins::x_at(k, n, w) cy=h - (p.figures.handed_off as f64 / max) * h r="3"/>
                }).collect_view()}
                {ticks.into_iter().map(|k| {
                    let anchor = if n > 1 && k == 0 { "start" } else if n > 1 && k == n - 1 { "end" } else { "middle" };
                    view! {
                        <text class="axis" x=ins::x_at(k, n, w) y=h + 18.0 text-anchor=anchor>{pts[k].start.get(0..10).unwrap_or("").to_string()}</text>
                    }
                }).collect_view()}
            </g>
        </svg>
        <p class="legend" aria-hidden="true">
            <span class="swatch swatch-area"></span>{c.t(Key::Started)}
            <span class="swatch swatch-dash"></span>{c.t(Key::Handoffs)}
        </p>
    }
}

fn trend_table(c: Ctx, i: &Insights) -> impl IntoView {
    view! {
        <table class="grid figures" id="table-trends">
            <caption>{c.t(Key::OverTime)}</caption>
            <thead><tr>
                <th scope="col">{c.t(Key::PeriodStart)}</th>
                <th scope="col">{c.t(Key::Started)}</th>
                <th scope="col">{c.t(Key::Handoffs)}</th>
                <th scope="col">{c.t(Key::HandoffRate)}</th>
                <th scope="col">{c.t(Key::EscalationsK)}</th>
                <th scope="col">{c.t(Key::SlaMet)}</th>
                <th scope="col">{c.t(Key::FirstReply)}</th>
                <th scope="col">{c.t(Key::RatingAvg)}</th>
            </tr></thead>
            <tbody>
                {i.trends.points.iter().map(|p| {
                    let h = &p.figures;
                    view! {
                        <tr>
                            <th scope="row">{p.start.get(0..10).unwrap_or("").to_string()}</th>
                            <td>{h.started}</td>
                            <td>{h.handed_off}</td>
                            <td>{ins::rate(h.handoff_rate)}</td>
                            <td>{h.escalations}</td>
                            <td>{ins::rate(h.sla_attainment)}</td>
                            <td>{ins::duration(h.first_reply_median_ms)}</td>
                            <td>{ins::score(h.rating_average)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A flow diagram: boxes with their counts, edges as strokes as wide as their counts, each
/// labelled with its count.
fn flow_svg(
    id: &'static str,
    layout: &FlowLayout,
    label: String,
    name: impl Fn(&str) -> String,
) -> impl IntoView {
    let marker = format!("{id}-arrow");
    let url = format!("url(#{marker})");
    let links = layout.links.clone();
    let nodes = layout.nodes.clone();
    view! {
        <svg class="chart flow" role="img" aria-label=label viewBox=format!("0 0 {:.0} {:.0}", layout.width, layout.height)
            style=format!("max-width:{:.0}px", layout.width)>
            <defs>
                <marker id=marker viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto">
                    <path d="M0,0 L10,5 L0,10 z" class="arrowhead"/>
                </marker>
            </defs>
            {links.iter().map(|l| view! {
                <path class="flow-edge" d=l.d.clone() stroke-width=format!("{:.1}", l.width)/>
                <path class="flow-edge-arrow" d=l.d.clone() marker-end=url.clone()/>
            }).collect_view()}
            {nodes.iter().map(|n| {
                let through = n.inflow.max(n.outflow);
                view! {
                    <g class="flow-node">
                        <rect x=n.x y=n.y width=NODE_W height=n.h rx="8"/>
                        <text x=n.x + NODE_W / 2.0 y=n.y + n.h / 2.0 - 2.0 text-anchor="middle" class="node-name">{name(&n.id)}</text>
                        <text x=n.x + NODE_W / 2.0 y=n.y + n.h / 2.0 + 14.0 text-anchor="middle" class="node-count">{through}</text>
                    </g>
                }
            }).collect_view()}
            {links.iter().filter(|l| l.label).map(|l| view! {
                <text class="edge-label" x=l.label_x y=l.label_y text-anchor="middle">{l.count}</text>
            }).collect_view()}
        </svg>
    }
}

fn flow_table(
    c: Ctx,
    id: &'static str,
    caption: String,
    edges: &[Edge],
    name: impl Fn(&str) -> String,
) -> impl IntoView {
    let l = c.locale.get_untracked();
    view! {
        <table class="grid figures" id=id>
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{c.t(Key::FromCol)}</th>
                <th scope="col">{c.t(Key::ToCol)}</th>
                <th scope="col">{c.t(Key::CountCol)}</th>
                <th scope="col">{c.t(Key::ReasonsCol)}</th>
            </tr></thead>
            <tbody>
                {edges.iter().map(|e| view! {
                    <tr>
                        <td>{name(&e.from)}</td>
                        <td>{name(&e.to)}</td>
                        <td>{e.count}</td>
                        <td class="why">{ins::top_reasons(&e.reasons, 10).into_iter()
                            .map(|(r, n)| format!("{} ({n})", i18n::reason(&l, &r))).collect::<Vec<_>>().join(", ")}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn moves(c: Ctx, edges: &[Edge], name: &dyn Fn(&str) -> String) -> String {
    if edges.is_empty() {
        return c.t(Key::NoMoves).to_string();
    }
    let list: Vec<String> = edges
        .iter()
        .map(|e| {
            fill(
                c.t(Key::Move),
                &[("from", &name(&e.from)), ("to", &name(&e.to)), ("n", &e.count.to_string())],
            )
        })
        .collect();
    fill(c.t(Key::FlowSummary), &[("moves", &list.join("; "))])
}

/// Horizontal bars: `(label, value, shown)`; `max` is the full width (1.0 for rates).
fn hbars(c: Ctx, items: &[(String, f64, String)], max: f64) -> impl IntoView {
    let (label_w, bar_w, row) = (190.0, 360.0, 26.0);
    let summary = fill(
        c.t(Key::BarSummary),
        &[("list", &items.iter().map(|(l, _, s)| format!("{l} {s}")).collect::<Vec<_>>().join(", "))],
    );
    let height = row * items.len().max(1) as f64 + 4.0;
    view! {
        <svg class="chart bars" role="img" aria-label=summary viewBox=format!("0 0 {} {height}", label_w + bar_w + 70.0)>
            {items.iter().enumerate().map(|(k, (label, v, shown))| {
                let y = 2.0 + k as f64 * row;
                let len = if max > 0.0 { (v / max).clamp(0.0, 1.0) * bar_w } else { 0.0 };
                view! {
                    <text class="bar-label" x=label_w - 8.0 y=y + 16.0 text-anchor="end">{label.clone()}</text>
                    <rect class="bar-track" x=label_w y=y + 3.0 width=bar_w height=row - 8.0 rx="3"/>
                    <rect class="bar" x=label_w y=y + 3.0 width=format!("{len:.1}") height=row - 8.0 rx="3"/>
                    <text class="bar-value" x=label_w + len + 6.0 y=y + 16.0>{shown.clone()}</text>
                }
            }).collect_view()}
        </svg>
    }
}

fn sla_table(
    c: Ctx,
    id: &'static str,
    caption: String,
    rows: &[SlaRow],
    name: impl Fn(&str) -> String,
) -> impl IntoView {
    view! {
        <table class="grid figures" id=id>
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{c.t(Key::Name)}</th>
                <th scope="col">{c.t(Key::WithSla)}</th>
                <th scope="col">{c.t(Key::Breached)}</th>
                <th scope="col">{c.t(Key::FirstResponseBreaches)}</th>
                <th scope="col">{c.t(Key::ResolutionBreaches)}</th>
                <th scope="col">{c.t(Key::SlaMet)}</th>
            </tr></thead>
            <tbody>
                {rows.iter().map(|r| view! {
                    <tr>
                        <th scope="row">{name(&r.key)}</th>
                        <td>{r.conversations}</td>
                        <td>{r.breached_conversations}</td>
                        <td>{r.first_response_breaches}</td>
                        <td>{r.resolution_breaches}</td>
                        <td>{ins::rate(r.attainment)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn sla_bars(c: Ctx, rows: &[SlaRow], name: impl Fn(&str) -> String) -> impl IntoView {
    let items: Vec<_> =
        rows.iter().map(|r| (name(&r.key), r.attainment.unwrap_or(0.0), ins::rate(r.attainment))).collect();
    hbars(c, &items, 1.0)
}

fn body(c: Ctx, q: &str, i: &Insights, site: Option<SiteSummary>) -> AnyView {
    let l = c.locale.get();
    if i.containment.started == 0 {
        return view! { <p class="empty big" id="insights-empty">{c.t(Key::NoData)}</p> }.into_any();
    }
    let sk = i.site_key.clone();
    let tname = {
        let (site, l) = (site.clone(), l.clone());
        move |id: &str| tier_name(site.as_ref(), id, &l)
    };
    let dname = move |id: &str| c.department(&sk, id);
    let ladder: Vec<String> =
        site.as_ref().map(|s| s.tiers.iter().map(|t| t.id.clone()).collect()).unwrap_or_default();
    // Up the ladder in order (bot -> agent first), not alphabetically.
    let mut tier_edges = i.flow.tiers.clone();
    let rank = |t: &str| ladder.iter().position(|x| x == t).unwrap_or(ladder.len());
    tier_edges.sort_by_key(|e| (rank(&e.from), rank(&e.to)));
    let tier_layout = ins::tier_layout(&tier_edges, &ladder);
    let dept_layout = ins::department_layout(&i.flow.departments);
    let reasons: Vec<(String, f64, String)> = {
        let mut keys: Vec<&String> = i.containment.handoffs_by_reason.keys().collect();
        keys.sort_by_key(|k| REASONS.iter().position(|r| r == *k).unwrap_or(REASONS.len()));
        keys.into_iter()
            .map(|k| {
                let n = i.containment.handoffs_by_reason[k];
                (i18n::reason(&l, k), n as f64, n.to_string())
            })
            .collect()
    };
    let reasons_max = ins::nice_max(reasons.iter().map(|r| r.1).fold(0.0, f64::max));
    let dist: Vec<(String, f64, String)> = (1..=5)
        .rev()
        .map(|s| {
            let n = i.quality.distribution.get(s - 1).copied().unwrap_or(0);
            (format!("{} {s}", "★".repeat(s)), n as f64, n.to_string())
        })
        .collect();
    let dist_max = ins::nice_max(dist.iter().map(|r| r.1).fold(0.0, f64::max));
    let prio = |k: &str| k.to_string();
    let speed_rows = [
        (Key::FirstReplyShort, &i.speed.first_reply),
        (Key::ResolutionShort, &i.speed.resolution),
        (Key::QueueWait, &i.speed.queue_wait),
        (Key::RequeueWait, &i.speed.requeue_wait),
    ];
    let gaps: Vec<Gap> = i.gaps.iter().map(Gap::of).collect();
    let cur = &i.trends.current;
    let prev = &i.trends.previous;
    let row = |key: Key, a: String, b: String| {
        view! { <tr><th scope="row">{c.t(key)}</th><td>{a}</td><td>{b}</td></tr> }
    };
    view! {
        <section aria-labelledby="ins-figures">
            <h2 id="ins-figures">{c.t(Key::Figures)}</h2>
            {headline(c, cur, prev)}
            <table class="grid figures compact" id="table-containment">
                <caption>{c.t(Key::Figures)}</caption>
                <thead><tr>
                    <th scope="col">{c.t(Key::Measure)}</th>
                    <th scope="col">{format!("{} – {}", i.from.get(0..10).unwrap_or(""), last_day(&i.to))}</th>
                    <th scope="col">{c.t(Key::PreviousPeriod)}</th>
                </tr></thead>
                <tbody>
                    {row(Key::Started, cur.started.to_string(), prev.started.to_string())}
                    {row(Key::Handoffs, cur.handed_off.to_string(), prev.handed_off.to_string())}
                    {row(Key::HandoffRate, ins::rate(cur.handoff_rate), ins::rate(prev.handoff_rate))}
                    {row(Key::Contained, cur.contained.to_string(), prev.contained.to_string())}
                    {row(Key::EscalationsK, cur.escalations.to_string(), prev.escalations.to_string())}
                    {row(Key::TransfersK, cur.transfers.to_string(), prev.transfers.to_string())}
                    {row(Key::SlaMet, ins::rate(cur.sla_attainment), ins::rate(prev.sla_attainment))}
                    {row(Key::FirstReply, ins::duration(cur.first_reply_median_ms), ins::duration(prev.first_reply_median_ms))}
                    {row(Key::ResolutionTime, ins::duration(cur.resolution_median_ms), ins::duration(prev.resolution_median_ms))}
                    {row(Key::RatingAvg, ins::score(cur.rating_average), ins::score(prev.rating_average))}
                </tbody>
            </table>
            {csv_link(c, q, "containment", c.t(Key::Figures).to_string())}
        </section>

        <section aria-labelledby="ins-time">
            <h2 id="ins-time">{c.t(Key::OverTime)}</h2>
            {trend_chart(c, i)}
            <div class="table-scroll" tabindex="0" role="region" aria-label=c.t(Key::OverTime)>{trend_table(c, i)}</div>
            {csv_link(c, q, "trends", c.t(Key::OverTime).to_string())}
        </section>

        <section aria-labelledby="ins-flow">
            <h2 id="ins-flow">{c.t(Key::Flow)}</h2>
            <div class="stack">
                <div>
                    <h3>{c.t(Key::FlowTiers)}</h3>
                    {if tier_edges.is_empty() {
                        view! { <p class="empty">{c.t(Key::NoMoves)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="scroll">{flow_svg("flow-tiers", &tier_layout, moves(c, &tier_edges, &tname), tname.clone())}</div>
                            {flow_table(c, "table-flow-tiers", c.t(Key::FlowTiers).to_string(), &tier_edges, tname.clone())}
                        }.into_any()
                    }}
                </div>
                <div>
                    <h3>{c.t(Key::FlowDepartments)}</h3>
                    {if i.flow.departments.is_empty() {
                        view! { <p class="empty">{c.t(Key::NoMoves)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="scroll">{flow_svg("flow-departments", &dept_layout, moves(c, &i.flow.departments, &dname), dname.clone())}</div>
                            {flow_table(c, "table-flow-departments", c.t(Key::FlowDepartments).to_string(), &i.flow.departments, dname.clone())}
                        }.into_any()
                    }}
                </div>
            </div>
            {csv_link(c, q, "flow", c.t(Key::Flow).to_string())}
        </section>

        <section aria-labelledby="ins-reasons">
            <h2 id="ins-reasons">{c.t(Key::ByReason)}</h2>
            {hbars(c, &reasons, reasons_max)}
            <table class="grid figures compact" id="table-reasons">
                <caption>{c.t(Key::ByReason)}</caption>
                <thead><tr><th scope="col">{c.t(Key::Reason)}</th><th scope="col">{c.t(Key::CountCol)}</th></tr></thead>
                <tbody>
                    {reasons.iter().map(|(r, _, n)| view! { <tr><th scope="row">{r.clone()}</th><td>{n.clone()}</td></tr> }).collect_view()}
                </tbody>
            </table>
            {csv_link(c, q, "reasons", c.t(Key::ByReason).to_string())}
        </section>

        <section aria-labelledby="ins-sla">
            <h2 id="ins-sla">{c.t(Key::Sla)}</h2>
            <div class="two">
                <div>
                    <h3>{c.t(Key::ByPriority)}</h3>
                    {sla_bars(c, &i.speed.sla.by_priority, prio)}
                    {sla_table(c, "table-sla-priority", c.t(Key::ByPriority).to_string(), &i.speed.sla.by_priority, prio)}
                </div>
                <div>
                    <h3>{c.t(Key::ByDepartment)}</h3>
                    {sla_bars(c, &i.speed.sla.by_department, dname.clone())}
                    {sla_table(c, "table-sla-department", c.t(Key::ByDepartment).to_string(), &i.speed.sla.by_department, dname.clone())}
                </div>
            </div>
            {csv_link(c, q, "sla", c.t(Key::Sla).to_string())}
        </section>

        <section aria-labelledby="ins-speed">
            <h2 id="ins-speed">{c.t(Key::Speed)}</h2>
            <table class="grid figures compact" id="table-speed">
                <caption>{c.t(Key::Speed)}</caption>
                <thead><tr>
                    <th scope="col">{c.t(Key::Measure)}</th>
                    <th scope="col">{c.t(Key::Started)}</th>
                    <th scope="col">{c.t(Key::Median)}</th>
                    <th scope="col">{c.t(Key::P90)}</th>
                </tr></thead>
                <tbody>
                    {speed_rows.into_iter().map(|(k, d)| view! {
                        <tr>
                            <th scope="row">{c.t(k)}</th>
                            <td>{d.count}</td>
                            <td>{ins::duration(d.median_ms)}</td>
                            <td>{ins::duration(d.p90_ms)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {csv_link(c, q, "speed", c.t(Key::Speed).to_string())}
        </section>

        <section aria-labelledby="ins-ratings">
            <h2 id="ins-ratings">{c.t(Key::Ratings)}</h2>
            <div class="two">
                <div>
                    {hbars(c, &dist, dist_max)}
                    <table class="grid figures compact" id="table-ratings">
                        <caption>{c.t(Key::Ratings)}{format!(" · {} {}", c.t(Key::RatingAvg), ins::score(i.quality.average))}</caption>
                        <thead><tr><th scope="col">{c.t(Key::Score)}</th><th scope="col">{c.t(Key::CountCol)}</th></tr></thead>
                        <tbody>
                            {(1..=5usize).rev().map(|s| view! {
                                <tr><th scope="row">{s}</th><td>{i.quality.distribution.get(s - 1).copied().unwrap_or(0)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {csv_link(c, q, "ratings", c.t(Key::Ratings).to_string())}
                </div>
                <div>
                    <h3>{c.t(Key::Comments)}</h3>
                    {if i.quality.comments.is_empty() {
                        view! { <p class="empty">{c.t(Key::None)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="comments">
                                {i.quality.comments.iter().map(|m| view! {
                                    <li>
                                        <p class="stars"><span aria-hidden="true">{"★".repeat(m.score.clamp(0, 5) as usize)}{"☆".repeat(5 - m.score.clamp(0, 5) as usize)}</span>
                                            <span class="sr-only">{format!("{}: {}/5", c.t(Key::Score), m.score)}</span>
                                            " "<span class="muted">{m.at.get(0..10).unwrap_or("").to_string()}" · #"{m.conversation_id.chars().take(6).collect::<String>()}</span></p>
                                        <blockquote>{m.comment.clone()}</blockquote>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {csv_link(c, q, "comments", c.t(Key::Comments).to_string())}
                    <h3>{c.t(Key::Articles)}</h3>
                    {if i.quality.unhelpful_articles.is_empty() {
                        view! { <p class="empty">{c.t(Key::None)}</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid figures compact" id="table-articles">
                                <caption>{c.t(Key::Articles)}</caption>
                                <thead><tr><th scope="col">{c.t(Key::Article)}</th><th scope="col">{c.t(Key::CountCol)}</th></tr></thead>
                                <tbody>
                                    {i.quality.unhelpful_articles.iter().map(|a| view! {
                                        <tr>
                                            <th scope="row">{if a.article.is_empty() { c.t(Key::NoArticle).to_string() } else { a.article.clone() }}</th>
                                            <td>{a.count}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    {csv_link(c, q, "articles", c.t(Key::Articles).to_string())}
                    <h3>{c.t(Key::ArticlesBefore)}</h3>
                    {if i.articles_before_handoff.is_empty() {
                        view! { <p class="empty">{c.t(Key::None)}</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid figures compact" id="table-articles-before">
                                <caption>{c.t(Key::ArticlesBefore)}</caption>
                                <thead><tr><th scope="col">{c.t(Key::Article)}</th><th scope="col">{c.t(Key::Handoffs)}</th></tr></thead>
                                <tbody>
                                    {i.articles_before_handoff.iter().map(|a| view! {
                                        <tr><th scope="row">{a.article.clone()}</th><td>{a.count}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    {csv_link(c, q, "articles_before_handoff", c.t(Key::ArticlesBefore).to_string())}
                </div>
            </div>
        </section>

        <section aria-labelledby="ins-gaps">
            <h2 id="ins-gaps">{c.t(Key::Gaps)}</h2>
            {if gaps.is_empty() {
                view! { <p class="empty">{c.t(Key::None)}</p> }.into_any()
            } else {
                view! {
                <table class="grid figures" id="table-gaps">
                    <caption>{c.t(Key::Gaps)}</caption>
                    <thead><tr>
                        <th scope="col">{c.t(Key::GapText)}</th>
                        <th scope="col">{c.t(Key::CustomerLanguage)}</th>
                        <th scope="col">{c.t(Key::Handoffs)}</th>
                        <th scope="col">{c.t(Key::Messages)}</th>
                        <th scope="col">{c.t(Key::Examples)}</th>
                    </tr></thead>
                    <tbody>
                        {gaps.iter().map(|g| view! {
                            <tr>
                                <th scope="row" class="why">{g.text.clone()}</th>
                                <td>{g.locale.clone()}</td>
                                <td>{g.handoffs.map(|n| n.to_string()).unwrap_or_default()}</td>
                                <td>{g.count.map(|n| n.to_string()).unwrap_or_default()}</td>
                                <td class="why">{g.examples.iter().take(3).cloned().collect::<Vec<_>>().join(" · ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                }.into_any()
            }}
            {csv_link(c, q, "gaps", c.t(Key::Gaps).to_string())}
        </section>
    }
    .into_any()
}

/// The last day of a period whose end is exclusive (`to` = the next midnight).
fn last_day(to: &str) -> String {
    crate::time::parse_ms(to).map(|ms| ins::date_of(ms - 1)).unwrap_or_default()
}

fn select(
    c: Ctx,
    id: &'static str,
    key: Key,
    value: RwSignal<String>,
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <span class="control">
            <label for=id>{move || c.t(key)}</label>
            <select id=id on:change=move |e| value.set(event_target_value(&e))>
                <option value="" selected=move || value.get().is_empty()>{move || c.t(Key::All)}</option>
                {move || options.get().into_iter().map(|(v, label)| {
                    let v2 = v.clone();
                    view! { <option value=v selected=move || value.get() == v2>{label}</option> }
                }).collect_view()}
            </select>
        </span>
    }
}

#[component]
pub fn InsightsView() -> impl IntoView {
    let c = ctx();
    let (from, to) = ins::last_days(browser::now_ms(), 30);
    let k = Controls {
        site: RwSignal::new(String::new()),
        preset: RwSignal::new("30".into()),
        from: RwSignal::new(from),
        to: RwSignal::new(to),
        bucket: RwSignal::new("day".into()),
        department: RwSignal::new(String::new()),
        tier: RwSignal::new(String::new()),
        locale: RwSignal::new(String::new()),
        reason: RwSignal::new(String::new()),
    };
    let state = RwSignal::new(State::Loading);
    let retry = RwSignal::new(0u32);
    let site = Memo::new(move |_| {
        let chosen = k.site.get();
        c.sites.with(|all| all.iter().find(|s| s.key == chosen).or(all.first()).cloned())
    });
    // The query of the current controls; a newer one wins over a slower older answer.
    let query = Memo::new(move |_| site.with(|s| s.as_ref().map(|s| k.query(&s.key))));
    Effect::new(move |_| {
        retry.track();
        let Some(q) = query.get() else { return };
        state.set(State::Loading);
        spawn_local(async move {
            let result = api::insights(&q).await;
            if query.get_untracked().as_deref() != Some(q.as_str()) {
                return;
            }
            match result {
                Ok(i) => {
                    let started = i.containment.started;
                    state.set(State::Ready(q, Box::new(i)));
                    c.say(format!("{}: {started}", c.t(Key::Started)));
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => state.set(State::Failed(e)),
            }
        });
    });
    let preset_change = move |v: String| {
        if let Ok(days) = v.parse::<i64>() {
            let (f, t) = ins::last_days(browser::now_ms(), days);
            k.from.set(f);
            k.to.set(t);
        }
        k.preset.set(v);
    };
    let date_change = move |sig: RwSignal<String>, v: String| {
        if ins::date_ms(&v).is_some() {
            sig.set(v);
            k.preset.set("custom".into());
        }
    };
    let opts = |f: fn(&SiteSummary, &str) -> Vec<(String, String)>| {
        Signal::derive(move || {
            let l = c.locale.get();
            site.with(|s| s.as_ref().map(|s| f(s, &l)).unwrap_or_default())
        })
    };
    let departments = opts(|s, l| s.departments.iter().map(|d| (d.id.clone(), name_in(d, l))).collect());
    let tiers = opts(|s, l| s.tiers.iter().map(|t| (t.id.clone(), name_in(t, l))).collect());
    let locales =
        opts(|s, _| s.locales.iter().map(|x| (x.clone(), i18n::language_name(x).to_string())).collect());
    let reasons = Signal::derive(move || {
        let l = c.locale.get();
        REASONS.iter().map(|r| (r.to_string(), i18n::reason(&l, r))).collect::<Vec<_>>()
    });
    let sites = Signal::derive(move || {
        c.sites.get().into_iter().map(|s| (s.key.clone(), s.name.clone())).collect::<Vec<_>>()
    });
    view! {
        <div class="insights">
            <h1>{move || c.t(Key::Insights)}</h1>
            <form class="controls card" on:submit=|e| e.prevent_default() aria-label=move || c.t(Key::Filters)>
                <Show when=move || sites.with(|s| s.len() > 1)>
                    <span class="control">
                        <label for="ins-site">{move || c.t(Key::Site)}</label>
                        <select id="ins-site" on:change=move |e| k.site.set(event_target_value(&e))>
                            {move || sites.get().into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                        </select>
                    </span>
                </Show>
                <span class="control">
                    <label for="ins-period">{move || c.t(Key::Period)}</label>
                    <select id="ins-period" on:change=move |e| preset_change(event_target_value(&e))>
                        {[("7", Key::Last7), ("30", Key::Last30), ("90", Key::Last90), ("custom", Key::Custom)].map(|(v, key)| view! {
                            <option value=v selected=move || k.preset.get() == v>{move || c.t(key)}</option>
                        })}
                    </select>
                </span>
                <span class="control">
                    <label for="ins-from">{move || c.t(Key::FromDate)}</label>
                    <input id="ins-from" type="date" prop:value=move || k.from.get() max=move || k.to.get()
                        on:change=move |e| date_change(k.from, event_target_value(&e))/>
                </span>
                <span class="control">
                    <label for="ins-to">{move || c.t(Key::ToDate)}</label>
                    <input id="ins-to" type="date" prop:value=move || k.to.get() min=move || k.from.get()
                        on:change=move |e| date_change(k.to, event_target_value(&e))/>
                </span>
                <span class="control">
                    <label for="ins-bucket">{move || c.t(Key::GroupBy)}</label>
                    <select id="ins-bucket" on:change=move |e| k.bucket.set(event_target_value(&e))>
                        <option value="day" selected=move || k.bucket.get() == "day">{move || c.t(Key::Day)}</option>
                        <option value="week" selected=move || k.bucket.get() == "week">{move || c.t(Key::Week)}</option>
                    </select>
                </span>
                {select(c, "ins-department", Key::Department, k.department, departments)}
                {select(c, "ins-tier", Key::Tier, k.tier, tiers)}
                {select(c, "ins-locale", Key::CustomerLanguage, k.locale, locales)}
                {select(c, "ins-reason", Key::Reason, k.reason, reasons)}
            </form>
            <div class="insights-body" aria-busy=move || (state.with(|s| *s == State::Loading)).to_string()>
                {move || match state.get() {
                    State::Loading => view! { <p class="loading">{c.t(Key::Loading)}</p> }.into_any(),
                    State::Failed(e) => view! {
                        <div class="banner error insights-error" role="alert">
                            <p>{format!("{} {}", c.t(Key::InsightsFailed), e.message)}</p>
                            <button type="button" class="secondary" on:click=move |_| retry.update(|n| *n += 1)>{c.t(Key::Retry)}</button>
                        </div>
                    }.into_any(),
                    State::Ready(q, i) => body(c, &q, &i, site.get()),
                }}
            </div>
        </div>
    }
}

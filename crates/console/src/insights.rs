//! The Insights page's data and the pure parts of drawing it: the desk's computed figures as
//! `GET /v1/agent/insights` returns them (the protocol's `handoff_protocol::insights`, shared
//! with the desk; docs/protocol.md, "Insights (computed)"), periods as dates, changes against
//! the previous period, and chart geometry (time series, bars, the escalation flow) as plain
//! numbers and SVG path strings. Compiles and is tested natively.
//!
//! Parsing is lenient on purpose (the protocol's types default missing fields and ignore
//! unknown ones), so a desk that adds a figure never breaks the page.

pub use handoff_protocol::insights::{
    ArticleCount, Bucket, Comment, Containment, Durations, Edge, EscalationFlow, Filter, GapCluster,
    GapExample, Headline, Insights, Quality, SlaFigures, SlaRow, Speed, TrendPoint, Trends,
};
use std::collections::BTreeMap;

/// One content gap as the page shows it: the cluster's words, its language, how many handoffs
/// it led to, how many messages it holds, example messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gap {
    pub text: String,
    pub locale: String,
    pub handoffs: Option<u64>,
    pub count: Option<u64>,
    pub examples: Vec<String>,
}

impl Gap {
    pub fn of(g: &GapCluster) -> Gap {
        // The label is the words joined; a desk that sends only the words still shows them.
        let text = if g.label.is_empty() { g.words.join(" ") } else { g.label.clone() };
        Gap {
            text,
            locale: g.locale.clone(),
            handoffs: Some(g.handoffs),
            count: Some(g.messages),
            examples: g.examples.iter().map(|e| e.text.clone()).collect(),
        }
    }
}

// ---- periods -------------------------------------------------------------------------------

pub const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` of a UTC instant (ms since the epoch).
pub fn date_of(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// UTC midnight of a `YYYY-MM-DD` date, `None` for anything else.
pub fn date_ms(s: &str) -> Option<i64> {
    crate::time::parse_ms(&format!("{s}T00:00:00Z")).filter(|_| s.len() == 10)
}

/// Howard Hinnant's days -> civil date.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The last `days` days up to and including today (UTC): `(from, to)` dates, both inclusive.
pub fn last_days(now_ms: i64, days: i64) -> (String, String) {
    let today = now_ms.div_euclid(DAY_MS) * DAY_MS;
    (date_of(today - (days - 1).max(0) * DAY_MS), date_of(today))
}

/// The query string of the insights route (and its CSV) for a period and filters; empty filter
/// values are left out.
pub fn query(site: &str, from: &str, to: &str, bucket: &str, filters: &[(&str, &str)]) -> String {
    let mut q = format!("site={}&from={}&to={}&bucket={}", enc(site), enc(from), enc(to), enc(bucket));
    for (k, v) in filters {
        if !v.is_empty() {
            q.push_str(&format!("&{k}={}", enc(v)));
        }
    }
    q
}

/// Percent-encoding for a query value (unreserved characters stay).
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---- figures ------------------------------------------------------------------------------

/// Which way a figure moved against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Same,
}

/// A figure's change: direction, relative change in percent (`None` when the previous figure
/// was zero, i.e. "new"), and whether that is good news (`None`: neither).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub direction: Direction,
    pub percent: Option<f64>,
    pub good: Option<bool>,
}

impl Change {
    /// `▲ 12 %`, `▼ 3.5 %`, `= 0 %`, `▲ new`: arrow and number, so colour is never the only cue.
    pub fn short(&self, new_word: &str) -> String {
        let arrow = match self.direction {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Same => "=",
        };
        match self.percent {
            Some(p) => format!("{arrow} {}", percent_number(p.abs())),
            None => format!("{arrow} {new_word}"),
        }
    }

    /// The CSS class: `good`, `bad` or `neutral`.
    pub fn class(&self) -> &'static str {
        match self.good {
            Some(true) => "good",
            Some(false) => "bad",
            None => "neutral",
        }
    }
}

/// The change from `previous` to `current`; `None` when either is unknown. `higher_is_better`
/// says which direction is good news (`None` for figures that are neither, like volume).
pub fn change(current: Option<f64>, previous: Option<f64>, higher_is_better: Option<bool>) -> Option<Change> {
    let (c, p) = (current?, previous?);
    let diff = c - p;
    let direction = if diff.abs() < 1e-9 {
        Direction::Same
    } else if diff > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    };
    let percent = if p.abs() < 1e-9 {
        (direction == Direction::Same).then_some(0.0)
    } else {
        Some(diff / p.abs() * 100.0)
    };
    let good = match direction {
        Direction::Same => None,
        d => higher_is_better.map(|h| h == (d == Direction::Up)),
    };
    Some(Change { direction, percent, good })
}

/// `12 %`, `3.5 %`, `0.4 %` (one decimal under ten).
pub fn percent_number(p: f64) -> String {
    if p >= 9.95 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %").replace(".0 %", " %")
    }
}

/// A rate (fraction 0..1) as a percentage; `–` when unknown.
pub fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_string(), |r| percent_number(r * 100.0))
}

/// A duration for people: `45 s`, `3 min 20 s`, `2 h 05 min`, `3 d 4 h`; `–` when unknown.
pub fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "–".into() };
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 if s % 60 == 0 => format!("{} min", s / 60),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        3600..86_400 => format!("{} h {:02} min", s / 3600, (s / 60) % 60),
        _ => format!("{} d {} h", s / 86_400, (s / 3600) % 24),
    }
}

/// A mean score: `4.3`; `–` when unknown.
pub fn score(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

// ---- chart geometry -----------------------------------------------------------------------

/// The smallest 1, 2 or 5 × 10^k at or above `v` (at least 1): a round top for an axis.
pub fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 1.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= v - 1e-9 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// The x of point `i` of `n` across `width` (one point sits in the middle).
pub fn x_at(i: usize, n: usize, width: f64) -> f64 {
    if n <= 1 {
        width / 2.0
    } else {
        i as f64 * width / (n - 1) as f64
    }
}

fn y_at(v: f64, height: f64, max: f64) -> f64 {
    height - (v / max).clamp(0.0, 1.0) * height
}

/// SVG `points` for each unbroken run of values (a `None` breaks the line).
pub fn polylines(values: &[Option<f64>], width: f64, height: f64, max: f64) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(format!("{:.1},{:.1}", x_at(i, values.len(), width), y_at(*v, height, max))),
            None if !run.is_empty() => out.push(std::mem::take(&mut run).join(" ")),
            None => {}
        }
    }
    if !run.is_empty() {
        out.push(run.join(" "));
    }
    out
}

/// An SVG path `d` of the area under `values` down to the baseline.
pub fn area(values: &[f64], width: f64, height: f64, max: f64) -> String {
    if values.is_empty() {
        return String::new();
    }
    let n = values.len();
    let mut d = format!("M{:.1},{height:.1}", x_at(0, n, width));
    for (i, v) in values.iter().enumerate() {
        d.push_str(&format!(" L{:.1},{:.1}", x_at(i, n, width), y_at(*v, height, max)));
    }
    d.push_str(&format!(" L{:.1},{height:.1} Z", x_at(n - 1, n, width)));
    d
}

/// Stroke width of a flow edge: 2 px for the thinnest, up to `max_px` for the busiest.
pub fn edge_width(count: u64, busiest: u64, max_px: f64) -> f64 {
    if busiest == 0 {
        return 2.0;
    }
    2.0 + (max_px - 2.0) * (count as f64 / busiest as f64)
}

/// One node of a flow diagram: its id and where its box sits.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowNode {
    pub id: String,
    pub x: f64,
    pub y: f64,
    /// Box height (the department flow scales it with the conversations through the node).
    pub h: f64,
    /// Conversations that arrived here (sum of incoming edges) and left (outgoing).
    pub inflow: u64,
    pub outflow: u64,
}

/// One edge with its drawn path and where its count label goes.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLink {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub width: f64,
    pub d: String,
    pub label_x: f64,
    pub label_y: f64,
    /// `false` when the count label would overlap an earlier one (the table has every count).
    pub label: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowLayout {
    pub nodes: Vec<FlowNode>,
    pub links: Vec<FlowLink>,
    pub width: f64,
    pub height: f64,
}

/// Node box size in the flow diagrams.
pub const NODE_W: f64 = 150.0;
pub const NODE_H: f64 = 46.0;

fn totals(edges: &[Edge], id: &str) -> (u64, u64) {
    let inflow = edges.iter().filter(|e| e.to == id && e.from != id).map(|e| e.count).sum();
    let outflow = edges.iter().filter(|e| e.from == id && e.to != id).map(|e| e.count).sum();
    (inflow, outflow)
}

/// The escalation ladder left to right (`ladder` order first, then any other tier the edges
/// name); moves to the next tier are straight, skips arc above, moves down arc below.
pub fn tier_layout(edges: &[Edge], ladder: &[String]) -> FlowLayout {
    let mut ids: Vec<String> =
        ladder.iter().filter(|t| edges.iter().any(|e| &e.from == *t || &e.to == *t)).cloned().collect();
    for e in edges {
        for t in [&e.from, &e.to] {
            if !ids.contains(t) {
                ids.push(t.clone());
            }
        }
    }
    let gap = 100.0;
    let pos = |id: &str| ids.iter().position(|x| x == id).unwrap_or(0);
    // Room above and below the boxes only when some edge arcs (skips a tier or goes down).
    let arcs = edges.iter().map(|e| (pos(&e.from), pos(&e.to))).filter(|&(a, b)| b != a + 1);
    let span = arcs.map(|(a, b)| a.abs_diff(b).max(1)).max();
    let (top, pad) = (span.map_or(24.0, |s| 40.0 + 24.0 * s as f64), 10.0);
    let busiest = edges.iter().map(|e| e.count).max().unwrap_or(0);
    let nodes: Vec<FlowNode> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (inflow, outflow) = totals(edges, id);
            FlowNode {
                id: id.clone(),
                x: pad + i as f64 * (NODE_W + gap),
                y: top,
                h: NODE_H,
                inflow,
                outflow,
            }
        })
        .collect();
    let mut links = Vec::new();
    for e in edges {
        let (a, b) = (pos(&e.from), pos(&e.to));
        let (na, nb) = (&nodes[a], &nodes[b]);
        let width = edge_width(e.count, busiest, 24.0);
        let mid_y = top + NODE_H / 2.0;
        let (d, lx, ly) = if b == a + 1 {
            let (x1, x2) = (na.x + NODE_W, nb.x);
            (format!("M{x1:.1},{mid_y:.1} L{x2:.1},{mid_y:.1}"), (x1 + x2) / 2.0, mid_y - width / 2.0 - 6.0)
        } else {
            // Arcs: skips above the boxes, moves down (or to itself) below them.
            let up = b > a;
            let span = a.abs_diff(b).max(1) as f64;
            let (y0, lift) =
                if up { (top, -(22.0 + 14.0 * span)) } else { (top + NODE_H, 22.0 + 14.0 * span) };
            let (x1, x2) = (na.x + NODE_W / 2.0 + 12.0, nb.x + NODE_W / 2.0 - 12.0);
            let cy = y0 + lift * 1.6;
            let d = format!("M{x1:.1},{y0:.1} C{x1:.1},{cy:.1} {x2:.1},{cy:.1} {x2:.1},{y0:.1}");
            (d, (x1 + x2) / 2.0, y0 + lift * 1.2 + if up { -4.0 } else { 14.0 })
        };
        links.push(FlowLink {
            from: e.from.clone(),
            to: e.to.clone(),
            count: e.count,
            width,
            d,
            label_x: lx,
            label_y: ly,
            label: true,
        });
    }
    let width = pad * 2.0 + ids.len() as f64 * NODE_W + ids.len().saturating_sub(1) as f64 * gap;
    FlowLayout { nodes, links, width: width.max(NODE_W + 2.0 * pad), height: top * 2.0 + NODE_H }
}

/// Transfers between departments as a small Sankey diagram: where they came from on the left,
/// where they went on the right, box heights and band widths in proportion to the counts, the
/// bands stacked at both ends so they never overlap there.
pub fn department_layout(edges: &[Edge]) -> FlowLayout {
    let mut left: Vec<String> = Vec::new();
    let mut right: Vec<String> = Vec::new();
    for e in edges {
        if !left.contains(&e.from) {
            left.push(e.from.clone());
        }
        if !right.contains(&e.to) {
            right.push(e.to.clone());
        }
    }
    let (pad, gap, x_right, min_h, max_h) = (10.0, 14.0, 440.0, 34.0, 96.0);
    let outflow = |id: &str| edges.iter().filter(|e| e.from == id).map(|e| e.count).sum::<u64>();
    let inflow = |id: &str| edges.iter().filter(|e| e.to == id).map(|e| e.count).sum::<u64>();
    let busiest = left.iter().map(|d| outflow(d)).chain(right.iter().map(|d| inflow(d))).max().unwrap_or(0);
    // Pixels per conversation: the busiest box is `max_h` high, its bands fill it but for 6 px.
    let scale = if busiest == 0 { 0.0 } else { (max_h - 6.0) / busiest as f64 };
    let column = |list: &[String], x: f64, incoming: bool| -> Vec<FlowNode> {
        let mut y = pad;
        list.iter()
            .map(|id| {
                let (i, o) = if incoming { (inflow(id), 0) } else { (0, outflow(id)) };
                let h = (scale * (i + o) as f64 + 6.0).max(min_h);
                let n = FlowNode { id: id.clone(), x, y, h, inflow: i, outflow: o };
                y += h + gap;
                n
            })
            .collect()
    };
    let l = column(&left, pad, false);
    let r = column(&right, x_right, true);
    let width_of = |e: &Edge| (e.count as f64 * scale).max(1.5);
    // Where each band leaves its source and reaches its target (centre of its slot).
    let slots = |node: &FlowNode, mine: Vec<&Edge>| -> Vec<(usize, f64)> {
        let total: f64 = mine.iter().map(|e| width_of(e)).sum();
        let mut y = node.y + (node.h - total) / 2.0;
        mine.iter()
            .map(|e| {
                let w = width_of(e);
                let at = y + w / 2.0;
                y += w;
                (edges.iter().position(|x| std::ptr::eq(x, *e)).unwrap_or(0), at)
            })
            .collect()
    };
    let rank = |list: &[String], id: &str| list.iter().position(|x| x == id).unwrap_or(0);
    let mut from_y = vec![0.0; edges.len()];
    let mut to_y = vec![0.0; edges.len()];
    for n in &l {
        let mut mine: Vec<&Edge> = edges.iter().filter(|e| e.from == n.id).collect();
        mine.sort_by_key(|e| rank(&right, &e.to));
        for (k, y) in slots(n, mine) {
            from_y[k] = y;
        }
    }
    for n in &r {
        let mut mine: Vec<&Edge> = edges.iter().filter(|e| e.to == n.id).collect();
        mine.sort_by_key(|e| rank(&left, &e.from));
        for (k, y) in slots(n, mine) {
            to_y[k] = y;
        }
    }
    let mut placed: Vec<(f64, f64)> = Vec::new();
    let links = edges
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let (x1, y1, x2, y2) = (pad + NODE_W, from_y[k], x_right, to_y[k]);
            let cx = (x1 + x2) / 2.0;
            // The label sits on the band a third of the way along, unless another is there.
            let (lx, ly) = (x1 + (x2 - x1) * 0.3, y1 + (y2 - y1) * 0.26 + 4.0);
            let free = placed.iter().all(|(px, py)| (px - lx).abs() > 22.0 || (py - ly).abs() > 13.0);
            if free {
                placed.push((lx, ly));
            }
            FlowLink {
                from: e.from.clone(),
                to: e.to.clone(),
                count: e.count,
                width: width_of(e),
                d: format!("M{x1:.1},{y1:.1} C{cx:.1},{y1:.1} {cx:.1},{y2:.1} {x2:.1},{y2:.1}"),
                label_x: lx,
                label_y: ly,
                label: free,
            }
        })
        .collect();
    let bottom = |col: &[FlowNode]| col.last().map_or(pad + min_h, |n| n.y + n.h);
    let height = bottom(&l).max(bottom(&r)) + pad;
    let mut nodes = l;
    nodes.extend(r);
    FlowLayout { nodes, links, width: x_right + NODE_W + pad, height }
}

/// The `k` reasons with most counts, most first, as `reason count` pairs.
pub fn top_reasons(reasons: &BTreeMap<String, u64>, k: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = reasons.iter().map(|(r, n)| (r.clone(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON of the desk's `Insights` (handoff_desk::insights, serialized by serde) for a
    /// small history: two handoffs, one escalation agent -> supervisor, one transfer, a rating.
    pub const SAMPLE: &str = include_str!("../tests/insights-sample.json");

    #[test]
    fn parses_the_desks_insights_json() {
        let i: Insights = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(i.site_key, "demo");
        assert_eq!(i.containment.started, 3);
        assert_eq!(i.containment.handed_off, 2);
        assert_eq!(i.containment.handoff_rate, Some(2.0 / 3.0));
        assert_eq!(i.containment.handoffs_by_reason["explicit"], 1);
        assert_eq!(i.flow.tiers.len(), 2);
        assert_eq!(i.flow.tiers[1].reasons["sla_first_response"], 1);
        assert_eq!(i.flow.departments[0].to, "billing");
        assert_eq!(i.speed.first_reply.median_ms, Some(30_000));
        assert_eq!(i.speed.sla.by_priority[0].key, "normal");
        assert_eq!(i.quality.distribution, [0, 0, 0, 1, 0]);
        assert_eq!(i.quality.comments[0].comment, "Quick and kind");
        assert_eq!(i.trends.points.len(), 2);
        assert_eq!(i.trends.points[0].figures.started, 3);
        assert_eq!(i.trends.points[1].figures.handoff_rate, None);
        assert_eq!(i.trends.current.rating_average, Some(4.0));
        assert_eq!(i.trends.previous.started, 1);
    }

    /// A real answer of `GET /v1/agent/insights` (the e2e desk after
    /// e2e/tests/console-insights.spec.js and console.spec.js ran): every field the console
    /// reads is there, with the value the JSON has.
    #[test]
    fn parses_a_real_desk_answer_field_for_field() {
        let text = include_str!("../tests/insights-desk.json");
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let i: Insights = serde_json::from_str(text).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let known = [
            "site_key",
            "from",
            "to",
            "filter",
            "containment",
            "flow",
            "speed",
            "quality",
            "trends",
            "gaps",
            "articles_before_handoff",
        ];
        assert!(keys.iter().all(|k| known.contains(k)), "a new top-level field to show? {keys:?}");
        let u = |p: &str| v.pointer(p).and_then(|x| x.as_u64()).unwrap_or_else(|| panic!("{p}"));
        assert_eq!(i.containment.started, u("/containment/started"));
        assert_eq!(i.containment.handed_off, u("/containment/handed_off"));
        assert_eq!(i.containment.handoff_rate, v.pointer("/containment/handoff_rate").unwrap().as_f64());
        assert_eq!(
            i.containment.handoffs_by_reason["explicit"],
            u("/containment/handoffs_by_reason/explicit")
        );
        assert_eq!(i.flow.escalations, u("/flow/escalations"));
        assert_eq!(i.flow.tiers[0].count, u("/flow/tiers/0/count"));
        assert_eq!(i.flow.departments[0].count, u("/flow/departments/0/count"));
        assert!(!i.flow.tiers[0].reasons.is_empty());
        assert_eq!(i.speed.first_reply.count, u("/speed/first_reply/count"));
        assert_eq!(i.speed.sla.total.conversations, u("/speed/sla/total/conversations"));
        assert_eq!(
            i.speed.sla.by_department.len(),
            v.pointer("/speed/sla/by_department").unwrap().as_array().unwrap().len()
        );
        assert_eq!(i.quality.ratings, u("/quality/ratings"));
        assert_eq!(i.quality.distribution.len(), 5);
        assert_eq!(
            i.quality.comments.len(),
            v.pointer("/quality/comments").unwrap().as_array().unwrap().len()
        );
        assert_eq!(i.trends.bucket, Bucket::Day);
        assert_eq!(i.trends.points.len(), 2);
        assert_eq!(i.trends.points[1].figures.started, u("/trends/points/1/started"));
        assert_eq!(i.trends.current.started, i.containment.started);
        assert_eq!(i.trends.previous.started, u("/trends/previous/started"));
        let gap = Gap::of(&i.gaps[0]);
        assert_eq!(gap.text, v.pointer("/gaps/0/label").unwrap().as_str().unwrap());
        assert_eq!(gap.count, Some(u("/gaps/0/messages")));
        assert_eq!(gap.examples.len(), v.pointer("/gaps/0/examples").unwrap().as_array().unwrap().len());
        assert_eq!(i.articles_before_handoff[0].article, "payment-methods");
    }

    #[test]
    fn parsing_is_lenient_about_new_and_missing_fields() {
        let i: Insights = serde_json::from_str(
            r#"{"site_key":"s","brand_new":{"x":1},"containment":{"started":2,"later":true},
               "gaps":[{"locale":"pt","label":"fatura nif","words":["fatura","nif"],"messages":3,
                        "handoffs":3,"score":0.5,
                        "examples":[{"conversation_id":"c9","text":"Preciso da fatura com NIF"}]}]}"#,
        )
        .unwrap();
        assert_eq!(i.containment.started, 2);
        assert_eq!(i.trends.points, vec![]);
        assert_eq!(
            Gap::of(&i.gaps[0]),
            Gap {
                text: "fatura nif".into(),
                locale: "pt".into(),
                handoffs: Some(3),
                count: Some(3),
                examples: vec!["Preciso da fatura com NIF".into()],
            }
        );
        let words: GapCluster =
            serde_json::from_value(serde_json::json!({"words": ["where", "parcel"], "handoffs": 2})).unwrap();
        let words = Gap::of(&words);
        assert_eq!((words.text.as_str(), words.handoffs, words.count), ("where parcel", Some(2), Some(0)));
    }

    #[test]
    fn dates_and_periods() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_795_968_000_250), "2026-11-29");
        assert_eq!(date_of(951_825_600_000), "2000-02-29");
        assert_eq!(date_of(-1), "1969-12-31");
        assert_eq!(date_ms("2026-11-29"), Some(1_795_910_400_000));
        assert_eq!(date_ms("2026-11-29T00"), None);
        assert_eq!(date_ms("yesterday"), None);
        let now = 1_795_968_000_250; // 2026-11-29T16:00
        assert_eq!(last_days(now, 7), ("2026-11-23".into(), "2026-11-29".into()));
        assert_eq!(last_days(now, 30), ("2026-10-31".into(), "2026-11-29".into()));
        assert_eq!(last_days(now, 1), ("2026-11-29".into(), "2026-11-29".into()));
        assert_eq!(
            query(
                "demo",
                "2026-11-23",
                "2026-11-29",
                "week",
                &[("department", ""), ("locale", "pt"), ("reason", "a b&c")]
            ),
            "site=demo&from=2026-11-23&to=2026-11-29&bucket=week&locale=pt&reason=a%20b%26c"
        );
    }

    #[test]
    fn changes_have_an_arrow_a_percentage_and_a_verdict() {
        let up = change(Some(12.0), Some(10.0), Some(false)).unwrap();
        assert_eq!((up.direction, up.good, up.short("new")), (Direction::Up, Some(false), "▲ 20 %".into()));
        assert_eq!(up.class(), "bad");
        let down = change(Some(0.5), Some(0.52), Some(true)).unwrap();
        assert_eq!((down.short("new"), down.class()), ("▼ 3.8 %".into(), "bad"));
        let same = change(Some(3.0), Some(3.0), Some(true)).unwrap();
        assert_eq!((same.short("new"), same.class()), ("= 0 %".into(), "neutral"));
        let new = change(Some(3.0), Some(0.0), None).unwrap();
        assert_eq!((new.short("new"), new.percent), ("▲ new".into(), None));
        assert_eq!(change(None, Some(1.0), None), None);
        assert_eq!(change(Some(0.0), Some(0.0), None).unwrap().short("new"), "= 0 %");
    }

    #[test]
    fn figures_read_like_figures() {
        assert_eq!(rate(Some(2.0 / 3.0)), "67 %");
        assert_eq!(rate(Some(0.05)), "5 %");
        assert_eq!(rate(Some(0.043)), "4.3 %");
        assert_eq!(rate(None), "–");
        assert_eq!(duration(Some(45_000)), "45 s");
        assert_eq!(duration(Some(200_000)), "3 min 20 s");
        assert_eq!(duration(Some(120_000)), "2 min");
        assert_eq!(duration(Some(7_500_000)), "2 h 05 min");
        assert_eq!(duration(Some(3 * 86_400_000 + 4 * 3_600_000)), "3 d 4 h");
        assert_eq!(duration(None), "–");
        assert_eq!(score(Some(4.25)), "4.2");
    }

    #[test]
    fn chart_geometry() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(17.0), 20.0);
        assert_eq!(nice_max(50.0), 50.0);
        assert_eq!(nice_max(51.0), 100.0);
        assert_eq!(x_at(0, 1, 100.0), 50.0);
        assert_eq!(x_at(2, 3, 100.0), 100.0);
        assert_eq!(
            polylines(&[Some(0.0), Some(10.0), None, Some(5.0)], 300.0, 100.0, 10.0),
            vec!["0.0,100.0 100.0,0.0".to_string(), "300.0,50.0".to_string()]
        );
        assert_eq!(area(&[0.0, 10.0], 100.0, 50.0, 10.0), "M0.0,50.0 L0.0,50.0 L100.0,0.0 L100.0,50.0 Z");
        assert_eq!(area(&[], 1.0, 1.0, 1.0), "");
        assert_eq!(edge_width(5, 10, 22.0), 12.0);
        assert_eq!(edge_width(0, 0, 22.0), 2.0);
    }

    #[test]
    fn flow_layouts_keep_the_ladder_order_and_scale_edges() {
        let e =
            |from: &str, to: &str, count| Edge { from: from.into(), to: to.into(), count, ..Edge::default() };
        let ladder: Vec<String> = ["bot", "agent", "supervisor", "manager"].map(String::from).to_vec();
        let l = tier_layout(
            &[e("agent", "supervisor", 1), e("bot", "agent", 4), e("bot", "manager", 1)],
            &ladder,
        );
        let ids: Vec<&str> = l.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["bot", "agent", "supervisor", "manager"]);
        assert_eq!((l.nodes[1].inflow, l.nodes[1].outflow), (4, 1));
        assert_eq!(l.links[1].width, 24.0);
        assert!(l.links[1].d.starts_with('M') && l.links[1].d.contains(" L"), "next tier: straight");
        assert!(l.links[2].d.contains(" C"), "a skip arcs");
        assert!(l.width > 4.0 * NODE_W);
        let odd = tier_layout(&[e("bot", "vip", 2)], &ladder);
        assert_eq!(odd.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["bot", "vip"]);
        let d = department_layout(&[e("orders", "billing", 2), e("orders", "technical", 1)]);
        assert_eq!(d.nodes.len(), 3);
        assert_eq!(d.nodes[1].inflow, 2);
        assert_eq!(d.links.len(), 2);
        // Proportional: orders (3) is the busiest box; its two bands fill it, stacked.
        assert_eq!(d.nodes[0].h, 96.0);
        assert_eq!((d.links[0].width, d.links[1].width), (60.0, 30.0));
        let starts: Vec<f64> = d
            .links
            .iter()
            .map(|l| l.d[1..].split(',').nth(1).unwrap().split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(starts, vec![10.0 + 3.0 + 30.0, 10.0 + 3.0 + 60.0 + 15.0]);
        assert!(d.links.iter().all(|l| l.label));
        assert_eq!(department_layout(&[]).links, vec![]);
        let reasons: BTreeMap<String, u64> = [("a".into(), 1), ("b".into(), 3), ("c".into(), 1)].into();
        assert_eq!(top_reasons(&reasons, 2), vec![("b".into(), 3), ("a".into(), 1)]);
    }
}

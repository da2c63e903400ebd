//! Server-rendered SVG charts (SI-2, SI-3, SI-4, NC-2): labelled axes, a title and a description
//! for screen readers, and the numbers as a table for anyone who would rather read them.
//! Colours come from classes in app.css; no inline style, so the CSP holds.

use std::fmt::Write;

use amends_app::charts::{DayPoint, Series};

pub struct Chart {
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in one or two sentences.
    pub summary: String,
    pub svg: String,
    /// The same numbers as rows of (date, value) for the table under the chart.
    pub rows: Vec<(String, String)>,
}

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 56.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn day_label(p: &DayPoint) -> String {
    p.date.strftime("%-d %b").to_string()
}

struct Frame {
    n: usize,
    y_max: f64,
}

impl Frame {
    fn plot_w(&self) -> f64 {
        W - LEFT - RIGHT
    }
    fn plot_h(&self) -> f64 {
        H - TOP - BOTTOM
    }
    fn slot(&self) -> f64 {
        self.plot_w() / self.n.max(1) as f64
    }
    fn x(&self, i: usize) -> f64 {
        LEFT + self.slot() * i as f64
    }
    /// Five ticks from zero to the top of the scale, rounded to whole numbers.
    fn quarter_ticks(&self) -> Vec<f64> {
        (0..=4)
            .map(|i| (self.y_max / 4.0 * f64::from(i)).round())
            .collect()
    }

    fn y(&self, v: f64) -> f64 {
        TOP + self.plot_h() * (1.0 - (v / self.y_max).clamp(0.0, 1.0))
    }
}

/// What a chart says about itself: its id, title and text alternative.
struct Head<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
}

/// Opens the `<svg>` with its title and description, and draws both axes with their labels.
fn open(
    out: &mut String,
    head: Head<'_>,
    f: &Frame,
    days: &[DayPoint],
    y_label: &str,
    y_ticks: &[f64],
) {
    let Head { id, title, summary } = head;
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(summary)
    );
    for t in y_ticks {
        let y = f.y(*t);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{t}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let base = f.y(0.0);
    let _ = write!(
        out,
        r#"<line class="axis" x1="{LEFT}" x2="{}" y1="{base:.1}" y2="{base:.1}"/>"#,
        W - RIGHT
    );
    let _ = write!(
        out,
        r#"<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{base:.1}"/>"#
    );
    // About six date labels, whatever the range.
    let every = (days.len() / 6).max(1);
    for (i, p) in days.iter().enumerate() {
        if i % every == 0 || i + 1 == days.len() {
            let x = f.x(i) + f.slot() / 2.0;
            let _ = write!(
                out,
                r#"<text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                base + 18.0,
                esc(&day_label(p))
            );
        }
    }
    let _ = write!(
        out,
        // At the left, so the legends on the right never overlap it.
        r#"<text class="axis-label" x="{:.1}" y="{:.1}" text-anchor="start">Day</text>"#,
        LEFT,
        H - 8.0
    );
    let _ = write!(
        out,
        r#"<text class="axis-label" transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + f.plot_h() / 2.0,
        esc(y_label)
    );
}

/// SI-3: hours slept each night against the 7–9 hour band.
pub fn sleep(series: &Series, band: [f64; 2]) -> Chart {
    let days = &series.days;
    let f = Frame {
        n: days.len(),
        y_max: 12.0,
    };
    let logged: Vec<f64> = days.iter().filter_map(|d| d.sleep_hours).collect();
    let in_band = logged
        .iter()
        .filter(|h| **h >= band[0] && **h <= band[1])
        .count();
    let summary = if logged.is_empty() {
        format!("No nights logged in the last {} days.", days.len())
    } else {
        let avg = logged.iter().sum::<f64>() / logged.len() as f64;
        format!(
            "{} nights logged in the last {} days, {avg:.1} hours on average; {in_band} of them in the {}–{} hour band.",
            logged.len(),
            days.len(),
            band[0],
            band[1]
        )
    };
    let id = format!("sleep-{}", days.len());
    let title = format!("Sleep, last {} days", days.len());
    let mut svg = String::new();
    open(
        &mut svg,
        Head {
            id: &id,
            title: &title,
            summary: &summary,
        },
        &f,
        days,
        "Hours of sleep",
        &[0.0, 3.0, 6.0, 9.0, 12.0],
    );
    let (top, bottom) = (f.y(band[1]), f.y(band[0]));
    let _ = write!(
        svg,
        r#"<rect class="band" x="{LEFT}" y="{top:.1}" width="{:.1}" height="{:.1}"/><text class="band-label" x="{:.1}" y="{:.1}" text-anchor="end">{}–{} h target</text>"#,
        f.plot_w(),
        bottom - top,
        W - RIGHT - 4.0,
        // Above the band, not inside it: the bars of nights in the band covered it.
        top - 5.0,
        band[0],
        band[1]
    );
    for (i, d) in days.iter().enumerate() {
        if let Some(h) = d.sleep_hours {
            let y = f.y(h);
            let class = if h >= band[0] && h <= band[1] {
                "bar ok"
            } else {
                "bar off"
            };
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}"><title>{}: {h} h</title></rect>"#,
                f.x(i) + f.slot() * 0.15,
                f.slot() * 0.7,
                f.y(0.0) - y,
                esc(&day_label(d))
            );
        }
    }
    svg.push_str("</svg>");
    let rows = days
        .iter()
        .filter_map(|d| d.sleep_hours.map(|h| (day_label(d), format!("{h} h"))))
        .collect();
    Chart {
        id,
        title,
        summary,
        svg,
        rows,
    }
}

/// SI-2, SI-4: minutes of exercise per day, with therapy sessions marked.
pub fn exercise_and_therapy(series: &Series) -> Chart {
    let days = &series.days;
    let most = days.iter().map(|d| d.exercise_minutes).fold(0.0, f64::max);
    let y_max = ((most / 30.0).ceil() * 30.0).max(60.0);
    let f = Frame {
        n: days.len(),
        y_max,
    };
    let total: f64 = days.iter().fold(0.0, |acc, d| acc + d.exercise_minutes);
    let active = days.iter().filter(|d| d.exercise_minutes > 0.0).count();
    let therapy: u32 = days.iter().map(|d| d.therapy_sessions).sum();
    let summary = format!(
        "{total:.0} minutes of exercise on {active} of the last {} days, and {therapy} therapy or counselling session{}.",
        days.len(),
        if therapy == 1 { "" } else { "s" }
    );
    let id = format!("exercise-{}", days.len());
    let title = format!("Exercise and therapy, last {} days", days.len());
    let mut svg = String::new();
    let ticks = f.quarter_ticks();
    open(
        &mut svg,
        Head {
            id: &id,
            title: &title,
            summary: &summary,
        },
        &f,
        days,
        "Minutes of exercise",
        &ticks,
    );
    for (i, d) in days.iter().enumerate() {
        if d.exercise_minutes > 0.0 {
            let y = f.y(d.exercise_minutes);
            let _ = write!(
                svg,
                r#"<rect class="bar ok" x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}"><title>{}: {} minutes</title></rect>"#,
                f.x(i) + f.slot() * 0.15,
                f.slot() * 0.7,
                f.y(0.0) - y,
                esc(&day_label(d)),
                d.exercise_minutes
            );
        }
        if d.therapy_sessions > 0 {
            let _ = write!(
                svg,
                r#"<circle class="therapy" cx="{:.1}" cy="{:.1}" r="6"><title>{}: therapy</title></circle>"#,
                f.x(i) + f.slot() / 2.0,
                TOP + 6.0,
                esc(&day_label(d))
            );
        }
    }
    let _ = write!(
        svg,
        r#"<circle class="therapy" cx="{:.1}" cy="{:.1}" r="6"/><text class="tick" x="{:.1}" y="{:.1}">therapy session</text>"#,
        W - RIGHT - 140.0,
        H - 12.0,
        W - RIGHT - 130.0,
        H - 8.0
    );
    svg.push_str("</svg>");
    let rows = days
        .iter()
        .filter(|d| d.exercise_minutes > 0.0 || d.therapy_sessions > 0)
        .map(|d| {
            let mut v = format!("{} min exercise", d.exercise_minutes);
            if d.therapy_sessions > 0 {
                let _ = write!(v, ", {} therapy", d.therapy_sessions);
            }
            (day_label(d), v)
        })
        .collect();
    Chart {
        id,
        title,
        summary,
        svg,
        rows,
    }
}

/// NC-2: the no-contact stretch day by day, with every slip shown (a slip is never hidden).
/// `target_days` is `None` under a stop (issue 12): then no target line and no "at least"
/// stand next to a lock that no number of days opens.
pub fn no_contact(series: &Series, target_days: Option<i64>) -> Chart {
    let days = &series.days;
    let most = days
        .iter()
        .filter_map(|d| d.stretch_days)
        .max()
        .unwrap_or(0) as f64;
    let y_max = (most.max(target_days.unwrap_or(0) as f64) / 10.0).ceil() * 10.0;
    let f = Frame {
        n: days.len(),
        y_max: y_max.max(10.0),
    };
    let slips = days.iter().filter(|d| d.slip).count();
    let current = days.last().and_then(|d| d.stretch_days);
    let summary = match current {
        Some(c) => format!(
            "The current stretch is {c} day{} without contact you started; {slips} slip{} in the last {} days.{}",
            if c == 1 { "" } else { "s" },
            if slips == 1 { "" } else { "s" },
            days.len(),
            target_days
                .map(|t| format!(" The method asks for at least {t}."))
                .unwrap_or_default()
        ),
        None => format!("Nothing recorded in the last {} days yet.", days.len()),
    };
    let id = format!("nocontact-{}", days.len());
    let title = format!("No contact, last {} days", days.len());
    let mut svg = String::new();
    let ticks = f.quarter_ticks();
    open(
        &mut svg,
        Head {
            id: &id,
            title: &title,
            summary: &summary,
        },
        &f,
        days,
        "Days without contact",
        &ticks,
    );
    if let Some(target_days) = target_days {
        let ty = f.y(target_days as f64);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{LEFT}" x2="{}" y1="{ty:.1}" y2="{ty:.1}"/><text class="band-label" x="{:.1}" y="{:.1}" text-anchor="end">{target_days} days</text>"#,
            W - RIGHT,
            W - RIGHT - 4.0,
            ty - 5.0
        );
    }
    let mut points = String::new();
    let mut last: Option<i64> = None;
    for (i, d) in days.iter().enumerate() {
        // A restart drops the line to zero: start a new line rather than draw a slope.
        if d.stretch_days.zip(last).is_some_and(|(s, l)| s < l) && !points.is_empty() {
            let _ = write!(
                svg,
                r#"<polyline class="stretch" points="{}"/>"#,
                points.trim_end()
            );
            points.clear();
        }
        last = d.stretch_days;
        if let Some(s) = d.stretch_days {
            let _ = write!(
                points,
                "{:.1},{:.1} ",
                f.x(i) + f.slot() / 2.0,
                f.y(s as f64)
            );
        } else if !points.is_empty() {
            let _ = write!(
                svg,
                r#"<polyline class="stretch" points="{}"/>"#,
                points.trim_end()
            );
            points.clear();
        }
    }
    if !points.is_empty() {
        let _ = write!(
            svg,
            r#"<polyline class="stretch" points="{}"/>"#,
            points.trim_end()
        );
    }
    for (i, d) in days.iter().enumerate() {
        let cx = f.x(i) + f.slot() / 2.0;
        if d.slip {
            let cy = f.y(0.0);
            let _ = write!(
                svg,
                r#"<path class="slip" d="M{cx:.1} {:.1} l7 8 l-7 8 l-7 -8 z"><title>{}: slip, the count restarted</title></path>"#,
                cy - 16.0,
                esc(&day_label(d))
            );
        }
        if d.contact_out && !d.slip {
            let _ = write!(
                svg,
                r#"<circle class="contact-out" cx="{cx:.1}" cy="{:.1}" r="5"><title>{}: you got in touch (the count restarted)</title></circle>"#,
                f.y(0.0) - 8.0,
                esc(&day_label(d))
            );
        }
        if d.contact_in {
            let _ = write!(
                svg,
                r#"<circle class="contact-in" cx="{cx:.1}" cy="{:.1}" r="5"><title>{}: they got in touch</title></circle>"#,
                TOP + 6.0,
                esc(&day_label(d))
            );
        }
    }
    let legend_y = H - 8.0;
    let _ = write!(
        svg,
        r#"<path class="slip" d="M{:.1} {:.1} l5 6 l-5 6 l-5 -6 z"/><text class="tick" x="{:.1}" y="{legend_y:.1}">slip</text><circle class="contact-out" cx="{:.1}" cy="{:.1}" r="5"/><text class="tick" x="{:.1}" y="{legend_y:.1}">you got in touch</text><circle class="contact-in" cx="{:.1}" cy="{:.1}" r="5"/><text class="tick" x="{:.1}" y="{legend_y:.1}">they got in touch</text>"#,
        W - RIGHT - 330.0,
        legend_y - 10.0,
        W - RIGHT - 320.0,
        W - RIGHT - 270.0,
        legend_y - 4.0,
        W - RIGHT - 260.0,
        W - RIGHT - 130.0,
        legend_y - 4.0,
        W - RIGHT - 120.0
    );
    svg.push_str("</svg>");
    let rows = days
        .iter()
        .filter(|d| d.slip || d.contact_in || d.contact_out)
        .map(|d| {
            let mut what = Vec::new();
            if d.slip {
                what.push("slip (the count restarted)");
            } else if d.contact_out {
                what.push("you got in touch (the count restarted)");
            }
            if d.contact_in {
                what.push("they got in touch");
            }
            (day_label(d), what.join("; "))
        })
        .collect();
    Chart {
        id,
        title,
        summary,
        svg,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn series() -> Series {
        let mut days: Vec<DayPoint> = (1..=30)
            .map(|d| DayPoint {
                date: date(2026, 11, d),
                stretch_days: Some(i64::from(d) - 1),
                ..Default::default()
            })
            .collect();
        days[3].sleep_hours = Some(8.0);
        days[4].sleep_hours = Some(5.5);
        days[10].exercise_minutes = 40.0;
        days[12].therapy_sessions = 1;
        days[20].slip = true;
        for (i, d) in days.iter_mut().enumerate().skip(20) {
            d.stretch_days = Some(i as i64 - 20);
        }
        Series { days }
    }

    #[test]
    fn charts_have_titles_descriptions_and_labelled_axes() {
        for chart in [
            sleep(&series(), [7.0, 9.0]),
            exercise_and_therapy(&series()),
            no_contact(&series(), Some(30)),
        ] {
            assert!(chart.svg.starts_with("<svg") && chart.svg.ends_with("</svg>"));
            assert!(chart.svg.contains("role=\"img\""));
            assert!(
                chart
                    .svg
                    .contains(&format!("<title id=\"{}-title\">", chart.id))
            );
            assert!(chart.svg.contains("<desc"));
            assert!(chart.svg.contains("class=\"axis-label\""));
            assert!(
                !chart.svg.contains("style="),
                "inline style would break the CSP"
            );
            assert!(!chart.rows.is_empty(), "{}", chart.title);
        }
    }

    #[test]
    fn the_sleep_summary_counts_nights_in_the_band() {
        let c = sleep(&series(), [7.0, 9.0]);
        assert!(c.summary.contains("2 nights logged"), "{}", c.summary);
        assert!(
            c.summary.contains("1 of them in the 7–9 hour band"),
            "{}",
            c.summary
        );
        assert!(c.svg.contains("7–9 h target"));
        assert_eq!(c.svg.matches("class=\"bar ok\"").count(), 1);
        assert_eq!(c.svg.matches("class=\"bar off\"").count(), 1);
    }

    #[test]
    fn slips_are_drawn_and_listed() {
        let c = no_contact(&series(), Some(30));
        assert_eq!(
            c.svg.matches("slip, the count restarted</title>").count(),
            1
        );
        assert_eq!(
            c.svg.matches("<polyline").count(),
            2,
            "the line breaks at the restart"
        );
        assert!(
            c.rows
                .iter()
                .any(|(d, v)| d == "21 Nov" && v.contains("slip")),
            "{:?}",
            c.rows
        );
        assert!(c.summary.contains("1 slip"));
    }
}

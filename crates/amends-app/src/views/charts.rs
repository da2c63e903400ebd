//! The self-work and no-contact charts (SI-2, SI-3, SI-4, NC-2) as geometry: scales, bars,
//! marks and lines in the coordinates of one fixed view box, with a title, a text alternative
//! and the numbers as rows. The web draws it as SVG from a template; nothing here is markup.

use std::fmt::Write;

use crate::charts::{DayPoint, Series};

/// The view box and the margins around the plot.
pub const W: f64 = 720.0;
pub const H: f64 = 260.0;
pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = 16.0;
pub const TOP: f64 = 20.0;
const BOTTOM: f64 = 56.0;

/// A label at a place on an axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A shape with its own tooltip: a bar (`w`, `h`), a dot (radius `w`) or a slip's diamond.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub class: &'static str,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub title: String,
}

/// One entry of a legend: a dot or a diamond of `class` and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    pub class: &'static str,
    /// Where the mark stands; its words follow it.
    pub x: f64,
    /// The radius of a dot.
    pub r: f64,
    pub text: &'static str,
}

/// A horizontal band (the sleep target, `h` > 0) or line (the no-contact target, `h` = 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub y: f64,
    pub h: f64,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in one or two sentences.
    pub summary: String,
    /// What the vertical axis counts.
    pub y_label: &'static str,
    /// The scale: a grid line at each.
    pub y_ticks: Vec<Tick>,
    /// About six days, whatever the range.
    pub x_ticks: Vec<Tick>,
    /// Where zero is on the vertical axis.
    pub base: f64,
    pub band: Option<Band>,
    /// Sleep or exercise, one a day.
    pub bars: Vec<Mark>,
    /// Therapy sessions and contact either way.
    pub dots: Vec<Mark>,
    /// NC-2: every slip, never hidden.
    pub slips: Vec<Mark>,
    /// The no-contact stretch as runs of "x,y" points: a restart starts a new run.
    pub lines: Vec<String>,
    pub legend: Vec<Legend>,
    /// The same numbers as rows of (date, value) for the table under the chart.
    pub rows: Vec<(String, String)>,
}

impl Chart {
    pub fn w(&self) -> f64 {
        W
    }
    pub fn h(&self) -> f64 {
        H
    }
    pub fn left(&self) -> f64 {
        LEFT
    }
    pub fn right(&self) -> f64 {
        W - RIGHT
    }
    pub fn top(&self) -> f64 {
        TOP
    }
    /// The middle of the vertical axis, where its label stands.
    pub fn middle(&self) -> f64 {
        TOP + (H - TOP - BOTTOM) / 2.0
    }
}

/// Coordinates to one decimal, as drawn.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn day_label(p: &DayPoint) -> String {
    p.date.strftime("%-d %b").to_string()
}

fn plural(n: impl Into<f64>) -> &'static str {
    if n.into() == 1.0 { "" } else { "s" }
}

/// The scale of a chart over `n` days, up to `y_max`.
struct Frame {
    n: usize,
    y_max: f64,
}

impl Frame {
    fn slot(&self) -> f64 {
        (W - LEFT - RIGHT) / self.n.max(1) as f64
    }
    fn x(&self, i: usize) -> f64 {
        LEFT + self.slot() * i as f64
    }
    fn mid(&self, i: usize) -> f64 {
        r1(self.x(i) + self.slot() / 2.0)
    }
    fn y(&self, v: f64) -> f64 {
        r1(TOP + (H - TOP - BOTTOM) * (1.0 - (v / self.y_max).clamp(0.0, 1.0)))
    }
    /// A bar of day `i` up to `v`.
    fn bar(&self, i: usize, v: f64, class: &'static str, title: String) -> Mark {
        let y = self.y(v);
        Mark {
            class,
            x: r1(self.x(i) + self.slot() * 0.15),
            y,
            w: r1(self.slot() * 0.7),
            h: r1(self.y(0.0) - y),
            title,
        }
    }

    /// The empty chart: both axes with their ticks and about six date labels.
    fn chart(
        &self,
        kind: &str,
        title: &str,
        days: &[DayPoint],
        y_label: &'static str,
        ticks: &[f64],
    ) -> Chart {
        let every = (days.len() / 6).max(1);
        Chart {
            id: format!("{kind}-{}", days.len()),
            title: format!("{title}, last {} days", days.len()),
            summary: String::new(),
            y_label,
            y_ticks: ticks
                .iter()
                .map(|t| Tick {
                    at: self.y(*t),
                    label: t.to_string(),
                })
                .collect(),
            x_ticks: days
                .iter()
                .enumerate()
                .filter(|(i, _)| i % every == 0 || i + 1 == days.len())
                .map(|(i, p)| Tick {
                    at: self.mid(i),
                    label: day_label(p),
                })
                .collect(),
            base: self.y(0.0),
            band: None,
            bars: Vec::new(),
            dots: Vec::new(),
            slips: Vec::new(),
            lines: Vec::new(),
            legend: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Five ticks from zero to the top of the scale, rounded to whole numbers.
    fn quarter_ticks(&self) -> Vec<f64> {
        (0..=4)
            .map(|i| (self.y_max / 4.0 * f64::from(i)).round())
            .collect()
    }
}

/// A dot of `class` with radius `r`.
fn dot(class: &'static str, x: f64, y: f64, r: f64, title: String) -> Mark {
    Mark {
        class,
        x,
        y,
        w: r,
        h: r,
        title,
    }
}

/// SI-3: hours slept each night against the 7–9 hour band.
pub fn sleep(series: &Series, band: [f64; 2]) -> Chart {
    let days = &series.days;
    let f = Frame {
        n: days.len(),
        y_max: 12.0,
    };
    let in_band = |h: f64| h >= band[0] && h <= band[1];
    let logged: Vec<f64> = days.iter().filter_map(|d| d.sleep_hours).collect();
    let mut c = f.chart(
        "sleep",
        "Sleep",
        days,
        "Hours of sleep",
        &[0.0, 3.0, 6.0, 9.0, 12.0],
    );
    c.summary = if logged.is_empty() {
        format!("No nights logged in the last {} days.", days.len())
    } else {
        let avg = logged.iter().sum::<f64>() / logged.len() as f64;
        format!(
            "{} nights logged in the last {} days, {avg:.1} hours on average; {} of them in the {}–{} hour band.",
            logged.len(),
            days.len(),
            logged.iter().filter(|h| in_band(**h)).count(),
            band[0],
            band[1]
        )
    };
    let top = f.y(band[1]);
    c.band = Some(Band {
        y: top,
        h: r1(f.y(band[0]) - top),
        label: format!("{}–{} h target", band[0], band[1]),
    });
    for (i, d) in days.iter().enumerate() {
        if let Some(h) = d.sleep_hours {
            let class = if in_band(h) { "bar ok" } else { "bar off" };
            c.bars
                .push(f.bar(i, h, class, format!("{}: {h} h", day_label(d))));
            c.rows.push((day_label(d), format!("{h} h")));
        }
    }
    c
}

/// SI-2, SI-4: minutes of exercise per day, with therapy sessions marked.
pub fn exercise_and_therapy(series: &Series) -> Chart {
    let days = &series.days;
    let most = days.iter().map(|d| d.exercise_minutes).fold(0.0, f64::max);
    let f = Frame {
        n: days.len(),
        y_max: ((most / 30.0).ceil() * 30.0).max(60.0),
    };
    let total: f64 = days.iter().fold(0.0, |acc, d| acc + d.exercise_minutes);
    let active = days.iter().filter(|d| d.exercise_minutes > 0.0).count();
    let therapy: u32 = days.iter().map(|d| d.therapy_sessions).sum();
    let mut c = f.chart(
        "exercise",
        "Exercise and therapy",
        days,
        "Minutes of exercise",
        &f.quarter_ticks(),
    );
    c.summary = format!(
        "{total:.0} minutes of exercise on {active} of the last {} days, and {therapy} therapy or counselling session{}.",
        days.len(),
        plural(therapy)
    );
    for (i, d) in days.iter().enumerate() {
        let day = day_label(d);
        if d.exercise_minutes > 0.0 {
            let title = format!("{day}: {} minutes", d.exercise_minutes);
            c.bars.push(f.bar(i, d.exercise_minutes, "bar ok", title));
        }
        if d.therapy_sessions > 0 {
            c.dots.push(dot(
                "therapy",
                f.mid(i),
                TOP + 6.0,
                6.0,
                format!("{day}: therapy"),
            ));
        }
        if d.exercise_minutes > 0.0 || d.therapy_sessions > 0 {
            let mut v = format!("{} min exercise", d.exercise_minutes);
            if d.therapy_sessions > 0 {
                let _ = write!(v, ", {} therapy", d.therapy_sessions);
            }
            c.rows.push((day, v));
        }
    }
    c.legend = vec![Legend {
        class: "therapy",
        x: W - RIGHT - 140.0,
        r: 6.0,
        text: "therapy session",
    }];
    c
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
    let mut c = f.chart(
        "nocontact",
        "No contact",
        days,
        "Days without contact",
        &f.quarter_ticks(),
    );
    c.summary = match days.last().and_then(|d| d.stretch_days) {
        Some(now) => format!(
            "The current stretch is {now} day{} without contact you started; {slips} slip{} in the last {} days.{}",
            plural(now as f64),
            plural(slips as f64),
            days.len(),
            target_days
                .map(|t| format!(" The method asks for at least {t}."))
                .unwrap_or_default()
        ),
        None => format!("Nothing recorded in the last {} days yet.", days.len()),
    };
    c.band = target_days.map(|t| Band {
        y: f.y(t as f64),
        h: 0.0,
        label: format!("{t} days"),
    });
    let mut points = String::new();
    let mut last: Option<i64> = None;
    for (i, d) in days.iter().enumerate() {
        // A restart drops the line to zero: start a new line rather than draw a slope; a day
        // without a count ends the line too.
        let restart = d.stretch_days.zip(last).is_some_and(|(s, l)| s < l);
        if (restart || d.stretch_days.is_none()) && !points.is_empty() {
            c.lines
                .push(std::mem::take(&mut points).trim_end().to_string());
        }
        last = d.stretch_days;
        if let Some(s) = d.stretch_days {
            let _ = write!(points, "{},{} ", f.mid(i), f.y(s as f64));
        }
        let day = day_label(d);
        let mut what = Vec::new();
        if d.slip {
            c.slips.push(dot(
                "slip",
                f.mid(i),
                r1(f.y(0.0) - 16.0),
                7.0,
                format!("{day}: slip, the count restarted"),
            ));
            what.push("slip (the count restarted)");
        } else if d.contact_out {
            let title = format!("{day}: you got in touch (the count restarted)");
            c.dots
                .push(dot("contact-out", f.mid(i), r1(f.y(0.0) - 8.0), 5.0, title));
            what.push("you got in touch (the count restarted)");
        }
        if d.contact_in {
            let title = format!("{day}: they got in touch");
            c.dots
                .push(dot("contact-in", f.mid(i), TOP + 6.0, 5.0, title));
            what.push("they got in touch");
        }
        if !what.is_empty() {
            c.rows.push((day, what.join("; ")));
        }
    }
    if !points.is_empty() {
        c.lines.push(points.trim_end().to_string());
    }
    c.legend = vec![
        Legend {
            class: "slip",
            x: W - RIGHT - 330.0,
            r: 5.0,
            text: "slip",
        },
        Legend {
            class: "contact-out",
            x: W - RIGHT - 270.0,
            r: 5.0,
            text: "you got in touch",
        },
        Legend {
            class: "contact-in",
            x: W - RIGHT - 130.0,
            r: 5.0,
            text: "they got in touch",
        },
    ];
    c
}

//! The labelled evaluation set (`tests/eval/messages.toml`): precision and recall per rule and
//! per component, printed as a table, with floors that fail the test when quality drops.

use std::collections::{BTreeMap, BTreeSet};

use amends_lint::{Context, Kind, check};
use serde::Deserialize;

#[derive(Deserialize)]
struct EvalFile {
    m: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    kind: Kind,
    text: String,
    #[serde(default)]
    r: Vec<String>,
    #[serde(default)]
    c: Vec<String>,
    #[serde(default)]
    crisis: bool,
    context: Option<Context>,
}

const APOLOGY_PARTS: [&str; 4] = ["specific_action", "remorse", "responsibility", "repair"];
const ASK_PARTS: [&str; 5] = [
    "clear_wish",
    "impact",
    "acknowledges_hesitation",
    "self_work_regardless",
    "invites_needs",
];
const BASE_COMPONENTS: [&str; 6] = [
    "specific_action",
    "impact",
    "remorse",
    "responsibility",
    "repair",
    "respectful_close",
];

/// The rules that follow from the component labels (see tests/eval/README.md).
fn expected_rules(m: &Message) -> BTreeSet<String> {
    let mut r: BTreeSet<String> = m.r.iter().cloned().collect();
    let has = |id: &str| m.c.iter().any(|c| c == id);
    if matches!(m.kind, Kind::Apology | Kind::Email) {
        if has("specific_action") && !has("impact") {
            r.insert("missing-impact".into());
        }
        let missing =
            APOLOGY_PARTS.iter().any(|p| !has(p)) || (!has("specific_action") && !has("impact"));
        if missing {
            r.insert("apology-elements".into());
        }
    }
    if m.kind == Kind::Ask && ASK_PARTS.iter().any(|p| !has(p)) {
        r.insert("request-elements".into());
    }
    r
}

fn components_for(kind: Kind) -> Vec<&'static str> {
    match kind {
        Kind::Apology | Kind::Email => BASE_COMPONENTS.to_vec(),
        Kind::Ask => BASE_COMPONENTS
            .iter()
            .chain(ASK_PARTS[..1].iter())
            .copied()
            .chain([
                "acknowledges_hesitation",
                "self_work_regardless",
                "invites_needs",
            ])
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        }
    }
    fn add(&mut self, expected: bool, got: bool) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
}

/// Floors: what the engine reaches today (rules 1.00 / 0.98, components 1.00 / 0.99), minus a
/// margin. The set was written alongside the lexicons and is not held out, so these figures
/// are optimistic for unseen text; the floors exist to catch regressions. Raise them as the
/// set grows.
const MIN_RULE_MICRO_PRECISION: f64 = 0.95;
const MIN_RULE_MICRO_RECALL: f64 = 0.93;
const MIN_COMPONENT_MICRO_PRECISION: f64 = 0.95;
const MIN_COMPONENT_MICRO_RECALL: f64 = 0.95;
/// Per rule and per component (with at least 3 labelled positives).
const MIN_EACH_PRECISION: f64 = 0.85;
const MIN_EACH_RECALL: f64 = 0.70;

#[test]
fn precision_and_recall() {
    let file: EvalFile = toml::from_str(include_str!("../eval/messages.toml")).unwrap();
    assert!(file.m.len() >= 150, "the set needs at least 150 messages");
    let mut rules: BTreeMap<String, Counts> = BTreeMap::new();
    let mut comps: BTreeMap<String, Counts> = BTreeMap::new();
    let mut crisis = Counts::default();
    let mut misses = Vec::new();
    let engine = amends_lint::engine().unwrap();
    let all_rules: Vec<String> = engine
        .lexicons()
        .iter()
        .filter(|l| l.role == amends_lint::lexicon::LexRole::Rule)
        .map(|l| l.id.clone())
        .collect();
    for (i, m) in file.m.iter().enumerate() {
        let report = check(&m.text, m.kind, m.context.as_ref()).unwrap();
        let got: BTreeSet<String> = report.findings.iter().map(|f| f.rule.to_string()).collect();
        let want = expected_rules(m);
        for id in &all_rules {
            let (e, g) = (want.contains(id), got.contains(id));
            rules.entry(id.clone()).or_default().add(e, g);
            if e != g {
                misses.push(format!(
                    "#{i} {} {id}: expected {e}, got {g}: {:.70}",
                    m.kind, m.text
                ));
            }
        }
        for id in components_for(m.kind) {
            let e = m.c.iter().any(|c| c == id);
            let g = report.component(id).is_some_and(|c| c.present);
            comps.entry(id.to_owned()).or_default().add(e, g);
            if e != g {
                misses.push(format!(
                    "#{i} {} [{id}]: expected {e}, got {g}: {:.70}",
                    m.kind, m.text
                ));
            }
        }
        crisis.add(m.crisis, report.crisis);
    }

    let mut table = String::from("\nrule / component            tp  fp  fn  precision  recall\n");
    let mut row = |name: &str, c: Counts| {
        table.push_str(&format!(
            "{name:<27} {:>3} {:>3} {:>3}  {:>9.2}  {:>6.2}\n",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        ));
    };
    let sum = |m: &BTreeMap<String, Counts>| {
        m.values().fold(Counts::default(), |a, c| Counts {
            tp: a.tp + c.tp,
            fp: a.fp + c.fp,
            fn_: a.fn_ + c.fn_,
        })
    };
    for (id, c) in &rules {
        row(id, *c);
    }
    let rule_total = sum(&rules);
    row("ALL RULES (micro)", rule_total);
    for (id, c) in &comps {
        row(&format!("[{id}]"), *c);
    }
    let comp_total = sum(&comps);
    row("ALL COMPONENTS (micro)", comp_total);
    row("crisis", crisis);
    println!("{table}");
    println!("{} disagreements:\n{}", misses.len(), misses.join("\n"));

    // Safety is not traded against anything: every labelled crisis must be caught.
    assert_eq!(crisis.fn_, 0, "a labelled crisis was missed");
    assert!(
        rule_total.precision() >= MIN_RULE_MICRO_PRECISION,
        "rule precision {:.2}",
        rule_total.precision()
    );
    assert!(
        rule_total.recall() >= MIN_RULE_MICRO_RECALL,
        "rule recall {:.2}",
        rule_total.recall()
    );
    assert!(
        comp_total.precision() >= MIN_COMPONENT_MICRO_PRECISION,
        "component precision {:.2}",
        comp_total.precision()
    );
    assert!(
        comp_total.recall() >= MIN_COMPONENT_MICRO_RECALL,
        "component recall {:.2}",
        comp_total.recall()
    );
    for (id, c) in rules.iter().chain(comps.iter()) {
        if c.tp + c.fn_ >= 3 {
            assert!(
                c.precision() >= MIN_EACH_PRECISION,
                "{id} precision {:.2}",
                c.precision()
            );
            assert!(
                c.recall() >= MIN_EACH_RECALL,
                "{id} recall {:.2}",
                c.recall()
            );
        }
    }
}

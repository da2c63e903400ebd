//! The learned scorer's two safety heads (issue 11, SAFE-3 / SAFE-4): `self-harm` (L-28) and
//! `threat` (L-11), a second opinion for recall beside the word lists.
//!
//! They are two more columns of the same model, over the same features, so checking a draft
//! costs two more weights per feature row (the rows are padded to 32 labels, so nothing at all
//! in the apology kinds). They are trained apart from the other labels, after them, so the
//! other labels' weights and thresholds are the bytes they were:
//!
//! - data: the corpus's own `self-harm` / `threat` sentence labels (`corpus/train`,
//!   `corpus/public`), the development probes (`tests/eval/crisis-r3-dev.jsonl`,
//!   `crisis-r4-dev.jsonl`, `crisis-dev.toml`) and the lines of independent writers kept in
//!   `corpus/crisis/*.jsonl`. Never a blind file: [`PROBE_FILES`] is a fixed list and a path
//!   naming `blind` or `held` stops the run.
//! - a probe line of one sentence teaches that sentence; a positive line of several teaches
//!   the sentences the rule flags, or else the one a first model scores highest (which one
//!   says it is not written down); every sentence of a negative line is a negative.
//! - validation: leave one group out, a group being a corpus writer or a probe file (each
//!   writer of `corpus/crisis` its own); every line and document is scored by a model that
//!   never saw its group.
//! - thresholds: the pair that catches the most held-out positives while the false alarms on
//!   the hard negatives stay at most `--safety-alarms` (4%, under the 5%) and the model
//!   adds at most 0.5% false alarms on the corpus's ordinary documents. Counted as
//!   `shared/LABELS.md` does: a positive is caught when its `journal` and its `apology` report
//!   both flag it, a negative is a false alarm when either does.
//! - mode: always `union`. The engine reads these two heads only to add a finding where the
//!   rule found nothing (`rules/crisis.rs`), whatever the file says.

use super::{Args, Doc, Engine, Inst, Kind, LabelModel, Mode, Model, features, predict};
use super::{quantise, sentence_at, train};
use std::collections::BTreeMap;

/// The heads, in column order after the other labels.
pub const HEADS: [&str; 2] = amends_lint::SAFETY_HEADS;

/// The development probe files (JSONL: id, kind, expect, text). Blind files never.
const PROBE_FILES: &[&str] = &[
    "tests/eval/crisis-r3-dev.jsonl",
    "tests/eval/crisis-r4-dev.jsonl",
];
/// The second round's development probes (TOML: text, crisis).
const PROBE_TOML: &str = "tests/eval/crisis-dev.toml";
/// New lines from independent writers, one file per batch.
const NEW_LINES: &str = "corpus/crisis";
/// The newest batch of independent writers (round 7), whose held-out figures per kind the
/// report gives apart: the fairest test of the heads this round.
const NEWEST: &[&str] = &["probe:ct4", "probe:ct5", "probe:ct6"];
/// The earlier probe rounds kept as test lists in `tests/lint/crisis.rs` (development lines,
/// tuned on; its `HELD_OUT` lists are left alone), as (list, expect).
const TEST_ROUNDS: &str = "tests/lint/crisis.rs";
const TEST_LISTS: &[(&str, &str, &str)] = &[
    ("PROBE_ROUNDS", "crisis", "first rounds"),
    ("PROBE_ROUND_NEGATIVES", "none", "first rounds"),
    ("SECOND_ROUND", "crisis", "second round"),
    ("SECOND_ROUND_NEGATIVES", "none", "second round"),
];

/// The string literals of `const NAME: &[&str] = &[ ... ];` in Rust source, one a line (the
/// test lists' layout; they hold no escapes).
fn rust_list(src: &str, name: &str) -> Vec<String> {
    let head = format!("const {name}: &[&str] = &[");
    let Some(start) = src.find(&head).map(|i| i + head.len()) else {
        return Vec::new();
    };
    let body = src[start..].split("\n];").next().unwrap_or_default();
    body.lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.trim_end_matches(',').strip_suffix('"'))
        .map(str::to_string)
        .collect()
}

/// The report section's title (`--safety-only` replaces the section from it on).
const SECTION: &str = "\n## The safety heads (issue 11: `self-harm`, `threat`)\n\n";

/// Most false alarms the model may add on the held-out hard negatives, as a share of them. The
/// issue's bar is 5% in all, and the rules alone already raise 5% to 11% on the new writers'
/// negatives (near 0 on the files they were tuned on), so the model's share is kept small:
/// 3% kept most of what it catches (the report's table of budgets). Round 8, with 36 writers'
/// lines: 2%. Held out, 3% caught 29 more of 8,036 probe lines (0.4 points) for 21 more false
/// alarms of 4,476 (0.5 points), and its lower self-harm threshold (0.750 against 0.825) read
/// blackmail ("answer me by Friday or I'll tell everyone") as self-harm.
const ALARMS: f64 = 0.02;

/// Most added false alarms on the corpus's ordinary documents, as a share of them.
const CORPUS_ALARMS: f64 = 0.005;

/// Whether a report raises a crisis or a threat (how `tests/lint/eval.rs` counts a line).
pub fn flagged(r: &amends_lint::Report) -> bool {
    r.crisis || r.has_rule("self-harm") || r.has_rule("threat")
}

/// One line or document, as validation counts it.
struct Unit {
    id: String,
    group: usize,
    /// The probe's kind and expectation (`indirect (crisis)`), or `corpus`.
    kind: String,
    probe: bool,
    /// A crisis or a threat is there.
    gold: bool,
    /// The rules alone flag it as `journal`, as `apology`.
    rule: [bool; 2],
    /// Per head: the rule's lexicon has a hit in the line but no finding (a lone cue). Only
    /// counted, for the report's figure of what a veto there would cost.
    judged: [bool; 2],
    insts: std::ops::Range<usize>,
    text: String,
}

impl Unit {
    /// Whether the model flags the line, with scores `p` and thresholds `t`; with `judged`, as
    /// if it added nothing where the rule's lexicon hit without a finding.
    fn model(&self, p: [f32; 2], t: [f32; 2], judged: bool) -> bool {
        (0..2).any(|k| p[k] >= t[k] && !(judged && self.judged[k]))
    }

    /// Caught (a positive) or a false alarm (a negative), the model adding `model`, with the
    /// rules' own flags or (`rules` false) without them.
    fn flagged(&self, model: bool, rules: bool) -> bool {
        let [j, a] = self.rule.map(|r| (r && rules) || model);
        if self.gold { j && a } else { j || a }
    }
}

/// One probe line read from a file.
struct Probe {
    id: String,
    kind: String,
    expect: String,
    text: String,
}

fn read_probes(engine: &Engine, groups: &mut Vec<String>) -> Result<Vec<(usize, Probe)>, String> {
    let mut files: Vec<String> = PROBE_FILES.iter().map(|s| (*s).to_string()).collect();
    if let Ok(rd) = std::fs::read_dir(NEW_LINES) {
        let mut new: Vec<String> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        new.sort();
        files.extend(new);
    }
    let mut out = Vec::new();
    let group =
        |name: String, groups: &mut Vec<String>| match groups.iter().position(|g| *g == name) {
            Some(g) => g,
            None => {
                groups.push(name);
                groups.len() - 1
            }
        };
    // The lexicons' own examples, as the other labels' training takes them: a head's positive
    // says nothing of the other head.
    for lex in engine.lexicons() {
        let Some(k) = HEADS.iter().position(|h| *h == lex.id) else {
            continue;
        };
        let g = group(format!("lexicon:{}", lex.id), groups);
        for (positive, list) in [
            (true, &lex.examples.positive),
            (false, &lex.examples.negative),
        ] {
            for (i, ex) in list.iter().enumerate() {
                out.push((
                    g,
                    Probe {
                        id: format!("{}-{}-{}", lex.id, if positive { "pos" } else { "neg" }, i),
                        kind: format!("lexicon {}", lex.id),
                        expect: match (positive, k) {
                            (false, _) => "none",
                            (true, 0) => "crisis-only",
                            _ => "threat-only",
                        }
                        .into(),
                        text: ex.text().to_string(),
                    },
                ));
            }
        }
    }
    let tests = std::fs::read_to_string(TEST_ROUNDS).map_err(|e| format!("{TEST_ROUNDS}: {e}"))?;
    for (name, expect, round) in TEST_LISTS {
        let g = group(format!("tests:{round}"), groups);
        for (i, text) in rust_list(&tests, name).into_iter().enumerate() {
            out.push((
                g,
                Probe {
                    id: format!("{name}-{i}"),
                    kind: "test rounds".into(),
                    expect: (*expect).into(),
                    text,
                },
            ));
        }
    }
    for path in files.iter().map(String::as_str).chain([PROBE_TOML]) {
        if path.contains("blind") || path.contains("held") {
            return Err(format!("{path}: a blind file is never trained on"));
        }
        let src = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let stem = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.ends_with(".toml") {
            let v: toml::Value = toml::from_str(&src).map_err(|e| format!("{path}: {e}"))?;
            let g = group(format!("probe:{stem}"), groups);
            for (i, c) in v["case"].as_array().into_iter().flatten().enumerate() {
                let crisis = c["crisis"].as_bool().unwrap_or(false);
                out.push((
                    g,
                    Probe {
                        id: format!("{stem}-{}", i + 1),
                        kind: "crisis-dev".into(),
                        expect: if crisis { "crisis" } else { "none" }.into(),
                        text: c["text"].as_str().unwrap_or_default().to_string(),
                    },
                ));
            }
            continue;
        }
        for (n, line) in src.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let d: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            // A new batch may hold several writers; each is its own group.
            let writer = d["writer"]
                .as_str()
                .map_or_else(|| stem.clone(), |w| format!("{stem}/{w}"));
            let g = group(format!("probe:{writer}"), groups);
            out.push((
                g,
                Probe {
                    id: s("id"),
                    kind: s("kind"),
                    expect: s("expect"),
                    text: s("text"),
                },
            ));
        }
    }
    Ok(out)
}

/// What the heads' training data and validation units are.
struct Data {
    insts: Vec<Inst>,
    units: Vec<Unit>,
    /// Per instance: whether it trains (false for `--safety-score-only` groups).
    trains: Vec<bool>,
}

fn gather(
    a: &Args,
    engine: &Engine,
    corpus: &[Inst],
    docs: &[Doc],
    groups: &mut Vec<String>,
) -> Result<Data, String> {
    // The heads see each sentence's `head_feats`: without the engine's signals of their own
    // rules' lexicons (a hit of the self-harm or threat lexicon, here, nearby or anywhere), as
    // `model::hidden_from_heads` defines them and the check scores them, and without the
    // labels' context features (`Sink::label_only`).
    let mut insts = Vec::new();
    let mut units = Vec::new();
    for d in docs {
        let start = insts.len();
        let mut gold = false;
        for i in d.insts.clone() {
            let c = &corpus[i];
            gold |= c.safety.contains(&1);
            insts.push(Inst {
                feats: c.head_feats.clone(),
                head_feats: Vec::new(),
                y: c.safety.to_vec(),
                doc: Some(units.len()),
                safety: c.safety,
            });
        }
        units.push(Unit {
            id: d.id.clone(),
            group: d.group,
            kind: "corpus".into(),
            probe: false,
            gold,
            rule: [d.safety_rule; 2],
            judged: [false; 2],
            insts: start..insts.len(),
            text: String::new(),
        });
    }
    // Multi-sentence positive lines whose carrying sentence is not known yet: (unit, head).
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (g, p) in read_probes(engine, groups)? {
        let want: [i8; 2] = match p.expect.as_str() {
            "crisis" => [1, 0],
            "threat" => [0, 1],
            "crisis-only" => [1, -1],
            "threat-only" => [-1, 1],
            // Self-harm used as leverage: a crisis; whether it is also a threat, the line
            // does not say.
            "both" => [1, -1],
            "none" => [0, 0],
            other => return Err(format!("{}: expect {other:?}", p.id)),
        };
        let sents = features(engine, &p.text, a.bits);
        let spans: Vec<_> = sents.iter().map(|(s, _, _)| *s).collect();
        let journal = engine.check(&p.text, Kind::Journal, None);
        let apology = engine.check(&p.text, Kind::Apology, None);
        // The sentences the rule itself flags, per head.
        let mut ruled = vec![[false; 2]; sents.len()];
        for f in journal.findings.iter().chain(&apology.findings) {
            if let Some(k) = HEADS.iter().position(|h| *h == f.rule)
                && let Some(si) = sentence_at(&spans, f.span.start)
            {
                ruled[si][k] = true;
            }
        }
        let unit = units.len();
        let start = insts.len();
        let only = sents.len() == 1;
        for (k, &w) in want.iter().enumerate() {
            if w == 1 && !only && !ruled.iter().any(|r| r[k]) {
                open.push((unit, k));
            }
        }
        for ((_, _, f), r) in sents.into_iter().zip(&ruled) {
            let y: Vec<i8> = (0..2)
                .map(|k| match want[k] {
                    1 if only || r[k] => 1,
                    1 => -1,
                    w => w,
                })
                .collect();
            insts.push(Inst {
                feats: f,
                head_feats: Vec::new(),
                y,
                doc: None,
                safety: [-1; 2],
            });
        }
        units.push(Unit {
            id: p.id,
            group: g,
            kind: format!("{} ({})", p.kind, p.expect),
            probe: true,
            gold: p.expect != "none",
            rule: [flagged(&journal), flagged(&apology)],
            judged: HEADS.map(|h| {
                !engine.hits_of(&p.text, h).is_empty()
                    && !journal.has_rule(h)
                    && !apology.has_rule(h)
            }),
            insts: start..insts.len(),
            text: p.text,
        });
    }
    // Groups kept as a measure only (`--safety-score-only`) never train.
    let mut trains = vec![true; insts.len()];
    for u in &units {
        if a.safety_score_only.contains(&groups[u.group]) {
            trains[u.insts.clone()].fill(false);
        }
    }
    for name in &a.safety_score_only {
        if !groups.contains(name) {
            return Err(format!("--safety-score-only: no group {name}"));
        }
    }
    // A first model on what is known chooses the carrying sentence of the rest.
    if !open.is_empty() {
        let (w, b) = train(&insts, &|i| trains[i], a, a.seed);
        for (unit, k) in open {
            let best = units[unit]
                .insts
                .clone()
                .max_by(|&x, &y| {
                    let px = predict(&w, &b, &insts[x].feats)[k];
                    let py = predict(&w, &b, &insts[y].feats)[k];
                    px.total_cmp(&py)
                })
                .unwrap_or(units[unit].insts.start);
            if let Some(i) = insts.get_mut(best) {
                i.y[k] = 1;
            }
        }
    }
    // Probe lines have no `doc`: they weigh like lexicon examples (`--example-weight`).
    Ok(Data {
        insts,
        units,
        trains,
    })
}

/// The tables' first lines: each cell pair is caught/positives (recall) and false
/// alarms/negatives (rate).
const HEADER: &str = "| held out | rules alone: caught | false alarms | rules + model: caught | \
                      false alarms | model alone: caught | false alarms |\n\
                      |---|---|---|---|---|---|---|\n";

/// Figures of one threshold pair over the held-out scores.
#[derive(Clone, Copy, Default)]
struct Tally {
    pos: usize,
    caught: usize,
    neg: usize,
    alarms: usize,
}

impl Tally {
    fn add(&mut self, u: &Unit, model: bool, rules: bool) {
        let f = usize::from(u.flagged(model, rules));
        if u.gold {
            self.pos += 1;
            self.caught += f;
        } else {
            self.neg += 1;
            self.alarms += f;
        }
    }

    fn recall(&self) -> f64 {
        self.caught as f64 / self.pos.max(1) as f64
    }

    fn alarm_rate(&self) -> f64 {
        self.alarms as f64 / self.neg.max(1) as f64
    }

    fn cell(&self) -> String {
        format!(
            "{}/{} ({:.3}) | {}/{} ({:.3})",
            self.caught,
            self.pos,
            self.recall(),
            self.alarms,
            self.neg,
            self.alarm_rate()
        )
    }
}

/// Trains the heads, chooses their thresholds on held-out groups, appends them to `model`
/// and returns the report's section.
pub fn heads(
    a: &Args,
    engine: &Engine,
    corpus: &[Inst],
    docs: &[Doc],
    groups: &[String],
    model: &mut Model,
) -> Result<String, String> {
    let a = &Args {
        epochs: a.safety_epochs,
        ..a.clone()
    };
    let alarms_target: f64 = std::env::var("SAFETY_ALARMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ALARMS);
    let mut groups = groups.to_vec();
    let data = gather(a, engine, corpus, docs, &mut groups)?;
    let (insts, units) = (&data.insts, &data.units);
    let trains = &data.trains;
    let unit_of: Vec<usize> = {
        let mut v = vec![0; insts.len()];
        for (u, unit) in units.iter().enumerate() {
            for i in unit.insts.clone() {
                v[i] = u;
            }
        }
        v
    };
    eprintln!(
        "safety heads: {} sentences, {} probe lines, {} corpus documents",
        insts.len(),
        units.iter().filter(|u| u.probe).count(),
        units.iter().filter(|u| !u.probe).count()
    );
    // Leave one group out: held-out maxima per unit and head.
    let mut held = vec![[0f32; 2]; units.len()];
    for (g, name) in groups.iter().enumerate() {
        if name.starts_with('s') || !units.iter().any(|u| u.group == g) {
            continue;
        }
        let (w, b) = train(
            insts,
            &|i| trains[i] && units[unit_of[i]].group != g,
            a,
            a.seed ^ g as u64,
        );
        for (u, unit) in units.iter().enumerate().filter(|(_, u)| u.group == g) {
            for i in unit.insts.clone() {
                let p = predict(&w, &b, &insts[i].feats);
                for k in 0..2 {
                    held[u][k] = held[u][k].max(p[k]);
                }
            }
        }
    }
    let scored: Vec<bool> = units
        .iter()
        .map(|u| !groups[u.group].starts_with('s'))
        .collect();
    let tally = |t: [f32; 2], probe: bool| {
        let mut x = Tally::default();
        for (u, unit) in units.iter().enumerate() {
            if scored[u] && unit.probe == probe {
                x.add(unit, unit.model(held[u], t, false), true);
            }
        }
        x
    };
    // The model alone on the held-out probe lines: (caught, positives, alarms, negatives).
    // The rules were tuned on every probe file, so they catch nearly all of them and the
    // combined figures there say little about new wording; what the model catches alone is
    // the fairer guess at the share of the rules' misses it will catch on new writers.
    let model_alone = |t: [f32; 2]| {
        let mut x = [0usize; 4];
        for (u, unit) in units
            .iter()
            .enumerate()
            .filter(|(u, x)| scored[*u] && x.probe)
        {
            let m = unit.model(held[u], t, false);
            let i = if unit.gold { 0 } else { 2 };
            x[i] += usize::from(m);
            x[i + 1] += 1;
        }
        x
    };
    let alone_text = |x: [usize; 4]| {
        format!(
            "model alone on the probes: {}/{} caught, {}/{} false alarms",
            x[0], x[1], x[2], x[3]
        )
    };
    let off = [2.0f32; 2];
    let (rule_probe, rule_corpus) = (tally(off, true), tally(off, false));
    // The grid: 0.30 to 0.975, and off.
    let grid: Vec<f32> = (12..40).map(|k| k as f32 * 0.025).chain([2.0]).collect();
    let mut best = (0usize, 0usize, off);
    for &t0 in &grid {
        for &t1 in &grid {
            let t = [t0, t1];
            let (p, c) = (tally(t, true), tally(t, false));
            let added = |x: &Tally, rule: &Tally| {
                x.alarms.saturating_sub(rule.alarms) as f64 / x.neg.max(1) as f64
            };
            if added(&p, &rule_probe) > alarms_target || added(&c, &rule_corpus) > CORPUS_ALARMS {
                continue;
            }
            let caught = p.caught;
            let alarms = p.alarms + c.alarms;
            // The most probe lines caught with the rules; then the fewest alarms.
            if caught > best.0 || (caught == best.0 && alarms < best.1) {
                best = (caught, alarms, t);
            }
        }
    }
    let t = best.2;
    // What other budgets would give, for whoever weighs recall against false alarms next.
    let mut budgets = String::from(
        "| false-alarm budget | thresholds | model alone: caught | false alarms |\n|---|---|---|---|\n",
    );
    for budget in [0.01, 0.02, 0.03, 0.04, 0.05] {
        let mut b = (0usize, usize::MAX, off);
        for &t0 in &grid {
            for &t1 in &grid {
                let x = model_alone([t0, t1]);
                if x[2] as f64 > budget * x[3] as f64 {
                    continue;
                }
                if x[0] > b.0 || (x[0] == b.0 && x[2] < b.1) {
                    b = (x[0], x[2], [t0, t1]);
                }
            }
        }
        let x = model_alone(b.2);
        budgets.push_str(&format!(
            "| {:.0}% | {:.3} / {:.3} | {}/{} | {}/{} |\n",
            budget * 100.0,
            b.2[0],
            b.2[1],
            x[0],
            x[1],
            x[2],
            x[3]
        ));
    }
    let (comb_probe, comb_corpus) = (tally(t, true), tally(t, false));
    eprintln!(
        "safety heads: thresholds {:.3} / {:.3}; held out, probes rules {} -> {}, corpus {} -> {}",
        t[0],
        t[1],
        rule_probe.cell(),
        comb_probe.cell(),
        rule_corpus.cell(),
        comb_corpus.cell()
    );
    eprintln!("safety heads: {}", alone_text(model_alone(t)));
    if let Ok(path) = std::env::var("SAFETY_DUMP") {
        let mut out = String::new();
        for (u, unit) in units.iter().enumerate().filter(|(_, u)| u.probe) {
            out.push_str(
                &serde_json::json!({
                    "id": unit.id, "group": groups[unit.group], "kind": unit.kind,
                    "gold": unit.gold, "rule": unit.rule, "judged": unit.judged, "p": held[u], "text": unit.text,
                })
                .to_string(),
            );
            out.push('\n');
        }
        std::fs::write(&path, out).map_err(|e| format!("{path}: {e}"))?;
    }

    // The final heads, on everything, appended to the model.
    let (w, b) = train(insts, &|i| trains[i], a, a.seed);
    let (q, scales) = quantise(&w, 2);
    let n = model.labels.len();
    let mut weights = Vec::with_capacity(model.weights.len() / n.max(1) * (n + 2));
    for (row, extra) in model.weights.chunks_exact(n).zip(q.chunks_exact(2)) {
        weights.extend_from_slice(row);
        weights.extend_from_slice(extra);
    }
    model.weights = weights;
    for (k, id) in HEADS.iter().enumerate() {
        model.labels.push(LabelModel {
            id: (*id).to_string(),
            bias: b[k],
            scale: scales[k],
            threshold: t[k],
            mode: Mode::Union,
        });
    }

    // The report's section: per group and per kind, rules alone against rules and model.
    let mut r = String::new();
    r.push_str(SECTION);
    r.push_str(&format!(
        "Trained apart from the labels above, on the corpus's own `self-harm` / `threat` sentence \
         labels and the development probes ({} lines: {}, `{PROBE_TOML}`, `{NEW_LINES}/`, the \
         self-harm and threat lexicons' examples and the earlier rounds' lists in \
         `{TEST_ROUNDS}`), \
         never a blind file; {} sentences in all. The model only adds a finding where the rule \
         found none (`union`, always). Thresholds, chosen on held-out groups (leave one corpus \
         writer or one probe file out) for the most held-out probe lines caught (rules and \
         model) with at most {:.0}% more false alarms than the rules' on the probes' hard \
         negatives and at most {:.1}% more on the corpus's ordinary documents: `self-harm` {:.3}, `threat` {:.3} (2.000 is off). \n\n",
        units.iter().filter(|u| u.probe).count(),
        PROBE_FILES
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", "),
        insts.len(),
        alarms_target * 100.0,
        CORPUS_ALARMS * 100.0,
        t[0],
        t[1]
    ));
    r.push_str(
        "Held out, counted as `shared/LABELS.md` does (a positive is caught when its `journal` \
         and its `apology` reports both flag a crisis or a threat; a negative is a false alarm \
         when either does). The probe files were tuned on by the rule rounds, so the rules \
         alone are near perfect on them; the new writers' files and the corpus are the fairer \
         test. Caught/positives (recall) | false alarms/negatives (rate).\n\n",
    );
    if !a.safety_score_only.is_empty() {
        r.push_str(&format!(
            "Scored held out but never trained on (`--safety-score-only`): {}.\n\n",
            a.safety_score_only.join(", ")
        ));
    }
    r.push_str(&format!("The {}.\n\n", alone_text(model_alone(t))));
    r.push_str(&format!(
        "The model alone at other false-alarm budgets (held out, probe lines; \
         `SAFETY_ALARMS=0.02 scripts/train-coach --safety-only` trains with another):\n\n\
         {budgets}\n"
    ));
    r.push_str(HEADER);
    let mut by_group: BTreeMap<&str, [Tally; 3]> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, [Tally; 3]> = BTreeMap::new();
    let mut by_kind_newest: BTreeMap<&str, [Tally; 3]> = BTreeMap::new();
    for (u, unit) in units.iter().enumerate().filter(|(u, _)| scored[*u]) {
        let model = unit.model(held[u], t, false);
        let name = if unit.probe {
            groups[unit.group].as_str()
        } else {
            "corpus (all writers)"
        };
        let add = |e: &mut [Tally; 3]| {
            e[0].add(unit, false, true);
            e[1].add(unit, model, true);
            e[2].add(unit, model, false);
        };
        add(by_group.entry(name).or_default());
        if !unit.probe {
            // The writers before round 8 apart from those added since (`MOVED_WRITERS`).
            let moved = super::MOVED_WRITERS.contains(&groups[unit.group].as_str());
            add(by_group
                .entry(if moved {
                    "corpus (writers added in rounds 8 to 10)"
                } else {
                    "corpus (writers before round 8)"
                })
                .or_default());
        }
        if unit.probe {
            add(by_kind.entry(unit.kind.as_str()).or_default());
        }
        if NEWEST.contains(&name) {
            add(by_kind_newest.entry(unit.kind.as_str()).or_default());
        }
    }
    let row = |name: &str, [x, y, z]: &[Tally; 3]| {
        format!("| {name} | {} | {} | {} |\n", x.cell(), y.cell(), z.cell())
    };
    for (name, e) in &by_group {
        r.push_str(&row(name, e));
    }
    // What a veto where the rule's lexicon hit without a finding would do (tried, not kept).
    let (mut free, mut vetoed) = (Tally::default(), Tally::default());
    for (u, unit) in units
        .iter()
        .enumerate()
        .filter(|(u, x)| scored[*u] && x.probe)
    {
        free.add(unit, unit.model(held[u], t, false), true);
        vetoed.add(unit, unit.model(held[u], t, true), true);
    }
    r.push_str(&format!(
        "\nA veto on the model in lines where the rule's own lexicon hits without a finding (a \
         lone cue) was tried and left out: held out, rules and model catch {} of {} probe lines \
         with {} false alarms of {} without it, {} with {} with it (the rules alone: {}, {}).\n",
        free.caught,
        free.pos,
        free.alarms,
        free.neg,
        vetoed.caught,
        vetoed.alarms,
        rule_probe.caught,
        rule_probe.alarms
    ));
    r.push_str("\nPer kind of probe line, held out:\n\n");
    r.push_str(&HEADER.replacen("held out", "kind (expect)", 1));
    for (kind, e) in &by_kind {
        r.push_str(&row(kind, e));
    }
    r.push_str(&format!(
        "\nPer kind on the newest writers alone ({}), each held out (the rules were tuned on \
         them in the same round, so the rules' own figures here are not blind):\n\n",
        NEWEST.join(", ")
    ));
    r.push_str(&HEADER.replacen("held out", "kind (expect)", 1));
    for (kind, e) in &by_kind_newest {
        r.push_str(&row(kind, e));
    }
    Ok(r)
}

/// `--labels-only`: the labels just trained, with the safety heads of the model file at `--out`
/// kept byte for byte (their columns, biases, scales and thresholds) and the report's safety
/// section as it was. Round 7 added crisis lines that, trained on, lowered two crisis floors
/// with no held-out gain; this retrains the labels on new corpus writers without moving the
/// heads.
pub fn keep(a: &Args, model: &mut Model) -> Result<String, String> {
    let bytes = std::fs::read(&a.out).map_err(|e| format!("{}: {e}", a.out))?;
    let old = Model::decode(&bytes).map_err(|e| e.to_string())?;
    if old.bits != model.bits {
        return Err(format!(
            "{} has 2^{} hash buckets, the labels 2^{}: its heads cannot be kept",
            a.out, old.bits, model.bits
        ));
    }
    let cols = HEADS
        .iter()
        .map(|h| {
            old.labels
                .iter()
                .position(|l| l.id == *h)
                .ok_or(format!("{} has no {h} head to keep", a.out))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    let (n, on) = (model.labels.len(), old.labels.len());
    let mut weights = Vec::with_capacity(model.weights.len() / n.max(1) * (n + cols.len()));
    for (row, old_row) in model
        .weights
        .chunks_exact(n)
        .zip(old.weights.chunks_exact(on))
    {
        weights.extend_from_slice(row);
        weights.extend(cols.iter().map(|&c| old_row[c]));
    }
    model.weights = weights;
    model
        .labels
        .extend(cols.iter().map(|&c| old.labels[c].clone()));
    let report = super::read_report(&a.report).0;
    Ok(report
        .find(SECTION)
        .map_or_else(String::new, |i| report[i..].to_string()))
}

/// `--safety-only`: the model file at `--out` with its safety heads trained again and its other
/// labels as they were; the report's safety section replaced.
pub fn only(
    a: &Args,
    engine: &Engine,
    corpus: &[Inst],
    docs: &[Doc],
    groups: &[String],
) -> Result<(), String> {
    let bytes = std::fs::read(&a.out).map_err(|e| format!("{}: {e}", a.out))?;
    let mut model = Model::decode(&bytes).map_err(|e| e.to_string())?;
    // Any heads already there go first (the columns after the others).
    let keep: Vec<bool> = model
        .labels
        .iter()
        .map(|l| !HEADS.contains(&l.id.as_str()))
        .collect();
    let n = model.labels.len().max(1);
    model.weights = model
        .weights
        .chunks_exact(n)
        .flat_map(|row| row.iter().zip(&keep).filter(|(_, k)| **k).map(|(w, _)| *w))
        .collect();
    model.labels.retain(|l| !HEADS.contains(&l.id.as_str()));
    let section = heads(a, engine, corpus, docs, groups, &mut model)?;
    std::fs::write(&a.out, model.encode()).map_err(|e| format!("{}: {e}", a.out))?;
    let (old, notes) = super::read_report(&a.report);
    let head = old.find(SECTION).map_or(old.as_str(), |i| &old[..i]);
    let report = format!(
        "{}{section}{notes}",
        head.trim_end_matches('\n').to_owned() + "\n"
    );
    std::fs::write(&a.report, report).map_err(|e| format!("{}: {e}", a.report))?;
    eprintln!("wrote {} and {} (safety heads only)", a.out, a.report);
    Ok(())
}

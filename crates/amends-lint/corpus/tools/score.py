#!/usr/bin/env python3
"""Scores the coach's reports against gold labels the way LABELS.md measures it.

usage: score.py GOLD.jsonl... --reports REPORTS.jsonl [--boot N] [--markdown] [--seed S]

GOLD files are corpus documents (sentences with labels); REPORTS is what
`cargo run --release -p amends-lint --example corpus_reports -- FILES` printed (one line per
document: id and report). A document has a measured label when any of its sentences carries one
of the sentence labels LABELS.md maps to it; the coach "finds" it when its report has any of
the listed components present or rule findings (or `crisis` for threat_or_self_harm).
`respectful_close` is scored on apology documents only (gold remorse present).

Prints F1 per label with a 95% bootstrap interval over documents (resampled N times, default
1000, fixed seed), the macro-F1 with its interval, and macro-F1 per register.
"""
import json, random, sys

MEASURED = {
    "specific_action": (["specific_action"], ["specific_action"], []),
    "impact_on_them": (["impact"], ["impact"], []),
    "remorse": (["remorse"], ["remorse"], []),
    "responsibility": (["responsibility"], ["responsibility"], []),
    "repair_or_change": (["repair", "commitment", "over-promise"], ["repair", "commitment"], ["over-promise"]),
    "respectful_close": (["respectful_close"], ["respectful_close"], []),
    "excuse": (["excuse", "blame-circumstances"], [], ["excuse", "blame-circumstances"]),
    "blame_shift": (["blame-shift", "invalidation"], [], ["blame-shift", "invalidation"]),
    "conditional_or_nonapology": (["non-apology"], [], ["non-apology"]),
    "vague": (["vague-apology"], [], ["vague-apology"]),
    "pressure_or_ultimatum": (["pressure", "threat", "manipulation", "closure-demand", "rushing"], [],
                              ["pressure", "threat", "manipulation", "closure-demand", "rushing"]),
    "threat_or_self_harm": (["threat", "self-harm"], [], ["threat", "self-harm"]),
    "pleading": (["pleading"], [], ["pleading"]),
}
LABELS = list(MEASURED)


def gold_labels(doc):
    found = set()
    for s in doc["sentences"]:
        found |= set(s["labels"])
    return {m for m, (parts, _, _) in MEASURED.items() if found & set(parts)}


def found_labels(report):
    comps = {c["id"] for c in report.get("components", []) if c.get("present")}
    rules = {f["rule"] for f in report.get("findings", [])}
    out = set()
    for m, (_, cs, rs) in MEASURED.items():
        if comps & set(cs) or rules & set(rs):
            out.add(m)
    if report.get("crisis"):
        out.add("threat_or_self_harm")
    return out


def f1(rows, label):
    tp = fp = fn = 0
    for g, p in rows:
        if label == "respectful_close" and "remorse" not in g:
            continue
        a, b = label in g, label in p
        tp += a and b
        fp += b and not a
        fn += a and not b
    if tp == 0:
        return 0.0 if (fp or fn) else 1.0
    return 2 * tp / (2 * tp + fp + fn)


def macro(rows):
    return sum(f1(rows, l) for l in LABELS) / len(LABELS)


def interval(rows, stat, n, rng):
    vals = []
    for _ in range(n):
        sample = [rows[rng.randrange(len(rows))] for _ in rows]
        vals.append(stat(sample))
    vals.sort()
    return vals[int(0.025 * n)], vals[int(0.975 * n) - 1]


def main():
    argv = sys.argv[1:]
    opt = lambda name, default: argv[argv.index(name) + 1] if name in argv else default
    reports_path = opt("--reports", None)
    n = int(opt("--boot", "1000"))
    seed = int(opt("--seed", "7"))
    md = "--markdown" in argv
    skip = {argv.index(x) + 1 for x in ("--reports", "--boot", "--seed") if x in argv}
    gold_paths = [a for i, a in enumerate(argv) if not a.startswith("--") and i not in skip]
    if not gold_paths or not reports_path:
        print(__doc__.strip().splitlines()[2])
        return 2
    gold = {}
    for p in gold_paths:
        for l in open(p, encoding="utf-8"):
            if l.strip():
                d = json.loads(l)
                gold[d["id"]] = d
    reports = {}
    for l in open(reports_path, encoding="utf-8"):
        if l.strip():
            r = json.loads(l)
            reports[r["id"]] = r["report"]
    missing = [i for i in gold if i not in reports]
    if missing:
        print(f"no report for {len(missing)} documents, e.g. {missing[:3]}")
        return 1
    ids = sorted(gold)
    rows = [(gold_labels(gold[i]), found_labels(reports[i])) for i in ids]
    regs = {i: gold[i].get("register", "?") for i in ids}
    rng = random.Random(seed)
    lo, hi = interval(rows, macro, n, rng)
    if md:
        print("| label | F1 | 95% interval | gold yes | found yes |")
        print("|---|---|---|---|---|")
    for l in LABELS:
        a, b = interval(rows, lambda s: f1(s, l), n, rng)
        gy = sum(1 for g, _ in rows if l in g and (l != "respectful_close" or "remorse" in g))
        py = sum(1 for g, p in rows if l in p and (l != "respectful_close" or "remorse" in g))
        if md:
            print(f"| `{l}` | {f1(rows, l):.2f} | {a:.2f} to {b:.2f} | {gy} | {py} |")
        else:
            print(f"{l:27} F1 {f1(rows, l):.2f}  [{a:.2f}, {b:.2f}]  gold {gy:4} found {py:4}")
    if md:
        print(f"| **macro-F1** | **{macro(rows):.2f}** | {lo:.2f} to {hi:.2f} | | |")
    else:
        print(f"{'MACRO-F1':27} {macro(rows):.3f}  [{lo:.3f}, {hi:.3f}]  over {len(rows)} documents")
    by_reg = {}
    for i, row in zip(ids, rows):
        by_reg.setdefault(regs[i], []).append(row)
    for reg, rr in sorted(by_reg.items()):
        a, b = interval(rr, macro, n, rng)
        line = f"macro-F1 on {reg} ({len(rr)} documents): {macro(rr):.2f} [{a:.2f}, {b:.2f}]"
        print(f"| {reg} ({len(rr)} docs) | {macro(rr):.2f} | {a:.2f} to {b:.2f} | | |" if md else line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Cohen's kappa between two labellings of the same documents, per label.

usage: agreement.py A.jsonl B.jsonl [--markdown]

Both files hold the same documents (same ids, same sentence cuts). Prints kappa per sentence
label, and per measured label at document level (LABELS.md's 13, `respectful_close` on
apology documents only, which here means documents where either labelling found remorse).
"""
import json, sys

SENT_LABELS = ["specific_action", "impact", "remorse", "responsibility", "repair", "commitment",
               "respectful_close", "vague-apology", "excuse", "blame-circumstances", "blame-shift",
               "invalidation", "non-apology", "pressure", "manipulation", "closure-demand",
               "rushing", "threat", "self-harm", "pleading", "over-promise", "self-focus",
               "jealousy-bait", "surveillance", "hollow"]
MEASURED = {
    "specific_action": ["specific_action"],
    "impact_on_them": ["impact"],
    "remorse": ["remorse"],
    "responsibility": ["responsibility"],
    "repair_or_change": ["repair", "commitment", "over-promise"],
    "respectful_close": ["respectful_close"],
    "excuse": ["excuse", "blame-circumstances"],
    "blame_shift": ["blame-shift", "invalidation"],
    "conditional_or_nonapology": ["non-apology"],
    "vague": ["vague-apology"],
    "pressure_or_ultimatum": ["pressure", "threat", "manipulation", "closure-demand", "rushing"],
    "threat_or_self_harm": ["threat", "self-harm"],
    "pleading": ["pleading"],
}


def load(path):
    return {d["id"]: d for d in (json.loads(l) for l in open(path, encoding="utf-8") if l.strip())}


def doc_labels(d):
    found = set()
    for s in d["sentences"]:
        found |= set(s["labels"])
    return {m for m, parts in MEASURED.items() if found & set(parts)}


def kappa(pairs):
    n = len(pairs)
    if n == 0:
        return float("nan"), 0, 0
    agree = sum(1 for a, b in pairs if a == b) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    k = 1.0 if pe == 1 else (agree - pe) / (1 - pe)
    return k, sum(a for a, _ in pairs), sum(b for _, b in pairs)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    md = "--markdown" in sys.argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2])
        return 2
    a, b = load(args[0]), load(args[1])
    ids = sorted(set(a) & set(b))
    rows = []
    for lab in SENT_LABELS:
        pairs = []
        for i in ids:
            for sa, sb in zip(a[i]["sentences"], b[i]["sentences"]):
                pairs.append((int(lab in sa["labels"]), int(lab in sb["labels"])))
        rows.append(("sentence", lab) + kappa(pairs))
    for m in MEASURED:
        pairs = []
        for i in ids:
            la, lb = doc_labels(a[i]), doc_labels(b[i])
            if m == "respectful_close" and "remorse" not in (la | lb):
                continue
            pairs.append((int(m in la), int(m in lb)))
        rows.append(("document", m) + kappa(pairs))
    if md:
        print("| level | label | kappa | yes (first) | yes (second) |")
        print("|---|---|---|---|---|")
        for lvl, lab, k, na, nb in rows:
            print(f"| {lvl} | `{lab}` | {k:.2f} | {na} | {nb} |")
    else:
        for lvl, lab, k, na, nb in rows:
            print(f"{lvl:9} {lab:26} kappa {k:5.2f}   yes {na:4} / {nb:4}")
    print(f"{len(ids)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks corpus files against GUIDE.md's format.

usage: validate.py [--labels-only] FILE.jsonl...

--labels-only checks an annotator's file: id, text and labelled sentences, no writer metadata.

Each line must be one JSON document with the fields of GUIDE.md; every sentence an exact
substring of the text, in order, together covering all its words; every label known and its
evidence an exact substring of its sentence. Prints one line per problem and a summary; exits 1
on any problem.
"""
import json, re, sys

COMPONENTS = ["specific_action", "impact", "remorse", "responsibility", "repair", "commitment",
              "respectful_close"]
RULES = ["vague-apology", "excuse", "blame-circumstances", "blame-shift", "invalidation",
         "non-apology", "pressure", "manipulation", "closure-demand", "rushing", "threat",
         "self-harm", "pleading", "over-promise", "self-focus", "jealousy-bait", "surveillance",
         "hollow"]
LABELS = set(COMPONENTS + RULES)
REGISTERS = {"chat", "letter", "formal", "third_person", "guide", "not_apology"}
KINDS = {"apology", "first", "email", "ask", "gift", "other"}
RELS = {"partner", "spouse", "ex", "friend", "family", "colleague", "customers", "public", "other"}
REQUIRED = ["id", "writer", "register", "kind", "relationship", "persona", "text", "sentences"]


def check_doc(d, where, problems, labels_only=False):
    required = ["id", "text", "sentences"] if labels_only else REQUIRED
    for f in required:
        if f not in d:
            problems.append(f"{where}: missing field {f!r}")
            return
    if labels_only:
        pass
    elif d["register"] not in REGISTERS:
        problems.append(f"{where}: register {d['register']!r} not one of {sorted(REGISTERS)}")
    if labels_only:
        pass
    elif d["kind"] not in KINDS:
        problems.append(f"{where}: kind {d['kind']!r} not one of {sorted(KINDS)}")
    if labels_only:
        pass
    elif d["relationship"] not in RELS:
        problems.append(f"{where}: relationship {d['relationship']!r} not one of {sorted(RELS)}")
    text = d["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: empty text")
        return
    pos = 0
    covered = []
    for i, s in enumerate(d["sentences"]):
        if not isinstance(s, dict) or "s" not in s or "labels" not in s:
            problems.append(f"{where} sentence {i}: needs 's' and 'labels'")
            continue
        at = text.find(s["s"], pos)
        if not s["s"] or at < 0:
            problems.append(f"{where} sentence {i}: not found in the text after the previous one: {s['s'][:60]!r}")
            continue
        covered.append((pos, at))
        pos = at + len(s["s"])
        if not isinstance(s["labels"], dict):
            problems.append(f"{where} sentence {i}: labels must be an object label -> evidence")
            continue
        for lab, ev in s["labels"].items():
            if lab not in LABELS:
                problems.append(f"{where} sentence {i}: unknown label {lab!r}")
            elif not isinstance(ev, str) or ev not in s["s"]:
                problems.append(f"{where} sentence {i}: evidence for {lab} is not a substring of the sentence: {ev!r}")
    covered.append((pos, len(text)))
    for a, b in covered:
        if re.search(r"\w", text[a:b]):
            problems.append(f"{where}: words left out of every sentence: {text[a:b][:60]!r}")


def main():
    args = [a for a in sys.argv[1:] if a != "--labels-only"]
    labels_only = len(args) != len(sys.argv) - 1
    if not args:
        print(__doc__.strip().splitlines()[2])
        return 2
    problems, docs, sents, ids = [], 0, 0, set()
    for path in args:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{n}"
                try:
                    d = json.loads(line)
                except json.JSONDecodeError as e:
                    problems.append(f"{where}: not JSON ({e})")
                    continue
                check_doc(d, where, problems, labels_only)
                if d.get("id") in ids:
                    problems.append(f"{where}: duplicate id {d.get('id')!r}")
                ids.add(d.get("id"))
                docs += 1
                sents += len(d.get("sentences", []))
    for p in problems:
        print(p)
    print(f"{docs} documents, {sents} sentences, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

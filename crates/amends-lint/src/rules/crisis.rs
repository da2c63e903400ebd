//! L-28 (SAFE-3): self-harm language sets `crisis`, in every kind, the journal included.
//! L-11 (SAFE-4): threats to the person, to people and animals around them, to their things,
//! job or name, in every kind, the journal included.
//!
//! Both are rule-first: the phrase lists and cue classes decide, and the learned scorer's two
//! safety heads (issue 11) may only add a finding in a sentence the rule found nothing in.

use super::phrase::emit_all;
use super::{Cx, Rule, cues};
use crate::report::{Finding, Span};

/// L-28 (SAFE-3): words suggesting the writer may harm themselves or not want to live. Two
/// layers, both from `lexicons/rules/self-harm.toml`:
///
/// - phrases that say it outright or nearly ("I want to die", "everyone would be better off
///   without me"): every hit is a finding, as for a [`super::phrase::PhraseRule`];
/// - cue classes that only say it together (a way to die and lingering near it, pills and
///   saving them up, a day named and "I won't be around for it" with no ordinary reason):
///   each `[[combine]]` co-occurrence is a finding, spanning the words that show it.
///
/// Biased to recall: a missed crisis costs far more than a gentle pause shown by mistake, so
/// no filter clears the phrases, and a co-occurrence is only set aside by an everyday reason
/// named right next to it ("...I'm working abroad that week").
///
/// Self-harm used as leverage ("if you leave I'll...", "block me and I'll take every pill")
/// is also pressure (L-9): a `leverage` cue within a sentence of a self-harm finding adds a
/// `pressure` finding on the leverage words, in the kinds L-9 checks (it blocks sending).
pub struct SelfHarm;

impl Rule for SelfHarm {
    fn id(&self) -> &'static str {
        "self-harm"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let before = out.len();
        phrases_and_cues(cx, out);
        let found: Vec<Span> = out[before..].iter().map(|f| f.span).collect();
        leverage(cx, &found, out);
    }
}

/// L-11 (SAFE-4): threats, ultimatums and blackmail. Phrases ("you'll regret it", "I know
/// where you live") and cue classes that only threaten together (a first-person intent, an
/// act of violence or damage, and someone or something of theirs: "imma kill him", "your car
/// I will destroy it"), from `lexicons/rules/threat.toml`. Runs on the journal too, so the app
/// can offer the help that fits someone worried about their own anger (never sent, but it
/// blocks like everywhere else).
pub struct Threat;

impl Rule for Threat {
    fn id(&self) -> &'static str {
        "threat"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        phrases_and_cues(cx, out);
    }
}

/// Every phrase hit, then one finding per cue co-occurrence that no phrase finding covers,
/// then the learned scorer's sentences the rule found nothing in (see [`learned`]); then the
/// findings of sentences told as history are set aside (see [`set_aside`]).
fn phrases_and_cues(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let before = out.len();
    found_anywhere(cx, out);
    learned(cx, out, before);
    self_named(cx, out, before);
    set_aside(cx, out, before);
    someone_elses(cx, out, before);
    natural_deaths(cx, out, before);
    topics(cx, out, before);
    media_frames(cx, out, before);
    lawful_boundaries(cx, out, before);
}

/// Issue 11: the learned second opinion. The model's safety head flags sentences the word
/// lists miss (indirect wording, new slang, misspellings); each one with no finding of this
/// rule yet gets the same finding the rule would give (its METHOD message, its severity, so
/// `crisis` and the block follow as for a rule hit), on the words that weighed most. It only
/// adds: a rule finding is never looked at, let alone dropped, so the rule's findings with the
/// model are a superset of the rule's alone (a property test checks it). Added before
/// [`set_aside`], so a sentence told as history is set aside whoever flagged it.
fn learned(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    if cx.learned.is_empty() {
        return;
    }
    let sentence_of = |at: usize| sentence_at(cx.doc, at);
    let ruled: Vec<usize> = out[from..]
        .iter()
        .map(|f| sentence_of(f.span.start))
        .collect();
    for &span in cx.learned {
        if !ruled.contains(&sentence_of(span.start)) {
            cx.emit(out, span, None);
        }
    }
}

/// Every phrase hit, then one finding per cue co-occurrence that no phrase finding covers.
fn found_anywhere(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let before = out.len();
    emit_all(cx, out, |_| true);
    // The phrase findings, in text order; `emit_all` already skipped overlapping hits.
    let mut shown: Vec<_> = out[before..].iter().map(|f| f.span).collect();
    shown.sort_by_key(|s| (s.start, s.end));
    for span in cues::co_occurrences(cx) {
        // Words a phrase already flagged need no second finding.
        if let Some(at) = cues::free_slot(&shown, span) {
            shown.insert(at, span);
            cx.emit(out, span, None);
        }
    }
}

/// Cue class of words that tell a crisis or a threat as over: a time long past ("years ago",
/// "when I was nineteen", "back in school"), recovery ("clean for six years", "therapy helped",
/// "I'm glad I survived"), a threat owned as a past wrong ("there was a time I'd have...").
const TOLD_AS_PAST: &str = "told-as-past";
/// Cue class of words that make it current all the same ("again", "tonight", "right now",
/// "these days", "still want", "yesterday"): they keep the sentence's findings.
const STILL_NOW: &str = "still-now";
/// Cue class of recovery told in the writer's own words, anywhere in the message: "I'm in a
/// good place now", "it's been three years since", "that version of me", "since treatment".
const TOLD_AS_OVER: &str = "told-as-over";
/// Cue class of a sentence told in the past tense ("I wanted", "I tried", "I used to"): the
/// sentences a [`TOLD_AS_OVER`] message may set aside.
const PAST_TENSE: &str = "past-tense";
/// Cue class of wording in which a [`STILL_NOW`] word is not current (round 8): a habit told
/// in the past ("I prayed every night"), gladness every day, a visit planned ("I'll be up for
/// Christmas"), "I just wanted you to know". A `still-now` hit inside one does not count.
const NOT_NOW: &str = "not-now";
/// Cue class of a marker that the crisis is current whatever else the message says ("I'm
/// somewhere worse", "it's back", "I'm ready", "if you leave"): a [`STILL_NOW`] word that no
/// [`NOT_NOW`] hit masks, and that keeps a sentence told as past anywhere in the message too
/// (round 8: the two round-8 branches together set aside "I used to think about ending my life
/// every night. I'm not there any more, I'm somewhere worse.").
const NOW_STRONG: &str = "now-strong";
/// Cue class of recovery in plain words ("I'm well now", "I got help", "I'm in therapy now",
/// "I've been steady for"): said the morning after an attempt too, so it counts only beside a
/// time told as past ([`TOLD_AS_PAST`] or [`PAST_FRAME`]) in the same message (round 9, part 2).
const BETTER_NOW: &str = "better-now";
/// Cue class of a time told as over that [`BETTER_NOW`] needs beside it: "last winter", "that
/// year", "I once", "back in first year" (round 9, part 2).
const PAST_FRAME: &str = "past-frame";

/// Round-4 false alarms (issue 11) were mostly crises told as history: "When I was nineteen I
/// tried to end my life. Today I'm grateful I'm still here." A phrase cannot see the rest of
/// its sentence, so the findings from `from` on are dropped:
///
/// - in a sentence with a [`TOLD_AS_PAST`] hit and no [`STILL_NOW`] hit outside it (round 4);
/// - (round 7) in a sentence told in the past ([`PAST_TENSE`] or [`TOLD_AS_PAST`]) of a message
///   that says, in the writer's own words, that it is over ([`TOLD_AS_OVER`]; a time long past
///   alone is not enough, an attempt an hour ago is told in the past too): "When you left I wanted to die. That was two years ago, I'm in a good
///   place now." This one looks wider, so its guard is wider too: no [`STILL_NOW`] hit anywhere
///   in the message, and a sentence in the present keeps its findings ("I'm in a good place now
///   but everyone would be better off without me" is not told in the past).
///
/// Round 8 widened both marker classes (time clean or sober, a year named, an age or a year of
/// study reached, leverage owned as a past wrong in an apology) and added [`NOT_NOW`]: wording
/// in which a `still-now` word is not current ("I'll be up for Christmas"). The guards are
/// unchanged: recent times, relapse words and a present crisis keep every finding.
///
/// Round 9, part 2: recovery in plain words ([`BETTER_NOW`]: "I'm well now", "I got help")
/// tells it as over too, but only with a time told as past somewhere in the message
/// ([`TOLD_AS_PAST`], [`PAST_FRAME`]: "I was in hospital after an attempt last spring. I'm home
/// and I'm well now."), under the round-7 guard: no current word anywhere in the message, and
/// only sentences told in the past (or the frame's own sentence) are set aside. "I'm okay now"
/// after an attempt with no such time, or with a recent one ("last night", "all week"), keeps
/// the alarm.
///
/// Biased to recall like the rule (SAFE-3, L-28): the markers are narrow, and any present
/// marker keeps the finding ("I used to cope, but tonight I want to die").
fn set_aside(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let class = |name: &str| cue_class(cx, name);
    let (Some(past), Some(now)) = (class(TOLD_AS_PAST), class(STILL_NOW)) else {
        return;
    };
    // A lexicon without the round-7 classes (threats) keeps the round-4 rule alone.
    let (over, tense) = (class(TOLD_AS_OVER), class(PAST_TENSE));
    let class_of = |h: &crate::engine::Hit| class_of(cx, h);
    let of_class = |c: Option<u16>| -> Vec<&crate::engine::Hit> {
        c.map_or_else(Vec::new, |c| {
            cx.own_hits()
                .iter()
                .filter(|h| class_of(h) == Some(c))
                .collect()
        })
    };
    let past_hits = of_class(Some(past));
    let over_hits = of_class(over);
    let tense_hits = of_class(tense);
    let not_now_hits = of_class(class(NOT_NOW));
    let better_hits = of_class(class(BETTER_NOW));
    let frame_hits = of_class(class(PAST_FRAME));
    if (past_hits.is_empty() && over_hits.is_empty() && better_hits.is_empty()) || out.len() == from
    {
        return;
    }
    // A present marker inside a past, an over or a not-now one ("I'm in a better place now",
    // "I don't think that anymore", "I prayed every night") does not count.
    let inside = |h: &crate::engine::Hit| {
        past_hits
            .iter()
            .chain(&over_hits)
            .chain(&not_now_hits)
            .any(|p| p.first_token <= h.first_token && h.last_token <= p.last_token)
    };
    let strong = class(NOW_STRONG);
    let present: Vec<usize> = cx
        .own_hits()
        .iter()
        .filter(|h| {
            (class_of(h) == Some(now) && !inside(h)) || (strong.is_some() && class_of(h) == strong)
        })
        .map(|h| h.sentence)
        .collect();
    let strong_present = !of_class(strong).is_empty();
    let current = |sentence: usize| present.contains(&sentence);
    // Round 7: the message tells it as over, and nothing in it is current.
    // Round 9, part 2: plain recovery words beside a time told as past count as over too.
    let framed = !past_hits.is_empty() || !frame_hits.is_empty();
    let over_message =
        (!over_hits.is_empty() || (!better_hits.is_empty() && framed)) && present.is_empty();
    let told_over = |sentence: usize| {
        over_message
            && past_hits
                .iter()
                .chain(&tense_hits)
                .chain(&frame_hits)
                .any(|p| p.sentence == sentence)
    };
    let sentence_of = |at: usize| sentence_at(cx.doc, at);
    drop_from(out, from, |f| {
        let s = sentence_of(f.span.start);
        let told_as_past =
            past_hits.iter().any(|p| p.sentence == s) && !current(s) && !strong_present;
        told_as_past || told_over(s)
    });
}

/// Cue class of a third person as the one in danger: "my sister said she", "he keeps talking
/// about", "hurt herself", "their suicide attempt". Only in `self-harm.toml`: a threat told
/// about someone else ("he said he'll kill me") is a danger to the writer and is never set
/// aside (SAFE-4).
const SOMEONE_ELSE: &str = "someone-else";
/// Cue class of the writer's own share in it, anywhere in the message ("me too", "I feel the
/// same", "myself"): it keeps every finding.
const ME_TOO: &str = "me-too";
/// Whether a word makes the crisis words the writer's own when it sits between a
/// [`SOMEONE_ELSE`] hit and the end of a finding's clause ("she said I should just end it"):
/// the writer ("I", "we") and the reader, whom a writer tells of their own death in the third
/// person ("the kids will know their dad killed himself over you"). The learned scorer's own
/// reading of who a word is about ([`crate::model::person`]), so the two never disagree.
fn writer_or_reader(word: &str) -> bool {
    crate::model::person(word).is_some_and(|p| p != "they")
}

/// Round 7 (issue 11, L-28, SAFE-3): the largest family of false alarms left on the
/// development writers was someone else's crisis told by a worried friend or relative: "My
/// brother keeps saying he wants to die and I don't know how to help him". L-28's crisis is
/// the writer's own ("threatens or discloses self-harm", `shared/LABELS.md`), so a finding
/// from `from` on is dropped only when all of these hold:
///
/// - a [`SOMEONE_ELSE`] hit in its sentence starts no later than the finding ends (a third
///   person tells it, "my mum keeps saying she", or is named in it, "hurt herself"), and the
///   finding starts in the clause the nearest one ends in, or inside it;
/// - no word of the writer or the reader ([`writer_or_reader`]) lies between the end of the
///   nearest such hit and the end of the finding's clause, the finding's own words included
///   ("she said I should just end it" is the writer's, "their dad killed himself over you" is
///   the writer's told to the reader);
/// - nothing in the message is the writer's share in it ([`ME_TOO`]: "me too", "myself");
/// - the message has no leverage cue (self-harm held over the other person is never set
///   aside, whoever it is told of).
///
/// The lexicons without the class (threats) keep every finding. When unsure, keep (SAFE-3).
fn someone_elses(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let Some(other) = new_findings_class(cx, out, from, SOMEONE_ELSE) else {
        return;
    };
    let class = |name: &str| cue_class(cx, name);
    let (me_too, leverage) = (class(ME_TOO), class("leverage"));
    let class_of = |h: &crate::engine::Hit| class_of(cx, h);
    let hits = cx.own_hits();
    let keep_all = hits.iter().any(|h| {
        let c = class_of(h);
        c.is_some() && (c == me_too || c == leverage)
    });
    if keep_all {
        return;
    }
    let strong = WEIGHTY.map(|name| cue_class(cx, name));
    let weighty = |h: &crate::engine::Hit| {
        let group = cx.lexicon.groups.get(usize::from(h.group));
        group.is_some_and(|g| g.cue.is_none() || strong.contains(&g.cue))
    };
    let doc = cx.doc;
    let tokens = doc.tokens();
    // The markers: the class's hits, then (round 9) each finding's clause opened by a third
    // person as its subject ("Lukas took...", "my cousin in Cebu tried..."), as token ranges.
    let mut markers: Vec<Marker> = hits
        .iter()
        .filter(|h| class_of(h) == Some(other))
        .map(|h| Marker {
            sentence: h.sentence,
            first_token: h.first_token,
            last_token: h.last_token,
            typed: false,
        })
        .collect();
    for f in &out[from..] {
        let first = tokens.partition_point(|t| t.span.end <= f.span.start);
        if let Some(m) = third_person_subject(doc, first) {
            markers.push(m);
        }
    }
    if markers.is_empty() {
        return;
    }
    let first_person = |i: usize| writer_or_reader(doc.token_text(i));
    // Round 10: a clause whose subject is the writer named by role ("Daddy is going to...",
    // "this old man has had enough") is the writer's own, whatever "himself" says.
    let own = self_roles(doc);
    let someone_elses = |f: &Finding| {
        let Some((first, last)) = span_tokens(tokens, f.span) else {
            return false;
        };
        if own
            .iter()
            .any(|r| tokens[r.first_token].clause == tokens[first].clause && r.first_token <= first)
        {
            return false;
        }
        // The nearest marker of the finding's sentence that starts before the finding ends.
        let Some(m) = markers
            .iter()
            .filter(|m| m.sentence == tokens[first].sentence && m.first_token <= last)
            .max_by_key(|m| m.last_token)
        else {
            return false;
        };
        // Told of them only as far as the clause reaches, as reported speech is: "she said
        // goodbye, and there's no point going on" is the writer's. A marker inside the
        // finding ("hurt herself") names them in the crisis words themselves.
        if m.last_token < first && tokens[m.last_token].clause != tokens[first].clause {
            return false;
        }
        // To the end of the finding's clause: "she keeps saying it gets easier, I can't see
        // how" is the writer's whatever words the finding covers.
        let clause = tokens[last].clause;
        let end = (last..tokens.len())
            .take_while(|&i| tokens[i].clause == clause)
            .last()
            .unwrap_or(last);
        if (first.min(m.last_token + 1)..=end)
            .filter(|&i| i < m.first_token || i > m.last_token)
            .any(first_person)
        {
            return false;
        }
        // A subject found by its form, not a phrase: the writer's share may follow in a later
        // clause of the sentence ("Our Jade took an overdose, and I've got the rest of her
        // pills here for me"). A phrase hit or a means, a plan or an act of the lexicon in a
        // later clause that holds a word of the writer's keeps the finding (SAFE-3); not a
        // wish or a find alone ("I want to send money", "I found blood on his towel").
        !(m.typed
            && hits.iter().any(|h| {
                h.sentence == m.sentence
                    && weighty(h)
                    && h.first_token > end
                    && (clause_start(tokens, h.first_token)..clause_end(tokens, h.last_token))
                        .any(first_person)
            }))
    };
    drop_from(out, from, someone_elses);
}

/// A span of tokens that names someone other than the writer in a sentence: a
/// [`SOMEONE_ELSE`] hit or a clause's third-person subject ([`third_person_subject`]).
struct Marker {
    sentence: usize,
    first_token: usize,
    last_token: usize,
    /// Found by [`third_person_subject`], not a lexicon hit: the writer's words later in the
    /// sentence are looked at too (below).
    typed: bool,
}

/// Cue classes of a means, a plan or an act: in a later clause with the writer's words, they
/// keep someone else's crisis the writer's too (see `someone_elses`).
const WEIGHTY: [&str; 13] = [
    "pills",
    "lethal",
    "hoard",
    "plan",
    "end-act",
    "own-death",
    "ending-it",
    "stowed",
    "plunge",
    "sharp",
    "sh",
    "wound",
    "countdown",
];

/// The sentence holding byte `at` of the text.
fn sentence_at(doc: &crate::doc::Document<'_>, at: usize) -> usize {
    doc.sentences().partition_point(|s| s.span.end <= at)
}

/// The first and last tokens of `span` (tokens are in text order: two binary searches), or
/// `None` when it holds none.
fn span_tokens(tokens: &[crate::doc::Token], span: Span) -> Option<(usize, usize)> {
    let first = tokens.partition_point(|t| t.span.end <= span.start);
    let last = tokens.partition_point(|t| t.span.start < span.end);
    last.checked_sub(1)
        .filter(|&l| l >= first)
        .map(|l| (first, l))
}

/// Whether token `i` starts with a capital letter (a name, in `third_person_subject`).
fn capitalised(doc: &crate::doc::Document<'_>, i: usize) -> bool {
    doc.text()[doc.tokens()[i].span.start..]
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// The first token of token `at`'s clause.
fn clause_start(tokens: &[crate::doc::Token], at: usize) -> usize {
    let clause = tokens[at].clause;
    let mut i = at;
    while i > 0 && tokens[i - 1].clause == clause {
        i -= 1;
    }
    i
}

/// One past the last token of token `at`'s clause.
fn clause_end(tokens: &[crate::doc::Token], at: usize) -> usize {
    let clause = tokens[at].clause;
    let mut i = at;
    while i < tokens.len() && tokens[i].clause == clause {
        i += 1;
    }
    i
}

/// Words that stand for a third person as the subject of a clause.
fn third_person_pronoun(w: &str) -> bool {
    matches!(
        w,
        "he" | "she"
            | "they"
            | "he's"
            | "she's"
            | "they're"
            | "hes"
            | "shes"
            | "theyre"
            | "they've"
    )
}

/// Kin and roles a worried writer names someone by ("my sister", "a patient", "our pastor").
/// Not "man" or "person", which a writer calls themselves ("the person you married").
fn kin_or_role(w: &str) -> bool {
    let w = w.strip_suffix("'s").unwrap_or(w);
    matches!(
        w,
        "mother"
            | "mum"
            | "mam"
            | "mom"
            | "mummy"
            | "mommy"
            | "father"
            | "dad"
            | "daddy"
            | "papa"
            | "son"
            | "daughter"
            | "stepson"
            | "stepdaughter"
            | "stepdad"
            | "stepmum"
            | "stepmom"
            | "brother"
            | "sister"
            | "husband"
            | "wife"
            | "partner"
            | "boyfriend"
            | "girlfriend"
            | "bf"
            | "gf"
            | "ex"
            | "fiance"
            | "fiancé"
            | "fiancee"
            | "fiancée"
            | "cousin"
            | "aunt"
            | "aunty"
            | "auntie"
            | "uncle"
            | "nephew"
            | "niece"
            | "grandson"
            | "granddaughter"
            | "grandma"
            | "grandad"
            | "grandpa"
            | "granny"
            | "nan"
            | "nana"
            | "gran"
            | "friend"
            | "bestie"
            | "mate"
            | "buddy"
            | "roommate"
            | "flatmate"
            | "housemate"
            | "classmate"
            | "teammate"
            | "colleague"
            | "coworker"
            | "neighbour"
            | "neighbor"
            | "patient"
            | "client"
            | "pupil"
            | "student"
            | "pastor"
            | "deacon"
            | "vicar"
            | "priest"
            | "imam"
            | "rabbi"
            | "coach"
            | "nurse"
            | "carer"
            | "lodger"
            | "tenant"
            | "driver"
            | "teacher"
            | "sibling"
            | "kid"
            | "child"
            | "tía"
            | "tia"
            | "tío"
            | "tio"
    )
}

/// Words between "my" and the kin word ("my best friend", "our youth pastor"): a short list,
/// so "the rope my dad kept" names no one.
fn kin_modifier(w: &str) -> bool {
    matches!(
        w,
        "best"
            | "little"
            | "big"
            | "older"
            | "younger"
            | "eldest"
            | "oldest"
            | "youngest"
            | "teenage"
            | "baby"
            | "twin"
            | "youth"
            | "close"
            | "old"
            | "former"
            | "step"
            | "own"
            | "ex"
            | "school"
            | "work"
            | "uni"
    )
}

/// Verbs of an act that a clause's third-person subject did ("Lukas took", "my cousin
/// tried"): the word right after the subject must be one, or a verb of telling, or "has",
/// "is" and their kind before a participle of the act ("has been cutting").
fn act_verb(w: &str) -> bool {
    matches!(
        w,
        "took"
            | "tried"
            | "drank"
            | "swallowed"
            | "overdosed"
            | "threatened"
            | "attempted"
            | "started"
            | "jumped"
            | "hanged"
            | "wants"
            | "wanted"
    )
}

/// Verbs of telling ("Dad keeps saying", "my sister says", "Arjun texted"): what follows is
/// theirs as far as the clause reaches (the guards of `someone_elses`).
fn telling_verb(w: &str) -> bool {
    matches!(
        w,
        "says"
            | "say"
            | "said"
            | "told"
            | "tells"
            | "texted"
            | "messaged"
            | "posted"
            | "wrote"
            | "mentioned"
            | "talks"
            | "talked"
            | "admitted"
            | "confessed"
    )
}

/// Auxiliaries before a participle of the act ("has been", "was threatening").
fn auxiliary(w: &str) -> bool {
    matches!(w, "has" | "had" | "is" | "was" | "keeps" | "kept")
}

/// Participles after an auxiliary or a subject's "'s" ("Kayla's been cutting"): not "better"
/// or an adjective, which a writer says of themselves in the third person ("he's better off
/// without his dad").
fn act_participle(w: &str) -> bool {
    matches!(
        w,
        "been"
            | "taken"
            | "tried"
            | "started"
            | "cutting"
            | "threatening"
            | "talking"
            | "saying"
            | "overdosed"
            | "suicidal"
            | "attempted"
            | "swallowed"
            | "hurting"
            | "harming"
            | "texting"
            | "posting"
            | "writing"
            | "telling"
    )
}

/// Words capitalised at a sentence's start that are not a name.
fn not_a_name(w: &str) -> bool {
    matches!(
        w,
        "everyone"
            | "everybody"
            | "nobody"
            | "noone"
            | "someone"
            | "somebody"
            | "anyone"
            | "anybody"
            | "people"
            | "nothing"
            | "everything"
            | "something"
            | "this"
            | "that"
            | "it"
            | "it's"
            | "there"
            | "here"
            | "what"
            | "who"
            | "god"
            | "life"
            | "no"
            | "one"
            | "just"
            | "still"
            | "never"
            | "again"
            | "then"
            | "now"
            | "today"
            | "yesterday"
            | "tonight"
            | "last"
            | "once"
            | "almost"
            | "already"
            | "even"
            | "also"
            | "only"
            | "maybe"
            | "ok"
            | "okay"
            | "so"
            | "well"
            | "oh"
            | "yeah"
            | "yes"
            | "lol"
            | "what's"
    )
}

/// Round 9 (issue 11, L-28, SAFE-3): the third person a clause opens with, as the tokens
/// that name them, when the clause holding token `at` starts with one: a pronoun ("she
/// took..."), kin or a role after "my", "our", "a", "the" or someone's name ("my cousin in
/// Cebu", "a patient on my ward", "Ravi's father", "our Jade"), a name before a verb ("Lukas
/// took", "Kayla's been"), or a bare kin word with a name or before a verb of telling ("Tía
/// Beatriz", "Dad keeps saying"). Never "your", "his", "her" or "their" before the kin word,
/// nor a bare "Daddy" doing something: a writer names themselves so to the reader ("their dad
/// won't be coming home"). `someone_elses` then applies its guards (no word of the writer or
/// the reader from the subject to the end of the clause, no `me-too`, no leverage).
fn third_person_subject(doc: &crate::doc::Document<'_>, at: usize) -> Option<Marker> {
    let tokens = doc.tokens();
    let (clause, sentence) = (tokens.get(at)?.clause, tokens[at].sentence);
    let mut start = clause_start(tokens, at);
    let word = |i: usize| doc.token_text(i);
    let capital = |i: usize| capitalised(doc, i);
    let name = |i: usize| {
        let w = word(i);
        let bare = w.strip_suffix("'s").unwrap_or(w);
        i < at
            && capital(i)
            && doc.person(i).is_none()
            && !not_a_name(bare)
            && !bare.ends_with("ly")
            && !kin_or_role(w)
    };
    // Skip a conjunction that opens the clause ("and Lukas took...").
    while start < at && matches!(word(start), "and" | "but" | "so" | "then" | "because") {
        start += 1;
    }
    if start >= at {
        return None;
    }
    let last = if third_person_pronoun(word(start)) {
        start
    } else {
        subject_phrase(doc, start, at, &name)?
    };
    // The act or the telling must follow the subject at once ("took", "says", "has been",
    // "Kayla's been"), so "my uncle keeps a gun" or "Pa's old rifle" names no one's act.
    // The verb may be the finding's own first word ("has been cutting"), never past the
    // clause.
    let next = |k: usize| {
        (k < tokens.len() && tokens[k].clause == clause && tokens[k].sentence == sentence)
            .then(|| word(k))
    };
    let told = match next(last + 1) {
        Some(w) if act_verb(w) || telling_verb(w) => true,
        Some(w) if auxiliary(w) => next(last + 2).is_some_and(act_participle),
        _ => false,
    };
    let contracted = word(last).ends_with("'s") && next(last + 1).is_some_and(act_participle);
    (told || contracted).then_some(Marker {
        sentence,
        first_token: start,
        last_token: last,
        typed: true,
    })
}

/// The last token of a subject naming someone by kin, role or name from `start` (see
/// [`third_person_subject`]), before token `at`.
fn subject_phrase(
    doc: &crate::doc::Document<'_>,
    start: usize,
    at: usize,
    name: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let word = |i: usize| doc.token_text(i);
    let capital = |i: usize| capitalised(doc, i);
    let mut j = start;
    loop {
        let w = word(j);
        let head = if matches!(w, "my" | "our" | "a" | "an" | "the") {
            // A word or two before the kin word ("our youth pastor"), or a name ("our Jade").
            let mut k = j + 1;
            while k < at && k < j + 3 && kin_modifier(word(k)) {
                k += 1;
            }
            if k < at && kin_or_role(word(k)) {
                k
            } else if j + 1 < at && name(j + 1) {
                j + 1
            } else {
                return None;
            }
        } else if kin_or_role(w) && (j > start || capital(j)) {
            // After someone's name ("Ravi's father"), or bare and capitalised ("Tía
            // Beatriz", "Dad keeps saying"): a bare one only with a name or telling, as a
            // parent names themselves so to a child ("Daddy won't come back").
            if j == start {
                let n = j + 1;
                let ok = n < at && (name(n) || telling_verb(word(n)) || word(n) == "keeps");
                if !ok {
                    return None;
                }
            }
            j
        } else if name(j) {
            j
        } else {
            return None;
        };
        let mut h = head;
        // Names after the kin word ("my friend Ayu", "Tía Beatriz").
        while h + 1 < at && name(h + 1) {
            h += 1;
        }
        // Someone's kin ("Sister Esther's daughter", "Ravi's father"): read on.
        if word(h).ends_with("'s") && h + 1 < at && kin_or_role(word(h + 1)) {
            j = h + 1;
            continue;
        }
        // Where they are ("in Cebu", "on my ward", "off the boats").
        if h + 2 < at && matches!(word(h + 1), "in" | "on" | "at" | "from" | "off") {
            let mut k = h + 2;
            if matches!(word(k), "my" | "our" | "the" | "a") && k + 1 < at {
                k += 1;
            }
            return Some(k);
        }
        return Some(h);
    }
}

/// Cue class of a crisis told of a third person in the present or future ("has had enough",
/// "is going to end it", "won't see the morning"), in `self-harm.toml` only: the writer's own
/// when its subject is the writer named by role (see [`self_named`]).
const ROLE_CRISIS: &str = "role-crisis";

/// A word for a parent or a grandparent, by family: a writer signed "Dad" is also the "Daddy"
/// and the "your father" of their message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Father,
    Mother,
    Grandfather,
    Grandmother,
}

/// The family of a role word a writer names themselves by, if it is one.
fn role_of(w: &str) -> Option<Role> {
    let w = w.strip_suffix("'s").unwrap_or(w);
    Some(match w {
        "dad" | "daddy" | "da" | "father" | "papa" | "pa" | "pops" => Role::Father,
        "mum" | "mummy" | "mom" | "mommy" | "mam" | "mammy" | "mama" | "mother" | "ma" => {
            Role::Mother
        }
        "grandad" | "granddad" | "grandpa" | "granda" | "gramps" | "grandfather" => {
            Role::Grandfather
        }
        "grandma" | "gran" | "granny" | "nan" | "nana" | "nanna" | "nanny" | "grandmother" => {
            Role::Grandmother
        }
        _ => return None,
    })
}

/// Children's words for a parent: a bare "Daddy" doing something is a parent to a child.
fn childish(w: &str) -> bool {
    matches!(
        w.strip_suffix("'s").unwrap_or(w),
        "daddy" | "mummy" | "mommy" | "mammy"
    )
}

/// Words a parent calls their children by in a vocative ("Kids, ...", "Sorry son.").
fn child_vocative(w: &str) -> bool {
    matches!(
        w,
        "kids"
            | "son"
            | "sons"
            | "daughter"
            | "girls"
            | "boys"
            | "children"
            | "kiddo"
            | "kiddos"
            | "sweetheart"
            | "babies"
    )
}

/// Sign-off words before a signature ("Love, Dad", "All my love, your mum x").
fn sign_off(w: &str) -> bool {
    matches!(
        w,
        "love" | "from" | "your" | "ur" | "all" | "my" | "lots" | "of" | "yours" | "always"
    ) || w.chars().all(|c| c == 'x')
}

/// The role the message is signed with: the last sentence is a role word with at most sign-off
/// words around it ("Love, Dad", "Mum x", "your old man").
fn signature(doc: &crate::doc::Document<'_>) -> Option<Role> {
    let last = doc.sentences().last()?;
    let words: Vec<&str> = (last.first_token..last.end_token)
        .map(|i| doc.token_text(i))
        .collect();
    if words.is_empty() || words.len() > 5 {
        return None;
    }
    let mut role = None;
    for (k, w) in words.iter().enumerate() {
        if let Some(r) = role_of(w) {
            role = Some(r);
        } else if *w == "man" && k > 0 && words[k - 1] == "old" {
            role = Some(Role::Father);
        } else if !(sign_off(w) || *w == "old") {
            return None;
        }
    }
    role
}

/// Whether the message speaks to the writer's children: a [`child_vocative`] word opening a
/// sentence before a comma or colon ("Kids, ...", "To my kids:") or closing one ("Sorry
/// son.").
fn to_children(doc: &crate::doc::Document<'_>) -> bool {
    let text = doc.text();
    let tokens = doc.tokens();
    doc.sentences().iter().any(|s| {
        (s.first_token..s.end_token).any(|i| {
            if !child_vocative(doc.token_text(i)) {
                return false;
            }
            let after = text[tokens[i].span.end..].chars().next();
            let opens = (s.first_token..i)
                .all(|k| matches!(doc.token_text(k), "to" | "my" | "dear" | "hey" | "sorry"))
                && matches!(after, Some(',' | ':' | '!'));
            let closes = i + 1 == s.end_token && i > s.first_token;
            opens || closes
        })
    })
}

/// A clause's subject that names the writer by a role, as tokens.
struct SelfRole {
    first_token: usize,
    last_token: usize,
}

/// Round 10 (issue 11, L-28, SAFE-3): the clauses whose subject is the writer named by a role,
/// as a parent or a grandparent writes to a child or of themselves: "this old man" (always the
/// writer); a role word bare or after "your" ("Daddy", "your dad", "your old man") when the
/// message is signed with the same role ("Love, Dad") or, for a parent, is written to the
/// writer's children ("Kids, ...", "Sorry son."); a bare childish "Daddy"/"Mummy" on its own.
/// Never after "my", "our", "his", "her", "their" or a name, and never before a verb of telling
/// ("Dad said he..." is someone else's), nor in a message that names "my dad"-like kin of the
/// same role (the writer's own parent: then "Daddy" is theirs).
fn self_roles(doc: &crate::doc::Document<'_>) -> Vec<SelfRole> {
    let tokens = doc.tokens();
    let n = tokens.len();
    if n == 0 {
        return Vec::new();
    }
    let word = |i: usize| doc.token_text(i);
    let signed = signature(doc);
    let children = to_children(doc);
    // "my dad", "our mum": the writer's own parent is in the message.
    let own_kin = |r: Role| {
        (1..n).any(|i| matches!(word(i - 1), "my" | "our") && role_of(word(i)) == Some(r))
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < n {
        // Only where a clause opens (a test of one token, not a walk back to its start).
        if i > 0 && tokens[i - 1].clause == tokens[i].clause {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = start;
        while j < n
            && tokens[j].clause == tokens[start].clause
            && matches!(word(j), "and" | "but" | "so" | "because" | "now")
        {
            j += 1;
        }
        i += 1;
        if j >= n || tokens[j].clause != tokens[start].clause {
            continue;
        }
        let at = |k: usize| (k < n && tokens[k].clause == tokens[j].clause).then(|| word(k));
        // "this old man": always the writer.
        if word(j) == "this"
            && at(j + 1) == Some("old")
            && at(j + 2).is_some_and(|w| {
                matches!(
                    w,
                    "man" | "woman" | "lady" | "girl" | "fella" | "fool" | "bloke" | "git"
                )
            })
        {
            found.push(SelfRole {
                first_token: j,
                last_token: j + 2,
            });
            continue;
        }
        // "your dad", "your old man", or a bare "Daddy".
        let (role, last, yours) = if matches!(word(j), "your" | "ur") {
            let k = if at(j + 1) == Some("old") {
                j + 2
            } else {
                j + 1
            };
            match at(k) {
                Some("man") if k == j + 2 => (Role::Father, k, true),
                Some(w) => match role_of(w) {
                    Some(r) => (r, k, true),
                    None => continue,
                },
                None => continue,
            }
        } else {
            match role_of(word(j)) {
                Some(r) => (r, j, false),
                None => continue,
            }
        };
        if at(last + 1).is_some_and(|w| telling_verb(w) || matches!(w, "keeps" | "kept")) {
            continue;
        }
        // A past act is told of someone ("your dad tried to...", "has been cutting"): not a
        // goodbye of the writer's.
        let past_act = at(last + 1).is_some_and(|w| {
            matches!(
                w,
                "tried"
                    | "took"
                    | "attempted"
                    | "overdosed"
                    | "swallowed"
                    | "jumped"
                    | "hanged"
                    | "drank"
                    | "cut"
                    | "did"
                    | "was"
                    | "were"
            ) || (matches!(w, "has" | "had") && at(last + 2).is_some_and(act_participle))
        });
        if past_act {
            continue;
        }
        if own_kin(role) {
            continue;
        }
        let parent = matches!(role, Role::Father | Role::Mother);
        let mine = signed == Some(role)
            || (parent && children)
            || (!yours && childish(word(j)) && word(j) == word(last));
        if mine {
            found.push(SelfRole {
                first_token: j,
                last_token: last,
            });
        }
    }
    found
}

/// Words allowed between the writer's role and a [`ROLE_CRISIS`] or `their-crisis` hit: the
/// present and the future ("is going to", "really", "tonight"), never "tried" or "took".
fn role_gap(w: &str) -> bool {
    matches!(
        w,
        "is" | "going"
            | "gonna"
            | "to"
            | "about"
            | "so"
            | "really"
            | "just"
            | "will"
            | "now"
            | "tonight"
            | "finally"
            | "truly"
            | "honestly"
            | "simply"
            | "only"
            | "has"
            | "ready"
            | "decided"
            | "wants"
            | "means"
            | "plans"
            | "planning"
            | "can't"
            | "cannot"
            | "won't"
    )
}

/// Whether sentence `s` has a third person telling something ("she told me", "he says"): then
/// a role word in it is theirs to tell, not the writer's.
fn told_by_them(doc: &crate::doc::Document<'_>, s: usize) -> bool {
    let Some(sentence) = doc.sentences().get(s) else {
        return false;
    };
    (sentence.first_token..sentence.end_token.saturating_sub(1))
        .any(|i| third_person_pronoun(doc.token_text(i)) && telling_verb(doc.token_text(i + 1)))
}

/// Round 10 (issue 11, L-28, SAFE-3): a parent's or grandparent's own crisis told in the third
/// person ("Daddy is going to kill himself tonight", "this old man has had enough", "your dad
/// won't see the morning" in a letter to the kids signed "Dad") was caught by nothing: every
/// phrase of the lexicon says "I" or "myself", and the third-person ones are someone else's
/// (`their-crisis`). A [`ROLE_CRISIS`] or `their-crisis` hit in the clause of a subject
/// [`self_roles`] finds, within a few present or future words of it ([`role_gap`]), is a
/// finding from the subject to the hit's end. Findings in such a clause are also never set
/// aside as someone else's (`someone_elses`). A past act ("tried to", "took") is not one.
fn self_named(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let (Some(role_crisis), Some(theirs)) =
        (cue_class(cx, ROLE_CRISIS), cue_class(cx, "their-crisis"))
    else {
        return;
    };
    // Most drafts have no such hit: the roles (a pass over every token) are found only then.
    let candidates = |h: &&crate::engine::Hit| {
        let c = class_of(cx, h);
        c == Some(role_crisis) || c == Some(theirs)
    };
    if !cx.own_hits().iter().any(|h| candidates(&h)) {
        return;
    }
    let doc = cx.doc;
    let tokens = doc.tokens();
    let roles = self_roles(doc);
    if roles.is_empty() {
        return;
    }
    // An everyday reason in the sentence ("your mum won't be here when you wake up, she's on
    // an early shift") is why they will be away, as for the co-occurrences.
    // Not a word said to the reader at the sentence's end ("..., baby."), which is no reason.
    let alibi = cue_class(cx, "alibi");
    let said_to = |a: &crate::engine::Hit| {
        let end = doc
            .sentences()
            .get(a.sentence)
            .map_or(0, |s| s.end_token.saturating_sub(1));
        a.last_token == end
            && doc
                .text()
                .get(..a.span.start)
                .is_some_and(|t| t.trim_end().ends_with(','))
    };
    let alibis: Vec<&crate::engine::Hit> = cx
        .own_hits()
        .iter()
        .filter(|a| alibi.is_some() && class_of(cx, a) == alibi && !said_to(a))
        .collect();
    // After the words it excuses, in their sentence.
    let excused = |h: &crate::engine::Hit| {
        alibis
            .iter()
            .any(|a| a.sentence == h.sentence && a.span.start >= h.span.end)
    };
    // This rule's findings only: other rules' findings share `out`.
    let mut shown: Vec<Span> = out[from..].iter().map(|f| f.span).collect();
    for h in cx.own_hits().iter().filter(candidates) {
        // "Had enough of the rain" is not "had enough of life".
        if doc.token_text(h.last_token) == "enough"
            && h.last_token + 2 < tokens.len()
            && tokens[h.last_token + 1].clause == tokens[h.last_token].clause
            && doc.token_text(h.last_token + 1) == "of"
            && !matches!(
                doc.token_text(h.last_token + 2),
                "life" | "living" | "everything" | "it" | "this" | "being"
            )
        {
            continue;
        }
        if excused(h) || told_by_them(doc, h.sentence) {
            continue;
        }
        // Not a past act: "tried to kill himself" is told, not meant.
        if matches!(
            doc.token_text(h.first_token),
            "tried"
                | "attempted"
                | "wanted"
                | "wished"
                | "killed"
                | "hurt"
                | "his"
                | "her"
                | "their"
        ) {
            continue;
        }
        let Some(r) = roles.iter().find(|r| {
            tokens[r.first_token].clause == tokens[h.first_token].clause
                && r.last_token < h.first_token
                && (r.last_token + 1..h.first_token).all(|k| role_gap(doc.token_text(k)))
                && h.first_token - r.last_token <= 5
        }) else {
            continue;
        };
        let span = Span {
            start: tokens[r.first_token].span.start,
            end: h.span.end,
        };
        if shown
            .iter()
            .any(|s| s.start < span.end && span.start < s.end)
        {
            continue;
        }
        shown.push(span);
        cx.emit(out, span, None);
    }
}

/// Animals a writer may say are old or ill ("our old dog", "the cat").
fn animal(w: &str) -> bool {
    matches!(
        w.strip_suffix("'s").unwrap_or(w),
        "dog"
            | "dogs"
            | "cat"
            | "cats"
            | "pup"
            | "puppy"
            | "kitten"
            | "horse"
            | "pony"
            | "mare"
            | "rabbit"
            | "bunny"
            | "hamster"
            | "budgie"
            | "parrot"
            | "bird"
            | "goldfish"
            | "tortoise"
            | "ferret"
            | "gerbil"
            | "hen"
            | "cow"
            | "heifer"
            | "ewe"
            | "goat"
            | "donkey"
            | "hound"
            | "collie"
            | "labrador"
            | "terrier"
            | "spaniel"
            | "moggy"
            | "pet"
    )
}

/// Words that tell an animal's death as age or illness ("old", "the vet", "his kidneys").
fn age_or_illness(w: &str) -> bool {
    matches!(
        w,
        "old"
            | "elderly"
            | "aged"
            | "sick"
            | "ill"
            | "poorly"
            | "dying"
            | "vet"
            | "vets"
            | "vet's"
            | "cancer"
            | "tumour"
            | "tumor"
            | "kidneys"
            | "kidney"
            | "liver"
            | "arthritis"
            | "frail"
            | "failing"
            | "lump"
            | "diagnosed"
            | "diagnosis"
            | "illness"
            | "age"
            | "weak"
            | "blind"
            | "deaf"
            | "lame"
            | "seizures"
            | "fits"
            | "poor"
    )
}

/// Words that make an animal's death somebody's doing: then it is a threat, never an age.
fn harm_done(w: &str) -> bool {
    matches!(
        w,
        "kill"
            | "poison"
            | "poisoned"
            | "hurt"
            | "harm"
            | "stab"
            | "shoot"
            | "shot"
            | "drown"
            | "burn"
            | "strangle"
            | "choke"
            | "knife"
            | "gun"
            | "rifle"
            | "petrol"
            | "acid"
            | "regret"
            | "fence"
            | "myself"
            | "deal"
            | "sort"
    )
}

/// Round 10 (issue 11, L-28, SAFE-3; L-11, SAFE-4): an animal dying of age or illness ("our
/// old dog won't see another summer", "the dog won't last the winter, the vet says") was a
/// crisis to the self-harm phrases and a threat to the threat ones. A finding from `from` on is
/// dropped when all of these hold:
///
/// - its clause opens with an animal as the subject ("our old dog", "the cat", with "my",
///   "our", "the" or nothing before it), and the finding starts within three words after it or
///   holds it ("dog won't last the");
/// - no word of the writer or the reader is in the sentence but "my" or "our" before the
///   animal, and no condition ("if", "unless", "once", "until", "or", "when", "before"): "your
///   dog won't see Christmas if you..." is a threat;
/// - the message tells an age or an illness ([`age_or_illness`]) and names no harm done
///   ([`harm_done`]: "poison", "I'll see to it myself") and no leverage.
///
/// When unsure, keep (SAFE-3, SAFE-4).
fn natural_deaths(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    if out.len() == from {
        return;
    }
    let doc = cx.doc;
    let tokens = doc.tokens();
    let n = tokens.len();
    let word = |i: usize| doc.token_text(i);
    // "Ill" as written: the normalised text reads it as "i'll".
    let said_ill = |i: usize| {
        doc.text()
            .get(tokens[i].span.start..tokens[i].span.end)
            .is_some_and(|w| w.eq_ignore_ascii_case("ill"))
    };
    if !(0..n).any(|i| age_or_illness(word(i)) || said_ill(i)) || (0..n).any(|i| harm_done(word(i)))
    {
        return;
    }
    if let Some(lev) = cue_class(cx, "leverage")
        && cx.own_hits().iter().any(|h| class_of(cx, h) == Some(lev))
    {
        return;
    }
    let sentences = doc.sentences();
    let natural = |f: &Finding| {
        let Some((first, last)) = span_tokens(tokens, f.span) else {
            return false;
        };
        let mut start = clause_start(tokens, first);
        // A clause that goes on with the same subject ("our cat is very ill and probably
        // won't make it"): "and", "but" or "so" right before the finding (or before one word
        // of how likely), and the subject opens the clause that word goes on from.
        let mut goes_on = None;
        for c in [first.checked_sub(1), first.checked_sub(2)]
            .into_iter()
            .flatten()
        {
            let likely = c + 1 == first
                || matches!(
                    word(c + 1),
                    "probably" | "likely" | "may" | "might" | "surely"
                );
            if c > 0
                && likely
                && matches!(word(c), "and" | "but" | "so")
                && tokens[c - 1].sentence == tokens[first].sentence
            {
                goes_on = Some(c);
                start = clause_start(tokens, c - 1);
                break;
            }
        }
        // The subject: [my|our|the] [old|poor|...]* animal, at the clause's start.
        let mut k = start;
        if matches!(word(k), "my" | "our" | "the") {
            k += 1;
        }
        while k < n
            && k <= last
            && matches!(
                word(k),
                "old"
                    | "poor"
                    | "sick"
                    | "elderly"
                    | "little"
                    | "beloved"
                    | "dear"
                    | "darling"
                    | "lovely"
                    | "big"
                    | "family"
            )
        {
            k += 1;
        }
        if k >= n || !animal(word(k)) || k > last {
            return false;
        }
        // The finding says what the animal will do: it starts within a few words of it, or
        // in the clause that goes on with it.
        if !(first <= k + 3 || goes_on.is_some()) {
            return false;
        }
        let Some(s) = sentences.get(tokens[first].sentence) else {
            return false;
        };
        let owner = |i: usize| i == start && matches!(word(i), "my" | "our");
        // "Ill" after "is" or "very" is sick, not "I'll".
        let sick = |i: usize| {
            said_ill(i)
                && i > 0
                && matches!(
                    word(i - 1),
                    "is" | "very" | "so" | "was" | "really" | "been" | "seriously" | "terminally"
                )
        };
        !(s.first_token..s.end_token).any(|i| {
            (writer_or_reader(word(i)) && !owner(i) && !sick(i))
                || matches!(
                    word(i),
                    "if" | "unless" | "once" | "until" | "till" | "or" | "when" | "before"
                )
        })
    };
    drop_from(out, from, natural);
}

/// Cue class of a crisis word as the subject of a book, a series, a lesson, a news item or a
/// public measure: "the suicide scenes", "a show that glamorises self-harm", "barriers put up".
const TOPIC: &str = "topic";

/// Round 8 (issue 11, L-28, SAFE-3): on new writers, crisis words as the subject of a book
/// club's novel, a seminar or a safety measure on a bridge were a family of false alarms. A
/// finding from `from` on that lies inside a [`TOPIC`] hit is dropped, unless anything in the
/// message is the writer's own ([`ME_TOO`]: "it made me want to", "myself"), current
/// ([`STILL_NOW`]: "won't stop me", "I want to die", unless inside a [`NOT_NOW`] hit: "I just
/// finished the series") or leverage. Other findings of the message
/// are not touched, so a crisis of the writer's beside a topic keeps the alarm. The lexicons
/// without the class (threats) keep every finding. When unsure, keep (SAFE-3).
fn topics(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let Some(topic) = new_findings_class(cx, out, from, TOPIC) else {
        return;
    };
    let keep = [ME_TOO, STILL_NOW, NOW_STRONG, "leverage"].map(|name| cue_class(cx, name));
    let not_now = cue_class(cx, NOT_NOW);
    let hits = cx.own_hits();
    // A current word inside a not-now one ("I just finished the series") does not count.
    let masked = |h: &crate::engine::Hit| {
        not_now.is_some()
            && hits.iter().any(|m| {
                class_of(cx, m) == not_now
                    && m.first_token <= h.first_token
                    && h.last_token <= m.last_token
            })
    };
    let mut spans = Vec::new();
    for h in hits {
        let c = class_of(cx, h);
        if c.is_some() && keep.contains(&c) && !masked(h) {
            return;
        }
        if c == Some(topic) {
            spans.push(h.span);
        }
    }
    drop_from(out, from, |f| {
        spans
            .iter()
            .any(|s| s.start <= f.span.start && f.span.end <= s.end)
    });
}

/// Cue class of a film, a series, a game, a book, a song or the news, or one of their
/// characters ("the villain", "the narrator"): the frame a quoted threat or crisis is told in.
const MEDIA: &str = "media";

/// Round 9 (issue 11, L-11, SAFE-4; L-28, SAFE-3): threats and crises quoted from a film, a
/// game, a book or a song ("The horror film had a guy ringing her saying 'you'll be sorry'")
/// were false alarms in both lexicons. A finding from `from` on is dropped when a [`MEDIA`] hit
/// is in its sentence and either
///
/// - the finding is inside quotation marks (double, or single ones that open after a space
///   and close before one) and the media word is outside them: the line is the character's;
/// - or the media word opens the finding's clause as its subject ("the villain says he'll
///   burn the house down"), with no word of the writer or the reader (`writer_or_reader`)
///   after it to the end of the clause;
/// - or the sentence opens with the frame ("in the game, ...", "on the show ...") and no
///   word of the writer's is in the sentence nor a second person inside the finding ("in the
///   game you have to kill the guard").
///
/// Never when the message has the writer's share ([`ME_TOO`]), a marker that the crisis is
/// current whatever else is said ([`NOW_STRONG`]) or leverage: "like the villain says, you'll
/// be sorry" keeps its alarm, as does any first-person threat beside a film. When unsure,
/// keep (SAFE-3, SAFE-4).
fn media_frames(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let Some(media) = new_findings_class(cx, out, from, MEDIA) else {
        return;
    };
    let keep = [ME_TOO, NOW_STRONG, "leverage"].map(|name| cue_class(cx, name));
    let hits = cx.own_hits();
    if hits.iter().any(|h| {
        let c = class_of(cx, h);
        c.is_some() && keep.contains(&c)
    }) {
        return;
    }
    let frames: Vec<&crate::engine::Hit> = hits
        .iter()
        .filter(|h| class_of(cx, h) == Some(media))
        .collect();
    if frames.is_empty() {
        return;
    }
    let doc = cx.doc;
    let tokens = doc.tokens();
    let sentences = doc.sentences();
    let writer = |i: usize| matches!(doc.person(i), Some("i" | "we"));
    let reader = |i: usize| doc.person(i) == Some("you");
    let in_media = |f: &Finding| {
        let Some((first, last)) = span_tokens(tokens, f.span) else {
            return false;
        };
        let s = tokens[first].sentence;
        let Some(sentence) = sentences.get(s) else {
            return false;
        };
        let here: Vec<&&crate::engine::Hit> = frames.iter().filter(|h| h.sentence == s).collect();
        if here.is_empty() {
            return false;
        }
        // A quoted line, the frame outside the quotes.
        if let Some((open, close)) = quotation(doc.text(), sentence.span, f.span)
            && here
                .iter()
                .any(|h| h.span.end <= open || h.span.start >= close)
        {
            return true;
        }
        // The media word as the clause's subject: within two words of the clause's start.
        let clause_start = clause_start(tokens, first);
        let end = clause_end(tokens, last) - 1;
        // It must say or do something at once ("the villain says", "the character
        // threatens"): "news from the front: relapsed" names no speaker.
        let speaks = |i: usize| {
            i < tokens.len()
                && (telling_verb(doc.token_text(i))
                    || matches!(
                        doc.token_text(i),
                        "threatens"
                            | "threatened"
                            | "screams"
                            | "shouts"
                            | "yells"
                            | "sings"
                            | "sang"
                            | "goes"
                            | "keeps"
                            | "has"
                            | "had"
                            | "is"
                            | "was"
                    ))
        };
        let subject = here.iter().any(|h| {
            h.first_token >= clause_start
                && h.first_token <= clause_start + 1
                && h.last_token < first
                && speaks(h.last_token + 1)
                && !(h.last_token + 1..=end).any(|i| writer(i) || reader(i))
        });
        if subject {
            return true;
        }
        // The frame opens the sentence ("in the game", "on the show").
        let opens = here.iter().any(|h| {
            let f0 = sentence.first_token;
            h.first_token > f0
                && h.first_token <= f0 + 2
                && matches!(doc.token_text(f0), "in" | "on")
        });
        opens
            && !(sentence.first_token..sentence.end_token).any(writer)
            && !(first..=last).any(reader)
    };
    drop_from(out, from, in_media);
}

/// Cue class of a lawful step ("call the police", "a protection order", "my solicitor"), in
/// `threat.toml` only. Screenshots and a restraining order are not steps: they are exposure
/// and menace material too ("you think a restraining order scares me?").
const LAWFUL: &str = "lawful";

/// Words of violence or menace that keep every threat finding of a message whatever lawful
/// step it names ("I'll go to the police myself, then I'll come for you").
fn violent(w: &str, next: Option<&str>) -> bool {
    matches!(
        w,
        "kill"
            | "hurt"
            | "harm"
            | "stab"
            | "shoot"
            | "beat"
            | "punch"
            | "hit"
            | "smash"
            | "break"
            | "burn"
            | "torch"
            | "destroy"
            | "wreck"
            | "slash"
            | "strangle"
            | "choke"
            | "bury"
            | "dead"
            | "die"
            | "blood"
            | "bleed"
            | "knife"
            | "gun"
            | "acid"
            | "petrol"
            | "fire"
            | "hospital"
            | "ambulance"
            | "finish"
            | "regret"
            | "sorry"
            | "pay"
            | "watch"
            | "expose"
            | "everyone"
            | "bullet"
            | "smashed"
            | "burned"
            | "killed"
            | "family"
            | "parents"
            | "boss"
            | "employer"
            | "church"
            | "hear"
            | "post"
            | "online"
            | "everybody"
            | "photos"
            | "pictures"
            | "screenshots"
            | "video"
    ) || matches!(
        (w, next),
        ("come" | "coming", Some("for" | "after" | "round"))
            | ("get" | "find", Some("you" | "u" | "him" | "her"))
            | ("see", Some("what"))
            | ("deal", Some("with"))
            | ("come", Some("to"))
    )
}

/// Whether the lawful step starting at token `at` is the writer's: the nearest word of a
/// person before it in its clause, within five words, is the writer's ("I'm going to the
/// police", "I will give all the messages to the police"), with no "if" or "unless" between
/// ("if you go to the police").
fn writer_takes_it(doc: &crate::doc::Document<'_>, at: usize) -> bool {
    let tokens = doc.tokens();
    let start = clause_start(tokens, at).max(at.saturating_sub(5));
    for i in (start..at).rev() {
        let w = doc.token_text(i);
        if matches!(w, "if" | "unless" | "when" | "until" | "or") {
            return false;
        }
        if let Some(p) = doc.person(i) {
            return matches!(p, "i" | "we") && !matches!(w, "me" | "us");
        }
    }
    // "Further messages will go to my solicitor": the writer's own solicitor.
    (at..clause_end(tokens, at)).any(|i| doc.token_text(i) == "my")
}

/// Round 9 (issue 11, L-11, SAFE-4): a boundary kept by lawful means ("I'll call the police if
/// you come here again", "I'm getting a restraining order", "further messages go to my
/// solicitor. Last warning.") was a threat to the threat rules. A threat finding from `from`
/// on is dropped when a [`LAWFUL`] hit is the writer's own step (a word of the writer's in its
/// clause: not "if you go to the police..."), in the finding's sentence or the one before or
/// after, and no word of violence or menace ([`violent`]) is anywhere in the message. Not in
/// `self-harm.toml` (no such class). When unsure, keep (SAFE-4).
fn lawful_boundaries(cx: &Cx<'_>, out: &mut Vec<Finding>, from: usize) {
    let Some(lawful) = new_findings_class(cx, out, from, LAWFUL) else {
        return;
    };
    let doc = cx.doc;
    let tokens = doc.tokens();
    let steps: Vec<usize> = cx
        .own_hits()
        .iter()
        .filter(|h| class_of(cx, h) == Some(lawful))
        .filter(|h| writer_takes_it(doc, h.first_token))
        .map(|h| h.sentence)
        .collect();
    if steps.is_empty() {
        return;
    }
    let menace = (0..tokens.len()).any(|i| {
        let next = (i + 1 < tokens.len()).then(|| doc.token_text(i + 1));
        violent(doc.token_text(i), next)
    });
    if menace {
        return;
    }
    let sentence_of = |at: usize| sentence_at(doc, at);
    drop_from(out, from, |f| {
        let s = sentence_of(f.span.start);
        steps.iter().any(|&l| l.abs_diff(s) <= 1)
    });
}

/// The byte range of the quotation holding `span` inside the sentence `within` of `text`, when
/// there is one: double quotes, or single ones that open after a space or a colon and close
/// before a space or punctuation, so an apostrophe ("you'll") is neither.
fn quotation(text: &str, within: Span, span: Span) -> Option<(usize, usize)> {
    let is_quote = |c: char| {
        matches!(
            c,
            '"' | '\u{201C}' | '\u{201D}' | '\'' | '\u{2018}' | '\u{2019}'
        )
    };
    let before = text.get(within.start..span.start)?;
    let after = text.get(span.end..within.end)?;
    // The last quote before the span that opens: nothing alphanumeric right before it.
    let mut open = None;
    let mut prev: Option<char> = None;
    for (i, c) in before.char_indices() {
        if is_quote(c) {
            let opens = !prev.is_some_and(char::is_alphanumeric);
            let closes = prev.is_some_and(|p| !p.is_whitespace())
                && !before[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if opens && !closes {
                open = Some(within.start + i);
            } else if closes && !opens {
                open = None;
            }
        }
        prev = Some(c);
    }
    let open = open?;
    // The first quote after the span that closes: nothing alphanumeric right after it.
    let mut chars = after.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_quote(c) && !chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric()) {
            return Some((open, span.end + i));
        }
    }
    None
}

/// The cue class a set-aside works from, when there is something for it to do: `None` when the
/// rule added no finding from `from` on, or when this lexicon has no such class (then every
/// finding stands).
fn new_findings_class(cx: &Cx<'_>, out: &[Finding], from: usize, name: &str) -> Option<u16> {
    if out.len() == from {
        return None;
    }
    cue_class(cx, name)
}

/// The index of the rule's cue class `name`, if its lexicon has one.
fn cue_class(cx: &Cx<'_>, name: &str) -> Option<u16> {
    cx.lexicon
        .cue_classes
        .iter()
        .position(|c| c == name)
        .and_then(|c| u16::try_from(c).ok())
}

/// The cue class of a hit of the rule's own lexicon, if its group has one.
fn class_of(cx: &Cx<'_>, h: &crate::engine::Hit) -> Option<u16> {
    cx.lexicon
        .groups
        .get(usize::from(h.group))
        .and_then(|g| g.cue)
}

/// Drops the findings from `from` on that `drop` picks, keeping the others in order.
fn drop_from(out: &mut Vec<Finding>, from: usize, drop: impl Fn(&Finding) -> bool) {
    let mut kept = from;
    for i in from..out.len() {
        if !drop(&out[i]) {
            out.swap(kept, i);
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// Sentences either side of a self-harm finding that a leverage cue may sit in.
const LEVERAGE_REACH: usize = 1;

/// Adds a `pressure` finding (L-9) for each `leverage` cue within [`LEVERAGE_REACH`]
/// sentences of a self-harm finding, when the kind is one L-9 checks.
fn leverage(cx: &Cx<'_>, found: &[Span], out: &mut Vec<Finding>) {
    if found.is_empty() {
        return;
    }
    let Some(class) = cx.lexicon.cue_classes.iter().position(|c| c == "leverage") else {
        return;
    };
    let sentence_of = |at: usize| sentence_at(cx.doc, at);
    let crisis: Vec<usize> = found.iter().map(|s| sentence_of(s.start)).collect();
    let mut last_end = 0;
    for h in cx.own_hits() {
        let is_leverage = cx
            .lexicon
            .groups
            .get(usize::from(h.group))
            .and_then(|g| g.cue)
            .is_some_and(|c| usize::from(c) == class);
        if !is_leverage || h.span.start < last_end {
            continue;
        }
        if crisis
            .iter()
            .any(|&s| s.abs_diff(h.sentence) <= LEVERAGE_REACH)
        {
            cx.emit_for(out, "pressure", h.span, "leverage");
            last_end = h.span.end;
        }
    }
}

//! The composer: drafts by kind, checked by the coach while the user types (htmx) or on "Check"
//! (no JavaScript), kept sealed as they type, and "mark as sent" only when the outreach gate is
//! open and the verdict allows it. amends never sends anything itself.

use crate::http::Problem;
use amends_app::coach::{DraftCheck, Finding, Report, Severity};
use amends_core::{Channel, DraftKind, GateId, Plan};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::Ctx;
use crate::views::{Page, render_status};

/// What each kind is for, in our words, with the METHOD ids behind it.
fn kind_intro(kind: DraftKind) -> &'static str {
    match kind {
        DraftKind::First => {
            "The first message after no contact: short and light, a good memory or a kind wish, and no question they must answer (RC-3, L-26). Nothing about the relationship yet."
        }
        DraftKind::Apology => {
            "Name what you did and what it did to them, say you are sorry and that it was your doing, and what you are changing. No excuses, no \"but\" (AP-2 to AP-11)."
        }
        DraftKind::Email => {
            "The longer letter, only if they said they would like one: why it happened, what was going on in you, and what you have changed, without retelling the hurt (EM-1 to EM-6)."
        }
        DraftKind::Ask => {
            "Only if the conversation is going well: what you hope for, said plainly, with room for them to hesitate or say no, and your self-work going on either way (RC-7 to RC-9)."
        }
        DraftKind::Gift => {
            "A note with a small, welcome gesture: light and kind, with no request, no guilt and no mention of the hurt (KG-6, L-27)."
        }
    }
}

fn kind_label(kind: DraftKind) -> &'static str {
    match kind {
        DraftKind::First => "First message",
        DraftKind::Apology => "Apology",
        DraftKind::Email => "Letter",
        DraftKind::Ask => "Asking for a chance",
        DraftKind::Gift => "Gift note",
    }
}

/// A run of the draft with the findings that cover it.
pub struct Segment {
    pub text: String,
    /// The highest severity over this run, if any finding covers it.
    pub severity: Option<&'static str>,
    /// Indexes into the findings list, for `aria-describedby`.
    pub findings: Vec<usize>,
}

/// Splits the text at every phrase finding's boundary so overlapping findings all show.
pub fn segments(text: &str, all: &[Finding]) -> Vec<Segment> {
    let findings: Vec<(usize, &Finding)> = all
        .iter()
        .enumerate()
        .filter(|(_, f)| f.scope() == amends_lint::Scope::Phrase)
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (_, f) in &findings {
        cuts.push(f.span.start.min(text.len()));
        cuts.push(f.span.end.min(text.len()));
    }
    cuts.retain(|c| text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| {
            let covering: Vec<usize> = findings
                .iter()
                .filter(|(_, f)| {
                    f.span.start <= w[0] && w[1] <= f.span.end && f.span.start < f.span.end
                })
                .map(|(i, _)| *i)
                .collect();
            let severity = covering
                .iter()
                .map(|i| all[*i].severity)
                .max()
                .map(Severity::as_str);
            Segment {
                text: text[w[0]..w[1]].to_string(),
                severity,
                findings: covering,
            }
        })
        .collect()
}

/// The coach's answer, rendered as a fragment for htmx or inside the full page.
#[derive(Template)]
#[template(path = "coach.html")]
pub struct CoachPanel {
    /// Rendered alone for htmx: then it also replaces the send button out of band, so the
    /// button's state follows the draft.
    pub oob: bool,
    pub report: Report,
    pub segments: Vec<Segment>,
    pub can_mark_sent: bool,
    pub blocked_because: Vec<String>,
}

impl CoachPanel {
    fn new(text: &str, check: Option<DraftCheck>) -> Option<Self> {
        let check = check?;
        Some(Self {
            oob: false,
            segments: segments(text, &check.report.findings),
            can_mark_sent: check.can_mark_sent,
            blocked_because: check.blocked_because,
            report: check.report,
        })
    }

    /// SAFE-3: the crisis lines, right where the words were found.
    pub fn crisis_resources(&self) -> &'static [amends_app::help::Resource] {
        &amends_app::help::resources().crisis
    }

    pub fn component(&self, id: &str) -> String {
        amends_lint::component_label(id).to_string()
    }

    pub fn described_by(&self, seg: &Segment) -> String {
        seg.findings
            .iter()
            .map(|i| format!("finding-{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Template)]
#[template(path = "composer.html")]
pub struct ComposerPage {
    pub page: Page,
    /// Whether "I sent this myself" may be pressed now (the outreach gate and the verdict).
    pub can_mark_sent: bool,
    pub oob: bool,
    pub kind: DraftKind,
    pub kinds: Vec<(DraftKind, &'static str, bool)>,
    pub intro: &'static str,
    pub text: String,
    pub panel: Option<CoachPanel>,
    pub composer_reasons: Vec<String>,
    /// SAFE-1, SAFE-2, SAFE-8: the composer is off for this person, practice included.
    pub stopped: Vec<String>,
    pub channels: Vec<&'static str>,
    pub channel: String,
    pub saved: bool,
    pub error: Option<Problem>,
}

impl ComposerPage {
    pub fn label(&self, kind: &DraftKind) -> &'static str {
        kind_label(*kind)
    }
}

fn parse_kind(raw: Option<&str>) -> Result<DraftKind, String> {
    raw.filter(|k| !k.is_empty()).unwrap_or("apology").parse()
}

#[derive(Deserialize, Default)]
pub struct ComposerForm {
    kind: Option<String>,
    text: Option<String>,
    channel: Option<String>,
}

fn channel(raw: Option<&str>) -> Option<Channel> {
    raw.and_then(|c| c.parse().ok())
}

async fn page(
    ctx: &Ctx,
    kind: DraftKind,
    text: String,
    channel_raw: String,
    saved: bool,
    error: Option<Problem>,
) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let plan: Plan = match ctx.app.plan(&case, now).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e),
    };
    let composer = plan.gate(GateId::Composer);
    let kinds = DraftKind::ALL
        .iter()
        .map(|k| (*k, kind_label(*k), composer.allows_kind(*k)))
        .collect();
    let composer_reasons = composer.reasons.iter().map(ToString::to_string).collect();
    let stopped = amends_app::coach::composer_off(&plan);
    let check = if text.trim().is_empty() || !stopped.is_empty() {
        None
    } else {
        match ctx
            .app
            .check_draft(&case, kind, &text, channel(Some(&channel_raw)), None, now)
            .await
        {
            Ok(c) => Some(c),
            Err(e) => return ctx.error(&e),
        }
    };
    let panel = CoachPanel::new(&text, check);
    let mut page = ctx.page("Composer", "composer");
    page.crisis = panel.as_ref().is_some_and(|p| p.report.crisis);
    render_status(
        super::status_for(&error),
        &ComposerPage {
            page,
            can_mark_sent: panel.as_ref().is_some_and(|p| p.can_mark_sent),
            oob: false,
            kind,
            kinds,
            intro: kind_intro(kind),
            text,
            panel,
            composer_reasons,
            stopped,
            channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
            channel: channel_raw,
            saved,
            error,
        },
    )
}

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    saved: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<KindQuery>) -> Response {
    let kind = match parse_kind(q.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            return crate::views::error_page(
                StatusCode::NOT_FOUND,
                "No such kind of message",
                &e,
                &ctx.csrf,
            );
        }
    };
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let text = match ctx.app.working_draft(&case, kind).await {
        Ok(t) => t,
        Err(e) => return ctx.error(&e),
    };
    page(&ctx, kind, text, "text".into(), q.saved.is_some(), None).await
}

/// The composer again, with the text kept, when the form named a kind that doesn't exist.
async fn unknown_kind(ctx: &Ctx, form: ComposerForm, error: String) -> Response {
    page(
        ctx,
        DraftKind::Apology,
        form.text.unwrap_or_default(),
        String::new(),
        false,
        Some(Problem::from(error)),
    )
    .await
}

/// "Check" and "Save draft" without JavaScript: save, then show the page with the findings.
pub async fn submit(ctx: Ctx, Form(form): Form<ComposerForm>) -> Response {
    let kind = match parse_kind(form.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return unknown_kind(&ctx, form, e).await,
    };
    let text = form.text.unwrap_or_default();
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let channel_raw = form.channel.unwrap_or_else(|| "text".into());
    match ctx
        .app
        .save_working_draft(&case, kind, &text, Timestamp::now())
        .await
    {
        Ok(()) => page(&ctx, kind, text, channel_raw, true, None).await,
        Err(e) => page(&ctx, kind, text, channel_raw, false, Some(Problem::app(&e))).await,
    }
}

/// htmx, while typing: the coach panel alone. The draft is saved first, so nothing typed is
/// lost even if the tab closes.
pub async fn live(ctx: Ctx, Form(form): Form<ComposerForm>) -> Response {
    let Ok(kind) = parse_kind(form.kind.as_deref()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html("<p class=\"error\">Unknown kind of message.</p>"),
        )
            .into_response();
    };
    let text = form.text.unwrap_or_default();
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let channel = channel(form.channel.as_deref());
    match ctx
        .app
        .save_and_check_draft(&case, kind, &text, channel, Timestamp::now())
        .await
    {
        Ok(None) => {
            Html("<p class=\"muted\">Start writing; the coach reads along.</p>").into_response()
        }
        Ok(Some(check)) => match CoachPanel::new(&text, Some(check)) {
            Some(mut panel) => {
                panel.oob = true;
                crate::views::render(&panel)
            }
            None => Html("").into_response(),
        },
        Err(e) => {
            let msg = crate::views::escape_text(&crate::views::sentence(&e));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(format!("<p class=\"error\" role=\"alert\">{msg}</p>")),
            )
                .into_response()
        }
    }
}

pub async fn sent(ctx: Ctx, Form(form): Form<ComposerForm>) -> Response {
    let kind = match parse_kind(form.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return unknown_kind(&ctx, form, e).await,
    };
    let text = form.text.unwrap_or_default();
    let channel_raw = form.channel.clone().unwrap_or_default();
    let Some(ch) = channel(Some(&channel_raw)) else {
        let msg = format!("Choose how you sent it (one of: {}).", Channel::valid());
        return page(
            &ctx,
            kind,
            text,
            channel_raw,
            false,
            Some(Problem::from(msg)),
        )
        .await;
    };
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    match ctx
        .app
        .mark_sent(&case, kind, ch, &text, Timestamp::now())
        .await
    {
        Ok(_) => Redirect::to("/?sent=1").into_response(),
        Err(e) => page(&ctx, kind, text, channel_raw, false, Some(Problem::app(&e))).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_findings_split_into_segments_that_keep_every_byte() {
        let text = "I’m sorry, but you made me do it";
        let report = amends_app::coach::check_text(text, amends_app::coach::Kind::Apology).unwrap();
        let segs = segments(text, &report.findings);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let marked: String = segs
            .iter()
            .filter(|s| s.severity == Some("block"))
            .map(|s| s.text.as_str())
            .collect();
        assert!(
            marked.contains("made me"),
            "{marked:?} in {:?}",
            report.findings
        );
    }
}

//! The composer: drafts by kind, checked by the coach while the user types (htmx) or on "Check"
//! (no JavaScript), kept sealed as they type, and "mark as sent" only when the outreach gate is
//! open and the verdict allows it. amends never sends anything itself.

use crate::http::Problem;
use amends_app::coach::{DraftCheck, Report};
use amends_app::views::labels;
use amends_app::views::pages::{Segment, draft_kinds, segments};
use amends_core::{Channel, DraftKind, GateId};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, to};
use crate::views::Page;

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
        labels::draft_kind(*kind)
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
) -> Answer {
    let snap = ctx.snapshot().await?;
    let plan = &snap.plan;
    let stopped = amends_app::coach::composer_off(plan);
    let check = if text.trim().is_empty() || !stopped.is_empty() {
        None
    } else {
        let channel = channel(Some(&channel_raw));
        let check = ctx
            .app
            .check_draft(&snap.case, kind, &text, channel, None, Timestamp::now());
        Some(check.await.map_err(|e| ctx.error(&e))?)
    };
    let panel = CoachPanel::new(&text, check);
    let mut page = ctx.page("Composer", "composer");
    page.crisis = panel.as_ref().is_some_and(|p| p.report.crisis);
    super::problem_page(error, |error| ComposerPage {
        page,
        can_mark_sent: panel.as_ref().is_some_and(|p| p.can_mark_sent),
        oob: false,
        kind,
        kinds: draft_kinds(plan),
        intro: labels::draft_intro(kind),
        text,
        panel,
        composer_reasons: plan
            .gate(GateId::Composer)
            .reasons
            .iter()
            .map(ToString::to_string)
            .collect(),
        stopped,
        channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
        channel: channel_raw,
        saved,
        error,
    })
}

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    saved: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<KindQuery>) -> Answer {
    let kind = parse_kind(q.kind.as_deref()).map_err(|e| {
        crate::views::error_page(
            StatusCode::NOT_FOUND,
            "No such kind of message",
            &e,
            &ctx.csrf,
        )
    })?;
    let case = ctx.need_case()?;
    let text = ctx.app.working_draft(&case, kind).await;
    let text = text.map_err(|e| ctx.error(&e))?;
    page(&ctx, kind, text, "text".into(), q.saved.is_some(), None).await
}

/// The composer again, with the text kept, when the form named a kind that doesn't exist.
async fn unknown_kind(ctx: &Ctx, form: ComposerForm, error: String) -> Answer {
    let text = form.text.unwrap_or_default();
    page(
        ctx,
        DraftKind::Apology,
        text,
        String::new(),
        false,
        Some(error.into()),
    )
    .await
}

/// "Check" and "Save draft" without JavaScript: save, then show the page with the findings.
pub async fn submit(ctx: Ctx, Form(form): Form<ComposerForm>) -> Answer {
    let kind = match parse_kind(form.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return unknown_kind(&ctx, form, e).await,
    };
    let text = form.text.unwrap_or_default();
    let case = ctx.need_case()?;
    let channel_raw = form.channel.unwrap_or_else(|| "text".into());
    let saved = ctx
        .app
        .save_working_draft(&case, kind, &text, Timestamp::now())
        .await;
    let (saved, error) = match saved {
        Ok(()) => (true, None),
        Err(e) => (false, Some(Problem::app(&e))),
    };
    page(&ctx, kind, text, channel_raw, saved, error).await
}

/// htmx, while typing: the coach panel alone. The draft is saved first, so nothing typed is
/// lost even if the tab closes.
pub async fn live(ctx: Ctx, Form(form): Form<ComposerForm>) -> Answer {
    let fragment = |status, html: String| (status, Html(html)).into_response();
    let Ok(kind) = parse_kind(form.kind.as_deref()) else {
        let msg = "<p class=\"error\">Unknown kind of message.</p>";
        return Ok(fragment(StatusCode::UNPROCESSABLE_ENTITY, msg.into()));
    };
    let text = form.text.unwrap_or_default();
    let case = ctx.need_case()?;
    let channel = channel(form.channel.as_deref());
    let check = ctx
        .app
        .save_and_check_draft(&case, kind, &text, channel, Timestamp::now());
    Ok(match check.await {
        Ok(None) => {
            let msg = "<p class=\"muted\">Start writing; the coach reads along.</p>";
            fragment(StatusCode::OK, msg.into())
        }
        Ok(Some(check)) => match CoachPanel::new(&text, Some(check)) {
            Some(panel) => crate::views::render(&CoachPanel { oob: true, ..panel }),
            None => fragment(StatusCode::OK, String::new()),
        },
        Err(e) => {
            let msg = crate::views::escape_text(&crate::views::sentence(&e));
            let html = format!("<p class=\"error\" role=\"alert\">{msg}</p>");
            fragment(StatusCode::UNPROCESSABLE_ENTITY, html)
        }
    })
}

pub async fn sent(ctx: Ctx, Form(form): Form<ComposerForm>) -> Answer {
    let kind = match parse_kind(form.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return unknown_kind(&ctx, form, e).await,
    };
    let text = form.text.unwrap_or_default();
    let channel_raw = form.channel.clone().unwrap_or_default();
    let Some(ch) = channel(Some(&channel_raw)) else {
        let msg = format!("Choose how you sent it (one of: {}).", Channel::valid());
        return page(&ctx, kind, text, channel_raw, false, Some(msg.into())).await;
    };
    let case = ctx.need_case()?;
    match ctx
        .app
        .mark_sent(&case, kind, ch, &text, Timestamp::now())
        .await
    {
        Ok(_) => Ok(to("/?sent=1")),
        Err(e) => page(&ctx, kind, text, channel_raw, false, Some(Problem::app(&e))).await,
    }
}

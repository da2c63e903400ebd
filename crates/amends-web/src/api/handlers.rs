//! The API's handlers. Each reads its declared fields, calls one use case and answers with what
//! the use case returned; the decisions are the app's and the core's.

use amends_app::coach::check_text;
use amends_app::method::parse_due;
use amends_app::records::Records;
use amends_app::{
    App, AppError, ExportFormat, KdfParams, Logged, MAX_TEXT_BYTES, Passphrase, StorageError,
    parse_at,
};
use amends_core::forms::{self, WORKBOOK};
use amends_core::{
    AmendsStatus, Bounds, Channel, Danger, Direction, DraftKind, FormId, HabitKind, Passive,
    PromiseOutcome, Relationship, Settings, Signal, SlipKind, YesNoUnsure,
};
use amends_lint::Kind;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

use super::Api;
use super::input::{ApiError, Field, Fields, JsonBody, Ty, opt, req};
use crate::http::WIPE_PHRASE;
use crate::http::{SESSION_COOKIE, clear_session_cookie, cookie, session_cookie};
use crate::state::{Shared, UnlockRefused, wait_in_words};

type Answer<T = Json<Value>> = Result<T, ApiError>;

/// Everything the API sends is plain data; failing to encode it would be a bug here.
fn to_json<T: Serialize>(v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("The answer could not be encoded: {e}."),
        )
    })
}

fn created(logged: Result<Logged, AppError>) -> Answer<(StatusCode, Json<Value>)> {
    let logged = logged?;
    Ok((StatusCode::CREATED, Json(to_json(&logged)?)))
}

/// The words of each vocabulary, from the core, for the field declarations and the document.
macro_rules! words {
    ($($name:ident => $ty:ty),+ $(,)?) => {
        $(pub fn $name() -> Vec<&'static str> {
            <$ty>::ALL.iter().map(|v| v.as_str()).collect()
        })+
    };
}

words! {
    kinds => Kind,
    draft_kinds => DraftKind,
    channels => Channel,
    directions => Direction,
    signals => Signal,
    slip_kinds => SlipKind,
    passives => Passive,
    habits => HabitKind,
    relationships => Relationship,
    outcomes => PromiseOutcome,
    amends_statuses => AmendsStatus,
    form_ids => FormId,
    dangers => Danger,
    yes_no_unsure => YesNoUnsure,
}

pub fn export_formats() -> Vec<&'static str> {
    vec!["json", "markdown"]
}

pub fn workbook_sections() -> Vec<&'static str> {
    WORKBOOK.iter().map(|s| s.id).collect()
}

const AT: Field = opt(
    "at",
    Ty::Time,
    "when it happened, in your time zone; default now. Never in the future",
);
const NOTE: Field = opt(
    "note",
    Ty::Text,
    "a note in your own words (stored encrypted)",
);

// --- Session ---------------------------------------------------------------------------------

pub static UNLOCK: &[Field] = &[req(
    "passphrase",
    Ty::Str,
    "the passphrase that opens amends",
)];

pub async fn unlock(State(state): State<Shared>, body: JsonBody) -> Answer<Response> {
    let f = body.fields(UNLOCK)?;
    if !state.data_dir_initialised() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not-initialised",
            "amends has not been set up here yet. Open it in a browser once to choose a \
             passphrase, then unlock.",
        ));
    }
    let pass = Passphrase::new(f.string("passphrase")?.to_string())
        .map_err(|e| ApiError::invalid("passphrase", e))?;
    let app = match state.try_unlock(&pass).await {
        Ok(app) => app,
        Err(UnlockRefused::Wait(wait)) => {
            let err = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-attempts",
                format!(
                    "Too many wrong passphrases in a row. Wait {} and try again; nothing was \
                     changed.",
                    wait_in_words(wait)
                ),
            )
            .with("retry_after_seconds", crate::http::retry_after_secs(wait));
            let mut res = err.into_response();
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                crate::http::retry_after(wait),
            );
            return Ok(res);
        }
        Err(UnlockRefused::App(AppError::Store(amends_app::StorageError::WrongPassphrase))) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong-passphrase",
                "That passphrase does not open amends. Check it and try again; nothing was \
                 changed.",
            ));
        }
        Err(UnlockRefused::App(e)) => return Err(ApiError::app(&e)),
    };
    let token = state.start_on_first_case(app).await;
    // A new session means a new CSRF token (bound to it, see state::csrf_token). The guard sets
    // the CSRF cookie to it; it is also in the body so a script can send it back in
    // X-CSRF-Token.
    let csrf = state.csrf_for(Some(&token));
    Ok((
        [(SET_COOKIE, session_cookie(&token))],
        Json(json!({ "unlocked": true, "csrf_token": csrf })),
    )
        .into_response())
}

/// Said with every answer that sets a passphrase: losing it loses the data, so it is said plainly.
pub const NO_RECOVERY: &str = "A forgotten passphrase cannot be recovered: amends keeps no copy \
    and has no reset, and without it nothing stored can be read. Keep it somewhere safe.";

pub static SETUP: &[Field] = &[req(
    "passphrase",
    Ty::Str,
    "the passphrase to choose; it cannot be recovered if forgotten",
)];

/// First run, as the setup page does it: the store is created and a session starts at once.
pub async fn setup(State(state): State<Shared>, body: JsonBody) -> Answer<Response> {
    let f = body.fields(SETUP)?;
    if state.data_dir_initialised() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already-set-up",
            "amends is already set up here, so nothing was changed. Unlock it with POST \
             /api/v1/unlock. If the passphrase is lost, `amends wipe` on the command line \
             deletes everything so you can start again.",
        ));
    }
    let pass = Passphrase::new(f.string("passphrase")?.to_string())
        .map_err(|e| ApiError::invalid("passphrase", e))?;
    let app = App::init(&state.data_dir, &pass, KdfParams::DEFAULT).await?;
    let token = state.start_on_first_case(app).await;
    let csrf = state.csrf_for(Some(&token));
    Ok((
        StatusCode::CREATED,
        [(SET_COOKIE, session_cookie(&token))],
        Json(json!({ "unlocked": true, "csrf_token": csrf, "warning": NO_RECOVERY })),
    )
        .into_response())
}

pub async fn lock(State(state): State<Shared>, headers: axum::http::HeaderMap) -> Response {
    let token = cookie(&headers, SESSION_COOKIE);
    // Only the session's own holder locks it; without one there is nothing to lock.
    if state.unlocked(token.as_deref()).await.is_some() {
        state.lock().await;
    }
    (
        [(SET_COOKIE, clear_session_cookie())],
        Json(json!({ "unlocked": false })),
    )
        .into_response()
}

/// Does not count as activity, so a client polling it does not keep amends unlocked.
pub async fn session(State(state): State<Shared>, headers: axum::http::HeaderMap) -> Answer {
    let token = cookie(&headers, SESSION_COOKIE);
    let current = state.peek(token.as_deref()).await;
    let unlocked = current.is_some();
    let case = match current {
        Some((_, case)) => case?,
        None => None,
    };
    Ok(Json(json!({
        "unlocked": unlocked,
        "initialised": state.data_dir_initialised(),
        "demo": state.demo.is_some(),
        "case": case,
    })))
}

pub static PASSPHRASE: &[Field] = &[
    req("current", Ty::Str, "the passphrase that opens amends now"),
    req(
        "new",
        Ty::Str,
        "the new passphrase; it cannot be recovered if forgotten",
    ),
];

/// As on the settings page: the current passphrase first, so an unlocked screen left alone is
/// not enough to lock its owner out.
pub async fn passphrase(api: Api, body: JsonBody) -> Answer<Response> {
    let f = body.fields(PASSPHRASE)?;
    let current = Passphrase::new(f.string("current")?.to_string())
        .map_err(|e| ApiError::invalid("current", e))?;
    let new =
        Passphrase::new(f.string("new")?.to_string()).map_err(|e| ApiError::invalid("new", e))?;
    match api.app.check_passphrase(&current).await {
        Ok(()) => {}
        Err(AppError::Store(StorageError::WrongPassphrase)) => {
            return Err(ApiError::invalid(
                "current",
                "this is not the passphrase that opens amends now; nothing was changed",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    api.app.change_passphrase(&new).await?;
    // A new passphrase starts a new session: the old session cookie and its CSRF token stop
    // working, and the answer carries the new ones.
    let token = api.state.rotate_session().await.unwrap_or_default();
    let csrf = api.state.csrf_for(Some(&token));
    Ok((
        [(SET_COOKIE, session_cookie(&token))],
        Json(json!({ "changed": true, "warning": NO_RECOVERY, "csrf_token": csrf })),
    )
        .into_response())
}

pub static WIPE: &[Field] = &[req(
    "confirm",
    Ty::Str,
    "exactly \"delete everything\", to show this is meant",
)];

/// Delete everything, as the settings page does: with the typed phrase, or nothing happens.
pub async fn wipe(api: Api, body: JsonBody) -> Answer<Response> {
    let f = body.fields(WIPE)?;
    if f.string("confirm")?.trim() != WIPE_PHRASE {
        return Err(ApiError::invalid(
            "confirm",
            format!("nothing was deleted. To delete everything, give \"{WIPE_PHRASE}\" exactly"),
        ));
    }
    let state = api.state.clone();
    // Let go of the app so the lock can close the database before its files go.
    drop(api);
    state.lock().await;
    state.keep_safety_plan(None);
    App::wipe(&state.data_dir)?;
    Ok((
        [(SET_COOKIE, clear_session_cookie())],
        Json(json!({ "deleted": true, "unlocked": false })),
    )
        .into_response())
}

// --- The coach -------------------------------------------------------------------------------

pub static CHECK: &[Field] = &[
    req(
        "kind",
        Ty::OneOf(kinds),
        "what the text is for; journal runs only the safety check",
    ),
    req("text", Ty::Text, "the text to check; it is not stored"),
    opt(
        "records",
        Ty::Bool,
        "true: also check against the records of the current case (needs an unlocked session) \
         and answer whether it may be marked as sent",
    ),
    opt(
        "channel",
        Ty::OneOf(channels),
        "with records: how it would be sent",
    ),
    opt(
        "gift_cost",
        Ty::Number,
        "with records, for a gift note: what the gesture costs",
    ),
];

#[tracing::instrument(skip_all)]
pub async fn check(State(state): State<Shared>, headers: HeaderMap, body: JsonBody) -> Answer {
    let f = body.fields(CHECK)?;
    let kind: Kind = f.need("kind")?;
    let text = f.string("text")?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid(
            "text",
            "nothing to check: the text is empty",
        ));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "The text is {} bytes, over the limit of {MAX_TEXT_BYTES} bytes (1 MiB). Check \
                 one message at a time.",
                text.len()
            ),
        )
        .with("field", "text"));
    }
    if !f.bool("records")?.unwrap_or(false) {
        for only in ["channel", "gift_cost"] {
            if f.value(only)?.is_some() {
                return Err(ApiError::invalid(
                    only,
                    "this is only used with \"records\": true",
                ));
            }
        }
        // The coach is CPU work, about 0.1 ms per KiB. A message of a few KiB is checked right
        // here: handing it to another thread costs more than it takes (the load test in
        // docs/web-benchmark.md). A long letter, up to a tenth of a second at 1 MiB, goes to
        // the blocking pool so it never holds up the requests queued behind it (issue 13).
        let report = if text.len() <= INLINE_CHECK_BYTES {
            check_text(text, kind)?
        } else {
            let text = text.to_owned();
            tokio::task::spawn_blocking(move || check_text(&text, kind))
                .await
                .map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        format!("The check stopped before it finished: {e}."),
                    )
                })??
        };
        return Ok(Json(bounded_report(report)?));
    }
    // The session, and with it the case (a read of the store), only now: a plain check needs
    // neither, and resolving them on every keystroke's check made the public check queue on
    // the store's connection (issue 13, the load test in docs/web-benchmark.md).
    let Some(api) = Api::from_headers(&headers, &state).await? else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "locked",
            "\"records\": true reads your records, so amends must be unlocked first (POST \
             /api/v1/unlock). Leave records out to check the text alone.",
        ));
    };
    let draft: DraftKind = kind.as_str().parse().map_err(|_| {
        ApiError::invalid(
            "records",
            "a journal entry is never sent (MO-2), so there are no records to check it \
             against; leave records out",
        )
    })?;
    let case = api.case()?;
    let channel: Option<Channel> = f.word("channel")?;
    let checked = api
        .app
        .check_draft(
            case,
            draft,
            text,
            channel,
            f.number("gift_cost")?,
            Timestamp::now(),
        )
        .await?;
    // The report keeps the exact contract of DESIGN.md; the two answers sit beside it.
    let mut out = bounded_report(checked.report)?;
    if let Value::Object(map) = &mut out {
        map.insert("can_mark_sent".into(), json!(checked.can_mark_sent));
        map.insert("blocked_because".into(), json!(checked.blocked_because));
    }
    Ok(Json(out))
}

/// The longest text the check runs on the async worker itself (about a millisecond's work).
const INLINE_CHECK_BYTES: usize = 8 * 1024;

/// The most findings of one rule an answer carries, and the longest excerpt. This check is
/// public, and 1 MiB of text with a phrase repeated made a response 34 times its size: one
/// finding per repeat, and the whole text as the excerpt of each whole-message finding
/// (issue 14, defect 12). The verdict and `crisis` are decided on every finding; the spans
/// still point into the whole text.
pub const MAX_FINDINGS_PER_RULE: usize = 20;
pub const MAX_EXCERPT_BYTES: usize = 200;
/// The most spans a component lists (each is evidence enough that it is present).
pub const MAX_COMPONENT_SPANS: usize = 20;

fn bounded_report(mut report: amends_lint::Report) -> Result<Value, ApiError> {
    let mut per_rule: std::collections::HashMap<String, usize> = Default::default();
    let before = report.findings.len();
    report.findings.retain(|f| {
        let seen = per_rule.entry(f.rule.to_string()).or_default();
        *seen += 1;
        *seen <= MAX_FINDINGS_PER_RULE
    });
    let not_shown = before - report.findings.len();
    for f in &mut report.findings {
        if f.excerpt.len() > MAX_EXCERPT_BYTES {
            let mut cut = MAX_EXCERPT_BYTES;
            while !f.excerpt.is_char_boundary(cut) {
                cut -= 1;
            }
            f.excerpt.truncate(cut);
            f.excerpt.push('\u{2026}');
        }
    }
    for c in &mut report.components {
        c.spans.truncate(MAX_COMPONENT_SPANS);
    }
    let mut out = to_json(&report)?;
    if let (Value::Object(map), true) = (&mut out, not_shown > 0) {
        map.insert("findings_not_shown".into(), json!(not_shown));
    }
    Ok(out)
}

// --- Cases -----------------------------------------------------------------------------------

pub async fn cases(api: Api) -> Answer {
    let cases = api.app.cases().await?;
    Ok(Json(json!({
        "cases": cases,
        "current": api.case.as_ref().map(|c| c.id.clone()),
    })))
}

pub static NEW_CASE: &[Field] = &[
    req("name", Ty::Str, "a first name or a label; stored encrypted"),
    req(
        "relationship",
        Ty::OneOf(relationships),
        "who they are to you",
    ),
];

#[tracing::instrument(skip_all)]
pub async fn create_case(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(NEW_CASE)?;
    let relationship: Relationship = f.need("relationship")?;
    let case = api
        .app
        .create_case(f.string("name")?, relationship)
        .await
        .map_err(|e| ApiError::app_field("name", &e))?;
    api.state.set_case(case.id.clone()).await;
    Ok((StatusCode::CREATED, Json(to_json(&case)?)))
}

pub async fn select_case(api: Api, Path(id): Path<String>) -> Answer {
    let case = match api.app.case(Some(&id)).await {
        Ok(c) => c,
        Err(AppError::NoCase) => {
            return Err(ApiError::not_found(format!(
                "There is no case {id:?}: there are no cases yet."
            )));
        }
        Err(e) => return Err(ApiError::app(&e)),
    };
    api.state.set_case(case.id.clone()).await;
    Ok(Json(to_json(&case)?))
}

// --- The plan --------------------------------------------------------------------------------

pub static STATUS_QUERY: &[Field] = &[opt(
    "at",
    Ty::Time,
    "the moment to show the plan at, in your time zone; default now (a later moment shows \
     when gates would open)",
)];

pub async fn status(api: Api, RawQuery(q): RawQuery) -> Answer {
    let f = Fields::query(q.as_deref(), STATUS_QUERY)?;
    let case = api.case()?;
    let at = match f.str("at")? {
        Some(s) => {
            let tz = api.app.time_zone().await?;
            // "today" is now, "yesterday" its end, a later date the end of that day.
            parse_at(s, &tz, Timestamp::now()).map_err(|e| ApiError::app_field("at", &e))?
        }
        None => Timestamp::now(),
    };
    let plan = api.app.plan(case, at).await?;
    Ok(Json(to_json(&plan)?))
}

// --- Logging ---------------------------------------------------------------------------------

pub static CONTACT: &[Field] = &[
    req(
        "dir",
        Ty::OneOf(directions),
        "out: you reached them; in: they reached you",
    ),
    req(
        "channel",
        Ty::OneOf(channels),
        "how (NC-1: every channel counts, likes too)",
    ),
    NOTE,
    AT,
];

/// NC-1: recorded even while outreach is closed; the answer carries the gate's reasons.
#[tracing::instrument(skip_all)]
pub async fn contact(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(CONTACT)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    created(
        api.app
            .log_contact(
                case,
                f.need("dir")?,
                f.need("channel")?,
                f.str("note")?,
                at,
                now,
            )
            .await,
    )
}

pub static SIGNAL: &[Field] = &[
    req("signal", Ty::OneOf(signals), "what they showed or said"),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn signal(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(SIGNAL)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let signal: Signal = f.need("signal")?;
    created(
        api.app
            .log_signal(case, signal, f.str("note")?, at, now)
            .await,
    )
}

pub static PASSIVE: &[Field] = &[
    req(
        "what",
        Ty::OneOf(passives),
        "what they did: a like, a reaction, a view, a follow, word passed on, seen by chance",
    ),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn passive(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(PASSIVE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let what: Passive = f.need("what")?;
    created(
        api.app
            .log_passive(case, what, f.str("note")?, at, now)
            .await,
    )
}

pub static INVITATION: &[Field] = &[
    req(
        "channel",
        Ty::OneOf(channels),
        "how they got in touch (text, call, email, social, in-person)",
    ),
    req("words", Ty::Text, "what they said, in their words"),
    opt("unblocked", Ty::Bool, "they unblocked you (default false)"),
    opt(
        "partner_ended",
        Ty::Bool,
        "they said they are no longer with their new partner (default false)",
    ),
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn invitation(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(INVITATION)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let channel: Channel = f.need("channel")?;
    created(
        api.app
            .log_invitation(
                case,
                channel,
                f.string("words")?,
                f.bool("unblocked")?.unwrap_or(false),
                f.bool("partner_ended")?.unwrap_or(false),
                at,
                now,
            )
            .await,
    )
}

pub static SLIP: &[Field] = &[
    req(
        "what",
        Ty::OneOf(slip_kinds),
        "SAFE-7: what happened (watching them counts)",
    ),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn slip(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(SLIP)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let what: SlipKind = f.need("what")?;
    created(api.app.log_slip(case, what, f.str("note")?, at, now).await)
}

pub static URGE: &[Field] = &[
    req("intensity", Ty::Integer, "1 (faint) to 10 (overwhelming)"),
    req("instead", Ty::Text, "what you did instead"),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn urge(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(URGE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let intensity = f
        .integer("intensity")?
        .ok_or_else(|| ApiError::invalid("intensity", "this field is missing"))?;
    created(
        api.app
            .log_urge(
                case,
                intensity,
                f.string("instead")?,
                f.str("note")?,
                at,
                now,
            )
            .await,
    )
}

pub static HABIT: &[Field] = &[
    req("habit", Ty::OneOf(habits), "which self-work tracker"),
    opt(
        "value",
        Ty::Number,
        "hours of sleep, minutes of exercise, meals, sessions or contacts; a step counts 1 \
         when left out",
    ),
    opt(
        "note",
        Ty::Text,
        "a note; for a step, what you did (required then)",
    ),
    opt(
        "plan",
        Ty::Str,
        "DMG-9: the id of the prevention plan this practises",
    ),
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn habit(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(HABIT)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let habit: HabitKind = f.need("habit")?;
    let value = match (f.number("value")?, habit) {
        (Some(v), _) => v,
        // SI-9: a step is described in words and counts once, as on the command line.
        (None, HabitKind::Step) => 1.0,
        (None, _) => {
            return Err(ApiError::invalid(
                "value",
                format!(
                    "this field is missing; give the {} as a number",
                    habit.unit()
                ),
            ));
        }
    };
    created(
        api.app
            .log_habit(case, habit, value, f.str("note")?, f.str("plan")?, at, now)
            .await,
    )
}

pub static ANSWERS: &[Field] = &[
    req(
        "answers",
        Ty::Object("Answers"),
        "question id to answer, as listed by GET /api/v1/forms/{id}",
    ),
    AT,
];

fn answers(f: &Fields) -> Result<amends_core::Answers, ApiError> {
    let value = f
        .value("answers")?
        .ok_or_else(|| ApiError::invalid("answers", "this field is missing"))?;
    amends_app::answers_from_document(&value.to_string())
        .map_err(|e| ApiError::app_field("answers", &e))
}

#[tracing::instrument(skip_all)]
pub async fn assess(
    api: Api,
    Path(form): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    let form: FormId = form.parse().map_err(ApiError::not_found)?;
    let f = body.fields(ANSWERS)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    created(api.app.assess(case, form, answers(&f)?, at, now).await)
}

#[tracing::instrument(skip_all)]
pub async fn workbook(
    api: Api,
    Path(section): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    forms::workbook_section(&section).map_err(ApiError::not_found)?;
    let f = body.fields(ANSWERS)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    created(
        api.app
            .workbook(case, &section, answers(&f)?, at, now)
            .await,
    )
}

// --- Promises, check-ins, amends, gestures, needs ------------------------------------------

pub async fn promises(api: Api) -> Answer {
    let plan = api.app.plan(api.case()?, Timestamp::now()).await?;
    Ok(Json(to_json(&plan.promises)?))
}

const DUE: Field = opt(
    "due",
    Ty::Time,
    "when it is due: a date (the end of that day) or a full time; may be in the future",
);

pub static PROMISE: &[Field] = &[req("text", Ty::Text, "the promise, in your words"), DUE, AT];

async fn due(api: &Api, f: &Fields) -> Result<Option<Timestamp>, ApiError> {
    let Some(s) = f.str("due")? else {
        return Ok(None);
    };
    let tz = api.app.time_zone().await?;
    parse_due(s, &tz, Timestamp::now())
        .map(Some)
        .map_err(|e| ApiError::app_field("due", &e))
}

#[tracing::instrument(skip_all)]
pub async fn promise_add(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(PROMISE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let due = due(&api, &f).await?;
    created(
        api.app
            .promise_add(case, f.string("text")?, due, at, now)
            .await,
    )
}

pub static PROMISE_UPDATE: &[Field] = &[
    req("outcome", Ty::OneOf(outcomes), "what became of it (TR-3)"),
    opt("due", Ty::Time, "the new date, for a renegotiated promise"),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn promise_update(
    api: Api,
    Path(id): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(PROMISE_UPDATE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    // An unknown id is the app's 404 (AppError::NotFound): no plan is built here for it.
    let due = due(&api, &f).await?;
    let outcome: PromiseOutcome = f.need("outcome")?;
    created(
        api.app
            .promise_update(case, &id, outcome, due, f.str("note")?, at, now)
            .await,
    )
}

pub static CHECKIN: &[Field] = &[NOTE, AT];

#[tracing::instrument(skip_all)]
pub async fn checkin(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(CHECKIN)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    created(api.app.checkin(case, f.str("note")?, at, now).await)
}

pub async fn amends(api: Api) -> Answer {
    let plan = api.app.plan(api.case()?, Timestamp::now()).await?;
    Ok(Json(json!({
        "items": to_json(&plan.amends)?,
        "gestures": to_json(&plan.gestures)?,
    })))
}

pub static AMENDS: &[Field] = &[
    req(
        "request",
        Ty::Text,
        "what they asked for, in their words (AM-2)",
    ),
    req(
        "bounds",
        Ty::Object("Bounds"),
        "your own check (SAFE-9, AM-3): is it affordable, legal and safe?",
    ),
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn amends_add(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(AMENDS)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let bounds = f
        .value("bounds")?
        .cloned()
        .ok_or_else(|| ApiError::invalid("bounds", "this field is missing"))?;
    let bounds: Bounds = serde_json::from_value(bounds).map_err(|e| {
        ApiError::invalid(
            "bounds",
            format!(
                "{e}; give {{\"affordable\": true or false, \"legal\": true or false, \
                 \"safe\": true or false}}"
            ),
        )
    })?;
    created(
        api.app
            .amends_add(case, f.string("request")?, bounds, at, now)
            .await,
    )
}

pub static AMENDS_UPDATE: &[Field] = &[
    req("status", Ty::OneOf(amends_statuses), "where it stands now"),
    NOTE,
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn amends_update(
    api: Api,
    Path(id): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(AMENDS_UPDATE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let status: AmendsStatus = f.need("status")?;
    created(
        api.app
            .amends_update(case, &id, status, f.str("note")?, at, now)
            .await,
    )
}

pub static GESTURE: &[Field] = &[
    req("what", Ty::Text, "the gesture"),
    req("cost", Ty::Number, "what it cost, 0 or more (KG-3: small)"),
    opt(
        "preference",
        Ty::Text,
        "KG-1: the preference of theirs it answers",
    ),
    AT,
];

/// KG-1: a gesture is contact the user started, so the answer reports the outreach gate.
#[tracing::instrument(skip_all)]
pub async fn gesture(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(GESTURE)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let cost = f
        .number("cost")?
        .ok_or_else(|| ApiError::invalid("cost", "this field is missing"))?;
    created(
        api.app
            .gesture_add(case, f.string("what")?, cost, f.str("preference")?, at, now)
            .await,
    )
}

pub static NEED: &[Field] = &[
    req("text", Ty::Text, "what they said they need, in their words"),
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn need(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(NEED)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    created(api.app.log_need(case, f.string("text")?, at, now).await)
}

// --- Their questions (LS-1) ------------------------------------------------------------------

pub async fn questions(api: Api) -> Answer {
    let questions = api.app.questions(api.case()?).await?;
    Ok(Json(json!({ "questions": to_json(&questions)? })))
}

pub static QUESTION: &[Field] = &[
    req("text", Ty::Text, "their question, as they asked it (LS-1)"),
    AT,
];

#[tracing::instrument(skip_all)]
pub async fn question_add(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(QUESTION)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let logged = api
        .app
        .log_question(case, f.string("text")?, at, now)
        .await
        .map_err(|e| ApiError::app_field("text", &e))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": logged.id, "kind": "their-question", "at": at })),
    ))
}

/// Marking a question answered is a correction, so the question gets a new id: the answer
/// gives it.
pub async fn question_answered(
    api: Api,
    Path(id): Path<String>,
) -> Answer<(StatusCode, Json<Value>)> {
    let case = api.case()?;
    // By its id now or any it had: a question answered before has a new id (issue 14).
    let Some(question) = api.app.question(case, &id).await? else {
        return Err(ApiError::not_found(format!(
            "There is no question with id {id:?}. GET /api/v1/questions lists them; a question \
             gets a new id when it is marked answered."
        )));
    };
    // The page offers the button only for open questions; a second mark would add a
    // correction that changes nothing.
    if question.answered {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already-answered",
            "That question is already marked answered; nothing was changed.",
        ));
    }
    let answered = api
        .app
        .answer_question(case, &question.id, Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": answered.id, "kind": "their-question", "at": question.at })),
    ))
}

// --- Entries and corrections ----------------------------------------------------------------

fn no_entry(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "There is no entry with id {id:?} in the current case. GET /api/v1/events lists \
         the entries that count now, with their ids."
    ))
}

/// One entry as stored, with what it corrects and what corrected it: a client corrects the
/// version that counts now.
fn event_json(entry: &amends_core::Event, records: &Records) -> Answer<Value> {
    let corrected_by = records.corrected_by(&entry.id).map(|e| e.id.clone());
    Ok(json!({
        "id": entry.id,
        "at": entry.at,
        "recorded_at": entry.recorded_at,
        "supersedes": entry.supersedes,
        "corrected_by": corrected_by,
        "entry": to_json(&entry.data)?,
    }))
}

pub static EVENTS_QUERY: &[Field] = &[opt(
    "kind",
    Ty::OneOf(super::entries::kinds),
    "only entries of this kind",
)];

/// The entries that count now, oldest first: what the contact log and the workbook pages
/// list, for every kind.
pub async fn events(api: Api, RawQuery(q): RawQuery) -> Answer {
    let f = Fields::query(q.as_deref(), EVENTS_QUERY)?;
    let kind = match f.str("kind")? {
        Some(k) if !super::entries::kinds().contains(&k) => {
            return Err(ApiError::invalid(
                "kind",
                format!(
                    "unknown kind {k:?}; use one of: {}",
                    super::entries::kinds().join(", ")
                ),
            ));
        }
        other => other,
    };
    let records = api.app.records(api.case()?).await?;
    let events = records
        .current_of_kind(kind)
        .into_iter()
        .map(|e| event_json(e, &records))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "events": events })))
}

pub async fn event(api: Api, Path(id): Path<String>) -> Answer {
    let records = api.app.records(api.case()?).await?;
    let entry = records.entry(&id).ok_or_else(|| no_entry(&id))?;
    Ok(Json(event_json(entry, &records)?))
}

pub static CORRECT: &[Field] = &[
    req(
        "entry",
        Ty::Object("Entry"),
        "the whole entry as it should be, in the shape GET /api/v1/events/{id} shows it; the \
         same kind as before",
    ),
    opt(
        "at",
        Ty::Time,
        "when it happened, if that was wrong too; default the time of the entry it corrects. \
         Never in the future",
    ),
];

/// A correction replaces an entry in the plan; the history keeps both. The app decides what a
/// correction may be (same kind, the checks of a new entry, never undoing a SAFE fact).
#[tracing::instrument(skip_all)]
pub async fn correct(
    api: Api,
    Path(id): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(CORRECT)?;
    let case = api.case()?;
    let records = api.app.records(case).await?;
    let old = records.entry(&id).ok_or_else(|| no_entry(&id))?;
    let entry = f
        .value("entry")?
        .ok_or_else(|| ApiError::invalid("entry", "this field is missing"))?;
    let data = super::entries::parse(entry)?;
    let (at, now) = match f.str("at")? {
        Some(_) => api.at(&f).await?,
        None => (old.at, Timestamp::now()),
    };
    let kind = data.kind();
    let new_id = api
        .app
        .correct(case, &id, data, at, now)
        .await
        .map_err(|e| ApiError::app_field("entry", &e))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": new_id, "kind": kind, "at": at })),
    ))
}

// --- Help now (SAFE-3) -----------------------------------------------------------------------

/// The lists, and the user's own local number when amends is unlocked.
async fn help_json(api: Option<&Api>) -> Answer {
    let local = match api {
        // Like the page: failing to read the local number must never hide the crisis lines.
        Some(api) => api.app.local_help().await.ok().flatten(),
        None => None,
    };
    let mut out = to_json(amends_app::help::resources())?;
    out["local"] = json!(local);
    Ok(Json(out))
}

/// Works while locked. Any trouble with the session only leaves the local number out: this is
/// the answer someone in a crisis asks for.
pub async fn help(api: Result<Api, ApiError>) -> Answer {
    help_json(api.ok().as_ref()).await
}

pub static LOCAL_HELP: &[Field] = &[req(
    "text",
    Ty::Str,
    "a name and number for help where you live, up to 500 characters (stored encrypted); \
     empty to remove it",
)];

#[tracing::instrument(skip_all)]
pub async fn help_local(api: Api, body: JsonBody) -> Answer {
    let f = body.fields(LOCAL_HELP)?;
    api.app
        .set_local_help(f.string("text")?)
        .await
        .map_err(|e| ApiError::app_field("text", &e))?;
    help_json(Some(&api)).await
}

// --- Journal and drafts ----------------------------------------------------------------------

pub async fn journal(api: Api) -> Answer {
    let entries = api.app.journal(api.case()?).await?;
    Ok(Json(json!({ "entries": to_json(&entries)? })))
}

pub static JOURNAL: &[Field] = &[
    req("text", Ty::Text, "the entry; never sendable (MO-2)"),
    AT,
];

/// MO-2: a private entry. SAFE-3: self-harm language brings the crisis resources forward.
#[tracing::instrument(skip_all)]
pub async fn journal_add(api: Api, body: JsonBody) -> Answer<(StatusCode, Json<Value>)> {
    let f = body.fields(JOURNAL)?;
    let case = api.case()?;
    let (at, now) = api.at(&f).await?;
    let text = f.string("text")?;
    let id = api
        .app
        .journal_add(case, text, at, now)
        .await
        .map_err(|e| ApiError::app_field("text", &e))?;
    let safety = amends_app::safety::scan(text);
    let mut out = json!({ "id": id, "at": at, "crisis": safety.crisis, "threat": safety.threat });
    if safety.crisis {
        out["help"] = to_json(&amends_app::help::resources().crisis)?;
    } else if safety.threat {
        out["help"] = to_json(&amends_app::help::resources().anger)?;
    }
    Ok((StatusCode::CREATED, Json(out)))
}

fn draft_kind(kind: &str) -> Result<DraftKind, ApiError> {
    kind.parse().map_err(ApiError::not_found)
}

pub async fn draft(api: Api, Path(kind): Path<String>) -> Answer {
    let kind = draft_kind(&kind)?;
    let text = api.app.working_draft(api.case()?, kind).await?;
    Ok(Json(json!({ "kind": kind, "text": text })))
}

pub static DRAFT: &[Field] = &[req(
    "text",
    Ty::Text,
    "the whole draft; it replaces the saved one (an empty text clears it)",
)];

#[tracing::instrument(skip_all)]
pub async fn draft_save(api: Api, Path(kind): Path<String>, body: JsonBody) -> Answer {
    let kind = draft_kind(&kind)?;
    let f = body.fields(DRAFT)?;
    let text = f.string("text")?;
    api.app
        .save_working_draft(api.case()?, kind, text, Timestamp::now())
        .await
        .map_err(|e| ApiError::app_field("text", &e))?;
    Ok(Json(
        json!({ "kind": kind, "saved": true, "bytes": text.len() }),
    ))
}

pub static SENT: &[Field] = &[
    req(
        "channel",
        Ty::OneOf(channels),
        "how you sent it yourself (amends never sends)",
    ),
    opt(
        "text",
        Ty::Text,
        "what was sent; default the saved working draft",
    ),
];

/// Refused, with every reason, unless the outreach gate is open and the verdict allows it.
#[tracing::instrument(skip_all)]
pub async fn draft_sent(
    api: Api,
    Path(kind): Path<String>,
    body: JsonBody,
) -> Answer<(StatusCode, Json<Value>)> {
    let kind = draft_kind(&kind)?;
    let f = body.fields(SENT)?;
    let case = api.case()?;
    let channel: Channel = f.need("channel")?;
    let text = match f.str("text")? {
        Some(t) => t.to_string(),
        None => api.app.working_draft(case, kind).await?,
    };
    if text.trim().is_empty() {
        return Err(ApiError::invalid(
            "text",
            "there is nothing to mark as sent: the draft is empty",
        ));
    }
    // Refused with every reason and the verdict (AppError::Refused(NotSendable)).
    created(
        api.app
            .mark_sent(case, kind, channel, &text, Timestamp::now())
            .await,
    )
}

// --- Definitions, files, charts, settings ---------------------------------------------------

/// A questionnaire or workbook section as a client renders it, with where to send the answers.
fn form_entry(kind: &str, submit: String, form: &amends_core::Form) -> Result<Value, ApiError> {
    let mut v = to_json(form)?;
    if let Value::Object(map) = &mut v {
        map.insert("kind".into(), json!(kind));
        map.insert("submit".into(), json!(submit));
    }
    Ok(v)
}

fn all_forms() -> Result<Vec<Value>, ApiError> {
    let questionnaires = FormId::ALL.iter().map(|id| {
        form_entry(
            "questionnaire",
            format!("/api/v1/assessments/{}", id.as_str()),
            id.form(),
        )
    });
    let sections = WORKBOOK
        .iter()
        .map(|s| form_entry("workbook", format!("/api/v1/workbook/{}", s.id), &s.form));
    questionnaires.chain(sections).collect()
}

pub async fn forms_list() -> Answer {
    Ok(Json(json!({ "forms": all_forms()? })))
}

pub async fn form(Path(id): Path<String>) -> Answer {
    all_forms()?
        .into_iter()
        .find(|f| f["id"] == id.as_str())
        .map(Json)
        .ok_or_else(|| {
            let ids: Vec<&str> = form_ids().into_iter().chain(workbook_sections()).collect();
            ApiError::not_found(format!(
                "There is no form {id:?}; the forms are: {}.",
                ids.join(", ")
            ))
        })
}

pub static EXPORT_QUERY: &[Field] = &[opt(
    "format",
    Ty::OneOf(export_formats),
    "json (default) or markdown. The file is not encrypted: keep it safe",
)];

pub async fn export(api: Api, RawQuery(q): RawQuery) -> Answer<Response> {
    let f = Fields::query(q.as_deref(), EXPORT_QUERY)?;
    let format: ExportFormat = f.word("format")?.unwrap_or(ExportFormat::Json);
    let now = Timestamp::now();
    let body = api.app.export(format, now).await?;
    Ok(crate::http::export_download(format, now, body))
}

pub async fn calendar(api: Api) -> Answer<Response> {
    let body = api.app.calendar(api.case()?, Timestamp::now()).await?;
    Ok(crate::views::download(
        body,
        "text/calendar; charset=utf-8",
        "amends.ics",
    ))
}

pub static CHARTS_QUERY: &[Field] = &[opt(
    "days",
    Ty::Integer,
    "how many days back, today included: 30 (default) or 90; any number from 7 to 366 works",
)];

pub async fn charts(api: Api, RawQuery(q): RawQuery) -> Answer {
    let f = Fields::query(q.as_deref(), CHARTS_QUERY)?;
    let days = match f.integer("days")? {
        None => 30,
        Some(d @ 7..=366) => d as usize,
        Some(d) => {
            return Err(ApiError::invalid(
                "days",
                format!("{d} is out of range; give 30 or 90 (any number from 7 to 366 works)"),
            ));
        }
    };
    let series = api
        .app
        .chart_series(api.case()?, Timestamp::now(), days)
        .await?;
    Ok(Json(to_json(&series)?))
}

async fn settings_json(api: &Api, changed: bool) -> Answer {
    let tz = api.app.time_zone().await?;
    let plan = match &api.case {
        Some(case) => Some(api.app.plan(case, Timestamp::now()).await?),
        None => None,
    };
    Ok(Json(json!({
        "time_zone": tz.iana_name(),
        "reminders": plan.as_ref().map(|p| p.reminders.clone()).unwrap_or_default(),
        "gesture_cost_limit": plan.as_ref().map(|p| p.gestures.cost_limit),
        "changed": changed,
    })))
}

pub async fn settings(api: Api) -> Answer {
    settings_json(&api, false).await
}

const TARGET: &str = "a target above 0; tunes a METHOD default (never a SAFE rule)";

pub static SETTINGS: &[Field] = &[
    opt(
        "time_zone",
        Ty::Str,
        "an IANA name such as Europe/Berlin; days are counted in it",
    ),
    opt("exercise_per_week", Ty::Number, TARGET),
    opt("hobby_per_week", Ty::Number, TARGET),
    opt("social_per_week", Ty::Number, TARGET),
    opt("therapy_per_week", Ty::Number, TARGET),
    opt("meals_per_day", Ty::Number, TARGET),
    opt(
        "gesture_cost_limit",
        Ty::Number,
        "L-21, KG-3: the most a gesture should cost",
    ),
    opt(
        "reminders",
        Ty::ListOf(habits),
        "the habits to have calendar reminders for ([] for none); never a reminder to reach out",
    ),
];

#[tracing::instrument(skip_all)]
pub async fn settings_update(api: Api, body: JsonBody) -> Answer {
    let f = body.fields(SETTINGS)?;
    let mut changed = false;
    if let Some(name) = f.str("time_zone")? {
        api.app
            .set_time_zone(name)
            .await
            .map_err(|e| ApiError::app_field("time_zone", &e))?;
        changed = true;
    }
    let settings = Settings {
        exercise_per_week: f.number("exercise_per_week")?,
        hobby_per_week: f.number("hobby_per_week")?,
        social_per_week: f.number("social_per_week")?,
        therapy_per_week: f.number("therapy_per_week")?,
        meals_per_day: f.number("meals_per_day")?,
        gesture_cost_limit: f.number("gesture_cost_limit")?,
        reminders: f.words("reminders")?,
    };
    if settings != Settings::default() {
        api.app
            .update_settings(api.case()?, settings, Timestamp::now())
            .await?;
        changed = true;
    }
    settings_json(&api, changed).await
}

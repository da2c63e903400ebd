//! The JSON API under `/api/v1`: the same use cases as the pages, for scripts and other clients.
//!
//! Every operation is one row of [`ops`]: its method, path, handler and the description the
//! OpenAPI document (`/api/v1/openapi.json`) is generated from. The router is built from the
//! same rows, so the document cannot leave a route out or describe one that does not exist.
//!
//! Security is the guard's (see `security.rs`): a state-changing request needs the CSRF header
//! `X-CSRF-Token` with the token of its session (an HMAC of the session id), except `POST /setup`, `POST /unlock` and
//! `POST /check`; everything but the public operations needs the session cookie that
//! `POST /setup` and `POST /unlock` set.

mod entries;
mod handlers;
pub mod input;
pub mod openapi;

use std::sync::Arc;

use amends_app::{App, CaseSummary};
use axum::Router;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};
use jiff::Timestamp;

use self::handlers as h;
use self::input::{Field, Fields};
pub use crate::http::{ApiError, error_response};
use crate::http::{SESSION_COOKIE, cookie};
use crate::state::Shared;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// An unlocked API request: the app, and the case the session is on (if there is one yet).
pub struct Api {
    pub app: Arc<App>,
    pub case: Option<CaseSummary>,
    pub state: Shared,
}

impl Api {
    /// The current case, or a 409 that says how to create one.
    pub fn case(&self) -> Result<&CaseSummary, ApiError> {
        self.case.as_ref().ok_or_else(ApiError::no_case)
    }

    /// The `at` field (when something happened, in the user's zone; now when left out) and
    /// the `now` to hand the use case with it.
    pub async fn at(&self, f: &Fields) -> Result<(Timestamp, Timestamp), ApiError> {
        let now = Timestamp::now();
        let at = self
            .app
            .when(f.str("at")?, now)
            .await
            .map_err(|e| ApiError::app_field("at", &e))?;
        // The use case refuses this too; saying it here names the field to fix.
        if at > now {
            return Err(ApiError::invalid(
                "at",
                format!("{at} is in the future; log things once they have happened"),
            ));
        }
        Ok((at, now))
    }
}

impl FromRequestParts<Shared> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        <Api as OptionalFromRequestParts<Shared>>::from_request_parts(parts, state)
            .await?
            .ok_or_else(ApiError::locked)
    }
}

impl OptionalFromRequestParts<Shared> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Option<Self>, ApiError> {
        Api::from_headers(&parts.headers, state).await
    }
}

impl Api {
    /// The unlocked session these headers carry, if any, with its case (a read of the store).
    /// For a handler that needs the session only for some requests (see `h::check`).
    pub async fn from_headers(
        headers: &HeaderMap,
        state: &Shared,
    ) -> Result<Option<Self>, ApiError> {
        let token = cookie(headers, SESSION_COOKIE);
        let Some((app, case)) = state.current(token.as_deref()).await else {
            return Ok(None);
        };
        Ok(Some(Api {
            app,
            case: case.map_err(|e| ApiError::app(&e))?,
            state: state.clone(),
        }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
        }
    }

    /// The name in an OpenAPI path item.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
        }
    }

    pub fn method(self) -> axum::http::Method {
        match self {
            Verb::Get => axum::http::Method::GET,
            Verb::Post => axum::http::Method::POST,
            Verb::Put => axum::http::Method::PUT,
        }
    }
}

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Works while locked.
    Public,
    /// Needs the session cookie.
    Session,
    /// Works while locked, and does more with a session (`POST /check` with `records`).
    Either,
}

/// What a successful call returns.
#[derive(Clone, Copy, Debug)]
pub enum Out {
    /// JSON with this status, described by a named schema.
    Json(u16, &'static str),
    /// A file to save: its media types and what it holds.
    File(&'static [&'static str], &'static str),
}

/// The description of one operation.
#[derive(Clone, Copy, Debug)]
pub struct Meta {
    pub id: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub about: &'static str,
    pub access: Access,
    pub query: &'static [Field],
    pub body: Option<&'static [Field]>,
    pub out: Out,
    /// Answers besides the ones every operation of its sort can give (those are added from
    /// the access, the method and the body).
    pub errors: &'static [u16],
    /// A state-changing call that needs no CSRF token (see `security::guard`, which reads
    /// this): only setup, unlock and check.
    pub csrf_exempt: bool,
}

const META: Meta = Meta {
    id: "",
    tag: "",
    summary: "",
    about: "",
    access: Access::Session,
    query: &[],
    body: None,
    // Every operation says what it returns; an empty name fails the document's tests.
    out: Out::Json(200, ""),
    errors: &[],
    csrf_exempt: false,
};

impl Meta {
    /// Works while locked.
    pub fn public(&self) -> bool {
        matches!(self.access, Access::Public | Access::Either)
    }
}

/// Who may call the operation at `path` (below the site root, e.g. `/api/v1/unlock`), as its
/// row in [`ops`] declares: the guard reads it from here, so it is said once. `None` for a
/// path that is no operation's (with a parameter, or none at all): those need a session and
/// the token.
pub fn route_access(method: &axum::http::Method, path: &str) -> Option<Meta> {
    static ACCESS: std::sync::LazyLock<Vec<(axum::http::Method, String, Meta)>> =
        std::sync::LazyLock::new(|| {
            ops()
                .into_iter()
                .map(|op| (op.verb.method(), format!("{PREFIX}{}", op.path), op.meta))
                .collect()
        });
    ACCESS
        .iter()
        .find(|(m, p, _)| m == method && p == path)
        .map(|(_, _, meta)| *meta)
}

pub struct Op {
    pub verb: Verb,
    /// Below [`PREFIX`], in axum's syntax, which is also OpenAPI's: `/cases/{id}/select`.
    pub path: &'static str,
    pub meta: Meta,
    handler: MethodRouter<Shared>,
}

fn op<H, T>(verb: Verb, path: &'static str, handler: H, meta: Meta) -> Op
where
    H: Handler<T, Shared>,
    T: 'static,
{
    Op {
        verb,
        path,
        meta,
        handler: on(verb.filter(), handler),
    }
}

/// The lists of drafts' kinds and of forms' ids, for path parameters in the document.
pub fn path_values(name: &str) -> Option<Vec<&'static str>> {
    match name {
        "kind" => Some(h::draft_kinds()),
        "form" => Some(h::form_ids()),
        "section" => Some(h::workbook_sections()),
        _ => None,
    }
}

/// Every operation of the API. The router and the OpenAPI document are both built from this.
pub fn ops() -> Vec<Op> {
    use Access::{Either, Public};
    use Verb::{Get, Post, Put};
    vec![
        op(
            Get,
            "/openapi.json",
            openapi::serve,
            Meta {
                id: "openapi",
                tag: "meta",
                summary: "This document",
                access: Public,
                out: Out::Json(200, "OpenApi"),
                ..META
            },
        ),
        op(
            Post,
            "/setup",
            h::setup,
            Meta {
                id: "setup",
                csrf_exempt: true,
                tag: "session",
                summary: "First run: choose the passphrase and create the store",
                about: "Creates the encrypted store with this passphrase and starts a session at \
                    once, as POST /unlock would: the same session cookie, the CSRF cookie when \
                    the caller has none, and csrf_token in the answer. The answer's warning \
                    says it plainly: a forgotten passphrase cannot be recovered. Refused with \
                    409 once amends is set up. Needs no CSRF token: there is no page to take \
                    one from yet.",
                access: Public,
                body: Some(h::SETUP),
                out: Out::Json(201, "SetUp"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/unlock",
            h::unlock,
            Meta {
                id: "unlock",
                csrf_exempt: true,
                tag: "session",
                summary: "Unlock amends with the passphrase",
                about: "Sets the same HttpOnly, SameSite=Strict session cookie as the unlock page, \
                    and the CSRF cookie when the caller has none. Send the returned csrf_token \
                    back in the X-CSRF-Token header of every later POST or PUT. Needs no CSRF \
                    token itself. After five wrong passphrases in a row each further try \
                    has to wait (429, with retry_after_seconds and a Retry-After header), \
                    doubling up to 15 minutes. Every unlock starts a new session with a new \
                    csrf_token.",
                access: Public,
                body: Some(h::UNLOCK),
                out: Out::Json(200, "Unlocked"),
                errors: &[401, 409, 429],
                ..META
            },
        ),
        op(
            Post,
            "/lock",
            h::lock,
            Meta {
                id: "lock",
                tag: "session",
                summary: "Lock amends and forget the key",
                about: "Clears the session cookie. Locking while locked changes nothing.",
                access: Public,
                out: Out::Json(200, "Locked"),
                ..META
            },
        ),
        op(
            Get,
            "/session",
            h::session,
            Meta {
                id: "session",
                tag: "session",
                summary: "Whether amends is set up and unlocked",
                access: Public,
                out: Out::Json(200, "Session"),
                ..META
            },
        ),
        op(
            Post,
            "/passphrase",
            h::passphrase,
            Meta {
                id: "changePassphrase",
                tag: "settings",
                summary: "Change the passphrase",
                about: "Needs the current passphrase too; a wrong one is a 422 naming \"current\" \
                    and changes nothing. The session stays unlocked under a new session cookie \
                    and a new csrf_token (in the answer): the old ones stop working. From now on \
                    only the new passphrase opens amends.",
                body: Some(h::PASSPHRASE),
                out: Out::Json(200, "PassphraseChanged"),
                ..META
            },
        ),
        op(
            Post,
            "/wipe",
            h::wipe,
            Meta {
                id: "wipe",
                tag: "settings",
                summary: "Delete everything",
                about: "Deletes the whole store, every case and entry, as the settings page does, \
                    then locks and clears the session cookie. confirm must be exactly \"delete \
                    everything\"; anything else is a 422 naming confirm, and nothing is deleted. \
                    There is no undo. POST /setup starts again.",
                body: Some(h::WIPE),
                out: Out::Json(200, "Wiped"),
                ..META
            },
        ),
        op(
            Post,
            "/check",
            h::check,
            Meta {
                id: "check",
                csrf_exempt: true,
                tag: "coach",
                summary: "Check a text with the message coach",
                about: "Answers DESIGN.md's report exactly (kind, verdict, components, findings, \
                    crisis); spans are byte offsets into the UTF-8 text, end-exclusive. Works \
                    while locked and stores nothing. With \"records\": true (unlocked, a \
                    draft kind) it also checks the text against the current case's records \
                    and adds can_mark_sent and blocked_because beside the report. Needs no \
                    CSRF token.",
                access: Either,
                body: Some(h::CHECK),
                out: Out::Json(200, "CheckResult"),
                errors: &[401, 409],
                ..META
            },
        ),
        op(
            Get,
            "/cases",
            h::cases,
            Meta {
                id: "listCases",
                tag: "cases",
                summary: "The cases, and which one the session is on",
                out: Out::Json(200, "CaseList"),
                ..META
            },
        ),
        op(
            Post,
            "/cases",
            h::create_case,
            Meta {
                id: "createCase",
                tag: "cases",
                summary: "Create a case and make it the current one",
                body: Some(h::NEW_CASE),
                out: Out::Json(201, "Case"),
                ..META
            },
        ),
        op(
            Post,
            "/cases/{id}/select",
            h::select_case,
            Meta {
                id: "selectCase",
                tag: "cases",
                summary: "Make a case the current one (by id, number or name)",
                out: Out::Json(200, "Case"),
                errors: &[404],
                ..META
            },
        ),
        op(
            Get,
            "/status",
            h::status,
            Meta {
                id: "status",
                tag: "plan",
                summary: "The plan: phase, gates with reasons and opening times, no contact, next steps",
                about: "The same JSON as `amends status --json`.",
                query: h::STATUS_QUERY,
                out: Out::Json(200, "Plan"),
                errors: &[409, 422],
                ..META
            },
        ),
        op(
            Post,
            "/contacts",
            h::contact,
            Meta {
                id: "logContact",
                tag: "log",
                summary: "Log a contact, either way (NC-1)",
                about: "Recorded even while outreach is closed: the truth matters. The answer then \
                    has slip: true and outreach_before with the gate's reasons.",
                body: Some(h::CONTACT),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/signals",
            h::signal,
            Meta {
                id: "logSignal",
                tag: "log",
                summary: "Log what they showed or said",
                about: "A \"no\" (asked-no-contact, blocked, declined, protective-order) locks \
                    outreach for good (SAFE-1).",
                body: Some(h::SIGNAL),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/passive",
            h::passive,
            Meta {
                id: "logPassive",
                tag: "log",
                summary: "Log a passive sign of theirs: a like, a reaction, a view, word passed on",
                about: "Kept as what it is: no reply expected, and it changes no gate. It never \
                    lifts a stop and never answers an unanswered message (issue 12).",
                body: Some(h::PASSIVE),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/invitations",
            h::invitation,
            Meta {
                id: "logInvitation",
                tag: "log",
                summary: "Log that they got in touch and invited contact, with what they said",
                about: "The only record that lifts a \"no\" or a no-contact request (SAFE-1); a \
                    block only with unblocked, a new partner (WA-3) only with partner_ended. \
                    Violence and a protective order never lift.",
                body: Some(h::INVITATION),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/slips",
            h::slip,
            Meta {
                id: "logSlip",
                tag: "log",
                summary: "Log a no-contact slip that was not a message (SAFE-7)",
                body: Some(h::SLIP),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/urges",
            h::urge,
            Meta {
                id: "logUrge",
                tag: "log",
                summary: "Log an urge to reach out, and what you did instead (NC-6)",
                body: Some(h::URGE),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/habits",
            h::habit,
            Meta {
                id: "logHabit",
                tag: "log",
                summary: "Log a self-work entry (SI-1 to SI-9, DMG-9)",
                body: Some(h::HABIT),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/assessments/{form}",
            h::assess,
            Meta {
                id: "assess",
                tag: "log",
                summary: "Answer a questionnaire (GET /forms/{id} describes it)",
                body: Some(h::ANSWERS),
                out: Out::Json(201, "Logged"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Post,
            "/workbook/{section}",
            h::workbook,
            Meta {
                id: "workbook",
                tag: "log",
                summary: "Add a workbook entry (GET /forms/{id} describes the section)",
                body: Some(h::ANSWERS),
                out: Out::Json(201, "Logged"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Get,
            "/promises",
            h::promises,
            Meta {
                id: "listPromises",
                tag: "promises",
                summary: "The promises and the reliability score (TR-3, TR-4)",
                out: Out::Json(200, "Promises"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/promises",
            h::promise_add,
            Meta {
                id: "addPromise",
                tag: "promises",
                summary: "Make a promise",
                body: Some(h::PROMISE),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/promises/{id}",
            h::promise_update,
            Meta {
                id: "updatePromise",
                tag: "promises",
                summary: "Say what became of a promise",
                body: Some(h::PROMISE_UPDATE),
                out: Out::Json(201, "Logged"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Post,
            "/checkins",
            h::checkin,
            Meta {
                id: "checkin",
                tag: "promises",
                summary: "Log a check-in they agreed to (TR-5)",
                body: Some(h::CHECKIN),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Get,
            "/amends",
            h::amends,
            Meta {
                id: "listAmends",
                tag: "amends",
                summary: "The amends ledger and the gestures",
                out: Out::Json(200, "AmendsList"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/amends",
            h::amends_add,
            Meta {
                id: "addAmends",
                tag: "amends",
                summary: "Record what they asked for (AM-2, SAFE-9)",
                body: Some(h::AMENDS),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/amends/{id}",
            h::amends_update,
            Meta {
                id: "updateAmends",
                tag: "amends",
                summary: "Update where an amends item stands",
                body: Some(h::AMENDS_UPDATE),
                out: Out::Json(201, "Logged"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Post,
            "/gestures",
            h::gesture,
            Meta {
                id: "logGesture",
                tag: "amends",
                summary: "Log a kind gesture (KG-1, KG-3); it is contact you started",
                body: Some(h::GESTURE),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/needs",
            h::need,
            Meta {
                id: "logNeed",
                tag: "log",
                summary: "Log what they said they need (LS-6 to LS-8)",
                body: Some(h::NEED),
                out: Out::Json(201, "Logged"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Get,
            "/questions",
            h::questions,
            Meta {
                id: "listQuestions",
                tag: "questions",
                summary: "Their questions, oldest first, and whether each is answered (LS-1)",
                out: Out::Json(200, "QuestionList"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/questions",
            h::question_add,
            Meta {
                id: "addQuestion",
                tag: "questions",
                summary: "Log a question they asked, to answer fully and honestly (LS-1)",
                body: Some(h::QUESTION),
                out: Out::Json(201, "Recorded"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/questions/{id}/answered",
            h::question_answered,
            Meta {
                id: "answerQuestion",
                tag: "questions",
                summary: "Mark a question as answered",
                about: "Recorded as a correction of the question, so it gets a new id: the \
                    answer gives it, and GET /questions lists it under that id from now on. \
                    The history keeps that it was once open. A question already answered is a \
                    409 (already-answered), and nothing changes.",
                out: Out::Json(201, "Recorded"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Get,
            "/journal",
            h::journal,
            Meta {
                id: "listJournal",
                tag: "journal",
                summary: "The private journal, oldest first (MO-2)",
                out: Out::Json(200, "JournalList"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Post,
            "/journal",
            h::journal_add,
            Meta {
                id: "addJournal",
                tag: "journal",
                summary: "Write a journal entry; it can never be sent",
                about: "When the entry talks about self-harm, crisis is true and the crisis \
                    resources come with the answer (SAFE-3).",
                body: Some(h::JOURNAL),
                out: Out::Json(201, "JournalSaved"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Get,
            "/drafts/{kind}",
            h::draft,
            Meta {
                id: "getDraft",
                tag: "drafts",
                summary: "The working draft of a kind (kept encrypted as you type)",
                out: Out::Json(200, "Draft"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Put,
            "/drafts/{kind}",
            h::draft_save,
            Meta {
                id: "saveDraft",
                tag: "drafts",
                summary: "Replace the working draft of a kind",
                about: "Refused (409 \"refused\") while the composer is off for this person \
                    (SAFE-1, SAFE-2, SAFE-8); an empty text, which clears the draft, is always \
                    allowed.",
                body: Some(h::DRAFT),
                out: Out::Json(200, "DraftSaved"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Post,
            "/drafts/{kind}/sent",
            h::draft_sent,
            Meta {
                id: "markSent",
                tag: "drafts",
                summary: "Log that you sent a draft yourself",
                about: "Refused with 409 and every reason (reasons, verdict) unless the outreach \
                    gate is open, the kind is allowed now, and the coach's verdict is not \
                    do-not-send. amends never sends anything.",
                body: Some(h::SENT),
                out: Out::Json(201, "Logged"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Get,
            "/forms",
            h::forms_list,
            Meta {
                id: "listForms",
                tag: "forms",
                summary: "The questionnaires and workbook sections, to render them",
                out: Out::Json(200, "FormList"),
                ..META
            },
        ),
        op(
            Get,
            "/forms/{id}",
            h::form,
            Meta {
                id: "getForm",
                tag: "forms",
                summary: "One questionnaire or workbook section",
                out: Out::Json(200, "FormEntry"),
                errors: &[404],
                ..META
            },
        ),
        op(
            Get,
            "/export",
            h::export,
            Meta {
                id: "export",
                tag: "files",
                summary: "Everything, decrypted, as JSON or Markdown",
                about: "The file is not encrypted. Notes about their part (SAFE-10) are left out.",
                query: h::EXPORT_QUERY,
                out: Out::File(
                    &["application/json", "text/markdown"],
                    "The export, as a download",
                ),
                errors: &[422],
                ..META
            },
        ),
        op(
            Get,
            "/calendar.ics",
            h::calendar,
            Meta {
                id: "calendar",
                tag: "files",
                summary: "Agreed check-ins, promise dates and habit reminders as iCalendar",
                about: "Never a reminder to reach out (SAFE-6).",
                out: Out::File(&["text/calendar"], "An RFC 5545 calendar"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Get,
            "/charts",
            h::charts,
            Meta {
                id: "charts",
                tag: "plan",
                summary: "Day-by-day series of sleep, exercise, therapy and no contact",
                query: h::CHARTS_QUERY,
                out: Out::Json(200, "Series"),
                errors: &[409, 422],
                ..META
            },
        ),
        op(
            Get,
            "/events",
            h::events,
            Meta {
                id: "listEvents",
                tag: "events",
                summary: "The entries of the current case that count now, oldest first",
                about: "What the contact log and the workbook pages list, for every kind: \
                    corrected entries appear as their correction. Each entry is in the shape \
                    POST /events/{id}/correct takes.",
                query: h::EVENTS_QUERY,
                out: Out::Json(200, "EventList"),
                errors: &[409],
                ..META
            },
        ),
        op(
            Get,
            "/events/{id}",
            h::event,
            Meta {
                id: "getEvent",
                tag: "events",
                summary: "One entry of the current case, as stored",
                about: "entry is in the shape the JSON export writes and POST \
                    /events/{id}/correct takes. corrected_by names the correction that \
                    replaced it, if any: that is the version to correct.",
                out: Out::Json(200, "EventRecord"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Post,
            "/events/{id}/correct",
            h::correct,
            Meta {
                id: "correctEvent",
                tag: "events",
                summary: "Correct an entry: replace it with what should have been recorded",
                about: "The history keeps both; the plan counts the correction, which gets a \
                    new id (in the answer). Send the whole entry as it should be, in the shape \
                    GET /events/{id} shows under entry, with the same kind. It passes the \
                    checks a new entry of its kind would. A 422 names the field: entry.kind \
                    for an unknown kind (the message lists them), entry.<name> for a field \
                    the kind does not have or a value it cannot take, entry for a change of \
                    kind or an answer the form refuses. A 409 (refused) when a rule forbids \
                    it: a \"no\" cannot be corrected away (SAFE-1), nor recorded dangerous \
                    harm (SAFE-2) or harm done to you (SAFE-8), and an entry already corrected \
                    is corrected through its correction (GET /events/{id} gives \
                    corrected_by).",
                body: Some(h::CORRECT),
                out: Out::Json(201, "Recorded"),
                errors: &[404, 409],
                ..META
            },
        ),
        op(
            Get,
            "/help",
            h::help,
            Meta {
                id: "help",
                tag: "help",
                summary: "Help now: crisis lines, behaviour-change and support services (SAFE-3)",
                about: "Works while locked, like the page. Each entry names its source and the \
                    date it was last checked; amends never fetches them. local is the number \
                    you added for where you live: null while locked or when none is set.",
                access: Either,
                out: Out::Json(200, "Help"),
                ..META
            },
        ),
        op(
            Put,
            "/help/local",
            h::help_local,
            Meta {
                id: "setLocalHelp",
                tag: "help",
                summary: "Add, change or remove your own local help number",
                body: Some(h::LOCAL_HELP),
                out: Out::Json(200, "Help"),
                ..META
            },
        ),
        op(
            Get,
            "/settings",
            h::settings,
            Meta {
                id: "getSettings",
                tag: "settings",
                summary: "Time zone, calendar reminders and the gesture cost limit",
                out: Out::Json(200, "SettingsState"),
                ..META
            },
        ),
        op(
            Put,
            "/settings",
            h::settings_update,
            Meta {
                id: "updateSettings",
                tag: "settings",
                summary: "Change the time zone or tune METHOD defaults",
                about: "Only the fields given change. Targets and reminders belong to the current \
                    case.",
                body: Some(h::SETTINGS),
                out: Out::Json(200, "SettingsState"),
                errors: &[409],
                ..META
            },
        ),
    ]
}

/// The API's router, to be nested at [`PREFIX`].
pub fn router() -> Router<Shared> {
    let mut router = Router::new();
    for op in ops() {
        router = router.route(op.path, op.handler);
    }
    router
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn no_such_endpoint() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "no-such-endpoint",
        "There is no such API endpoint. GET /api/v1/openapi.json lists them all.",
    )
}

async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "This endpoint does not take that method. GET /api/v1/openapi.json lists what it takes.",
    )
}

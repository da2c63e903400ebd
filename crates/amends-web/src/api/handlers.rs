//! The API's handlers: each maps a request onto one typed command of `amends_app::command` and
//! its result onto the answer. The decisions are the app's and the core's; the session and its
//! cookies are this crate's.

use std::marker::PhantomData;

use amends_app::command::{
    self as cmd, AmendsList, CaseList, ChangePassphrase, ChartsQuery, CheckResult, CheckText,
    Command, Correct, CreateCase, Draft, DraftSaved, EventList, EventRecord, EventsQuery,
    ExportQuery, FirstRun, FormAnswers, FormEntry, FormList, Help, JournalList, JournalSaved,
    MarkSent, OnDraft, QuestionList, Recorded, SaveDraft, SetLocalHelp, SettingsState, StatusQuery,
    UpdateAmends, UpdatePromise, UpdateSettings, Wipe,
};
use amends_app::{
    App, AppError, CaseSummary, ExportFormat, KdfParams, Logged, Passphrase, StorageError,
};
use amends_core::{DraftKind, FormId, Plan};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::io::{ApiError, Body, Created, File, FileKind, Params, Query, Reply, created, ok};
use super::{Api, PREFIX};
use crate::http::{SESSION_COOKIE, WIPE_PHRASE, clear_session_cookie, cookie, session_cookie};
use crate::state::{Shared, UnlockRefused, wait_in_words};

type Answer<T> = Result<Reply<T>, ApiError>;
type Recording<T> = Result<Created<T>, ApiError>;

// --- Session ---------------------------------------------------------------------------------

/// A session started: send `csrf_token` back in the X-CSRF-Token header of every later POST
/// or PUT.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Unlocked {
    pub unlocked: bool,
    pub csrf_token: String,
}

/// Set up and unlocked. Show the warning: a forgotten passphrase cannot be recovered.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SetUp {
    pub unlocked: bool,
    pub csrf_token: String,
    pub warning: String,
}

/// The passphrase changed, and with it the session: send the new `csrf_token` from now on.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PassphraseChanged {
    pub changed: bool,
    pub csrf_token: String,
    pub warning: String,
}

/// Locked: the key is forgotten.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Locked {
    pub unlocked: bool,
}

/// Everything deleted, and locked.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Wiped {
    pub deleted: bool,
    pub unlocked: bool,
}

/// Whether amends is set up and unlocked, and the case the session is on.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Session {
    pub unlocked: bool,
    /// A passphrase has been set.
    pub initialised: bool,
    pub demo: bool,
    pub case: Option<CaseSummary>,
}

/// Said with every answer that sets a passphrase: losing it loses the data, so it is said plainly.
pub const NO_RECOVERY: &str = "A forgotten passphrase cannot be recovered: amends keeps no copy \
    and has no reset, and without it nothing stored can be read. Keep it somewhere safe.";

fn passphrase(field: &str, given: String) -> Result<Passphrase, ApiError> {
    Passphrase::new(given).map_err(|e| ApiError::invalid(field, e))
}

/// After five wrong passphrases in a row each further try waits (429 with
/// `retry_after_seconds` and Retry-After), doubling up to 15 minutes.
pub async fn unlock(State(state): State<Shared>, Body(req): Body<cmd::Unlock>) -> Answer<Unlocked> {
    if !state.data_dir_initialised() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not-initialised",
            "amends has not been set up here yet. Set it up with POST /api/v1/setup, or open it \
             in a browser once to choose a passphrase, then unlock.",
        ));
    }
    let pass = passphrase("passphrase", req.passphrase)?;
    let app = match state.try_unlock(&pass).await {
        Ok(app) => app,
        Err(UnlockRefused::Wait(wait)) => {
            let message = format!(
                "Too many wrong passphrases in a row. Wait {} and try again; nothing was changed.",
                wait_in_words(wait)
            );
            let err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", message);
            return Err(err.with("retry_after_seconds", crate::http::retry_after_secs(wait)));
        }
        Err(UnlockRefused::App(AppError::Store(StorageError::WrongPassphrase))) => {
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
    // the CSRF cookie to it; it is also in the body for a script to send in X-CSRF-Token.
    let body = Unlocked {
        unlocked: true,
        csrf_token: state.csrf_for(Some(&token)),
    };
    Ok(ok(body).with_cookie(session_cookie(&token)))
}

/// First run, as the setup page does it: the store is created and a session starts at once.
pub async fn setup(State(state): State<Shared>, Body(req): Body<FirstRun>) -> Recording<SetUp> {
    if state.data_dir_initialised() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already-set-up",
            "amends is already set up here, so nothing was changed. Unlock it with POST \
             /api/v1/unlock. If the passphrase is lost, `amends wipe` on the command line \
             deletes everything so you can start again.",
        ));
    }
    let pass = passphrase("passphrase", req.passphrase)?;
    let app = App::init(&state.data_dir, &pass, KdfParams::DEFAULT).await?;
    let token = state.start_on_first_case(app).await;
    let body = SetUp {
        unlocked: true,
        csrf_token: state.csrf_for(Some(&token)),
        warning: NO_RECOVERY.into(),
    };
    Ok(created(body).with_cookie(session_cookie(&token)))
}

pub async fn lock(State(state): State<Shared>, headers: HeaderMap) -> Reply<Locked> {
    let token = cookie(&headers, SESSION_COOKIE);
    // Only the session's own holder locks it; without one there is nothing to lock.
    if state.unlocked(token.as_deref()).await.is_some() {
        state.lock().await;
    }
    ok(Locked { unlocked: false }).with_cookie(clear_session_cookie())
}

/// Does not count as activity, so a client polling it does not keep amends unlocked.
pub async fn session(State(state): State<Shared>, headers: HeaderMap) -> Answer<Session> {
    let token = cookie(&headers, SESSION_COOKIE);
    let current = state.peek(token.as_deref()).await;
    let unlocked = current.is_some();
    let case = match current {
        Some((_, case)) => case?,
        None => None,
    };
    Ok(ok(Session {
        unlocked,
        initialised: state.data_dir_initialised(),
        demo: state.demo.is_some(),
        case,
    }))
}

/// The current passphrase first, so an unlocked screen left alone is not enough to lock its
/// owner out. A new passphrase starts a new session: the old cookie and token stop working.
pub async fn change_passphrase(
    api: Api,
    Body(req): Body<ChangePassphrase>,
) -> Answer<PassphraseChanged> {
    let current = passphrase("current", req.current)?;
    let new = passphrase("new", req.new)?;
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
    let token = api.state.rotate_session().await.unwrap_or_default();
    let body = PassphraseChanged {
        changed: true,
        warning: NO_RECOVERY.into(),
        csrf_token: api.state.csrf_for(Some(&token)),
    };
    Ok(ok(body).with_cookie(session_cookie(&token)))
}

/// Delete everything, as the settings page does: with the typed phrase, or nothing happens.
pub async fn wipe(api: Api, Body(req): Body<Wipe>) -> Answer<Wiped> {
    if req.confirm.trim() != WIPE_PHRASE {
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
    let body = Wiped {
        deleted: true,
        unlocked: false,
    };
    Ok(ok(body).with_cookie(clear_session_cookie()))
}

// --- The coach -------------------------------------------------------------------------------

/// The longest text the check runs on the async worker itself (about a millisecond's work).
const INLINE_CHECK_BYTES: usize = 8 * 1024;

#[tracing::instrument(skip_all)]
pub async fn check(
    State(state): State<Shared>,
    headers: HeaderMap,
    Body(req): Body<CheckText>,
) -> Answer<CheckResult> {
    req.validate()?;
    if !req.records {
        // The coach is CPU work, about 0.1 ms per KiB. A message of a few KiB is checked right
        // here: handing it to another thread costs more than it takes (the load test in
        // docs/web-benchmark.md). A long letter, up to a tenth of a second at 1 MiB, goes to
        // the blocking pool so it never holds up the requests queued behind it (issue 13).
        if req.text.len() <= INLINE_CHECK_BYTES {
            return Ok(ok(req.report()?));
        }
        let checked = tokio::task::spawn_blocking(move || req.report()).await;
        return Ok(ok(checked.map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("The check stopped before it finished: {e}."),
            )
        })??));
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
    Ok(ok(req.run(&api.app, api.case()?, Timestamp::now()).await?))
}

// --- Cases and the plan ----------------------------------------------------------------------

pub async fn cases(api: Api) -> Answer<CaseList> {
    let cases = api.app.cases().await?;
    let current = api.case.as_ref().map(|c| c.id.clone());
    Ok(ok(CaseList { cases, current }))
}

#[tracing::instrument(skip_all)]
pub async fn create_case(api: Api, Body(req): Body<CreateCase>) -> Recording<CaseSummary> {
    let case = req.run(&api.app).await?;
    api.state.set_case(case.id.clone()).await;
    Ok(created(case))
}

/// The id of a record.
#[derive(Deserialize, JsonSchema)]
pub struct Id {
    /// Its id (a case also by its number or name).
    pub id: String,
}

pub async fn select_case(api: Api, Params(Id { id }): Params<Id>) -> Answer<CaseSummary> {
    let case = match api.app.case(Some(&id)).await {
        Err(AppError::NoCase) => {
            return Err(ApiError::not_found(format!(
                "There is no case {id:?}: there are no cases yet."
            )));
        }
        other => other?,
    };
    api.state.set_case(case.id.clone()).await;
    Ok(ok(case))
}

pub async fn status(api: Api, Query(q): Query<StatusQuery>) -> Answer<Plan> {
    Ok(ok(q.run(&api.app, api.case()?, Timestamp::now()).await?))
}

/// Runs a command on the current case: every entry logged through the API goes through here.
#[tracing::instrument(skip_all)]
pub async fn log<C: Command<Output = Logged>>(api: Api, Body(c): Body<C>) -> Recording<Logged> {
    Ok(created(
        c.run(&api.app, api.case()?, Timestamp::now()).await?,
    ))
}

/// Like [`log`], for a command whose answer is not a [`Logged`].
#[tracing::instrument(skip_all)]
pub async fn record<C: Command>(api: Api, Body(c): Body<C>) -> Recording<C::Output>
where
    C::Output: Serialize + JsonSchema,
{
    Ok(created(
        c.run(&api.app, api.case()?, Timestamp::now()).await?,
    ))
}

/// A questionnaire, by its id.
#[derive(Deserialize, JsonSchema)]
pub struct FormParam {
    pub form: FormId,
}

/// A workbook section, by its id.
#[derive(Deserialize, JsonSchema)]
pub struct SectionParam {
    pub section: Section,
}

/// The id of a workbook section.
#[derive(Deserialize)]
pub struct Section(String);

impl JsonSchema for Section {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Section".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = amends_core::WORKBOOK.iter().map(|s| s.id).collect();
        schemars::json_schema!({ "type": "string", "enum": ids })
    }
}

#[tracing::instrument(skip_all)]
pub async fn assess(
    api: Api,
    Params(p): Params<FormParam>,
    Body(req): Body<FormAnswers>,
) -> Recording<Logged> {
    let case = api.case()?;
    Ok(created(
        req.assess(&api.app, case, p.form, Timestamp::now()).await?,
    ))
}

#[tracing::instrument(skip_all)]
pub async fn workbook(
    api: Api,
    Params(p): Params<SectionParam>,
    Body(req): Body<FormAnswers>,
) -> Recording<Logged> {
    let section = p.section.0;
    amends_core::forms::workbook_section(&section).map_err(ApiError::not_found)?;
    let case = api.case()?;
    let now = Timestamp::now();
    Ok(created(req.workbook(&api.app, case, &section, now).await?))
}

pub async fn promises(api: Api) -> Answer<amends_core::plan::Promises> {
    let plan = api.app.plan(api.case()?, Timestamp::now()).await?;
    Ok(ok(plan.promises))
}

#[tracing::instrument(skip_all)]
pub async fn update_promise(
    api: Api,
    Params(Id { id }): Params<Id>,
    Body(req): Body<UpdatePromise>,
) -> Recording<Logged> {
    // An unknown id is the app's 404 (AppError::NotFound): no plan is built here for it.
    log(api, Body(UpdatePromise { promise: id, ..req })).await
}

pub async fn amends(api: Api) -> Answer<AmendsList> {
    let plan = api.app.plan(api.case()?, Timestamp::now()).await?;
    Ok(ok(AmendsList {
        items: plan.amends,
        gestures: plan.gestures,
    }))
}

#[tracing::instrument(skip_all)]
pub async fn update_amends(
    api: Api,
    Params(Id { id }): Params<Id>,
    Body(req): Body<UpdateAmends>,
) -> Recording<Logged> {
    log(api, Body(UpdateAmends { item: id, ..req })).await
}

pub async fn questions(api: Api) -> Answer<QuestionList> {
    let questions = api.app.questions(api.case()?).await?;
    Ok(ok(QuestionList { questions }))
}

/// Marking a question answered is a correction, so the question gets a new id: the answer
/// gives it.
pub async fn answer_question(api: Api, Params(Id { id }): Params<Id>) -> Recording<Recorded> {
    let case = api.case()?;
    Ok(created(
        cmd::answer_question(&api.app, case, &id, Timestamp::now()).await?,
    ))
}

// --- Entries and corrections ----------------------------------------------------------------

pub async fn events(api: Api, Query(q): Query<EventsQuery>) -> Answer<EventList> {
    Ok(ok(q.run(&api.app, api.case()?).await?))
}

pub async fn event(api: Api, Params(Id { id }): Params<Id>) -> Answer<EventRecord> {
    Ok(ok(cmd::event(&api.app, api.case()?, &id).await?))
}

/// A correction replaces an entry in the plan; the history keeps both. The app decides what a
/// correction may be (same kind, the checks of a new entry, never undoing a SAFE fact).
#[tracing::instrument(skip_all)]
pub async fn correct(
    api: Api,
    Params(Id { id }): Params<Id>,
    Body(req): Body<Correct>,
) -> Recording<Recorded> {
    let case = api.case()?;
    Ok(created(
        req.run(&api.app, case, &id, Timestamp::now()).await?,
    ))
}

// --- Help now (SAFE-3) -----------------------------------------------------------------------

/// Works while locked. Any trouble with the session only leaves the local number out: this is
/// the answer someone in a crisis asks for.
pub async fn help(api: Result<Api, ApiError>) -> Reply<Help> {
    let api = api.ok();
    ok(Help::read(api.as_ref().map(|a| a.app.as_ref())).await)
}

#[tracing::instrument(skip_all)]
pub async fn help_local(api: Api, Body(req): Body<SetLocalHelp>) -> Answer<Help> {
    Ok(ok(req.run(&api.app).await?))
}

// --- Journal and drafts ----------------------------------------------------------------------

pub async fn journal(api: Api) -> Answer<JournalList> {
    let entries = api.app.journal(api.case()?).await?;
    Ok(ok(JournalList { entries }))
}

/// MO-2: a private entry. SAFE-3: self-harm language brings the crisis resources forward.
pub async fn journal_add(api: Api, body: Body<cmd::AddJournal>) -> Recording<JournalSaved> {
    record(api, body).await
}

/// The kind of a draft.
#[derive(Deserialize, JsonSchema)]
pub struct KindParam {
    pub kind: DraftKind,
}

pub async fn draft(api: Api, Params(KindParam { kind }): Params<KindParam>) -> Answer<Draft> {
    let text = api.app.working_draft(api.case()?, kind).await?;
    Ok(ok(Draft { kind, text }))
}

#[tracing::instrument(skip_all)]
pub async fn save_draft(
    api: Api,
    Params(KindParam { kind }): Params<KindParam>,
    Body(command): Body<SaveDraft>,
) -> Answer<DraftSaved> {
    let save = OnDraft { kind, command };
    Ok(ok(save
        .run(&api.app, api.case()?, Timestamp::now())
        .await?))
}

/// Refused, with every reason, unless the outreach gate is open and the verdict allows it.
#[tracing::instrument(skip_all)]
pub async fn mark_sent(
    api: Api,
    Params(KindParam { kind }): Params<KindParam>,
    Body(command): Body<MarkSent>,
) -> Recording<Logged> {
    log(api, Body(OnDraft { kind, command })).await
}

// --- Definitions, files, charts, settings ---------------------------------------------------

pub async fn forms() -> Reply<FormList> {
    ok(FormList::all(PREFIX))
}

pub async fn form(Params(Id { id }): Params<Id>) -> Answer<FormEntry> {
    let all = FormList::all(PREFIX).forms;
    let ids: Vec<String> = all.iter().map(|f| f.form.id.to_string()).collect();
    all.into_iter()
        .find(|f| f.form.id == id)
        .map(ok)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "There is no form {id:?}; the forms are: {}.",
                ids.join(", ")
            ))
        })
}

pub struct ExportFile;

impl FileKind for ExportFile {
    const TYPES: &'static [&'static str] = &["application/json", "text/markdown"];
    const ABOUT: &'static str = "The export, as a download";
}

pub async fn export(api: Api, Query(q): Query<ExportQuery>) -> Result<File<ExportFile>, ApiError> {
    let format = q.format.unwrap_or(ExportFormat::Json);
    let now = Timestamp::now();
    let body = api.app.export(format, now).await?;
    let file = crate::http::export_download(format, now, body);
    Ok(File(file, PhantomData))
}

pub struct CalendarFile;

impl FileKind for CalendarFile {
    const TYPES: &'static [&'static str] = &["text/calendar"];
    const ABOUT: &'static str = "An RFC 5545 calendar";
}

pub async fn calendar(api: Api) -> Result<File<CalendarFile>, ApiError> {
    let body = api.app.calendar(api.case()?, Timestamp::now()).await?;
    let file = crate::views::download(body, "text/calendar; charset=utf-8", "amends.ics");
    Ok(File(file, PhantomData))
}

pub async fn charts(api: Api, Query(q): Query<ChartsQuery>) -> Answer<amends_app::charts::Series> {
    Ok(ok(q.run(&api.app, api.case()?, Timestamp::now()).await?))
}

pub async fn settings(api: Api) -> Answer<SettingsState> {
    let now = Timestamp::now();
    Ok(ok(
        SettingsState::read(&api.app, api.case.as_ref(), now).await?
    ))
}

#[tracing::instrument(skip_all)]
pub async fn update_settings(api: Api, Body(req): Body<UpdateSettings>) -> Answer<SettingsState> {
    let now = Timestamp::now();
    Ok(ok(req.run(&api.app, api.case.as_ref(), now).await?))
}

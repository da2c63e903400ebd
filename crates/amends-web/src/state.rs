//! The server's state: at most one unlocked session at a time (this is a local, single-person
//! app), the forms kept across a lock, and the tokens that tie a browser to them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use amends_app::{App, AppError, CaseSummary};
use tokio::sync::Mutex;

/// A random 256-bit token, hex encoded.
pub fn token() -> String {
    random_key().iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes from the operating system.
pub fn random_key() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    // The OS generator failing is not something a web page can recover from; a predictable
    // token would be worse than stopping.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the system random number generator is unavailable");
    bytes
}

/// The CSRF token of a browser: an HMAC of its session token under a key that lives only in
/// this server's memory, or of "locked" when it has no session yet. A page elsewhere (another
/// port of 127.0.0.1 included: cookies ignore ports) can plant any cookie it likes, but cannot
/// compute this without the key, and a new session (unlock, passphrase change) means a new
/// token. The token is a fixed-length HMAC, so comparing it takes constant time.
pub fn csrf_token(key: &[u8; 32], session: Option<&str>) -> String {
    use hmac::{KeyInit, Mac};
    type HmacSha256 = hmac::Hmac<sha2::Sha256>;
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    match session {
        Some(s) => {
            mac.update(b"amends:csrf:v1:session\0");
            mac.update(s.as_bytes());
        }
        None => mac.update(b"amends:csrf:v1:locked"),
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares tokens without leaking, through timing, how much of a guess was right.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub struct Session {
    pub token: String,
    pub app: Arc<App>,
    pub last_seen: Instant,
    /// The case the pages are about; `None` until one exists or is chosen.
    pub case_id: Option<String>,
}

/// A form that arrived after the session had locked. Its fields stay in memory only (never on
/// disk, never in logs) until the user unlocks, so nothing they typed is lost.
pub struct PendingForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub created: Instant,
}

pub struct WebState {
    pub data_dir: PathBuf,
    /// The key CSRF tokens are derived with (see [`csrf_token`]): random per server run, never
    /// written anywhere.
    pub csrf_key: zeroize::Zeroizing<[u8; 32]>,
    pub idle_lock: Duration,
    pub demo: Option<DemoInfo>,
    pub session: Mutex<Option<Session>>,
    pub pending: Mutex<HashMap<String, PendingForm>>,
    /// Held for the whole of an unlock attempt, so guesses are also taken one at a time.
    pub unlock_throttle: Mutex<UnlockThrottle>,
    /// Issue 11: the safety plan as it was at the last unlock or save, so Help now can show it
    /// (behind a tap) while amends is locked. Only the plan is kept, never the key; it goes
    /// when everything is deleted and when the server stops.
    pub safety_plan: std::sync::Mutex<Option<amends_app::safety::SafetyPlan>>,
}

/// Slows down guessing at the passphrase, through the page or the API: the app's policy, the
/// same as the command line's.
pub use amends_app::UnlockThrottle;

/// "Wait 30 seconds" / "Wait 2 minutes": the wait in words, rounded up.
pub use amends_app::wait_in_words;

/// In demo mode the app runs on a throwaway folder and needs no unlock.
#[derive(Clone, Debug)]
pub struct DemoInfo {
    pub passphrase: String,
    /// Keeps the throwaway folder alive for as long as the server runs.
    pub _dir: Arc<TempDirGuard>,
}

/// Deletes the demo folder when the server stops.
#[derive(Debug)]
pub struct TempDirGuard(pub PathBuf);

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub type Shared = Arc<WebState>;

/// The case a session is on: `None` until one exists.
pub type CaseResult = Result<Option<CaseSummary>, AppError>;

async fn resolve_case(app: &App, case_id: Option<&str>) -> CaseResult {
    match app.case(case_id).await {
        Ok(c) => Ok(Some(c)),
        // Several cases and none chosen: take the first, the case switcher is one click away.
        Err(AppError::AmbiguousCase { .. }) => {
            Ok(app.cases().await.ok().and_then(|c| c.into_iter().next()))
        }
        Err(AppError::NoCase | AppError::UnknownCase { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Why an unlock attempt did not open amends.
pub enum UnlockRefused {
    /// Too many wrong passphrases in a row: this one was not even tried.
    Wait(Duration),
    App(AppError),
}

impl WebState {
    /// Opens the store with `pass`, one attempt at a time and subject to the throttle. The
    /// page and the API both come through here, so neither is a way around it.
    pub async fn try_unlock(&self, pass: &amends_app::Passphrase) -> Result<App, UnlockRefused> {
        let mut throttle = self.unlock_throttle.lock().await;
        throttle
            .check(Instant::now())
            .map_err(UnlockRefused::Wait)?;
        match App::open(&self.data_dir, pass).await {
            Ok(app) => {
                throttle.succeeded();
                Ok(app)
            }
            Err(e) => {
                if matches!(
                    e,
                    AppError::Store(amends_app::StorageError::WrongPassphrase)
                ) {
                    throttle.failed(Instant::now());
                }
                Err(UnlockRefused::App(e))
            }
        }
    }

    /// The CSRF token for a browser holding `session` (its session cookie, live or not).
    pub fn csrf_for(&self, session: Option<&str>) -> String {
        csrf_token(&self.csrf_key, session.filter(|s| !s.is_empty()))
    }

    /// Gives the live session a new token (after a passphrase change), so the old session
    /// cookie and every CSRF token derived from it stop working. `None` when locked.
    pub async fn rotate_session(&self) -> Option<String> {
        let mut guard = self.session.lock().await;
        let session = guard.as_mut()?;
        session.token = token();
        session.last_seen = Instant::now();
        Some(session.token.clone())
    }

    pub fn data_dir_initialised(&self) -> bool {
        amends_app::App::exists(&self.data_dir)
    }

    /// The unlocked app, if the session token matches and the session has not gone idle.
    /// Touches the session, so activity keeps it open.
    pub async fn unlocked(&self, token: Option<&str>) -> Option<(Arc<App>, Option<String>)> {
        self.session_for(token, true).await
    }

    async fn session_for(
        &self,
        token: Option<&str>,
        touch: bool,
    ) -> Option<(Arc<App>, Option<String>)> {
        let mut guard = self.session.lock().await;
        let expired = guard
            .as_ref()
            .is_some_and(|s| s.last_seen.elapsed() > self.idle_lock);
        if expired && self.demo.is_none() {
            *guard = None;
            return None;
        }
        // The data was wiped (or replaced) under us, e.g. by `amends wipe` on the command
        // line: lock, rather than go on writing to and serving a file that is gone (issue 14,
        // defect 7).
        if guard.as_ref().is_some_and(|s| !s.app.still_on_disk()) {
            tracing::warn!("the data file was deleted or replaced while unlocked; locking");
            *guard = None;
            return None;
        }
        let session = guard.as_mut()?;
        let ok = self.demo.is_some() || token.is_some_and(|t| same_token(t, &session.token));
        if !ok {
            return None;
        }
        if touch {
            session.last_seen = Instant::now();
        }
        Some((session.app.clone(), session.case_id.clone()))
    }

    /// The unlocked app and the case the request is about, for the pages and the API alike.
    /// `None` when locked; the case is `None` until one exists.
    pub async fn current(&self, token: Option<&str>) -> Option<(Arc<App>, CaseResult)> {
        let (app, case_id) = self.unlocked(token).await?;
        let case = resolve_case(&app, case_id.as_deref()).await;
        Some((app, case))
    }

    /// The same without counting as activity: asking whether amends is unlocked must not keep
    /// it unlocked.
    pub async fn peek(&self, token: Option<&str>) -> Option<(Arc<App>, CaseResult)> {
        let (app, case_id) = self.session_for(token, false).await?;
        let case = resolve_case(&app, case_id.as_deref()).await;
        Some((app, case))
    }

    /// Starts a session for `app`, replacing any other: one person, one browser.
    pub async fn start(&self, app: App, case_id: Option<String>) -> String {
        let plan = app.safety_plan().await.ok().flatten();
        self.keep_safety_plan(plan);
        let token = token();
        let mut guard = self.session.lock().await;
        *guard = Some(Session {
            token: token.clone(),
            app: Arc::new(app),
            last_seen: Instant::now(),
            case_id,
        });
        token
    }

    /// Starts a session on the first case, where an unlock lands.
    pub async fn start_on_first_case(&self, app: App) -> String {
        let case = app
            .cases()
            .await
            .ok()
            .and_then(|c| c.into_iter().next())
            .map(|c| c.id);
        self.start(app, case).await
    }

    pub async fn set_case(&self, case_id: String) {
        if let Some(s) = self.session.lock().await.as_mut() {
            s.case_id = Some(case_id);
        }
    }

    /// Keeps the safety plan for Help now while locked (issue 11); `None` forgets it.
    pub fn keep_safety_plan(&self, plan: Option<amends_app::safety::SafetyPlan>) {
        if let Ok(mut kept) = self.safety_plan.lock() {
            *kept = plan;
        }
    }

    /// The safety plan kept for Help now.
    pub fn kept_safety_plan(&self) -> Option<amends_app::safety::SafetyPlan> {
        self.safety_plan.lock().ok().and_then(|p| p.clone())
    }

    /// Drops the session and with it the data key.
    pub async fn lock(&self) {
        let old = self.session.lock().await.take();
        if let Some(s) = old {
            // Close the store only when no request still holds the app.
            if let Ok(app) = Arc::try_unwrap(s.app) {
                app.close().await;
            }
        }
    }

    /// Locks an idle session; run periodically so the key does not linger in memory.
    pub async fn lock_if_idle(&self) {
        if self.demo.is_some() {
            return;
        }
        let idle_or_gone = self
            .session
            .lock()
            .await
            .as_ref()
            .is_some_and(|s| s.last_seen.elapsed() > self.idle_lock || !s.app.still_on_disk());
        if idle_or_gone {
            self.lock().await;
        }
        // Kept forms expire too: an hour is long enough to come back and unlock.
        self.pending
            .lock()
            .await
            .retain(|_, p| p.created.elapsed() < Duration::from_secs(3600));
    }

    pub async fn keep_form(&self, action: String, fields: Vec<(String, String)>) -> String {
        let id = token();
        let mut pending = self.pending.lock().await;
        // Bound the memory a flood of stale posts could take.
        if pending.len() >= 32
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.created)
                .map(|(k, _)| k.clone())
        {
            pending.remove(&oldest);
        }
        pending.insert(
            id.clone(),
            PendingForm {
                action,
                fields,
                created: Instant::now(),
            },
        );
        id
    }

    pub async fn take_form(&self, id: &str) -> Option<PendingForm> {
        self.pending.lock().await.remove(id)
    }
}

//! amends as people use it: a local web app on 127.0.0.1.
//!
//! axum serves askama templates; htmx (vendored, see `assets/vendor`) adds live checking while
//! typing, and every page also works without JavaScript. Nothing is fetched from elsewhere.
//! Handlers only translate: the decisions are made by the `amends-app` use cases.

// Handlers return an early `Response` as their error; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod api;
mod assets;
mod http;
mod pages;
mod security;
mod state;
mod views;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::sync::Mutex;

pub use security::{CSP, MAX_BODY_BYTES};
pub use state::{DemoInfo, Shared, TempDirGuard, WebState};

pub const DEFAULT_PORT: u16 = 7777;

/// How long an untouched session stays unlocked.
pub const DEFAULT_IDLE_LOCK: Duration = Duration::from_secs(15 * 60);

#[derive(Clone, Debug)]
pub struct Options {
    pub data_dir: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Binding to anything but loopback needs this, and prints a warning.
    pub allow_remote: bool,
    pub idle_lock: Duration,
}

impl Options {
    pub fn local(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            allow_remote: false,
            idle_lock: DEFAULT_IDLE_LOCK,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "{0} is not a loopback address: other computers could reach your private notes. Pass \
         --allow-remote if you really mean it."
    )]
    RemoteNotAllowed(IpAddr),
    #[error("could not listen on {addr}: {source}. Is amends already running? Try another --port.")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not prepare the demo: {0}")]
    Demo(String),
}

/// The state for a server on `data_dir`.
pub fn state(data_dir: PathBuf, idle_lock: Duration, demo: Option<DemoInfo>) -> Shared {
    Arc::new(WebState {
        data_dir,
        csrf_key: zeroize::Zeroizing::new(state::random_key()),
        idle_lock,
        demo,
        session: Mutex::new(None),
        pending: Mutex::new(Default::default()),
        unlock_throttle: Mutex::new(Default::default()),
        safety_plan: std::sync::Mutex::new(None),
    })
}

/// Every route of the app. `loopback_only` turns on the Host-header check against DNS rebinding.
#[rustfmt::skip]
pub fn router(state: Shared, loopback_only: bool) -> Router {
    use pages::*;
    Router::new()
        .route("/", get(today::show))
        .route("/setup", get(auth::setup_form).post(auth::setup))
        .route("/unlock", get(auth::unlock_form).post(auth::unlock))
        .route("/lock", post(auth::lock))
        .route("/resume/{id}", get(auth::resume))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/select", post(cases::select))
        .route("/assess", get(assess::index))
        .route("/assess/{form}", get(assess::show).post(assess::save))
        .route("/assess/{form}/saved", get(assess::saved))
        .route("/workbook", get(workbook::show))
        .route("/workbook/habit", post(workbook::habit))
        .route("/workbook/row/{id}", get(workbook::edit).post(workbook::update))
        .route("/workbook/{section}", post(workbook::add))
        .route("/moving-on", get(moving_on::show))
        .route("/journal", get(journal::show).post(journal::add))
        .route("/self-work", get(selfwork::show).post(selfwork::log))
        .route("/composer", get(composer::show).post(composer::submit))
        .route("/composer/live", post(composer::live))
        .route("/composer/sent", post(composer::sent))
        .route("/contacts", get(contacts::show).post(contacts::log_contact))
        .route("/signals", post(contacts::log_signal))
        .route("/passive", post(contacts::log_passive))
        .route("/invitations", post(contacts::log_invitation))
        .route("/questions", post(contacts::log_question))
        .route("/questions/answered", post(contacts::answer_question))
        .route("/needs", post(contacts::log_need))
        .route("/safety/check", post(safety::check))
        .route("/safety-plan", get(safety::show_plan).post(safety::save_plan))
        .route("/no-contact", get(nocontact::show))
        .route("/no-contact/urge", get(nocontact::urge_form).post(nocontact::log_urge))
        .route("/no-contact/slip", post(nocontact::log_slip))
        .route("/promises", get(promises::show).post(promises::add))
        .route("/promises/update", post(promises::update))
        .route("/checkins", post(promises::checkin))
        .route("/amends", get(amendsgifts::show).post(amendsgifts::add_item))
        .route("/amends/update", post(amendsgifts::update_item))
        .route("/gestures", post(amendsgifts::add_gesture))
        .route("/settings", get(settings::show))
        .route("/settings/passphrase", post(settings::passphrase))
        .route("/settings/export", get(settings::export))
        .route("/settings/wipe", post(settings::wipe))
        .route("/settings/time-zone", post(settings::time_zone))
        .route("/settings/method", post(settings::method_settings))
        .route("/settings/calendar.ics", get(settings::calendar))
        .route("/help", get(help::show))
        .route("/help/local", post(help::set_local))
        .nest(api::PREFIX, api::router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .layer(axum::Extension(security::HostPolicy { loopback_only }))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Runs the server until Ctrl-C. `ready` is called with the bound address once it listens.
pub async fn serve(
    opts: Options,
    demo: Option<DemoInfo>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    if !opts.bind.is_loopback() && !opts.allow_remote {
        return Err(ServeError::RemoteNotAllowed(opts.bind));
    }
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    let state = state(opts.data_dir.clone(), opts.idle_lock, demo);
    if let Some(info) = &state.demo {
        let pass = amends_app::Passphrase::new(info.passphrase.clone())
            .map_err(|e| ServeError::Demo(e.to_string()))?;
        let app = amends_app::App::open(&state.data_dir, &pass)
            .await
            .map_err(|e| ServeError::Demo(e.to_string()))?;
        state.start_on_first_case(app).await;
    }
    let idle = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(20)).await;
            idle.lock_if_idle().await;
        }
    });
    // On a loopback address the Host check stays on whatever --allow-remote says: it is what
    // stops DNS rebinding, and only a non-loopback listener needs other names (issue 14,
    // defect 12).
    let app = router(state.clone(), opts.bind.is_loopback());
    ready(local);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    state.lock().await;
    Ok(())
}

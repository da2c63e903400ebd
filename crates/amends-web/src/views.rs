//! Page scaffolding shared by every screen, and the small templates that are not a screen of
//! their own. Every value from the user goes through askama's HTML escaping.

use askama::Template;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

/// One entry of the main navigation.
pub struct NavItem {
    pub id: &'static str,
    pub href: &'static str,
    pub label: &'static str,
}

const fn nav(id: &'static str, href: &'static str, label: &'static str) -> NavItem {
    NavItem { id, href, label }
}

/// The screens of the method in the order a person meets them.
#[rustfmt::skip]
pub const NAV: &[NavItem] = &[
    nav("today", "/", "Today"), nav("intake", "/assess/intake", "Intake"),
    nav("workbook", "/workbook", "Workbook"), nav("nocontact", "/no-contact", "No contact"),
    nav("selfwork", "/self-work", "Self-work"), nav("composer", "/composer", "Composer"),
    nav("contacts", "/contacts", "Contact log"), nav("amends", "/amends", "Amends"),
    nav("promises", "/promises", "Promises"), nav("journal", "/journal", "Journal"),
    nav("moving-on", "/moving-on", "Moving on"), nav("cases", "/cases", "Cases"),
    nav("settings", "/settings", "Settings"),
];

/// What the layout needs on every page.
pub struct Page {
    pub title: String,
    pub csrf: String,
    pub nav: &'static str,
    pub unlocked: bool,
    pub case_name: Option<String>,
    pub demo: bool,
    /// SAFE-3: self-harm language was found (just now, or in the last day); the help panel
    /// comes first, at the top of the screen.
    pub crisis: bool,
    /// SAFE-4: a threat to someone else was found; the panel shows the lines for people worried
    /// about their own anger or violence.
    pub threat: bool,
    /// The user's safety plan, shown first in the panel (issue 11).
    pub safety_plan: Option<amends_app::safety::SafetyPlan>,
    pub notice: Option<String>,
    /// Seconds of inactivity after which the page hides itself (0: never).
    pub idle_seconds: u64,
    /// The user's time zone, for every date on the page.
    pub tz: jiff::tz::TimeZone,
}

impl Page {
    pub fn new(title: impl Into<String>, csrf: &str) -> Self {
        Self {
            title: title.into(),
            csrf: csrf.to_string(),
            nav: "",
            unlocked: false,
            case_name: None,
            demo: false,
            crisis: false,
            threat: false,
            safety_plan: None,
            notice: None,
            idle_seconds: 0,
            tz: jiff::tz::TimeZone::system(),
        }
    }

    /// SAFE-4: lines for people worried about their own anger or violence.
    pub fn anger_resources(&self) -> &'static [amends_app::help::Resource] {
        &amends_app::help::resources().anger
    }

    /// The crisis lines that can be dialled from the panel with one tap.
    pub fn dialable_crisis(&self) -> Vec<&'static amends_app::help::Resource> {
        amends_app::help::resources()
            .crisis
            .iter()
            .filter(|r| r.tel.is_some())
            .collect()
    }

    pub fn nav_items(&self) -> &'static [NavItem] {
        if self.unlocked { NAV } else { &[] }
    }

    /// A moment as people read it, in the user's time zone.
    pub fn when(&self, t: &jiff::Timestamp) -> String {
        t.to_zoned_datetime(self.tz.clone())
            .strftime("%a %-d %b %Y, %H:%M")
            .to_string()
    }

    /// The page with a notice at the top (something saved, a slip recorded).
    pub fn notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }
}

/// Renders a template, or a plain error page if the template itself fails.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            let mut res = (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong while showing this page. Nothing you entered was lost; go back and try again.",
            )
                .into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            res
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub heading: String,
    pub message: String,
}

pub fn error_page(status: StatusCode, heading: &str, message: &str, csrf: &str) -> Response {
    render_status(
        status,
        &ErrorPage {
            page: Page::new(heading, csrf),
            heading: heading.into(),
            message: message.into(),
        },
    )
}

/// Escapes text for the few fragments written without a template.
pub fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A file to save rather than a page to show.
pub fn download(body: String, mime: &'static str, filename: &str) -> Response {
    // File names are built from dates and fixed words, so the header is always valid.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub use amends_app::views::{capitalise, sentence};

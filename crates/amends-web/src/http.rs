//! The leaf of the web crate: how an app error becomes an answer. Pages, the API and the
//! security guard all take from here and from nowhere else, so none imports another.

use std::fmt;

use amends_app::AppError;
use axum::http::StatusCode;

/// The status the app's one mapping gives an error (`AppError::status`), for pages and API.
pub fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A problem shown beside a form (the form kept), with the status the page answers with: the
/// same as the API's for the same error (a refusal is a 409 on both, not a 422 on pages).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub status: StatusCode,
    pub message: String,
}

impl Problem {
    /// An error of a use case, in a sentence.
    pub fn app(e: &AppError) -> Self {
        Self {
            status: status_of(e),
            message: crate::views::sentence(e),
        }
    }
}

/// Input the page itself found unusable: a 422.
impl From<String> for Problem {
    fn from(message: String) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
        }
    }
}

impl From<&AppError> for Problem {
    fn from(e: &AppError) -> Self {
        Self::app(e)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

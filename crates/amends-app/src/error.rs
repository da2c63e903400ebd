//! What can go wrong in a use case, as types: each error knows its HTTP status, its stable code
//! and its CLI exit code, here and nowhere else, so the pages, the API and the CLI answer alike
//! for the same refusal (issue 13: pages said 422 where the API said 409).

use std::fmt;
use std::path::PathBuf;

use amends_core::Reason;
use amends_core::plan::Capability;
use amends_lint::Verdict;
use amends_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),

    /// No session holds the key: the front end asks for the passphrase.
    #[error("amends is locked; unlock it with your passphrase first")]
    Locked,

    #[error(
        "there is no case yet. Create one first, e.g. `amends case new --name NAME --relationship partner`."
    )]
    NoCase,

    #[error("there is more than one case; say which with --case ({choices})")]
    AmbiguousCase { choices: String },

    #[error("no case matches {selector:?}; the cases are: {choices}")]
    UnknownCase { selector: String, choices: String },

    /// A selector that names more than one case (a case named "2" and case number 2, two
    /// cases with one name): refused rather than guessed.
    #[error(
        "{selector:?} could mean more than one case: {matches}. Nothing was done. Say which with \
         the case's id, e.g. --case {example}"
    )]
    CaseSelectorAmbiguous {
        selector: String,
        matches: String,
        example: String,
    },

    /// An id that names no record of its kind; `hint` says where the ids are listed.
    #[error("there is no {what} with id {id:?}{hint}")]
    NotFound {
        what: &'static str,
        id: String,
        hint: &'static str,
    },

    #[error("there is nothing to save: the text is empty")]
    EmptyText,

    #[error(
        "the text is {size} bytes, over the limit of {limit} bytes (1 MiB). Split it into smaller entries."
    )]
    TooLong {
        size: usize,
        limit: usize,
        /// The field that holds the text, when a front end named it.
        field: Option<&'static str>,
    },

    #[error(
        "the text is not valid UTF-8 (the first bad byte is at offset {offset}). Save it as UTF-8 and try again."
    )]
    InvalidUtf8 { offset: usize },

    #[error("the name is empty; give the case a name or a label (it is stored encrypted)")]
    EmptyName,

    #[error(
        "entry {id} could not be read ({detail}). It may have been written by a newer version of amends."
    )]
    UnreadableEvent { id: String, detail: String },

    /// Input that cannot be used, with the field to blame when one is.
    #[error("{message}")]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },

    /// Too many wrong passphrases in a row: this one was not tried.
    #[error(
        "too many wrong passphrases in a row. Wait {wait} and try again; nothing was changed. A \
         forgotten passphrase cannot be recovered; `amends wipe` deletes everything so you can \
         start again"
    )]
    TooManyTries { wait: String },

    /// A clear request that a rule forbids as things stand. Front ends show it as a refusal
    /// with its reasons, not as input to fix.
    #[error("{0}")]
    Refused(Refusal),

    /// Answers to a questionnaire or a workbook section that did not pass its checks: one
    /// message per problem, each starting with the question id, so a form can show each one
    /// next to its question.
    #[error("{}", .0.join("; "))]
    Answers(Vec<String>),

    #[error("could not write {}: {detail}", path.display())]
    Io { path: PathBuf, detail: String },
}

/// How a front end should treat an error: one class per answer it gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Input to fix (422; exit 1).
    Invalid,
    /// Input over a size limit (413; exit 1).
    TooLarge,
    /// No such record (404; exit 1).
    NotFound,
    /// Not possible in the current state: no case yet, more than one, damaged data (409; exit 1).
    Conflict,
    /// A rule of the method forbids it as things stand (409; exit 3).
    Refused,
    /// Locked, or the passphrase is wrong (401; exit 4).
    Locked,
    /// Too many wrong passphrases (429; exit 4).
    Throttled,
    /// A fault here or on the disk (500; exit 70, sysexits' EX_SOFTWARE).
    Internal,
}

impl ErrorClass {
    pub fn status(self) -> u16 {
        match self {
            ErrorClass::Invalid => 422,
            ErrorClass::TooLarge => 413,
            ErrorClass::NotFound => 404,
            ErrorClass::Conflict | ErrorClass::Refused => 409,
            ErrorClass::Locked => 401,
            ErrorClass::Throttled => 429,
            ErrorClass::Internal => 500,
        }
    }

    /// The CLI's exit code. 1 keeps the meaning it always had (something to fix in what was
    /// asked); a refusal and a lock get their own so a script can tell them apart.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorClass::Invalid
            | ErrorClass::TooLarge
            | ErrorClass::NotFound
            | ErrorClass::Conflict => 1,
            ErrorClass::Refused => 3,
            ErrorClass::Locked | ErrorClass::Throttled => 4,
            ErrorClass::Internal => 70,
        }
    }
}

impl AppError {
    /// Input that cannot be used, with no one field to blame.
    pub fn invalid(message: String) -> Self {
        AppError::Invalid {
            field: None,
            message,
        }
    }

    /// Input that cannot be used, naming the field (as the API and the forms call it).
    pub fn field(field: &'static str, message: String) -> Self {
        AppError::Invalid {
            field: Some(field),
            message,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            AppError::Store(StoreError::WrongPassphrase) | AppError::Locked => ErrorClass::Locked,
            AppError::TooManyTries { .. } => ErrorClass::Throttled,
            AppError::TooLong { .. } => ErrorClass::TooLarge,
            // A damaged history is the data's state, not a fault here (issue 14): the message
            // names each problem and says to export and restore a backup.
            AppError::Store(StoreError::Damaged { .. })
            | AppError::NoCase
            | AppError::AmbiguousCase { .. }
            | AppError::CaseSelectorAmbiguous { .. } => ErrorClass::Conflict,
            AppError::Refused(_) => ErrorClass::Refused,
            AppError::UnknownCase { .. } | AppError::NotFound { .. } => ErrorClass::NotFound,
            AppError::Store(_) | AppError::Io { .. } | AppError::UnreadableEvent { .. } => {
                ErrorClass::Internal
            }
            AppError::EmptyText
            | AppError::EmptyName
            | AppError::InvalidUtf8 { .. }
            | AppError::Invalid { .. }
            | AppError::Answers(_) => ErrorClass::Invalid,
        }
    }

    /// The HTTP status, for the pages and the API alike.
    pub fn status(&self) -> u16 {
        self.class().status()
    }

    pub fn exit_code(&self) -> u8 {
        self.class().exit_code()
    }

    /// The stable code of the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Store(StoreError::WrongPassphrase) => "wrong-passphrase",
            AppError::Locked => "locked",
            AppError::TooManyTries { .. } => "too-many-attempts",
            AppError::TooLong { .. } => "too-large",
            AppError::Store(StoreError::Damaged { .. }) => "damaged",
            AppError::NoCase => "no-case",
            AppError::AmbiguousCase { .. } | AppError::CaseSelectorAmbiguous { .. } => {
                "ambiguous-case"
            }
            AppError::Refused(r) => r.code(),
            AppError::UnknownCase { .. } | AppError::NotFound { .. } => "not-found",
            AppError::Store(_) | AppError::Io { .. } | AppError::UnreadableEvent { .. } => {
                "internal"
            }
            AppError::EmptyText
            | AppError::EmptyName
            | AppError::InvalidUtf8 { .. }
            | AppError::Invalid { .. }
            | AppError::Answers(_) => "invalid",
        }
    }

    /// The field to blame, when the use case knows it.
    pub fn blamed_field(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid { field, .. } | AppError::TooLong { field, .. } => *field,
            _ => None,
        }
    }
}

/// A rule of the method that refuses a request as things stand, with its reasons.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// Issue 12: a hold of the table, or the plan, closes what was asked for.
    Closed {
        capability: Capability,
        reasons: Vec<Reason>,
    },
    /// SAFE-1, SAFE-2, SAFE-8, WA-3: no drafts to them while a stop holds; the journal stays
    /// open.
    ComposerOff { reasons: Vec<Reason> },
    /// Issue 12: under a stop a warm sign of theirs lifts nothing; only their invitation does.
    SignLiftsNothing {
        signal: &'static str,
        reasons: Vec<Reason>,
    },
    /// Issue 12: no gesture is planned under a hold; one already given is contact.
    GestureHeld { reasons: Vec<Reason> },
    /// A draft that may not be logged as sent, with every reason and the coach's verdict.
    NotSendable {
        reasons: Vec<String>,
        verdict: Verdict,
    },
    /// Two corrections of one entry would both count.
    AlreadyCorrected { id: String, by: String },
    /// SAFE-1: a "no" can't be corrected away.
    FinalNo,
    /// SAFE-2: recorded dangerous harm stays on record.
    DangerRecorded {
        id: String,
        dangers: Vec<&'static str>,
    },
    /// SAFE-8: recorded harm done to the user stays on record.
    HarmToYouRecorded {
        id: String,
        dangers: Vec<&'static str>,
    },
    /// SAFE-1: an invitation lifted a stop, so it is never rewritten afterwards.
    InvitationStands { id: String },
    /// LS-1: a question marked answered once; a second mark would change nothing.
    AlreadyAnswered,
}

/// "text (METHOD)", the way every front end shows a reason.
pub fn reason_line(r: &Reason) -> String {
    r.to_string()
}

fn lines(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(reason_line)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Refusal {
    /// The stable code of the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotSendable { .. } => "not-sendable",
            Refusal::AlreadyAnswered => "already-answered",
            _ => "refused",
        }
    }

    /// Each reason on its own, for a list.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Refusal::Closed { reasons, .. }
            | Refusal::ComposerOff { reasons }
            | Refusal::SignLiftsNothing { reasons, .. }
            | Refusal::GestureHeld { reasons } => reasons.iter().map(reason_line).collect(),
            Refusal::NotSendable { reasons, .. } => reasons.clone(),
            _ => vec![self.to_string()],
        }
    }

    /// The coach's verdict, for a draft refused as not sendable.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            Refusal::NotSendable { verdict, .. } => Some(*verdict),
            _ => None,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Closed {
                capability,
                reasons,
            } => write!(
                f,
                "{} is closed now. {}",
                capitalise(capability.describe()),
                lines(reasons)
            ),
            Refusal::ComposerOff { reasons } => write!(
                f,
                "Drafts to them are off: {} Your journal is always open, and nothing in it is \
                 ever sent.",
                lines(reasons)
            ),
            Refusal::SignLiftsNothing { signal, reasons } => write!(
                f,
                "{} A sign like \u{201c}{signal}\u{201d} does not change that: only their \
                 invitation does, recorded with what they said.",
                lines(reasons)
            ),
            Refusal::GestureHeld { reasons } => write!(
                f,
                "{} If you already gave them something, log it as contact you started (by \
                 gift): it is kept, as a slip.",
                Refusal::Closed {
                    capability: Capability::Gesture,
                    reasons: reasons.clone(),
                }
            ),
            Refusal::NotSendable { reasons, .. } => write!(
                f,
                "This draft cannot be marked as sent: {}",
                reasons.join(" ")
            ),
            Refusal::AlreadyCorrected { id, by } => write!(
                f,
                "entry {id} was corrected already, by entry {by}; correct that one, the version \
                 that counts now"
            ),
            Refusal::FinalNo => f.write_str(
                "a \"no\" can't be corrected away (SAFE-1). If they get in touch themselves, log \
                 that contact as one they started.",
            ),
            Refusal::DangerRecorded { id, dangers } => write!(
                f,
                "entry {id} records dangerous harm ({}), and that can't be corrected away \
                 (SAFE-2): it decides which help fits, so it stays on record. Correct the rest \
                 and keep those answers as they are.",
                dangers.join(", ")
            ),
            Refusal::HarmToYouRecorded { id, dangers } => write!(
                f,
                "entry {id} records harm done to you ({}), and that can't be corrected away \
                 (SAFE-8): it keeps the support meant for you in view. Correct the rest and \
                 keep those answers as they are.",
                dangers.join(", ")
            ),
            Refusal::InvitationStands { id } => write!(
                f,
                "entry {id} records that they invited contact, and that can't be changed \
                 afterwards: it is what lifted a stop. If it was recorded by mistake, record \
                 their wish again (for example that they said no) and it holds from then."
            ),
            Refusal::AlreadyAnswered => {
                f.write_str("That question is already marked answered; nothing was changed.")
            }
        }
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

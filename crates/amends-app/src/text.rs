//! Limits on what the user types, checked before anything is stored.

use crate::{AppError, Result};

/// The most one journal entry or draft may hold. Larger texts are refused, not truncated.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Turns raw input (stdin, a file, a form) into text, refusing invalid UTF-8 with the offset of
/// the first bad byte, and anything over the limit.
pub fn text_from_bytes(bytes: Vec<u8>) -> Result<String> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(AppError::TooLong {
            size: bytes.len(),
            limit: MAX_TEXT_BYTES,
            field: None,
        });
    }
    String::from_utf8(bytes).map_err(|e| AppError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

pub(crate) fn check_entry(text: &str) -> Result<&str> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(AppError::TooLong {
            size: text.len(),
            limit: MAX_TEXT_BYTES,
            field: None,
        });
    }
    if text.trim().is_empty() {
        return Err(AppError::EmptyText);
    }
    Ok(text)
}

/// Text safe to print on a terminal: control characters (a newline, an escape that starts an
/// ANSI sequence, ...) and the invisible marks that reverse the direction of text are shown
/// as escapes (`\n`, `\u{1b}`) instead of acting on the terminal (issue 14, defect 12). For
/// names and other one-line labels; the HTML pages escape on their own.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = acts_on_terminal;
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if acts(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A character that does something on a terminal instead of showing: a control character, or
/// a mark that reverses the direction of the text after it.
pub(crate) fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = text_from_bytes(b"abc\xffdef".to_vec()).unwrap_err();
        assert!(matches!(err, AppError::InvalidUtf8 { offset: 3 }));
        assert!(err.to_string().contains("offset 3"));
    }

    #[test]
    fn the_limit_is_stated() {
        let err = text_from_bytes(vec![b'a'; MAX_TEXT_BYTES + 1]).unwrap_err();
        assert!(err.to_string().contains("1048576"), "{err}");
        assert!(text_from_bytes(vec![b'a'; MAX_TEXT_BYTES]).is_ok());
    }

    #[test]
    fn blank_entries_are_refused() {
        assert!(matches!(check_entry(" \n\t"), Err(AppError::EmptyText)));
    }

    #[test]
    fn printable_shows_what_would_act_on_a_terminal_as_escapes() {
        assert_eq!(printable("Sam"), "Sam");
        assert_eq!(printable("Sam\u{1b}[2J\nx"), "Sam\\u{1b}[2J\\nx");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
    }
}

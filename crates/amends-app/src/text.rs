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
        });
    }
    if text.trim().is_empty() {
        return Err(AppError::EmptyText);
    }
    Ok(text)
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
}

//! Where the data lives: `--data-dir`, then `AMENDS_DATA_DIR`, then the platform's data
//! directory (XDG on Linux: `~/.local/share/amends`).

use std::path::PathBuf;

use crate::{AppError, Result};

pub const DATA_DIR_ENV: &str = "AMENDS_DATA_DIR";

pub fn resolve_data_dir(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "amends")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            AppError::invalid(
                "could not find a home directory for the data; pass --data-dir DIR or set \
                 AMENDS_DATA_DIR"
                    .into(),
            )
        })
}

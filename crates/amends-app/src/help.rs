//! Help now: the offline crisis, behaviour-change and support lists (SAFE-3, SAFE-2, SAFE-8),
//! and the user's own local number, kept sealed like everything else they write.

use std::sync::LazyLock;

use amends_store::Store;
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub region: String,
    pub name: String,
    pub contact: String,
    pub when: String,
    /// Where the entry comes from, as text; amends never fetches it.
    pub source: String,
    /// The date a person last checked the entry against its source.
    pub checked: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpResources {
    /// SAFE-3: for anyone thinking about hurting themselves.
    pub crisis: Vec<Resource>,
    /// SAFE-2: for someone who harmed a partner and wants to change.
    pub behaviour_change: Vec<Resource>,
    /// SAFE-8: for a user who was the one harmed.
    pub support: Vec<Resource>,
}

static RESOURCES: LazyLock<HelpResources> = LazyLock::new(|| {
    // The file is part of the build and parsed by a test, so failure here is a build defect;
    // an empty list is still better than a panic on the page meant for a crisis.
    toml::from_str(include_str!("../data/help.toml")).unwrap_or_default()
});

pub fn resources() -> &'static HelpResources {
    &RESOURCES
}

const LOCAL_HELP_KEY: &str = "help.local";

impl App {
    /// The number or service the user added for where they live.
    pub async fn local_help(&self) -> Result<Option<String>> {
        let raw = self.store.setting(&self.vault, LOCAL_HELP_KEY).await?;
        Ok(raw
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .filter(|s| !s.trim().is_empty()))
    }

    pub async fn set_local_help(&self, text: &str) -> Result<()> {
        let text = text.trim();
        if text.len() > 500 {
            return Err(AppError::Invalid(
                "that is over 500 characters; a name and a number are enough".into(),
            ));
        }
        self.store
            .set_setting(&self.vault, LOCAL_HELP_KEY, text.as_bytes())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_parse_and_every_entry_has_a_source_and_a_check_date() {
        let parsed: HelpResources = toml::from_str(include_str!("../data/help.toml")).unwrap();
        assert!(parsed.crisis.len() >= 5);
        assert!(!parsed.behaviour_change.is_empty());
        assert!(!parsed.support.is_empty());
        for r in parsed
            .crisis
            .iter()
            .chain(&parsed.behaviour_change)
            .chain(&parsed.support)
        {
            assert!(!r.source.trim().is_empty(), "{} has no source", r.name);
            assert!(
                jiff::civil::Date::strptime("%Y-%m-%d", &r.checked).is_ok(),
                "{}: {}",
                r.name,
                r.checked
            );
        }
        assert_eq!(resources(), &parsed);
    }
}

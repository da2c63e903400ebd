//! Help now: the offline crisis, behaviour-change and support lists (SAFE-3, SAFE-2, SAFE-8),
//! and the user's own local number, kept sealed like everything else they write.

use std::sync::LazyLock;

use amends_store::Store;
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

/// One service: who it is for, how to reach it, and where the entry was checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "HelpResource")]
pub struct Resource {
    pub region: String,
    pub name: String,
    pub contact: String,
    pub when: String,
    /// Where the entry comes from, as text; amends never fetches it.
    pub source: String,
    /// The date a person last checked the entry against its source.
    pub checked: String,
    /// Issue 11: the address of the public page the number was checked against.
    pub source_page: String,
    /// The date of the copy that was read ("YYYY-MM-DD", or "read YYYY-MM-DD").
    pub copied: String,
    /// True only if that page states exactly this number for this service. Unconfirmed entries
    /// are shown with their note, never hidden.
    pub confirmed: bool,
    /// What could not be confirmed, or where a second page was needed.
    #[serde(default)]
    pub note: Option<String>,
    /// Digits for a `tel:` link, where there is one number to dial.
    #[serde(default)]
    pub tel: Option<String>,
}

impl Resource {
    /// The `tel:` address, digits and a leading + only.
    pub fn tel_href(&self) -> Option<String> {
        let t = self.tel.as_deref()?;
        let digits: String = t
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        (!digits.is_empty()).then(|| format!("tel:{digits}"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpResources {
    /// SAFE-3: for anyone thinking about hurting themselves.
    pub crisis: Vec<Resource>,
    /// SAFE-2: for someone who harmed a partner and wants to change.
    pub behaviour_change: Vec<Resource>,
    /// SAFE-8: for a user who was the one harmed.
    pub support: Vec<Resource>,
    /// SAFE-4: for someone worried about their own anger or violence (shown when a threat is
    /// found in what they wrote).
    #[serde(default)]
    pub anger: Vec<Resource>,
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
            return Err(AppError::invalid(
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
        assert!(!parsed.anger.is_empty());
        for r in parsed
            .crisis
            .iter()
            .chain(&parsed.behaviour_change)
            .chain(&parsed.support)
            .chain(&parsed.anger)
        {
            assert!(!r.source.trim().is_empty(), "{} has no source", r.name);
            // Issue 11: every number names the page it was checked against and the copy read.
            assert!(
                r.source_page.starts_with("http"),
                "{} has no source page",
                r.name
            );
            assert!(!r.copied.trim().is_empty(), "{}", r.name);
            assert!(
                r.confirmed || r.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
                "{} is unconfirmed without a note saying why",
                r.name
            );
            if let Some(href) = r.tel_href() {
                assert!(href.len() > 6, "{}: {href}", r.name);
            }
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

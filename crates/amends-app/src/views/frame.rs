//! What every screen shows around its content: dates in the user's time zone, and the help put
//! in front after crisis or threat language (SAFE-3, SAFE-4, issue 11) with the user's own
//! safety plan. Read once per request from one query of the store (issue 13, "derive once"),
//! instead of a call and a query for each part.

use amends_store::Store;
use jiff::Timestamp;

use crate::App;
use crate::method::{TIME_ZONE_KEY, UserZone};
use crate::safety::{LAST_KEY, LastFound, PLAN_KEY, SafetyFlags, SafetyPlan, plan_of};

/// The frame of a page, as of one moment.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The user's zone, the one the plan counts days in, read as every use case reads it
    /// ([`UserZone`]): the system's when none is saved or the saved one cannot be used (the
    /// settings page then asks to set it again).
    pub zone: UserZone,
    /// SAFE-3, SAFE-4: what was found in the last day, so every page keeps help in front.
    pub safety: SafetyFlags,
    /// The safety plan, if the user wrote one and it can be read; see [`Frame::plan_in_front`].
    pub safety_plan: Option<SafetyPlan>,
}

impl Frame {
    /// The safety plan to show first in the help panel: only while help is in front.
    pub fn plan_in_front(&self) -> Option<&SafetyPlan> {
        self.safety_plan.as_ref().filter(|_| self.safety.any())
    }
}

impl App {
    /// The frame of every page at `now`. It never fails: a page is still worth showing when a
    /// part of its frame cannot be read, each part falls back as described on [`Frame`], and
    /// when the one query fails each part is read on its own, so a damaged safety plan cannot
    /// hide the crisis lines.
    pub async fn frame(&self, now: Timestamp) -> Frame {
        let keys = [TIME_ZONE_KEY, LAST_KEY, PLAN_KEY];
        let read: Vec<amends_store::Result<Option<Vec<u8>>>> =
            match self.store.settings(&self.vault, &keys).await {
                Ok(values) => values.into_iter().map(Ok).collect(),
                Err(_) => {
                    let mut each = Vec::with_capacity(keys.len());
                    for key in keys {
                        each.push(self.store.setting(&self.vault, key).await);
                    }
                    each
                }
            };
        let mut read = read.into_iter();
        let mut next = || read.next().unwrap_or(Ok(None));
        let (tz, last, plan) = (next(), next(), next());
        Frame {
            zone: UserZone::of(tz),
            safety: LastFound::of(last).recent(now),
            safety_plan: plan.ok().and_then(|saved| plan_of(saved).ok().flatten()),
        }
    }
}

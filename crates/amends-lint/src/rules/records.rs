//! Rules that compare the draft with the user's records when the caller passes a
//! [`Context`](crate::Context): L-13 dishonesty, L-16 frequency, L-21 gift cost.

use std::sync::LazyLock;

use regex::Regex;

use super::{Cx, Rule};
use crate::context::Context;
use crate::lexicon::Group;
use crate::report::{Finding, Span};

/// L-13 (X-2, AP-5, EM-2, TR-2). Without records: absolutes about oneself ("I've completely
/// changed", "I've never lied to you"). With records (`records_known`): claims of self-work
/// that no logged step or session supports ("months of therapy" with 0 sessions), and
/// minimising ("it was only once") when the workbook counts more than one time.
pub struct Dishonesty;

fn claim_supported(g: &Group, ctx: &Context) -> bool {
    if g.therapy
        && ctx.therapy_sessions > 0
        && ctx
            .therapy_first_session_days_ago
            .is_none_or(|d| d >= g.min_days)
    {
        return true;
    }
    ctx.steps.iter().any(|s| {
        let label = s.label.to_lowercase();
        s.days_ago >= g.min_days && g.labels.iter().any(|l| label.contains(l.as_str()))
    })
}

impl Rule for Dishonesty {
    fn id(&self) -> &'static str {
        "dishonesty"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for h in cx.own_hits() {
            let Some(g) = cx.lexicon.groups.get(usize::from(h.group)) else {
                continue;
            };
            let is_claim = g.therapy || !g.labels.is_empty();
            let fire = if g.name == "minimise" {
                cx.context
                    .and_then(|c| c.times_happened)
                    .is_some_and(|n| n > 1)
            } else if is_claim {
                cx.context
                    .is_some_and(|c| c.records_known && !claim_supported(g, c))
            } else {
                true
            };
            if fire {
                cx.emit(out, h.span, Some(h.group));
            }
        }
    }
}

/// Minimum days between outbound items (PP-3, C10).
pub const MIN_GAP_DAYS: u32 = 7;

/// L-16 (RC-5, PP-3, C10, SAFE-5, SAFE-1). Needs records; without a context it does nothing.
pub struct Frequency;

impl Rule for Frequency {
    fn id(&self) -> &'static str {
        "frequency"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let Some(ctx) = cx.context else {
            return;
        };
        let span = cx.lead_span();
        if let Some(reason) = &ctx.outreach_locked {
            let g = cx.group("locked");
            let base = g
                .and_then(|g| cx.lexicon.groups.get(usize::from(g)))
                .and_then(|g| g.message.clone())
                .unwrap_or_else(|| cx.lexicon.message.clone());
            let msg = if reason.trim().is_empty() {
                base
            } else {
                format!("{base} The plan says: {}", reason.trim())
            };
            cx.emit_message(out, span, g, msg);
        }
        if let Some(days) = ctx.days_since_last_outbound
            && days < MIN_GAP_DAYS
        {
            let g = cx.group("gap");
            let when = match days {
                0 => "today".to_owned(),
                1 => "1 day ago".to_owned(),
                d => format!("{d} days ago"),
            };
            let msg = format!(
                "Your last message went out {when}. {}",
                group_text(cx, "gap")
            );
            cx.emit_message(out, span, g, msg);
        }
        if ctx.unanswered_outbound > 0 {
            cx.emit(out, span, cx.group("unanswered"));
        }
        let new_channel = ctx
            .channel
            .as_ref()
            .is_none_or(|c| !ctx.channels_today.iter().any(|t| t.eq_ignore_ascii_case(c)));
        if !ctx.channels_today.is_empty() && new_channel {
            cx.emit(out, span, cx.group("channels"));
        }
    }
}

fn group_text(cx: &Cx<'_>, name: &str) -> String {
    cx.group(name)
        .and_then(|g| cx.lexicon.groups.get(usize::from(g)))
        .and_then(|g| g.message.clone())
        .unwrap_or_else(|| cx.lexicon.message.clone())
}

/// Money written in the note: "$120", "£ 80", "€1,200", "200 dollars", "50 quid".
static MONEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[$£€]\s?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.\d{1,2})?|\b(\d{1,3}(?:,\d{3})+|\d{1,7})\s?(?:dollars|bucks|pounds|quid|euros|usd|gbp|eur)\b",
    )
    .ok()
});

/// L-21 (KG-3, C14): a gesture that costs more than the user's threshold (default: a small
/// treat), named expensive items, or an amount written in the note.
pub struct ExpensiveGift;

impl Rule for ExpensiveGift {
    fn id(&self) -> &'static str {
        "expensive-gift"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        super::phrase::emit_all(cx, out, |_| true);
        let threshold = cx
            .context
            .map_or(crate::DEFAULT_GIFT_THRESHOLD, |c| c.gift_threshold());
        if let Some(re) = MONEY.as_ref() {
            let text = cx.doc.text();
            for caps in re.captures_iter(text) {
                let Some(num) = caps.get(1).or_else(|| caps.get(2)) else {
                    continue;
                };
                let amount: u64 = num.as_str().replace(',', "").parse().unwrap_or(0);
                if amount > u64::from(threshold)
                    && let Some(m) = caps.get(0)
                {
                    cx.emit(out, Span::new(m.start(), m.end()), cx.group("amount"));
                }
            }
        }
        if let Some(cost) = cx.context.and_then(|c| c.gift_cost)
            && cost > threshold
        {
            let msg = format!(
                "This gesture costs {cost}, above your limit of {threshold}. {}",
                group_text(cx, "cost")
            );
            cx.emit_message(out, cx.lead_span(), cx.group("cost"), msg);
        }
    }
}

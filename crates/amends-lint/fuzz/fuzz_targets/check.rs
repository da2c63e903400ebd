#![no_main]

use amends_lint::{Kind, Severity, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 never reaches the engine (the CLI and the app reject it first); use the
    // lossy form so every input still exercises it.
    let text = String::from_utf8_lossy(data);
    let Ok(engine) = amends_lint::engine() else {
        panic!("embedded lexicons failed to load");
    };
    for kind in Kind::ALL {
        let r = engine.check(&text, kind, None);
        for f in &r.findings {
            assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            assert_eq!(&text[f.span.start..f.span.end], f.excerpt);
        }
        for c in &r.components {
            assert_eq!(c.present, !c.spans.is_empty());
        }
        let worst = r.findings.iter().map(|f| f.severity).max();
        let expected = match worst {
            Some(Severity::Block) => Verdict::DoNotSend,
            Some(Severity::Warn) => Verdict::Revise,
            _ => Verdict::Ready,
        };
        assert_eq!(r.verdict, expected);
        assert_eq!(r.crisis, r.findings.iter().any(|f| f.rule == "self-harm"));
    }
});

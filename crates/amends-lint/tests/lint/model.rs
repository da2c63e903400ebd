//! The learned scorer (issue 10): the compiled-in model is the one the corpus trains.

use amends_lint::engine;

/// FNV-1a over the training files' bytes in name order, as `examples/train.rs` computes it.
fn corpus_digest() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<std::path::PathBuf> = ["train", "public"]
        .iter()
        .filter_map(|d| std::fs::read_dir(dir.join(d)).ok())
        .flat_map(|rd| rd.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort_by_key(|p| {
        let parent = p
            .parent()
            .and_then(|d| d.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = p
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("corpus/{parent}/{name}")
    });
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for f in files {
        for b in std::fs::read(&f).unwrap() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[test]
fn the_model_is_trained_on_the_corpus_as_it_is() {
    let model = engine()
        .unwrap()
        .model()
        .expect("a model is compiled in (scripts/train-coach)");
    assert_eq!(
        model.corpus_digest,
        corpus_digest(),
        "the corpus changed since the model was trained: run scripts/train-coach and commit \
         model/coach.bin"
    );
}

/// Issue 10 kept the safety rules rule-first; issue 11 adds the model's two safety heads as a
/// second opinion that may only add. They are in the file, stored as `union`, with a threshold
/// the training chose (never 0, which would flag every sentence).
#[test]
fn the_safety_heads_only_add() {
    let model = engine().unwrap().model().unwrap();
    for id in amends_lint::SAFETY_HEADS {
        let l = model
            .labels
            .iter()
            .find(|l| l.id == id)
            .unwrap_or_else(|| panic!("no {id} head: run scripts/train-coach"));
        assert_eq!(l.mode, amends_lint::model::Mode::Union, "{id}");
        assert!(l.threshold > 0.2, "{id}: threshold {}", l.threshold);
    }
}

/// Issue 13: `examples/train.rs` takes the model's first columns from the crate's
/// [`SHARED_COMPONENTS`](amends_lint::rules::SHARED_COMPONENTS) instead of a list of its own;
/// the compiled-in model, trained from the old list, has them in that order, so retraining
/// writes the same columns. The safety heads come last.
#[test]
fn the_models_columns_start_with_the_crates_shared_components() {
    use amends_lint::rules::SHARED_COMPONENTS;
    let model = engine().unwrap().model().unwrap();
    let ids: Vec<&str> = model.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids[..SHARED_COMPONENTS.len()], SHARED_COMPONENTS);
    assert_eq!(
        ids[ids.len() - amends_lint::SAFETY_HEADS.len()..],
        amends_lint::SAFETY_HEADS
    );
}

/// The check adds the weights of the features all sentences share once per draft and streams
/// the rest (no lists kept); that must give what the model gives on each sentence's whole
/// feature list, the way it was trained.
#[test]
fn streaming_scores_equal_the_model_on_whole_feature_lists() {
    let e = engine().unwrap();
    let model = e.model().expect("a model is compiled in");
    let texts = [
        "I'm sorry. I shouted at you in front of your sister, and that was cruel of me.",
        "hey u up?? i know ur mad. im not making excuses but work was insane!!",
        "WE REGRET THE DELAY. Our team will refund every order and review the process.",
        "",
        "If you don't answer by Friday I will assume we're done.\n\nLove, Sam",
    ];
    for text in texts {
        let streamed = e.sentence_probs(text);
        let whole: Vec<Vec<f32>> = e
            .sentence_features(text)
            .iter()
            .map(|s| {
                model
                    .logits(&s.features)
                    .into_iter()
                    .map(amends_lint::model::sigmoid)
                    .collect()
            })
            .collect();
        assert_eq!(streamed.len(), whole.len(), "{text}");
        for (a, b) in streamed.iter().zip(&whole) {
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() < 1e-6, "{text}: {x} vs {y}");
            }
        }
        if !text.is_empty() {
            assert!(!streamed.is_empty(), "{text}");
        }
    }
}

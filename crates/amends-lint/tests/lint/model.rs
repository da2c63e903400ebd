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

#[test]
fn the_model_never_scores_the_safety_rules() {
    let model = engine().unwrap().model().unwrap();
    for l in &model.labels {
        assert!(!matches!(l.id.as_str(), "self-harm" | "threat"), "{}", l.id);
    }
}

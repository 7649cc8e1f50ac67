//! The real `kvlens` binary on fixture workshops: build, caching, retraining,
//! determinism, atomic output, config and template errors, help, Ctrl-C.

use crate::common::{self, MODEL, Workshop, assert_same_tree, stderr, stdout, tree};
use snapbox::cmd::Command as SnapCommand;
use snapbox::str;

fn report(w: &Workshop) -> serde_json::Value {
    let text = std::fs::read_to_string(w.public().join("build-report.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn r_files(w: &Workshop) -> Vec<String> {
    report(w)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn build_trains_once_then_reuses_the_cache_with_identical_bytes() {
    let w = Workshop::new(MODEL);
    let first = w.run(&["build"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("training 784-16-10"),
        "{}",
        stderr(&first)
    );
    let files = r_files(&w);
    assert!(
        stdout(&first).contains(&format!("built {} files", files.len())),
        "{}",
        stdout(&first)
    );
    let r = report(&w);
    assert!(r["accuracy"]["test"].as_f64().unwrap() >= 0.9, "{r}");
    assert_eq!(r["accuracy"]["test_total"], 100);
    assert_eq!(r["decomposition"]["passed"], true);
    assert_eq!(r["decomposition"]["images"], 100);
    assert_eq!(r["model"]["config"]["hidden"], 16);
    assert_eq!(r["training"].as_array().unwrap().len(), 3);
    for expected in [
        "build-report.json",
        "figures/figures.json",
        "figures/index.html",
        "figures/training-curve.svg",
        "index.html",
        "theme/style.css",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} not in {files:?}"
        );
    }
    // The report lists exactly what is on disk.
    let on_disk: Vec<String> = tree(&w.public()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(files, on_disk);
    let html = std::fs::read_to_string(w.public().join("index.html")).unwrap();
    let acc = kvlens::num::percent(r["accuracy"]["test"].as_f64().unwrap(), 2);
    assert!(
        html.contains(&format!("<strong>{acc}&nbsp;%</strong>")),
        "accuracy {acc} not on the page"
    );
    assert!(html.contains("<svg") && html.contains("Training loss"));
    assert!(
        !html.contains(w.path().to_str().unwrap()),
        "absolute path leaked into the page"
    );
    assert_eq!(w.model_files().len(), 1);

    let before = tree(&w.public());
    let second = w.run(&["build"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        !stderr(&second).contains("training"),
        "second build retrained: {}",
        stderr(&second)
    );
    assert_same_tree(&tree(&w.public()), &before, "second build");
}

#[test]
fn another_folder_and_another_cache_give_byte_identical_output() {
    let a = Workshop::new(MODEL);
    let b = Workshop::new(MODEL);
    assert!(a.run(&["build", "-q"]).status.success());
    assert!(b.run(&["build", "-q"]).status.success());
    assert_same_tree(&tree(&a.public()), &tree(&b.public()), "two folders");
    // And the cached weights themselves are bit-identical.
    let ra = report(&a);
    assert_eq!(
        ra["model"]["weights_sha256"],
        report(&b)["model"]["weights_sha256"]
    );
}

#[test]
fn changing_the_model_retrains_and_editing_prose_does_not() {
    let w = Workshop::new(MODEL);
    assert!(w.run(&["build", "-q"]).status.success());
    let hash1 = report(&w)["model"]["weights_sha256"].clone();
    // A template (prose) edit: no retraining, new page.
    let index = std::fs::read_to_string(w.path().join("templates/index.html")).unwrap();
    w.write(
        "templates/index.html",
        &index.replace("The network this workshop explains", "Our network"),
    );
    let o = w.run(&["build"]);
    assert!(o.status.success());
    assert!(!stderr(&o).contains("training"), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(w.public().join("index.html"))
            .unwrap()
            .contains(">Our network</h2>")
    );
    // A model edit: retrains, another cache file, other weights.
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write("workshop.toml", &toml.replace("hidden = 16", "hidden = 12"));
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("training 784-12-10"), "{}", stderr(&o));
    assert_eq!(w.model_files().len(), 2);
    assert_ne!(report(&w)["model"]["weights_sha256"], hash1);
    assert_eq!(report(&w)["decomposition"]["pairs"], 12);
}

#[test]
fn a_corrupt_cached_model_is_reported_and_retrained() {
    let w = Workshop::new(MODEL);
    assert!(w.run(&["train"]).status.success());
    let file = &w.model_files()[0];
    let good = std::fs::read(file).unwrap();
    let weights = kvlens::nn::cache::from_bytes(&good, 16).unwrap().model;
    std::fs::write(file, &good[..good.len() / 2]).unwrap();
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: cached model") && err.contains("unusable"),
        "{err}"
    );
    assert!(err.contains("training 784-16-10"), "{err}");
    let again = kvlens::nn::cache::from_bytes(&std::fs::read(file).unwrap(), 16)
        .unwrap()
        .model;
    assert!(
        again == weights,
        "retraining must reproduce the same weights"
    );
}

#[test]
fn train_prints_epochs_and_force_retrains() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["train"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for e in 1..=3 {
        assert!(err.contains(&format!("epoch   {e}/3  loss ")), "{err}");
    }
    assert!(
        stdout(&o).starts_with("trained and cached: "),
        "{}",
        stdout(&o)
    );
    let o = w.run(&["train"]);
    assert!(
        stdout(&o).starts_with("cached model is up to date"),
        "{}",
        stdout(&o)
    );
    assert!(!stderr(&o).contains("epoch"));
    let o = w.run(&["train", "--force"]);
    assert!(stderr(&o).contains("epoch   3/3"), "{}", stderr(&o));
}

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let w = Workshop::new(MODEL);
    assert!(w.run(&["build", "-q"]).status.success());
    let before = tree(&w.public());
    // A template that does not parse.
    let index = std::fs::read_to_string(w.path().join("templates/index.html")).unwrap();
    w.write(
        "templates/index.html",
        &index.replace("{% endblock content %}", "{% endblock content"),
    );
    let o = w.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("templates/index.html:"),
        "{}",
        stderr(&o)
    );
    assert_same_tree(&tree(&w.public()), &before, "after a failed build");
    // A template that parses but fails to render (unknown variable).
    w.write(
        "templates/index.html",
        &index.replace("{{ test_accuracy }}", "{{ no_such_variable }}"),
    );
    let o = w.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no_such_variable"), "{}", stderr(&o));
    assert_same_tree(&tree(&w.public()), &before, "after a failed build");
    // A config error.
    w.write("templates/index.html", &index);
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write("workshop.toml", &toml.replace("epochs = 3", "epochs = 0"));
    assert_eq!(w.run(&["build"]).status.code(), Some(1));
    assert_same_tree(&tree(&w.public()), &before, "after a failed build");
    w.assert_no_temp_dirs();
}

#[test]
fn config_errors_name_file_line_column_and_hint() {
    let w = Workshop::new("[model]\nhiden = 64\n");
    let file = w.path().join("workshop.toml");
    SnapCommand::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--root")
        .arg(w.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout_eq(str![""])
        .stderr_eq(format!(
            "error: {}:5:1: unknown field `hiden`, expected one of `hidden`, `epochs`, `batch_size`, `learning_rate`, `optimizer`, `weight_decay`, `loss`, `train_images`, `seed`\n  hint: did you mean `hidden`?\n",
            file.display()
        ));
}

#[test]
fn check_lists_every_problem_and_is_silent_when_all_is_well() {
    let w = Workshop::new(MODEL);
    // check measures claims on the model: with it cached, check says nothing.
    assert!(w.run(&["train", "-q"]).status.success());
    let o = w.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", stderr(&o));
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write(
        "workshop.toml",
        &toml
            .replace("epochs = 3", "epochs = 0")
            .replace("learning_rate = 0.01", "learning_rate = 7.0"),
    );
    w.write("templates/broken.html", "{% if %}");
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("workshop.toml:6:10: `model.epochs`: must be between 1 and 1000, got 0"),
        "{err}"
    );
    assert!(
        err.contains("`model.learning_rate`: must be > 0 and ≤ 1, got 7"),
        "{err}"
    );
    assert!(
        err.contains("templates/broken.html:1:7: template syntax error"),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
}

#[test]
fn missing_workshop_and_missing_data_say_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    SnapCommand::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--root")
        .arg(empty.path())
        .arg("build")
        .env("KVLENS_CACHE_DIR", empty.path().join("cache"))
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error: [..]workshop.toml: cannot read the workshop configuration: No such file or directory (os error 2)
  hint: run kvlens in a workshop folder (one with workshop.toml) or pass --root DIR

"#]]);

    // No data anywhere and the only mirror is down: a clear offline message.
    let w = Workshop::new(MODEL);
    w.write("workshop.toml", "[model]\nhidden = 8\n");
    let o = w.run(&["data"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("--mnist-dir") && err.contains("KVLENS_MNIST_DIR"),
        "{err}"
    );
    assert!(err.contains("127.0.0.1:9"), "{err}");
}

#[test]
fn data_reports_where_and_what() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["data"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("(from [data] mnist_dir in workshop.toml)"),
        "{out}"
    );
    assert!(
        out.contains(&format!("train {:>6} images", common::TRAIN)),
        "{out}"
    );
    assert!(out.contains("per digit 0:30 1:30"), "{out}");
    // --mnist-dir wins over the config.
    let o = w.run(&[
        "--mnist-dir",
        w.path().join("mnist").to_str().unwrap(),
        "data",
    ]);
    assert!(stdout(&o).contains("(from --mnist-dir)"), "{}", stdout(&o));
}

#[test]
fn every_command_explains_itself_with_an_example() {
    for sub in ["build", "train", "check", "data", "explain", "knockout"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_kvlens"))
            .args([sub, "--help"])
            .output()
            .unwrap();
        assert!(o.status.success());
        let help = stdout(&o);
        assert!(
            help.contains("Example: kvlens") || help.contains("Example: KVLENS"),
            "{sub}: {help}"
        );
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--help")
        .output()
        .unwrap();
    let help = stdout(&o);
    for flag in [
        "--root",
        "--quiet",
        "--mnist-dir",
        "--cache-dir",
        "KVLENS_CACHE_DIR",
    ] {
        assert!(help.contains(flag), "{flag} missing: {help}");
    }
}

#[test]
fn ctrl_c_during_training_leaves_the_cache_as_it_was() {
    // Large enough that training is still running when the signal arrives.
    let w =
        Workshop::new("[model]\nhidden = 512\nepochs = 400\nbatch_size = 8\ntrain_images = 300\n");
    let mut child = w
        .cmd()
        .arg("train")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    // Wait for the first epoch line, so the signal lands mid-training.
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    use std::io::Read;
    while !String::from_utf8_lossy(&seen).contains("epoch   1/400") {
        let n = err.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "kvlens ended early: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("interrupted"), "{rest}");
    let models = w.cache.path().join("models");
    let left: Vec<_> = std::fs::read_dir(&models)
        .map(|rd| rd.count())
        .into_iter()
        .collect();
    assert!(
        left.is_empty() || left == [0],
        "the cache changed: {left:?}"
    );
}

#[test]
fn check_and_build_report_broken_toy_nets() {
    let w = Workshop::new(MODEL);
    std::fs::create_dir_all(w.path().join("content/nets")).unwrap();
    w.write(
        "content/nets/tiny.toml",
        "title = \"T\"\ndescription = \"D\"\ninputs = [\"a\", \"b\"]\noutputs = [\"o\"]\nw1 = [[1, 2, 3]]\nw2 = [[1]]\n",
    );
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/nets/tiny.toml:5:"), "{err}");
    assert!(err.contains("w1 row 1 has 3 numbers"), "{err}");
    let o = w.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !w.public().exists(),
        "a failed build must not write public/"
    );
    w.write(
        "content/nets/tiny.toml",
        "title = \"T\"\ndescription = \"D\"\ninputs = [\"a\", \"b\"]\noutputs = [\"o\"]\nw1 = [[1, 2]]\nw2 = [[1]]\n",
    );
    assert!(w.run(&["check"]).status.success());
}

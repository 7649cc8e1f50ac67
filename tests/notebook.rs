//! The notebook through the real binary: the learner's edition (no
//! solution cells, answers only as fingerprints) and the instructor's
//! (beside the keys, or in the site with published keys); the instructor's
//! solutions pass every self-check with Debian's numpy, the stubs alone say
//! "not done", every plausible wrong solution of `tests/notebook_mutants.py`
//! fails its check with a hint; a broken template fails at its line.

use crate::common::{MODEL, Workshop, stderr, stdout};
use crate::handson::report;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// `/usr/bin/python3` with numpy and matplotlib, or `None` (skip) when
/// absent and CI is not `true`.
fn python_or_skip() -> Option<PathBuf> {
    let py = PathBuf::from("/usr/bin/python3");
    let ok = std::process::Command::new(&py)
        .args(["-c", "import numpy, matplotlib"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true requires the notebook test: install python3-numpy and python3-matplotlib"
    );
    eprintln!("skipping the notebook run: /usr/bin/python3 with numpy and matplotlib is missing");
    None
}

/// Runs tests/run_notebook.py on the learner's notebook of `root`'s build
/// (with the instructor's solutions unless `stubs_only`, and the wrong
/// solutions of tests/notebook_mutants.py when `mutants`); returns its
/// stdout (asserting success).
pub fn run_notebook(
    py: &Path,
    root: &Path,
    mnist: &Path,
    stubs_only: bool,
    mutants: bool,
) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = std::process::Command::new(py);
    c.arg(repo.join("tests/run_notebook.py"))
        .arg(root.join("public/downloads/kvlens-notebook.ipynb"))
        .arg("--model-dir")
        .arg(root.join("public/downloads"))
        .arg("--mnist")
        .arg(mnist);
    if stubs_only {
        c.arg("--stubs-only");
    } else {
        c.arg("--solutions")
            .arg(root.join("instructor/kvlens-notebook-solutions.ipynb"));
    }
    if mutants {
        c.arg("--mutants")
            .arg(repo.join("tests/notebook_mutants.py"));
    }
    let o = c.output().unwrap();
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(o.status.success(), "the notebook run failed:\n{out}");
    out
}

#[test]
fn the_site_offers_the_model_and_a_notebook_whose_solutions_pass_their_self_checks() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = w.public();
    let r = report(&public);
    let downloads: Vec<&str> = r["hands_on"]["downloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        downloads,
        [
            "downloads/kvlens-model.json",
            "downloads/kvlens-model.npz",
            "downloads/kvlens-notebook.ipynb"
        ]
    );
    let checks = r["hands_on"]["notebook"]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 9, "{checks:?}");
    assert_eq!(
        r["hands_on"]["notebook"]["instructor"],
        "instructor/kvlens-notebook-solutions.ipynb"
    );
    let read =
        |p: &Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let learner = read(&public.join("downloads/kvlens-notebook.ipynb"));
    // The instructor's notebook is beside the site, not in it (no
    // `publish_keys`), like the answer keys.
    let instructor = read(&w.path().join("instructor/kvlens-notebook-solutions.ipynb"));
    assert!(!public.join("instructor").exists());
    let tagged = |nb: &Value, t: &str| {
        nb["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["metadata"]["tags"]
                    .as_array()
                    .is_some_and(|a| a.contains(&json!(t)))
            })
            .count()
    };
    for (nb, edition, solutions) in [(&learner, "learner", 0), (&instructor, "instructor", 9)] {
        assert_eq!(nb["nbformat"], 4);
        assert_eq!(nb["metadata"]["kvlens"]["edition"], edition);
        assert_eq!(
            nb["metadata"]["kvlens"]["model_sha256"],
            r["model"]["weights_sha256"]
        );
        assert_eq!(
            (
                tagged(nb, "stub"),
                tagged(nb, "solution"),
                tagged(nb, "check")
            ),
            (9, solutions, 9)
        );
    }
    // Every exercise says how hard it is, how long it takes, and where to
    // write the prediction; the setup holds fingerprints, not answers.
    let text = learner.to_string();
    assert_eq!(
        text.matches("about 5 minutes").count()
            + text.matches("about 10 minutes").count()
            + text.matches("about 15 minutes").count(),
        9
    );
    assert_eq!(text.matches("**My prediction:**").count(), 9);
    for absent in ["EXPECTED", "source_hidden"] {
        assert!(
            !text.contains(absent),
            "the learner's notebook holds {absent}"
        );
    }

    let Some(py) = python_or_skip() else { return };
    let mnist = w.path().join("mnist");
    let root = w.path();
    // The right solutions pass, no answer is in the learner's notebook, and
    // every wrong solution of tests/notebook_mutants.py fails its check with
    // a hint.
    let out = run_notebook(&py, root, &mnist, false, true);
    assert!(out.contains("OK: all 9 checks passed"), "{out}");
    assert!(
        out.contains("answers appears in the learner's notebook"),
        "{out}"
    );
    assert!(
        out.contains("wrong solutions caught, each with a hint"),
        "{out}"
    );
    for exercise in checks {
        let name = exercise.as_str().unwrap();
        assert!(
            out.lines()
                .any(|l| l.starts_with(name) && l.contains(" caught: ✘")),
            "no wrong solution of {name} was tried:\n{out}"
        );
    }
    let out = run_notebook(&py, root, &mnist, true, false);
    assert!(out.contains("OK: all 9 checks not done"), "{out}");

    // A model the notebook was not made for is refused by name.
    let other = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&public.join("downloads"), other.path());
    let o = Workshop::new(&MODEL.replace("seed = 1", "seed = 2"));
    let built = o.run(&["-q", "export", "--out", other.path().to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_notebook.py");
    let run = std::process::Command::new(&py)
        .arg(runner)
        .arg(other.path().join("kvlens-notebook.ipynb"))
        .arg("--model-dir")
        .arg(other.path())
        .arg("--mnist")
        .arg(&mnist)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let said = format!("{}{}", stdout(&run), stderr(&run));
    assert!(
        said.contains("sha256") || said.contains("SHA-256"),
        "{said}"
    );
}

#[test]
fn the_instructors_notebook_goes_into_the_site_with_published_keys() {
    let w = Workshop::new(MODEL);
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write(
        "workshop.toml",
        &format!("{toml}\n[sheets]\npublish_keys = true\n"),
    );
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let nb: Value = serde_json::from_str(
        &std::fs::read_to_string(
            w.public()
                .join("instructor/kvlens-notebook-solutions.ipynb"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(nb["metadata"]["kvlens"]["edition"], "instructor");
    assert!(!w.path().join("instructor").exists());
}

#[test]
fn a_broken_notebook_template_fails_at_its_line_and_keeps_the_old_site() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = crate::common::tree(&w.public());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut nb = std::fs::read_to_string(repo.join("templates/notebook.py")).unwrap();
    let line = nb.lines().count() + 2;
    nb.push_str("\n# %% tags=[\"answer\"]\nprint(1)\n");
    w.write("templates/notebook.py", &nb);
    for cmd in ["check", "build"] {
        let o = w.run(&["-q", cmd]);
        assert!(!o.status.success(), "{cmd} accepted a bad cell tag");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("templates/notebook.py:{line}:1"))
                && err.contains("one tag of setup, stub, solution, check"),
            "{cmd}: {err}"
        );
    }
    crate::common::assert_same_tree(
        &before,
        &crate::common::tree(&w.public()),
        "public/ after a failed build",
    );
}

//! `kvlens init DIR [--templates]` through the real binary: it writes exactly
//! the repository's content/, workshop.toml (and templates/, theme/), byte
//! for byte, never into a non-empty folder or a file; the workshop it writes
//! builds on real MNIST with the built-in templates and theme. Also: the
//! README and `--help` give a build command that works as written.

use crate::common::{assert_same_tree, stderr, stdout, tree};
use crate::data_fetch::real_mnist_dir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's files `init` must write (relative paths, `/`-separated
/// like `tree`'s on Unix), with or without templates/ and theme/.
fn expected(templates: bool) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut folders = vec!["content"];
    if templates {
        folders.extend(["templates", "theme"]);
    }
    for folder in folders {
        for (rel, bytes) in tree(&repo().join(folder)) {
            out.push((format!("{folder}/{rel}"), bytes));
        }
    }
    out.push((
        "workshop.toml".to_string(),
        std::fs::read(repo().join("workshop.toml")).unwrap(),
    ));
    out.sort();
    out
}

/// `kvlens init ARGS` run in `cwd`, with no workshop or data settings
/// leaking in.
fn init(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .current_dir(cwd)
        .arg("init")
        .args(args)
        .env_remove("KVLENS_MNIST_DIR")
        .env("KVLENS_CACHE_DIR", cwd.join("no-cache"))
        .output()
        .unwrap()
}

#[test]
fn init_writes_exactly_the_repository_workshop() {
    let tmp = tempfile::tempdir().unwrap();
    // A missing folder (two levels) is created; --templates adds the rest.
    let o = init(tmp.path(), &["--templates", "new/full"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tree(
        &tree(&tmp.path().join("new/full")),
        &expected(true),
        "init --templates against the repository",
    );
    let out = stdout(&o);
    assert!(out.contains("into new/full"), "{out}");
    assert!(out.contains("cd new/full && kvlens serve"), "{out}");
    assert!(
        out.contains("cd new/full && KVLENS_MNIST_DIR=/path/to/mnist kvlens serve"),
        "{out}"
    );
    for part in ["workshop.toml", "content/nets/", "templates/", "theme/"] {
        assert!(out.contains(part), "{part} is not in the summary: {out}");
    }

    // An existing empty folder is fine; without --templates the workshop
    // uses the built-ins, so templates/ and theme/ are not written.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = init(tmp.path(), &["empty"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("empty");
    assert_same_tree(
        &tree(&dir),
        &expected(false),
        "init (no --templates) against the repository",
    );
    assert!(!dir.join("templates").exists() && !dir.join("theme").exists());
    let out = stdout(&o);
    assert!(out.contains("cd empty && kvlens serve"), "{out}");
    assert!(!out.contains("templates/"), "{out}");

    // In the (empty) folder itself there is nowhere to `cd` to.
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let o = init(&here, &["."]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(here.join("workshop.toml").is_file());
    assert!(stdout(&o).contains("\n  kvlens serve\n"), "{}", stdout(&o));

    // A folder name with a space is quoted in the command to type.
    let o = init(tmp.path(), &["my workshop"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("cd 'my workshop' && kvlens serve"),
        "{}",
        stdout(&o)
    );
}

/// One `error:` line naming `dir`, a failure exit, nothing on stdout.
#[track_caller]
fn assert_one_error(o: &Output, dir: &str, says: &str) {
    assert!(!o.status.success());
    let err = stderr(o);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains(dir),
        "the error does not name {dir}: {err}"
    );
    assert!(err.contains(says), "{err}");
    assert!(stdout(o).is_empty(), "{}", stdout(o));
}

#[test]
fn init_refuses_a_non_empty_folder_a_file_and_a_folder_it_cannot_create() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path().join("w");
    std::fs::create_dir(&w).unwrap();
    std::fs::write(w.join("notes.txt"), "mine").unwrap();
    std::fs::create_dir(w.join("content")).unwrap();
    let before = tree(tmp.path());
    for args in [&["w"][..], &["--templates", "w"][..]] {
        let o = init(tmp.path(), args);
        assert_one_error(&o, "w is not empty", "(it holds content, notes.txt)");
        assert_eq!(
            tree(tmp.path()),
            before,
            "init wrote into a non-empty folder"
        );
    }

    // DIR is a file.
    let o = init(tmp.path(), &["w/notes.txt"]);
    assert_one_error(
        &o,
        "w/notes.txt is a file, not a folder",
        "new or empty folder",
    );
    // DIR cannot be created (its parent is a file; this holds for root too).
    let o = init(tmp.path(), &["w/notes.txt/sub"]);
    assert_one_error(&o, "cannot create the folder w/notes.txt/sub", "caused by");
    assert_eq!(tree(tmp.path()), before, "a refused init wrote something");
}

#[test]
fn the_readme_and_help_give_build_commands_that_work_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let two = readme
        .split("## The two commands")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a section \"The two commands\"");
    // On a laptop: MNIST is downloaded into the cache; offline: CI's folder.
    let online = "    cargo run --release --locked -- build\n";
    let offline = "    KVLENS_MNIST_DIR=../shared/mnist cargo run --release --locked -- build\n";
    let (at_online, at_offline) = (two.find(online), two.find(offline));
    assert!(
        at_online.is_some() && at_offline.is_some() && at_online < at_offline,
        "The two commands must lead with the download form, then the offline form:\n{two}"
    );
    assert!(two.contains("    cargo test --locked\n"), "{two}");
    let install = readme
        .split("## Install")
        .nth(1)
        .expect("README has an Install section");
    assert!(
        install.contains("cargo install --locked --path ."),
        "{install}"
    );
    assert!(
        install.contains("cargo install --locked --git "),
        "{install}"
    );
    // CI runs exactly the README's offline build command.
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim_end().ends_with(offline.trim())),
        ".ci/run does not run the README's build command `{}`",
        offline.trim()
    );

    let o = Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--help")
        .output()
        .unwrap();
    let help = stdout(&o);
    assert!(!help.contains("../shared"), "{help}");
    let at_build = help.find("kvlens build").unwrap_or(usize::MAX);
    let at_offline = help
        .find("KVLENS_MNIST_DIR=/path/to/mnist kvlens build")
        .unwrap_or(usize::MAX);
    assert!(at_build < at_offline && at_offline < usize::MAX, "{help}");
    assert!(help.contains("init"), "{help}");
}

fn cache_dir() -> PathBuf {
    // The cache the other real-MNIST tests share (the default model is
    // trained there once).
    match std::env::var_os("KVLENS_CACHE_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_TARGET_TMPDIR")).join("claims-grid-cache"),
    }
}

#[test]
fn an_initialised_workshop_builds_on_real_mnist_with_the_built_in_templates_and_theme() {
    let Some(mnist) = real_mnist_dir("an_initialised_workshop_builds_on_real_mnist") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let o = init(tmp.path(), &["w"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let w = tmp.path().join("w");
    let o = Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .current_dir(&w)
        .arg("--mnist-dir")
        .arg(&mnist)
        .arg("--cache-dir")
        .arg(cache_dir())
        .args(["build", "-q"])
        .env_remove("KVLENS_MNIST_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let public = w.join("public");
    // The published theme is the repository's theme/, byte for byte, but
    // for the bundled fonts: no built-in page or stylesheet loads them.
    let theme: Vec<_> = tree(&repo().join("theme"))
        .into_iter()
        .filter(|(p, _)| !p.starts_with("fonts/"))
        .collect();
    assert_same_tree(
        &tree(&public.join("theme")),
        &theme,
        "public/theme of a workshop without theme/",
    );
    // Every page's local links resolve (the explorer's script and style,
    // the one-page summary's own template).
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("build-report.json")).unwrap()).unwrap();
    let files: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        for attr in ["href=\"", "src=\""] {
            for link in html.split(attr).skip(1) {
                let link = link.split(['"', '#', '?']).next().unwrap();
                if link.is_empty() || link.contains(':') {
                    continue;
                }
                let base = Path::new(page).parent().unwrap();
                assert!(
                    public.join(base).join(link).exists(),
                    "{page}: {link} does not resolve"
                );
            }
        }
    }
    assert!(files.contains(&"summary.html") && files.contains(&"explorer.html"));
}

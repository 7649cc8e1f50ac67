//! `kvlens bundle` through the real binary on a fixture workshop (a deck, a
//! sheet, the fixture MNIST): the zip listed and unpacked, its parts where
//! they belong, the instructor's links pointed at learners/, the learners'
//! site opened from the unpacked folder in Chromium with no console error
//! and no request outside learners/, a second bundle byte-identical, and
//! every bad input refused with one clear error and no file left behind.

use crate::browser::chromium_or_skip;
use crate::common::{Workshop, stderr, stdout};
use kvlens::browser::{Browser, file_url};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOP: &str = "fixture-workshop-kit";

/// The deck fixture with one sheet and the explorer: every part of a kit.
fn classroom() -> Workshop {
    let w = crate::deck::talk(None);
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/toy.md", crate::sheets::TOY_SHEET);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let intro = std::fs::read_to_string(repo.join("content/explorer.md")).unwrap();
    w.write(
        "content/explorer.md",
        &intro.replace("(@/hands-on.md)", "(index.html)"),
    );
    w
}

fn bundle(w: &Workshop, args: &[&str], chromium: Option<&Path>) -> std::process::Output {
    let mut c = w.cmd();
    c.args(["-q", "bundle"]).args(args);
    if let Some(ch) = chromium {
        c.arg("--chromium").arg(ch);
    }
    c.output().unwrap()
}

/// The zip's entry names, in archive order.
fn names(zip_bytes: &[u8]) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    (0..z.len())
        .map(|i| z.by_index_raw(i).unwrap().name().unwrap().to_string())
        .collect()
}

/// Files left in `dir` by a failed bundle (temporary files).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kvlens-bundle-"))
        .collect()
}

#[track_caller]
fn fails_with(o: &std::process::Output, needle: &str) {
    assert!(!o.status.success(), "succeeded: {}", stdout(o));
    let err = stderr(o);
    assert!(err.contains(needle), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

#[test]
fn bad_outputs_fail_before_building() {
    let w = Workshop::new(crate::common::MODEL);
    let out = tempfile::tempdir().unwrap();
    // A folder named as --out.
    let o = bundle(&w, &["--out", out.path().to_str().unwrap()], None);
    fails_with(&o, "is a folder; name the zip file to write");
    // A parent that is not a folder.
    let file = out.path().join("plain.txt");
    std::fs::write(&file, "notes").unwrap();
    let under = file.join("kit.zip");
    let o = bundle(&w, &["--out", under.to_str().unwrap()], None);
    fails_with(&o, "is not an existing folder");
    let missing = out.path().join("no/such/kit.zip");
    let o = bundle(&w, &["--out", missing.to_str().unwrap()], None);
    fails_with(&o, "is not an existing folder");
    // A file kvlens did not write, zip or not, is kept.
    let foreign = out.path().join("kit.zip");
    std::fs::write(&foreign, "someone's homework").unwrap();
    let o = bundle(&w, &["--out", foreign.to_str().unwrap()], None);
    fails_with(&o, "exists and is not a bundle kvlens wrote");
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&foreign).unwrap(), b"someone's homework");
    let other_zip = out.path().join("other.zip");
    std::fs::write(&other_zip, kvlens_npz_like()).unwrap();
    let o = bundle(&w, &["--out", other_zip.to_str().unwrap()], None);
    fails_with(&o, "exists and is not a bundle kvlens wrote");
    // Inside what the build replaces.
    std::fs::create_dir_all(w.public()).unwrap();
    let inside = w.public().join("kit.zip");
    let o = bundle(&w, &["--out", inside.to_str().unwrap()], None);
    fails_with(&o, "is inside public/, which the build replaces");
    std::fs::remove_dir(w.public()).unwrap();
    // Nobody in the room.
    let o = bundle(&w, &["--participants", "0"], None);
    fails_with(&o, "--participants");
    assert!(
        stderr(&o).contains("0 is not in 1..=1000"),
        "{}",
        stderr(&o)
    );
    // A folder nobody may write into (meaningless for root, who may).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = out.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), "x").is_err() {
            let o = bundle(&w, &["--out", ro.join("kit.zip").to_str().unwrap()], None);
            fails_with(&o, "cannot create a file in");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(leftovers(out.path()).is_empty());
    assert!(!w.public().exists(), "a refused bundle must not build");
}

/// A zip that is not a bundle (no comment).
fn kvlens_npz_like() -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("a.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"a").unwrap();
    z.finish().unwrap().into_inner()
}

#[test]
fn bundle_packs_the_classroom_the_same_twice_and_its_site_opens_offline() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = classroom();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("kit.zip");
    let o = bundle(
        &w,
        &[
            "--out",
            out.to_str().unwrap(),
            "--variants",
            "2",
            "--participants",
            "12",
        ],
        Some(&chromium),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = stdout(&o);
    assert!(
        printed.contains(&format!("wrote {}", out.display())),
        "{printed}"
    );
    for part in [
        "learners/ in all",
        "instructor/ in all",
        "learners/downloads/mnist/",
    ] {
        assert!(printed.contains(part), "{part}: {printed}");
    }
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        printed.contains(&format!("({} bytes", bytes.len())),
        "{printed}"
    );

    // Listed: one top folder, sorted, each part where it belongs.
    let list = names(&bytes);
    let mut sorted = list.clone();
    sorted.sort();
    assert_eq!(list, sorted, "entries are sorted");
    assert!(
        list.iter().all(|n| n.starts_with(&format!("{TOP}/"))),
        "{list:?}"
    );
    let has = |p: &str| list.contains(&format!("{TOP}/{p}"));
    for p in [
        "START-HERE.html",
        "START-HERE.txt",
        "learners/START-HERE.html",
        "learners/index.html",
        "learners/deck.html",
        "learners/explorer.html",
        "learners/sheets/toy.html",
        "learners/sheets/toy-v2.html",
        "learners/print/sheets/toy.pdf",
        "learners/print/sheets/toy-v2.pdf",
        "learners/downloads/kvlens-notebook.ipynb",
        "learners/downloads/kvlens-model.npz",
        "learners/downloads/mnist/t10k-images-idx3-ubyte.gz",
        "learners/downloads/mnist/t10k-labels-idx1-ubyte.gz",
        "learners/downloads/mnist/README.txt",
        "instructor/print/deck.pdf",
        "instructor/print/deck-notes.pdf",
        "instructor/print/deck-handout.pdf",
        "instructor/sheets/toy-key.html",
        "instructor/sheets/toy-v2-key.html",
        "instructor/print/sheets/toy-key.pdf",
        "instructor/ta-table.html",
        "instructor/kvlens-notebook-solutions.ipynb",
    ] {
        assert!(has(p), "{p} missing from {list:#?}");
    }
    // No key and no presenter notes for the learners (the site links no deck PDF).
    let learners: Vec<&String> = list
        .iter()
        .filter(|n| n.starts_with(&format!("{TOP}/learners/")))
        .collect();
    let private: Vec<&&String> = learners
        .iter()
        .filter(|n| {
            [
                "-key.html",
                "-key.pdf",
                "-marking.",
                "solutions",
                "/instructor/",
                "print/deck",
            ]
            .iter()
            .any(|p| n[TOP.len()..].contains(p))
        })
        .collect();
    assert!(private.is_empty(), "{private:#?}");

    // Fixed times and permissions.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    assert!(z.comment().starts_with(b"kvlens bundle"));
    for i in 0..z.len() {
        let f = z.by_index_raw(i).unwrap();
        assert_eq!(f.unix_mode(), Some(0o100644), "{:?}", f.name());
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }

    // Unpacked.
    let unpacked = tempfile::tempdir().unwrap();
    z.extract(unpacked.path()).unwrap();
    let kit = unpacked.path().join(TOP);
    let learners_dir = kit.join("learners");

    // The MNIST test set is the fixture's, gzipped, with its note.
    let sums = std::fs::read_to_string(w.path().join("mnist/SHA256SUMS")).unwrap();
    for stem in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
        let gz = std::fs::read(learners_dir.join(format!("downloads/mnist/{stem}.gz"))).unwrap();
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut raw)
            .unwrap();
        let sha = kvlens::data::sha256_hex(&raw);
        assert!(sums.contains(&format!("{sha}  {stem}")), "{stem}: {sha}");
        let note =
            std::fs::read_to_string(learners_dir.join("downloads/mnist/README.txt")).unwrap();
        assert!(note.contains(&sha), "{note}");
    }
    let note = std::fs::read_to_string(learners_dir.join("downloads/mnist/README.txt")).unwrap();
    for must in [
        "Yann LeCun",
        "Corinna Cortes",
        "Burges",
        "CC BY-SA 3.0",
        "100 images",
    ] {
        assert!(note.contains(must), "{must}: {note}");
    }

    // START-HERE says what is there, from the contents.
    let start = std::fs::read_to_string(kit.join("START-HERE.txt")).unwrap();
    let learner_files = learners.len();
    let learners_start = std::fs::read_to_string(learners_dir.join("START-HERE.html")).unwrap();
    for must in [
        "<a href=\"sheets/toy-v2.html\">on screen</a>, <a href=\"print/sheets/toy-v2.pdf\">PDF to print</a>",
        "jupyter notebook kvlens-notebook.ipynb",
        "<a href=\"explorer.html\">",
    ] {
        assert!(learners_start.contains(must), "{must}: {learners_start}");
    }
    for must in [
        format!("{learner_files} files in learners/"),
        "2 variants".to_string(),
        "Participants: 12".to_string(),
        "instructor/print/deck-notes.pdf".to_string(),
        "2 answer keys".to_string(),
    ] {
        assert!(start.contains(&must), "{must}: {start}");
    }

    // Every relative link of the bundle's pages and the instructor's pages
    // resolves in the unpacked folder; none names public/.
    let mut pages = vec![
        kit.join("START-HERE.html"),
        learners_dir.join("START-HERE.html"),
    ];
    for n in &list {
        if n.starts_with(&format!("{TOP}/instructor/")) && n.ends_with(".html") {
            pages.push(unpacked.path().join(n));
        }
    }
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        assert!(!html.contains("public/"), "{}", page.display());
        for link in links(&html) {
            let target = page.parent().unwrap().join(&link);
            assert!(
                target.exists(),
                "{}: {link} does not resolve",
                page.display()
            );
        }
    }

    // The learners' site from the unpacked folder: no console error, no
    // request outside learners/.
    let mut browser = Browser::launch(&chromium).unwrap();
    let root_url = file_url(&learners_dir);
    for page_rel in [
        "START-HERE.html",
        "index.html",
        "deck.html",
        "sheets/toy.html",
        "explorer.html",
    ] {
        let mut page = browser.new_page().unwrap();
        page.set_viewport(1280, 720, 1.0).unwrap();
        page.goto(&file_url(&learners_dir.join(page_rel))).unwrap();
        page.wait_for(
            "document.readyState === 'complete'",
            Duration::from_secs(10),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(page.console_errors(), Vec::<String>::new(), "{page_rel}");
        let requests = page.requests();
        assert!(!requests.is_empty(), "{page_rel}");
        let outside: Vec<&String> = requests
            .iter()
            .filter(|r| !r.starts_with(&format!("{root_url}/")) && !r.starts_with("data:"))
            .collect();
        assert!(outside.is_empty(), "{page_rel} requested {outside:?}");
        if page_rel == "START-HERE.html" {
            let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
            std::fs::create_dir_all(&shots).unwrap();
            page.screenshot_png(&shots.join("bundle-learners-start.png"))
                .unwrap();
        }
    }
    drop(browser);

    // A second bundle replaces its own zip (no --force) with the same bytes.
    let o = bundle(
        &w,
        &[
            "--out",
            out.to_str().unwrap(),
            "--variants",
            "2",
            "--participants",
            "12",
        ],
        Some(&chromium),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(&out).unwrap() == bytes,
        "the second bundle differs"
    );

    // A deck that cannot fit the track: one clear error, the zip untouched,
    // no temporary file left.
    let o = bundle(
        &w,
        &["--out", out.to_str().unwrap(), "--track", "10"],
        Some(&chromium),
    );
    fails_with(&o, "the 10-minute track plans");
    assert!(std::fs::read(&out).unwrap() == bytes);
    assert!(leftovers(out_dir.path()).is_empty());
    let fresh = out_dir.path().join("fresh.zip");
    let o = bundle(
        &w,
        &["--out", fresh.to_str().unwrap(), "--track", "10"],
        Some(&chromium),
    );
    fails_with(&o, "the 10-minute track plans");
    assert!(!fresh.exists());
    assert!(leftovers(out_dir.path()).is_empty());

    // --force replaces a foreign file; the default name is in the workshop.
    let foreign = out_dir.path().join("theirs.zip");
    std::fs::write(&foreign, "not a bundle").unwrap();
    let o = bundle(
        &w,
        &[
            "--out",
            foreign.to_str().unwrap(),
            "--force",
            "--variants",
            "2",
            "--participants",
            "12",
        ],
        Some(&chromium),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(&foreign).unwrap() == bytes,
        "--force wrote other bytes"
    );
    let default: PathBuf = w.path().join(format!("{TOP}.zip"));
    assert!(!default.exists());
}

/// The relative href/src targets of a page (no scheme, no fragment-only).
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let link = &rest[..rest.find('"').unwrap_or(0)];
            let link = link.split(['#', '?']).next().unwrap_or("");
            if link.is_empty() || link.contains(':') {
                continue;
            }
            out.push(link.replace("%20", " "));
        }
    }
    out
}

#[test]
fn bundle_explains_itself_with_an_example_and_its_budget() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .args(["bundle", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let help = stdout(&o);
    for must in [
        "Example: kvlens bundle",
        "--out <FILE>",
        "--force",
        "--track <MINUTES>",
        "--variants <N>",
        "--participants <N>",
        "--chromium <PATH>",
        "size budget (20 MB)",
    ] {
        assert!(help.contains(must), "{must}: {help}");
    }
    assert_eq!(
        kvlens::bundle::BUDGET,
        20_000_000,
        "README and help state 20 MB"
    );
}

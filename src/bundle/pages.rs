//! The bundle's own pages: the top `START-HERE` (HTML and text, what is
//! where), the learners' start page and the MNIST note. Everything they
//! say is read from the build report and the bundle's actual entries.

use super::doc::{Block, html, text, wrap};
use super::{Entry, INSTRUCTOR, LEARNERS, MNIST_DIR, MnistFiles, folder_sizes, human};
use crate::build::report::BuildReport;
use crate::config::Config;
use serde_json::Value;

/// What the pages say about the build.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    title: String,
    accuracy: f64,
    pairs: usize,
    /// (page, slides, planned minutes, track asked for, shortened).
    decks: Vec<(String, u64, u64, Option<u64>, bool)>,
    /// (title, variants, pages of the variants).
    sheets: Vec<(String, u64, Vec<String>)>,
    notebook: Option<String>,
    exercises: u64,
    explorer: Option<String>,
    participants: Option<u32>,
    /// `[classroom] participants`.
    room: u32,
    paper: &'static str,
    publish_keys: bool,
}

impl Facts {
    pub(crate) fn new(
        cfg: &Config,
        products: &Value,
        report: &BuildReport,
        participants: Option<u32>,
    ) -> Facts {
        let list = |k: &str| products[k].as_array().cloned().unwrap_or_default();
        let decks = list("decks")
            .iter()
            .map(|d| {
                (
                    d["page"].as_str().unwrap_or_default().to_string(),
                    d["slides"].as_u64().unwrap_or(0),
                    d["planned_minutes"].as_u64().unwrap_or(0),
                    // "90-minute track": the minutes asked for.
                    d["track"]
                        .as_str()
                        .and_then(|t| t.split('-').next()?.parse().ok()),
                    d["shortened"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        let sheets = list("sheets")
            .iter()
            .map(|s| {
                let pages = s["pages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect();
                (
                    s["title"].as_str().unwrap_or_default().to_string(),
                    s["variants"].as_u64().unwrap_or(1),
                    pages,
                )
            })
            .collect();
        let h = &products["hands_on"];
        Facts {
            title: cfg.site.title.clone(),
            accuracy: report.accuracy.test,
            pairs: report.model.config.hidden,
            decks,
            sheets,
            notebook: h["notebook"]["file"].as_str().map(str::to_string),
            exercises: h["notebook"]["solutions"].as_u64().unwrap_or(0),
            explorer: h["explorer"]["page"].as_str().map(str::to_string),
            participants,
            room: cfg.classroom.participants,
            paper: cfg.site.paper.label(),
            publish_keys: cfg.sheets.publish_keys,
        }
    }
}

fn has(entries: &[Entry], path: &str) -> bool {
    entries.iter().any(|e| e.path == path)
}

fn count(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

fn stem(page: &str) -> &str {
    page.strip_suffix(".html").unwrap_or(page)
}

/// The learners' start page (`learners/START-HERE.html`); `entries` are
/// the bundle's files so far, so only what is there is named.
pub(crate) fn learners_start(f: &Facts, entries: &[Entry]) -> String {
    let l = |p: &str| has(entries, &format!("{LEARNERS}/{p}"));
    let mut b = vec![
        Block::H1(f.title.clone()),
        Block::P(
            "Everything in this folder works without internet. Double-click a page to \
             open it in your web browser; keep the folder together, because the pages \
             link to each other and to the files beside them."
                .to_string(),
        ),
        Block::H2("1. The course".to_string()),
    ];
    let mut course = vec![(
        Some("index.html".to_string()),
        "The course".to_string(),
        ": start here and follow the pages in order.".to_string(),
    )];
    for (page, slides, ..) in &f.decks {
        if l(page) {
            course.push((
                Some(page.clone()),
                "The slides".to_string(),
                format!(": the {slides} slides shown in the room, to look back at."),
            ));
        }
    }
    if let Some(page) = f.explorer.as_ref().filter(|p| l(p)) {
        course.push((
            Some(page.clone()),
            "The explorer".to_string(),
            ": draw a digit and see, pair by pair, how the network reads it.".to_string(),
        ));
    }
    b.push(Block::List(course));
    if !f.sheets.is_empty() {
        b.push(Block::H2("2. The exercise sheets".to_string()));
        let several = f.sheets.iter().any(|s| s.1 > 1);
        b.push(Block::P(format!(
            "Each sheet can be read on screen or printed ({} paper).{}",
            f.paper,
            if several {
                " There are several variants of each sheet with different numbers; \
                 your instructor says which one is yours."
            } else {
                ""
            }
        )));
        let mut items = Vec::new();
        for (title, _, pages) in &f.sheets {
            for (i, page) in pages.iter().enumerate() {
                let name = match pages.len() {
                    1 => title.clone(),
                    _ => format!("{title}, variant {}", i + 1),
                };
                let mut links = vec![(page.clone(), "on screen".to_string())];
                let pdf = format!("print/{}.pdf", stem(page));
                if l(&pdf) {
                    links.push((pdf, "PDF to print".to_string()));
                }
                items.push((name, links));
            }
        }
        b.push(Block::Links(items));
    }
    if let Some(nb) = f.notebook.as_ref().filter(|p| l(p)) {
        let dir = nb.rsplit_once('/').map(|(d, _)| d).unwrap_or(".");
        let name = nb.rsplit_once('/').map(|(_, n)| n).unwrap_or(nb);
        b.push(Block::H2(format!(
            "{}. The notebook",
            if f.sheets.is_empty() { 2 } else { 3 }
        )));
        b.push(Block::P(format!(
            "{nb} has {} in Python, each of which checks your answer. It reads the \
             trained network from the model file beside it and the MNIST test images \
             from the folder {MNIST_DIR}; both are already in place.",
            count(f.exercises, "exercise", "exercises")
        )));
        b.push(Block::P(
            "Without internet nothing can be installed, so you need, before the \
             session, Python 3 with numpy, matplotlib and Jupyter (or VS Code with its \
             Python and Jupyter extensions). Then open a terminal in the folder \
             below and start Jupyter there:"
                .to_string(),
        ));
        b.push(Block::Code(format!("cd {dir}\njupyter notebook {name}")));
        b.push(Block::P(format!(
            "In VS Code, open the folder {dir}, then the notebook, and choose a Python \
             that has numpy and matplotlib."
        )));
        b.push(Block::List(vec![(
            Some(format!("{MNIST_DIR}/README.txt")),
            "Where the MNIST images come from".to_string(),
            " and under which licence.".to_string(),
        )]));
    }
    html(&format!("{}: start here", f.title), &b)
}

/// The MNIST source and licence note, `learners/downloads/mnist/README.txt`.
pub(crate) fn mnist_note(m: &MnistFiles) -> String {
    let name = |i: usize| m.files.get(i).map(|f| f.0.as_str()).unwrap_or_default();
    let paragraphs = [
        format!(
            "{} and {}: {} images of handwritten digits (28 x 28 pixels, grey levels \
             0-255) and their labels, in the IDX format, gzipped. The notebook in the \
             folder above reads them from here.",
            name(0),
            name(1),
            crate::num::grouped(m.images as u64).replace('\u{202f}', " "),
        ),
        "MNIST was made by Yann LeCun, Corinna Cortes and Christopher J. C. Burges \
         from NIST's Special Databases 1 and 3 (digits written by Census Bureau \
         employees and by high-school students). Original page: \
         http://yann.lecun.com/exdb/mnist/"
            .to_string(),
        "The MNIST files are distributed under the Creative Commons \
         Attribution-Share Alike 3.0 licence (CC BY-SA 3.0): \
         https://creativecommons.org/licenses/by-sa/3.0/ . You may copy and share \
         them if you name the authors above and share any changed version under \
         the same licence."
            .to_string(),
        "These copies hold the original files' bytes, compressed again by kvlens. \
         SHA-256 of the decompressed files:"
            .to_string(),
    ];
    let mut s = "The MNIST test set\n==================\n\n".to_string();
    for p in paragraphs {
        s.push_str(&wrap(&p, 76));
        s.push_str("\n\n");
    }
    s.pop();
    for ((name, _), sha) in m.files.iter().zip(&m.sha256) {
        s.push_str(&format!("  {sha}  {}\n", name.trim_end_matches(".gz")));
    }
    s
}

/// The top `START-HERE.html` and `START-HERE.txt`: what is where, with the
/// build's settings and every folder's files and size.
pub(crate) fn start_here(f: &Facts, top: &str, entries: &[Entry]) -> (String, String) {
    let i = |p: &str| has(entries, &format!("{INSTRUCTOR}/{p}"));
    let in_part = |part: &str| {
        entries
            .iter()
            .filter(|e| e.path.starts_with(&format!("{part}/")))
            .fold((0u64, 0u64), |(n, b), e| (n + 1, b + e.bytes.len() as u64))
    };
    let (ln, lb) = in_part(LEARNERS);
    let (inn, ib) = in_part(INSTRUCTOR);
    let mut b = vec![
        Block::H1(format!("{}: the classroom kit", f.title)),
        Block::P(format!(
            "Everything for the workshop, offline: {} in learners/ ({}) and {} in \
             instructor/ ({}). Built by kvlens {} on a network of {} key-value pairs \
             with {} % test accuracy.",
            count(ln, "file", "files"),
            human(lb),
            count(inn, "file", "files"),
            human(ib),
            env!("CARGO_PKG_VERSION"),
            f.pairs,
            crate::num::percent(f.accuracy, 2),
        )),
        Block::H2("Settings of this build".to_string()),
    ];
    let mut settings = Vec::new();
    for (page, slides, planned, track, shortened) in &f.decks {
        let fit = match (track, shortened) {
            (Some(t), true) => {
                format!(", fitted to {t} minutes by leaving out the parts marked long")
            }
            (Some(t), false) => format!(", the full deck fits {t} minutes"),
            (None, _) => ", the full deck".to_string(),
        };
        settings.push((
            None,
            format!("Slides {page}"),
            format!(": {slides} slides, {planned} minutes planned{fit}."),
        ));
    }
    for (title, variants, _) in &f.sheets {
        settings.push((
            None,
            format!("Sheet “{title}”"),
            format!(": {}.", count(*variants, "variant", "variants")),
        ));
    }
    settings.push((
        None,
        "Participants".to_string(),
        match f.participants {
            Some(n) => format!(": {n} (as asked with --participants)."),
            None => format!(
                ": {} (from [classroom] participants in workshop.toml; the facilitator guide counts copies for them).",
                f.room
            ),
        },
    ));
    b.push(Block::List(settings));

    b.push(Block::H2(
        "learners/: for the learners' laptops".to_string(),
    ));
    b.push(Block::P(
        "Copy this folder to every laptop (a USB stick or a shared drive). It \
         opens from the disk, with no network and no request outside the folder. \
         It holds no answer keys."
            .to_string(),
    ));
    let mut learners = vec![(
        Some(format!("{LEARNERS}/START-HERE.html")),
        "learners/START-HERE.html".to_string(),
        ": what to open first, and how to run the notebook offline.".to_string(),
    )];
    learners.push((
        Some(format!("{LEARNERS}/index.html")),
        "learners/index.html".to_string(),
        ": the course site.".to_string(),
    ));
    let sheet_pdfs = entries
        .iter()
        .filter(|e| e.path.starts_with(&format!("{LEARNERS}/print/sheets/")))
        .count();
    if sheet_pdfs > 0 {
        learners.push((
            None,
            "learners/print/sheets/".to_string(),
            format!(
                ": the exercise sheets to print, {} ({} paper).",
                count(sheet_pdfs as u64, "PDF", "PDFs"),
                f.paper
            ),
        ));
    }
    if let Some(nb) = &f.notebook {
        learners.push((
            None,
            format!("learners/{nb}"),
            format!(
                ": the notebook, with the model files beside it and the MNIST test set \
                 in learners/{MNIST_DIR}/."
            ),
        ));
    }
    b.push(Block::List(learners));

    b.push(Block::H2("instructor/: for you only".to_string()));
    b.push(Block::P(if f.publish_keys {
        "This workshop publishes its keys with the site, so they are in learners/ \
         (learners/instructor/); this folder holds the deck's PDFs."
            .to_string()
    } else {
        "Keep this folder to yourself: it holds the answer keys.".to_string()
    }));
    let mut inst = Vec::new();
    for (page, ..) in &f.decks {
        inst.push((
            Some(format!("{LEARNERS}/{page}")),
            format!("learners/{page}"),
            ": the deck to present from, on the projector's laptop (S opens the presenter \
             view with notes and timer; ? lists every key)."
                .to_string(),
        ));
    }
    if i("guide.html") {
        inst.push((
            Some(format!("{INSTRUCTOR}/guide.html")),
            "instructor/guide.html".to_string(),
            ": the facilitator guide (run of show, print list, set-up checklist).".to_string(),
        ));
    }
    if i("print/guide.pdf") {
        inst.push((
            Some(format!("{INSTRUCTOR}/print/guide.pdf")),
            "instructor/print/guide.pdf".to_string(),
            ": the facilitator guide to print.".to_string(),
        ));
    }
    for (page, ..) in &f.decks {
        let s = stem(page);
        for (suffix, what) in [
            ("", "the slides, one per page"),
            ("-notes", "each slide with its presenter notes"),
            ("-handout", "the handout, six slides per page"),
        ] {
            let p = format!("print/{s}{suffix}.pdf");
            if i(&p) {
                inst.push((
                    Some(format!("{INSTRUCTOR}/{p}")),
                    format!("instructor/{p}"),
                    format!(": {what}."),
                ));
            }
        }
    }
    let under = |dir: &str, suffix: &str| {
        entries
            .iter()
            .filter(|e| {
                e.path.starts_with(&format!("{INSTRUCTOR}/{dir}")) && e.path.ends_with(suffix)
            })
            .count() as u64
    };
    let keys = under("sheets/", "-key.html");
    if keys > 0 {
        inst.push((
            None,
            "instructor/sheets/".to_string(),
            format!(
                ": {} and {} (instructor/print/sheets/ has them as PDFs).",
                count(keys, "answer key", "answer keys"),
                count(
                    under("sheets/", "-marking.html"),
                    "marking key",
                    "marking keys"
                ),
            ),
        ));
    }
    if i("ta-table.html") {
        inst.push((
            Some(format!("{INSTRUCTOR}/ta-table.html")),
            "instructor/ta-table.html".to_string(),
            ": every variant's answers on one page, for the TAs.".to_string(),
        ));
    }
    if let Some(sol) = entries.iter().find(|e| {
        e.path.starts_with(&format!("{INSTRUCTOR}/")) && e.path.ends_with("-solutions.ipynb")
    }) {
        inst.push((
            None,
            sol.path.clone(),
            ": the notebook with its solutions.".to_string(),
        ));
    }
    b.push(Block::List(inst));

    b.push(Block::H2("Every folder".to_string()));
    let rows = folder_sizes(entries)
        .into_iter()
        .map(|(d, n, bytes)| {
            vec![
                if d.is_empty() {
                    "./".to_string()
                } else {
                    format!("{d}/")
                },
                n.to_string(),
                human(bytes),
            ]
        })
        .collect();
    b.push(Block::Table(
        vec![
            "folder".to_string(),
            "files".to_string(),
            "size".to_string(),
        ],
        rows,
    ));
    b.push(Block::P(format!(
        "Sizes are unpacked; this page and START-HERE.txt are not counted. The zip's \
         one folder is {top}/."
    )));
    let title = format!("{}: the classroom kit", f.title);
    (html(&title, &b), text(&b))
}

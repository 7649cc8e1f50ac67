//! Printing with headless Chromium (`kvlens build --pdf`): every deck, and
//! every exercise sheet variant, answer key and the TA table.
//!
//! The build is written to a temporary folder (laid out as the workshop:
//! `public/` and `instructor/`) and printed from there with one browser.
//! Each deck is opened
//! there from `file://` in the three print layouts of `theme/deck.js`
//! (slides, slides with notes, handout) and printed with the CSS page size
//! and backgrounds. The PDFs join the site's files under `print/`, so
//! `public/` is still replaced in one step. Before printing, every slide is
//! measured fully revealed: one whose content does not fit fails the build,
//! named; the slides PDF must then have exactly one page per slide.
//!
//! Chromium stamps the time of printing into each PDF; the stamps are set
//! to a fixed date (same length, so the cross-reference offsets hold).
//! Links into the site point at `[site] base_url` (or are dropped), never at
//! the temporary folder. So the same site prints to the same bytes.

use crate::browser::{Browser, Page, file_url, pdf_page_count};
use crate::config::Paper;
use crate::output::OutputFile;
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Duration;

/// The print layouts: file name suffix and the query deck.js reads.
pub const LAYOUTS: [(&str, &str); 3] = [
    ("", ""),
    ("-notes", "?print=notes"),
    ("-handout", "?print=handout"),
];

/// How long a deck may take to be ready for printing.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A page of the site to print, as a product asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintJob {
    /// A slide deck (`public/<page>`), printed in every layout of
    /// [`LAYOUTS`] and measured slide by slide; `slides` pages expected.
    Deck { page: String, slides: usize },
    /// A paged document (a sheet, a key, the TA table) at `rel` (below
    /// `public/`, or `instructor/…`); a learner's sheet has its exercises
    /// measured against the printable height first.
    Paged {
        rel: String,
        learner: bool,
        budget: Option<Budget>,
    },
}

/// The most pages a paged document may print on, and where that limit is
/// set (for the error).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub pages: u32,
    /// E.g. "content/sheets/x.md:5: `pages = 4`".
    pub source: String,
}

/// Where `build --pdf` prints the paged document `rel`: `print/<stem>.pdf`
/// (`instructor/print/<stem>.pdf` for an instructor's page).
pub fn pdf_of(rel: &str) -> String {
    let stem = rel.strip_suffix(".html").unwrap_or(rel);
    match stem.strip_prefix("instructor/") {
        Some(inner) => format!("instructor/print/{inner}.pdf"),
        None => format!("print/{stem}.pdf"),
    }
}

/// What `build --pdf` printed: PDFs for `public/` and for the instructor's
/// folder (paths start with `instructor/print/`; they are in `public` when
/// the keys are published).
#[derive(Debug, Default)]
pub struct Pdfs {
    pub public: Vec<OutputFile>,
    pub instructor: Vec<OutputFile>,
}

/// Prints every job of a build laid out under `root` as
/// `crate::build::write_outputs` writes it (`public/`, and `instructor/`
/// beside it), with one browser: the decks first, then the paged documents.
pub fn print_all(
    root: &Path,
    jobs: &[PrintJob],
    publish_keys: bool,
    paper: Paper,
    chromium: &Path,
    base_url: Option<&str>,
    ui: &crate::ui::Ui,
) -> Result<Pdfs> {
    let mut out = Pdfs::default();
    if jobs.is_empty() {
        return Ok(out);
    }
    let decks: Vec<(&str, usize)> = jobs
        .iter()
        .filter_map(|j| match j {
            PrintJob::Deck { page, slides } => Some((page.as_str(), *slides)),
            PrintJob::Paged { .. } => None,
        })
        .collect();
    let paged: Vec<(&str, bool, Option<&Budget>)> = jobs
        .iter()
        .filter_map(|j| match j {
            PrintJob::Paged {
                rel,
                learner,
                budget,
            } => Some((rel.as_str(), *learner, budget.as_ref())),
            PrintJob::Deck { .. } => None,
        })
        .collect();
    let mut browser = Browser::launch(chromium)?;
    let links = links_for_print(&file_url(&root.join("public")), base_url);
    if !decks.is_empty() {
        let mut page = browser.new_page()?;
        for (deck, slides) in decks {
            out.public
                .extend(print_deck(&mut page, root, deck, slides, &links, ui)?);
        }
    }
    if !paged.is_empty() {
        let mut page = browser.new_page()?;
        print_paged(
            &mut page,
            root,
            &paged,
            publish_keys,
            paper,
            &links,
            ui,
            &mut out,
        )?;
    }
    Ok(out)
}

/// A deck's PDFs: `print/<deck>.pdf`, `-notes.pdf`, `-handout.pdf`.
fn print_deck(
    page: &mut Page,
    root: &Path,
    deck: &str,
    slides: usize,
    links: &str,
    ui: &crate::ui::Ui,
) -> Result<Vec<OutputFile>> {
    let stem = deck.strip_suffix(".html").unwrap_or(deck);
    let mut out = Vec::new();
    for (suffix, query) in LAYOUTS {
        let name = format!("print/{stem}{suffix}.pdf");
        ui.status(&format!("printing {name}"));
        page.goto(&format!(
            "{}{query}",
            file_url(&root.join("public").join(deck))
        ))?;
        page.wait_for(
            "document.documentElement.dataset.ready === '1' && document.fonts.status === 'loaded'",
            READY_TIMEOUT,
        )
        .with_context(|| format!("{deck} did not get ready to print"))?;
        page.eval(links)?;
        if suffix.is_empty() {
            let overfull = overfull_slides(page)?;
            anyhow::ensure!(
                overfull.is_empty(),
                "{}: {} does not fit its 1280×720 slide (content size in CSS px); shorten it or split it with `---`",
                deck,
                overfull.join(", ")
            );
        }
        let pdf = fixed_node_ids(fixed_dates(page.print_to_pdf()?));
        if suffix.is_empty() {
            let pages = pdf_page_count(&pdf);
            anyhow::ensure!(
                pages == slides,
                "{name} has {pages} pages for {slides} slides: a slide is taller than its page (look for one with too much on it)"
            );
        }
        out.push(OutputFile::new(name, pdf));
    }
    Ok(out)
}

/// The printable height and width of a page in CSS px (96 per inch): the
/// paper less the margins of `sheets::pages::page_css` (17 mm top and
/// bottom, 15 mm left and right).
pub fn printable_px(paper: Paper) -> (f64, f64) {
    let (w_mm, h_mm) = match paper {
        Paper::A4 => (210.0, 297.0),
        Paper::Letter => (215.9, 279.4),
    };
    let px = |mm: f64| mm / 25.4 * 96.0;
    (px(w_mm - 30.0), px(h_mm - 34.0))
}

/// Every paged document: a sheet variant to `print/sheets/…pdf`, a key or
/// the TA table to `instructor/print/…pdf`. Before printing, each exercise
/// of a learner's sheet is measured in print layout: one taller than a page
/// fails the build, named, because it would break across pages.
#[allow(clippy::too_many_arguments)]
fn print_paged(
    page: &mut Page,
    root: &Path,
    jobs: &[(&str, bool, Option<&Budget>)],
    publish_keys: bool,
    paper: Paper,
    links: &str,
    ui: &crate::ui::Ui,
    out: &mut Pdfs,
) -> Result<()> {
    // Keys kept beside public/ are at <root>/instructor/…, published ones
    // at <root>/public/instructor/….
    let on_disk = |rel: &str| match rel.starts_with("instructor/") && !publish_keys {
        true => root.join(rel),
        false => root.join("public").join(rel),
    };
    let (width, height) = printable_px(paper);
    page.send(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    )?;
    page.set_viewport(width.round() as u32, height.round() as u32, 1.0)?;
    for &(rel, learner, budget) in jobs {
        let name = pdf_of(rel);
        let instructor = rel.starts_with("instructor/") && !publish_keys;
        ui.status(&format!("printing {name}"));
        page.goto(&file_url(&on_disk(rel)))?;
        page.wait_for(
            "document.readyState === 'complete' && document.fonts.status === 'loaded'",
            READY_TIMEOUT,
        )
        .with_context(|| format!("{rel} did not get ready to print"))?;
        if learner {
            let tall = page.eval(&format!(
                "(() => {{ const out = []; for (const s of document.querySelectorAll('section.exercise')) {{ \
                   const h = s.getBoundingClientRect().height; \
                   if (h > {height}) out.push(s.querySelector('h2').textContent.trim() + ' (' + Math.round(h) + ' px)'); }} \
                 return out; }})()"
            ))?;
            let tall: Vec<String> = tall
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            anyhow::ensure!(
                tall.is_empty(),
                "{rel}: {} taller than a printed page ({} px of {}): it would break across pages; shorten it (a smaller `space`, a shorter question)",
                tall.join(", "),
                height.round(),
                paper.label()
            );
        }
        if learner {
            let small = small_text(page)?;
            anyhow::ensure!(
                small.is_empty(),
                "{rel}: text smaller than 8 pt on paper, too small to read: {}",
                small.join("; ")
            );
        }
        page.eval(links)?;
        let bytes = fixed_node_ids(fixed_dates(page.print_to_pdf()?));
        if let Some(b) = budget {
            let pages = pdf_page_count(&bytes);
            anyhow::ensure!(
                pages <= b.pages as usize,
                "{rel} prints on {pages} {} pages, more than its budget of {} ({}); shorten an exercise or its `space`, or raise the budget",
                paper.label(),
                b.pages,
                b.source
            );
        }
        let pdf = OutputFile::new(name, bytes);
        match instructor {
            true => out.instructor.push(pdf),
            false => out.public.push(pdf),
        }
    }
    Ok(())
}

/// The smallest print size of any text: 8 pt, in CSS px.
const MIN_PRINT_PX: f64 = 8.0 / 72.0 * 96.0;

/// Text of the page open in `page` (print media) that prints smaller than
/// 8 pt: HTML text by its computed size, SVG text by its size scaled to
/// the drawn figure. At most five, as `"text" (size pt)`.
fn small_text(page: &mut Page) -> Result<Vec<String>> {
    let found = page.eval(&format!(
        "(() => {{ const out = []; const min = {MIN_PRINT_PX}; \
           const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
           for (let n = walker.nextNode(); n; n = walker.nextNode()) {{ \
             const t = n.textContent.trim(); const el = n.parentElement; \
             if (!t || !el || el.closest('.screen-only, [aria-hidden=\"true\"] .work-lines')) continue; \
             if (el.getClientRects().length === 0) continue; \
             let size = parseFloat(getComputedStyle(el).fontSize); \
             if (el instanceof SVGElement) {{ const m = el.getScreenCTM(); if (m) size *= Math.hypot(m.a, m.b); }} \
             if (size < min - 0.05) out.push(JSON.stringify(t.slice(0, 30)) + ' in <' + el.tagName.toLowerCase() + (el.getAttribute('class') ? ' class=\"' + el.getAttribute('class') + '\"' : '') + '> (' + (size * 72 / 96).toFixed(1) + ' pt)'); \
           }} \
           return out.slice(0, 5); }})()"
    ))?;
    Ok(found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect())
}

/// The slides of the deck open in `page` whose content, fully revealed, is
/// larger than the slide: `slide <id> (<w>×<h>)` each. Leaves the deck on
/// its first slide.
pub fn overfull_slides(page: &mut Page) -> Result<Vec<String>> {
    let found = page.eval(
        "(() => { const out = []; const n = window.kvDeck.state().count; \
         for (let i = 0; i < n; i++) { window.kvDeck.go(i, Infinity); \
           const s = document.querySelectorAll('.slide')[i], c = s.querySelector('.slide-content'); \
           if (c.scrollHeight > c.clientHeight + 2 || c.scrollWidth > c.clientWidth + 2) \
             out.push('slide ' + s.id + ' (' + c.scrollWidth + '×' + c.scrollHeight + ')'); } \
         window.kvDeck.go(0, 0); return out; })()",
    )?;
    Ok(found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect())
}

/// A script that points the page's links into the site at `base_url` (or
/// drops them without one): printed from the temporary folder they would
/// name a `file://` path that exists only while printing, and the bytes
/// would change from build to build.
fn links_for_print(site_url: &str, base_url: Option<&str>) -> String {
    let site =
        serde_json::to_string(&format!("{}/", site_url.trim_end_matches('/'))).unwrap_or_default();
    let base = serde_json::to_string(base_url.unwrap_or("")).unwrap_or_default();
    format!(
        "(() => {{ const site = {site}, base = {base}; \
         for (const a of document.querySelectorAll('a[href]')) {{ \
           if (!a.href.startsWith('file:')) continue; \
           if (base && a.href.startsWith(site)) a.href = new URL(a.href.slice(site.length), base).href; \
           else a.removeAttribute('href'); }} }})()"
    )
}

/// Renumbers the structure element ids of a tagged PDF, `(node00012363)`:
/// Chromium numbers them with a counter of the browser process, so they
/// change with whatever it did before. The distinct ids are replaced in
/// order (so the sorted ID tree stays sorted) by 0, 1, 2, … of the same
/// width, and the bytes no longer depend on the browser's history.
pub fn fixed_node_ids(mut pdf: Vec<u8>) -> Vec<u8> {
    const KEY: &[u8] = b"(node";
    let mut found: Vec<(usize, usize, u64)> = Vec::new(); // (start of digits, len, value)
    let mut i = 0;
    while i + KEY.len() < pdf.len() {
        if &pdf[i..i + KEY.len()] == KEY {
            let start = i + KEY.len();
            let len = pdf[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if len > 0 && pdf.get(start + len) == Some(&b')') {
                let v = std::str::from_utf8(&pdf[start..start + len])
                    .ok()
                    .and_then(|t| t.parse::<u64>().ok());
                if let Some(v) = v {
                    found.push((start, len, v));
                }
            }
            i = start + len;
        } else {
            i += 1;
        }
    }
    let mut distinct: Vec<u64> = found.iter().map(|f| f.2).collect();
    distinct.sort_unstable();
    distinct.dedup();
    for (start, len, v) in found {
        let rank = distinct.binary_search(&v).unwrap_or(0);
        let text = format!("{rank:0len$}");
        if text.len() == len {
            pdf[start..start + len].copy_from_slice(text.as_bytes());
        }
    }
    pdf
}

/// Sets every PDF date `(D:YYYYMMDDHHmmSS…)` to 2000-01-01 00:00:00 of the
/// same length, so cross-reference offsets stay valid.
pub fn fixed_dates(mut pdf: Vec<u8>) -> Vec<u8> {
    const KEY: &[u8] = b"(D:";
    const FIXED: &[u8] = b"20000101000000";
    let mut i = 0;
    while i + KEY.len() + FIXED.len() <= pdf.len() {
        if &pdf[i..i + KEY.len()] == KEY {
            let start = i + KEY.len();
            let digits = pdf[start..]
                .iter()
                .take(FIXED.len())
                .take_while(|b| b.is_ascii_digit())
                .count();
            pdf[start..start + digits].copy_from_slice(&FIXED[..digits]);
            // The time zone keeps its length; its numbers become zeros.
            let mut j = start + digits;
            while j < pdf.len() && pdf[j] != b')' {
                if pdf[j].is_ascii_digit() {
                    pdf[j] = b'0';
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_renumbered_in_order() {
        let pdf = b"/ID (node00012363)>> /K [(node00012365) (node00012363)] /Names [(node00012363) 1 0 R (node00012365) 2 0 R] (node1x)".to_vec();
        let fixed = String::from_utf8(fixed_node_ids(pdf)).unwrap();
        assert_eq!(
            fixed,
            "/ID (node00000000)>> /K [(node00000001) (node00000000)] /Names [(node00000000) 1 0 R (node00000001) 2 0 R] (node1x)"
        );
    }

    #[test]
    fn dates_are_fixed_in_place() {
        let pdf =
            b"<</CreationDate (D:20261124215959+01'00') /ModDate (D:2026112421)>> (D:x)".to_vec();
        let n = pdf.len();
        let fixed = fixed_dates(pdf);
        assert_eq!(fixed.len(), n);
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "<</CreationDate (D:20000101000000+00'00') /ModDate (D:2000010100)>> (D:x)"
        );
    }
}

//! The `kvlens` command line: parses arguments, runs one command, prints the
//! error chain once and sets the exit code. All work lives in the library.

use anyhow::Result;
use clap::{Parser, Subcommand};
use kvlens::{Session, num, ui::Ui};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// Build a workshop on the key-value view of a neural network.
///
/// kvlens trains a one-hidden-layer network on MNIST, decomposes it into
/// key-value pairs (hidden neuron i: key = row i of W1 plus its bias, value =
/// column i of W2) and builds a course website from the real numbers.
///
/// Example: kvlens build (in a workshop folder; the first build downloads MNIST into the cache)
///
/// Offline, with the four MNIST files in a folder: KVLENS_MNIST_DIR=/path/to/mnist kvlens build
///
/// A workshop folder of your own: kvlens init my-workshop
#[derive(Parser, Debug)]
#[command(name = "kvlens", version, propagate_version = true)]
struct Cli {
    /// The workshop folder (the one holding workshop.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// No progress bars or status lines; results and errors still print.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Folder with the four MNIST files (gzipped or raw); overrides
    /// KVLENS_MNIST_DIR and [data] mnist_dir.
    #[arg(long, global = true, value_name = "DIR")]
    mnist_dir: Option<PathBuf>,
    /// Cache folder for MNIST downloads and trained models.
    #[arg(long, global = true, env = "KVLENS_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compute the analyses again instead of reading them from the cache
    /// folder's analyses/ (and do not write them there); the trained model
    /// still comes from the model cache. The site is the same either way.
    #[arg(long, global = true)]
    no_analyses_cache: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the workshop into public/: data, model (cached), analyses, pages.
    ///
    /// Reuses the cached model when workshop.toml's [model] and the data are
    /// unchanged, so a second build does not retrain and writes the same
    /// bytes. public/ is replaced only when the whole build succeeds.
    ///
    /// Example: kvlens build --mnist-dir /path/to/mnist
    Build {
        /// Build the decks for a talk of this many minutes: the full deck
        /// when it fits, else without the parts marked track="long"; fails
        /// when even that plans more minutes.
        #[arg(long, value_name = "MINUTES")]
        track: Option<u32>,
        /// Make N numbered variants of every exercise sheet (seeded by
        /// [sheets] seed: same seed, same variants), each with its own
        /// answer key, and the TA table listing every variant's answers.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
        variants: Option<u32>,
        /// People in the room: the facilitator guide's print list counts
        /// copies for them (default: [classroom] participants).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        participants: Option<u32>,
        /// Also print with Chromium: every deck to public/print/<deck>.pdf
        /// (one slide per page), <deck>-notes.pdf and <deck>-handout.pdf;
        /// every sheet variant to public/print/sheets/…; the keys and the
        /// TA table to instructor/print/ (public/print/ when published).
        #[arg(long)]
        pdf: bool,
        /// The Chromium (or Chrome) to print with; default: found on the PATH
        /// or $KVLENS_CHROMIUM.
        #[arg(long, value_name = "PATH", requires = "pdf")]
        chromium: Option<PathBuf>,
    },
    /// Build everything (PDFs included) and pack the classroom into one zip.
    ///
    /// For a room without a network: the zip has one folder with
    /// learners/ (the site, which opens from the disk, the sheets' PDFs, the
    /// notebook with the model files and the MNIST test set, a start page),
    /// instructor/ (the deck's PDFs, answer keys, marking keys, the TA table,
    /// the notebook's solutions, the facilitator guide) and START-HERE.html
    /// saying what is where. The same inputs give the same bytes. It
    /// replaces only a zip it wrote itself (or any file with --force), and
    /// warns when the zip is over its size budget (20 MB).
    ///
    /// Example: kvlens bundle --variants 3 --participants 24 --out kit.zip
    Bundle {
        /// The zip to write (default: <title>-kit.zip in the workshop folder,
        /// the title as in [site] title, e.g. inside-a-neural-network-keys-and-values-kit.zip).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace --out even when it is not a bundle kvlens wrote.
        #[arg(long)]
        force: bool,
        /// As for build: decks fit this many minutes.
        #[arg(long, value_name = "MINUTES")]
        track: Option<u32>,
        /// As for build: variants of every exercise sheet.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
        variants: Option<u32>,
        /// As for build: people in the room.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        participants: Option<u32>,
        /// The Chromium (or Chrome) to print with; default: found on the PATH
        /// or $KVLENS_CHROMIUM.
        #[arg(long, value_name = "PATH")]
        chromium: Option<PathBuf>,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild on every edit.
    ///
    /// Watches content/, templates/, theme/ and workshop.toml. A prose edit
    /// re-renders the pages with the model and analyses kept in memory; a
    /// change to workshop.toml or a toy net prepares again (retraining only
    /// when [model] changed). Open pages reload by themselves and keep their
    /// scroll position; a failed build shows its error over the page and the
    /// last good site stays served. Ctrl-C stops.
    ///
    /// With --lan the learners in the room open the site on their laptops
    /// and phones: serve listens on every address of this machine, prints
    /// one URL per network interface (and warns that anyone on the network
    /// can read the site), and the deck's QR slide shows the first URL when
    /// [site] base_url is not set. Read-only: GET and HEAD only, the
    /// learners' site only (never instructor/ unless keys are published,
    /// never the sources), no directory listings, at most 384 connections
    /// at once. Pages reload after an edit only on this machine.
    ///
    /// Example: kvlens serve --port 8000
    ///
    /// Example for the room: kvlens serve --lan
    Serve {
        /// First port to try (the next ones, up to 19 more, when it is busy;
        /// 0 = any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Serve to the local network too (all of this machine's addresses;
        /// without it only 127.0.0.1). Fails when no network is connected.
        #[arg(long)]
        lan: bool,
        /// With --lan: listen on this address only (one of this machine's,
        /// e.g. 192.168.1.23; 0.0.0.0 = all).
        #[arg(long, value_name = "ADDR", requires = "lan")]
        bind: Option<std::net::IpAddr>,
        /// As for build: decks fit this many minutes.
        #[arg(long, value_name = "MINUTES")]
        track: Option<u32>,
        /// As for build: variants of every exercise sheet.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
        variants: Option<u32>,
        /// As for build: people in the room.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        participants: Option<u32>,
    },
    /// Train the network (or confirm the cached one) and print per-epoch results.
    ///
    /// Prints loss, train and test accuracy and seconds per epoch. Ctrl-C stops
    /// training and leaves the model cache as it was.
    ///
    /// Example: kvlens train --force
    Train {
        /// Retrain even when a cached model for this config exists.
        #[arg(long)]
        force: bool,
    },
    /// Validate config, toy nets, templates and content; print every problem.
    ///
    /// Checks front matter, shortcodes and their arguments, selectors, claims
    /// (against the cached model; trains it if there is none), links to
    /// pages, anchors and files, and math, without writing public/. Lists
    /// the content's links to the web on stdout (they are not fetched).
    /// Prints nothing else and exits 0 when all is well; exits 1 with every
    /// problem listed otherwise.
    ///
    /// Example: kvlens check --root my-workshop
    Check {
        /// As for build: check that the decks fit this many minutes.
        #[arg(long, value_name = "MINUTES")]
        track: Option<u32>,
        /// As for build: check this many variants of every exercise sheet.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
        variants: Option<u32>,
        /// As for build: people in the room.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        participants: Option<u32>,
    },
    /// Take one image's prediction apart, pair by pair.
    ///
    /// SELECTOR names the image: `test:247`, `train:12`, `first(digit=0, correct)`,
    /// `most-confident(digit=0)`, `least-confident(digit=1, correct)`,
    /// `misclassified(true=4, predicted=2)`, `sharpest(digit=0)`, `flattest(digit=1)`,
    /// `first(digit=7, flips-after>=0.2)`, and `a | b` (first that matches).
    /// Shows the image, prediction, top pairs, flip points, tail cut and the
    /// logit waterfall. Uses the cached model (trains if there is none).
    ///
    /// Example: kvlens explain 'misclassified(true=4, predicted=2) | first(digit=4)' --top 5
    /// Example: kvlens explain --pair 17
    Explain {
        /// Which image (see above). Not needed with --pair.
        #[arg(required_unless_present = "pair")]
        selector: Option<String>,
        /// Show one pair across the test set instead: key, value, what it
        /// votes for and what it fires on.
        #[arg(long, value_name = "I", conflicts_with = "selector")]
        pair: Option<usize>,
        /// How many top pairs to list and to show in the waterfall.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Rank pairs by their contribution to the decision or by L1 norm.
        #[arg(long, value_enum, default_value_t = RankArg::Decision)]
        rank: RankArg,
        /// Print JSON (stable field names) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Knock out the pairs that vote most for a digit, with a random control.
    ///
    /// Removes the k pairs whose value favours DIGIT most (v_d minus the
    /// largest other vote) and reports accuracy per digit and the mean logit
    /// change, beside a control that removes k random pairs (seeded). Modes:
    /// zero (activations set to 0), mean (set to their test-set mean), refit
    /// (zero, then b2 refitted on the training set: does a constant explain
    /// the collapse?). The trained b2 stays in zero and mean.
    ///
    /// Example: kvlens knockout --digit 7 --k 25 --mode refit
    Knockout {
        /// The digit whose pairs are removed.
        #[arg(long)]
        digit: usize,
        /// How many pairs to remove (default: 10 % of the pairs, rounded).
        #[arg(long)]
        k: Option<usize>,
        #[arg(long, value_enum, default_value_t = ModeArg::Zero)]
        mode: ModeArg,
        /// Print JSON (stable field names) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write every figure the workshop uses, as SVG (and PNG), for reuse.
    ///
    /// Toy-network figures for every net in content/nets/ and each of its
    /// examples; MNIST figures for the workshop's example images (named by
    /// their resolved image, e.g. test-3-waterfall.svg) and the whole test
    /// set. figures.json lists ids, titles and descriptions (alt texts).
    /// Replaces what an earlier run wrote into the folder.
    ///
    /// Example: kvlens figures --out slides-figures --png --print
    Figures {
        /// Folder to write into (default: figures/ in the workshop folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also write a PNG of each figure (twice the SVG size, bundled font).
        #[arg(long)]
        png: bool,
        /// Also write the print variants (readable in grayscale), as <id>-print.
        #[arg(long)]
        print: bool,
    },
    /// Write the trained model for use outside kvlens (numpy, safetensors).
    ///
    /// Writes kvlens-model.npz (or .safetensors) with w1 (rows = keys), b1,
    /// w2 (columns = values), b2 and the initial weights init_w1 … init_b2,
    /// all float32, and kvlens-model.json: what each array is, the config,
    /// the test accuracy and the SHA-256 of the MNIST files. Uses the cached
    /// model (trains if there is none). The site offers the same files under
    /// downloads/, with the coding notebook.
    ///
    /// Example: kvlens export --format safetensors --out model/
    Export {
        #[arg(long, value_enum, default_value_t = FormatArg::Npz)]
        format: FormatArg,
        /// Folder to write into (default: export/ in the workshop folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Find (or download) MNIST, verify its checksums and say what it holds.
    ///
    /// Looks in --mnist-dir, then KVLENS_MNIST_DIR, then [data] mnist_dir,
    /// then the cache, and downloads into the cache as a last resort.
    ///
    /// Example: KVLENS_MNIST_DIR=/path/to/mnist kvlens data
    Data,
    /// Write a new workshop into DIR: the course, the deck, the sheets.
    ///
    /// Writes the workshop this version of kvlens ships, carried inside the
    /// binary: content/ (the course pages, the slide deck, the exercise
    /// sheets, the toy networks in content/nets/) and workshop.toml. With
    /// --templates also templates/ and theme/, copies of the built-in ones
    /// to edit; without them the built-ins are used. DIR must be new or an
    /// empty folder: init never overwrites a file. Ignores --root.
    ///
    /// Example: kvlens init my-workshop && cd my-workshop && kvlens serve
    Init {
        /// The folder to write (created when missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Also write templates/ and theme/ (the built-in ones) to edit.
        #[arg(long)]
        templates: bool,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum RankArg {
    /// By what the pair adds to the lead of the prediction over the runner-up.
    Decision,
    /// By the L1 norm of the pair's scaled value.
    L1,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    /// numpy's .npz (np.load), one .npy array per tensor.
    Npz,
    /// safetensors (the metadata JSON is also in its header, key `kvlens`).
    Safetensors,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ModeArg {
    /// Set the removed pairs' activations to 0.
    Zero,
    /// Set them to their mean over the test set.
    Mean,
    /// Zero, then refit b2 on the training set.
    Refit,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(cli.quiet);
    let flag = ui.interrupt.clone();
    // A second Ctrl-C ends the process at once.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: stopping at the next safe point…");
    });
    match run(cli, ui.clone()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if ui.interrupted() {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli, ui: Ui) -> Result<()> {
    if let Command::Init { dir, templates } = &cli.command {
        return init(dir, *templates);
    }
    let session = session(&cli, ui)?;
    match cli.command {
        Command::Build { pdf, chromium, .. } => build(&session, pdf, chromium),
        Command::Bundle {
            out,
            force,
            chromium,
            ..
        } => bundle(
            &session,
            &kvlens::bundle::BundleOptions {
                out,
                force,
                chromium,
            },
        ),
        Command::Serve {
            port, lan, bind, ..
        } => {
            use kvlens::serve::Listen;
            let listen = match (lan, bind) {
                (false, _) => Listen::Loopback,
                (true, None) => Listen::Lan,
                (true, Some(ip)) => Listen::Bind(ip),
            };
            kvlens::serve::serve(&session, port, listen)
        }
        Command::Train { force } => train(&session, force),
        Command::Check { .. } => check(&session),
        Command::Explain {
            pair: Some(pair),
            json,
            ..
        } => {
            let r = kvlens::explain::explain_pair(&session, pair)?;
            emit(json, &r, kvlens::explain::render_pair_text)
        }
        Command::Explain {
            selector,
            top,
            rank,
            json,
            ..
        } => {
            let selector = selector.unwrap_or_default();
            let ranking = match rank {
                RankArg::Decision => kvlens::kv::image::Ranking::Decision,
                RankArg::L1 => kvlens::kv::image::Ranking::L1,
            };
            let e = kvlens::explain::explain(&session, &selector, top, ranking)?;
            emit(json, &e, kvlens::explain::render_text)
        }
        Command::Knockout {
            digit,
            k,
            mode,
            json,
        } => {
            use kvlens::kv::population::KnockoutMode;
            let mode = match mode {
                ModeArg::Zero => KnockoutMode::Zero,
                ModeArg::Mean => KnockoutMode::Mean,
                ModeArg::Refit => KnockoutMode::Refit,
            };
            let result = kvlens::knockout::run(&session, digit, k, mode)?;
            emit(json, &result, kvlens::knockout::render_text)
        }
        Command::Figures { out, png, print } => {
            let out = out.unwrap_or_else(|| session.root.join("figures"));
            let summary = kvlens::figures(&session, &out, png, print)?;
            println!(
                "wrote {} figures ({} files) into {}",
                summary.figures,
                summary.files,
                summary.out.display()
            );
            Ok(())
        }
        Command::Export { format, out } => export(&session, format, out),
        Command::Init { dir, templates } => init(&dir, templates),
        Command::Data => {
            let cfg = kvlens::load_config(&session.root)?;
            let (ds, source) = kvlens::load_data(&session, &cfg)?;
            print!("{}", kvlens::data::describe(&ds, &source));
            Ok(())
        }
    }
}

/// The session of a command line.
fn session(cli: &Cli, ui: Ui) -> Result<Session> {
    let cache_dir = match &cli.cache_dir {
        Some(d) => d.clone(),
        None => kvlens::default_cache_dir()?,
    };
    Ok(Session {
        root: cli.root.clone(),
        cache_dir,
        mnist_flag: cli.mnist_dir.clone(),
        no_analyses_cache: cli.no_analyses_cache,
        mnist_env: std::env::var_os("KVLENS_MNIST_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        ui,
        track: match cli.command {
            Command::Build { track, .. }
            | Command::Bundle { track, .. }
            | Command::Serve { track, .. }
            | Command::Check { track, .. } => track,
            _ => None,
        },
        variants: match cli.command {
            Command::Build { variants, .. }
            | Command::Bundle { variants, .. }
            | Command::Serve { variants, .. }
            | Command::Check { variants, .. } => variants,
            _ => None,
        },
        participants: match cli.command {
            Command::Build { participants, .. }
            | Command::Bundle { participants, .. }
            | Command::Serve { participants, .. }
            | Command::Check { participants, .. } => participants,
            _ => None,
        },
    })
}

fn build(session: &Session, pdf: bool, chromium: Option<PathBuf>) -> Result<()> {
    let built = kvlens::build(session, &kvlens::BuildOptions { pdf, chromium })?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    let report = built.report;
    println!(
        "built {} files into {} (test accuracy {} %, {} pairs)",
        report.files.len(),
        session.public_dir().display(),
        num::percent(report.accuracy.test, 2),
        report.model.config.hidden
    );
    Ok(())
}

fn init(dir: &std::path::Path, templates: bool) -> Result<()> {
    let written = kvlens::init::init(dir, templates)?;
    print!("{}", written.report_text());
    Ok(())
}

fn bundle(session: &Session, opts: &kvlens::bundle::BundleOptions) -> Result<()> {
    let b = kvlens::bundle::bundle(session, opts)?;
    for w in &b.warnings {
        eprintln!("warning: {w}");
    }
    print!("{}", b.summary_text());
    Ok(())
}

fn train(session: &Session, force: bool) -> Result<()> {
    let run = kvlens::train(session, force)?;
    let last = run.trained.history.last();
    let verb = match run.origin {
        kvlens::model::Origin::Cached => "cached model is up to date",
        _ => "trained and cached",
    };
    println!(
        "{verb}: {} (test accuracy {} %)",
        run.path.display(),
        last.map_or("?".to_string(), |e| num::percent(e.test_accuracy, 2))
    );
    Ok(())
}

fn check(session: &Session) -> Result<()> {
    let report = kvlens::check(session);
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !report.external.is_empty() {
        let n = report.external.len();
        println!(
            "{n} link{} to the web (not fetched; try {} on the venue's network):",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
        for l in &report.external {
            println!("  {}  ({})", l.url, l.at);
        }
    }
    if !report.problems.is_empty() {
        return Err(report.problems.into());
    }
    Ok(())
}

fn export(session: &Session, format: FormatArg, out: Option<PathBuf>) -> Result<()> {
    let format = match format {
        FormatArg::Npz => kvlens::handson::export::Format::Npz,
        FormatArg::Safetensors => kvlens::handson::export::Format::Safetensors,
    };
    let out = out.unwrap_or_else(|| session.root.join("export"));
    let done = kvlens::export(session, format, &out)?;
    for (path, bytes) in &done.files {
        println!(
            "wrote {} ({} bytes)",
            path.display(),
            num::grouped(*bytes as u64)
        );
    }
    println!(
        "model {} ({}, test accuracy {} %, weights sha256 {})",
        done.meta.architecture,
        done.meta.cache_key.chars().take(12).collect::<String>(),
        num::percent(done.meta.test_accuracy, 2),
        done.meta
            .weights_sha256
            .chars()
            .take(12)
            .collect::<String>()
    );
    Ok(())
}

/// Prints `value` as pretty JSON (stable serde field names) or as the text
/// `render` makes of it.
fn emit<T: serde::Serialize>(json: bool, value: &T, render: fn(&T) -> String) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        print!("{}", render(value));
    }
    Ok(())
}

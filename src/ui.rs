//! Terminal feedback: progress bars and status lines on stderr.
//!
//! Bars appear only when stderr is a terminal and `--quiet` is off;
//! otherwise long steps print plain lines. Nothing here reaches `public/`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone)]
pub struct Ui {
    /// Draw progress bars (stderr is a terminal and not quiet).
    pub bars: bool,
    /// Suppress status lines that are not results.
    pub quiet: bool,
    /// Set by the Ctrl-C handler; long steps stop at the next safe point.
    pub interrupt: Arc<AtomicBool>,
}

impl Ui {
    pub fn new(quiet: bool) -> Self {
        Ui {
            bars: !quiet && std::io::stderr().is_terminal(),
            quiet,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A quiet UI for tests and library use.
    pub fn silent() -> Self {
        Ui {
            bars: false,
            quiet: true,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn interrupted(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }

    /// A status line on stderr (suppressed by `--quiet`).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// A progress bar of `len` steps, hidden unless bars are on.
    pub fn bar(&self, len: u64, prefix: &str) -> ProgressBar {
        if !self.bars {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {msg} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        pb.set_style(style);
        pb.set_prefix(prefix.to_string());
        pb
    }
}

//! Phase timings for profiling builds: with `KVLENS_PROFILE=1` in the
//! environment, every [`phase`] prints `profile: <name> <ms> ms` to stderr
//! when it ends. Off (the default), a phase costs one cached env lookup.
//! Timings never reach `public/`.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Totals of [`tally`]ed work: name → (ms, calls).
static TOTALS: Mutex<BTreeMap<&'static str, (f64, usize)>> = Mutex::new(BTreeMap::new());

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var_os("KVLENS_PROFILE").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// A running phase; prints its time when dropped (if profiling is on).
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing `name`.
pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: enabled().then(Instant::now),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(t) = self.start {
            eprintln!(
                "profile: {} {:.1} ms",
                self.name,
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

/// Runs `f` as the phase `name`.
pub fn time<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let _p = phase(name);
    f()
}

/// Runs `f` and adds its time to the total of `name` (printed by [`totals`]).
pub fn tally<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let t = Instant::now();
    let r = f();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if let Ok(mut m) = TOTALS.lock() {
        let e = m.entry(name).or_insert((0.0, 0));
        e.0 += ms;
        e.1 += 1;
    }
    r
}

/// Prints and clears the tallies.
pub fn totals() {
    if !enabled() {
        return;
    }
    if let Ok(mut m) = TOTALS.lock() {
        for (name, (ms, n)) in std::mem::take(&mut *m) {
            eprintln!("profile: {name} {ms:.1} ms in {n} calls");
        }
    }
}

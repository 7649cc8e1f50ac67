//! What the learner's notebook knows about the answers: the givens (which
//! pair, which image) in clear, every answer only as a salted hash.
//!
//! A learner who reads the notebook's JSON or its setup cell learns nothing
//! they are asked to predict or compute. A check hashes the learner's
//! answer the same way and compares. Exact answers (digits, counts, lists of
//! pairs) hash their text; a number is rounded to a quantum `q` (a power of
//! ten, at least twice its tolerance) and the notebook accepts the cell it
//! falls in or either neighbour, so a number within `q / 2` always passes
//! and one further than `2 q` never does. The hashes stop spoilers, not a
//! determined learner: a number in a known range can be found by trying
//! every cell.

use super::numbers::Expected;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The relative tolerance of a number (as the checks always had it).
const TOL: f64 = 1e-5;

/// The hashed answers of one notebook.
pub struct Answers {
    salt: String,
    map: Map<String, Value>,
}

impl Answers {
    pub fn new(model_sha256: &str) -> Answers {
        Answers {
            salt: model_sha256.chars().take(16).collect(),
            map: Map::new(),
        }
    }

    /// The hash the notebook's `_h(name, text)` computes.
    pub fn hash(&self, name: &str, text: &str) -> String {
        let digest = Sha256::digest(format!("{}|{name}|{text}", self.salt).as_bytes());
        crate::nn::cache::hex(&digest).chars().take(16).collect()
    }

    /// An exact answer, by its text (`str()` of an int, `None`, or ints
    /// joined by commas).
    pub fn exact(&mut self, name: &str, text: &str) {
        let h = self.hash(name, text);
        self.map.insert(name.to_string(), json!({ "h": h }));
    }

    pub fn digit(&mut self, name: &str, d: Option<usize>) {
        self.exact(name, &d.map_or("None".to_string(), |d| d.to_string()));
    }

    pub fn list(&mut self, name: &str, items: &[usize]) {
        let text: Vec<String> = items.iter().map(usize::to_string).collect();
        self.exact(name, &text.join(","));
    }

    /// A count accepted within `slack` either way.
    pub fn count(&mut self, name: &str, n: usize, slack: usize) {
        let h = self.hash(name, &n.to_string());
        self.map
            .insert(name.to_string(), json!({ "h": h, "slack": slack }));
    }

    /// A number, accepted within its quantum (see the module docs).
    pub fn number(&mut self, name: &str, v: f64, tol: f64) {
        let e = (2.0 * tol * v.abs().max(1.0)).log10().ceil() as i32;
        let q_text = format!("1e{e}");
        let q: f64 = q_text.parse().unwrap_or(1.0);
        let cell = (v / q + 0.5).floor() as i64;
        let h = self.hash(name, &cell.to_string());
        self.map
            .insert(name.to_string(), json!({ "h": h, "q": q_text }));
    }

    pub fn numbers(&mut self, name: &str, vs: &[f64], tol: f64) {
        for (i, &v) in vs.iter().enumerate() {
            self.number(&format!("{name}[{i}]"), v, tol);
        }
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.map)
    }
}

/// The givens in clear and the answers hashed.
pub fn split(e: &Expected) -> (Value, Value) {
    let mut a = Answers::new(&e.model.sha256);
    let kv = &e.key_value;
    a.number("key_value.bias", kv.bias, TOL);
    a.number("key_value.key_sum", kv.key_sum, TOL);
    a.number("key_value.key_min", kv.key_min, TOL);
    a.number("key_value.key_max", kv.key_max, TOL);
    a.numbers("key_value.value", &kv.value, TOL);
    a.digit("key_value.favours", kv.favours);
    for k in &e.key_times_image {
        let n = format!("key_times_image.{}", k.role);
        a.number(&format!("{n}.dot"), k.dot, TOL);
        a.number(&format!("{n}.pre"), k.pre, TOL);
        a.number(&format!("{n}.activation"), k.activation, TOL);
    }
    let id = &e.identity;
    a.numbers("identity.logits", &id.logits, TOL);
    a.count("identity.active", id.active, 0);
    a.digit("identity.prediction", Some(id.prediction));
    let r = &e.ranking;
    a.digit("ranking.prediction", Some(r.prediction));
    a.digit("ranking.runner_up", Some(r.runner_up));
    a.count("ranking.active", r.active, 0);
    a.list("ranking.by_decision", &r.by_decision);
    a.list("ranking.by_l1", &r.by_l1);
    a.count("ranking.overlap", r.overlap, 0);
    for f in &e.flip.images {
        a.count(&format!("flip.{}.active", f.image), f.active, 0);
        a.count(&format!("flip.{}.settles_at", f.image), f.settles_at, 0);
    }
    for (name, p) in [("sharp", &e.profile.sharp), ("flat", &e.profile.flat)] {
        a.count(&format!("profile.{name}.active"), p.active, 0);
        a.number(&format!("profile.{name}.top10_share"), p.top10_share, TOL);
        a.number(&format!("profile.{name}.ink"), p.ink, TOL);
    }
    let v = &e.votes_fires;
    for p in &v.examples {
        let n = format!("votes_fires.{}", p.pair);
        a.digit(&format!("{n}.votes_for"), Some(p.votes_for));
        a.digit(&format!("{n}.fires_on"), Some(p.fires_on));
        a.number(&format!("{n}.fires_on_share"), p.fires_on_share, TOL);
    }
    a.count("votes_fires.counted", v.counted, 0);
    a.number("votes_fires.agreement", v.agreement, 1e-9);
    let k = &e.knockout;
    let mut removed = k.removed.clone();
    removed.sort_unstable();
    a.list("knockout.removed", &removed);
    let slack = (k.tolerance * k.images as f64).floor() as usize;
    for (name, acc) in [
        ("before", k.before),
        ("zero", k.zero),
        ("mean", k.mean),
        ("control_zero", k.control_zero),
    ] {
        let count = (acc * k.images as f64).round() as usize;
        a.count(&format!("knockout.{name}"), count, slack);
    }
    let t = &e.key_to_input;
    a.number("key_to_input.pre", t.pre, TOL);
    a.numbers("key_to_input.logits", &t.logits, TOL);
    a.digit("key_to_input.prediction", t.prediction);
    a.digit("key_to_input.value_favours", t.value_favours);

    let givens = json!({
        "model": {
            "sha256": e.model.sha256,
            "hidden": e.model.hidden,
            "test_accuracy": e.model.test_accuracy,
        },
        "data": { "test_images": e.data.test_images, "test_labels": e.data.test_labels },
        "key_value": { "pair": kv.pair },
        "key_times_image": e.key_times_image.iter().map(|k| json!({
            "role": k.role, "image": k.image, "label": k.label, "pair": k.pair,
            "inked_pixels": k.inked_pixels,
        })).collect::<Vec<_>>(),
        "identity": { "image": id.image },
        "ranking": { "image": r.image, "label": r.label },
        "flip": { "images": e.flip.images.iter().map(|f| json!({
            "role": f.role, "image": f.image, "label": f.label,
        })).collect::<Vec<_>>() },
        "profile": {
            "sharp": { "image": e.profile.sharp.image, "label": e.profile.sharp.label },
            "flat": { "image": e.profile.flat.image, "label": e.profile.flat.label },
        },
        "votes_fires": { "pairs": v.examples.iter().map(|p| p.pair).collect::<Vec<_>>() },
        "knockout": {
            "digit": k.digit, "k": k.k, "control": k.control, "images": k.images,
        },
        "key_to_input": { "pair": t.pair },
    });
    (givens, a.into_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_hash_their_rounded_cell_and_exact_answers_their_text() {
        let mut a = Answers::new("0123456789abcdef-rest-is-ignored");
        a.number("x", 0.23051, 1e-5);
        a.number("big", -42.1234, 1e-5);
        a.list("l", &[3, 1, 2]);
        a.digit("d", None);
        let v = a.into_value();
        assert_eq!(v["x"]["q"], "1e-4");
        assert_eq!(v["big"]["q"], "1e-3");
        let a = Answers::new("0123456789abcdef");
        // 0.23051 / 1e-4 + 0.5 = 2305.6 → cell 2305.
        assert_eq!(v["x"]["h"], a.hash("x", "2305"));
        assert_eq!(v["big"]["h"], a.hash("big", "-42123"));
        assert_eq!(v["l"]["h"], a.hash("l", "3,1,2"));
        assert_eq!(v["d"]["h"], a.hash("d", "None"));
        // The same text under another name or model hashes differently.
        assert_ne!(a.hash("l", "3,1,2"), a.hash("m", "3,1,2"));
        assert_ne!(
            a.hash("l", "3,1,2"),
            Answers::new("fedcba9876543210").hash("l", "3,1,2")
        );
    }
}

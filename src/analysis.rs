//! The workshop's computed state, in two layers (pure analysis: nothing
//! here knows a page or a product):
//!
//! - [`Prepared`]: what is expensive and keyed by the model — config, toy
//!   nets, data, the trained network (from the cache or trained), its
//!   evaluation and the decomposition check. `serve` keeps it in memory until
//!   `[model]` changes.
//! - [`Analyses`]: everything derived from it on demand and memoised —
//!   selector resolution, per-image analyses, the population analyses
//!   (`kv::memo::Memo`: activations, knock-outs, mistakes …), the figure catalog and every figure drawn for a shortcode.
//!   A prose edit re-renders pages from the same `Analyses` without
//!   recomputing any of it.
//!
//! Stage: `Session` → `Prepared` → `Analyses` → (embeds, products).

use crate::config::Config;
use crate::data::Dataset;
use crate::figures::Figure;
use crate::kv::image::{ImageAnalysis, analyse};
use crate::kv::memo::Memo;
use crate::kv::select::{Catalog as Images, Selected, Selector};
use crate::kv::toy::ToyNet;
use crate::kv::{DecompositionCheck, check_decomposition};
use crate::model;
use crate::nn::{Evaluation, Mlp, evaluate};
use crate::prof::{self, tally};
use crate::session::{Session, load_config, load_data};
use anyhow::Result;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub mod cache;

/// The expensive, model-keyed part of a build.
pub struct Prepared {
    pub config: Config,
    pub nets: BTreeMap<String, ToyNet>,
    pub dataset: Dataset,
    pub run: model::ModelRun,
    pub evaluation: Evaluation,
    pub decomposition: DecompositionCheck,
    pub weights_sha256: String,
    /// What the analyses cache had for this model (`Stored::default()`
    /// when it had nothing or is bypassed), and where to keep new results.
    pub kept: cache::Stored,
    pub cache_path: Option<std::path::PathBuf>,
}

impl Prepared {
    /// Config → nets → data → model (cached) → evaluation and decomposition check.
    pub fn load(s: &Session) -> Result<Prepared> {
        let config = load_config(&s.root)?;
        let nets = crate::kv::toy::load_dir(&s.root.join(crate::kv::toy::NETS_DIR))?;
        Prepared::with_config(s, config, nets)
    }

    pub fn with_config(
        s: &Session,
        config: Config,
        nets: BTreeMap<String, ToyNet>,
    ) -> Result<Prepared> {
        let (dataset, _) = prof::time("load data", || load_data(s, &config))?;
        let run = prof::time("model", || {
            model::obtain(&s.cache_dir, &config.model, &dataset, false, &s.ui)
        })?;
        let model = &run.trained.model;
        let weights_sha256 = crate::nn::cache::weights_hash(model);
        let key = cache::key(&run.key, &weights_sha256, &dataset.hashes);
        let cache_path = (!s.no_analyses_cache).then(|| cache::path(&s.cache_dir, &key));
        let mut kept = match &cache_path {
            Some(path) => match prof::time("analyses cache: read", || cache::load(path, &key)) {
                cache::Loaded::Hit(stored) => *stored,
                cache::Loaded::Miss => cache::Stored::default(),
                cache::Loaded::Unusable(reason) => {
                    eprintln!(
                        "note: analyses cache {} not used: {reason}; computing the analyses again",
                        path.display()
                    );
                    cache::Stored::default()
                }
            },
            None => cache::Stored::default(),
        };
        kept.format = cache::FORMAT_VERSION;
        kept.key = key;
        let evaluation = match kept.evaluation.clone() {
            Some(e) => e.into(),
            None => prof::time("evaluate", || evaluate(model, &dataset.test)),
        };
        let decomposition = match kept.decomposition.clone() {
            Some(d) => d,
            None => prof::time("decomposition check", || {
                check_decomposition(model, &dataset.test)
            }),
        };
        anyhow::ensure!(
            decomposition.passed,
            "the key-value decomposition does not add up to the forward pass (largest difference {}); this is a bug in kvlens",
            decomposition.max_abs_diff
        );
        Ok(Prepared {
            config,
            nets,
            dataset,
            run,
            evaluation,
            decomposition,
            weights_sha256,
            kept,
            cache_path,
        })
    }

    pub fn model(&self) -> &Mlp {
        &self.run.trained.model
    }
}

/// One resolved example image with its analysis.
pub struct Image {
    pub selected: Selected,
    pub pixels: Vec<u8>,
    pub analysis: ImageAnalysis,
}

impl Image {
    /// `test:3` → `test-3`: the id part of figures of this image.
    pub fn slug(&self) -> String {
        crate::figures::catalog::slug(&self.selected.to_string())
    }
}

/// Analyses and figures over a [`Prepared`], computed on first use.
pub struct Analyses<'a> {
    pub p: &'a Prepared,
    /// The selector catalog (predictions of every test image), made when a
    /// selector is not in the cache.
    images: std::cell::OnceCell<Images<'a>>,
    /// Selector text → image, from the cache or resolved here.
    selected: RefCell<BTreeMap<String, Selected>>,
    /// Set when a selector was resolved here (not taken from the cache).
    resolved_new: std::cell::Cell<bool>,
    by_image: RefCell<BTreeMap<String, Rc<Image>>>,
    /// Population analyses, shared with the figure catalog.
    pub pop: Memo<'a>,
    /// Every figure drawn so far, by id (the catalog first).
    figures: RefCell<BTreeMap<String, Rc<Figure>>>,
    /// Their SVG text, serialised once (or taken from the cache).
    svg_texts: RefCell<BTreeMap<String, Rc<str>>>,
    /// Their data files' text, serialised once (`serve` writes them again
    /// after every edit).
    data_texts: RefCell<BTreeMap<String, Rc<str>>>,
    /// Set when an SVG text was serialised here.
    svg_new: std::cell::Cell<bool>,
    /// `cache::figures_key` of the config and nets as drawn (after `serve
    /// --lan` set the room's address), and whether the kept SVG texts are
    /// under it.
    figures_key: String,
    svg_from_cache: bool,
    catalog_ids: BTreeSet<String>,
    /// Values other modules derived with these analyses ([`Self::derived`]):
    /// by type and name, the key each was made from and the value.
    derived: RefCell<Derived>,
}

/// See [`Analyses::derived`].
type Derived =
    std::collections::HashMap<(std::any::TypeId, String), (String, Rc<dyn std::any::Any>)>;

impl<'a> Analyses<'a> {
    /// Draws the figure catalog (screen variant) and gets ready for the rest.
    pub fn new(p: &'a Prepared) -> Result<Analyses<'a>> {
        let kept = crate::kv::memo::Kept {
            votes: p.kept.votes.clone(),
            mistakes: p.kept.mistakes.clone(),
            drift: p.kept.drift.clone(),
            knockouts: p.kept.knockouts.clone(),
        };
        let pop = Memo::with_kept(p.model(), &p.run.trained.init, &p.dataset, kept);
        let figures_key = cache::figures_key(&p.config, &p.nets);
        let svg_from_cache = p.kept.figures_key == figures_key;
        let mut an = Analyses {
            p,
            images: std::cell::OnceCell::new(),
            selected: RefCell::new(p.kept.selectors.clone()),
            // A decomposition check computed here is new to the cache too.
            resolved_new: std::cell::Cell::new(
                p.kept.decomposition.is_none() || p.kept.evaluation.is_none(),
            ),
            by_image: RefCell::new(BTreeMap::new()),
            pop,
            figures: RefCell::new(BTreeMap::new()),
            svg_texts: RefCell::new(BTreeMap::new()),
            data_texts: RefCell::new(BTreeMap::new()),
            svg_new: std::cell::Cell::new(false),
            figures_key,
            svg_from_cache,
            catalog_ids: BTreeSet::new(),
            derived: RefCell::new(Default::default()),
        };
        let catalog = {
            let resolve = |text: &str| an.selected(text);
            prof::time("figure catalog", || {
                workshop_figures(
                    &p.run.trained,
                    &p.dataset,
                    &p.nets,
                    &an.pop,
                    Some(&resolve),
                    false,
                )
            })?
        };
        an.catalog_ids = catalog.iter().map(|f| f.id.clone()).collect();
        an.figures = RefCell::new(
            catalog
                .into_iter()
                .map(|f| (f.id.clone(), Rc::new(f)))
                .collect(),
        );
        Ok(an)
    }

    pub fn model(&self) -> &'a Mlp {
        self.p.model()
    }

    /// Resolves a selector (text) to an analysed image. Errors carry the
    /// selector's own message and byte offset.
    pub fn image(&self, selector: &str) -> Result<Rc<Image>, crate::kv::select::SelectorError> {
        let selected = self.selected(selector)?;
        let key = selected.to_string();
        if let Some(img) = self.by_image.borrow().get(&key) {
            return Ok(img.clone());
        }
        let (pixels, label) = pixels_of(&self.p.dataset, selected);
        let analysis = tally("analyse image", || analyse(self.model(), &pixels, label));
        let img = Rc::new(Image {
            selected,
            pixels,
            analysis,
        });
        self.by_image.borrow_mut().insert(key, img.clone());
        Ok(img)
    }

    /// The image a selector names: from the cache, or resolved (and kept).
    fn selected(&self, selector: &str) -> Result<Selected, crate::kv::select::SelectorError> {
        if let Some(s) = self.selected.borrow().get(selector) {
            return Ok(*s);
        }
        let sel = Selector::parse(selector)?;
        let images = self.images.get_or_init(|| {
            prof::time("image catalog", || {
                Images::new(self.model(), &self.p.dataset)
            })
        });
        let s = tally("resolve selector", || images.resolve(&sel))?;
        self.selected.borrow_mut().insert(selector.to_string(), s);
        self.resolved_new.set(true);
        Ok(s)
    }

    /// Writes what this build computed to the analyses cache, if anything
    /// is new since it was read (or last written). A failure to write is a
    /// warning: the build itself is done.
    /// A value of type `T` named `name`, derived with these analyses from
    /// `key` (everything else it depends on): made by `make`, or the one made
    /// before from an equal key. `serve` renders again with the same
    /// analyses after every edit, so pass 1 keeps each document's expansion
    /// here and re-expands only the edited one.
    pub fn derived<T: 'static>(&self, name: &str, key: String, make: impl FnOnce() -> T) -> Rc<T> {
        let slot = (std::any::TypeId::of::<T>(), name.to_string());
        if let Some((k, v)) = self.derived.borrow().get(&slot)
            && *k == key
            && let Ok(v) = Rc::downcast::<T>(v.clone())
        {
            return v;
        }
        let v = Rc::new(make());
        self.derived.borrow_mut().insert(slot, (key, v.clone()));
        v
    }

    pub fn keep(&self) {
        let Some(path) = &self.p.cache_path else {
            return;
        };
        let new_pop = self.pop.take_computed();
        let new_sel = self.resolved_new.replace(false);
        let new_svg = self.svg_new.replace(false);
        if !new_pop && !new_sel && !new_svg {
            return;
        }
        let mut svg = match self.svg_from_cache {
            true => self.p.kept.svg.clone(),
            false => BTreeMap::new(),
        };
        svg.extend(
            self.svg_texts
                .borrow()
                .iter()
                .map(|(id, t)| (id.clone(), t.to_string())),
        );
        let pop = self.pop.kept();
        let stored = cache::Stored {
            format: cache::FORMAT_VERSION,
            key: self.p.kept.key.clone(),
            decomposition: Some(self.p.decomposition.clone()),
            selectors: self.selected.borrow().clone(),
            votes: pop.votes,
            mistakes: pop.mistakes,
            drift: pop.drift,
            knockouts: pop.knockouts,
            evaluation: Some((&self.p.evaluation).into()),
            figures_key: self.figures_key.clone(),
            svg,
        };
        if let Err(e) = prof::time("analyses cache: write", || cache::save(path, &stored)) {
            eprintln!("warning: the analyses were not cached: {e:#}");
        }
    }

    /// A figure by id, if drawn.
    pub fn figure(&self, id: &str) -> Option<Rc<Figure>> {
        self.figures.borrow().get(id).cloned()
    }

    /// The figure `id`, drawing it with `draw` the first time.
    pub fn figure_or(
        &self,
        id: &str,
        draw: impl FnOnce() -> Result<Figure, String>,
    ) -> Result<Rc<Figure>, String> {
        if let Some(f) = self.figure(id) {
            return Ok(f);
        }
        let f = tally("draw figure", draw)?;
        if f.id != id {
            return Err(format!(
                "internal error: figure drawn as `{}`, asked for `{id}`",
                f.id
            ));
        }
        let f = Rc::new(f);
        self.figures.borrow_mut().insert(id.to_string(), f.clone());
        Ok(f)
    }

    /// The SVG text of a figure, serialised on first use.
    pub fn svg_text(&self, fig: &Figure) -> Rc<str> {
        if let Some(t) = self.svg_texts.borrow().get(&fig.id) {
            return t.clone();
        }
        let kept = self.svg_from_cache.then(|| self.p.kept.svg.get(&fig.id));
        let t: Rc<str> = match kept.flatten() {
            Some(kept) => Rc::from(kept.as_str()),
            None => {
                self.svg_new.set(true);
                Rc::from(tally("svg text", || fig.to_svg_string()))
            }
        };
        self.svg_texts
            .borrow_mut()
            .insert(fig.id.clone(), t.clone());
        t
    }

    /// The text of a figure's data file (`Figure::data`), serialised on
    /// first use.
    pub fn data_text(&self, fig: &Figure) -> Rc<str> {
        if let Some(t) = self.data_texts.borrow().get(&fig.id) {
            return t.clone();
        }
        let t: Rc<str> = Rc::from(tally("data text", || fig.data_text()));
        self.data_texts
            .borrow_mut()
            .insert(fig.id.clone(), t.clone());
        t
    }

    /// Ids of the catalog (the gallery), sorted.
    pub fn catalog_ids(&self) -> &BTreeSet<String> {
        &self.catalog_ids
    }

    /// Every figure drawn so far, sorted by id.
    pub fn all_figures(&self) -> Vec<Rc<Figure>> {
        self.figures.borrow().values().cloned().collect()
    }
}

/// The pixels and label of a selected image.
fn pixels_of(data: &Dataset, s: Selected) -> (Vec<u8>, Option<u8>) {
    use crate::kv::select::SplitName;
    let split = match s.split {
        SplitName::Test => &data.test,
        SplitName::Train => &data.train,
        SplitName::Blank => return (vec![0; crate::data::PIXELS], None),
    };
    (
        split.image(s.index).to_vec(),
        split.labels.get(s.index).copied(),
    )
}

/// Every figure the workshop uses (screen variant, plus the print variant of
/// each figure that has one when `print`), sorted by id.
pub fn workshop_figures(
    trained: &crate::nn::Trained,
    dataset: &Dataset,
    nets: &BTreeMap<String, ToyNet>,
    pop: &Memo,
    resolve: Option<&crate::figures::catalog::Resolver>,
    print: bool,
) -> Result<Vec<Figure>> {
    use crate::figures::style::Variant;
    let inp = crate::figures::catalog::Inputs {
        trained,
        dataset,
        nets,
        pop,
        resolve,
    };
    let variants: &[Variant] = if print {
        &[Variant::Screen, Variant::Print]
    } else {
        &[Variant::Screen]
    };
    crate::figures::catalog::all(&inp, variants)
}

/// A `Prepared` over the synthetic test network (`kv::testnet`): 5 images
/// per digit, 8s misread; the toy nets are the repo's own.
#[cfg(test)]
pub(crate) fn test_prepared() -> Prepared {
    use crate::kv::testnet::{dataset, net};
    let m = net();
    let dataset = dataset(5);
    let nets = crate::kv::toy::load_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(crate::kv::toy::NETS_DIR),
    )
    .unwrap_or_default();
    let evaluation = evaluate(&m, &dataset.test);
    let decomposition = check_decomposition(&m, &dataset.test);
    Prepared {
        config: Config::default(),
        nets,
        dataset,
        run: model::ModelRun {
            trained: crate::nn::Trained {
                model: m.clone(),
                init: m,
                history: Vec::new(),
            },
            origin: model::Origin::Cached,
            key: "test".into(),
            path: std::path::PathBuf::new(),
        },
        evaluation,
        decomposition,
        weights_sha256: "0".repeat(64),
        kept: cache::Stored::default(),
        cache_path: None,
    }
}

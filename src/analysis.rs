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
use crate::session::{Session, load_config, load_data};
use anyhow::Result;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The expensive, model-keyed part of a build.
pub struct Prepared {
    pub config: Config,
    pub nets: BTreeMap<String, ToyNet>,
    pub dataset: Dataset,
    pub run: model::ModelRun,
    pub evaluation: Evaluation,
    pub decomposition: DecompositionCheck,
    pub weights_sha256: String,
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
        let (dataset, _) = load_data(s, &config)?;
        let run = model::obtain(&s.cache_dir, &config.model, &dataset, false, &s.ui)?;
        let model = &run.trained.model;
        let evaluation = evaluate(model, &dataset.test);
        let decomposition = check_decomposition(model, &dataset.test);
        anyhow::ensure!(
            decomposition.passed,
            "the key-value decomposition does not add up to the forward pass (largest difference {}); this is a bug in kvlens",
            decomposition.max_abs_diff
        );
        let weights_sha256 = crate::nn::cache::weights_hash(model);
        Ok(Prepared {
            config,
            nets,
            dataset,
            run,
            evaluation,
            decomposition,
            weights_sha256,
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
    images: Images<'a>,
    by_image: RefCell<BTreeMap<String, Rc<Image>>>,
    /// Population analyses, shared with the figure catalog.
    pub pop: Memo<'a>,
    /// Every figure drawn so far, by id (the catalog first).
    figures: RefCell<BTreeMap<String, Rc<Figure>>>,
    /// Their SVG text, serialised once.
    svg_texts: RefCell<BTreeMap<String, Rc<str>>>,
    catalog_ids: BTreeSet<String>,
}

impl<'a> Analyses<'a> {
    /// Draws the figure catalog (screen variant) and gets ready for the rest.
    pub fn new(p: &'a Prepared) -> Result<Analyses<'a>> {
        let pop = Memo::new(p.model(), &p.run.trained.init, &p.dataset);
        let catalog = workshop_figures(&p.run.trained, &p.dataset, &p.nets, &pop, false)?;
        let catalog_ids = catalog.iter().map(|f| f.id.clone()).collect();
        let figures = catalog
            .into_iter()
            .map(|f| (f.id.clone(), Rc::new(f)))
            .collect();
        Ok(Analyses {
            p,
            images: Images::new(p.model(), &p.dataset),
            by_image: RefCell::new(BTreeMap::new()),
            pop,
            figures: RefCell::new(figures),
            svg_texts: RefCell::new(BTreeMap::new()),
            catalog_ids,
        })
    }

    pub fn model(&self) -> &'a Mlp {
        self.p.model()
    }

    /// Resolves a selector (text) to an analysed image. Errors carry the
    /// selector's own message and byte offset.
    pub fn image(&self, selector: &str) -> Result<Rc<Image>, crate::kv::select::SelectorError> {
        let sel = Selector::parse(selector)?;
        let selected = self.images.resolve(&sel)?;
        let key = selected.to_string();
        if let Some(img) = self.by_image.borrow().get(&key) {
            return Ok(img.clone());
        }
        let (pixels, label) = self.images.image(selected);
        let analysis = analyse(self.model(), &pixels, label);
        let img = Rc::new(Image {
            selected,
            pixels,
            analysis,
        });
        self.by_image.borrow_mut().insert(key, img.clone());
        Ok(img)
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
        let f = draw()?;
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
        let t: Rc<str> = Rc::from(fig.to_svg_string());
        self.svg_texts
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

/// Every figure the workshop uses (screen variant, plus the print variant of
/// each figure that has one when `print`), sorted by id.
pub fn workshop_figures(
    trained: &crate::nn::Trained,
    dataset: &Dataset,
    nets: &BTreeMap<String, ToyNet>,
    pop: &Memo,
    print: bool,
) -> Result<Vec<Figure>> {
    use crate::figures::style::Variant;
    let inp = crate::figures::catalog::Inputs {
        trained,
        dataset,
        nets,
        pop,
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
    }
}

//! The `figure` and `net` shortcodes: a computed figure, by catalog id or
//! by family name with arguments. Each resolves to a stable figure id (the
//! catalog's naming: `test-247-waterfall`, `net-exercise-a-pair-by-pair`);
//! figures the catalog does not have (another image, another pair, another
//! knock-out) are drawn on first use and published beside the catalog under
//! `figures/<id>.svg`. The page gets an `<img>` with the figure's
//! description as alt text, or the SVG inline with `inline=true`.

use crate::analysis::{Analyses, Image};
use crate::figures::catalog::slug;
use crate::figures::style::Variant;
use crate::figures::{Figure, cards, digits, flips, linear, mistakes, population, waterfall};
use crate::kv::pair::{key_times_image, pair_view};
use crate::kv::population::KnockoutMode;
use crate::shortcode::Call;
use crate::shortcodes::{Args, Fail};
use std::rc::Rc;

mod families;
mod html;
mod toy;
use toy::toy;

pub use families::{FAMILIES, Family, Source};
pub use html::{data_link, html, page_html};

/// Arguments every family accepts.
const COMMON: [&str; 4] = ["name", "print", "inline", "caption"];

pub fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}

/// Static checks: `id` or `name` (not both), a known family, only the
/// arguments it uses.
pub fn validate(call: &Call) -> Vec<Fail> {
    let args = Args(call);
    let mut out = Vec::new();
    match (args.str("id"), args.str("name")) {
        (Some(_), Some(_)) => out.push(Fail::new(call.name_at, "give `id` or `name`, not both")),
        (None, None) => out.push(
            Fail::new(call.name_at, "`figure` needs `id` or `name`").hint(
                "e.g. figure(name=\"waterfall\", example=\"test:0\") or figure(id=\"confusion\")",
            ),
        ),
        (Some(_), None) => {
            for a in &call.args {
                if !["id", "inline", "caption"].contains(&a.name.as_str()) {
                    out.push(Fail::new(a.name_at, format!("with `id`, `{}` has no effect", a.name)).hint("an id names one figure; use `name` and arguments to choose another"));
                }
            }
        }
        (None, Some(name)) => match family(name) {
            None => {
                let hint = match crate::diag::did_you_mean(name, FAMILIES.iter().map(|f| f.name)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "families: {}",
                        FAMILIES
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push(
                    Fail::new(args.at("name"), format!("unknown figure family `{name}`"))
                        .hint(hint),
                );
            }
            Some(fam) => {
                for a in &call.args {
                    if !(COMMON.contains(&a.name.as_str()) || fam.uses.contains(&a.name.as_str())) {
                        out.push(
                            Fail::new(
                                a.name_at,
                                format!("figure family `{name}` does not use `{}`", a.name),
                            )
                            .hint(format!("it uses: {}", fam.uses.join(", "))),
                        );
                    }
                }
                if args.bool("print") == Some(true) && !fam.print {
                    out.push(Fail::new(
                        args.at("print"),
                        format!("`{name}` has no print variant"),
                    ));
                }
                let need = |n: &str| !args.has(n);
                let missing = match fam.source {
                    Source::Toy if need("net") => Some("net"),
                    Source::Image if need("example") => Some("example"),
                    Source::Pair if need("pair") && (need("example") || need("rank")) => {
                        Some("pair (or example and rank)")
                    }
                    Source::Population if name == "knockout" && need("digit") => Some("digit"),
                    _ => None,
                };
                if let Some(m) = missing {
                    out.push(Fail::new(
                        call.name_at,
                        format!("figure family `{name}` needs `{m}`"),
                    ));
                }
                if (fam.name == "pair-card" || fam.name == "key-times-image")
                    && need("pair")
                    && need("rank")
                {
                    out.push(Fail::new(
                        call.name_at,
                        format!("figure family `{name}` needs `pair` or `rank`"),
                    ));
                }
                if matches!(fam.name, "bracket") && (need("input") || need("pair")) {
                    out.push(Fail::new(
                        call.name_at,
                        "figure family `bracket` needs `input` and `pair`",
                    ));
                }
                if matches!(
                    fam.name,
                    "single-neuron" | "layer-by-layer" | "pair-by-pair" | "plane"
                ) && need("input")
                {
                    out.push(Fail::new(
                        call.name_at,
                        format!("figure family `{name}` needs `input`"),
                    ));
                }
                if fam.name == "net" && args.has("pair") && need("input") {
                    out.push(Fail::new(
                        args.at("pair"),
                        "highlighting a pair needs an `input` flowing through",
                    ));
                }
            }
        },
    }
    out
}

/// The `net` shortcode as the figure it stands for.
pub fn net_figure(call: &Call, an: &Analyses, slide: bool) -> Result<Rc<Figure>, Fail> {
    let args = Args(call);
    let name = args.str("name").unwrap_or_default();
    toy(&args, an, "net", name, slide)
}

/// The figure of a `figure` call, drawn if needed; `slide`: the call is in
/// a deck, so families with a slide variant draw that one.
pub fn resolve(call: &Call, an: &Analyses, slide: bool) -> Result<Rc<Figure>, Fail> {
    let args = Args(call);
    if let Some(id) = args.str("id") {
        return an.figure(id).ok_or_else(|| {
            let ids = an.catalog_ids();
            let hint = match crate::diag::did_you_mean(id, ids.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "figure ids are listed in the gallery (public/figures/index.html) and in figures.json".to_string(),
            };
            Fail::new(args.at("id"), format!("no figure `{id}` in the catalog")).hint(hint)
        });
    }
    let name = args.str("name").unwrap_or_default();
    let fam = family(name)
        .ok_or_else(|| Fail::new(args.at("name"), format!("unknown figure family `{name}`")))?;
    match fam.source {
        Source::Toy => toy(&args, an, name, args.str("net").unwrap_or_default(), slide),
        Source::Image | Source::Pair => model_image(&args, an, fam, slide),
        Source::Population => population(&args, an, name, slide),
    }
}

/// The variant a call asks for and its id suffix: print when asked,
/// slide in a deck (drawn as screen by the families without a slide layout,
/// so it needs no suffix of its own; those with one name it `-slide`),
/// else screen.
fn variant(args: &Args, slide: bool) -> (Variant, &'static str) {
    if args.bool("print") == Some(true) {
        (Variant::Print, "-print")
    } else if slide {
        (Variant::Slide, "")
    } else {
        (Variant::Screen, "")
    }
}

fn in_catalog(an: &Analyses, id: String, args: &Args) -> Result<Rc<Figure>, Fail> {
    an.figure(&id).ok_or_else(|| {
        Fail::new(
            args.0.name_at,
            format!("no figure `{id}`: this combination is not drawn"),
        )
        .hint("see the gallery (public/figures/index.html) for what exists")
    })
}

/// The image the call's `example` selects.
pub(crate) fn image_of(args: &Args, an: &Analyses) -> Result<Rc<Image>, Fail> {
    an.image(args.str("example").unwrap_or_default())
        .map_err(|e| Fail::selector(e, args.at("example") + 1))
}

/// Whether a call explains against the true digit (`against="true-digit"`)
/// rather than the runner-up (`against="runner-up"`, the default).
pub(crate) fn against_truth(args: &Args) -> Result<bool, Fail> {
    match args.str("against") {
        None | Some("runner-up") => Ok(false),
        Some("true-digit") => Ok(true),
        Some(other) => Err(
            Fail::new(args.at("against"), format!("unknown `against` `{other}`"))
                .hint("against is \"true-digit\" (a misread image's margin) or \"runner-up\""),
        ),
    }
}

/// The margin account of a misread image, or why there is none.
pub(crate) fn margin_of(args: &Args, img: &Image) -> Result<crate::kv::image::MarginAccount, Fail> {
    img.analysis.margin_account().ok_or_else(|| {
        Fail::new(
            args.at("example"),
            format!(
                "{} is not a misread image (it needs a label and a single predicted digit that differs from it)",
                img.selected
            ),
        )
        .hint("choose one with misclassified(…) or common-mistake(…), or drop `against`")
    })
}

/// The pair of a call: `pair`, or `rank` in the example's decision ranking
/// (or, with `against="true-digit"`, its ranking by share of the margin).
fn pair_of(args: &Args, an: &Analyses, img: Option<&Image>) -> Result<usize, Fail> {
    if let Some(p) = args.index("pair", 0..an.model().hidden(), "pair")? {
        return Ok(p);
    }
    let rank = args.int("rank").unwrap_or(1);
    let img =
        img.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair`, or `example` and `rank`"))?;
    let margin_order;
    let order = if against_truth(args)? {
        margin_order = margin_of(args, img)?.order();
        &margin_order
    } else {
        &img.analysis.by_decision.order
    };
    usize::try_from(rank)
        .ok()
        .and_then(|r| r.checked_sub(1))
        .and_then(|r| order.get(r).copied())
        .ok_or_else(|| {
            Fail::new(
                args.at("rank"),
                format!(
                    "rank {rank} is out of range: {} has {} active pairs",
                    img.selected,
                    order.len()
                ),
            )
        })
}

fn model_image(args: &Args, an: &Analyses, fam: &Family, slide: bool) -> Result<Rc<Figure>, Fail> {
    let m = an.model();
    let img = if args.has("example") {
        Some(image_of(args, an)?)
    } else {
        None
    };
    let (variant, sfx) = variant(args, slide);
    let internal = |e: String| Fail::new(args.0.name_at, e);
    if fam.source == Source::Pair {
        let pair = pair_of(args, an, img.as_deref())?;
        let view = pair_view(m, pair).ok_or_else(|| internal(format!("no pair {pair}")))?;
        // Keys and values have slide layouts (`-slide`); the drift draws
        // a slide as on screen.
        let id = match fam.name {
            "key-drift" => format!("key-drift-pair-{pair}{sfx}"),
            name if variant == Variant::Slide => format!("pair-{pair}-{name}-slide"),
            name => format!("pair-{pair}-{name}{sfx}"),
        };
        return an
            .figure_or(&id, || {
                Ok(match fam.name {
                    "key" if variant == Variant::Slide => digits::key_slide(&id, &view),
                    "value" if variant == Variant::Slide => digits::value_slide(&id, &view),
                    "key" => digits::key_heatmap(&id, &view, variant),
                    "value" => digits::value_cells(&id, &view, variant),
                    _ => {
                        let init =
                            pair_view(&an.p.run.trained.init, pair).ok_or("no initial weights")?;
                        let cos = an.pop.drift().cosines.get(pair).copied().unwrap_or(0.0);
                        linear::key_drift(&id, &init.key, &view.key, pair, cos, variant)
                    }
                })
            })
            .map_err(internal);
    }
    let img = img.ok_or_else(|| internal("needs `example`".into()))?;
    let s = img.slug();
    let a = &img.analysis;
    match fam.name {
        "image" if slide => {
            let id = format!("{s}-image-slide");
            an.figure_or(&id, || Ok(digits::digit_slide(&id, &img.pixels, a.label)))
        }
        "image" | "image-values" => {
            let id = format!("{s}-{}", fam.name);
            an.figure_or(&id, || Ok(digits::digit(&id, &img.pixels, a.label, fam.name == "image-values")))
        }
        "waterfall" => {
            let steps = args.index("steps", 1..51, "steps")?.unwrap_or(crate::kv::image::DEFAULT_STEPS);
            let base = if steps == 8 { format!("{s}-waterfall") } else { format!("{s}-waterfall-{steps}") };
            if against_truth(args)? {
                margin_of(args, &img)?;
                let w = a.margin_waterfall(steps).ok_or_else(|| internal("internal error: no margin waterfall".into()))?;
                let on_slide = variant == Variant::Slide;
                let id = format!("{base}-vs-true{}", if on_slide { "-slide" } else { "" });
                return an
                    .figure_or(&id, || Ok(if on_slide { waterfall::waterfall_slide(&id, &w, a) } else { waterfall::waterfall(&id, &w, a) }))
                    .map_err(internal);
            }
            let w = || a.waterfall(crate::kv::image::Ranking::Decision, steps);
            if variant == Variant::Slide {
                let id = format!("{base}-slide");
                return an.figure_or(&id, || Ok(waterfall::waterfall_slide(&id, &w(), a))).map_err(internal);
            }
            let id = base;
            an.figure_or(&id, || Ok(waterfall::waterfall(&id, &w(), a)))
        }
        "profiles" => {
            let other = an
                .image(args.str("versus").unwrap_or_default())
                .map_err(|e| Fail::selector(e, args.at("versus") + 1))?;
            let id = format!("profiles-{s}-vs-{}", other.slug());
            let name = |i: &Image| {
                let n = i.selected.learner_name();
                match i.analysis.label {
                    Some(l) => format!("{n}, a {l}"),
                    None => n,
                }
            };
            an.figure_or(&id, || Ok(crate::figures::profile::profiles(&id, (&name(&img), a), (&name(&other), &other.analysis))))
        }
        "mistake" => {
            let steps = args.index("steps", 1..11, "steps")?.unwrap_or(3);
            let account = margin_of(args, &img)?;
            let id = format!("{s}-mistake-{steps}");
            let name = img.selected.learner_name();
            an.figure_or(&id, || Ok(mistakes::margin_card(&id, &name, &account, &img.pixels, steps)))
        }
        "flips" if variant == Variant::Slide => {
            let id = format!("{s}-flips-slide");
            an.figure_or(&id, || Ok(flips::flip_curve_slide(&id, a)))
        }
        "flips" => {
            let id = format!("{s}-flips");
            an.figure_or(&id, || Ok(flips::flip_curve(&id, a)))
        }
        "templates" => {
            let id = format!("{s}-templates{sfx}");
            an.figure_or(&id, || Ok(linear::templates(&id, &crate::kv::linear::templates(m, &img.pixels), variant)))
        }
        "top-pairs" => {
            let id = format!("{s}-top-pairs{sfx}");
            an.figure_or(&id, || {
                let top: Vec<usize> = a.by_decision.order.iter().take(6).copied().collect();
                let views: Vec<_> = top.iter().filter_map(|&i| pair_view(m, i)).collect();
                let kti: Vec<_> = top.iter().filter_map(|&i| key_times_image(m, i, &img.pixels)).collect();
                Ok(cards::top_pairs(&id, a, &views, &kti, &img.pixels, variant))
            })
        }
        "pair-card" | "key-times-image" => {
            let pair = pair_of(args, an, Some(&img))?;
            // Both have slide layouts: the card's is its second half (what
            // the pair adds), key ⊙ image is its first.
            // The card's slide says what the pair does to the lead over the
            // runner-up, or with `against="true-digit"` to the margin over
            // the true digit.
            let versus = match (variant, fam.name) {
                (Variant::Slide, "pair-card") if against_truth(args)? => {
                    let acc = margin_of(args, &img)?;
                    Some((acc.predicted, acc.truth, true))
                }
                (Variant::Slide, "pair-card") => Some((a.top, a.runner_up, false)),
                _ => None,
            };
            let sfx = match versus {
                Some((_, _, true)) => "-vs-true-slide",
                _ if variant == Variant::Slide => "-slide",
                _ => sfx,
            };
            let id = if fam.name == "pair-card" {
                format!("{s}-pair-{pair}-card{sfx}")
            } else {
                format!("{s}-pair-{pair}-key-times-image{sfx}")
            };
            an.figure_or(&id, || {
                let view = pair_view(m, pair).ok_or("no such pair")?;
                let kti = key_times_image(m, pair, &img.pixels).ok_or("no such pair")?;
                Ok(if let Some(versus) = versus {
                    cards::pair_card_slide(&id, &view, &kti, versus)
                } else if variant == Variant::Slide {
                    digits::key_times_image_slide(&id, &kti, &img.pixels, &view)
                } else if fam.name == "pair-card" {
                    cards::pair_card(&id, &view, &kti, &img.pixels, variant)
                } else {
                    digits::key_times_image(&id, &kti, &img.pixels, &view, variant)
                })
            })
        }
        "contrast" => {
            let on_slide = variant == Variant::Slide;
            let id = format!("{s}-contrast{}", if on_slide { "-slide" } else { "" });
            an.figure_or(&id, || {
                let mistake = an
                    .pop
                    .mistakes()
                    .mistakes
                    .iter()
                    .find(|x| img.selected.split == crate::kv::select::SplitName::Test && x.index == img.selected.index)
                    .ok_or_else(|| format!("{} is not a misclassified test image; choose one with misclassified(…)", img.selected))?;
                let nearest = mistake.nearest_correct.ok_or("it has no correctly classified image of its digit to compare with")?;
                let views: Vec<_> = mistake.contrast.iter().filter_map(|d| pair_view(m, d.pair)).collect();
                let twin = an.p.dataset.test.image(nearest);
                Ok(if on_slide {
                    mistakes::mistake_contrast_slide(&id, mistake, &img.pixels, twin, &views)
                } else {
                    mistakes::mistake_contrast(&id, mistake, &img.pixels, twin, &views)
                })
            })
        }
        other => Err(format!("internal error: figure family `{other}`")),
    }
    .map_err(|e| Fail::new(args.at("example"), e))
}

fn population(args: &Args, an: &Analyses, name: &str, slide: bool) -> Result<Rc<Figure>, Fail> {
    let slide = slide && args.bool("print") != Some(true);
    let id = match name {
        "cosine-histogram" => "key-drift".to_string(),
        "votes-vs-fires" if slide => {
            let id = "votes-vs-fires-slide";
            return an
                .figure_or(id, || {
                    Ok(population::votes_vs_fires_slide(id, an.pop.votes()))
                })
                .map_err(|e| Fail::new(args.0.name_at, e));
        }
        "knockout" => {
            let digit = args
                .index("digit", 0..10, "digit")?
                .unwrap_or(crate::figures::catalog::KNOCKOUT_DIGIT);
            let k = args
                .index("k", 1..an.model().hidden() + 1, "k")?
                .unwrap_or(crate::kv::population::default_k(an.model().hidden()));
            let mut id = if k == crate::kv::population::default_k(an.model().hidden()) {
                format!("knockout-{digit}")
            } else {
                format!("knockout-{digit}-k{k}")
            };
            if slide {
                id.push_str("-slide");
            }
            return an
                .figure_or(&id, || {
                    let runs: Vec<_> =
                        [KnockoutMode::Zero, KnockoutMode::Mean, KnockoutMode::Refit]
                            .into_iter()
                            .map(|mode| (*an.pop.knockout(digit, k, mode)).clone())
                            .collect();
                    Ok(if slide {
                        let mut counts = [0usize; crate::kv::image::DIGITS];
                        for &l in &an.p.dataset.test.labels {
                            counts[usize::from(l).min(crate::kv::image::DIGITS - 1)] += 1;
                        }
                        population::knockout_slide(&id, &runs, &counts)
                    } else {
                        population::knockout_bars(&id, &runs)
                    })
                })
                .map_err(|e| Fail::new(args.0.name_at, e));
        }
        other => other.to_string(),
    };
    in_catalog(an, id, args)
}

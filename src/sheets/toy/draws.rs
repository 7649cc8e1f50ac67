//! The givens of every variant: the written one, then seeded draws from
//! the exercise's ranges, kept when they teach what the exercise is for
//! and differ from every earlier variant; and the black-and-white images
//! of a net with a `layout`, by number.

use super::given::Given;
use super::teaches::{rejection, teaches, tie_problem};
use crate::sheets::spec::{DecRange, ExSpec, ExType};
use crate::shortcodes::{Args, Fail};
use rand::RngExt;
use rust_decimal::Decimal;

/// A decimal drawn uniformly at `decimals` places from `r`.
fn draw_decimal(rng: &mut impl rand::Rng, r: DecRange, decimals: u32) -> Decimal {
    let scale = Decimal::from(10i64.pow(decimals));
    let lo = (r.lo * scale).ceil().try_into().unwrap_or(0i64);
    let hi = (r.hi * scale).floor().try_into().unwrap_or(0i64);
    let v = if hi > lo {
        rng.random_range(lo..=hi)
    } else {
        lo
    };
    Decimal::new(v, decimals).normalize()
}

/// A draw that is not 0 (after 64 zeros in a row, the smallest step).
fn nonzero(rng: &mut impl rand::Rng, r: DecRange, decimals: u32) -> Decimal {
    for _ in 0..64 {
        let d = draw_decimal(rng, r, decimals);
        if !d.is_zero() {
            return d;
        }
    }
    Decimal::new(1, decimals)
}

/// A new given of the same shape as `base`, drawn from the spec's ranges.
fn draw(spec: &ExSpec, base: &Given, rng: &mut impl rand::Rng) -> Given {
    let r = spec.range.unwrap_or(DecRange {
        lo: Decimal::from(-2),
        hi: Decimal::from(2),
    });
    let ir = spec.input_range.unwrap_or(r);
    let d = spec.decimals;
    let mut net = base.net.clone();
    let has_b1 = base.net.b1.iter().any(|b| !b.is_zero());
    let has_b2 = base.net.b2.iter().any(|b| !b.is_zero());
    // A design-win exercise keeps its keys and draws its values: the
    // question is about what the values allow.
    if spec.ty != ExType::DesignWin {
        for w in net.w1.iter_mut().flatten() {
            *w = nonzero(rng, r, d);
        }
    }
    if has_b1 {
        for b in &mut net.b1 {
            *b = nonzero(rng, r, d);
        }
    }
    if spec.ty != ExType::Neuron {
        for w in net.w2.iter_mut().flatten() {
            *w = nonzero(rng, r, d);
        }
        if has_b2 {
            for b in &mut net.b2 {
                *b = nonzero(rng, r, d);
            }
        }
    }
    let inputs = if net.layout.is_some() {
        // Distinct black-and-white images, none blank.
        let k = net.inputs.len() as u32;
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (name, _) in &base.inputs {
            let mut code = 0u32;
            for _ in 0..64 {
                code = rng.random_range(1..(1u32 << k));
                if !seen.contains(&code) {
                    break;
                }
            }
            seen.push(code);
            out.push((name.clone(), bits(code, k as usize)));
        }
        out
    } else {
        base.inputs
            .iter()
            .map(|(name, x)| {
                (
                    name.clone(),
                    x.iter().map(|_| nonzero(rng, ir, d)).collect(),
                )
            })
            .collect()
    };
    Given { net, inputs }
}

/// Image number `code` as pixels, first input = highest bit.
fn bits(code: u32, k: usize) -> Vec<Decimal> {
    (0..k)
        .map(|i| Decimal::from((code >> (k - 1 - i)) & 1))
        .collect()
}

/// Every black-and-white image of `k` pixels, blank first.
pub(super) fn all_images(k: usize) -> Vec<Vec<Decimal>> {
    (0..(1u32 << k)).map(|c| bits(c, k)).collect()
}

/// The givens of variants 1..=upto: the written one, then draws from the
/// seeded generator that teach what the exercise is for and differ from
/// every earlier variant. Without a `range` every variant is the written one.
pub(crate) fn givens(
    spec: &ExSpec,
    args: &Args,
    base: &Given,
    seed: [u8; 32],
    upto: u32,
) -> Result<Vec<Given>, Fail> {
    let (t, _) = teaches(base).map_err(|e| Fail::new(args.0.name_at, e))?;
    if matches!(
        spec.ty,
        ExType::Neuron | ExType::Layers | ExType::Pairs | ExType::ToyImage
    ) && let Some(why) = tie_problem(spec, base, &t)
    {
        return Err(Fail::new(
            args.at("net") + 1,
            format!("the written numbers of `{}` give {why}", base.net.name),
        )
        .hint("set tie=true when the exercise is about a tie, or pick other inputs"));
    }
    let mut out = vec![base.clone()];
    if spec.range.is_none() || upto < 2 {
        out.resize(upto.max(1) as usize, base.clone());
        return Ok(out);
    }
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::from_seed(seed);
    for k in 2..=upto {
        let mut found = None;
        let mut last = "";
        for _ in 0..5000 {
            let g = draw(spec, base, &mut rng);
            let fp = g.fingerprint();
            if out.iter().any(|o| o.fingerprint() == fp) {
                continue;
            }
            if spec.ty == ExType::DesignWin {
                match super::design_win::refusal(&g.net, spec.output.as_deref().unwrap_or_default())
                {
                    None => {
                        found = Some(g);
                        break;
                    }
                    Some(why) => {
                        last = why;
                        continue;
                    }
                }
            }
            let Ok((t, decs)) = teaches(&g) else { continue };
            // Neighbours must not share final answers: the outputs of
            // some input must differ from the previous variant's.
            if let Some(prev) = out.last()
                && let Ok((_, prev_decs)) = teaches(prev)
                && prev_decs
                    .iter()
                    .map(|d| &d.logits)
                    .eq(decs.iter().map(|d| &d.logits))
            {
                last = "the same outputs as the variant before";
                continue;
            }
            match rejection(spec, &g, &t) {
                None => {
                    found = Some(g);
                    break;
                }
                Some(why) => last = why,
            }
        }
        let g = found.ok_or_else(|| {
            Fail::new(
                args.at("range") + 1,
                format!("could not draw variant {k} from this range: 5000 draws all had {last}"),
            )
            .hint("widen the range, or allow more decimals")
        })?;
        out.push(g);
    }
    Ok(out)
}

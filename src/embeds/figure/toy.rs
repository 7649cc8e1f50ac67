//! The toy networks' figures: families drawn from `content/nets/*.toml`,
//! and their slide layouts in a deck.

use super::*;

pub(super) fn toy(
    args: &Args,
    an: &Analyses,
    family: &str,
    net_name: &str,
    slide: bool,
) -> Result<Rc<Figure>, Fail> {
    let net =
        an.p.nets
            .get(net_name)
            .ok_or_else(|| crate::embeds::quantity::unknown_net(args, an))?;
    let base = format!("net-{}", slug(net_name));
    let (_, sfx) = variant(args, slide);
    let with_input = |args: &Args| -> Result<String, Fail> {
        crate::embeds::quantity::toy_decomposition(args, net)?;
        Ok(format!(
            "{base}-{}",
            slug(args.str("input").unwrap_or_default())
        ))
    };
    let pair = match args.int("pair") {
        None => None,
        Some(p) if p >= 1 && (p as usize) <= net.hidden() => Some(p),
        Some(p) => {
            return Err(Fail::new(
                args.at("pair"),
                format!("`{net_name}` has pairs 1 to {}, not {p}", net.hidden()),
            ));
        }
    };
    if slide
        && args.bool("print") != Some(true)
        && let Some(f) = toy_slide(args, an, family, net, &base, pair)?
    {
        return Ok(f);
    }
    let id = match family {
        "net" => match (args.has("input"), pair) {
            (false, _) => base,
            (true, None) if args.bool("evaluated") == Some(false) => {
                format!("{}-input", with_input(args)?)
            }
            (true, None) => with_input(args)?,
            (true, Some(p)) => format!("{}-pair-{p}", with_input(args)?),
        },
        "layers" | "pairs" => format!("{base}-{family}"),
        "matrix" => {
            // The catalog has the screen variant; the print one is drawn on demand.
            let id = format!("{base}-matrix{sfx}");
            let (variant, _) = variant(args, slide);
            return an
                .figure_or(&id, || {
                    Ok(crate::figures::matrices::toy_matrix_view(
                        &id, net, 0, variant,
                    ))
                })
                .map_err(|e| Fail::new(args.0.name_at, e));
        }
        "bracket" => format!("{}-bracket-{}", with_input(args)?, pair.unwrap_or(1)),
        "pair-by-pair" if slide && args.bool("print") != Some(true) => {
            let dec = crate::embeds::quantity::toy_decomposition(args, net)?;
            let id = format!("{}-pair-by-pair-slide", with_input(args)?);
            return an
                .figure_or(&id, || {
                    Ok(crate::figures::worked::pair_by_pair_slide(&id, net, &dec))
                })
                .map_err(|e| Fail::new(args.0.name_at, e));
        }
        other => format!("{}-{other}", with_input(args)?),
    };
    in_catalog(an, id, args)
}

/// Draws a figure under the id it is given.
type Draw<'a> = dyn FnOnce(&str) -> Figure + 'a;

/// The slide layout of a toy figure, drawn on demand as `<id>-slide`, for
/// the families that have one (None: draw the screen figure).
pub(super) fn toy_slide(
    args: &Args,
    an: &Analyses,
    family: &str,
    net: &crate::kv::toy::ToyNet,
    base: &str,
    pair: Option<i64>,
) -> Result<Option<Rc<Figure>>, Fail> {
    use crate::figures::{networks, weight_views, worked};
    let dec = if args.has("input") {
        Some(crate::embeds::quantity::toy_decomposition(args, net)?)
    } else {
        None
    };
    let with_input = format!("{base}-{}", slug(args.str("input").unwrap_or_default()));
    let highlight = pair.and_then(|p| usize::try_from(p - 1).ok());
    let (id, draw): (String, Box<Draw>) = match (family, &dec) {
        ("net", None) => (
            format!("{base}-slide"),
            Box::new(|id| networks::network_slide(id, net, None, None)),
        ),
        ("net", Some(d)) if args.bool("evaluated") == Some(false) => (
            format!("{with_input}-input-slide"),
            Box::new(move |id| networks::network_input_slide(id, net, d)),
        ),
        ("net", Some(d)) => (
            match pair {
                Some(p) => format!("{with_input}-pair-{p}-slide"),
                None => format!("{with_input}-slide"),
            },
            Box::new(move |id| networks::network_slide(id, net, Some(d), highlight)),
        ),
        ("layers", _) => (
            format!("{base}-layers-slide"),
            Box::new(|id| {
                let screen = weight_views::layer_view(id, net);
                networks::layer_view_slide(id, net, &screen)
            }),
        ),
        ("layer-by-layer", Some(d)) => (
            format!("{with_input}-layer-by-layer-slide"),
            Box::new(move |id| worked::layer_by_layer_slide(id, net, d)),
        ),
        ("single-neuron", Some(d)) => (
            format!("{with_input}-single-neuron-slide"),
            Box::new(move |id| worked::single_neuron_slide(id, net, d)),
        ),
        _ => return Ok(None),
    };
    an.figure_or(&id, || Ok(draw(&id)))
        .map(Some)
        .map_err(|e| Fail::new(args.0.name_at, e))
}

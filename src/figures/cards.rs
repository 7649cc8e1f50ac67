//! Pair cards of one MNIST image: one pair in full ([`pair_card`]: image ⊙
//! key = products, the match, the value and what the pair adds to each
//! logit) and the top pairs of an image as small cards ([`top_pairs`]).
//!
//! Input: `kv::pair::{PairView, KeyTimesImage}` and `kv::image::ImageAnalysis`
//! (computed elsewhere); output: `Figure`. Built from the pieces in `digits`.

use super::Figure;
use super::digitkit::{a_digit, at, places, prediction_name, ranking_name};
use super::digits::{
    Block, MARGIN, PANEL_CAPTION, SIDE, abs_max_of, digit_or, ink_block, key_f64, kti_block,
    match_block, signed_map, value_f64, value_row,
};
use super::style::{self, Variant, num, r, signed};
use crate::kv::image::{DIGITS, ImageAnalysis};
use crate::kv::pair::{KeyTimesImage, PairView};
use svg::Document;
use svg::node::element::{Group, Rectangle};

/// "fires at 3.42" or "silent".
fn firing(k: &KeyTimesImage) -> String {
    if k.fires {
        format!("fires at {}", num(k.activation, 2))
    } else {
        "silent".to_string()
    }
}

/// 6e. One pair on one image: image ⊙ key = products, the match, the value,
/// and activation × value (what the pair adds to each logit).
pub(crate) fn pair_card(
    id: &str,
    view: &PairView,
    kti: &KeyTimesImage,
    pixels: &[u8],
    variant: Variant,
) -> Figure {
    let favours = digit_or(view.favours, "no single digit");
    let title = format!("Pair {} — {}, favours {favours}", view.pair, firing(kti));
    let values = value_f64(view);
    let scaled: [f64; DIGITS] = std::array::from_fn(|d| kti.activation * values[d]);
    let v_max = abs_max_of(&values);
    let s_max = abs_max_of(&scaled);
    let mark: Vec<usize> = view.favours.into_iter().collect();
    let body = kti_block(id, kti, pixels, view, variant);
    let sum = match_block(kti);
    let cw = ((body.w.max(560.0)) / DIGITS as f64).min(64.0);
    let row = |v: &[f64; DIGITS], max: f64| {
        value_row(v, max, cw, 34.0, variant, &mark, true, style::FONT_SIZE)
    };
    let value = row(&values, v_max);
    let scaled_row = row(&scaled, s_max);
    let adds = match view.favours {
        Some(d) if kti.fires => format!(
            ", so it adds {} to the logit of {d}",
            signed(scaled[d], places(s_max))
        ),
        _ if !kti.fires => ", so it adds nothing to any logit".to_string(),
        _ => String::new(),
    };
    let description = format!(
        "Pair {} {} on this image with activation {} (match {} = key·image {} + bias {}); its value favours {favours} by {}{adds}.",
        view.pair,
        if kti.fires { "fires" } else { "stays silent" },
        num(kti.activation, 3),
        num(kti.pre, 3),
        num(kti.sum, 3),
        num(kti.bias, 3),
        num(f64::from(view.favour_margin), places(v_max)),
    );
    let w = body.w.max(value.w).max(sum.w) + 2.0 * MARGIN;
    let y_body = 48.0;
    let y_sum = y_body + body.h + 4.0;
    let y_value = y_sum + sum.h + 30.0;
    let y_scaled = y_value + value.h + 34.0;
    let h = y_scaled + scaled_row.h + 36.0;
    let scaled_caption = format!(
        "activation × value = what pair {} adds to each logit ({} × value)",
        view.pair,
        num(kti.activation, 3)
    );
    let favour_note = match view.favours {
        Some(d) => format!(
            "outlined: the favoured digit {d} (by {} over the next)",
            num(f64::from(view.favour_margin), places(v_max))
        ),
        None => "no single favoured digit".to_string(),
    };
    let doc = style::frame(w, h, &title, &description)
        .add(
            style::text(title.clone(), MARGIN, 28.0, style::LARGE, "start")
                .set("font-weight", "bold"),
        )
        .add(at(body.g, MARGIN, y_body))
        .add(at(sum.g, MARGIN, y_sum))
        .add(style::text(
            format!("value {} (column {} of W2)", view.pair, view.pair),
            MARGIN,
            y_value - 8.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(value.g, MARGIN, y_value))
        .add(style::text(
            scaled_caption,
            MARGIN,
            y_scaled - 8.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(scaled_row.g, MARGIN, y_scaled))
        .add(style::muted(
            favour_note,
            MARGIN,
            y_scaled + scaled_row.h + 20.0,
            "start",
        ));
    let data = super::data::FigureData::Json(super::data::pair_on_image(view, kti, &scaled));
    style::figure(id, &title, description, doc, data)
}

/// The slide variant of [`pair_card`], its second half (the first is
/// `digits::key_times_image_slide`, on the slide before): the value, and
/// activation × value, what the pair adds to each logit, as two rows of ten
/// large cells at [`style::SLIDE_TEXT`], the favoured digit outlined.
///
/// `versus`: the image's answer, the digit it is compared with, and whether
/// that is the true digit (a misread image's margin) rather than the
/// runner-up (the lead); a last line says what the pair does to it.
pub(crate) fn pair_card_slide(
    id: &str,
    view: &PairView,
    kti: &KeyTimesImage,
    versus: (usize, usize, bool),
) -> Figure {
    let size = style::SLIDE_TEXT;
    let favours = digit_or(view.favours, "no single digit");
    let title = format!("Pair {} — {}, favours {favours}", view.pair, firing(kti));
    let values = value_f64(view);
    let scaled: [f64; DIGITS] = std::array::from_fn(|d| kti.activation * values[d]);
    let (v_max, s_max) = (abs_max_of(&values), abs_max_of(&scaled));
    let mark: Vec<usize> = view.favours.into_iter().collect();
    let row = |v: &[f64; DIGITS], max: f64| {
        value_row(v, max, 110.0, 76.0, Variant::Slide, &mark, true, 24.0)
    };
    let (value, scaled_row) = (row(&values, v_max), row(&scaled, s_max));
    let description = format!(
        "Pair {} {} on this image (activation {}); its value: {}; activation × value, what it adds to each logit: {}.",
        view.pair,
        if kti.fires { "fires" } else { "stays silent" },
        num(kti.activation, 3),
        values
            .iter()
            .enumerate()
            .map(|(d, v)| format!("{d}: {}", signed(*v, places(v_max))))
            .collect::<Vec<_>>()
            .join(", "),
        scaled
            .iter()
            .enumerate()
            .map(|(d, v)| format!("{d}: {}", signed(*v, places(s_max))))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let lh = size * 1.5;
    let w = value.w + 2.0 * MARGIN;
    let y_value = MARGIN + lh;
    let y_scaled = y_value + value.h + lh + 12.0;
    let (t, ru, truth) = versus;
    let what = if truth {
        format!("the margin of {t} over the true digit {ru}")
    } else {
        format!("the lead of {t} over {ru}")
    };
    let y_lead = y_scaled + scaled_row.h + lh + 8.0;
    let h = y_lead + MARGIN;
    let lead_line = match (scaled.get(t), scaled.get(ru)) {
        (Some(&a), Some(&b)) if kti.fires => {
            let d = places(s_max);
            let b_text = if b < 0.0 {
                format!("({})", signed(b, d))
            } else {
                num(b, d)
            };
            format!(
                "{what} changes by {} − {b_text} = {}",
                num(a, d),
                signed(a - b, d)
            )
        }
        _ => format!("{what} does not change"),
    };
    let description = format!("{description} On this image, {lead_line}.");
    let head =
        |s: String, y: f64| style::text(s, MARGIN, y, size, "start").set("font-weight", "bold");
    let doc = style::frame(w, h, &title, &description)
        .add(head(
            format!("value {}: one vote per digit", view.pair),
            y_value - 12.0,
        ))
        .add(at(value.g, MARGIN, y_value))
        .add(head(
            if kti.fires {
                format!(
                    "× {} (it fires) = what it adds to each logit",
                    num(kti.activation, 2)
                )
            } else {
                "× 0 (it is silent) = it adds nothing".to_string()
            },
            y_scaled - 12.0,
        ))
        .add(at(scaled_row.g, MARGIN, y_scaled))
        .add(style::text(lead_line, MARGIN, y_lead, size, "start"));
    let mut data = super::data::pair_on_image(view, kti, &scaled);
    if let serde_json::Value::Object(m) = &mut data {
        let change = match (scaled.get(t), scaled.get(ru)) {
            (Some(&a), Some(&b)) if kti.fires => a - b,
            _ => 0.0,
        };
        m.insert("answer".into(), t.into());
        m.insert("versus".into(), ru.into());
        m.insert("versus_is_true_digit".into(), truth.into());
        m.insert("versus_change".into(), super::data::j64(change));
    }
    let data = super::data::FigureData::Json(data);
    style::figure(id, &title, description, doc, data)
}

/// A card's two small maps: the key, and key ⊙ image, each captioned.
fn card_maps(view: &PairView, k: &KeyTimesImage, cell: f64, variant: Variant) -> Block {
    let key = signed_map(
        &key_f64(view),
        f64::from(view.key_abs_max),
        cell,
        variant,
        "key",
    );
    let prod = signed_map(
        &k.products,
        abs_max_of(&k.products),
        cell,
        variant,
        "product",
    );
    let gap = 12.0;
    let cap = 14.0;
    let g = Group::new()
        .add(style::muted("key", key.w / 2.0, 10.0, "middle"))
        .add(style::muted(
            "key ⊙ image",
            key.w + gap + prod.w / 2.0,
            10.0,
            "middle",
        ))
        .add(at(key.g, 0.0, cap))
        .add(at(prod.g, key.w + gap, cap));
    Block {
        g,
        w: key.w + gap + prod.w,
        h: cap + key.h.max(prod.h),
    }
}

/// One card: what it shows of a pair.
type Card<'a> = (&'a PairView, &'a KeyTimesImage, [f64; DIGITS]);

/// Where the cards go: their size, the rows inside one, the grid of cards.
struct Layout {
    /// Pixels per MNIST pixel of the maps, and width of a mini value cell.
    cell: f64,
    mini_cw: f64,
    card_w: f64,
    card_h: f64,
    /// Baselines of the card's text lines and top of its value cells.
    text_y: f64,
    mini_y: f64,
    gap: f64,
    cols: usize,
    header_h: f64,
    w: f64,
    h: f64,
}

impl Layout {
    fn new(variant: Variant, n: usize) -> Layout {
        let cell = match variant {
            Variant::Screen | Variant::Slide => 3.0,
            Variant::Print => 2.5,
        };
        let mini_cw = 20.0;
        let maps_w = match variant {
            Variant::Screen | Variant::Slide => 2.0 * SIDE as f64 * cell + 12.0,
            Variant::Print => 4.0 * SIDE as f64 * cell + 2.0 * (cell * 2.0).max(8.0) + 12.0,
        };
        let maps_h = 14.0
            + SIDE as f64 * cell
            + if variant == Variant::Print {
                PANEL_CAPTION
            } else {
                0.0
            };
        let card_w = maps_w.max(DIGITS as f64 * mini_cw) + 16.0;
        let text_y = 26.0 + maps_h + 16.0;
        let mini_y = text_y + 3.0 * 16.0 - 4.0;
        let card_h = mini_y + 15.0 + 15.0 + 10.0;
        let gap = 10.0;
        let cols =
            (((960.0 - 2.0 * MARGIN + gap) / (card_w + gap)).floor() as usize).clamp(1, n.max(1));
        let rows = n.div_ceil(cols).max(1);
        let header_h = 82.0;
        Layout {
            cell,
            mini_cw,
            card_w,
            card_h,
            text_y,
            mini_y,
            gap,
            cols,
            header_h,
            w: (2.0 * MARGIN + cols as f64 * card_w + (cols - 1) as f64 * gap).max(600.0),
            h: header_h + rows as f64 * (card_h + gap) + 34.0,
        }
    }
}

/// 6f. The top pairs of one image (in the order given) as compact cards:
/// key and key ⊙ image, activation, what the pair adds to the predicted
/// digit and the runner-up (and so to the lead), and its whole scaled value
/// as ten cells on one scale shared by all cards.
pub(crate) fn top_pairs(
    id: &str,
    analysis: &ImageAnalysis,
    views: &[PairView],
    kti: &[KeyTimesImage],
    pixels: &[u8],
    variant: Variant,
) -> Figure {
    let cards: Vec<Card> = views
        .iter()
        .zip(kti)
        .map(|(v, k)| {
            let scaled = analysis.pair(v.pair).map_or([0.0; DIGITS], |c| c.scaled);
            (v, k, scaled)
        })
        .collect();
    let s_max = cards.iter().fold(0.0_f64, |m, c| m.max(abs_max_of(&c.2)));
    let l = Layout::new(variant, cards.len());
    let title = format!("Top {} pairs of this image", cards.len());
    let description = describe(analysis, &cards, s_max);
    let mut doc = header(
        style::frame(l.w, l.h, &title, &description),
        analysis,
        &cards,
        pixels,
        s_max,
    );
    for (i, c) in cards.iter().enumerate() {
        let (col, row) = ((i % l.cols) as f64, (i / l.cols) as f64);
        let x = MARGIN + col * (l.card_w + l.gap);
        let y = l.header_h + row * (l.card_h + l.gap);
        doc = doc.add(at(card(&l, i, c, analysis, s_max, variant), x, y));
    }
    doc = doc.add(style::muted(
        format!(
            "maps: {}; outlined cell: the predicted digit {}",
            match variant {
                Variant::Screen | Variant::Slide => "red = positive, blue = negative",
                Variant::Print => "+ and − in separate panels, darker = larger",
            },
            analysis.top
        ),
        MARGIN,
        l.h - 14.0,
        "start",
    ));
    let data = {
        use super::data::{FigureData, image_summary, obj, pair_on_image};
        let pairs = cards
            .iter()
            .map(|(v, k, scaled)| pair_on_image(v, k, scaled))
            .collect();
        FigureData::Json(obj(vec![
            ("image", image_summary(analysis)),
            ("pairs", serde_json::Value::Array(pairs)),
        ]))
    };
    style::figure(id, &title, description, doc, data)
}

/// "an 8, " when the image's label is known.
fn truth(analysis: &ImageAnalysis) -> String {
    analysis
        .label
        .map_or(String::new(), |l| format!("{}, ", a_digit(l)))
}

fn describe(analysis: &ImageAnalysis, cards: &[Card], s_max: f64) -> String {
    let (t, ru) = (analysis.top, analysis.runner_up);
    let d = places(s_max);
    let order: Vec<usize> = cards.iter().map(|c| c.0.pair).collect();
    let listed: Vec<String> = cards
        .iter()
        .map(|(v, k, s)| {
            format!(
                "pair {} ({}, {} to {t}, {} to {ru})",
                v.pair,
                firing(k),
                signed(s[t], d),
                signed(s[ru], d)
            )
        })
        .collect();
    format!(
        "The top {} pairs of {}read as {} (runner-up {ru}, lead {}), {} of {} active pairs, {}: {}.",
        cards.len(),
        truth(analysis),
        prediction_name(&analysis.prediction),
        num(analysis.lead, 2),
        cards.len(),
        analysis.active,
        ranking_name(&order, analysis),
        listed.join("; ")
    )
}

/// Adds the image as a thumbnail and three lines beside it: how it is read,
/// which pairs are shown, and what the ten cells are.
fn header(
    doc: Document,
    analysis: &ImageAnalysis,
    cards: &[Card],
    pixels: &[u8],
    s_max: f64,
) -> Document {
    let order: Vec<usize> = cards.iter().map(|c| c.0.pair).collect();
    let thumb = ink_block(pixels, 2.0);
    let hx = MARGIN + thumb.w + 14.0;
    doc.add(at(thumb.g, MARGIN, 12.0))
        .add(
            style::text(
                format!(
                    "{}read as {}; runner-up {}, lead {}",
                    truth(analysis),
                    prediction_name(&analysis.prediction),
                    analysis.runner_up,
                    num(analysis.lead, 2)
                ),
                hx,
                30.0,
                style::LARGE,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(style::muted(
            format!(
                "{} of {} active pairs, {}; each map on its own colour scale",
                cards.len(),
                analysis.active,
                ranking_name(&order, analysis),
            ),
            hx,
            50.0,
            "start",
        ))
        .add(style::muted(
            format!(
                "ten cells: activation × value, what the pair adds to each logit (one scale for all cards, up to {})",
                num(s_max, places(s_max))
            ),
            hx,
            66.0,
            "start",
        ))
}

/// Card `i`: its border, rank and pair, the two maps, three lines of
/// numbers and the pair's scaled value as ten small cells.
fn card(
    l: &Layout,
    i: usize,
    (v, k, s): &Card,
    analysis: &ImageAnalysis,
    s_max: f64,
    variant: Variant,
) -> Group {
    let (t, ru) = (analysis.top, analysis.runner_up);
    let d = places(s_max);
    let maps = card_maps(v, k, l.cell, variant);
    let mini = value_row(
        s,
        s_max,
        l.mini_cw,
        15.0,
        variant,
        &[t],
        false,
        style::SMALL,
    );
    let favours = digit_or(v.favours, "none");
    Group::new()
        .add(
            Rectangle::new()
                .set("width", r(l.card_w))
                .set("height", r(l.card_h))
                .set("rx", 4)
                .set("fill", "none")
                .set("stroke", style::GRID),
        )
        .add(
            style::text(
                format!("#{} · pair {}", i + 1, v.pair),
                8.0,
                18.0,
                style::FONT_SIZE,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(at(maps.g, 8.0, 26.0))
        .add(style::text(
            format!("{} · favours {favours}", firing(k)),
            8.0,
            l.text_y,
            style::SMALL,
            "start",
        ))
        .add(style::text(
            format!(
                "to {t}: {} · to {ru}: {}",
                signed(s[t], d),
                signed(s[ru], d)
            ),
            8.0,
            l.text_y + 16.0,
            style::SMALL,
            "start",
        ))
        .add(
            style::text(
                format!("adds {} to the lead of {t}", signed(s[t] - s[ru], d)),
                8.0,
                l.text_y + 32.0,
                style::SMALL,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(at(mini.g, 8.0, l.mini_y))
}

#[cfg(test)]
mod tests;

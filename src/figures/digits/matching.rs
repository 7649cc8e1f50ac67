//! Key ⊙ image and the match it sums to: the image, the key and their
//! pixel-by-pixel products side by side with captions and colour bars
//! ([`kti_block`]), and the three lines key·image = Σ key·pixel, match =
//! key·image + bias, ReLU (the course's one meaning of "match": k·x + b)
//! ([`match_block`]), also as a sentence for descriptions.

use super::blocks::{Block, abs_max_of, ink_block, key_f64, legend, signed_map};
use crate::figures::digitkit::at;
use crate::figures::style::{self, Variant, num, signed};
use crate::kv::pair::{KeyTimesImage, PairView};
use svg::node::element::Group;

/// The three lines of the match: Σ key·pixel, + bias, ReLU.
fn match_lines(k: &KeyTimesImage) -> [String; 3] {
    let pm = |x: f64| {
        if x < 0.0 {
            format!("\u{2212} {}", num(-x, 3))
        } else {
            format!("+ {}", num(x, 3))
        }
    };
    [
        format!(
            "key·image = Σ key·pixel = {} {} = {}",
            num(k.positive, 3),
            pm(k.negative),
            num(k.sum, 3)
        ),
        format!(
            "match = key·image + bias = {} {} = {}",
            num(k.sum, 3),
            pm(k.bias),
            num(k.pre, 3)
        ),
        if k.fires {
            format!("ReLU → activation {} (fires)", num(k.activation, 3))
        } else {
            format!(
                "ReLU → activation 0 ({} is not above 0: silent)",
                num(k.pre, 3)
            )
        },
    ]
}

/// Image ⊙ key = products, with captions; the three panels in one row.
pub(crate) fn kti_block(
    id: &str,
    k: &KeyTimesImage,
    pixels: &[u8],
    view: &PairView,
    variant: Variant,
) -> Block {
    let cell = match variant {
        Variant::Screen | Variant::Slide => 7.0,
        Variant::Print => 5.0,
    };
    let img = ink_block(pixels, cell);
    let key_max = f64::from(view.key_abs_max);
    let key = signed_map(&key_f64(view), key_max, cell, variant, "weights");
    let prod_max = abs_max_of(&k.products);
    let prod = signed_map(&k.products, prod_max, cell, variant, "products");
    let op_w = 34.0;
    let top = 20.0;
    let map_h = img.h.max(key.h).max(prod.h);
    // Panels align at the bottom, so the print captions sit above the grids.
    let (y_img, y_key, y_prod) = (
        top + map_h - img.h,
        top + map_h - key.h,
        top + map_h - prod.h,
    );
    let x_key = img.w + op_w;
    let x_prod = x_key + key.w + op_w;
    let mid = top + map_h - img.h / 2.0 + 8.0;
    let caption_y = top + map_h + 16.0;
    let legend_y = caption_y + 24.0;
    let lw = 150.0_f64.min(key.w);
    let plw = 150.0_f64.min(prod.w);
    let g = Group::new()
        .add(style::text(
            format!("image · {} inked pixels", k.inked_pixels),
            img.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(style::text(
            format!("key {} · bias {}", view.pair, signed(k.bias, 3)),
            x_key + key.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(style::text(
            "key ⊙ image (pixel by pixel)",
            x_prod + prod.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(at(img.g, 0.0, y_img))
        .add(style::text(
            "⊙",
            img.w + op_w / 2.0,
            mid,
            style::LARGE + 4.0,
            "middle",
        ))
        .add(at(key.g, x_key, y_key))
        .add(style::text(
            "=",
            x_key + key.w + op_w / 2.0,
            mid,
            style::LARGE + 4.0,
            "middle",
        ))
        .add(at(prod.g, x_prod, y_prod))
        .add(
            style::text(
                "pixels 0 (white) to 1 (black)",
                img.w / 2.0,
                caption_y,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            style::text(
                "only inked pixels count",
                x_prod + prod.w / 2.0,
                caption_y,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(legend(
            &format!("{id}-key"),
            variant,
            x_key + (key.w - lw) / 2.0,
            legend_y,
            lw,
            key_max,
            "weight",
        ))
        .add(legend(
            &format!("{id}-product"),
            variant,
            x_prod + (prod.w - plw) / 2.0,
            legend_y,
            plw,
            prod_max,
            "weight × pixel",
        ));
    Block {
        g,
        w: x_prod + prod.w,
        h: legend_y + 28.0,
    }
}

/// The match lines as a block.
pub(crate) fn match_block(k: &KeyTimesImage) -> Block {
    let lines = match_lines(k);
    let mut g = Group::new();
    for (i, line) in lines.iter().enumerate() {
        let t = style::text(
            line.clone(),
            0.0,
            16.0 + 22.0 * i as f64,
            style::FONT_SIZE + 1.0,
            "start",
        );
        g = g.add(if i == 2 {
            t.set("font-weight", "bold")
        } else {
            t
        });
    }
    Block {
        g,
        w: 470.0,
        h: 16.0 + 22.0 * 2.0 + 8.0,
    }
}

pub(super) fn match_description(k: &KeyTimesImage) -> String {
    let lines = match_lines(k);
    format!(
        "Key {} times the image, pixel by pixel: only the {} inked pixels contribute. {}; {}; {}.",
        k.pair, k.inked_pixels, lines[0], lines[1], lines[2]
    )
}

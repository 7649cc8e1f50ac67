use super::*;
use crate::figures::testing::assert_sound;
use crate::kv::image::analyse;
use crate::kv::testnet;

#[test]
fn fixture_flip_curve_names_where_each_order_settles() {
    let m = testnet::net();
    let s = testnet::split(1);
    let a = analyse(&m, s.image(8), Some(8));
    let f = flip_curve("fc", &a);
    assert_sound(&f);
    assert_eq!(f.to_svg_string(), flip_curve("fc", &a).to_svg_string());
    // b2 = 0: a ten-way tie (lead 0); pair 8 makes it 3 (lead 2), pair 11 keeps it.
    assert!(
        f.description
            .contains("the 2 active pairs of an image of an 8"),
        "{}",
        f.description
    );
    assert!(
        f.description
            .contains("starts at 0.00 (b2 alone) and ends at +2.00")
    );
    assert!(
        f.description
            .contains("decision ranking settles at N = 1 (50.0 %) with 1 flip;"),
        "{}",
        f.description
    );
    assert!(
        f.description
            .contains("bottom-first (control) settles at N = 2 (100.0 %)")
    );
    let svg = f.to_svg_string();
    assert_eq!(svg.matches("<polyline").count(), 4);
    assert!(
        f.description
            .contains("random orders (control) settle at median N ="),
        "{}",
        f.description
    );
    assert!(svg.contains("decision ranking settles on 3 at N = 1"));
}

#[test]
fn the_slide_curve_reads_from_the_back() {
    let m = testnet::net();
    let s = testnet::split(1);
    let a = analyse(&m, s.image(8), Some(8));
    let f = crate::figures::testing::assert_slide(|| flip_curve_slide("fcs", &a));
    assert_eq!(f.description, flip_curve("fcs", &a).description);
    let svg = f.to_svg_string();
    assert_eq!(svg.matches("<polyline").count(), 4);
    assert!(svg.contains("settles after") && svg.contains("decision"));
}

#[test]
fn random_net_curve_is_sound() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let m = crate::nn::Mlp::init(300, &mut rng);
    let img: Vec<u8> = (0..crate::data::PIXELS)
        .map(|p| {
            if (p % 28).abs_diff(p / 28) < 3 {
                230
            } else {
                0
            }
        })
        .collect();
    let a = analyse(&m, &img, Some(7));
    let f = flip_curve("fc", &a);
    assert_sound(&f);
    let flips: usize = [&a.by_decision, &a.by_l1, &a.bottom_first]
        .iter()
        .map(|s| s.flips.len())
        .sum();
    assert_eq!(f.to_svg_string().matches("<circle").count(), flips);
    assert!(
        f.description
            .contains(&format!("the {} active pairs", a.active))
    );
}

#[test]
fn ticks_are_round_numbers() {
    assert_eq!(pair_ticks(0), vec![0]);
    assert_eq!(pair_ticks(7), vec![0, 1, 2, 5]);
    assert_eq!(pair_ticks(130), vec![0, 1, 2, 5, 10, 20, 50, 100]);
}

use super::*;
use crate::figures::digits::tests::{fixture, random_net, stroke_image, twice};
use crate::kv::image::analyse;
use crate::kv::pair::{key_times_image as kti_of, pair_view};

#[test]
fn pair_card_titles_with_activation_and_favour() {
    let (m, img) = fixture(8);
    let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
    let k = kti_of(&m, 8, &img).unwrap_or_else(|| panic!("kti"));
    for variant in [Variant::Screen, Variant::Print] {
        let f = twice(|| pair_card("pc", &v, &k, &img, variant));
        assert_eq!(f.title, "Pair 8 — fires at 1.00, favours 3");
        assert!(
            f.description.contains("activation 1.000")
                && f.description.contains("adds +2.00 to the logit of 3"),
            "{}",
            f.description
        );
    }
    let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
    let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
    let f = twice(|| pair_card("pc", &v, &k, &img, Variant::Screen));
    assert!(f.title.contains("silent"));
    assert!(f.description.contains("adds nothing"));
}

#[test]
fn the_card_slide_shows_what_the_pair_adds_and_to_which_difference() {
    use crate::figures::testing::assert_slide;
    let (m, img) = fixture(8);
    let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
    let k = kti_of(&m, 8, &img).unwrap_or_else(|| panic!("kti"));
    let f = assert_slide(|| pair_card_slide("pcs", &v, &k, (3, 0, false)));
    assert!(
        f.description
            .contains("On this image, the lead of 3 over 0 changes by"),
        "{}",
        f.description
    );
    assert!(f.to_svg_string().contains("× 1.00 (it fires)"));
    let f = assert_slide(|| pair_card_slide("pcs", &v, &k, (3, 8, true)));
    assert!(
        f.description
            .contains("the margin of 3 over the true digit 8 changes by"),
        "{}",
        f.description
    );
    let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
    let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
    let f = assert_slide(|| pair_card_slide("pcs", &v, &k, (3, 0, false)));
    assert!(
        f.description.contains("does not change"),
        "{}",
        f.description
    );
}

#[test]
fn top_pairs_lists_the_given_pairs_in_order() {
    let (m, img) = fixture(8);
    let a = analyse(&m, &img, Some(8));
    let order = a.by_decision.order.clone();
    let views: Vec<PairView> = order.iter().filter_map(|&p| pair_view(&m, p)).collect();
    let kti: Vec<KeyTimesImage> = order.iter().filter_map(|&p| kti_of(&m, p, &img)).collect();
    for variant in [Variant::Screen, Variant::Print] {
        let f = twice(|| top_pairs("tp", &a, &views, &kti, &img, variant));
        // The fixture misreads the 8 as a 3 (pair 8 votes 3).
        assert!(
            f.description.contains("an 8, read as 3"),
            "{}",
            f.description
        );
        assert!(
            f.description.contains("pair 8 (fires at 1.00, +2.00 to 3"),
            "{}",
            f.description
        );
        let s = f.to_svg_string();
        assert!(s.find("#1 · pair 8").unwrap_or(usize::MAX) < s.find("#2 · pair 11").unwrap_or(0));
    }
    // A random net on a stroke: many pairs, several rows.
    let m = random_net();
    let img = stroke_image();
    let a = analyse(&m, &img, None);
    let order: Vec<usize> = a.by_decision.order.iter().take(9).copied().collect();
    let views: Vec<PairView> = order.iter().filter_map(|&p| pair_view(&m, p)).collect();
    let kti: Vec<KeyTimesImage> = order.iter().filter_map(|&p| kti_of(&m, p, &img)).collect();
    let f = twice(|| top_pairs("tp", &a, &views, &kti, &img, Variant::Screen));
    assert!(
        f.description
            .contains(&format!("of {} active pairs", a.active))
    );
}

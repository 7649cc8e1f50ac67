//! A hand-made net and data set with known answers, shared by the
//! population-level unit tests.

use crate::data::{DataHashes, Dataset, PIXELS, Split};
use crate::kv::image::DIGITS;
use crate::nn::Mlp;
use ndarray::{Array1, Array2};

/// Images of digit d ink pixel d (255) plus one of pixels 20–22.
pub(crate) fn split(per_digit: usize) -> Split {
    let mut images = Vec::new();
    let mut labels = Vec::new();
    for k in 0..per_digit {
        for d in 0..DIGITS {
            let mut img = vec![0u8; PIXELS];
            img[d] = 255;
            img[20 + k % 3] = 255;
            images.extend(img);
            labels.push(d as u8);
        }
    }
    Split { images, labels }
}

/// 12 pairs: pair d (0..10) fires on pixel d and votes 2 for digit d,
/// except pair 8, which fires on 8s but votes for 3 (so 8s are misread as
/// 3s); pair 10 is dead; pair 11 fires on every image (pixels 20–22) and
/// votes 0.5 for every digit.
pub(crate) fn net() -> Mlp {
    let h = 12;
    let mut w1 = Array2::zeros((h, PIXELS));
    let mut w2 = Array2::zeros((DIGITS, h));
    for d in 0..DIGITS {
        w1[[d, d]] = 1.0;
        w2[[if d == 8 { 3 } else { d }, d]] = 2.0;
    }
    w1[[10, 0]] = -1.0;
    for p in 20..23 {
        w1[[11, p]] = 1.0;
    }
    for d in 0..DIGITS {
        w2[[d, 11]] = 0.5;
    }
    Mlp {
        w1,
        b1: Array1::zeros(h),
        w2,
        b2: Array1::zeros(DIGITS),
    }
}

/// A data set with `split(per_digit)` as both training and test set.
pub(crate) fn dataset(per_digit: usize) -> Dataset {
    let s = split(per_digit);
    let h = || String::new();
    Dataset {
        train: s.clone(),
        test: s,
        hashes: DataHashes {
            train_images: h(),
            train_labels: h(),
            test_images: h(),
            test_labels: h(),
        },
        dir: std::path::PathBuf::new(),
    }
}

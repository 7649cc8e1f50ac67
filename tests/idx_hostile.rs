//! Hostile-input tests of the IDX reader and `load_dir`: thousands of generated and
//! mutated inputs (random bytes, bit flips, truncations, random header values, mutated
//! gzip, mutated files on disk) must never panic, never allocate from a lying header, and
//! every rejection must be an `Err` with a non-empty message (naming the file for
//! `load_dir`). Where the right answer is known (a truncated or inconsistent file), the
//! test checks that it is rejected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;

use kvlens::data::idx::{
    self, IMAGES_MAGIC, IdxError, LABELS_MAGIC, MAX_DECOMPRESSED, parse_images, parse_labels,
};
use kvlens::data::{FileKind, HashTable, PIXELS, load_dir, sha256_hex};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Do not write regression files into the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn image_file(n: usize, seed: u8) -> Vec<u8> {
    let px: Vec<u8> = (0..n * PIXELS)
        .map(|i| (i as u8).wrapping_mul(seed | 1))
        .collect();
    idx::encode_images(&px)
}

fn label_file(n: usize, seed: u8) -> Vec<u8> {
    let labels: Vec<u8> = (0..n).map(|i| ((i + seed as usize) % 10) as u8).collect();
    idx::encode_labels(&labels)
}

fn header(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// Runs both parsers; checks that every Err has a message and every Ok is consistent.
fn parse_both(bytes: &[u8]) -> (bool, bool) {
    let images = match parse_images(bytes) {
        Ok((n, px)) => {
            assert_eq!(px.len(), n * PIXELS);
            assert_eq!(bytes.len(), 16 + n * PIXELS);
            true
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            false
        }
    };
    let labels = match parse_labels(bytes) {
        Ok(l) => {
            assert_eq!(bytes.len(), 8 + l.len());
            assert!(l.iter().all(|&v| v <= 9));
            true
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            false
        }
    };
    (images, labels)
}

fn flip(bytes: &mut [u8], flips: &[(usize, u8)]) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    for &(at, bit) in flips {
        bytes[at % len] ^= 1 << (bit % 8);
    }
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (images, labels) = parse_both(&bytes);
        // Random data is essentially never a valid file unless it starts with a magic.
        if images { prop_assert_eq!(&bytes[..4], &IMAGES_MAGIC.to_be_bytes()[..]); }
        if labels { prop_assert_eq!(&bytes[..4], &LABELS_MAGIC.to_be_bytes()[..]); }
        match idx::gunzip(&bytes, MAX_DECOMPRESSED) {
            Ok(out) => { parse_both(&out); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        if let Ok(out) = idx::decode(&bytes, MAX_DECOMPRESSED) { parse_both(&out); }
    }

    #[test]
    fn random_headers_are_judged_exactly(
        magic in prop_oneof![Just(IMAGES_MAGIC), Just(LABELS_MAGIC), any::<u32>()],
        count in prop_oneof![0u32..6, Just(u32::MAX), Just(u32::MAX / 784 + 1), any::<u32>()],
        rows in prop_oneof![Just(28u32), any::<u32>()],
        cols in prop_oneof![Just(28u32), any::<u32>()],
        body_len in prop_oneof![0usize..5, Just(784usize), 0usize..5000],
    ) {
        let mut img = header(&[magic, count, rows, cols]);
        img.resize(16 + body_len, 7);
        let expect_ok = magic == IMAGES_MAGIC && rows == 28 && cols == 28
            && u64::from(count) * 784 == body_len as u64;
        match parse_images(&img) {
            Ok((n, px)) => {
                prop_assert!(expect_ok);
                prop_assert_eq!(n as u64, u64::from(count));
                prop_assert_eq!(px.len(), body_len);
            }
            Err(e) => {
                prop_assert!(!expect_ok, "valid file rejected: {}", e);
                let wanted = if magic != IMAGES_MAGIC {
                    matches!(e, IdxError::BadMagic { .. })
                } else if rows != 28 || cols != 28 {
                    matches!(e, IdxError::BadDimensions { .. })
                } else if u64::from(count) * 784 > body_len as u64 {
                    matches!(e, IdxError::Truncated { .. })
                } else {
                    matches!(e, IdxError::TrailingBytes { .. })
                };
                prop_assert!(wanted, "wrong error {:?}", e);
            }
        }

        let mut lbl = header(&[magic, count]);
        lbl.resize(8 + body_len, 3);
        let expect_ok = magic == LABELS_MAGIC && u64::from(count) == body_len as u64;
        match parse_labels(&lbl) {
            Ok(l) => {
                prop_assert!(expect_ok);
                prop_assert_eq!(l.len(), body_len);
            }
            Err(e) => {
                prop_assert!(!expect_ok, "valid file rejected: {}", e);
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn bit_flips_never_panic(
        n in 0usize..4,
        seed in any::<u8>(),
        labels in any::<bool>(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = if labels { label_file(n * 7, seed) } else { image_file(n, seed) };
        flip(&mut bytes, &flips);
        parse_both(&bytes);
    }

    #[test]
    fn truncations_are_rejected(
        n in 1usize..4,
        seed in any::<u8>(),
        labels in any::<bool>(),
        cut in any::<usize>(),
    ) {
        let bytes = if labels { label_file(n * 7, seed) } else { image_file(n, seed) };
        let cut = cut % bytes.len(); // strictly shorter
        let (images_ok, labels_ok) = parse_both(&bytes[..cut]);
        prop_assert!(!images_ok && !labels_ok, "truncated file accepted at {}", cut);
    }

    #[test]
    fn mutated_gzip_never_panics(
        n in 0usize..3,
        seed in any::<u8>(),
        labels in any::<bool>(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in prop::option::of(any::<usize>()),
        junk in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let plain = if labels { label_file(n * 7, seed) } else { image_file(n, seed) };
        let mut z = gz(&plain);
        flip(&mut z, &flips);
        if let Some(c) = cut { z.truncate(c % (z.len() + 1)); }
        z.extend_from_slice(&junk);
        match idx::gunzip(&z, MAX_DECOMPRESSED) {
            Ok(out) => {
                parse_both(&out);
                if flips.is_empty() && cut.is_none() && junk.is_empty() {
                    prop_assert_eq!(out, plain);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// One valid set of four raw files (3 train, 2 test).
fn valid_files() -> Vec<(FileKind, Vec<u8>)> {
    vec![
        (FileKind::TrainImages, image_file(3, 1)),
        (FileKind::TrainLabels, label_file(3, 1)),
        (FileKind::TestImages, image_file(2, 2)),
        (FileKind::TestLabels, label_file(2, 2)),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flips(Vec<(usize, u8)>),
    Cut(usize),
    Replace(Vec<u8>),
    Header(u32, u32),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..6).prop_map(Mutation::Flips),
        any::<usize>().prop_map(Mutation::Cut),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Mutation::Replace),
        (any::<u32>(), prop_oneof![Just(u32::MAX), any::<u32>()])
            .prop_map(|(a, b)| Mutation::Header(a, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::Flips(f) => flip(bytes, f),
        Mutation::Cut(c) => bytes.truncate(c % (bytes.len() + 1)),
        Mutation::Replace(r) => *bytes = r.clone(),
        Mutation::Header(magic, count) => {
            if bytes.len() >= 8 {
                bytes[..4].copy_from_slice(&magic.to_be_bytes());
                bytes[4..8].copy_from_slice(&count.to_be_bytes());
            }
        }
    }
}

/// Writes the files into `dir` and returns the hash table of their decompressed content
/// (so `load_dir` gets past the checksum and into the parser whenever it can decompress).
fn write_set(dir: &Path, files: &[(FileKind, Vec<u8>, bool)]) -> HashTable {
    let mut h = Vec::new();
    for (kind, raw, gzipped) in files {
        let (name, bytes) = if *gzipped {
            (format!("{}.gz", kind.stem()), gz(raw))
        } else {
            (kind.stem().to_string(), raw.clone())
        };
        std::fs::write(dir.join(name), bytes).unwrap();
        h.push(sha256_hex(raw));
    }
    HashTable::new(&h[0], &h[1], &h[2], &h[3])
}

fn check_load(dir: &Path, hashes: &HashTable) -> bool {
    match load_dir(dir, hashes) {
        Ok(ds) => {
            for s in [&ds.train, &ds.test] {
                assert_eq!(s.images.len(), s.len() * PIXELS);
                assert!(s.labels.iter().all(|&v| v <= 9));
            }
            true
        }
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(!msg.is_empty());
            assert!(
                msg.contains(&dir.display().to_string()),
                "error does not name the file: {msg}"
            );
            false
        }
    }
}

proptest! {
    #![proptest_config(config(600))]

    /// A mutated decompressed file, stored gz or raw, with a matching hash table: the
    /// parser is reached and must reject or accept without panicking.
    #[test]
    fn load_dir_with_mutated_content_never_panics(
        which in 0usize..4,
        m in mutation(),
        gzipped in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut files: Vec<_> = valid_files().into_iter().map(|(k, b)| (k, b, gzipped)).collect();
        let original = files[which].1.clone();
        apply(&mut files[which].1, &m);
        let hashes = write_set(dir.path(), &files);
        let ok = check_load(dir.path(), &hashes);
        if files[which].1 == original {
            prop_assert!(ok, "unchanged set rejected");
        }
    }

    /// Mutated bytes of a stored file (gzip container or raw) against the original hashes.
    #[test]
    fn load_dir_with_mutated_file_never_panics(
        which in 0usize..4,
        m in mutation(),
        gzipped in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = valid_files().into_iter().map(|(k, b)| (k, b, gzipped)).collect();
        let hashes = write_set(dir.path(), &files);
        let kind = files[which].0;
        let path = if gzipped {
            dir.path().join(format!("{}.gz", kind.stem()))
        } else {
            dir.path().join(kind.stem())
        };
        let mut bytes = std::fs::read(&path).unwrap();
        let before = bytes.clone();
        apply(&mut bytes, &m);
        std::fs::write(&path, &bytes).unwrap();
        let ok = check_load(dir.path(), &hashes);
        let decoded_same = idx::decode(&bytes, MAX_DECOMPRESSED)
            .map(|d| d.as_ref() == idx::decode(&before, MAX_DECOMPRESSED).unwrap().as_ref())
            .unwrap_or(false);
        // Accepted only if the content still decompresses to the verified original.
        prop_assert_eq!(ok, decoded_same);
    }
}

#[test]
fn lying_headers_through_load_dir_do_not_allocate() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = valid_files()
        .into_iter()
        .map(|(k, b)| (k, b, true))
        .collect();
    files[0].1 = header(&[IMAGES_MAGIC, u32::MAX, 28, 28]);
    files[1].1 = header(&[LABELS_MAGIC, u32::MAX]);
    let hashes = write_set(dir.path(), &files);
    let err = load_dir(dir.path(), &hashes).unwrap_err();
    assert_eq!(
        err.downcast_ref::<IdxError>(),
        Some(&IdxError::Truncated {
            expected: 16 + u64::from(u32::MAX) * 784,
            got: 16
        })
    );
}

#[test]
fn gzip_bomb_is_refused() {
    // 257 MiB of zeros compresses to about 256 KiB; load_dir must stop at its limit.
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = valid_files()
        .into_iter()
        .map(|(k, b)| (k, b, true))
        .collect();
    let hashes = write_set(dir.path(), &files);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..257 {
        e.write_all(&chunk).unwrap();
    }
    let bomb = e.finish().unwrap();
    std::fs::write(dir.path().join("train-images-idx3-ubyte.gz"), bomb).unwrap();
    let err = load_dir(dir.path(), &hashes).unwrap_err();
    assert_eq!(
        err.downcast_ref::<IdxError>(),
        Some(&IdxError::TooLarge {
            limit: MAX_DECOMPRESSED
        })
    );
    assert!(format!("{err:#}").contains("train-images-idx3-ubyte.gz"));
}

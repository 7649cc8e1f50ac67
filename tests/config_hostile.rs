//! Hostile input for the workshop.toml loader: thousands of mutated configs.
//! None may panic; every rejection is a Diagnostic naming the file, with a
//! position inside the text when it has one.

use kvlens::config::Config;
use proptest::prelude::*;
use std::path::Path;

const BASE: &str = include_str!("../workshop.toml");

/// Fragments a confused author might type.
const PIECES: &[&str] = &[
    "[model]",
    "[site]",
    "[data]",
    "[modle]",
    "[[model]]",
    "hidden = ",
    "hiden = ",
    "epochs = ",
    "seed = ",
    "learning_rate = ",
    "loss = ",
    "optimizer = ",
    "paper = ",
    "title = ",
    "base_url = ",
    "mnist_dir = ",
    "checksums = ",
    "weight_decay = ",
    "train_images = ",
    "\"adam\"",
    "\"mse\"",
    "\"a5\"",
    "-1",
    "0",
    "1e400",
    "nan",
    "inf",
    "-0.0",
    "18446744073709551616",
    "99999999999999999999",
    "true",
    "[1, 2]",
    "{ a = 1 }",
    "\"\"",
    "\"ç日本\"",
    "'''",
    "\"\"\"",
    "\n",
    " ",
    "=",
    "#",
    ".",
    "\\u0000",
    "\t",
    "\r\n",
];

fn check(src: &str) {
    let file = Path::new("workshop.toml");
    if let Err(diags) = Config::parse(src, file) {
        assert!(!diags.is_empty());
        let lines = src.split('\n').count();
        for d in &diags.0 {
            assert_eq!(d.file, file);
            assert!(!d.message.trim().is_empty(), "empty message for {src:?}");
            if let Some(line) = d.line {
                assert!(
                    line >= 1 && line <= lines.max(1),
                    "line {line} outside 1..={lines} for {src:?}"
                );
                assert!(d.col.is_some_and(|c| c >= 1));
            }
            // Display must work for every diagnostic.
            assert!(d.to_string().starts_with("workshop.toml"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_workshop_toml_never_panics(cuts in proptest::collection::vec((0usize..4000, 0usize..40, any::<u8>()), 1..6)) {
        let mut bytes = BASE.as_bytes().to_vec();
        for (at, len, byte) in cuts {
            let at = at % (bytes.len() + 1);
            let end = (at + len % 8).min(bytes.len());
            match len % 3 {
                0 => { bytes.drain(at..end); }
                1 => bytes.insert(at, byte),
                _ => if at < bytes.len() { bytes[at] ^= byte | 1 },
            }
        }
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn configs_built_from_fragments_never_panic(parts in proptest::collection::vec(0usize..PIECES.len(), 0..30)) {
        let src: String = parts.iter().map(|&i| PIECES[i]).collect();
        check(&src);
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        check(&src);
    }
}

#[test]
fn the_shipped_workshop_toml_is_valid() {
    Config::parse(BASE, Path::new("workshop.toml")).unwrap();
}

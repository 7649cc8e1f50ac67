//! The hands-on part through the real binary: `kvlens export` in both
//! formats and the site's downloads (the notebook is in `notebook.rs`); the
//! draw-a-digit explorer in Chromium is in `handson/explorer.rs`.

mod explorer;

pub use explorer::{check_vectors, open_explorer};

use crate::common::{MODEL, Workshop, stderr, stdout};
use serde_json::{Value, json};
use std::path::Path;

/// Adds the repo's explorer introduction (kind = "explorer") to `w`.
fn with_explorer(w: &Workshop) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(w.path().join("content")).unwrap();
    let intro = std::fs::read_to_string(repo.join("content/explorer.md")).unwrap();
    // The fixture has no hands-on page to link back to.
    let intro = intro.replace("(@/hands-on.md)", "(index.html)");
    w.write("content/explorer.md", &intro);
}

/// A fixture workshop with the explorer, built.
fn built_with_explorer() -> Workshop {
    let w = Workshop::new(MODEL);
    with_explorer(&w);
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    w
}

pub fn report(public: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(public.join("build-report.json")).unwrap())
        .unwrap()
}

/// Bytes of `page` with every script, stylesheet and icon it loads (its
/// `<script src>` and `<link rel="stylesheet|icon" href>`), as
/// bench/site_weight.py counts them, and the files counted.
pub fn page_weight(public: &Path, page: &str) -> (u64, Vec<String>) {
    let path = public.join(page);
    let html = std::fs::read_to_string(&path).unwrap();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..].split('"').next()?.to_string())
    };
    let mut files = vec![page.to_string()];
    let mut bytes = std::fs::metadata(&path).unwrap().len();
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
    {
        let href = if tag.starts_with("script ") {
            attr(tag, "src")
        } else if tag.starts_with("link ") {
            attr(tag, "rel")
                .filter(|r| r.split(' ').any(|r| r == "stylesheet" || r == "icon"))
                .and_then(|_| attr(tag, "href"))
        } else {
            None
        };
        let Some(href) = href else { continue };
        let file = path.parent().unwrap().join(&href);
        bytes += std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("{page} loads {href}: {e}"))
            .len();
        files.push(href);
    }
    (bytes, files)
}

/// The tensors of an .npz: name → (shape, f32 values), read with the zip
/// crate and a strict .npy header check.
pub fn read_npz(bytes: &[u8]) -> std::collections::BTreeMap<String, (Vec<usize>, Vec<f32>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().strip_suffix(".npy").unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        assert_eq!(&data[..8], b"\x93NUMPY\x01\x00", "{name}");
        let hl = u16::from_le_bytes([data[8], data[9]]) as usize;
        let header = std::str::from_utf8(&data[10..10 + hl]).unwrap();
        assert!(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"));
        let dims = header
            .split("'shape': (")
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap();
        let shape: Vec<usize> = dims
            .split(',')
            .filter(|d| !d.trim().is_empty())
            .map(|d| d.trim().parse().unwrap())
            .collect();
        let values: Vec<f32> = data[10 + hl..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(values.len(), shape.iter().product::<usize>(), "{name}");
        out.insert(name, (shape, values));
    }
    out
}

#[test]
fn export_writes_the_model_as_npz_or_safetensors_with_its_json() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["-q", "export"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = w.path().join("export");
    assert!(stdout(&o).contains("kvlens-model.npz"), "{}", stdout(&o));
    let npz = std::fs::read(out.join("kvlens-model.npz")).unwrap();
    let arrays = read_npz(&npz);
    let names: Vec<&str> = arrays.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "b1", "b2", "init_b1", "init_b2", "init_w1", "init_w2", "w1", "w2"
        ]
    );
    assert_eq!(arrays["w1"].0, [16, 784]);
    assert_eq!(arrays["w2"].0, [10, 16]);
    assert_eq!(arrays["b1"].0, [16]);
    assert_ne!(
        arrays["w1"].1, arrays["init_w1"].1,
        "training moved the keys"
    );
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("kvlens-model.json")).unwrap())
            .unwrap();
    assert_eq!(meta["format"], "kvlens-model");
    assert_eq!(meta["config"]["hidden"], 16);
    assert_eq!(meta["tensors"]["w1"]["shape"], json!([16, 784]));
    assert!(meta["test_accuracy"].as_f64().unwrap() > 0.5);
    assert_eq!(
        meta["data_sha256"]["test_images"].as_str().unwrap().len(),
        64
    );

    // The same model as the build: its report names the same weights.
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = report(&w.public());
    assert_eq!(meta["weights_sha256"], r["model"]["weights_sha256"]);
    assert_eq!(meta["test_accuracy"], r["accuracy"]["test"]);
    // …and the site's download is the same file.
    assert_eq!(
        std::fs::read(w.public().join("downloads/kvlens-model.npz")).unwrap(),
        npz
    );

    // safetensors into another folder: the same numbers, the JSON in its header.
    let other = tempfile::tempdir().unwrap();
    let o = w
        .cmd()
        .args(["-q", "export", "--format", "safetensors", "--out"])
        .arg(other.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let st_bytes = std::fs::read(other.path().join("kvlens-model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&st_bytes).unwrap();
    for (name, (shape, values)) in &arrays {
        let t = st.tensor(name).unwrap();
        assert_eq!(t.shape(), shape.as_slice(), "{name}");
        let v: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(&v, values, "{name}");
    }
    let (_, header) = safetensors::SafeTensors::read_metadata(&st_bytes).unwrap();
    let inner: Value = serde_json::from_str(&header.metadata().clone().unwrap()["kvlens"]).unwrap();
    assert_eq!(inner["weights_sha256"], meta["weights_sha256"]);
    assert_eq!(
        std::fs::read(other.path().join("kvlens-model.json")).unwrap(),
        std::fs::read(out.join("kvlens-model.json")).unwrap()
    );
    // Again: byte-identical.
    let o = w.run(&["-q", "export"]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(out.join("kvlens-model.npz")).unwrap(), npz);

    // The site offers safetensors only when `[hands_on] model_downloads` asks.
    let site_st = w.public().join("downloads/kvlens-model.safetensors");
    assert!(!site_st.exists(), "not by default");
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write(
        "workshop.toml",
        &format!("{toml}\n[hands_on]\nmodel_downloads = [\"npz\", \"safetensors\"]\n"),
    );
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&site_st).unwrap(), st_bytes);
    let r = report(&w.public());
    let names: Vec<&str> = r["hands_on"]["downloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"downloads/kvlens-model.safetensors"),
        "{names:?}"
    );
    // Without the npz the notebook has nothing to load: a clear error, the site kept.
    w.write(
        "workshop.toml",
        &format!("{toml}\n[hands_on]\nmodel_downloads = [\"safetensors\"]\n"),
    );
    let o = w.run(&["-q", "build"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("workshop.toml:")
            && err.contains(
                "`hands_on.model_downloads`: must include \"npz\", got [\"safetensors\"]"
            ),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&site_st).unwrap(),
        st_bytes,
        "the old site stays"
    );
}

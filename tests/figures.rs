//! `kvlens figures` and the figure gallery of `kvlens build`, through the
//! real binary on a fixture workshop (with the repo's toy nets).

use crate::common::{MODEL, Workshop, copy_dir, stderr, stdout, tree};
use std::path::Path;

fn workshop_with_nets() -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w
}

fn index(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("figures.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn writes_every_figure_as_svg_and_png_reproducibly() {
    let w = workshop_with_nets();
    let out = w.path().join("slides-figures");
    let o = w.run(&[
        "figures",
        "--out",
        out.to_str().unwrap(),
        "--png",
        "--print",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let entries = index(&out);
    assert!(
        stdout(&o).contains(&format!("wrote {} figures", entries.len())),
        "{}",
        stdout(&o)
    );
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    // One of each family, with canonical names.
    for expected in [
        "net-slides",
        "net-slides-x2",
        "net-slides-x2-pair-1",
        "net-slides-x2-bracket-2",
        "net-slides-layers",
        "net-slides-pairs",
        "net-slides-matrix",
        "net-slides-matrix-print",
        "net-single-neuron-second-single-neuron",
        "net-exercise-a-layer-by-layer",
        "net-exercise-b-pair-by-pair",
        "net-exercise-a-plane",
        "training-curve",
        "votes-vs-fires",
        "selective-per-digit",
        "knockout-7",
        "confusion",
        "key-drift",
    ] {
        assert!(ids.contains(&expected), "missing {expected} in {ids:?}");
    }
    // Figures of example images are named by the resolved image.
    for suffix in [
        "-image",
        "-waterfall",
        "-flips",
        "-top-pairs",
        "-templates",
        "-top-pairs-print",
    ] {
        assert!(
            ids.iter()
                .any(|id| id.starts_with("test-") && id.ends_with(suffix)),
            "no test-*{suffix} in {ids:?}"
        );
    }
    assert!(ids.iter().any(|id| id.starts_with("profiles-test-")));
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ids, "ids are sorted and unique");
    for e in &entries {
        let id = e["id"].as_str().unwrap();
        let desc = e["description"].as_str().unwrap();
        assert!(desc.len() > 20, "{id}: short description {desc:?}");
        let svg = std::fs::read_to_string(out.join(format!("{id}.svg"))).unwrap();
        assert!(svg.contains("<desc>"), "{id}");
        kvlens::raster::parse(&svg).unwrap_or_else(|e| panic!("{id}: {e:#}"));
        let png = std::fs::read(out.join(format!("{id}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{id}");
    }
    // Same inputs, same bytes, PNGs included.
    let first = tree(&out);
    let o = w.run(&[
        "figures",
        "--out",
        out.to_str().unwrap(),
        "--png",
        "--print",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    crate::common::assert_same_tree(&first, &tree(&out), "second `kvlens figures`");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let w = workshop_with_nets();
    let out = w.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "precious").unwrap();
    let o = w.run(&["figures", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("was not written by `kvlens figures`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn a_broken_net_names_its_file_and_writes_nothing() {
    let w = workshop_with_nets();
    w.write("content/nets/slides.toml", "w1 = [[1, 2]\n");
    let o = w.run(&["figures"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("slides.toml"), "{}", stderr(&o));
    assert!(!w.path().join("figures").exists());
}

/// The loop of `figures.html` before the gallery had pages: one page,
/// every group with all its figures.
const ONE_PAGE_GALLERY: &str = r#"{% extends "base.html" %}
{% block content %}<p>{{ count }} figures</p>{% for group in groups %}<section id="{{ group.anchor }}"><h2>{{ group.title }}</h2>
{% for f in group.figures %}<figure id="{{ f.id }}"><img src="{{ f.id }}.svg" alt="{{ f.description }}"><a href="{{ f.data }}">data ({{ f.data_format }})</a></figure>
{% endfor %}</section>{% endfor %}{% endblock content %}"#;

#[test]
fn a_gallery_template_from_before_the_pages_still_builds() {
    let w = workshop_with_nets();
    w.write("templates/figures.html", ONE_PAGE_GALLERY);
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = w.public();
    let overview = std::fs::read_to_string(public.join("figures/index.html")).unwrap();
    let shown = |html: &str| html.matches("<figure id=").count();
    // The overview shows every figure, as the one page did; each page its own.
    let pages = crate::common::gallery_pages(&public);
    assert!(pages.len() > 1, "{pages:?}");
    let on_pages: usize = pages[1..]
        .iter()
        .map(|p| shown(&std::fs::read_to_string(public.join(p)).unwrap()))
        .sum();
    assert!(shown(&overview) > 0);
    assert_eq!(shown(&overview), on_pages);
}

#[test]
fn the_build_publishes_the_gallery() {
    let w = workshop_with_nets();
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = w.public();
    let html = crate::common::gallery_html(&public);
    let overview = std::fs::read_to_string(public.join("figures/index.html")).unwrap();
    let entries = index(&public.join("figures"));
    assert!(!entries.is_empty());
    for e in &entries {
        let id = e["id"].as_str().unwrap();
        assert!(public.join(format!("figures/{id}.svg")).is_file(), "{id}");
        if id.ends_with("-slide") || id.ends_with("-print") {
            continue;
        }
        assert!(
            html.contains(&format!("src=\"{id}.svg\"")),
            "{id} not in the gallery"
        );
        // The overview lists it with a link to the page that shows it.
        assert!(
            overview.contains(&format!("<li id=\"{id}\"><a href=\"")),
            "{id} not in the overview"
        );
    }
    // Alt texts are the figures' descriptions (HTML-escaped by Tera).
    assert!(html.contains("alt=\""));
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(
        home.contains("figures/index.html"),
        "the home page links the gallery"
    );
}

//! PNG export: the only module that touches resvg. Text is shaped with the
//! bundled DejaVu Sans (theme/fonts/, compiled into the binary); no system
//! font is ever consulted, so a PNG is byte-identical on every machine.

use anyhow::{Context, Result};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The bundled font's family name: the only font PNGs are rendered with
/// (`figures::style` names it first in the SVGs' font list).
pub const FONT_NAME: &str = "DejaVu Sans";

const REGULAR: &[u8] = include_bytes!("../theme/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../theme/fonts/DejaVuSans-Bold.ttf");

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        let family = FONT_NAME;
        db.set_sans_serif_family(family);
        db.set_serif_family(family);
        db.set_monospace_family(family);
        db.set_cursive_family(family);
        db.set_fantasy_family(family);
        Arc::new(db)
    })
    .clone()
}

/// Parses SVG markup with the bundled font.
pub fn parse(svg: &str) -> Result<usvg::Tree> {
    let opt = usvg::Options {
        font_family: FONT_NAME.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).context("parsing SVG")
}

/// Rasterises the SVG text of figure `id` at `scale` (1.0 = its SVG size
/// in pixels) to PNG bytes.
pub fn png(id: &str, svg: &str, scale: f32) -> Result<Vec<u8>> {
    let tree = parse(svg).with_context(|| format!("figure {}", id))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .with_context(|| format!("figure {}: cannot scale {:?} by {scale}", id, tree.size()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .with_context(|| format!("figure {}: empty size {size:?}", id))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .with_context(|| format!("figure {}: encoding PNG", id))
}

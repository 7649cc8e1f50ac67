//! PNG export: the only module that touches resvg. Text is shaped with the
//! bundled DejaVu Sans (theme/fonts/, compiled into the binary); no system
//! font is ever consulted, so a PNG is byte-identical on every machine.

use crate::figures::Figure;
use anyhow::{Context, Result};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

const REGULAR: &[u8] = include_bytes!("../theme/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../theme/fonts/DejaVuSans-Bold.ttf");

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        let family = crate::figures::style::FONT_NAME;
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
        font_family: crate::figures::style::FONT_NAME.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).context("parsing SVG")
}

/// Rasterises a figure at `scale` (1.0 = its SVG size in pixels) to PNG bytes.
pub fn png(figure: &Figure, scale: f32) -> Result<Vec<u8>> {
    let tree = parse(&figure.to_svg_string()).with_context(|| format!("figure {}", figure.id))?;
    let size = tree.size().to_int_size().scale_by(scale).with_context(|| {
        format!(
            "figure {}: cannot scale {:?} by {scale}",
            figure.id,
            tree.size()
        )
    })?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .with_context(|| format!("figure {}: empty size {size:?}", figure.id))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .with_context(|| format!("figure {}: encoding PNG", figure.id))
}

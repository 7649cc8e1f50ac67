//! Figures: pure functions from typed data to `svg::Document`.
//! Every figure carries a `<title>` and a `<desc>` generated from its data.

pub mod style;
pub mod training_curve;

/// A rendered figure, ready to inline or write.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Stable id, also the prefix of any ids inside the SVG.
    pub id: String,
    pub svg: svg::Document,
    /// Text alternative, the same as the SVG's `<desc>`.
    pub description: String,
}

impl Figure {
    pub fn to_svg_string(&self) -> String {
        self.svg.to_string()
    }
}

//! Shared look of all figures: palette, font, strokes.

pub const FONT_FAMILY: &str = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";
pub const FONT_SIZE: f64 = 13.0;
pub const INK: &str = "#222222";
pub const GRID: &str = "#d9d9d9";
/// Two series colours that stay apart for colour-blind readers and in grayscale.
pub const SERIES_A: &str = "#0072b2";
pub const SERIES_B: &str = "#d55e00";
pub const STROKE: f64 = 2.0;

//! A QR code as inline SVG (the `qrcode` crate), black on white: the deck's
//! course-site slide and the code on every printed sheet page draw it.

/// The QR code of `text`, at least `min_px` wide, with or without the
/// quiet zone, as an `<svg>` element (no XML declaration).
pub(crate) fn qr_svg(text: &str, min_px: u32, quiet_zone: bool) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| format!("cannot draw a QR code of {text}: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(min_px, min_px)
        .quiet_zone(quiet_zone)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

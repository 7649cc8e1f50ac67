//! The code printed on every page of a sheet variant, its key and its
//! marking key (`CE2-7K4Q`: the sheet's letters, the variant, and four
//! check characters from the variant's numbers), and its QR code, so a
//! loose page finds its owner's sheet and the right key.

use crate::content::Doc;
use crate::diag::Diagnostic;

/// Characters of the check: Crockford's base 32 (no I, L, O or U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The sheet's letters: front matter `code`, else the initials of the
/// title's words of three letters or more (at most four).
pub(crate) fn letters(doc: &Doc) -> Result<String, Diagnostic> {
    if let Some(code) = &doc.front.code {
        let ok = (1..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            let at = doc.text.find("code").unwrap_or(0);
            return Err(Diagnostic::new(
                &doc.source,
                format!("a sheet's `code` is one to four capital letters A–Z, not `{code}`"),
            )
            .at_offset(&doc.text, at)
            .with_hint("it is printed on every page with the variant, e.g. `CE` gives CE2-7K4Q"));
        }
        return Ok(code.clone());
    }
    let initials: String = doc
        .front
        .title
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .take(4)
        .collect();
    Ok(if initials.is_empty() {
        "S".to_string()
    } else {
        initials
    })
}

/// The code of variant `v`: `letters`, `v`, a dash and four characters of
/// the SHA-256 of the sheet, the seed and the variant's given numbers, so
/// a key of another build or seed never carries the same code.
pub(crate) fn code(letters: &str, rel: &str, seed: u64, v: u32, fingerprints: &[&str]) -> String {
    let seed = seed.to_string();
    let v_text = v.to_string();
    let mut parts = vec![rel, seed.as_str(), v_text.as_str()];
    parts.extend_from_slice(fingerprints);
    let h = crate::sheets::seed_of(&parts);
    let check: String = h
        .iter()
        .take(4)
        .map(|b| ALPHABET[(b % 32) as usize] as char)
        .collect();
    format!("{letters}{v}-{check}")
}

/// The QR code of `code` as an SVG data URL (for a CSS `url()` in the
/// page's margin box), black on white, without a quiet zone (the margin
/// around it is white).
pub(crate) fn qr_data_url(code: &str) -> Result<String, String> {
    let svg = crate::figures::qr::qr_svg(code, 50, false)?;
    use base64::Engine;
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_differ_by_variant_numbers_and_seed() {
        let a = code("CE", "sheets/c.md", 1, 2, &["x"]);
        assert!(a.starts_with("CE2-") && a.len() == 8, "{a}");
        assert_eq!(a, code("CE", "sheets/c.md", 1, 2, &["x"]));
        assert_ne!(a, code("CE", "sheets/c.md", 2, 2, &["x"]));
        assert_ne!(a, code("CE", "sheets/c.md", 1, 2, &["y"]));
        assert!(a[4..].bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn the_qr_code_is_an_svg_data_url() {
        let url = qr_data_url("CE2-7K4Q").unwrap();
        assert!(url.starts_with("data:image/svg+xml;base64,"));
    }
}

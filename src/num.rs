//! The one place numbers become text: fixed precision, round half away from
//! zero, never `-0`. Everything that prints a number into HTML, SVG or JSON
//! for people goes through here, so output is identical on every machine.

/// `x` with exactly `digits` decimals; `-0.00` is printed as `0.00`.
/// Non-finite values print as `NaN`, `inf`, `-inf`.
pub fn fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    // Round half away from zero on the decimal value written with three guard
    // digits, so 0.125 at 2 digits gives 0.13 and 2.675 gives 2.68 (not the
    // binary neighbours' 0.12 and 2.67).
    let guarded = format!("{:.*}", digits + 3, x.abs());
    let (int_part, frac_part) = guarded.split_once('.').unwrap_or((&guarded, ""));
    let mut kept: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes().take(digits))
        .collect();
    let round_up = frac_part.as_bytes().get(digits).is_some_and(|d| *d >= b'5');
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let is_zero = kept.iter().all(|d| *d == b'0');
    let int_len = kept.len() - digits;
    let digits_str = String::from_utf8_lossy(&kept);
    let mut out = String::with_capacity(kept.len() + 2);
    if x < 0.0 && !is_zero {
        out.push('-');
    }
    out.push_str(&digits_str[..int_len]);
    if digits > 0 {
        out.push('.');
        out.push_str(&digits_str[int_len..]);
    }
    out
}

/// A fraction in [0, 1] as a percentage with `digits` decimals: 0.9791 → "97.91".
pub fn percent(fraction: f64, digits: usize) -> String {
    fixed(fraction * 100.0, digits)
}

/// An integer with thin grouping for readability: 60000 → "60 000".
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// The exact value of a decimal, normalised: no trailing zeros (1.50 → "1.5",
/// 2.00 → "2"), never `-0`, an ASCII `-` for negatives (renderers choose the
/// typography). Never uses an exponent.
pub fn exact(d: &rust_decimal::Decimal) -> String {
    // `normalize` strips trailing zeros and turns -0 into 0.
    d.normalize().to_string()
}

/// A decimal rounded half away from zero to exactly `digits` decimals
/// (2.675 → "2.68", 1.5 at 3 → "1.500"); `-0.00` is printed as `0.00`.
/// Digits beyond the 28 a decimal can hold are zeros.
pub fn exact_fixed(d: &rust_decimal::Decimal, digits: u32) -> String {
    let rounded =
        d.round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    // The scale of `rounded` is at most `digits`; pad the rest with zeros.
    let plain = rounded.abs().to_string();
    let (int_part, frac_part) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::with_capacity(plain.len() + digits as usize + 2);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    out.push_str(int_part);
    if digits > 0 {
        out.push('.');
        out.push_str(frac_part);
        for _ in frac_part.len()..digits as usize {
            out.push('0');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_and_hides_negative_zero() {
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(-0.125, 2), "-0.13");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-0.0, 1), "0.0");
        assert_eq!(fixed(0.90000004, 2), "0.90");
        assert_eq!(fixed(1234.5678, 1), "1234.6");
        assert_eq!(fixed(2.675, 2), "2.68");
        assert_eq!(fixed(9.996, 2), "10.00");
        assert_eq!(fixed(-99.5, 0), "-100");
        assert_eq!(fixed(3.0, 0), "3");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
    }

    #[test]
    fn percent_and_grouping() {
        assert_eq!(percent(0.97915, 2), "97.92");
        assert_eq!(grouped(60000), "60\u{202f}000");
        assert_eq!(grouped(784), "784");
        assert_eq!(grouped(1234567), "1\u{202f}234\u{202f}567");
    }

    fn dec(s: &str) -> rust_decimal::Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn exact_is_normalised_and_never_negative_zero() {
        assert_eq!(exact(&dec("1.50")), "1.5");
        assert_eq!(exact(&dec("2.00")), "2");
        assert_eq!(exact(&dec("-0.00")), "0");
        assert_eq!(exact(&dec("-2.250")), "-2.25");
        assert_eq!(exact(&dec("0.1")), "0.1");
        assert_eq!(exact(&dec("1200")), "1200");
        assert_eq!(
            exact(&dec("0.0000000000000000000000000001")),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            exact(&rust_decimal::Decimal::MAX),
            "79228162514264337593543950335"
        );
    }

    #[test]
    fn exact_fixed_rounds_half_away_from_zero_and_pads() {
        assert_eq!(exact_fixed(&dec("2.675"), 2), "2.68");
        assert_eq!(exact_fixed(&dec("-2.675"), 2), "-2.68");
        assert_eq!(exact_fixed(&dec("0.125"), 2), "0.13");
        assert_eq!(exact_fixed(&dec("2.5"), 0), "3");
        assert_eq!(exact_fixed(&dec("-0.5"), 0), "-1");
        assert_eq!(exact_fixed(&dec("1.5"), 3), "1.500");
        assert_eq!(exact_fixed(&dec("2"), 2), "2.00");
        assert_eq!(exact_fixed(&dec("-0.001"), 2), "0.00");
        assert_eq!(exact_fixed(&dec("-0.00"), 1), "0.0");
        assert_eq!(exact_fixed(&dec("9.996"), 2), "10.00");
        assert_eq!(exact_fixed(&dec("-99.5"), 0), "-100");
        assert_eq!(
            exact_fixed(&dec("0.82"), 30),
            format!("0.82{}", "0".repeat(28))
        );
        assert_eq!(
            exact_fixed(&rust_decimal::Decimal::MIN, 1),
            "-79228162514264337593543950335.0"
        );
    }
}

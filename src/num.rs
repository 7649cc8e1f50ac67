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
}

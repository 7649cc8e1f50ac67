//! The explorer's model as one packed text, lossless: float32s split into
//! four byte planes, then plain bytes, compressed with zlib (deflate with a
//! two-byte header and an Adler-32 checksum) and written as Z85.
//!
//! - **Byte planes.** The float32s' little-endian bytes, all first bytes,
//!   then all second bytes, third, fourth. The fourth byte (sign and top of
//!   the exponent) and part of the third repeat a lot across weights of
//!   similar size; the mantissa bytes are noise. Grouped, deflate finds the
//!   repeats; interleaved, it finds little.
//! - **zlib**, level 3 ([`LEVEL`]): the page inflates it with
//!   the browser's `DecompressionStream("deflate")` (Chrome and Edge 80,
//!   Firefox 113, Safari 16.4), which also checks the checksum. (The raw
//!   "deflate-raw" format would save 6 bytes but needs Chrome 103.)
//! - **Z85** (ZeroMQ RFC 32): 5 characters per 4 bytes, none of them a
//!   quote or a backslash, so the text sits in a JSON string as it is;
//!   base64 would take 4 per 3. The compressed bytes are padded with zeros
//!   to a multiple of 4 and their real length is recorded.
//!
//! Same input, same text: zlib at a fixed level is deterministic (for the
//! zlib-rs that Cargo.lock pins; a test packs twice and compares).

use anyhow::{Context, Result, bail, ensure};
use std::io::{Read, Write};

/// The steps, named in the model script (`packed.format`); the page
/// refuses any other.
pub const FORMAT: &str = "f32le-planes4+u8|zlib|z85";

/// zlib's level: 3 packs the default model 0.8 % larger than 9 (the
/// mantissa planes are noise at any level) in a sixth of the time, which
/// every build pays.
const LEVEL: u32 = 3;

/// The Z85 alphabet: the character of each value 0–84.
const Z85: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// A packed model.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    /// Bytes before compression: 4 per float32, then the plain bytes.
    pub length: usize,
    /// Bytes of the zlib stream (the Z85 text holds it padded to a multiple
    /// of 4).
    pub deflated: usize,
    /// The Z85 text.
    pub z85: String,
}

/// `floats` in four byte planes followed by `bytes`, zlib-compressed, as
/// Z85.
pub fn pack(floats: &[f32], bytes: &[u8]) -> Result<Packed> {
    let raw = planes(floats, bytes);
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(raw.len() / 2),
        flate2::Compression::new(LEVEL),
    );
    z.write_all(&raw)
        .and_then(|()| z.finish())
        .map(|deflated| Packed {
            length: raw.len(),
            deflated: deflated.len(),
            z85: z85_encode(&deflated),
        })
        .context("internal error: cannot compress the explorer's model")
}

/// The inverse of [`pack`]: `floats` float32s and `bytes` bytes, checked
/// against the lengths recorded.
pub fn unpack(p: &Packed, floats: usize, bytes: usize) -> Result<(Vec<f32>, Vec<u8>)> {
    let mut deflated = z85_decode(&p.z85)?;
    ensure!(
        p.deflated <= deflated.len() && deflated.len() - p.deflated < 4,
        "the packed model holds {} bytes, not {} padded to a multiple of 4",
        deflated.len(),
        p.deflated
    );
    deflated.truncate(p.deflated);
    let mut raw = Vec::with_capacity(p.length);
    flate2::read::ZlibDecoder::new(deflated.as_slice())
        .read_to_end(&mut raw)
        .context("the packed model does not inflate")?;
    ensure!(
        raw.len() == 4 * floats + bytes,
        "the packed model inflates to {} bytes; it should be {} ({floats} float32s and {bytes} bytes)",
        raw.len(),
        4 * floats + bytes
    );
    ensure!(
        raw.len() == p.length,
        "the packed model inflates to {} bytes, but its length says {}",
        raw.len(),
        p.length
    );
    let n = floats;
    let values = (0..n)
        .map(|i| f32::from_le_bytes([raw[i], raw[n + i], raw[2 * n + i], raw[3 * n + i]]))
        .collect();
    Ok((values, raw.split_off(4 * n)))
}

/// Byte k of every float (little-endian), for k = 0..4, then `bytes`.
fn planes(floats: &[f32], bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 * floats.len() + bytes.len());
    for k in 0..4 {
        out.extend(floats.iter().map(|f| f.to_le_bytes()[k]));
    }
    out.extend_from_slice(bytes);
    out
}

/// Z85 of `bytes` padded with zeros to a multiple of 4: each 4 bytes, read
/// as a big-endian number, become 5 base-85 digits, most significant first.
pub fn z85_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(4) * 5);
    for chunk in bytes.chunks(4) {
        let mut group = [0u8; 4];
        group[..chunk.len()].copy_from_slice(chunk);
        let mut v = u32::from_be_bytes(group);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = Z85[(v % 85) as usize];
            v /= 85;
        }
        out.extend(digits.iter().map(|&c| char::from(c)));
    }
    out
}

/// The bytes of a Z85 text (4 per 5 characters).
pub fn z85_decode(text: &str) -> Result<Vec<u8>> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(5) {
        bail!("Z85 text of {} characters: not a multiple of 5", t.len());
    }
    let mut value = [u8::MAX; 256];
    for (v, &c) in Z85.iter().enumerate() {
        value[usize::from(c)] = v as u8;
    }
    let mut out = Vec::with_capacity(t.len() / 5 * 4);
    for (g, group) in t.chunks(5).enumerate() {
        let mut v: u64 = 0;
        for (j, &c) in group.iter().enumerate() {
            let d = value[usize::from(c)];
            if d == u8::MAX {
                bail!(
                    "character {} of the Z85 text is not in its alphabet",
                    5 * g + j
                );
            }
            v = v * 85 + u64::from(d);
        }
        let v = u32::try_from(v).with_context(|| format!("Z85 group {g} is more than 32 bits"))?;
        out.extend(v.to_be_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z85_gives_the_specs_test_vector_and_reads_it_back() {
        let bytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(z85_encode(&bytes), "HelloWorld");
        assert_eq!(z85_decode("HelloWorld").unwrap(), bytes);
        // The extremes of a group, and padding to a multiple of 4.
        assert_eq!(z85_encode(&[0; 4]), "00000");
        assert_eq!(z85_encode(&[0xFF; 4]), "%nSc0");
        assert_eq!(z85_decode("%nSc0").unwrap(), [0xFF; 4]);
        assert_eq!(
            z85_encode(&[0x86, 0x4F, 0xD2]),
            z85_encode(&[0x86, 0x4F, 0xD2, 0])
        );
        assert_eq!(z85_encode(&[]), "");
    }

    #[test]
    fn z85_round_trips_every_byte_value_and_refuses_bad_text() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let text = z85_encode(&bytes);
        assert_eq!(text.len(), bytes.len() / 4 * 5);
        assert!(!text.contains(['"', '\\', '\'']));
        assert_eq!(z85_decode(&text).unwrap(), bytes);
        let e = |t: &str| format!("{:#}", z85_decode(t).unwrap_err());
        assert!(e("HelloWorl").contains("not a multiple of 5"));
        assert!(e("Hell,").contains("character 4"));
        assert!(e("Hell~World").contains("character 4"));
        // 85^5 − 1 is more than 2^32 − 1: "%nSc1" is one past the largest group.
        assert!(e("%nSc1").contains("more than 32 bits"));
    }

    #[test]
    fn unpacking_gives_every_float_back_bit_for_bit() {
        // Special values too: −0, the smallest subnormal, infinities, a NaN payload.
        let mut floats: Vec<f32> = (0..5000)
            .map(|i| ((i as f32) * 0.618_034).sin() * 0.05)
            .collect();
        floats.extend([
            -0.0,
            0.0,
            f32::from_bits(1),
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::from_bits(0x7FC0_1234),
            f32::MAX,
            f32::MIN_POSITIVE,
        ]);
        let bytes: Vec<u8> = (0..777u32).map(|i| (i * 7 % 256) as u8).collect();
        let p = pack(&floats, &bytes).unwrap();
        assert_eq!(p.length, 4 * floats.len() + bytes.len());
        assert_eq!(p.z85.len(), p.deflated.div_ceil(4) * 5);
        let (f, b) = unpack(&p, floats.len(), bytes.len()).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&f), bits(&floats));
        assert_eq!(b, bytes);
        // Deterministic: the same input gives the same text.
        assert_eq!(pack(&floats, &bytes).unwrap(), p);
    }

    #[test]
    fn unpacking_refuses_wrong_lengths_and_damaged_data() {
        let floats = [1.5f32, -2.25, 3.0];
        let p = pack(&floats, &[9, 8, 7]).unwrap();
        let e = |p: &Packed, f: usize, b: usize| format!("{:#}", unpack(p, f, b).unwrap_err());
        assert!(e(&p, 3, 4).contains("should be 16 (3 float32s and 4 bytes)"));
        assert!(e(&p, 2, 3).contains("inflates to 15 bytes"));
        let short = Packed {
            deflated: p.deflated + 4,
            ..p.clone()
        };
        assert!(e(&short, 3, 3).contains("padded to a multiple of 4"));
        let long = Packed {
            length: p.length + 1,
            ..p.clone()
        };
        assert!(e(&long, 3, 3).contains("its length says 16"));
        // One changed character: the checksum (or the stream) no longer holds.
        let mut z = p.z85.clone().into_bytes();
        z[7] = if z[7] == b'0' { b'1' } else { b'0' };
        let damaged = Packed {
            z85: String::from_utf8(z).unwrap(),
            ..p.clone()
        };
        assert!(unpack(&damaged, 3, 3).is_err());
    }
}

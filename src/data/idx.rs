//! IDX file format: parsing MNIST image and label files, and bounded gzip decompression.
//!
//! Owns the byte-level format only (no file system, no network). Every function here
//! takes untrusted bytes and returns an [`IdxError`] instead of panicking; header values
//! are checked against the actual input length with checked arithmetic before anything is
//! allocated, so a hostile header (e.g. `count = u32::MAX`) costs nothing.
//!
//! Format (big-endian): images are `0x00000803, count, rows, cols` followed by
//! `count * rows * cols` pixel bytes; labels are `0x00000801, count` followed by `count`
//! label bytes.

use std::io::Read;

use super::{IMAGE_SIDE, PIXELS};

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Header length of an image file in bytes.
pub const IMAGES_HEADER_LEN: u64 = 16;
/// Header length of a label file in bytes.
pub const LABELS_HEADER_LEN: u64 = 8;
/// Largest decompressed size [`gunzip`] accepts by default (the largest MNIST file is
/// 47,040,016 bytes).
pub const MAX_DECOMPRESSED: u64 = 256 * 1024 * 1024;
/// The two bytes every gzip stream starts with.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why an IDX (or gzipped IDX) input was rejected.
///
/// The message does not name the file: callers add the path as context.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum IdxError {
    /// The first four bytes are not the expected magic number.
    #[error(
        "bad magic number: expected {expected:#010x}, found {found:#010x} (not an IDX file of this kind)"
    )]
    BadMagic { expected: u32, found: u32 },
    /// An image file whose images are not 28×28.
    #[error("bad image dimensions: expected {IMAGE_SIDE}x{IMAGE_SIDE}, found {rows}x{cols}")]
    BadDimensions { rows: u32, cols: u32 },
    /// The input is shorter than its header says (or shorter than the header itself).
    #[error("truncated: expected {expected} bytes, got {got}")]
    Truncated { expected: u64, got: u64 },
    /// The input is longer than its header says.
    #[error("trailing bytes: expected {expected} bytes, got {got}")]
    TrailingBytes { expected: u64, got: u64 },
    /// A label that is not a digit 0..=9.
    #[error("label out of range: label #{index} is {value}, expected 0..=9")]
    LabelOutOfRange { index: usize, value: u8 },
    /// The gzip stream is broken (bad header, corrupt deflate data, bad CRC, cut short).
    #[error("invalid gzip data: {0}")]
    Gzip(String),
    /// The decompressed data exceeds the size limit (a gzip bomb or not MNIST).
    #[error("decompressed data exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let b: [u8; 4] = bytes.get(at..end)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

fn len_u64(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

/// Checks the magic number and that the input is at least `header_len` long.
fn check_header(bytes: &[u8], magic: u32, header_len: u64) -> Result<(), IdxError> {
    let got = len_u64(bytes);
    let found = read_u32(bytes, 0).ok_or(IdxError::Truncated {
        expected: header_len,
        got,
    })?;
    if found != magic {
        return Err(IdxError::BadMagic {
            expected: magic,
            found,
        });
    }
    if got < header_len {
        return Err(IdxError::Truncated {
            expected: header_len,
            got,
        });
    }
    Ok(())
}

/// Checks that the total length equals `header_len + count * item_len` and returns the body.
fn body(bytes: &[u8], header_len: u64, count: u32, item_len: u64) -> Result<&[u8], IdxError> {
    let got = len_u64(bytes);
    let expected = u64::from(count)
        .checked_mul(item_len)
        .and_then(|n| n.checked_add(header_len))
        .unwrap_or(u64::MAX);
    if got < expected {
        return Err(IdxError::Truncated { expected, got });
    }
    if got > expected {
        return Err(IdxError::TrailingBytes { expected, got });
    }
    // got == expected == bytes.len(), and header_len <= expected, so both fit in usize.
    let start = usize::try_from(header_len).map_err(|_| IdxError::Truncated { expected, got })?;
    bytes
        .get(start..)
        .ok_or(IdxError::Truncated { expected, got })
}

/// Parses an IDX image file (already decompressed).
///
/// Returns the number of images and their pixels, row-major, `count * 784` bytes.
pub fn parse_images(bytes: &[u8]) -> Result<(usize, Vec<u8>), IdxError> {
    check_header(bytes, IMAGES_MAGIC, IMAGES_HEADER_LEN)?;
    let got = len_u64(bytes);
    let short = IdxError::Truncated {
        expected: IMAGES_HEADER_LEN,
        got,
    };
    let count = read_u32(bytes, 4).ok_or_else(|| short.clone())?;
    let rows = read_u32(bytes, 8).ok_or_else(|| short.clone())?;
    let cols = read_u32(bytes, 12).ok_or(short)?;
    let side = u32::try_from(IMAGE_SIDE).unwrap_or(u32::MAX);
    if rows != side || cols != side {
        return Err(IdxError::BadDimensions { rows, cols });
    }
    let pixels = u64::try_from(PIXELS).unwrap_or(u64::MAX);
    let data = body(bytes, IMAGES_HEADER_LEN, count, pixels)?;
    let n = usize::try_from(count).map_err(|_| IdxError::Truncated {
        expected: u64::MAX,
        got,
    })?;
    Ok((n, data.to_vec()))
}

/// Parses an IDX label file (already decompressed). Every label must be a digit 0..=9.
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>, IdxError> {
    check_header(bytes, LABELS_MAGIC, LABELS_HEADER_LEN)?;
    let count = read_u32(bytes, 4).ok_or(IdxError::Truncated {
        expected: LABELS_HEADER_LEN,
        got: len_u64(bytes),
    })?;
    let data = body(bytes, LABELS_HEADER_LEN, count, 1)?;
    if let Some((index, &value)) = data.iter().enumerate().find(|&(_, &v)| v > 9) {
        return Err(IdxError::LabelOutOfRange { index, value });
    }
    Ok(data.to_vec())
}

/// True if `bytes` starts like a gzip stream.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// Decompresses a (possibly multi-member) gzip stream, refusing output larger than `limit`.
///
/// Any defect of the stream (bad header, corrupt data, CRC or length mismatch, early end)
/// is an [`IdxError::Gzip`].
pub fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, IdxError> {
    if !is_gzip(bytes) {
        return Err(IdxError::Gzip(
            "not a gzip stream (missing the 1f 8b header)".to_string(),
        ));
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    // The last 4 bytes of a gzip member are its size mod 2^32: reserve that
    // much instead of growing 26 times (a hint only, capped by the limit
    // and by 64 times the compressed size, so a forged trailer cannot make
    // a small file allocate much).
    let hint = bytes
        .get(bytes.len().saturating_sub(4)..)
        .and_then(|t| <[u8; 4]>::try_from(t).ok())
        .map_or(0, |t| u64::from(u32::from_le_bytes(t)));
    let cap = hint.min(limit).min(len_u64(bytes).saturating_mul(64));
    let mut out = Vec::with_capacity(usize::try_from(cap).unwrap_or(0));
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| IdxError::Gzip(e.to_string()))?;
    if len_u64(&out) > limit {
        return Err(IdxError::TooLarge { limit });
    }
    Ok(out)
}

/// Returns the IDX bytes of a file's content: gunzipped if it is gzip, as is otherwise.
pub fn decode(bytes: &[u8], limit: u64) -> Result<std::borrow::Cow<'_, [u8]>, IdxError> {
    if is_gzip(bytes) {
        gunzip(bytes, limit).map(std::borrow::Cow::Owned)
    } else {
        Ok(std::borrow::Cow::Borrowed(bytes))
    }
}

/// Encodes images (row-major, `n * 784` bytes) as an IDX image file. For fixtures and tests.
pub fn encode_images(pixels: &[u8]) -> Vec<u8> {
    let count = u32::try_from(pixels.len() / PIXELS).unwrap_or(u32::MAX);
    let side = u32::try_from(IMAGE_SIDE).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(pixels.len().saturating_add(16));
    for v in [IMAGES_MAGIC, count, side, side] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(pixels);
    out
}

/// Encodes labels as an IDX label file. For fixtures and tests.
pub fn encode_labels(labels: &[u8]) -> Vec<u8> {
    let count = u32::try_from(labels.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(labels.len().saturating_add(8));
    out.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(labels);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn images(n: usize) -> Vec<u8> {
        (0..n * PIXELS).map(|i| (i * 7 % 256) as u8).collect()
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn header(magic: u32, count: u32, rows: u32, cols: u32) -> Vec<u8> {
        [magic, count, rows, cols]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect()
    }

    #[test]
    fn images_round_trip() {
        for n in [0, 1, 5] {
            let px = images(n);
            let file = encode_images(&px);
            assert_eq!(file.len(), 16 + n * PIXELS);
            assert_eq!(&file[..4], &[0, 0, 8, 3]);
            let (count, back) = parse_images(&file).unwrap();
            assert_eq!(count, n);
            assert_eq!(back, px);
        }
    }

    #[test]
    fn labels_round_trip() {
        let labels: Vec<u8> = (0..23).map(|i| (i % 10) as u8).collect();
        let file = encode_labels(&labels);
        assert_eq!(&file[..8], &[0, 0, 8, 1, 0, 0, 0, 23]);
        assert_eq!(parse_labels(&file).unwrap(), labels);
        assert_eq!(parse_labels(&encode_labels(&[])).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn gzip_round_trip() {
        let file = encode_images(&images(3));
        let z = gz(&file);
        assert!(is_gzip(&z));
        assert_eq!(gunzip(&z, MAX_DECOMPRESSED).unwrap(), file);
        assert_eq!(decode(&z, MAX_DECOMPRESSED).unwrap().as_ref(), &file[..]);
        assert_eq!(decode(&file, MAX_DECOMPRESSED).unwrap().as_ref(), &file[..]);
    }

    #[test]
    fn bad_magic() {
        let labels = encode_labels(&[1, 2, 3]);
        assert_eq!(
            parse_images(&labels),
            Err(IdxError::BadMagic {
                expected: IMAGES_MAGIC,
                found: LABELS_MAGIC
            })
        );
        let imgs = encode_images(&images(1));
        assert_eq!(
            parse_labels(&imgs),
            Err(IdxError::BadMagic {
                expected: LABELS_MAGIC,
                found: IMAGES_MAGIC
            })
        );
        let msg = parse_images(&labels).unwrap_err().to_string();
        assert!(
            msg.contains("0x00000803") && msg.contains("0x00000801"),
            "{msg}"
        );
    }

    #[test]
    fn bad_dimensions() {
        let mut file = header(IMAGES_MAGIC, 1, 28, 27);
        file.extend(vec![0; 28 * 27]);
        assert_eq!(
            parse_images(&file),
            Err(IdxError::BadDimensions { rows: 28, cols: 27 })
        );
        let file = header(IMAGES_MAGIC, 0, 0, 0);
        assert_eq!(
            parse_images(&file),
            Err(IdxError::BadDimensions { rows: 0, cols: 0 })
        );
    }

    #[test]
    fn truncated() {
        let file = encode_images(&images(2));
        let cut = &file[..1000];
        assert_eq!(
            parse_images(cut),
            Err(IdxError::Truncated {
                expected: 16 + 2 * 784,
                got: 1000
            })
        );
        assert_eq!(
            parse_images(cut).unwrap_err().to_string(),
            "truncated: expected 1584 bytes, got 1000"
        );
        // Shorter than the header, and shorter than the magic number.
        assert_eq!(
            parse_images(&file[..10]),
            Err(IdxError::Truncated {
                expected: 16,
                got: 10
            })
        );
        assert_eq!(
            parse_images(&file[..2]),
            Err(IdxError::Truncated {
                expected: 16,
                got: 2
            })
        );
        assert_eq!(
            parse_labels(&[]),
            Err(IdxError::Truncated {
                expected: 8,
                got: 0
            })
        );
        let labels = encode_labels(&[1, 2, 3]);
        assert_eq!(
            parse_labels(&labels[..9]),
            Err(IdxError::Truncated {
                expected: 11,
                got: 9
            })
        );
    }

    #[test]
    fn hostile_counts_do_not_overflow_or_allocate() {
        let file = header(IMAGES_MAGIC, u32::MAX, 28, 28);
        assert_eq!(
            parse_images(&file),
            Err(IdxError::Truncated {
                expected: 16 + u64::from(u32::MAX) * 784,
                got: 16
            })
        );
        let mut labels = LABELS_MAGIC.to_be_bytes().to_vec();
        labels.extend(u32::MAX.to_be_bytes());
        assert_eq!(
            parse_labels(&labels),
            Err(IdxError::Truncated {
                expected: 8 + u64::from(u32::MAX),
                got: 8
            })
        );
    }

    #[test]
    fn trailing_bytes() {
        let mut file = encode_images(&images(1));
        file.push(0);
        assert_eq!(
            parse_images(&file),
            Err(IdxError::TrailingBytes {
                expected: 800,
                got: 801
            })
        );
        let mut labels = encode_labels(&[1]);
        labels.extend([0, 0]);
        assert_eq!(
            parse_labels(&labels),
            Err(IdxError::TrailingBytes {
                expected: 9,
                got: 11
            })
        );
    }

    #[test]
    fn label_out_of_range() {
        let file = encode_labels(&[0, 9, 3, 10, 255]);
        assert_eq!(
            parse_labels(&file),
            Err(IdxError::LabelOutOfRange {
                index: 3,
                value: 10
            })
        );
        let msg = parse_labels(&file).unwrap_err().to_string();
        assert!(msg.contains("#3") && msg.contains("10"), "{msg}");
    }

    #[test]
    fn gzip_errors() {
        let z = gz(&encode_images(&images(2)));
        // Cut short: the deflate stream and trailer are incomplete.
        for cut in [2, 10, z.len() / 2, z.len() - 4, z.len() - 1] {
            let err = gunzip(&z[..cut], MAX_DECOMPRESSED).unwrap_err();
            assert!(matches!(err, IdxError::Gzip(_)), "cut {cut}: {err:?}");
            assert!(err.to_string().starts_with("invalid gzip data: "));
        }
        // Corrupt CRC in the trailer.
        let mut bad_crc = z.clone();
        let at = bad_crc.len() - 8;
        bad_crc[at] ^= 0xff;
        assert!(matches!(
            gunzip(&bad_crc, MAX_DECOMPRESSED),
            Err(IdxError::Gzip(_))
        ));
        // Not gzip at all.
        assert!(matches!(
            gunzip(b"hello", MAX_DECOMPRESSED),
            Err(IdxError::Gzip(_))
        ));
        // decode() of a broken gzip is an error, not a pass-through.
        assert!(matches!(
            decode(&z[..z.len() / 2], MAX_DECOMPRESSED),
            Err(IdxError::Gzip(_))
        ));
    }

    #[test]
    fn gzip_size_limit() {
        let z = gz(&vec![0u8; 10_000]);
        assert_eq!(gunzip(&z, 9_999), Err(IdxError::TooLarge { limit: 9_999 }));
        assert_eq!(gunzip(&z, 10_000).unwrap().len(), 10_000);
    }
}

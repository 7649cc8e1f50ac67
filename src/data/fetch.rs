//! Downloading the MNIST files into a directory (the cache).
//!
//! Owns the network side of the data layer: for each missing file, try the mirrors in
//! order (falling back on connection errors, HTTP errors, bad gzip and hash mismatches),
//! stream the body into a temporary file in the target directory, verify the SHA-256 of
//! the decompressed content, and only then rename it to its final name. A file under a
//! final name is therefore always complete and verified. When every mirror fails, the
//! error lists each failure and explains how to supply the files offline.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use super::{FileKind, HashTable, check_hash, idx, sha256_hex};

/// Largest response body accepted (the largest MNIST .gz is 9.9 MB; raw 47 MB).
const MAX_DOWNLOAD: u64 = 128 * 1024 * 1024;
/// Connect and DNS timeout: offline failures must be quick.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for the response head and for each read of the body.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_resolve(Some(CONNECT_TIMEOUT))
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_recv_response(Some(READ_TIMEOUT))
        .timeout_per_read(Some(READ_TIMEOUT))
        // Ask for the bytes as stored: a server must not gzip the .gz again or unpack it.
        .accept_encoding("identity")
        .user_agent(concat!("kvlens/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// The URL of `kind`'s `.gz` file under the mirror base URL `base`.
pub fn file_url(base: &str, kind: FileKind) -> String {
    format!("{}/{}", base.trim_end_matches('/'), kind.gz_name())
}

/// Downloads every file of [`FileKind::ALL`] that is not yet in `dir` (as `<stem>.gz` or
/// raw `<stem>`), creating `dir` if needed. Stops at the first file no mirror could
/// provide; files already downloaded stay (they are verified).
pub fn download_missing(
    dir: &Path,
    mirrors: &[String],
    hashes: &HashTable,
    progress: bool,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the MNIST cache directory {}", dir.display()))?;
    let agent = agent();
    for kind in FileKind::ALL {
        if kind.find_in(dir).is_none() {
            download_file(&agent, dir, kind, mirrors, hashes.get(kind), progress)?;
        }
    }
    Ok(())
}

/// Downloads one file, trying each mirror in order. Returns the final path.
fn download_file(
    agent: &ureq::Agent,
    dir: &Path,
    kind: FileKind,
    mirrors: &[String],
    expected: &str,
    progress: bool,
) -> anyhow::Result<PathBuf> {
    let mut failures = Vec::new();
    for base in mirrors {
        let url = file_url(base, kind);
        match fetch_verified(agent, &url, dir, kind, expected, progress) {
            Ok(path) => return Ok(path),
            Err(e) => failures.push(format!("  - {url}: {e:#}")),
        }
    }
    if failures.is_empty() {
        failures.push("  - (no mirrors configured)".to_string());
    }
    bail!(
        "could not download {name} into {dir}; every mirror failed:\n{failures}\n\n\
         To use MNIST offline, get the four files ({names}; gzipped or raw) into a folder DIR \
         and either\n  \
         - pass --mnist-dir DIR, or\n  \
         - set KVLENS_MNIST_DIR=DIR, or\n  \
         - set mnist_dir = \"DIR\" under [data] in workshop.toml,\n\
         or copy them into {dir}. To use other mirrors, set KVLENS_MNIST_MIRRORS to a \
         comma-separated list of base URLs.",
        name = kind.gz_name(),
        dir = dir.display(),
        failures = failures.join("\n"),
        names = FileKind::ALL
            .iter()
            .map(|k| k.gz_name())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn progress_bar(len: Option<u64>, name: &str, enabled: bool) -> Option<indicatif::ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let template = if len.is_some() {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    } else {
        "{msg} {spinner} {bytes} {bytes_per_sec}"
    };
    let style = indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    Some(
        indicatif::ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(format!("downloading {name}")),
    )
}

/// Fetches `url` into a temporary file in `dir`, verifies it and renames it into place.
/// On any error the temporary file is removed and nothing appears under the final name.
fn fetch_verified(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    kind: FileKind,
    expected: &str,
    progress: bool,
) -> anyhow::Result<PathBuf> {
    let mut response = agent.get(url).call()?;
    let len = response.body().content_length();
    if len.is_some_and(|l| l > MAX_DOWNLOAD) {
        bail!("response too large ({} bytes)", len.unwrap_or(0));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", kind.stem()))
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;

    let bar = progress_bar(len, &kind.gz_name(), progress);
    let mut reader = response.body_mut().as_reader().take(MAX_DOWNLOAD + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(len.unwrap_or(0)).unwrap_or(0));
    let mut buf = vec![0u8; 64 * 1024];
    let copied = loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(anyhow::Error::new(e).context("download interrupted")),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        if let Err(e) = tmp.write_all(chunk) {
            break Err(
                anyhow::Error::new(e).context(format!("cannot write to {}", tmp.path().display()))
            );
        }
        bytes.extend_from_slice(chunk);
        if let Some(bar) = &bar {
            bar.inc(u64::try_from(n).unwrap_or(0));
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    copied?;
    let got = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if got > MAX_DOWNLOAD {
        bail!("response larger than {MAX_DOWNLOAD} bytes");
    }
    if let Some(len) = len
        && got != len
    {
        bail!("download cut short: got {got} of {len} bytes");
    }

    let gz = idx::is_gzip(&bytes);
    let content = idx::decode(&bytes, idx::MAX_DECOMPRESSED)?;
    let actual = sha256_hex(&content);
    check_hash(
        expected,
        &actual,
        "The mirror served a different or damaged file.",
    )?;

    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write to {}", tmp.path().display()))?;
    let target = if gz {
        dir.join(kind.gz_name())
    } else {
        dir.join(kind.stem())
    };
    tmp.persist(&target)
        .map_err(|e| anyhow::Error::new(e.error))
        .with_context(|| format!("cannot move the download to {}", target.display()))?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_joins_base_and_name() {
        assert_eq!(
            file_url("http://h/m/", FileKind::TestLabels),
            "http://h/m/t10k-labels-idx1-ubyte.gz"
        );
        assert_eq!(
            file_url("http://h/m", FileKind::TrainImages),
            "http://h/m/train-images-idx3-ubyte.gz"
        );
    }

    #[test]
    fn no_mirrors_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = download_missing(dir.path(), &[], &HashTable::canonical(), false).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("no mirrors configured"), "{msg}");
        assert!(msg.contains("--mnist-dir DIR"), "{msg}");
    }
}

//! Where the gallery shows each figure: its groups (toy networks, example
//! images, the network and the test set) and their pages. The course's
//! gallery (`course::gallery`) draws the pages; derivations link a figure
//! through [`href`].

/// A gallery group: anchor, title, introduction, and which ids belong to it.
pub(crate) type Group = (&'static str, &'static str, &'static str, fn(&str) -> bool);

/// The groups of the gallery, in order (the last takes the rest).
pub(crate) const GROUPS: [Group; 3] = [
    (
        "toy",
        "Toy networks",
        "Networks small enough to compute by hand, from content/nets/: each net, each of its example inputs flowing through it, each pair highlighted, and the worked calculations in exact decimals.",
        |id| id.starts_with("net-"),
    ),
    (
        "images",
        "Example images",
        "The workshop's example digits, taken apart pair by pair by the trained network.",
        |id| {
            id.starts_with("test-")
                || id.starts_with("train-")
                || id.starts_with("blank-")
                || id.starts_with("profiles-")
                || id.starts_with("matrix-")
        },
    ),
    (
        "population",
        "The network and the test set",
        "Training, and what the pairs do across all 10 000 test images.",
        |_| true,
    ),
];

/// The gallery page (file under `figures/`, title) that shows figure
/// `id`. The example-image group gets a page per image (`test-247.html`),
/// so that no page with its figures weighs more than about 0.8 MB; the
/// overview `index.html` lists every figure and links its page.
pub(crate) fn page_of(id: &str) -> (String, String) {
    let group = group_of(id);
    if GROUPS[group].0 == "images" {
        for (prefix, name) in [("test-", "Test image"), ("train-", "Training image")] {
            let digits: String = id
                .strip_prefix(prefix)
                .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
                .unwrap_or_default();
            if !digits.is_empty() {
                return (format!("{prefix}{digits}.html"), format!("{name} {digits}"));
            }
        }
        return (
            "images.html".to_string(),
            "More on the example images".to_string(),
        );
    }
    (
        format!("{}.html", GROUPS[group].0),
        GROUPS[group].1.to_string(),
    )
}

/// The link from the site's root to figure `id` in the gallery.
pub(crate) fn href(id: &str) -> String {
    format!("figures/{}#{id}", page_of(id).0)
}

/// The index in [`GROUPS`] of the group figure `id` belongs to.
pub(crate) fn group_of(id: &str) -> usize {
    GROUPS
        .iter()
        .position(|g| (g.3)(id))
        .unwrap_or(GROUPS.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_figure_has_one_page() {
        for (id, file, title) in [
            ("net-exercise-a-pair-1", "toy.html", "Toy networks"),
            ("test-247-contrast", "test-247.html", "Test image 247"),
            (
                "test-9425-pair-242-card",
                "test-9425.html",
                "Test image 9425",
            ),
            ("train-12-waterfall", "train-12.html", "Training image 12"),
            (
                "matrix-test-9425",
                "images.html",
                "More on the example images",
            ),
            (
                "training-curve",
                "population.html",
                "The network and the test set",
            ),
        ] {
            assert_eq!(page_of(id), (file.to_string(), title.to_string()), "{id}");
        }
        assert_eq!(
            href("test-247-contrast"),
            "figures/test-247.html#test-247-contrast"
        );
    }
}

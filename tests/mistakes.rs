//! A misread image explained against its TRUE digit, through the real
//! binary: `kvlens explain` and a page built with the a-mistake page's
//! shortcodes, on a weakly trained fixture model that misreads some band
//! digits. Every number is recomputed here from the exported weights
//! (`kvlens export`) and the fixture test images.

use crate::common::{TEST, Workshop, band_images, stderr, stdout};
use crate::handson::read_npz;

/// Too few pairs and too little training to read every band digit right.
const WEAK: &str = "[model]\nhidden = 6\nepochs = 1\nbatch_size = 64\nlearning_rate = 0.002\ntrain_images = 300\nseed = 3\n";

/// The model's numbers, recomputed from its export in f64.
struct Net {
    hidden: usize,
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
}

impl Net {
    fn exported(w: &Workshop) -> Net {
        let o = w.run(&["-q", "export"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let a = read_npz(&std::fs::read(w.path().join("export/kvlens-model.npz")).unwrap());
        let get = |n: &str| a[n].1.clone();
        Net {
            hidden: a["b1"].0[0],
            w1: get("w1"),
            b1: get("b1"),
            w2: get("w2"),
            b2: get("b2"),
        }
    }
    fn activations(&self, x: &[u8]) -> Vec<f64> {
        (0..self.hidden)
            .map(|i| {
                let pre = (0..784)
                    .filter(|&p| x[p] > 0)
                    .map(|p| f64::from(self.w1[i * 784 + p]) * f64::from(x[p]) / 255.0)
                    .sum::<f64>()
                    + f64::from(self.b1[i]);
                pre.max(0.0)
            })
            .collect()
    }
    fn v(&self, d: usize, i: usize) -> f64 {
        f64::from(self.w2[d * self.hidden + i])
    }
    fn logits(&self, x: &[u8]) -> Vec<f64> {
        let a = self.activations(x);
        (0..10)
            .map(|d| {
                f64::from(self.b2[d]) + (0..self.hidden).map(|i| a[i] * self.v(d, i)).sum::<f64>()
            })
            .collect()
    }
}

/// A test image, its true digit, the answer, the margin, b2's share and the
/// active pairs' shares of the margin, largest first.
struct Misread {
    index: usize,
    truth: usize,
    answer: usize,
    runner_up: usize,
    margin: f64,
    b2_share: f64,
    shares: Vec<(usize, f64)>,
}

fn first_misread(net: &Net) -> Misread {
    let (images, labels) = band_images(TEST, 3);
    for i in 0..TEST {
        let x = &images[i * 784..(i + 1) * 784];
        let l = net.logits(x);
        let mut order: Vec<usize> = (0..10).collect();
        order.sort_by(|&a, &b| l[b].total_cmp(&l[a]).then(a.cmp(&b)));
        let (answer, truth) = (order[0], usize::from(labels[i]));
        if answer == truth || l[order[0]] == l[order[1]] {
            continue;
        }
        let a = net.activations(x);
        let mut shares: Vec<(usize, f64)> = (0..net.hidden)
            .filter(|&j| a[j] > 0.0)
            .map(|j| (j, a[j] * (net.v(answer, j) - net.v(truth, j))))
            .collect();
        shares.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        return Misread {
            index: i,
            truth,
            answer,
            runner_up: order[1],
            margin: l[answer] - l[truth],
            b2_share: f64::from(net.b2[answer]) - f64::from(net.b2[truth]),
            shares,
        };
    }
    panic!("the weak fixture model reads every test image right; weaken it");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

#[test]
fn explain_ranks_a_misread_image_by_its_margin_over_the_true_digit() {
    // Constructed check of the recomputation itself: b2 + Σ shares = margin.
    let w = Workshop::new(WEAK);
    let net = Net::exported(&w);
    let m = first_misread(&net);
    let sum = m.b2_share + m.shares.iter().map(|s| s.1).sum::<f64>();
    assert!(close(sum, m.margin), "{sum} vs {}", m.margin);

    // `explain` reports the same ranking, both digits named, and labels the
    // runner-up view as such.
    let sel = format!("test:{}", m.index);
    let o = w.run(&["explain", &sel, "--top", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (p, t) = (m.answer, m.truth);
    assert!(
        out.contains(&format!(
            "why {p} and not the true digit {t}: margin = logit of {p} − logit of {t} = {:.3}",
            m.margin
        )),
        "{out}"
    );
    let top = &m.shares[0];
    assert!(
        out.contains(&format!("  pair {}", top.0)) && out.contains(&format!("= margin {p} − {t}")),
        "{out}"
    );
    assert!(out.contains("(runner-up view)"), "{out}");
    // The margin section comes before the runner-up view.
    assert!(
        out.find("why ").unwrap() < out.find("(runner-up view)").unwrap(),
        "{out}"
    );

    let o = w.run(&["explain", &sel, "--json", "--top", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mj = &j["margin"];
    assert_eq!(mj["predicted"], p);
    assert_eq!(mj["truth"], t);
    assert!(close(mj["margin"].as_f64().unwrap(), m.margin));
    assert!(close(mj["b2_share"].as_f64().unwrap(), m.b2_share));
    let shares = mj["shares"].as_array().unwrap();
    assert_eq!(shares.len(), m.shares.len());
    for (got, want) in shares.iter().zip(&m.shares) {
        assert_eq!(got["pair"], want.0);
        assert!(close(got["share"].as_f64().unwrap(), want.1));
    }
    // A correctly read image has no margin account.
    let (_, labels) = band_images(TEST, 3);
    let right = (0..TEST)
        .find(|&i| {
            let (images, _) = band_images(TEST, 3);
            let l = net.logits(&images[i * 784..(i + 1) * 784]);
            let best = (0..10).max_by(|&a, &b| l[a].total_cmp(&l[b])).unwrap();
            best == usize::from(labels[i])
        })
        .expect("some image is read right");
    let o = w.run(&["explain", &format!("test:{right}"), "--json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["margin"], serde_json::Value::Null);
}

#[test]
fn a_mistake_page_ranks_pairs_by_their_share_of_the_margin_over_the_true_digit() {
    let w = Workshop::new(WEAK);
    let net = Net::exported(&w);
    let m = first_misread(&net);
    // The a-mistake page's constructs, on the first misread image.
    let ex = "misclassified()";
    let v = |rest: &str| format!("{{{{ value(example=\"{ex}\", {rest}) }}}}");
    let page = format!(
        "+++\ntitle = \"A mistake\"\n+++\n\nImage [{}] true [{}] answer [{}] runner-up [{}].\n\nMargin [{}] bias [{}].\n\nTop [{}] adds [{}]; rest after 1 [{}].\n\nRunner-up top ranks [{}] here.\n\n{{{{ figure(name=\"waterfall\", example=\"{ex}\", against=\"true-digit\", steps=2) }}}}\n\n{{{{ figure(name=\"pair-card\", example=\"{ex}\", rank=1, against=\"true-digit\") }}}}\n\n{{{{ figure(name=\"mistake\", example=\"common-mistake(rank=1)\") }}}}\n",
        v("of=\"image-number\""),
        v("of=\"true-digit\""),
        v("of=\"prediction\""),
        v("of=\"runner-up\""),
        v("of=\"margin\", digits=4"),
        v("of=\"margin-bias\", digits=4"),
        v("of=\"margin-pair\""),
        v("of=\"margin-share\", rank=1, digits=4"),
        v("of=\"margin-rest\", rank=1, digits=4"),
        v("of=\"margin-rank\", rank=1"),
    );
    std::fs::create_dir_all(w.path().join("content")).unwrap();
    w.write("content/mistake.md", &page);
    let o = w.run(&["-q", "build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = kvlens::embeds::why::plain_numbers(
        &std::fs::read_to_string(w.public().join("mistake.html")).unwrap(),
    );
    let num = |x: f64| format!("{x:.4}").replace('-', "\u{2212}");
    let (p, t) = (m.answer, m.truth);
    for want in [
        format!(
            "Image [{}] true [{t}] answer [{p}] runner-up [{}]",
            m.index, m.runner_up
        ),
        format!("Margin [{}] bias [{}]", num(m.margin), num(m.b2_share)),
        format!(
            "Top [{}] adds [{}]; rest after 1 [{}]",
            m.shares[0].0,
            num(m.shares[0].1),
            num(m.shares[1..].iter().map(|s| s.1).sum())
        ),
    ] {
        assert!(html.contains(&want), "missing `{want}` in\n{html}");
    }
    // The figures follow the answer against the TRUE digit, and name both.
    let slug = format!("test-{}", m.index);
    let wf = std::fs::read_to_string(
        w.public()
            .join(format!("figures/{slug}-waterfall-2-vs-true.svg")),
    )
    .unwrap();
    assert!(
        wf.contains(&format!("Why {p} beat the true digit {t}")),
        "{wf}"
    );
    assert!(
        wf.contains(&format!("margin {p} − {t}")) && wf.contains(&format!("{t} (the true digit)")),
        "{wf}"
    );
    assert!(wf.contains(&format!("pair {}", m.shares[0].0)), "{wf}");
    assert!(!wf.contains("runner-up"), "{wf}");
    assert!(
        html.contains(&format!("{slug}-pair-{}-card", m.shares[0].0)),
        "{html}"
    );
    assert!(html.contains("-mistake-3.svg"), "{html}");
}

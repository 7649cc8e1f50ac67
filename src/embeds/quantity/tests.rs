use super::*;
use crate::analysis::{Analyses, test_prepared};
use crate::shortcode::{code_ranges, scan};

fn call(src: &str) -> Call {
    let (mut calls, errors) = scan(src, &code_ranges(src));
    assert!(errors.is_empty(), "{errors:?}");
    let c = calls.remove(0);
    assert!(
        crate::shortcodes::Registry {
            sets: &[&super::super::Embeds]
        }
        .validate(&c)
        .is_empty(),
        "{:?}",
        crate::shortcodes::Registry {
            sets: &[&super::super::Embeds]
        }
        .validate(&c)
    );
    c
}

fn shown(an: &Analyses, src: &str) -> String {
    let c = call(src);
    format(&measure(&c, an).unwrap(), &Args(&c)).unwrap()
}

#[test]
fn values_are_measured_on_the_model_and_formatted() {
    let p = test_prepared();
    let an = Analyses::new(&p).unwrap();
    // 8s are misread: 45 of 50 right.
    assert_eq!(
        shown(&an, "{{ value(of=\"test-accuracy\") }}"),
        "90.0\u{a0}%"
    );
    assert_eq!(
        shown(&an, "{{ value(of=\"digit-accuracy\", digit=8, digits=0) }}"),
        "0\u{a0}%"
    );
    assert_eq!(shown(&an, "{{ value(of=\"test-images\") }}"), "50");
    assert_eq!(shown(&an, "{{ value(of=\"mistakes\") }}"), "5");
    assert_eq!(
        shown(&an, "{{ value(of=\"label\", example=\"first(digit=3)\") }}"),
        "3"
    );
    assert_eq!(
        shown(
            &an,
            "{{ value(of=\"test-accuracy\", format=\"number\", digits=3) }}"
        ),
        "0.900"
    );
    // Toy nets in exact decimals: 0.6 × 0.5 − 0.4 × 1 = −0.1, switched off.
    assert_eq!(
        shown(
            &an,
            "{{ value(net=\"exercise\", input=\"b\", of=\"pre-activation\", pair=1) }}"
        ),
        "\u{2212}0.1"
    );
    assert_eq!(
        shown(
            &an,
            "{{ value(net=\"exercise\", input=\"b\", of=\"activation\", pair=1) }}"
        ),
        "0"
    );
    assert_eq!(
        shown(
            &an,
            "{{ value(net=\"exercise\", input=\"a\", of=\"logit\") }}"
        ),
        "0.82"
    );
}

#[test]
fn claims_hold_or_say_what_was_measured() {
    let p = test_prepared();
    let an = Analyses::new(&p).unwrap();
    let judge = |src: &str| check_claim(&call(src), &an).unwrap();
    assert_eq!(
        judge("{{ claim(of=\"test-accuracy\", at_least=0.9) }}").1,
        None
    );
    assert_eq!(judge("{{ claim(of=\"mistakes\", equals=5) }}").1, None);
    let (x, why) = judge("{{ claim(of=\"digit-accuracy\", digit=8, above=0.5) }}");
    assert_eq!(x, 0.0);
    assert_eq!(
        why.unwrap(),
        "claim contradicted by the model: `digit-accuracy` is 0.0\u{a0}% (measured 0.0000), but the claim says above > 0.5"
    );
    let c = call("{{ claim(of=\"prediction\", net=\"exercise\", input=\"a\", equals=1) }}");
    assert!(
        check_claim(&c, &an)
            .unwrap_err()
            .message
            .contains("not a number")
    );
}

#[test]
fn bad_arguments_fail_at_the_argument() {
    let p = test_prepared();
    let an = Analyses::new(&p).unwrap();
    let src = "{{ value(of=\"activation\", example=\"test:9999\", pair=1) }}";
    let e = measure(&call(src), &an).unwrap_err();
    assert!(e.message.starts_with("selector: "), "{e:?}");
    assert!(e.at > src.find("example").unwrap());
    let src = "{{ value(of=\"knockout-accuracy\", digit=2, mode=\"gone\") }}";
    let e = measure(&call(src), &an).unwrap_err();
    assert_eq!(e.message, "unknown mode `gone`");
    assert_eq!(&src[e.at..e.at + 6], "\"gone\"");
    // Several outputs: the logit needs `output`, an activation does not.
    let c = call("{{ value(net=\"slides\", input=\"x1\", of=\"logit\") }}");
    assert!(
        measure(&c, &an)
            .unwrap_err()
            .message
            .contains("several outputs")
    );
    let c = call("{{ value(net=\"slides\", input=\"x1\", of=\"activation\", pair=1) }}");
    assert!(measure(&c, &an).is_ok());
    let src = "{{ value(net=\"exercise\", input=\"z\", of=\"logit\") }}";
    let e = measure(&call(src), &an).unwrap_err();
    assert_eq!(e.message, "`exercise` has no input `z`");
}

#[test]
fn a_misread_image_is_measured_against_its_true_digit() {
    let p = test_prepared();
    let an = Analyses::new(&p).unwrap();
    // The first 8 is read as 3: pair 8 (activation 1) votes 2 for 3, pair
    // 11 (activation 1) votes 0.5 for every digit; b2 = 0.
    let v = |rest: &str| {
        shown(
            &an,
            &format!("{{{{ value(example=\"misclassified()\", {rest}) }}}}"),
        )
    };
    assert_eq!(v("of=\"true-digit\""), "8");
    assert_eq!(v("of=\"prediction\""), "3");
    assert_eq!(v("of=\"runner-up\""), "0");
    assert_eq!(v("of=\"margin\""), "2.00");
    assert_eq!(v("of=\"margin-bias\""), "0.00");
    assert_eq!(v("of=\"margin-pair\""), "8");
    assert_eq!(v("of=\"margin-pair\", rank=2"), "11");
    assert_eq!(v("of=\"margin-share\", rank=1"), "2.00");
    assert_eq!(v("of=\"margin-share\", pair=11"), "0.00");
    assert_eq!(v("of=\"margin-rest\", rank=1"), "0.00");
    assert_eq!(v("of=\"margin-rank\", rank=1"), "1");
    assert_eq!(
        v("of=\"contribution\", rank=1, against=\"true-digit\""),
        "2.00"
    );
    assert_eq!(
        v("of=\"true-contribution\", rank=1, against=\"true-digit\""),
        "0.00"
    );
    // A correctly read image has no margin against its true digit.
    let c = call("{{ value(of=\"margin\", example=\"first(digit=3)\") }}");
    let e = measure(&c, &an).unwrap_err();
    assert!(e.message.contains("not a misread image"), "{}", e.message);
    let c = call(
        "{{ value(of=\"margin-share\", example=\"misclassified()\", rank=1, against=\"rival\") }}",
    );
    let e = measure(&c, &an).unwrap_err();
    assert!(e.message.contains("unknown `against`"), "{}", e.message);
}

/// The number `shown` prints, as the fraction or number it stands for,
/// with half a unit of its last printed digit.
fn parse_shown(shown: &str) -> Option<(f64, f64)> {
    let pct = shown.ends_with('%');
    let t: String = shown
        .trim_end_matches('%')
        .trim()
        .replace('\u{2212}', "-")
        .replace([',', '\u{a0}'], "");
    let x: f64 = t.parse().ok()?;
    let decimals = t.split_once('.').map_or(0, |(_, d)| d.len());
    let half = 0.5 * 10f64.powi(-(decimals as i32));
    Some(if pct {
        (x / 100.0, half / 100.0)
    } else {
        (x, half)
    })
}

#[test]
fn every_quantity_explains_itself_and_its_sums_re_add() {
    use crate::embeds::why::How;
    let p = test_prepared();
    let an = Analyses::new(&p).unwrap();
    let mut explained = 0;
    for q in QUANTITIES.iter() {
        let mut args = vec![format!("of=\"{}\"", q.name)];
        let image = if q.name.starts_with("margin") {
            "misclassified()"
        } else {
            "first(digit=3)"
        };
        for need in q.needs {
            args.push(match *need {
                "example" => format!("example=\"{image}\""),
                "pair" | "pair|rank" if q.toy => "pair=1".to_string(),
                "pair" => "pair=2".to_string(),
                "pair|rank" => "rank=1".to_string(),
                "digit" => "digit=3".to_string(),
                "net" => "net=\"exercise\"".to_string(),
                "input" => "input=\"a\"".to_string(),
                other => panic!("{}: unexpected need `{other}`", q.name),
            });
        }
        if q.name == "knockout-recovered" {
            args.push("mode=\"refit\"".into());
        }
        let src = format!("{{{{ value({}) }}}}", args.join(", "));
        let c = call(&src);
        let Ok(m) = measure(&c, &an) else {
            // (A measurement this tiny model cannot make: nothing to explain.)
            continue;
        };
        let shown = format(&m, &Args(&c)).unwrap();
        let d = derive(&c, &an, &m).unwrap_or_else(|e| panic!("{src}: {}", e.message));
        assert!(d.what.len() > 20, "{src}: {:?}", d.what);
        if q.needs.contains(&"example") {
            let img = an.image(image).unwrap();
            assert!(
                d.what.contains(&img.selected.learner_name()),
                "{src}: {:?} names no image",
                d.what
            );
        }
        if let Some(How::Formula(f)) = &d.how {
            let again = f.op.apply(&f.terms);
            assert!(
                (again - f.total).abs() <= 1e-9 * f.total.abs().max(1.0),
                "{src}: {:?} re-adds to {again}",
                f
            );
            if let Some((x, half)) = parse_shown(&shown) {
                assert!(
                    (x - f.total).abs() <= half + 1e-9,
                    "{src}: shows {shown} but its formula gives {}",
                    f.total
                );
            }
        }
        explained += 1;
    }
    assert!(explained >= 55, "only {explained} quantities explained");
}

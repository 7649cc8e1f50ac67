use super::*;

#[test]
fn parses_the_documented_forms() {
    for s in [
        "test:247",
        "train:12",
        "first(digit=0, correct)",
        "most-confident(digit=0)",
        "least-confident(digit=1, correct)",
        "misclassified(true=4, predicted=2)",
        "sharpest(digit=0)",
        "flattest(digit=1)",
        "first(digit=7, flips-after>=0.2)",
        "misclassified(true=4, predicted=2) | first(digit=4)",
        "common-mistake(rank=2)",
        "common-mistake(rank=1, except=4>2)",
        "first()",
        "blank",
    ] {
        Selector::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

#[test]
fn errors_point_at_the_mistake() {
    let e = Selector::parse("test:abc").unwrap_err();
    assert_eq!(e.offset, 5);
    let e = Selector::parse("frist(digit=0)").unwrap_err();
    assert_eq!(
        (e.offset, e.hint.as_deref()),
        (0, Some("did you mean `first`?"))
    );
    let e = Selector::parse("first(digit=0, corect)").unwrap_err();
    assert_eq!(e.offset, 15);
    assert_eq!(e.hint.as_deref(), Some("did you mean `correct`?"));
    let e = Selector::parse("first(digit=12)").unwrap_err();
    assert!(e.message.contains("not a digit"), "{e}");
    let e = Selector::parse("test:1 | sharpest").unwrap_err();
    assert_eq!(e.offset, 9 + "sharpest".len());
    let e = Selector::parse("first(flips-after>=2)").unwrap_err();
    assert!(e.message.contains("fraction"));
    let e = Selector::parse("first(rank=2)").unwrap_err();
    assert!(e.message.contains("common-mistake"), "{e}");
    let e = Selector::parse("common-mistake(rank=0)").unwrap_err();
    assert!(e.message.contains("rank"), "{e}");
    let e = Selector::parse("common-mistake(except=42)").unwrap_err();
    assert_eq!(
        e.hint.as_deref(),
        Some("write true digit > predicted digit, e.g. `except=4>2`")
    );
}

#[test]
fn common_mistake_ranks_the_confusion_cells() {
    // The test net reads every 8 as 3; make it read every 5 as 6 too.
    let mut m = crate::kv::testnet::net();
    m.w2[[5, 5]] = 0.0;
    m.w2[[6, 5]] = 2.0;
    let data = crate::kv::testnet::dataset(3);
    let c = Catalog::new(&m, &data);
    let pick = |s: &str| c.resolve(&Selector::parse(s).unwrap()).map(|x| x.index);
    // Two cells of 3 images each: the tie goes to the lower true digit.
    assert_eq!(pick("common-mistake(rank=1)"), Ok(5));
    assert_eq!(pick("common-mistake(rank=2)"), Ok(8));
    assert_eq!(pick("common-mistake(rank=1, except=5>6)"), Ok(8));
    assert_eq!(pick("common-mistake(rank=1, digit=8)"), Ok(8));
    assert!(pick("common-mistake(rank=3)").is_err());
}

//! The facilitator guide through the real binary: its run of show follows
//! the built deck (both tracks) on the clock of `[classroom] start`, its
//! print list shares the room among the sheets' variants, it lists the
//! usual wrong answers and the course's predict questions, stays out of the
//! learners' site unless the keys are published, and the presenter view
//! links it. Bad classroom settings fail with their line.

use crate::common::{MODEL, Workshop, copy_dir, stderr};
use crate::sheets::TOY_SHEET;
use serde_json::Value;
use std::path::Path;

const DECK: &str = r#"+++
title = "Fixture talk"
kind = "deck"
+++

# Fixture talk {.title}

# Plan
{{ section(minutes=10, title="Opening") }}

What we do today.

# Your turn on paper
{{ section(minutes=25, sheet="sheets/toy.md", exercises="1", homework="2 3") }}

Work on exercise 1.

# Coffee
{{ section(minutes=15, track="long", activity="break") }}

Back in fifteen minutes.

# Guess
{{ section(minutes=20, title="Predict") }}

What does it answer?

{% fragment() %}
It answers output 1.
{% end %}

# Try it
{{ section(minutes=30, track="long", activity="hands-on") }}

Draw a digit.

# Wrap-up
{{ section(minutes=5) }}

Thank you.
"#;

const PAGE: &str = r#"+++
title = "Toy page"
+++
{% calc(net="exercise", input="a") %}
**Predict.** Which pair fires on input a?

Answer: ANSWER-SENTENCE for the guide.

More that stays on the page.
{% end %}

{% calc(net="exercise", input="b") %}
A worked calculation, not a question.

Answer: NOT-A-QUESTION.
{% end %}
"#;

/// A workshop with a deck, a sheet it schedules and a course page.
fn classroom() -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/toy.md", TOY_SHEET);
    w.write("content/deck.md", DECK);
    w.write("content/toy.md", PAGE);
    w
}

/// The instructor's build report of the build in `public` (beside it, or
/// inside it when the keys are published).
fn report(public: &Path) -> Value {
    let beside = public.join("../instructor/build-report.json");
    let path = if beside.exists() {
        beside
    } else {
        public.join("instructor/build-report.json")
    };
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What every guide must hold against the deck and the sheets it was built
/// with: one row per section with the deck's minutes and clock, and a
/// print list that shares `participants` among every sheet's variants.
pub fn the_guide_follows_the_deck(public: &Path, guide_html: &str) {
    let r = report(public);
    let g = &r["guide"];
    let deck = &r["decks"][0];
    let rows = g["rows"].as_array().unwrap();
    let sections = deck["sections"].as_array().unwrap();
    assert_eq!(rows.len(), sections.len(), "one row per section");
    let start = clock(g["start"].as_str().unwrap());
    let mut at = start;
    for (row, s) in rows.iter().zip(sections) {
        assert_eq!(row["title"], s["title"]);
        assert_eq!(row["minutes"], s["minutes"]);
        assert_eq!(clock(row["start"].as_str().unwrap()), at % 1440);
        at += s["minutes"].as_u64().unwrap() as u32;
        assert_eq!(
            clock(row["end"].as_str().unwrap()),
            start + s["ends_at"].as_u64().unwrap() as u32
        );
        let title = row["title"].as_str().unwrap();
        assert!(
            unescaped(guide_html).contains(title),
            "{title} in the guide"
        );
    }
    assert_eq!(g["planned_minutes"], deck["planned_minutes"]);
    assert_eq!(clock(g["end"].as_str().unwrap()), at % 1440);
    let people = g["participants"].as_u64().unwrap();
    let items = g["print"]["items"].as_array().unwrap();
    for sheet in r["sheets"].as_array().unwrap() {
        let pages = sheet["pages"].as_array().unwrap();
        let copies: Vec<u64> = pages
            .iter()
            .map(|p| {
                items
                    .iter()
                    .find(|i| i["file"] == *p)
                    .unwrap_or_else(|| panic!("{p} in the print list"))["copies"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(copies.len() as u64, sheet["variants"].as_u64().unwrap());
        assert_eq!(copies.iter().sum::<u64>(), people, "{copies:?}");
        assert!(copies.iter().max().unwrap() - copies.iter().min().unwrap() <= 1);
        for m in sheet["markings"].as_array().unwrap() {
            let item = items.iter().find(|i| i["file"] == *m).expect("marking key");
            assert_eq!(item["copies"], g["markers"], "one marking key per marker");
            assert!(item["pdf"].as_str().unwrap().ends_with("-marking.pdf"));
        }
    }
    let known: u64 = items
        .iter()
        .filter_map(|i| Some(i["copies"].as_u64()? * i["pages"].as_u64()?))
        .sum();
    assert_eq!(g["print"]["pages"].as_u64(), Some(known));
}

/// HTML text with the entities Tera writes decoded.
fn unescaped(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn clock(s: &str) -> u32 {
    let (h, m) = s.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

#[test]
fn the_guide_plans_the_room_from_the_deck_and_the_sheets() {
    let w = classroom();
    let o = w.run(&["build", "-q", "--variants", "3", "--participants", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = w.path().join("instructor/guide.html");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        !w.public().join("instructor/guide.html").exists(),
        "not published"
    );
    the_guide_follows_the_deck(&w.public(), &html);
    let r = report(&w.public());
    let g = &r["guide"];
    assert_eq!(g["participants"], 7);
    // The learners' copy of the report has neither the guide nor the answers.
    let public: Value = serde_json::from_str(
        &std::fs::read_to_string(w.public().join("build-report.json")).unwrap(),
    )
    .unwrap();
    assert!(public.get("guide").is_none());
    assert!(r["sheets"][0]["exercises"][0]["answers"].is_array());
    assert!(public["sheets"][0]["exercises"][0].get("answers").is_none());
    assert_eq!(
        public["sheets"][0]["exercises"][0]["title"],
        r["sheets"][0]["exercises"][0]["title"]
    );
    assert_eq!(
        (g["start"].as_str(), g["end"].as_str()),
        (Some("09:30"), Some("11:15"))
    );
    let rows = g["rows"].as_array().unwrap();
    let acts: Vec<&str> = rows
        .iter()
        .map(|r| r["activity"].as_str().unwrap())
        .collect();
    assert_eq!(
        acts,
        ["Talk", "Pen and paper", "Break", "Talk", "Hands-on", "Talk"]
    );
    let paper = rows[1]["happens"].to_string();
    assert!(
        paper.contains("Exercise 1 (") && paper.contains("Homework: exercises 2 and 3"),
        "{paper}"
    );
    assert!(
        paper.contains("exercises 4, 5 and 6"),
        "unplanned exercises named: {paper}"
    );
    // The sheet goes out on arrival, by pair; its debrief is variant 1's.
    assert!(
        rows[0]["hand_out"]
            .to_string()
            .contains("variants 1 to 3 by pair")
    );
    assert!(paper.contains("variant 1’s numbers"), "{paper}");
    assert!(
        rows[3]["happens"]
            .to_string()
            .contains("1 predict-then-reveal")
    );
    assert!(rows[2]["cut"].to_string().contains("rather than skip"));
    // Where to cut, in order, with the minutes saved.
    assert!(
        html.contains("Shorten “Coffee” to 7 min (saves 8 min)"),
        "break cut"
    );
    assert!(
        html.contains("Shorten “Try it” to 15 min (saves 15 min)"),
        "hands-on cut"
    );
    // The slides' predict question with what the key press reveals.
    assert!(html.contains("What does it answer?") && html.contains("It answers output 1."));
    assert!(html.contains("(credit: "), "slips with their credit");
    // 7 people, 3 variants: 3, 2, 2 copies.
    let copies: Vec<u64> = g["print"]["items"].as_array().unwrap()[1..4]
        .iter()
        .map(|i| i["copies"].as_u64().unwrap())
        .collect();
    assert_eq!(copies, [3, 2, 2]);
    // The usual wrong answers and the page's predict question (not the
    // worked calculation), with the first paragraph of its answer only.
    assert!(html.contains("The usual wrong answers"));
    assert!(html.contains("Which pair fires on input a?") && html.contains("ANSWER-SENTENCE"));
    assert!(!html.contains("NOT-A-QUESTION") && !html.contains("More that stays"));
    // Links leave instructor/ into public/; the presenter view links back.
    assert!(html.contains("href=\"../public/deck.html#"), "deck links");
    assert!(html.contains("href=\"../instructor/ta-table.html\""));
    let deck = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(deck.contains("\"guide\":\"../instructor/guide.html\""));
    let ta = std::fs::read_to_string(w.path().join("instructor/ta-table.html")).unwrap();
    assert!(ta.contains("guide.html"), "the TA table links the guide");

    // The short track: the long sections leave the plan and the clock.
    let o = w.run(&["build", "-q", "--track", "60", "--participants", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&path).unwrap();
    the_guide_follows_the_deck(&w.public(), &html);
    let r = report(&w.public());
    assert_eq!(r["guide"]["rows"].as_array().unwrap().len(), 4);
    assert_eq!(r["guide"]["end"], "10:30");
    assert!(!html.contains("Coffee"));
}

#[test]
fn published_keys_publish_the_guide_and_the_room_is_configurable() {
    let w = classroom();
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write(
        "workshop.toml",
        &format!("{toml}\n[sheets]\npublish_keys = true\n\n[classroom]\nparticipants = 12\nstart = \"14:05\"\n"),
    );
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(w.public().join("instructor/guide.html")).unwrap();
    assert!(
        html.contains("href=\"../deck.html#"),
        "links stay inside the site"
    );
    let deck = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(
        deck.contains("\"guide\":\"instructor/guide.html\""),
        "the presenter view links it"
    );
    let r = report(&w.public());
    assert_eq!(r["guide"]["participants"], 12);
    assert_eq!(r["guide"]["start"], "14:05");
    the_guide_follows_the_deck(&w.public(), &html);
}

#[test]
fn bad_classroom_settings_name_their_line() {
    let w = classroom();
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write(
        "workshop.toml",
        &format!("{toml}\n[classroom]\nstart = \"25:00\"\nparticipants = 0\n"),
    );
    let o = w.run(&["check"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("classroom.start") && err.contains("HH:MM"),
        "{err}"
    );
    assert!(err.contains("classroom.participants"), "{err}");
    assert!(err.contains("workshop.toml:"), "{err}");

    let w = classroom();
    let o = w.run(&["build", "-q", "--participants", "0"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--participants"), "{}", stderr(&o));
    w.write(
        "content/deck.md",
        &DECK.replace("activity=\"break\"", "activity=\"dance\""),
    );
    let o = w.run(&["check"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("unknown activity `dance`") && err.contains("deck.md:"),
        "{err}"
    );
}

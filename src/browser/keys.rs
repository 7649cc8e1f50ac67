//! Keys for `Input.dispatchKeyEvent`: the named keys the deck and the
//! tests press (arrows, Space, Enter, Escape, Home, End, PageUp/Down …) and
//! printable ASCII characters with their US-keyboard codes.

use anyhow::{Result, bail};

/// What `Input.dispatchKeyEvent` needs to know about a key.
pub(super) struct KeyInfo {
    pub key: String,
    pub code: String,
    pub vk: u32,
    pub text: Option<String>,
    pub modifiers: u32,
}

/// The CDP description of `name`: a named key or one printable ASCII
/// character.
pub(super) fn key_info(name: &str) -> Result<KeyInfo> {
    let named = |key: &str, code: &str, vk: u32, text: Option<&str>| KeyInfo {
        key: key.to_string(),
        code: code.to_string(),
        vk,
        text: text.map(str::to_string),
        modifiers: 0,
    };
    Ok(match name {
        "ArrowLeft" => named("ArrowLeft", "ArrowLeft", 37, None),
        "ArrowUp" => named("ArrowUp", "ArrowUp", 38, None),
        "ArrowRight" => named("ArrowRight", "ArrowRight", 39, None),
        "ArrowDown" => named("ArrowDown", "ArrowDown", 40, None),
        " " | "Space" => named(" ", "Space", 32, Some(" ")),
        "Enter" => named("Enter", "Enter", 13, Some("\r")),
        "Escape" => named("Escape", "Escape", 27, None),
        "Tab" => named("Tab", "Tab", 9, None),
        "Backspace" => named("Backspace", "Backspace", 8, None),
        "Home" => named("Home", "Home", 36, None),
        "End" => named("End", "End", 35, None),
        "PageUp" => named("PageUp", "PageUp", 33, None),
        "PageDown" => named("PageDown", "PageDown", 34, None),
        _ => {
            let mut chars = name.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                bail!("cannot press {name:?}: not a known key name or a single character");
            };
            anyhow::ensure!(
                c.is_ascii_graphic(),
                "cannot press {name:?}: only printable ASCII characters are supported"
            );
            let (code, vk, shift) = char_code(c);
            KeyInfo {
                key: c.to_string(),
                code,
                vk,
                text: Some(c.to_string()),
                modifiers: if shift { 8 } else { 0 },
            }
        }
    })
}

/// The physical key (`code`), Windows virtual key code and whether Shift is
/// held for a printable ASCII character on a US keyboard.
fn char_code(c: char) -> (String, u32, bool) {
    if c.is_ascii_alphabetic() {
        let upper = c.to_ascii_uppercase();
        return (
            format!("Key{upper}"),
            u32::from(upper),
            c.is_ascii_uppercase(),
        );
    }
    if c.is_ascii_digit() {
        return (format!("Digit{c}"), u32::from(c), false);
    }
    let (code, vk, shift) = match c {
        ';' => ("Semicolon", 186, false),
        ':' => ("Semicolon", 186, true),
        '=' => ("Equal", 187, false),
        '+' => ("Equal", 187, true),
        ',' => ("Comma", 188, false),
        '<' => ("Comma", 188, true),
        '-' => ("Minus", 189, false),
        '_' => ("Minus", 189, true),
        '.' => ("Period", 190, false),
        '>' => ("Period", 190, true),
        '/' => ("Slash", 191, false),
        '?' => ("Slash", 191, true),
        '`' => ("Backquote", 192, false),
        '~' => ("Backquote", 192, true),
        '[' => ("BracketLeft", 219, false),
        '{' => ("BracketLeft", 219, true),
        '\\' => ("Backslash", 220, false),
        '|' => ("Backslash", 220, true),
        ']' => ("BracketRight", 221, false),
        '}' => ("BracketRight", 221, true),
        '\'' => ("Quote", 222, false),
        '"' => ("Quote", 222, true),
        '!' => ("Digit1", 49, true),
        '@' => ("Digit2", 50, true),
        '#' => ("Digit3", 51, true),
        '$' => ("Digit4", 52, true),
        '%' => ("Digit5", 53, true),
        '^' => ("Digit6", 54, true),
        '&' => ("Digit7", 55, true),
        '*' => ("Digit8", 56, true),
        '(' => ("Digit9", 57, true),
        ')' => ("Digit0", 48, true),
        _ => ("", 0, false),
    };
    (code.to_string(), vk, shift)
}

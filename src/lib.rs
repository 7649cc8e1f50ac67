//! kvlens builds a workshop on the key-value view of a one-hidden-layer
//! network: it trains the network on MNIST, analyses it, and renders a
//! course, a slide deck, exercise sheets and a hands-on part.
//!
//! The table of contents (docs/ARCHITECTURE.md draws the data flow):
//!
//! - foundations: [`diag`], [`fsx`], [`num`], [`ui`], [`config`],
//!   [`output`], [`httpd`], [`browser`], [`print`], [`raster`];
//! - analysis: [`data`] → [`nn`] → [`model`] → [`kv`] → [`figures`],
//!   memoised in [`analysis`] (`Prepared`, `Analyses`); [`figure_files`];
//! - content: [`content`], [`shortcode`] (the scanner), [`shortcodes`]
//!   (the engine), [`embeds`] (figures, values, claims, calcs),
//!   [`markdown`], [`templates`];
//! - products behind [`product`]: [`course`], [`deck`], [`sheets`],
//!   [`handson`];
//! - the driver: [`build`] (build, check, the report), [`bundle`] (the
//!   offline classroom kit), [`serve`],
//!   [`commands`] (train, export, figures, explain, knockout), [`init`]
//!   (a new workshop from the copy the binary carries);
//! - [`session`]: where a command runs.
//!
//! Modules the binary, the tests and the benches do not name are
//! `pub(crate)`, and so is every item not reachable from outside
//! (`unreachable_pub`).
#![warn(unreachable_pub)]

pub mod analysis;
pub mod browser;
pub mod build;
pub mod bundle;
pub(crate) mod commands;
pub mod config;
pub(crate) mod content;
pub(crate) mod course;
pub mod data;
pub(crate) mod deck;
pub(crate) mod diag;
pub mod embeds;
pub(crate) mod figure_files;
pub(crate) mod figures;
pub(crate) mod fsx;
pub(crate) mod guide;
pub mod handson;
pub(crate) mod httpd;
pub mod init;
pub mod kv;
pub(crate) mod markdown;
pub mod model;
pub mod nn;
pub mod num;
pub mod output;
pub mod print;
pub mod product;
pub mod prof;
pub mod raster;
pub mod serve;
pub(crate) mod session;
pub(crate) mod sheets;
pub(crate) mod shortcode;
pub mod shortcodes;
pub(crate) mod templates;
pub mod ui;

pub use build::{BuildOptions, build, check};
pub use commands::{explain, export, figures::figures, knockout, train};
pub use session::{Session, default_cache_dir, load_config, load_data};

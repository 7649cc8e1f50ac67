//! The one integration-test binary: runs the real `kvlens` binary on fixture
//! workshops, and the data layer against a local HTTP mirror.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod browser;
mod bundle;
mod claims_grid;
mod cli;
mod common;
mod config_hostile;
mod course;
mod data_fetch;
mod deck;
mod deck_room;
mod derivations;
mod explain;
mod figure_data;
mod figures;
mod guide;
mod handson;
mod idx_hostile;
mod init;
mod marking;
mod mistakes;
mod notebook;
mod population;
mod serve;
mod serve_lan;
mod sheets;
mod sheets_real;
mod sheets_toy;
mod site;
mod toy_nets;
mod warm;
mod words;

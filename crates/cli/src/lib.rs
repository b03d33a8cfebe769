//! The `cloudcost` command line: every operation of the specs, with the AWS CLI's habits.
//!
//! ```text
//! cloudcost [--output json|table|csv] [--mock | --endpoint-url URL] [--region R] [--profile P]
//!           <service> <operation> [--input-json JSON|@file|-] [member flags] [--all-pages] [--max-items N] [--starting-token T]
//! cloudcost mock [--addr IP:PORT] [--dataset examples|synthetic --pages N --page-size M --seed S]
//!                [--fault-rate R --faults throttle,500,503,reset,truncate,slow] [--strict-auth]
//! ```
//!
//! The services, operations, their request and response schemas and pagination members
//! come from a table generated from the specs (`generated/`); the per-operation code there
//! only decodes the request and starts the typed client call. Everything else is generic
//! and hand-written here:
//!
//! - [`schema`]: a view of the exported JSON Schemas (flags, types, structural checks);
//! - [`shorthand`]: `K=V,K2=V2` and list values typed by the schema;
//! - [`call`]: the table's types and the helpers its functions call;
//! - [`output`]: merging pages, and flattening responses into table/CSV rows;
//! - [`resume`]: `NextToken` / `--starting-token` after `--max-items`;
//! - [`budget`]: `--plan`, `--max-requests`, `--max-cost` and `--period`, over the
//!   library's planner (`cloudcost_planner`); [`groups`]: `--group-by` more than twice; [`cache`]: the cache of closed periods;
//! - [`json`]: an ordered JSON tree that keeps numbers exact;
//! - [`command`]: the clap command tree; [`app`]: the entry that hands a command to its room;
//!   `run`: one operation's request, client and printing; `pages`: following pages;
//! - [`mock`]: `cloudcost mock` and the server `--mock` starts ([`mock::embedded`]);
//! - [`exit`]: the exit statuses every room shares;
//! - [`focus`]: `cloudcost focus export`, over the library `cloudcost_focus`.
//!
//! The rooms import downwards only: `app` uses `command`, `run` and `mock`; `run` uses
//! `pages`, `groups`, `budget`, `output` and `mock::embedded`; `groups`, `cache` and `command` use `budget`; `cache` uses `groups`; `mock` uses only `exit`.

#![forbid(unsafe_code)]

pub mod app;
pub mod budget;
pub mod cache;
pub mod call;
pub mod command;
pub mod exit;
pub mod focus;
pub mod groups;
pub mod json;
pub mod mock;
pub mod output;
mod pages;
pub mod resume;
mod run;
pub mod schema;
pub mod shorthand;

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

pub use app::run;
pub use generated::SERVICES;

//! Emitters: each reads the IR and returns files; none reads the specs.

pub mod cargo;
pub mod cli;
pub mod client;
pub mod enums;
pub mod literal;
pub mod mock;
pub mod model;
pub mod schema;
pub mod validate;

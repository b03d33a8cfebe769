//! Emitters: each reads the IR and returns files; none reads the specs.

pub mod cargo;
pub mod client;
pub mod enums;
pub mod model;
pub mod schema;
pub mod validate;

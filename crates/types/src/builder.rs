//! The error of a generated builder's `build()`: a required member was never set.
//!
//! Builders exist so that code keeps compiling when a spec adds an optional member; a
//! missing required member is the one thing they must still refuse, and the error names it
//! by its wire name (`TimePeriod`), the name the API documentation uses.

use std::fmt;

/// A required member left unset on a builder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingMember {
    /// The structure being built, e.g. `GetCostAndUsageRequest`.
    pub shape: &'static str,
    /// The member's wire name, e.g. `TimePeriod`.
    pub member: &'static str,
}

impl fmt::Display for MissingMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the required member `{}` was not set",
            self.shape, self.member
        )
    }
}

impl std::error::Error for MissingMember {}

/// A fluent call reports a missing member as validation does every other broken rule:
/// one violation at the member's path.
impl From<MissingMember> for crate::ValidationErrors {
    fn from(missing: MissingMember) -> Self {
        crate::ValidationErrors {
            errors: vec![crate::ValidationError {
                path: missing.member.to_owned(),
                message: "is required and was not set".to_owned(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_structure_and_the_member() {
        let e = MissingMember {
            shape: "DateInterval",
            member: "End",
        };
        assert_eq!(
            e.to_string(),
            "DateInterval: the required member `End` was not set"
        );
    }

    #[test]
    fn becomes_one_violation_at_the_member() {
        let errors = crate::ValidationErrors::from(MissingMember {
            shape: "GetCostAndUsageRequest",
            member: "TimePeriod",
        });
        assert_eq!(
            errors.to_string(),
            "1 invalid field(s): TimePeriod: is required and was not set"
        );
    }
}

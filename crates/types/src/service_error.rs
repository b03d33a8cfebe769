//! How a modelled service error (`LimitExceededException`, SCP's `BadRequestError`) reads:
//! its code, then the message the service sent, on one line whatever the server put in it.
//! Every generated exception's `Display` calls this, so they all read alike.

use std::fmt;

/// Writes `code`, then `: ` and `message` (control characters as spaces) when there is one.
pub fn fmt(f: &mut fmt::Formatter<'_>, code: &str, message: Option<&str>) -> fmt::Result {
    f.write_str(code)?;
    if let Some(message) = message.filter(|m| !m.trim().is_empty()) {
        f.write_str(": ")?;
        for c in message.chars() {
            fmt::Write::write_char(f, if c.is_control() { ' ' } else { c })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    struct E(&'static str, Option<&'static str>);

    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            super::fmt(f, self.0, self.1)
        }
    }

    #[test]
    fn the_code_then_the_message_on_one_line() {
        assert_eq!(E("Throttled", None).to_string(), "Throttled");
        assert_eq!(E("Throttled", Some("  ")).to_string(), "Throttled");
        assert_eq!(
            E("Throttled", Some("slow\ndown\t now")).to_string(),
            "Throttled: slow down  now"
        );
    }
}

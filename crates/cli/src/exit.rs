//! The exit statuses, one place for every room of the CLI (the calls and the mock server),
//! and how a failure is told on stderr.

/// Exit status: the call succeeded.
pub const EXIT_OK: i32 = 0;
/// Exit status: anything else failed (credentials, network, timeouts, output).
pub const EXIT_FAILURE: i32 = 1;
/// Exit status: the command line or the request is invalid; nothing was sent.
pub const EXIT_USAGE: i32 = 2;
/// Exit status: the service answered with an error.
pub const EXIT_API_ERROR: i32 = 3;
/// Exit status: the budget (`--max-requests`, `--max-cost`, or the default for billable
/// operations) stopped the run; what was fetched is written and the continuation printed.
pub const EXIT_BUDGET: i32 = 4;

/// What `--help` says of the statuses.
pub const EXIT_HELP: &str = "\
Exit status: 0 success; 1 failure (credentials, network, timeout); 2 invalid command line or \
request (nothing sent); 3 the service answered with an error; 4 the budget (--max-requests, \
--max-cost, or the default of billable operations) stopped the run: what was fetched is written \
and the continuation (--starting-token) printed on stderr.

Only the result goes to stdout; errors and the progress bar go to stderr.";

/// Prints `message` on stderr, prefixed with the program's name, and returns `code`.
pub fn fail(code: i32, message: &str) -> i32 {
    eprintln!("cloudcost: {message}");
    code
}

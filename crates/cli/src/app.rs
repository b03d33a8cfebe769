//! The entry of the command line: parse, then hand the command to its room: the mock
//! server, or one operation's run.

use std::ffi::OsString;

use crate::exit::{fail, EXIT_FAILURE, EXIT_USAGE};
use crate::SERVICES;

/// Runs the command line `args` (with the program name first) and returns the exit status.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match crate::command::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                EXIT_FAILURE,
                &format!("could not start the async runtime: {e}"),
            )
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        return fail(EXIT_USAGE, "no command given; see `cloudcost --help`");
    };
    if name == "mock" {
        // The client's options before `mock` parse at the root; they mean nothing here.
        if let Some(id) = crate::command::CLIENT_ARGS
            .iter()
            .find(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        {
            return fail(
                EXIT_USAGE,
                &format!("--{id} is an option of the client calls, not of `cloudcost mock`"),
            );
        }
        return runtime.block_on(crate::mock::serve(sub));
    }
    if name == "focus" {
        return runtime.block_on(crate::focus::run(&matches, sub));
    }
    if name == "cache" {
        return crate::cache::serve(sub);
    }
    let Some(service) = SERVICES.iter().find(|s| s.cli_name == name) else {
        return fail(EXIT_USAGE, &format!("unknown service `{name}`"));
    };
    let Some((op_name, op_matches)) = sub.subcommand() else {
        return fail(
            EXIT_USAGE,
            &format!("no operation given; see `cloudcost {name} --help`"),
        );
    };
    let Some(op) = service.operations.iter().find(|o| o.cli_name == op_name) else {
        return fail(EXIT_USAGE, &format!("unknown operation `{name} {op_name}`"));
    };
    runtime.block_on(crate::run::operation(service, op, &matches, op_matches))
}

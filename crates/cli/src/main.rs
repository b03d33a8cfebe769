//! `cloudcost`: see the library crate (`cloudcost_cli`) for what it does.

fn main() {
    std::process::exit(cloudcost_cli::run(std::env::args_os()));
}

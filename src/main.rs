//! The `ifss-sim` command line. Exit codes: 0 success, 2 invalid input (a scenario
//! that does not validate, a bad flag, a request over a limit, an output folder this run
//! may not use), 3 `verify` ran and some checks failed, 130 stopped by Ctrl-C before
//! writing anything, 1 anything else (a file that cannot be written).

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        // the reader of the output went away (`| head`): the work is done, stop quietly
        Err(e) if cli::is_stdout_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(cli::exit_code(&e))
        }
    }
}

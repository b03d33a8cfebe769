//! What the CLI's ledger tests share: a ledger mock on its own runtime (seed 7, as README's
//! cost job) whose request counter the tests read, and the `cloudcost` binary run with the
//! mock's test keys and nothing of the machine's AWS setup.

#![allow(dead_code)] // each test file uses part of it

use std::process::{Command, Output};
use std::sync::Arc;

use cloudcost_mock::cloudcost_ledger::{Ledger, Size};
use cloudcost_mock::{Dataset, LedgerData, MockConfig, MockServer, TestKeys};

pub const BIN: &str = env!("CARGO_BIN_EXE_cloudcost");

/// The ledger mock, shut down when dropped.
pub struct Mock {
    server: Option<MockServer>,
    runtime: tokio::runtime::Runtime,
}

impl Mock {
    /// A mock of `Ledger::generate(7, size)` paging `page_size` rows.
    pub fn start(size: Size, page_size: u32) -> Mock {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let server = runtime
            .block_on(MockServer::start(MockConfig {
                dataset: Dataset::Ledger(LedgerData {
                    ledger: Arc::new(Ledger::generate(7, size)),
                    page_size,
                }),
                ..MockConfig::default()
            }))
            .expect("the mock starts");
        Mock {
            server: Some(server),
            runtime,
        }
    }

    pub fn server(&self) -> &MockServer {
        self.server.as_ref().expect("running")
    }

    pub fn url(&self) -> String {
        self.server().url()
    }

    /// The billable requests the mock has answered so far.
    pub fn requests(&self) -> u64 {
        self.server().request_counts().billable_requests()
    }

    /// `cloudcost --endpoint-url <mock> <args>`, run to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run cloudcost")
    }

    /// `cloudcost --endpoint-url <mock> <args>`, to be run.
    pub fn command(&self, args: &[&str]) -> Command {
        let url = self.url();
        let mut cmd = cloudcost(&["--endpoint-url", &url]);
        cmd.args(args);
        cmd
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

/// The binary with the mock's test keys and nothing of the machine's AWS setup.
pub fn cloudcost(args: &[&str]) -> Command {
    let keys = TestKeys::default();
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("CLOUDCOST_TODAY")
        .env("AWS_ACCESS_KEY_ID", &keys.aws_access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &keys.aws_secret_access_key)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/cloudcost-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/cloudcost-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

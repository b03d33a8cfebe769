//! `cargo xtask semver` judges spec edits as users would feel them: adding an optional
//! member to a spec passes, renaming a member fails as breaking.
//!
//! Each case clones this repository into a temporary directory (so `HEAD` there is the
//! baseline), edits a spec, regenerates, and runs the real command on the clone. It needs
//! cargo-semver-checks, which the command installs on first use (`.ci/run` installs it
//! before the tests). The clones build in their own target directory, never waiting for
//! the build lock of the run that started them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is one level below the workspace root")
        .to_path_buf()
}

/// A clone of this repository's `HEAD` with `edit` applied to the Inspector2 spec and
/// the generated files regenerated.
fn edited_clone(dir: &Path, edit: impl Fn(&str) -> String) {
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(root())
        .arg(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git clone failed");
    let spec = dir.join("specs/aws-inspector2.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(&spec, edited).expect("write spec");
    let files = cloudcost_codegen::generate(dir).expect("the edited spec loads");
    cloudcost_codegen::write(dir, &files).expect("write generated files");
}

/// `cargo xtask semver --baseline HEAD` on `dir`: its exit status and all it printed.
fn semver(dir: &Path) -> (bool, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["semver", "--baseline", "HEAD", "--root"])
        .arg(dir)
        .env("CARGO_TARGET_DIR", root().join("target/semver-test"))
        .output()
        .expect("xtask runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The start of `UsageTotal`'s properties, where both cases edit.
const MEMBER: &str = "    UsageTotal:\n      type: object\n      description: The total usage for an account.\n      properties:\n        accountId:\n";

#[test]
fn an_added_optional_member_passes_and_a_renamed_member_fails() {
    let added = tempfile::tempdir().expect("tempdir");
    edited_clone(added.path(), |spec| {
        spec.replace(
            MEMBER,
            &MEMBER.replace(
                "      properties:\n",
                "      properties:\n        billingRegion:\n          type: string\n          description: The region the usage is billed in.\n",
            ),
        )
    });
    let (ok, text) = semver(added.path());
    assert!(ok, "an added optional member was refused:\n{text}");
    assert!(
        text.contains("no breaking change in the generated crates since HEAD"),
        "{text}"
    );

    let renamed = tempfile::tempdir().expect("tempdir");
    edited_clone(renamed.path(), |spec| {
        spec.replace(
            MEMBER,
            &MEMBER.replace("        accountId:\n", "        awsAccountId:\n"),
        )
    });
    let (ok, text) = semver(renamed.path());
    assert!(!ok, "a renamed member passed:\n{text}");
    assert!(text.contains("struct_pub_field_missing"), "{text}");
    assert!(
        text.contains("field account_id of struct UsageTotal"),
        "{text}"
    );
}

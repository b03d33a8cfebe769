"""Checks of `cloudcost focus export` by tools no one here wrote.

1. DuckDB (the Python wheel) reads each exported Parquet directory back as one dataset
   (`read_parquet('<dir>/**/*.parquet', hive_partitioning = true)`), and its sums of
   BilledCost and EffectiveCost by ServiceName and by SubAccountId must equal, as
   decimals, the API's amounts summed here with `decimal.Decimal`:
   - the test pages of crates/focus/tests/data (usage with a zero group and an empty day,
     a credit, a refund; SCP usages with zero and negative amounts) and SCP's documented
     example, converted by the library's example program (no network);
   - `cloudcost mock --dataset ledger --seed 7`, exported by `cloudcost focus export`
     (Jan-Mar 2024: usage, reservations, Savings Plans, credits, refunds and tax), the
     API's amounts read from the same mock by `cloudcost ce get-cost-and-usage` and
     `cloudcost scp list-usages` (grouped by SERVICE and by LINKED_ACCOUNT, all pages).
   The documented GetCostAndUsage example is refused with its page and reason (it is not
   grouped by account).
2. The FinOps Foundation's focus-validator 2.0.2 (FOCUS 1.2) on every export, run from its
   package directory (its currency rule reads a relative file), with
   `--applicability-criteria SUB_ACCOUNT_SUPPORTED`, its JUnit XML read (it exits 0 even on
   failures): the failing rules must be exactly those FOCUS.md's table "The gaps, checked"
   lists for the cloud, no more and no fewer.

Usage: focus_check.py ROOT CLOUDCOST CONVERT (the binaries built with the feature parquet).
The last line is `N passed, M failed`.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import focus_validator

ROOT = Path(sys.argv[1])
CLOUDCOST = sys.argv[2]
CONVERT = sys.argv[3]
DATA = ROOT / "crates" / "focus" / "tests" / "data"
PASSED = 0
FAILED = 0


def check(name, ok, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"ok   {name}")
    else:
        FAILED += 1
        print(f"FAIL {name}: {detail}")


def duck_sums(directory):
    """{(by, key): (billed, effective)} from DuckDB, by ServiceName and by SubAccountId, or
    the exception that stopped it."""
    try:
        return _duck_sums(directory)
    except Exception as e:  # noqa: BLE001
        return e


def _duck_sums(directory):
    out = {}
    for by in ("ServiceName", "SubAccountId"):
        rows = duckdb.sql(
            f"SELECT {by}, sum(BilledCost), sum(EffectiveCost) FROM "
            f"read_parquet('{directory}/**/*.parquet', hive_partitioning = true) GROUP BY 1"
        ).fetchall()
        for key, billed, effective in rows:
            assert isinstance(billed, Decimal), f"DuckDB read {type(billed)}, not a DECIMAL"
            out[(by, key)] = (billed, effective)
    return out


def add(sums, by, key, billed, effective):
    b, e = sums.get((by, key), (Decimal(0), Decimal(0)))
    sums[(by, key)] = (b + billed, e + effective)


def aws_page_sums(pages, sums):
    """Sums of GetCostAndUsage pages grouped by LINKED_ACCOUNT and SERVICE."""
    for page in pages:
        for result in page.get("ResultsByTime", []):
            for g in result.get("Groups", []):
                account, service = g["Keys"]
                billed = Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
                effective = Decimal(g["Metrics"]["AmortizedCost"]["Amount"])
                add(sums, "ServiceName", service, billed, effective)
                add(sums, "SubAccountId", account, billed, effective)


def scp_page_sums(pages, sums):
    for page in pages:
        for u in page.get("usages", []):
            krw = Decimal(u["amounts"]["krw"])
            add(sums, "ServiceName", u["billing_item_id"], krw, krw)
            add(sums, "SubAccountId", u["account_id"], krw, krw)


def same(name, got, want):
    if isinstance(got, Exception):
        check(name, False, f"DuckDB could not read the export: {got}")
    elif got == want:
        check(name, True)
    else:
        diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
        check(name, False, f"DuckDB vs API differ at {sorted(diff.items())[:5]}")


def expected_gaps():
    """The failing rules FOCUS.md's table lists, per cloud."""
    text = (ROOT / "FOCUS.md").read_text(encoding="utf-8")
    section = text.split("## The gaps, checked", 1)[1]
    gaps = {"aws": set(), "scp": set()}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.search(r"-C-\d{3}-", cells[1]):
            continue
        for cloud in cells[0].split(","):
            gaps[cloud.strip().lower()] |= {r.strip() for r in cells[1].split(",")}
    return gaps


def validate(name, directory, want):
    """Runs focus-validator on the directory (merged into one file by DuckDB)."""
    merged = Path(directory).parent / (Path(directory).name + ".parquet")
    try:
        duckdb.sql(
            f"COPY (SELECT * FROM read_parquet('{directory}/**/*.parquet')) TO '{merged}' (FORMAT parquet)"
        )
    except Exception as e:  # noqa: BLE001
        check(name, False, f"DuckDB could not read the export: {e}")
        return
    xml = Path(directory).parent / (Path(directory).name + ".xml")
    package_dir = Path(focus_validator.__file__).parent.parent
    cmd = [
        str(Path(sys.executable).parent / "focus-validator"),
        "--data-file", str(merged),
        "--validate-version", "1.2",
        "--output-type", "unittest",
        "--output-destination", str(xml),
        "--applicability-criteria", "SUB_ACCOUNT_SUPPORTED",
    ]
    run = subprocess.run(cmd, cwd=package_dir, capture_output=True, text=True)
    if not xml.exists():
        check(name, False, f"no JUnit XML (exit {run.returncode}): {run.stderr[-500:]}")
        return
    tree = ET.parse(xml)
    cases = list(tree.iter("testcase"))
    failing = {
        tc.get("name").split(" ")[0]
        for tc in cases
        if tc.find("failure") is not None or tc.find("error") is not None
    }
    if len(cases) < 500:
        check(name, False, f"only {len(cases)} rules ran")
    elif failing == want:
        check(f"{name} ({len(cases)} rules, failing exactly {sorted(failing)})", True)
    else:
        check(name, False, f"unexpected failures {sorted(failing - want)}, expected but passing {sorted(want - failing)}")


def convert(cloud, out, files):
    return subprocess.run([CONVERT, cloud, str(out), "parquet", *files], capture_output=True, text=True)


def fixtures(tmp, gaps):
    pages = {"Usage": "aws-usage.json", "Credit": "aws-credit.json", "Refund": "aws-refund.json"}
    out = tmp / "fixtures-aws"
    run = convert("aws", out, [f"{rt}={DATA / f}" for rt, f in pages.items()])
    check("convert the AWS test pages", run.returncode == 0, run.stderr)
    want = {}
    aws_page_sums([json.loads((DATA / f).read_text()) for f in pages.values()], want)
    same("AWS test pages (usage, zero rows, credit, refund): DuckDB sums = API amounts", duck_sums(out), want)
    validate("focus-validator on the AWS test pages", out, gaps["aws"])

    scp_files = [DATA / "scp-usages.json", ROOT / "specs/examples/scp-ce/ListUsages.response.json"]
    out = tmp / "fixtures-scp"
    run = convert("scp", out, [str(f) for f in scp_files])
    check("convert the SCP test pages and documented example", run.returncode == 0, run.stderr)
    want = {}
    scp_page_sums([json.loads(f.read_text()) for f in scp_files], want)
    same("SCP test pages and documented example: DuckDB sums = API amounts", duck_sums(out), want)
    validate("focus-validator on the SCP test pages", out, gaps["scp"])

    documented = ROOT / "specs/examples/aws-ce/GetCostAndUsage.response.json"
    run = convert("aws", tmp / "documented-aws", [f"Usage={documented}"])
    check(
        "the documented GetCostAndUsage example is refused with its page and reason",
        run.returncode != 0 and "page 0, the page: GroupDefinitions: no LINKED_ACCOUNT" in run.stderr
        and not (tmp / "documented-aws").exists(),
        run.stderr,
    )


class Mock:
    def __enter__(self):
        self.proc = subprocess.Popen(
            [CLOUDCOST, "mock", "--dataset", "ledger", "--seed", "7"],
            stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline().strip()
        self.url = line.removeprefix("listening on ")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()

    def cloudcost(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDCLOUDCOSTMOCK000", AWS_SECRET_ACCESS_KEY="x",
                   SCP_ACCESS_KEY="k", SCP_SECRET_KEY="s", SCP_ACCOUNT_ID="a")
        return subprocess.run([CLOUDCOST, "--endpoint-url", self.url, "--region", "us-east-1", *args],
                              capture_output=True, text=True, env=env)

    def requests(self):
        import urllib.request
        with urllib.request.urlopen(f"{self.url}/__cloudcost/requests") as r:
            return json.loads(r.read())


def ledger(tmp, gaps):
    start, end = "2024-01-01", "2024-04-01"
    with Mock() as mock:
        want = {}
        for key in ("SERVICE", "LINKED_ACCOUNT"):
            run = mock.cloudcost(
                "ce", "get-cost-and-usage", "--time-period", f"Start={start},End={end}",
                "--granularity", "MONTHLY", "--metrics", "UnblendedCost", "AmortizedCost",
                "--group-by", f"Type=DIMENSION,Key={key}", "--all-pages",
            )
            check(f"the API's amounts by {key}", run.returncode == 0, run.stderr)
            by = "ServiceName" if key == "SERVICE" else "SubAccountId"
            for result in json.loads(run.stdout or "{}").get("ResultsByTime", []):
                for g in result.get("Groups", []):
                    m = g["Metrics"]
                    add(want, by, g["Keys"][0], Decimal(m["UnblendedCost"]["Amount"]), Decimal(m["AmortizedCost"]["Amount"]))
        out = tmp / "ledger-aws"
        run = mock.cloudcost("focus", "export", "--cloud", "aws", "--start", start, "--end", end,
                             "--out", str(out), "--format", "parquet")
        check("export AWS from the ledger mock", run.returncode == 0, run.stderr)
        check("the plan and its price are printed before sending",
              "focus export plan: 1 discovery request" in run.stderr and "at least 2 requests (0.02 USD)" in run.stderr,
              run.stderr)
        rts = re.search(r"record types ([^:]+):", run.stderr)
        rts = rts.group(1).split(", ") if rts else []
        check("the ledger's Jan-Mar 2024 has credits, refunds and tax",
              {"Credit", "Refund", "Tax", "Usage"} <= set(rts), rts)
        sent = re.search(r"(\d+) requests sent", run.stderr)
        check("requests sent = 1 + one per record type (pages of 1) as printed",
              sent is not None and int(sent.group(1)) >= 1 + len(rts), run.stderr)
        same("ledger mock AWS: DuckDB sums by service and account = the API's amounts", duck_sums(out), want)
        validate("focus-validator on the ledger mock's AWS export", out, gaps["aws"])

        out = tmp / "ledger-aws-payer"
        run = mock.cloudcost("focus", "export", "--cloud", "aws", "--start", start, "--end", end,
                             "--out", str(out), "--format", "parquet", "--billing-account-id", "123456789012")
        check("export AWS with --billing-account-id", run.returncode == 0, run.stderr)
        validate("focus-validator with --billing-account-id: BillingAccountId passes", out,
                 {r for r in gaps["aws"] if not r.startswith("BillingAccountId")})

        last = "2024-03-31"
        run = mock.cloudcost("scp", "list-usages", "--start-date", start, "--end-date", last, "--all-pages")
        check("the SCP API's usages", run.returncode == 0, run.stderr)
        want = {}
        scp_page_sums([json.loads(run.stdout or "{}")], want)
        out = tmp / "ledger-scp"
        run = mock.cloudcost("focus", "export", "--cloud", "scp", "--start", start, "--end", end,
                             "--out", str(out), "--format", "parquet")
        check("export SCP from the ledger mock", run.returncode == 0, run.stderr)
        same("ledger mock SCP: DuckDB sums by service and account = the API's amounts", duck_sums(out), want)
        periods = sorted(p.name for p in out.iterdir())
        check("partitioned by billing period", periods == [f"billing_period=2024-0{m}" for m in (1, 2, 3)], periods)
        validate("focus-validator on the ledger mock's SCP export", out, gaps["scp"])


def main():
    gaps = expected_gaps()
    check("FOCUS.md lists the gaps of both clouds", bool(gaps["aws"]) and bool(gaps["scp"]), gaps)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        fixtures(tmp, gaps)
        ledger(tmp, gaps)
    print(f"{PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()

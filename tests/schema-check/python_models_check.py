#!/usr/bin/env python3
"""The generated pydantic models (python/cloudcost_models/) against real data.

Usage: python_models_check.py WORKSPACE_ROOT CLOUDCOST_BINARY

1. Every documented example (the specs' externalValue files, found as
   validate_examples.py finds them) loads into the model of its schema.
2. A page of the mock's synthetic data loads into each operation's response model:
   `cloudcost mock --dataset synthetic` is started and every operation of every family is
   called through the `cloudcost` CLI (which prints the response's wire JSON).
3. Decimals are `decimal.Decimal` with every digit (the 34-digit utilization of the
   GetReservationUtilization example, compared as text), and no model field is a float.
4. Enum members accept values the models do not list, keep them, and write them back.

Prints one line per check and ends with `N passed, M failed`; exits 1 if anything failed.
"""

from __future__ import annotations

import decimal
import enum
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from validate_examples import Report, collect_examples  # noqa: E402

# The mock's fixed test keys (cloudcost_mock::TestKeys::default()).
TEST_KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIDCLOUDCOSTMOCK000",
    "AWS_SECRET_ACCESS_KEY": "cloudcost-mock-aws-secret-access-key",
    "AWS_REGION": "us-east-1",
    "SCP_ACCESS_KEY": "cloudcost-mock-scp-access-key",
    "SCP_SECRET_KEY": "cloudcost-mock-scp-secret-key",
    "SCP_ACCOUNT_ID": "cloudcost-mock-account",
}
# The request of each mock call: the documented request example, except here (Inspector2
# documents none; SCP's resumes from a marker the synthetic data has no item for); `{}`
# when there is neither.
REQUESTS = {
    "BatchGetFreeTrialInfo": {"accountIds": ["123456789012"]},
    "ListUsages": {},
}


def module(family: str):
    return importlib.import_module(f"cloudcost_models.{family.replace('-', '_')}")


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def check(rep: Report, what: str, fn) -> None:
    try:
        problem = fn()
    except Exception as e:  # noqa: BLE001 - report any failure as this check's
        rep.fail(what, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        return
    if problem:
        rep.fail(what, problem)
    else:
        rep.ok(what)


def documented_examples(root: Path, rep: Report, parse_json) -> int:
    count = 0
    for label, ex_path, schema_path in collect_examples(root, rep):
        count += 1
        family, name = schema_path.parent.name, schema_path.stem

        def load(ex_path=ex_path, family=family, name=name):
            model = getattr(module(family), name)
            parse_json(model, ex_path.read_bytes())

        check(rep, f"{label}: {ex_path.relative_to(root)} loads as {family}.{name}", load)
    if count == 0:
        rep.fail("documented examples", "none found")
    return count


def operations(root: Path):
    """(family, cliName, operationId, request example file or None, response model name)."""
    for path in sorted((root / "openapi").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        svc = doc["x-cloudcost-service"]
        for item in doc["paths"].values():
            for op in item.values():
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                ok = op["responses"]["200"]["content"]
                (content,) = ok.values()
                response = content["schema"]["$ref"].rsplit("/", 1)[-1]
                yield svc["family"], svc["cliName"], op["operationId"], response


def request_for(root: Path, family: str, operation: str):
    example = root / "specs" / "examples" / family / f"{operation}.request.json"
    if operation not in REQUESTS and example.is_file():
        return f"@{example}"
    return json.dumps(REQUESTS.get(operation, {}))


class Mock:
    """`cloudcost mock` in a child process; its first stdout line names the URL."""

    def __init__(self, binary: str, *args: str):
        self.proc = subprocess.Popen([binary, "mock", "--addr", "127.0.0.1:0", *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"cloudcost mock printed {line!r}, expected 'listening on <url>'")
        self.url = line.split()[-1]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=15)


def mock_pages(root: Path, binary: str, rep: Report, parse_json) -> None:
    mock = Mock(binary, "--dataset", "synthetic", "--pages", "2", "--page-size", "4", "--seed", "13")
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {"PATH": os.environ.get("PATH", ""), "HOME": home, **TEST_KEYS}
            ops = list(operations(root))
            if not ops:
                rep.fail("mock pages", "no operation in openapi/*.json")
            for family, cli, op, response in ops:
                what = f"a synthetic page of `cloudcost {cli} {kebab(op)}` loads as {family}.{response}"

                def call(family=family, cli=cli, op=op, response=response):
                    args = [binary, "--endpoint-url", mock.url, cli, kebab(op), "--input-json", request_for(root, family, op)]
                    out = subprocess.run(args, env=env, capture_output=True, timeout=60)
                    if out.returncode != 0:
                        return f"exit {out.returncode}: {out.stderr.decode(errors='replace').strip()}"
                    page = parse_json(getattr(module(family), response), out.stdout)
                    if not page.model_dump(exclude_none=True):
                        return "the page is empty"
                    return None

                check(rep, what, call)
    finally:
        mock.stop()


def decimals(root: Path, rep: Report, parse_json) -> None:
    ce = module("aws-ce")
    text = (root / "specs/examples/aws-ce/GetReservationUtilization.response.json").read_bytes()
    digits = "69.11368320913270968764864436340574"

    def exact_34_digits():
        page = parse_json(ce.GetReservationUtilizationResponse, text)
        value = page.utilizations_by_time[0].total.utilization_percentage
        if not isinstance(value, decimal.Decimal):
            return f"{type(value).__name__}, not Decimal"
        if str(value) != digits:
            return f"{value} instead of {digits}"
        # Written back with every digit too.
        if digits not in page.model_dump_json():
            return "model_dump_json() lost digits"
        return None

    check(rep, f"GetReservationUtilization's UtilizationPercentage is Decimal('{digits}')", exact_34_digits)

    def string_amount():
        text = (root / "specs/examples/aws-ce/GetCostAndUsage.response.json").read_text(encoding="utf-8")
        raw = json.loads(text)["ResultsByTime"][0]["Groups"][0]["Metrics"]["BlendedCost"]["Amount"]
        page = parse_json(ce.GetCostAndUsageResponse, text)
        value = page.results_by_time[0].groups[0].metrics["BlendedCost"].amount
        if not (isinstance(value, decimal.Decimal) and str(value) == raw):
            return f"{value!r} for the wire string {raw!r}"
        return None

    check(rep, "GetCostAndUsage's string Amount is a Decimal with the same digits", string_amount)

    def no_float_fields():
        floats = []
        # Every family of schemas/, so a family added as a spec is covered with no edit here.
        for family in sorted(p.name for p in (root / "schemas").iterdir() if p.is_dir()):
            for name, cls in vars(module(family)).items():
                fields = getattr(cls, "model_fields", None)
                if not isinstance(fields, dict):
                    continue
                for field, info in fields.items():
                    if "float" in repr(info.annotation):
                        floats.append(f"{family}.{name}.{field}: {info.annotation!r}")
        return "; ".join(floats) or None

    check(rep, "no model field is a float", no_float_fields)


def enums(root: Path, rep: Report, parse_json) -> None:
    ce, inspector2 = module("aws-ce"), module("aws-inspector2")

    def unknown_request_enum():
        body = json.dumps(
            {"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"}, "Granularity": "WEEKLY", "Metrics": ["UnblendedCost"]}
        )
        request = parse_json(ce.GetCostAndUsageRequest, body)
        g = request.granularity
        if not isinstance(g, ce.Granularity) or g.value != "WEEKLY" or g != "WEEKLY":
            return f"{g!r}"
        if json.loads(request.model_dump_json(by_alias=True, exclude_none=True))["Granularity"] != "WEEKLY":
            return "not written back as WEEKLY"
        if ce.Granularity("MONTHLY") is not ce.Granularity.MONTHLY:
            return "a known value is no longer its member"
        if list(ce.Granularity) != [ce.Granularity.DAILY, ce.Granularity.MONTHLY, ce.Granularity.HOURLY]:
            return f"the members changed: {list(ce.Granularity)}"
        return None

    check(rep, "an unknown Granularity (WEEKLY) loads, keeps its value and is written back", unknown_request_enum)

    def documented_dimension():
        text = (root / "specs/examples/aws-ce/GetReservationUtilization.request.json").read_bytes()
        t = parse_json(ce.GetReservationUtilizationRequest, text).group_by[0].type
        if not isinstance(t, ce.GroupDefinitionType) or t.value != "Dimension":
            return f"{t!r}"
        return None

    check(rep, "the documented GroupDefinitionType `Dimension` (not DIMENSION) is kept as given", documented_dimension)

    def unknown_response_enum():
        body = json.dumps(
            {
                "accounts": [
                    {
                        "accountId": "123456789012",
                        "freeTrialInfo": [
                            {"type": "QUANTUM", "start": 1716940800, "end": 1719532800.5, "status": "PAUSED"}
                        ],
                    }
                ],
                "failedAccounts": [],
            }
        )
        page = parse_json(inspector2.BatchGetFreeTrialInfoResponse, body)
        info = page.accounts[0].free_trial_info[0]
        if (info.type.value, info.status.value) != ("QUANTUM", "PAUSED"):
            return f"{info.type!r} {info.status!r}"
        if not all(isinstance(m, enum.Enum) for m in (info.type, info.status)):
            return "not enum members"
        return None

    check(rep, "unknown Inspector2 free-trial type and status load and keep their values", unknown_response_enum)


def main(argv) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    root, binary = Path(argv[1]).resolve(), argv[2]
    sys.path.insert(0, str(root / "python"))
    from cloudcost_models import parse_json

    rep = Report()
    documented_examples(root, rep, parse_json)
    decimals(root, rep, parse_json)
    enums(root, rep, parse_json)
    try:
        mock_pages(root, binary, rep, parse_json)
    except Exception as e:  # noqa: BLE001 - the mock did not start
        rep.fail("cloudcost mock --dataset synthetic", f"{type(e).__name__}: {e}")
    print(f"{rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

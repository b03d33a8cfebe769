"""boto3 against `cloudcost mock`: a client nobody here wrote must parse every response with
the expected values, raise the modeled exception class (with the protocol's status) for each
error the mock returns, decode a page the mock synthesises exactly as our CLI decodes it, and
page through a synthetic dataset with its own paginator.

The AWS families and their operations are read from specs/*.yaml (every family whose auth
is SigV4), not listed here: a new operation or family is covered, or fails, by itself.

Usage: python boto3_interop.py ROOT CLOUDCOST_BINARY
Prints one line per test and ends with `N passed, M failed`; exits non-zero on a failure.
"""

import datetime
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request
from decimal import Decimal

import boto3
import botocore
import yaml
from botocore.config import Config
from botocore.exceptions import ClientError

from compare import normalised  # tests/interop/compare.py, beside this script

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
BINARY = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "debug", "cloudcost")

# The mock's fixed test keys (cloudcost_mock::TestKeys::default()); with --strict-auth the
# mock verifies botocore's own SigV4 signatures with them.
ACCESS_KEY = "AKIDCLOUDCOSTMOCK000"
SECRET_KEY = "cloudcost-mock-aws-secret-access-key"
ERROR_HEADER = "x-cloudcost-mock-error"
PAGES, PAGE_SIZE = 205, 2

# The spec's protocol names, as botocore names them.
BOTOCORE_PROTOCOLS = {"awsJson1_1": "json", "restJson1": "rest-json"}

# The request each operation is called with: its documented request example when there is
# one (specs/examples/<family>/<Operation>.request.json), else this, else `{}`. Inspector2
# documents no examples.
REQUESTS = {
    "BatchGetFreeTrialInfo": {"accountIds": ["123456789012"]},
}


class Family:
    """An AWS family of specs/*.yaml: its name, CLI name, botocore service and protocol, and
    its operations (operationIds, in the spec's order)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            spec = yaml.safe_load(f)
        svc = spec["x-cloudcost-service"]
        self.family = svc["family"]
        self.cli = svc["cliName"]
        self.protocol = svc["protocol"]
        reference = svc.get("reference") or {}
        if reference.get("source") != "botocore" or not reference.get("service"):
            raise RuntimeError(f"{path}: an AWS family without a botocore reference service: {reference!r}")
        self.service = reference["service"]
        self.operations = [
            op["operationId"]
            for item in spec["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        ]

    def __repr__(self):
        return self.family


def aws_families():
    """Every family of specs/*.yaml that signs with SigV4."""
    families = []
    for path in sorted(glob.glob(os.path.join(ROOT, "specs", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            svc = yaml.safe_load(f)["x-cloudcost-service"]
        if svc["auth"]["scheme"] == "sigv4":
            families.append(Family(path))
    return families


FAMILIES = aws_families()


def operations():
    """(family, operationId) for every AWS operation of the specs."""
    return [(family, op) for family in FAMILIES for op in family.operations]


def request_for(family, operation):
    path = os.path.join(ROOT, "specs", "examples", family.family, f"{operation}.request.json")
    if operation not in REQUESTS and os.path.isfile(path):
        with open(path) as f:
            return json.load(f)
    return REQUESTS.get(operation, {})


def kebab(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def method(c, operation):
    """botocore's method name for an operation name."""
    names = [m for m, api in c.meta.method_to_api_mapping.items() if api == operation]
    if len(names) != 1:
        raise AssertionError(f"botocore's {c.meta.service_model.service_name} has no method for {operation}: {names}")
    return getattr(c, names[0])


def expected_status(protocol, shape):
    """The HTTP status of a modeled error, by the protocol's rule: the status the model gives
    it (Smithy's @httpError, botocore's `httpStatusCode`); else, in awsJson1.1, 400 (every
    Cost Explorer error is a 400, told apart by `__type`); else, in restJson1, 400 for a
    client error and 500 for a server error (Smithy's default for @error without
    @httpError)."""
    error = shape.metadata.get("error", {})
    if "httpStatusCode" in error:
        return error["httpStatusCode"]
    if protocol == "json":
        return 400
    if protocol == "rest-json":
        return 400 if error.get("senderFault") else 500
    raise AssertionError(f"no status rule for the protocol {protocol!r} ({shape.name})")


def items_in(page):
    """How many entries the page's lists hold, nested ones included."""
    if isinstance(page, dict):
        return sum(items_in(v) for v in page.values())
    if isinstance(page, list):
        return len(page) + sum(items_in(v) for v in page)
    return 0


class Mock:
    """`cloudcost mock` in a child process; its first stdout line names the URL."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BINARY, "mock", "--addr", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"cloudcost mock printed {line!r}, expected 'listening on <url>'")
        self.url = line.split()[-1]

    def stop(self):
        """Ctrl-C, as a user would; the mock must exit cleanly and promptly."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=15)


def example(name):
    with open(os.path.join(ROOT, "specs", "examples", "aws-ce", name)) as f:
        return json.load(f)


def client(service, url, **config):
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    # One attempt: an injected throttling error must reach the test, not botocore's retries.
    config.setdefault("retries", {"total_max_attempts": 1, "mode": "standard"})
    return session.client(service, endpoint_url=url, config=Config(**config))


def send_header(c, name, value):
    """Adds a header to every request of client `c` (before signing, so it is signed)."""

    def add(request, **_):
        request.headers[name] = value

    c.meta.events.register("before-sign.*.*", add)


def raw_post(url, path, body, target=None):
    """The same request without botocore, to see the body botocore parsed."""
    headers = {
        "Content-Type": "application/x-amz-json-1.1" if target else "application/json",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20240101/us-east-1/x/aws4_request, SignedHeaders=host, Signature=00",
        "X-Amz-Date": "20240101T000000Z",
    }
    if target:
        headers["X-Amz-Target"] = target
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req) as response:
        return json.loads(response.read())


def without_metadata(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class Interop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Documented examples, with botocore's signatures verified.
        cls.examples = Mock("--strict-auth")
        # A synthetic dataset for the paginator; presence-only auth so raw requests pass.
        cls.synthetic = Mock("--dataset", "synthetic", "--pages", str(PAGES), "--page-size", str(PAGE_SIZE), "--seed", "3")

    @classmethod
    def tearDownClass(cls):
        codes = [cls.examples.stop(), cls.synthetic.stop()]
        assert codes == [0, 0], f"the mocks exited with {codes} on Ctrl-C"

    # ------------------------------------------------------------------ responses

    def test_get_cost_and_usage_parses_to_the_documented_example(self):
        ce = client("ce", self.examples.url)
        got = ce.get_cost_and_usage(
            TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"},
            Granularity="MONTHLY",
            Metrics=["BlendedCost", "UnblendedCost", "UsageQuantity"],
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": "Environment"}],
        )
        self.assertEqual(without_metadata(got), example("GetCostAndUsage.response.json"))
        self.assertTrue(got["ResponseMetadata"]["RequestId"])
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_get_reservation_utilization_parses_to_the_documented_example(self):
        ce = client("ce", self.examples.url)
        request = example("GetReservationUtilization.request.json")
        got = ce.get_reservation_utilization(**request)
        self.assertEqual(without_metadata(got), example("GetReservationUtilization.response.json"))

    def test_list_usage_totals_parses_every_value(self):
        insp = client("inspector2", self.synthetic.url)
        got = insp.list_usage_totals(maxResults=5)
        raw = raw_post(self.synthetic.url, "/usage/list", {"maxResults": 5})
        self.assertEqual(without_metadata(got), raw)
        self.assertEqual(len(got["totals"]), 5)
        usage = got["totals"][0]["usage"][0]
        self.assertIsInstance(usage["total"], float)

    def test_batch_get_free_trial_info_parses_timestamps(self):
        insp = client("inspector2", self.examples.url)
        got = insp.batch_get_free_trial_info(accountIds=["123456789012"])
        self.assertTrue(got["accounts"])
        for account in got["accounts"]:
            for info in account["freeTrialInfo"]:
                self.assertIsInstance(info["start"], datetime.datetime)
                self.assertEqual(info["start"].utcoffset(), datetime.timedelta(0))
        raw = raw_post(self.synthetic.url, "/freetrialinfo/batchget", {"accountIds": ["123456789012"]})
        parsed = client("inspector2", self.synthetic.url).batch_get_free_trial_info(accountIds=["123456789012"])
        self.assertTrue(raw["accounts"], "the synthetic page has no accounts")
        self.assertEqual(len(parsed["accounts"]), len(raw["accounts"]))
        for want, got in zip(raw["accounts"], parsed["accounts"], strict=True):
            self.assertTrue(want["freeTrialInfo"], "an account without freeTrialInfo")
            self.assertEqual(len(got["freeTrialInfo"]), len(want["freeTrialInfo"]))
            for w, g in zip(want["freeTrialInfo"], got["freeTrialInfo"], strict=True):
                self.assertEqual(g["start"].timestamp(), w["start"])
                self.assertEqual(g["end"].timestamp(), w["end"])
                self.assertEqual(g["status"], w["status"])

    # --------------------------------------------------------------------- errors

    def test_the_specs_aws_families_are_botocores(self):
        # What the rest of the suite iterates over: at least the two families, each with
        # operations, each spec's protocol the one botocore's model has.
        self.assertGreaterEqual(len(FAMILIES), 2, f"AWS families in specs/*.yaml: {FAMILIES}")
        for family in FAMILIES:
            with self.subTest(family=family.family):
                self.assertTrue(family.operations, f"{family.family} has no operations")
                self.assertIn(family.protocol, BOTOCORE_PROTOCOLS)
                c = client(family.service, self.examples.url)
                self.assertEqual(c.meta.service_model.protocol, BOTOCORE_PROTOCOLS[family.protocol])
                for op in family.operations:
                    self.assertIn(op, c.meta.service_model.operation_names)

    def test_every_modeled_error_raises_its_modeled_exception_with_its_status(self):
        ops = operations()
        self.assertTrue(ops, "no AWS operation in specs/*.yaml")
        for family, operation in ops:
            c = client(family.service, self.examples.url)
            protocol = c.meta.service_model.protocol
            model = c.meta.service_model.operation_model(operation)
            request = request_for(family, operation)
            with self.subTest(operation=operation):
                self.assertTrue(model.error_shapes, f"botocore models no error of {operation}")
            for shape in model.error_shapes:
                code = shape.metadata.get("error", {}).get("code", shape.name)
                with self.subTest(operation=operation, error=shape.name):
                    c = client(family.service, self.examples.url)
                    send_header(c, ERROR_HEADER, code)
                    exception = getattr(c.exceptions, shape.name)
                    with self.assertRaises(exception) as caught:
                        method(c, operation)(**request)
                    error = caught.exception.response["Error"]
                    self.assertEqual(error["Code"], code)
                    self.assertTrue(error.get("Message"), caught.exception.response)
                    self.assertEqual(
                        caught.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                        expected_status(protocol, shape),
                        f"{protocol} status of {shape.name}",
                    )

    def test_throttling_carries_retry_after(self):
        c = client("inspector2", self.examples.url)
        send_header(c, ERROR_HEADER, "ThrottlingException")
        with self.assertRaises(c.exceptions.ThrottlingException) as caught:
            c.list_usage_totals()
        self.assertIn("retry-after", {k.lower() for k in caught.exception.response["ResponseMetadata"]["HTTPHeaders"]})

    def test_invalid_input_gets_the_validation_error(self):
        # botocore validates before sending; switch that off to see the server's answer.
        insp = client("inspector2", self.examples.url, parameter_validation=False)
        with self.assertRaises(insp.exceptions.ValidationException) as caught:
            insp.list_usage_totals(maxResults=0)
        body = caught.exception.response
        self.assertEqual(body["reason"], "FIELD_VALIDATION_FAILED")
        self.assertIn("maxResults", [f["name"] for f in body["fields"]])
        ce = client("ce", self.examples.url, parameter_validation=False)
        with self.assertRaises(ClientError) as caught:
            ce.get_cost_and_usage(TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="WEEKLY", Metrics=["BlendedCost"])
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Granularity", caught.exception.response["Error"]["Message"])

    def test_documented_rules_get_the_validation_error(self):
        # Rules of the API reference that botocore cannot check (its model has no words for
        # them): the mock answers them as the service does, with ValidationException.
        ce = client("ce", self.examples.url)
        cases = [
            ("GroupBy", lambda: ce.get_cost_and_usage(
                TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="MONTHLY",
                Metrics=["BlendedCost"],
                GroupBy=[{"Type": "DIMENSION", "Key": k} for k in ("SERVICE", "REGION", "AZ")])),
            ("TimePeriod.End", lambda: ce.get_cost_and_usage(
                TimePeriod={"Start": "2017-10-01", "End": "2017-09-01"}, Granularity="MONTHLY",
                Metrics=["BlendedCost"])),
            ("Granularity", lambda: ce.get_reservation_utilization(
                TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="DAILY",
                GroupBy=[{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}])),
            ("Filter.Or", lambda: ce.get_reservation_utilization(
                TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"},
                Filter={"Or": [{"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}},
                               {"Dimensions": {"Key": "REGION", "Values": ["us-west-2"]}}]})),
            ("Filter.And[1].And", lambda: ce.get_reservation_utilization(
                TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"},
                Filter={"And": [{"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}},
                                {"And": [{"Dimensions": {"Key": "REGION", "Values": ["us-west-2"]}},
                                         {"Dimensions": {"Key": "AZ", "Values": ["us-west-2a"]}}]}]})),
            # HOURLY is a Granularity botocore knows, so it sends it; the operation refuses it.
            ("Granularity", lambda: ce.get_reservation_utilization(
                TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="HOURLY")),
        ]
        for field, call in cases:
            with self.subTest(field=field):
                with self.assertRaises(ClientError) as caught:
                    call()
                error = caught.exception.response["Error"]
                self.assertEqual(error["Code"], "ValidationException")
                self.assertIn(field, error["Message"])

    def test_unsigned_requests_are_denied(self):
        ce = client("ce", self.examples.url, signature_version=botocore.UNSIGNED)
        with self.assertRaises(ClientError) as caught:
            ce.get_cost_and_usage(TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="MONTHLY", Metrics=["BlendedCost"])
        self.assertEqual(caught.exception.response["Error"]["Code"], "MissingAuthenticationToken")
        insp = client("inspector2", self.examples.url, signature_version=botocore.UNSIGNED)
        with self.assertRaises(insp.exceptions.AccessDeniedException):
            insp.list_usage_totals()

    def test_a_wrong_secret_fails_signature_verification(self):
        session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key="wrong", region_name="us-east-1")
        ce = session.client("ce", endpoint_url=self.examples.url, config=Config(retries={"total_max_attempts": 1}))
        with self.assertRaises(ClientError) as caught:
            ce.get_cost_and_usage(TimePeriod={"Start": "2017-09-01", "End": "2017-10-01"}, Granularity="MONTHLY", Metrics=["BlendedCost"])
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidSignatureException")

    # ---------------------------------------------------- pages the mock encodes

    def test_a_synthetic_page_decodes_the_same_in_botocore_and_in_our_cli(self):
        # The documented examples above are verbatim files; here the page is one the mock
        # encodes itself (synthetic values through the model types), read by botocore and
        # by `cloudcost <service> <operation>` (the generated decoder, printed back as JSON).
        ops = operations()
        self.assertTrue(ops, "no AWS operation in specs/*.yaml")
        with tempfile.TemporaryDirectory() as home:
            env = {
                "PATH": os.environ.get("PATH", ""),
                "HOME": home,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_REGION": "us-east-1",
            }
            for family, operation in ops:
                with self.subTest(operation=operation):
                    request = request_for(family, operation)
                    c = client(family.service, self.synthetic.url)
                    theirs = without_metadata(method(c, operation)(**request))
                    args = [BINARY, "--endpoint-url", self.synthetic.url, family.cli, kebab(operation),
                            "--input-json", json.dumps(request)]
                    out = subprocess.run(args, env=env, capture_output=True, timeout=60)
                    self.assertEqual(out.returncode, 0, f"{' '.join(args)}: {out.stderr.decode(errors='replace')}")
                    ours = json.loads(out.stdout, parse_float=Decimal)
                    self.assertGreater(items_in(ours), 0, f"an empty page: {ours}")
                    self.assertEqual(normalised(theirs), normalised(ours))

    # ----------------------------------------------------------------- pagination

    def test_botocores_paginator_pages_through_list_usage_totals(self):
        insp = client("inspector2", self.synthetic.url)
        paginator = insp.get_paginator("list_usage_totals")
        pages = list(paginator.paginate())
        self.assertEqual(len(pages), PAGES)
        totals = [t for page in pages for t in page["totals"]]
        self.assertEqual(len(totals), PAGES * PAGE_SIZE)
        self.assertEqual(len({t["accountId"] for t in totals}), PAGES * PAGE_SIZE, "an item twice")
        self.assertNotIn("nextToken", pages[-1])
        full = paginator.paginate(PaginationConfig={"PageSize": 7}).build_full_result()
        self.assertEqual([t["accountId"] for t in full["totals"]], [t["accountId"] for t in totals])

    def test_cost_explorer_tokens_page_and_a_changed_request_is_refused(self):
        ce = client("ce", self.synthetic.url)
        request = dict(TimePeriod={"Start": "2024-01-01", "End": "2024-12-31"}, Granularity="DAILY", Metrics=["UnblendedCost"])
        first = ce.get_cost_and_usage(**request)
        token = first["NextPageToken"]
        second = ce.get_cost_and_usage(NextPageToken=token, **request)
        self.assertNotEqual(first["ResultsByTime"], second["ResultsByTime"])
        request["Granularity"] = "MONTHLY"
        with self.assertRaises(ce.exceptions.RequestChangedException):
            ce.get_cost_and_usage(NextPageToken=token, **request)
        with self.assertRaises(ce.exceptions.InvalidNextTokenException):
            ce.get_cost_and_usage(NextPageToken="garbage", **request)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Interop)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() else 1)

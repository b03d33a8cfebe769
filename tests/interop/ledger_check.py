"""An independent check of the mock's ledger dataset, written apart from the Rust code.

Part 1, the meaning of GetCostAndUsage: the script draws a ledger of explicit daily line
items itself (Python's own seeded `random`: four accounts, four services, three regions,
Usage, Credit, Refund and Tax record types with negative and zero amounts, two tag keys
that some items lack, a cost category with two rules, two months and a bit of days, the
close inside them), writes it as a ledger file in the documented format
(crates/ledger/src/lib.rs, "The ledger file"), starts `cloudcost mock --ledger FILE
--page-size 3` and, for a set of queries, compares what botocore gets (following
NextPageToken over every page) with what this script computes from the file it wrote,
with `decimal.Decimal`, from the documented meaning alone:
- periods exactly covering [Start, End) (DAILY: one a day; MONTHLY: one per calendar
  month, cut at Start and End), `Estimated` when any day of the period is on or after the
  calendar's close;
- only the requested metrics, in the requested order, keyed by the spelling asked;
  absent metrics are zero;
- without GroupBy: `Total` holds every metric (zero when no item falls in the period) and
  `Groups` is empty; with GroupBy: `Total` is `{}` and `Groups` holds the groups that have
  items in the period, sorted by their keys; tag and cost category keys read `key$value`
  (`key$` without one);
- money in `USD`; a quantity in the unit its items with non-zero usage share, else `N/A`;
- filters: And/Or/Not, Dimensions/Tags/CostCategories, MatchOptions (none: EQUALS and
  CASE_SENSITIVE; EQUALS/STARTS_WITH/ENDS_WITH/CONTAINS match any value; ABSENT: lacks
  the key, or with other options lacks it or matches them; CASE_INSENSITIVE in lower case);
- a cost category is the value of its first rule that matches, else its default, else
  absent;
- `DimensionValueAttributes` names every LINKED_ACCOUNT value grouped by (`description`);
- paging over (period, group) rows: every page but the last holds --page-size rows, no row
  twice, the last page has no NextPageToken.
Nothing of the project is imported or called but the `cloudcost` binary.

Part 2, the same data through botocore and our CLI: against `cloudcost mock --dataset
ledger --seed 7 --page-size 7`, GetCostAndUsage queries, GetReservationUtilization,
Inspector2 ListUsageTotals (for the account ids of the mock's own answer) and
BatchGetFreeTrialInfo (one known account and one unknown, which must be in
failedAccounts) are asked of botocore, following every page, and of `cloudcost <service>
<operation> --input-json ... --all-pages --output json`; botocore's pages merged as the
CLI documents `--all-pages` json (item lists concatenated, other lists kept once when
equal on every page) must equal the CLI's output, numbers compared as decimals and
timestamps as epoch seconds (the helpers are boto3_interop.py's, copied).

Usage: python ledger_check.py ROOT CLOUDCOST_BINARY [--keep DIR]
  --keep DIR  also write the generated ledger file into DIR (to look at it or replay it).
Prints `ok - ...` / `FAIL - ...` per check (with expected and actual on a failure), ends
with `N passed, M failed` and exits non-zero on a failure.
"""

import datetime
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_EVEN, localcontext

import boto3
import yaml
from botocore.config import Config

from compare import normalised  # tests/interop/compare.py, beside this script

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
BINARY = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "debug", "cloudcost")
KEEP = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None

# The mock's fixed test keys (cloudcost_mock::TestKeys::default()), as boto3_interop.py uses.
ACCESS_KEY = "AKIDCLOUDCOSTMOCK000"
SECRET_KEY = "cloudcost-mock-aws-secret-access-key"

LEDGER_SEED = 20240101  # Python's `random` seed of the generated ledger file
PAGE_SIZE = 3  # rows per page of the part-1 mock: every query spans several pages
GENERATED_SEED, GENERATED_PAGE_SIZE = 7, 7  # part 2: `--dataset ledger --seed 7`

RESULTS = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        RESULTS["passed"] += 1
        print(f"ok - {name}", flush=True)
    else:
        RESULTS["failed"] += 1
        print(f"FAIL - {name}", flush=True)
        if detail:
            for line in str(detail).rstrip("\n").split("\n"):
                print(f"    {line}", flush=True)


def guarded(name, fn):
    """Runs one check; an exception (botocore error, CLI failure) is its failure."""
    note = ""
    try:
        ok, detail, *rest = fn()
        note = f" ({rest[0]})" if rest else ""
    except Exception as e:  # noqa: BLE001 - every error is the check's failure
        ok, detail = False, f"{type(e).__name__}: {e}"
    check(name + note, ok, detail)


# ------------------------------------------------------------- shared with boto3_interop


class Mock:
    """`cloudcost mock` in a child process; its first stdout line names the URL."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BINARY, "mock", "--addr", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=15)
            raise RuntimeError(f"cloudcost mock {' '.join(args)} printed {line!r}, expected 'listening on <url>'; stderr: {err.strip()}")
        self.url = line.split()[-1]

    def stop(self):
        """Ctrl-C, as a user would; the mock must exit cleanly and promptly."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=15)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def client(service, url):
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    return session.client(service, endpoint_url=url, config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def without_metadata(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def first_difference(want, got, path="$"):
    """Where two JSON-like values first differ, as a line for the report."""
    if type(want) is not type(got):
        return f"{path}: expected {want!r}, got {got!r}"
    if isinstance(want, dict):
        # A JSON object's members have no order.
        missing = [k for k in want if k not in got]
        extra = [k for k in got if k not in want]
        if missing or extra:
            return f"{path}: keys missing {missing}, unexpected {extra}"
        for k in want:
            d = first_difference(want[k], got[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(want, (list, tuple)):
        for i, (w, g) in enumerate(zip(want, got)):
            d = first_difference(w, g, f"{path}[{i}]")
            if d:
                return d
        if len(want) != len(got):
            return f"{path}: expected {len(want)} entries, got {len(got)}; first extra: {(want[len(got):] or got[len(want):])[0]!r}"
        return None
    if want != got:
        return f"{path}: expected {want!r}, got {got!r}"
    return None


# ---------------------------------------------------------------- part 1: the ledger file

DAY = datetime.timedelta(days=1)
CAL_START, CAL_END, CAL_CLOSE = datetime.date(2024, 1, 1), datetime.date(2024, 3, 4), datetime.date(2024, 2, 25)

PAYER = {"id": "111111111111", "name": "Management"}
ACCOUNTS = [
    {"id": "222222222222", "name": "Production"},
    {"id": "333333333333", "name": "Staging"},
    {"id": "444444444444", "name": "Sandbox"},
]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
# Cost Explorer's usage type prefix of each region used (none in us-east-1 and global).
PREFIX = {"us-east-1": "", "us-west-2": "USW2-", "eu-west-1": "EU-", "global": ""}
EC2 = "Amazon Elastic Compute Cloud - Compute"
S3 = "Amazon Simple Storage Service"
LAMBDA = "AWS Lambda"
CLOUDFRONT = "Amazon CloudFront"
SERVICES = [
    {"name": EC2, "code": "AmazonEC2", "usage_types": [
        {"name": "BoxUsage:m5.large", "unit": "Hrs", "price": "0.096", "instance_type": "m5.large"},
        {"name": "EBS:VolumeUsage.gp3", "unit": "GB-Mo", "price": "0.08"},
    ]},
    {"name": S3, "code": "AmazonS3", "usage_types": [
        {"name": "TimedStorage-ByteHrs", "unit": "GB-Mo", "price": "0.023"},
        {"name": "Requests-Tier1", "unit": "Requests", "price": "0.000005"},
    ]},
    {"name": LAMBDA, "code": "AWSLambda", "usage_types": [
        {"name": "Request", "unit": "Requests", "price": "0.0000002"},
        {"name": "Lambda-GB-Second", "unit": "Lambda-GB-Second", "price": "0.0000166667"},
    ]},
    {"name": CLOUDFRONT, "code": "AmazonCloudFront", "global": True, "usage_types": [
        {"name": "DataTransfer-Out-Bytes", "unit": "GB", "price": "0.085"},
    ]},
]
TAGS = [
    {"key": "Environment", "values": ["Prod", "Dev", "Test"]},
    {"key": "Team", "values": ["web", "data", "ml"]},
]
COST_CATEGORIES = [
    {"name": "BusinessUnit", "rules": [
        {"value": "Retail", "dimension": "LINKED_ACCOUNT", "values": ["222222222222"]},
        {"value": "Analytics", "tag": "Team", "values": ["data", "ml"]},
    ]},
]


def money(rng, low, high):
    """A random amount in [low, high] with 0 to 10 fraction digits."""
    digits = rng.choice([0, 2, 4, 10, 10, 10])
    scale = 10 ** digits
    return Decimal(rng.randint(int(low * scale), int(high * scale))) / scale


def text(d):
    """A decimal as the file writes it: a plain decimal string."""
    return format(d, "f")


def generate_ledger(seed):
    """The ledger file's content: explicit daily items drawn from Python's `random`."""
    rng = random.Random(seed)
    items = []
    everyone = [PAYER] + ACCOUNTS
    day = CAL_START
    while day < CAL_END:
        for account in everyone:
            seen = set()
            for service in SERVICES:
                for ut in service["usage_types"]:
                    if rng.random() < 0.45:
                        continue
                    region = "global" if service.get("global") else rng.choice(REGIONS)
                    usage_type = PREFIX[region] + ut["name"]
                    key = (service["name"], region, usage_type)
                    if key in seen:
                        continue
                    seen.add(key)
                    # Quantities with up to 6 fraction digits; a few zero.
                    qty = Decimal(rng.randint(0, 50_000_000)) / 1_000_000 if rng.random() > 0.03 else Decimal(0)
                    if ut["unit"] == "Hrs":
                        qty = Decimal(rng.randint(0, 72))
                    cost = (qty * Decimal(ut["price"])).quantize(Decimal("1e-10"), ROUND_HALF_EVEN)
                    metrics = {"UnblendedCost": text(cost), "BlendedCost": text(cost), "UsageQuantity": text(qty)}
                    if rng.random() < 0.7:
                        metrics["AmortizedCost"] = text(cost + money(rng, 0, 1))
                    if rng.random() < 0.5:
                        metrics["NetUnblendedCost"] = text((cost * Decimal("0.93")).quantize(Decimal("1e-10")))
                    item = {
                        "day": day.isoformat(), "account": account["id"], "service": service["name"],
                        "region": region, "usage_type": usage_type, "record_type": "Usage",
                    }
                    tags = {}
                    for tag in TAGS:
                        if rng.random() < 0.7:
                            tags[tag["key"]] = rng.choice(tag["values"])
                    if tags:
                        item["tags"] = tags
                    if rng.random() < 0.5:
                        item["unit"] = ut["unit"]  # the same as the default, written out
                    item["metrics"] = metrics
                    items.append(item)
                    if rng.random() < 0.04:
                        # The same key again on the same day: items of a key add up.
                        again = dict(item)
                        extra = Decimal(rng.randint(1, 9_000_000)) / 1_000_000
                        again["metrics"] = {"UnblendedCost": text(money(rng, 0, 50)), "UsageQuantity": text(extra)}
                        items.append(again)
            # Credits (negative, no usage), refunds (negative), tax on the first (possibly 0).
            if rng.random() < 0.25:
                region = rng.choice(REGIONS)
                credit = -money(rng, Decimal("0.01"), 40)
                item = {
                    "day": day.isoformat(), "account": account["id"], "service": EC2, "region": region,
                    "usage_type": PREFIX[region] + "BoxUsage:m5.large", "record_type": "Credit",
                    "metrics": {"UnblendedCost": text(credit), "BlendedCost": text(credit), "AmortizedCost": text(credit)},
                }
                if rng.random() < 0.5:
                    item["unit"] = "N/A"
                if rng.random() < 0.5:
                    item["tags"] = {"Environment": rng.choice(TAGS[0]["values"])}
                items.append(item)
            if rng.random() < 0.06:
                service = rng.choice([S3, LAMBDA])
                refund = -money(rng, Decimal("0.5"), 300)
                items.append({
                    "day": day.isoformat(), "account": account["id"], "service": service, "region": "us-east-1",
                    "usage_type": "Refund", "record_type": "Refund",
                    "tags": {"Team": rng.choice(TAGS[1]["values"])},
                    "metrics": {"UnblendedCost": text(refund), "BlendedCost": text(refund)},
                })
            if day.day == 1:
                for service in (EC2, S3):
                    tax = money(rng, 0, 900) if rng.random() < 0.7 else Decimal("0")
                    items.append({
                        "day": day.isoformat(), "account": account["id"], "service": service, "region": "NoRegion",
                        "usage_type": "Tax", "record_type": "Tax",
                        "metrics": {"UnblendedCost": text(tax), "BlendedCost": text(tax), "NetUnblendedCost": "0"},
                    })
        day += DAY
    return {
        "format": 1,
        "calendar": {"start": CAL_START.isoformat(), "end": CAL_END.isoformat(), "close": CAL_CLOSE.isoformat(), "hourly_days": 3},
        "payer": PAYER,
        "accounts": ACCOUNTS,
        "regions": REGIONS,
        "services": SERVICES,
        "tags": TAGS,
        "cost_categories": COST_CATEGORIES,
        "items": items,
    }


def write_ledger(doc, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# A cloudcost ledger of explicit items, written by tests/interop/ledger_check.py\n")
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=200)


# ------------------------------------------------- part 1: the documented meaning, again


class Item:
    """A line item of the file as the documentation reads it."""

    def __init__(self, raw, units, categories):
        self.day = datetime.date.fromisoformat(raw["day"])
        self.account = raw["account"]
        self.service = raw["service"]
        self.region = raw["region"]
        self.usage_type = raw["usage_type"]
        self.record_type = raw["record_type"]
        self.tags = dict(raw.get("tags") or {})
        # Absent metrics are zero.
        self.metrics = {name: Decimal(v) for name, v in (raw.get("metrics") or {}).items()}
        # The unit defaults to the usage type's (in items with its region's prefix), else N/A.
        bare = self.usage_type[len(PREFIX.get(self.region, "")):] if self.usage_type.startswith(PREFIX.get(self.region, "")) else self.usage_type
        self.unit = raw.get("unit") or units.get((self.service, self.usage_type)) or units.get((self.service, bare)) or "N/A"
        self.categories = {}
        for c in categories:
            value = c.get("default")
            for rule in c["rules"]:
                v = self.dimension(rule["dimension"]) if "dimension" in rule else self.tags.get(rule["tag"])
                if v is not None and v in rule["values"]:
                    value = rule["value"]
                    break
            if value is not None:
                self.categories[c["name"]] = value

    def dimension(self, key):
        return {
            "LINKED_ACCOUNT": self.account,
            "SERVICE": self.service,
            "REGION": self.region,
            "USAGE_TYPE": self.usage_type,
            "RECORD_TYPE": self.record_type,
        }[key]


def load_items(path):
    """The items of the file this script wrote, read back from the file."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    units = {(s["name"], u["name"]): u["unit"] for s in doc["services"] for u in s["usage_types"]}
    return doc, [Item(raw, units, doc.get("cost_categories") or []) for raw in doc["items"]]


# Metric names as a request may spell them (upper snake case too).
METRICS = ["AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "NormalizedUsageAmount", "UnblendedCost", "UsageQuantity"]
SNAKE = {"".join("_" + c if c.isupper() else c for c in m).lstrip("_").upper(): m for m in METRICS}
QUANTITIES = {"UsageQuantity", "NormalizedUsageAmount"}


def canonical_metric(name):
    return name if name in METRICS else SNAKE[name]


def match_values(value, leaf):
    """A Dimensions/Tags/CostCategories leaf on an item's value (None: the item lacks it)."""
    options = leaf.get("MatchOptions") or []
    values = leaf.get("Values") or []
    kinds = [o for o in options if o not in ("CASE_SENSITIVE", "CASE_INSENSITIVE", "ABSENT")] or (["EQUALS"] if "ABSENT" not in options else [])
    if value is None:
        return "ABSENT" in options
    fold = (lambda s: s.lower()) if "CASE_INSENSITIVE" in options else (lambda s: s)
    v = fold(value)
    tests = {
        "EQUALS": lambda w: v == w,
        "STARTS_WITH": lambda w: v.startswith(w),
        "ENDS_WITH": lambda w: v.endswith(w),
        "CONTAINS": lambda w: w in v,
    }
    return any(tests[k](fold(w)) for k in kinds for w in values)


def matches(item, expr):
    if expr is None:
        return True
    if "And" in expr:
        return all(matches(item, e) for e in expr["And"])
    if "Or" in expr:
        return any(matches(item, e) for e in expr["Or"])
    if "Not" in expr:
        return not matches(item, expr["Not"])
    if "Dimensions" in expr:
        leaf = expr["Dimensions"]
        return match_values(item.dimension(leaf["Key"]), leaf)
    if "Tags" in expr:
        leaf = expr["Tags"]
        return match_values(item.tags.get(leaf["Key"]), leaf)
    if "CostCategories" in expr:
        leaf = expr["CostCategories"]
        return match_values(item.categories.get(leaf["Key"]), leaf)
    raise ValueError(f"an expression this check does not know: {expr}")


def periods(start, end, granularity):
    """[start, end) at the granularity: (first day, day after the last)."""
    out = []
    day = start
    while day < end:
        if granularity == "DAILY":
            nxt = day + DAY
        elif granularity == "MONTHLY":
            nxt = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            raise ValueError(granularity)
        nxt = min(nxt, end)
        out.append((day, nxt))
        day = nxt
    return out


def group_key(item, g):
    if g["Type"] == "DIMENSION":
        return item.dimension(g["Key"])
    if g["Type"] == "TAG":
        return f"{g['Key']}${item.tags.get(g['Key'], '')}"
    if g["Type"] == "COST_CATEGORY":
        return f"{g['Key']}${item.categories.get(g['Key'], '')}"
    raise ValueError(g)


def summed(items, metrics):
    """Every requested metric of a set of items: {asked name: {Amount, Unit}}."""
    out = {}
    for asked in metrics:
        m = canonical_metric(asked)
        total = sum((i.metrics.get(m, Decimal(0)) for i in items), Decimal(0))
        if m in QUANTITIES:
            # Items of the same key and day add up first; a unit is that of the
            # (merged) items with non-zero usage when they share one, else N/A.
            merged = {}
            for i in items:
                k = (i.day, i.account, i.service, i.region, i.usage_type, i.record_type, tuple(sorted(i.tags.items())), i.unit)
                merged[k] = merged.get(k, Decimal(0)) + i.metrics.get(m, Decimal(0))
            units = {k[-1] for k, v in merged.items() if v != 0}
            unit = units.pop() if len(units) == 1 else "N/A"
        else:
            unit = "USD"
        out[asked] = {"Amount": total, "Unit": unit}
    return out


def expected_answer(items, request):
    """GetCostAndUsage's answer as documented: a list of periods, each
    {TimePeriod, Estimated, Total, Groups: [(keys, metrics)]}."""
    start = datetime.date.fromisoformat(request["TimePeriod"]["Start"])
    end = datetime.date.fromisoformat(request["TimePeriod"]["End"])
    metrics = request["Metrics"]
    group_by = request.get("GroupBy") or []
    chosen = [i for i in items if matches(i, request.get("Filter"))]
    out = []
    with localcontext() as ctx:
        ctx.prec = 60
        for s, e in periods(start, end, request["Granularity"]):
            inside = [i for i in chosen if s <= i.day < e]
            period = {
                "TimePeriod": {"Start": s.isoformat(), "End": e.isoformat()},
                "Estimated": (e - DAY) >= CAL_CLOSE,
                "Total": {},
                "Groups": [],
            }
            if group_by:
                groups = {}
                for i in inside:
                    groups.setdefault(tuple(group_key(i, g) for g in group_by), []).append(i)
                period["Groups"] = [{"Keys": list(k), "Metrics": summed(groups[k], metrics)} for k in sorted(groups)]
            else:
                period["Total"] = summed(inside, metrics)
            out.append(period)
    return out


def metric_values(m):
    return {name: {"Amount": Decimal(v["Amount"]), "Unit": v["Unit"]} for name, v in m.items()}


def all_pages(ce, request):
    """Every page of a GetCostAndUsage answer, following NextPageToken."""
    pages = []
    token = None
    while True:
        args = dict(request)
        if token:
            args["NextPageToken"] = token
        page = without_metadata(ce.get_cost_and_usage(**args))
        pages.append(page)
        token = page.get("NextPageToken")
        if not token:
            return pages
        if len(pages) > 10_000:
            raise AssertionError("more than 10000 pages: a NextPageToken loop?")


def compare_answer(doc, items, pages, request):
    """The mock's pages against the expected answer: (ok, detail)."""
    problems = []
    want = expected_answer(items, request)
    group_by = request.get("GroupBy") or []
    # Paging: rows are (period, group), or (period) when a period has no group.
    rows = sum(max(1, len(p["Groups"])) if group_by else 1 for p in want)
    expected_pages = max(1, math.ceil(rows / PAGE_SIZE))
    if len(pages) != expected_pages:
        problems.append(f"{len(pages)} pages for {rows} rows at {PAGE_SIZE} a page, expected {expected_pages}")
    got = []
    seen = set()
    for n, page in enumerate(pages):
        page_rows = 0
        if group_by and page.get("GroupDefinitions") != group_by:
            problems.append(f"page {n}: GroupDefinitions {page.get('GroupDefinitions')!r}, expected {group_by!r}")
        for r in page.get("ResultsByTime", []):
            tp = r["TimePeriod"]
            entry = {
                "TimePeriod": {"Start": tp["Start"], "End": tp["End"]},
                "Estimated": r.get("Estimated"),
                "Total": metric_values(r.get("Total") or {}),
                "Groups": [{"Keys": g["Keys"], "Metrics": metric_values(g["Metrics"])} for g in r.get("Groups") or []],
            }
            page_rows += max(1, len(entry["Groups"])) if group_by else 1
            for g in entry["Groups"]:
                row = (tp["Start"], tuple(g["Keys"]))
                if row in seen:
                    problems.append(f"page {n}: the row {row} a second time")
                seen.add(row)
            if got and got[-1]["TimePeriod"] == entry["TimePeriod"]:
                # A period whose groups go on over a page break.
                last = got[-1]
                if (last["Estimated"], last["Total"]) != (entry["Estimated"], entry["Total"]):
                    problems.append(f"page {n}: period {tp} continued with another Estimated or Total")
                last["Groups"].extend(entry["Groups"])
            else:
                got.append(entry)
        if n < len(pages) - 1 and page_rows != PAGE_SIZE:
            problems.append(f"page {n} of {len(pages)} holds {page_rows} rows, expected {PAGE_SIZE}")
        if "DimensionValueAttributes" in page or any(g["Key"] == "LINKED_ACCOUNT" and g["Type"] == "DIMENSION" for g in group_by):
            problems.extend(check_attributes(n, doc, page, group_by))
    # Exactly the requested metrics (a JSON object: their order is not compared), each
    # amount as a decimal, each unit exactly.
    d = first_difference(want, got)
    if d:
        problems.append("the answer differs at " + d.replace("$", "ResultsByTime", 1))
    nonzero = any(v["Amount"] != 0 for p in want for m in [p["Total"]] + [g["Metrics"] for g in p["Groups"]] for v in m.values())
    if not nonzero:
        problems.append("the expected answer is all zero: the query tests nothing")
    note = f"{len(want)} periods, {rows} rows, {len(pages)} pages"
    return not problems, "\n".join([f"request: {json.dumps(request)}"] + problems[:12]) if problems else "", note


def check_attributes(n, doc, page, group_by):
    """DimensionValueAttributes: exactly the LINKED_ACCOUNT values of the page's groups,
    each with the account's name as its `description`."""
    names = {a["id"]: a["name"] for a in [doc["payer"]] + doc["accounts"]}
    at = [i for i, g in enumerate(group_by) if g["Type"] == "DIMENSION" and g["Key"] == "LINKED_ACCOUNT"]
    attrs = page.get("DimensionValueAttributes")
    if not at:
        return [f"page {n}: DimensionValueAttributes without a LINKED_ACCOUNT group: {attrs!r}"]
    if attrs is None:
        return [f"page {n}: no DimensionValueAttributes, grouped by LINKED_ACCOUNT"]
    problems = []
    listed = {}
    for a in attrs:
        listed[a["Value"]] = a.get("Attributes")
        if a.get("Attributes") != {"description": names.get(a["Value"])}:
            problems.append(f"page {n}: attributes of {a['Value']}: {a.get('Attributes')!r}, expected {{'description': {names.get(a['Value'])!r}}}")
    on_page = set()
    for r in page.get("ResultsByTime", []):
        for g in r.get("Groups") or []:
            account = g["Keys"][at[0]]
            on_page.add(account)
            if account not in listed:
                problems.append(f"page {n}: account {account} grouped but not in DimensionValueAttributes")
    for account in sorted(set(listed) - on_page):
        problems.append(f"page {n}: account {account} in DimensionValueAttributes but in none of the page's groups")
    return problems


def ledger_queries():
    """(name, request): the queries whose answers part 1 computes."""
    whole = {"Start": CAL_START.isoformat(), "End": CAL_END.isoformat()}
    svc = {"Dimensions": {"Key": "SERVICE", "Values": [EC2, S3]}}
    return [
        ("MONTHLY total of UnblendedCost and UsageQuantity",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"])),
        ("DAILY total of UsageQuantity and UnblendedCost",
         dict(TimePeriod=whole, Granularity="DAILY", Metrics=["UsageQuantity", "UnblendedCost"])),
        ("MONTHLY by SERVICE",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity", "AmortizedCost"],
              GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])),
        ("DAILY by LINKED_ACCOUNT, with DimensionValueAttributes",
         dict(TimePeriod={"Start": "2024-02-20", "End": "2024-03-04"}, Granularity="DAILY",
              Metrics=["BlendedCost", "NetUnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])),
        ("MONTHLY by TAG Environment (key$value, key$ without)",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"],
              GroupBy=[{"Type": "TAG", "Key": "Environment"}])),
        ("DAILY by SERVICE and REGION (metric asked as UNBLENDED_COST)",
         dict(TimePeriod={"Start": "2024-01-28", "End": "2024-02-03"}, Granularity="DAILY",
              Metrics=["UNBLENDED_COST", "UsageQuantity"],
              GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "REGION"}])),
        ("MONTHLY by COST_CATEGORY and TAG Team",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost"],
              GroupBy=[{"Type": "COST_CATEGORY", "Key": "BusinessUnit"}, {"Type": "TAG", "Key": "Team"}])),
        ("Dimensions filter: SERVICE in (EC2, S3)",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"], Filter=svc)),
        ("its Not: SERVICE not in (EC2, S3)",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"], Filter={"Not": svc})),
        ("And/Or: (REGION us-west-2 or Team=data) and not a Credit, by LINKED_ACCOUNT",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost", "BlendedCost"],
              GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
              Filter={"And": [
                  {"Or": [{"Dimensions": {"Key": "REGION", "Values": ["us-west-2"]}},
                          {"Tags": {"Key": "Team", "Values": ["data"]}}]},
                  {"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit"]}}},
              ]})),
        ("Tags filter ABSENT: items without Environment, by RECORD_TYPE",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UnblendedCost"],
              GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}],
              Filter={"Tags": {"Key": "Environment", "MatchOptions": ["ABSENT"]}})),
        ("Tags filter ABSENT with EQUALS: without Team or Team=web",
         dict(TimePeriod=whole, Granularity="DAILY", Metrics=["UnblendedCost"],
              Filter={"Tags": {"Key": "Team", "Values": ["web"], "MatchOptions": ["ABSENT", "EQUALS"]}})),
        ("CONTAINS CASE_INSENSITIVE on USAGE_TYPE: one unit (Hrs) over regions",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UsageQuantity", "UnblendedCost"],
              Filter={"Dimensions": {"Key": "USAGE_TYPE", "Values": ["boxusage"], "MatchOptions": ["CONTAINS", "CASE_INSENSITIVE"]}})),
        ("CostCategories filter and STARTS_WITH, by USAGE_TYPE",
         dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=["UsageQuantity", "UnblendedCost"],
              GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
              Filter={"And": [{"CostCategories": {"Key": "BusinessUnit", "Values": ["Analytics"]}},
                              {"Dimensions": {"Key": "USAGE_TYPE", "Values": ["USW2-", "EU-"], "MatchOptions": ["STARTS_WITH"]}}]})),
        ("a period starting mid-month, by RECORD_TYPE",
         dict(TimePeriod={"Start": "2024-01-15", "End": "2024-03-02"}, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"],
              GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}])),
        ("DAILY from before the calendar into it (zero days)",
         dict(TimePeriod={"Start": "2023-12-29", "End": "2024-01-03"}, Granularity="DAILY", Metrics=["UnblendedCost", "UsageQuantity"])),
        ("DAILY by SERVICE from before the calendar (days without groups)",
         dict(TimePeriod={"Start": "2023-12-30", "End": "2024-01-02"}, Granularity="DAILY", Metrics=["UnblendedCost"],
              GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])),
    ]


def part1():
    workdir = tempfile.mkdtemp(prefix="ledger-check-")
    try:
        path = os.path.join(workdir, "ledger-check.yaml")
        write_ledger(generate_ledger(LEDGER_SEED), path)
        if KEEP:
            os.makedirs(KEEP, exist_ok=True)
            shutil.copy(path, os.path.join(KEEP, "ledger-check.yaml"))
        doc, items = load_items(path)
        kinds = {i.record_type for i in items}
        check("the generated ledger has Usage, Credit, Refund and Tax items, negative and zero amounts",
              {"Usage", "Credit", "Refund", "Tax"} <= kinds
              and any(v < 0 for i in items for v in i.metrics.values())
              and any(v == 0 for i in items for v in i.metrics.values()),
              f"record types {sorted(kinds)}")
        mock = Mock("--ledger", path, "--page-size", str(PAGE_SIZE))
        try:
            ce = client("ce", mock.url)
            for name, request in ledger_queries():
                guarded(f"ledger: {name}", lambda: compare_answer(doc, items, all_pages(ce, request), request))
            # Days add up to the months, and a filter and its Not to the total, as
            # botocore sees them (the same pages, summed here).
            guarded("ledger: the DAILY totals sum to the MONTHLY ones", lambda: days_sum_to_months(ce))
        finally:
            code = mock.stop()
            check("the ledger mock exits 0 on Ctrl-C", code == 0, f"exit status {code}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def days_sum_to_months(ce):
    whole = {"Start": CAL_START.isoformat(), "End": CAL_END.isoformat()}
    metrics = ["UnblendedCost"]
    months = [r for p in all_pages(ce, dict(TimePeriod=whole, Granularity="MONTHLY", Metrics=metrics)) for r in p["ResultsByTime"]]
    days = [r for p in all_pages(ce, dict(TimePeriod=whole, Granularity="DAILY", Metrics=metrics)) for r in p["ResultsByTime"]]
    problems = []
    for m in months:
        s, e = m["TimePeriod"]["Start"], m["TimePeriod"]["End"]
        total = sum((Decimal(d["Total"]["UnblendedCost"]["Amount"]) for d in days if s <= d["TimePeriod"]["Start"] < e), Decimal(0))
        if total != Decimal(m["Total"]["UnblendedCost"]["Amount"]):
            problems.append(f"{s}..{e}: days sum to {total}, the month is {m['Total']['UnblendedCost']['Amount']}")
    return not problems, "\n".join(problems)


# ------------------------------------------------ part 2: botocore and our CLI, same mock

# The member each paged operation's items are in (specs/*.yaml x-cloudcost-pagination).
ITEMS = {"GetCostAndUsage": "ResultsByTime", "GetReservationUtilization": "UtilizationsByTime", "ListUsageTotals": "totals"}
TOKENS = {"GetCostAndUsage": "NextPageToken", "GetReservationUtilization": "NextPageToken", "ListUsageTotals": "nextToken"}


def botocore_pages(c, operation, request):
    """Every page botocore gets, following the operation's token."""
    method = getattr(c, {v: k for k, v in c.meta.method_to_api_mapping.items()}[operation])
    token_member = TOKENS.get(operation)
    pages, token = [], None
    while True:
        args = dict(request)
        if token:
            args[token_member] = token
        page = without_metadata(method(**args))
        pages.append(page)
        token = page.get(token_member) if token_member else None
        if not token:
            return pages
        if len(pages) > 10_000:
            raise AssertionError("more than 10000 pages")


def merged_as_the_cli_documents(operation, pages):
    """Pages merged as `--all-pages --output json` documents it: the item list
    concatenated, other lists concatenated unless equal on every page, the token dropped;
    any other member must be the same on every page."""
    items = ITEMS.get(operation)
    token = TOKENS.get(operation)
    out = {}
    for key in dict.fromkeys(k for p in pages for k in p):
        if key == token:
            continue
        values = [p[key] for p in pages if key in p]
        if key == items:
            out[key] = [v for page_items in values for v in page_items]
        elif all(v == values[0] for v in values) and len(values) == len(pages):
            out[key] = values[0]
        elif all(isinstance(v, list) for v in values):
            out[key] = [v for vs in values for v in vs]
        else:
            raise AssertionError(f"{operation}: {key} differs from page to page: {values!r}")
    return out


def cli(url, home, service, operation, request):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": home,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
    }
    kebab = "".join("-" + c.lower() if c.isupper() else c for c in operation).lstrip("-")
    paged = ["--all-pages"] if operation in ITEMS else []
    args = [BINARY, "--endpoint-url", url, service, kebab, "--input-json", json.dumps(request), *paged, "--output", "json"]
    out = subprocess.run(args, env=env, capture_output=True, timeout=120)
    if out.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {out.returncode}: {out.stderr.decode(errors='replace')}")
    return json.loads(out.stdout, parse_float=Decimal)


def same_data(c, url, home, service, operation, request, min_pages=1):
    pages = botocore_pages(c, operation, request)
    theirs = normalised(merged_as_the_cli_documents(operation, pages))
    ours = normalised(cli(url, home, service, operation, request))
    problems = []
    if len(pages) < min_pages:
        problems.append(f"botocore got {len(pages)} pages, expected at least {min_pages}: the paging is not exercised")
    d = first_difference(theirs, ours)
    if d:
        problems.append(f"botocore (expected) vs cloudcost (got): {d}")
    items = ITEMS.get(operation)
    if items and not theirs.get(items):
        problems.append(f"no {items}: the query tests nothing")
    note = f"{len(pages)} pages"
    return not problems, "\n".join([f"request: {json.dumps(request)}"] + problems) if problems else "", note


def part2():
    mock = Mock("--dataset", "ledger", "--seed", str(GENERATED_SEED), "--page-size", str(GENERATED_PAGE_SIZE))
    home = tempfile.mkdtemp(prefix="ledger-check-home-")
    try:
        ce = client("ce", mock.url)
        year = {"Start": "2024-01-01", "End": "2025-01-01"}
        cost_queries = [
            ("MONTHLY by SERVICE over a year",
             dict(TimePeriod=year, Granularity="MONTHLY", Metrics=["UnblendedCost", "UsageQuantity"],
                  GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])),
            ("DAILY by LINKED_ACCOUNT, not Credit, mid-month to mid-month",
             dict(TimePeriod={"Start": "2024-11-15", "End": "2024-12-20"}, Granularity="DAILY",
                  Metrics=["BlendedCost", "AmortizedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
                  Filter={"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Credit"]}}})),
            ("DAILY total over a year",
             dict(TimePeriod=year, Granularity="DAILY", Metrics=["NetUnblendedCost"])),
        ]
        for name, request in cost_queries:
            guarded(f"botocore = cli: GetCostAndUsage {name}",
                    lambda: same_data(ce, mock.url, home, "ce", "GetCostAndUsage", request, min_pages=2))
        # Reservation utilisation: by subscription (MONTHLY), and DAILY totals, two a page.
        for name, request in [
            # With GroupBy, Granularity is not set (the API reference: it must not be).
            ("by SUBSCRIPTION_ID", dict(TimePeriod=year, GroupBy=[{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}], MaxResults=2)),
            ("DAILY", dict(TimePeriod={"Start": "2024-06-01", "End": "2024-06-20"}, Granularity="DAILY", MaxResults=5)),
        ]:
            # Paged over periods: the grouped query is one period, so one page.
            guarded(f"botocore = cli: GetReservationUtilization {name}",
                    lambda: same_data(ce, mock.url, home, "ce", "GetReservationUtilization", request,
                                      min_pages=2 if "Granularity" in request else 1))
        insp = client("inspector2", mock.url)
        # With maxResults: the documented request `{}` gets the documented example's answer.
        accounts = [t["accountId"] for page in insp.get_paginator("list_usage_totals").paginate(PaginationConfig={"PageSize": 4})
                    for t in page["totals"]]
        check("the mock's ListUsageTotals names accounts", len(accounts) >= 2, f"accounts: {accounts}")
        if accounts:
            guarded("botocore = cli: ListUsageTotals for the mock's accounts",
                    lambda: same_data(insp, mock.url, home, "inspector2", "ListUsageTotals",
                                      {"accountIds": accounts[:5], "maxResults": 2}, min_pages=2 if len(accounts) > 2 else 1))
            unknown = "999999999990" if "999999999990" not in accounts else "999999999991"
            request = {"accountIds": [accounts[0], unknown]}
            guarded("botocore = cli: BatchGetFreeTrialInfo, a known and an unknown account",
                    lambda: same_data(insp, mock.url, home, "inspector2", "BatchGetFreeTrialInfo", request))

            def unknown_fails():
                got = insp.batch_get_free_trial_info(**request)
                failed = [a["accountId"] for a in got.get("failedAccounts", [])]
                known = [a["accountId"] for a in got.get("accounts", [])]
                ok = failed == [unknown] and known == [accounts[0]] and all(a["freeTrialInfo"] for a in got["accounts"])
                return ok, f"accounts {known}, failedAccounts {got.get('failedAccounts')}; expected [{accounts[0]}] and [{unknown}]"

            guarded("BatchGetFreeTrialInfo: the unknown account is in failedAccounts, the known one answered", unknown_fails)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        code = mock.stop()
        check("the seed-7 ledger mock exits 0 on Ctrl-C", code == 0, f"exit status {code}")


def main():
    for part in (part1, part2):
        try:
            part()
        except Exception as e:  # noqa: BLE001 - a part that cannot run is one failure
            check(f"{part.__name__} ran", False, f"{type(e).__name__}: {e}")
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(0 if RESULTS["failed"] == 0 else 1)


if __name__ == "__main__":
    main()

"""An independent oracle for Samsung Cloud Platform (SCP) request signing.

Written from the algorithm of SCP's official Go SDK (SamsungSDSCloud/terraform-sdk-samsungcloudplatformv2:
client/configuration.go SetupRequestHeader, client/signature_generator.go, client/common.go and
library/*/client.go prepareRequest), NOT from this workspace's Rust code, so that it does not share
our reading of the SDK:

- query string = Go's url.Values.Encode(): keys sorted bytewise, a repeated key's values in
  insertion order, keys and values escaped with Go's url.QueryEscape (A-Za-z0-9 - _ . ~ kept,
  space -> '+', every other UTF-8 byte -> %XX upper-case), pairs `k=v` joined with '&';
- the URL signed is the URL as sent: scheme://host[:port]/v1/usages, plus '?' + query when non-empty;
- timestamp = Unix time in milliseconds; message = METHOD + URL + TIMESTAMP + ACCESS_KEY +
  ACCOUNT_ID ("" when none) + "Openapi"; signature = base64(HMAC-SHA256(secret key, message));
- headers: Scp-AccessKey, Scp-Timestamp, Scp-Signature, Scp-ClientType: Openapi, Scp-AccountId
  (always, empty when none), Accept-Language: en-US, Accept: application/json, User-Agent
  (ours: exactly cloudcost/<version of crates/runtime>), and ours also Scp-Api-Version: costexplorer 1.0.

Checks:
  self-test  the oracle's own escaping, encoding and signing against hand-computed values
             (the HMAC vectors were computed with `openssl dgst -sha256 -hmac KEY -binary | base64`);
  part 1     runs `cloudcost scp list-usages --endpoint-url <capture server>` with various
             parameters and compares the captured request target, headers and signature byte for
             byte with what the oracle computes;
  part 2     signs requests itself and sends them to `cloudcost mock --strict-auth`: a correct one
             must get 200 and JSON; each tampering (wrong secret, wrong account id, Scp-AccountId not
             the signed one, no Scp-ClientType, timestamp 1 h old or 1 h ahead, query changed after
             signing) must get a 4xx.

Usage: python scp_oracle.py ROOT CLOUDCOST_BINARY
Stdlib only. Prints one line per check (`ok - ...` / `FAIL - ...`) and ends with
`N passed, M failed`; exits non-zero on a failure.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
BINARY = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "debug", "cloudcost")

CLIENT_TYPE = "Openapi"
PATH = "/v1/usages"

# The mock's fixed SCP test keys (--strict-auth verifies signatures with them).
MOCK_ACCESS_KEY = "cloudcost-mock-scp-access-key"
MOCK_SECRET_KEY = "cloudcost-mock-scp-secret-key"
MOCK_ACCOUNT_ID = "cloudcost-mock-account"

RESULTS = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        RESULTS["passed"] += 1
        print(f"ok - {name}", flush=True)
    else:
        RESULTS["failed"] += 1
        print(f"FAIL - {name}", flush=True)
        if detail:
            for line in detail.rstrip("\n").split("\n"):
                print(f"    {line}", flush=True)


# --------------------------------------------------------------------------- the oracle

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def query_escape(s):
    """Go's url.QueryEscape, byte by byte over the UTF-8 encoding."""
    out = []
    for b in s.encode("utf-8"):
        if b in _UNRESERVED:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def encode_query(pairs):
    """Go's url.Values.Encode() of (key, value) pairs given in insertion order."""
    values = {}
    for k, v in pairs:
        values.setdefault(k, []).append(v)
    parts = []
    for k in sorted(values, key=lambda key: key.encode("utf-8")):
        for v in values[k]:
            parts.append(query_escape(k) + "=" + query_escape(v))
    return "&".join(parts)


def request_target(pairs):
    q = encode_query(pairs)
    return PATH + ("?" + q if q else "")


def sign(method, url, timestamp, access_key, account_id, secret_key):
    message = method + url + timestamp + access_key + (account_id or "") + CLIENT_TYPE
    digest = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def now_ms():
    return int(time.time() * 1000)


def runtime_version():
    """`version` of crates/runtime/Cargo.toml, or of [workspace.package] when inherited."""

    def section(text, name):
        m = re.search(r"^\[" + re.escape(name) + r"\][ \t]*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        return m.group(1) if m else ""

    with open(os.path.join(ROOT, "crates", "runtime", "Cargo.toml"), encoding="utf-8") as f:
        package = section(f.read(), "package")
    m = re.search(r'^version\s*=\s*"([^"]+)"', package, re.M)
    if m:
        return m.group(1)
    if not re.search(r"^version\.workspace\s*=\s*true", package, re.M):
        raise RuntimeError("no version in crates/runtime/Cargo.toml")
    with open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8") as f:
        workspace = section(f.read(), "workspace.package")
    m = re.search(r'^version\s*=\s*"([^"]+)"', workspace, re.M)
    if not m:
        raise RuntimeError("no [workspace.package] version in Cargo.toml")
    return m.group(1)


# ------------------------------------------------------------------------ self-test


def self_test():
    cases = [
        (query_escape("a b~*:테"), "a+b~%2A%3A%ED%85%8C"),
        (query_escape("AZaz09-_.~"), "AZaz09-_.~"),
        (query_escape("&=+%/?#\"'!$,;@[]"), "%26%3D%2B%25%2F%3F%23%22%27%21%24%2C%3B%40%5B%5D"),
        (query_escape("\n\x7f"), "%0A%7F"),
        (query_escape("테스트 서버"), "%ED%85%8C%EC%8A%A4%ED%8A%B8+%EC%84%9C%EB%B2%84"),
        (encode_query([]), ""),
        (encode_query([("z", "1"), ("b", "y"), ("a", "2"), ("b", "x"), ("B", "u")]), "B=u&a=2&b=y&b=x&z=1"),
        (request_target([]), "/v1/usages"),
    ]
    bad = [f"got {got!r}, expected {want!r}" for got, want in cases if got != want]
    check("self-test: QueryEscape and Values.Encode", not bad, "\n".join(bad))

    # HMAC-SHA256 vectors computed in a shell, independently of this script:
    #   printf '%s' 'message' | openssl dgst -sha256 -hmac 'key' -binary | base64
    got = base64.b64encode(hmac.new(b"key", b"message", hashlib.sha256).digest()).decode()
    want = "bp7ym3X//Ft6uuUn1Y/a2y/kLnIZARl2kXNDBl9Y7Uo="
    check("self-test: HMAC-SHA256 + base64 vector", got == want, f"got {got}, expected {want}")

    #   printf '%s' 'GEThttps://scp.example/v1/usages?account_id=b&account_id=a&resource_name=%ED%85%8C+x&sort=created_at%3Adesc1700000000123AK-TESTacct-1Openapi' \
    #     | openssl dgst -sha256 -hmac 'sk-test' -binary | base64
    pairs = [("sort", "created_at:desc"), ("account_id", "b"), ("account_id", "a"), ("resource_name", "테 x")]
    url = "https://scp.example" + request_target(pairs)
    want_url = "https://scp.example/v1/usages?account_id=b&account_id=a&resource_name=%ED%85%8C+x&sort=created_at%3Adesc"
    got = sign("GET", url, "1700000000123", "AK-TEST", "acct-1", "sk-test")
    want = "NYPMxIaJ1A50qNY468yBHTDuXyWnbHDO2dbrDsk7NAo="
    check(
        "self-test: signature with query and account id",
        url == want_url and got == want,
        f"url {url}\n  expected {want_url}\nsignature {got}\n  expected {want}",
    )
    #   printf '%s' 'GEThttp://127.0.0.1:8080/v1/usages1700000000123AK-TESTOpenapi' | openssl dgst -sha256 -hmac 'sk-test' -binary | base64
    got = sign("GET", "http://127.0.0.1:8080" + request_target([]), "1700000000123", "AK-TEST", None, "sk-test")
    want = "6n4rS/xJPx9zYr1zhW5WLKvwj+NUQW9qefhVOG1cAoU="
    check("self-test: signature without query or account id", got == want, f"got {got}, expected {want}")


# ------------------------------------------------------- part 1: capture what we send


class CaptureServer:
    """Raw-socket HTTP server: records the request line and header lines exactly as received."""

    BODY = b'{"usages": []}'

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0]
            lines = head.split(b"\r\n")
            method, target, _version = lines[0].decode("latin-1").split(" ", 2)
            headers = []
            for line in lines[1:]:
                name, _, value = line.decode("latin-1").partition(":")
                headers.append((name, value.strip(" \t")))
            with self.lock:
                self.requests.append({"method": method, "target": target, "headers": headers, "received_ms": now_ms()})
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                % len(self.BODY)
                + self.BODY
            )
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    def take(self):
        with self.lock:
            taken, self.requests = self.requests, []
        return taken

    def close(self):
        self.sock.close()


# flag -> wire name of the request member (from `cloudcost scp list-usages --help`)
WIRE = {
    "--start-date": "start_date",
    "--end-date": "end_date",
    "--with-count": "with_count",
    "--limit": "limit",
    "--marker": "marker",
    "--sort": "sort",
    "--account-id": "account_id",
    "--service-category": "service_category",
    "--billing-item-id": "billing_item_id",
    "--resource-name": "resource_name",
    "--scp-region": "region",
    "--contract-id": "contract_id",
    "--order-status": "order_status",
}

CLI_ACCESS_KEY = "AK-oracle-0123456789"
CLI_SECRET_KEY = "sk/oracle+secret=key~!"
CLI_ACCOUNT_ID = "acct-oracle-42"

# (name, [(flag, [values])] in the order given on the command line, account id or None)
PART1_CASES = [
    ("no parameters, with account id", [], CLI_ACCOUNT_ID),
    ("no parameters, without account id", [], None),
    (
        "list parameters with several values (region, account-id)",
        [("--scp-region", ["kr-west1", "kr-east1", "kr-south1"]), ("--account-id", ["acc-b", "acc-a"])],
        CLI_ACCOUNT_ID,
    ),
    ("a value with a space, without account id", [("--resource-name", ["my web server"])], None),
    ("Korean text", [("--resource-name", ["테스트 서버"])], CLI_ACCOUNT_ID),
    ("~ and *", [("--billing-item-id", ["a~b", "c*d"]), ("--contract-id", ["x~*y"])], CLI_ACCOUNT_ID),
    ("':' in sort created_at:desc", [("--sort", ["created_at:desc"])], None),
    ("reserved characters & = + % / ? #", [("--resource-name", ["a&b=c+d%e/f?g#h"])], CLI_ACCOUNT_ID),
    (
        "keys sorting differently from the order given",
        [
            ("--sort", ["created_at:desc"]),
            ("--service-category", ["Compute", "Storage"]),
            ("--order-status", ["ACTIVE"]),
            ("--limit", ["5"]),
            ("--end-date", ["2024-01-31"]),
            ("--contract-id", ["ct-1"]),
            ("--account-id", ["z-acc", "a-acc"]),
            ("--start-date", ["2024-01-01"]),
            ("--with-count", []),
            ("--resource-name", ["서버 1"]),
            ("--scp-region", ["kr-west1"]),
        ],
        CLI_ACCOUNT_ID,
    ),
]


def run_cli(port, flags, account_id):
    home = tempfile.mkdtemp(prefix="scp-oracle-home-")
    env = {"HOME": home, "SCP_ACCESS_KEY": CLI_ACCESS_KEY, "SCP_SECRET_KEY": CLI_SECRET_KEY}
    if account_id is not None:
        env["SCP_ACCOUNT_ID"] = account_id
    argv = [BINARY, "scp", "list-usages", "--endpoint-url", f"http://127.0.0.1:{port}"]
    for flag, values in flags:
        argv += [flag, *values]
    proc = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    return argv, proc


def header_values(headers, name):
    return [v for n, v in headers if n.lower() == name.lower()]


def part1(version):
    server = CaptureServer()
    try:
        for name, flags, account_id in PART1_CASES:
            name = "part 1: " + name
            pairs = []
            for flag, values in flags:
                for v in values or ["true"]:
                    pairs.append((WIRE[flag], v))
            try:
                argv, proc = run_cli(server.port, flags, account_id)
            except subprocess.TimeoutExpired:
                check(f"{name}: cloudcost ran", False, "timed out after 60 s")
                server.take()
                continue
            captured = server.take()
            if proc.returncode != 0 or len(captured) != 1:
                check(
                    f"{name}: cloudcost ran and sent one request",
                    False,
                    f"argv {argv}\nexit {proc.returncode}, {len(captured)} request(s) captured\n"
                    f"stderr: {proc.stderr.decode(errors='replace').strip()}",
                )
                if not captured:
                    continue
            req = captured[0]
            headers = req["headers"]

            want_target = request_target(pairs)
            check(
                f"{name}: request target",
                req["method"] == "GET" and req["target"] == want_target,
                f"expected GET {want_target}\n  actual {req['method']} {req['target']}",
            )

            ts = header_values(headers, "Scp-Timestamp")
            ts_ok = len(ts) == 1 and ts[0].isdigit() and abs(int(ts[0]) - req["received_ms"]) <= 60_000
            check(f"{name}: Scp-Timestamp is Unix ms within 60 s of now", ts_ok, f"Scp-Timestamp {ts}, now {req['received_ms']}")
            timestamp = ts[0] if ts else ""

            url = f"http://127.0.0.1:{server.port}{want_target}"
            want_headers = [
                ("Scp-AccessKey", CLI_ACCESS_KEY),
                ("Scp-Timestamp", timestamp),
                ("Scp-ClientType", CLIENT_TYPE),
                ("Scp-AccountId", account_id or ""),
                ("Accept-Language", "en-US"),
                ("Accept", "application/json"),
                ("User-Agent", f"cloudcost/{version}"),
                ("Scp-Api-Version", "costexplorer 1.0"),
            ]
            bad = []
            for hname, want in want_headers:
                got = header_values(headers, hname)
                if got != [want]:
                    bad.append(f"{hname}: expected [{want!r}], actual {got!r}")
            check(f"{name}: headers", not bad, "\n".join(bad))

            want_sig = sign("GET", url, timestamp, CLI_ACCESS_KEY, account_id, CLI_SECRET_KEY)
            got_sig = header_values(headers, "Scp-Signature")
            check(
                f"{name}: Scp-Signature",
                got_sig == [want_sig],
                f"expected [{want_sig!r}] (signed URL {url}, timestamp {timestamp})\n  actual {got_sig!r}",
            )
    finally:
        server.close()


# ---------------------------------------------------- part 2: the strict mock verifies


class Mock:
    def __init__(self):
        self.proc = subprocess.Popen(
            [BINARY, "mock", "--strict-auth", "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        found = []

        def read():
            for line in self.proc.stdout:
                if line.startswith("listening on "):
                    found.append(line.split()[-1])
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=30)
        if not found:
            self.stop()
            raise RuntimeError("cloudcost mock did not print 'listening on <url>' within 30 s")
        self.url = found[0].rstrip("/")
        m = re.match(r"http://([^/:]+):(\d+)$", self.url)
        if not m:
            self.stop()
            raise RuntimeError(f"unexpected mock URL {self.url!r}")
        self.host, self.port = m.group(1), int(m.group(2))

    def stop(self):
        self.proc.kill()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass


PART2_PAIRS = [
    ("sort", "created_at:desc"),
    ("region", "kr-west1"),
    ("region", "kr-east1"),
    ("resource_name", "테스트 서버"),
    ("limit", "3"),
]


def send(mock, target, headers):
    conn = http.client.HTTPConnection(mock.host, mock.port, timeout=15)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v.encode("utf-8"))
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", errors="replace")
    finally:
        conn.close()


def signed_headers(mock, target, *, secret=MOCK_SECRET_KEY, account=MOCK_ACCOUNT_ID, header_account=None,
                   timestamp=None, client_type=True, signed_target=None):
    ts = str(timestamp if timestamp is not None else now_ms())
    url = mock.url + (signed_target or target)
    sig = sign("GET", url, ts, MOCK_ACCESS_KEY, account, secret)
    headers = [
        ("Scp-AccessKey", MOCK_ACCESS_KEY),
        ("Scp-Timestamp", ts),
        ("Scp-Signature", sig),
        ("Scp-AccountId", account if header_account is None else header_account),
        ("Accept-Language", "en-US"),
        ("Accept", "application/json"),
        ("User-Agent", "scp-oracle/1"),
        ("Scp-Api-Version", "costexplorer 1.0"),
    ]
    if client_type:
        headers.insert(3, ("Scp-ClientType", CLIENT_TYPE))
    return headers


def part2():
    try:
        mock = Mock()
    except (RuntimeError, OSError) as e:
        check("part 2: cloudcost mock --strict-auth starts", False, str(e))
        return
    try:
        target = request_target(PART2_PAIRS)
        try:
            status, body = send(mock, target, signed_headers(mock, target))
            try:
                json.loads(body)
                is_json = True
            except ValueError:
                is_json = False
            check(
                f"part 2: the oracle's signed request is accepted (GET {target})",
                status == 200 and is_json,
                f"status {status}, body {' '.join(body.split())[:300]}",
            )
        except OSError as e:
            check("part 2: the oracle's signed request is accepted", False, repr(e))

        hour = 3600 * 1000
        other_query = request_target([("region", "kr-west1")])
        tamperings = [
            ("wrong secret key", target, dict(secret="not-the-" + MOCK_SECRET_KEY)),
            ("wrong account id, signed and sent consistently", target, dict(account="some-other-account")),
            ("Scp-AccountId header differs from the signed account id", target, dict(header_account="some-other-account")),
            ("Scp-AccountId header empty, the account id signed", target, dict(header_account="")),
            ("missing Scp-ClientType header", target, dict(client_type=False)),
            ("stale timestamp (signed correctly, 1 hour old)", target, dict(timestamp=now_ms() - hour)),
            ("timestamp 1 hour in the future (signed correctly)", target, dict(timestamp=now_ms() + hour)),
            ("query changed after signing", other_query, dict(signed_target=target)),
        ]
        for name, sent_target, kw in tamperings:
            try:
                status, body = send(mock, sent_target, signed_headers(mock, sent_target, **kw))
            except OSError as e:
                check(f"part 2: rejected with 4xx: {name}", False, repr(e))
                continue
            ok = 400 <= status < 500
            summary = f"status {status}, body {' '.join(body.split())[:160]}"
            check(f"part 2: rejected with 4xx: {name} ({summary})", ok, "expected a 4xx" if not ok else "")
    finally:
        mock.stop()


def main():
    self_test()
    try:
        version = runtime_version()
    except (OSError, RuntimeError) as e:
        check("read crates/runtime version", False, str(e))
        version = "<unknown>"
    part1(version)
    part2()
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    main()

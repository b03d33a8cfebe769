#!/usr/bin/env python3
"""Check the generated JSON Schemas and the documented examples against each other.

Usage: validate_examples.py [WORKSPACE_ROOT]   (default: two levels up from this file)

1. Every file under schemas/ must pass Draft7Validator.check_schema (with the
   metaschema's default format checker, so `pattern` values must compile as regexes).
2. Every documented example named by specs/*.yaml must validate against its schema
   (Draft 7, with a FormatChecker: unknown formats such as `decimal` are ignored).
   Where the examples are and which schema each one belongs to is read from the specs:
     - requestBody.content.<mt>.examples.<name>.externalValue
         -> the `$ref` name of requestBody.content.<mt>.schema
     - x-cloudcost-request-examples.<name>.externalValue (operations without a body)
         -> x-cloudcost-input, else <operationId>Request
     - responses.200.content.<mt>.examples.<name>.externalValue
         -> the `$ref` name of that content's schema
   and the schema file is schemas/<x-cloudcost-service.family>/<SchemaName>.json.
3. Negative controls: every example that is a JSON object is mutated in ways its schema
   must reject (whole value replaced by an array; first `required` property deleted;
   first typed property given a value of another JSON type) and each mutation must fail.

Examples are read with parse_float=decimal.Decimal so that long decimal numbers (the
GetReservationUtilization example has 34 significant digits) reach the validator exactly.

Prints one line per check and ends with `N passed, M failed`. Exits 1 if anything
failed or if no example was found.
"""

from __future__ import annotations

import copy
import decimal
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft7Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_integer(checker, instance):
    # Draft 7: a number with a zero fractional part is an integer. The stock checker
    # accepts such floats (2.0); do the same for the Decimals that parse_float makes.
    if Draft7Validator.TYPE_CHECKER.is_type(instance, "integer"):
        return True
    return isinstance(instance, decimal.Decimal) and instance.is_finite() and instance == instance.to_integral_value()


# Draft7Validator whose only change is that integral Decimals count as "integer".
Validator = validators.extend(
    Draft7Validator,
    type_checker=Draft7Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"PASS {what}")

    def fail(self, what: str, why: str) -> None:
        self.failed += 1
        print(f"FAIL {what}: {why}")


def load_json(path: Path):
    with path.open(encoding="utf-8") as f:
        return json.load(f, parse_float=decimal.Decimal)


def pointer(parts) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def describe(err) -> str:
    """One-line description of a ValidationError/SchemaError."""
    where = pointer(err.absolute_path) if err.absolute_path else "/"
    kw_path = pointer(err.absolute_schema_path) if err.absolute_schema_path else "/"
    text = f"at {where}: keyword `{err.validator}` ({kw_path}): {err.message}"
    if err.cause is not None:
        text += f" [cause: {type(err.cause).__name__}: {err.cause}]"
    return text


def ref_name(schema) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


def self_tests(rep: Report) -> None:
    """Make sure Decimal is handled as a JSON number before relying on it."""
    text = "69.11368320913270968764864436340574"
    value = json.loads(text, parse_float=decimal.Decimal)
    what = "self-test: parse_float=Decimal keeps 34 significant digits"
    if isinstance(value, decimal.Decimal) and str(value) == text:
        rep.ok(what)
    else:
        rep.fail(what, f"got {value!r}")
    checks = [
        ({"type": "number"}, value, True),
        ({"type": ["string", "number"]}, value, True),
        ({"type": "string"}, value, False),
        ({"type": "integer"}, value, False),
        ({"type": "integer"}, decimal.Decimal("2.0"), True),
        ({"type": "number", "maximum": 100}, value, True),
        ({"type": "number", "maximum": 69}, value, False),
        ({"type": "number", "multipleOf": decimal.Decimal("0.5")}, decimal.Decimal("1.5"), True),
    ]
    for schema, inst, expected in checks:
        what = f"self-test: {json.dumps(schema, default=str)} {'accepts' if expected else 'rejects'} Decimal('{inst}')"
        try:
            got = Validator(schema).is_valid(inst)
        except Exception as e:  # noqa: BLE001
            rep.fail(what, f"{type(e).__name__}: {e}")
            continue
        if got == expected:
            rep.ok(what)
        else:
            rep.fail(what, f"is_valid returned {got}")


def check_schema_files(root: Path, rep: Report) -> None:
    files = sorted((root / "schemas").rglob("*.json"))
    if not files:
        rep.fail("schemas", f"no *.json under {root / 'schemas'}")
    for path in files:
        rel = path.relative_to(root)
        what = f"check_schema {rel}"
        try:
            schema = load_json(path)
        except (OSError, ValueError) as e:
            rep.fail(what, f"cannot read JSON: {e}")
            continue
        try:
            Validator.check_schema(schema)
        except SchemaError as e:
            rep.fail(what, describe(e))
            continue
        rep.ok(what)


def collect_examples(root: Path, rep: Report):
    """Yield (label, example_path, schema_path) for every documented example."""
    specs = sorted((root / "specs").glob("*.yaml")) + sorted((root / "specs").glob("*.yml"))
    if not specs:
        rep.fail("specs", f"no specs/*.yaml under {root}")
    for spec_path in specs:
        spec_rel = spec_path.relative_to(root)
        try:
            with spec_path.open(encoding="utf-8") as f:
                spec = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            rep.fail(f"load {spec_rel}", str(e))
            continue
        family = ((spec or {}).get("x-cloudcost-service") or {}).get("family")
        if not isinstance(family, str) or not family:
            rep.fail(f"load {spec_rel}", "no x-cloudcost-service.family")
            continue
        schema_dir = root / "schemas" / family
        for path_key, item in (spec.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method, op in item.items():
                if method not in HTTP_METHODS or not isinstance(op, dict):
                    continue
                op_label = f"{family} {op.get('operationId') or f'{method.upper()} {path_key}'}"
                # -- request examples
                body = op.get("requestBody")
                if isinstance(body, dict):
                    for mt, content in (body.get("content") or {}).items():
                        yield from _content_examples(
                            root, spec_path, schema_dir, f"{op_label} request {mt}", content, rep
                        )
                req_examples = op.get("x-cloudcost-request-examples")
                if req_examples:
                    schema_name = op.get("x-cloudcost-input") or (
                        f"{op['operationId']}Request" if op.get("operationId") else None
                    )
                    yield from _named_examples(
                        root, spec_path, schema_dir, f"{op_label} request", schema_name, req_examples, rep
                    )
                # -- response examples
                responses = op.get("responses") or {}
                ok = responses.get("200", responses.get(200))
                if isinstance(ok, dict):
                    for mt, content in (ok.get("content") or {}).items():
                        yield from _content_examples(
                            root, spec_path, schema_dir, f"{op_label} response {mt}", content, rep
                        )


def _content_examples(root, spec_path, schema_dir, label, content, rep):
    if not isinstance(content, dict):
        return
    examples = content.get("examples") or {}
    if "example" in content:
        rep.fail(label, "inline `example` found; documented examples must be external files (externalValue)")
    if not examples:
        return
    schema_name = ref_name(content.get("schema"))
    if schema_name is None:
        rep.fail(label, "schema is not a $ref, cannot tell which schemas/<family>/<Type>.json to use")
        return
    yield from _named_examples(root, spec_path, schema_dir, label, schema_name, examples, rep)


def _named_examples(root, spec_path, schema_dir, label, schema_name, examples, rep):
    if not isinstance(examples, dict):
        rep.fail(label, "examples is not a map")
        return
    if not schema_name:
        rep.fail(label, "cannot determine the schema name (no x-cloudcost-input and no operationId)")
        return
    for name, ex in examples.items():
        ex_label = f"{label} example `{name}`"
        ext = ex.get("externalValue") if isinstance(ex, dict) else None
        if not isinstance(ext, str):
            rep.fail(ex_label, "no externalValue")
            continue
        yield ex_label, (spec_path.parent / ext), schema_dir / f"{schema_name}.json"


def _resolve(schema, root_schema, depth=0):
    while isinstance(schema, dict) and "$ref" in schema and depth < 50:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return schema
        node = root_schema
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema, depth = node, depth + 1
    return schema


_SAMPLES = [
    ("object", {"__schema_check_mutation__": True}),
    ("array", ["__schema_check_mutation__"]),
    ("string", "__schema_check_mutation__"),
    ("boolean", True),
    ("null", None),
]


def mutations(example, schema):
    """Mutated copies of an object example that the schema must reject."""
    yield "whole example replaced by a JSON array", [example]
    required = schema.get("required") if isinstance(schema, dict) else None
    if isinstance(required, list) and required and required[0] in example:
        m = copy.deepcopy(example)
        del m[required[0]]
        yield f"required property `{required[0]}` deleted", m
    props = schema.get("properties") if isinstance(schema, dict) else None
    if isinstance(props, dict):
        for key in example:
            sub = _resolve(props.get(key), schema)
            if not isinstance(sub, dict) or "type" not in sub:
                continue
            types = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
            for tname, sample in _SAMPLES:
                if tname not in types:
                    m = copy.deepcopy(example)
                    m[key] = sample
                    yield f"property `{key}` (type {'/'.join(types)}) set to a JSON {tname}", m
                    break
            break


def check_examples(root: Path, rep: Report) -> int:
    count = 0
    schema_cache: dict[Path, object] = {}
    for label, ex_path, schema_path in collect_examples(root, rep):
        count += 1
        ex_rel = _rel(ex_path, root)
        schema_rel = _rel(schema_path, root)
        what = f"example {label} ({ex_rel}) against {schema_rel}"
        try:
            example = load_json(ex_path)
        except (OSError, ValueError) as e:
            rep.fail(what, f"cannot read example: {e}")
            continue
        if schema_path not in schema_cache:
            try:
                schema_cache[schema_path] = load_json(schema_path)
            except (OSError, ValueError) as e:
                schema_cache[schema_path] = e
        schema = schema_cache[schema_path]
        if isinstance(schema, Exception):
            rep.fail(what, f"cannot read schema: {schema}")
            continue
        validator = Validator(schema, format_checker=FormatChecker())
        try:
            errors = sorted(validator.iter_errors(example), key=lambda e: list(e.absolute_path))
        except Exception as e:  # noqa: BLE001 - e.g. re.error from a `pattern`
            rep.fail(what, f"validator raised {type(e).__name__}: {e}")
            continue
        if errors:
            rep.fail(what, "; ".join(describe(e) for e in errors))
        else:
            rep.ok(what)
        if not isinstance(example, dict):
            continue
        for desc, mutated in mutations(example, schema):
            mwhat = f"reject {label}: {desc}"
            try:
                valid = validator.is_valid(mutated)
            except Exception as e:  # noqa: BLE001
                rep.fail(mwhat, f"validator raised {type(e).__name__}: {e}")
                continue
            if valid:
                rep.fail(mwhat, f"{schema_rel} accepted the mutated example")
            else:
                rep.ok(mwhat)
    return count


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def main(argv) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    rep = Report()
    self_tests(rep)
    check_schema_files(root, rep)
    n = check_examples(root, rep)
    if n == 0:
        rep.fail("examples", "no documented example found in specs/*.yaml")
    print(f"{rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

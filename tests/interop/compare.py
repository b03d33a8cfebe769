"""What the interop checks share to compare a botocore response with our CLI's output.

No side effects on import: boto3_interop.py and ledger_check.py both import it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal


def normalised(value):
    """A decoded response in one form for comparison: numbers as decimals (a float as the
    shortest decimal that reads back to it, which is all botocore keeps of a number; an
    exact decimal from our JSON rounded to that double too), timestamps as epoch seconds
    (our CLI prints the wire's epoch seconds, botocore a datetime)."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise AssertionError(f"a timestamp without a time zone: {value!r}")
        return Decimal(repr(value.timestamp()))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, (float, Decimal)):
        return Decimal(repr(float(value)))
    raise AssertionError(f"a value of an unexpected type {type(value).__name__}: {value!r}")

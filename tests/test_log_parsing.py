"""The fast paths of reading a selection log give what the plain ones give.

A log is parsed by orjson where json would parse it the same (``logs._loads``), and the probe
accuracies are range-checked with ``min``/``max`` where every layer is probed; in every case the
object, or the error and its message, is the one the json module and the per-value check give.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pifi_ablation.sources.measured import logs
from pifi_ablation.sources.measured.checks import LogCheck

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)

_scalars = (st.none() | st.booleans() | st.text(max_size=8)
            | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
            | st.floats(allow_nan=True, allow_infinity=True))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=20)


def _typed(value):
    """``value`` with every number's type spelled out (1 == 1.0 in Python; not here), floats as text."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float):
        return ("float", repr(value))  # NaN equal to NaN, -0.0 apart from 0.0
    return (type(value).__name__, value)


def _outcome(loads, data: bytes):
    try:
        return "ok", _typed(loads(data))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        return "error", type(err).__name__, str(err)


@SETTINGS
@given(_values, st.sampled_from([{}, {"indent": 1}, {"ensure_ascii": False}]))
def test_loads_equals_json_on_any_json_python_writes(value, options):
    data = json.dumps(value, **options).encode("utf-8")
    assert _outcome(logs._loads, data) == _outcome(json.loads, data)


@pytest.mark.parametrize("data", [
    b'{"seed": 123456789012345678901234567890}',  # beyond 64 bits: json keeps an int
    b'{"seed": -18446744073709551617}',
    b'{"a": [1.5, 18446744073709551616]}',
    b'{"a": 0.000123456789012345678901}',  # a long fraction is no integer
    b'{"a": "12345678901234567890"}',  # digits in a string: read by json, the same
    b'{"a": NaN, "b": Infinity, "c": -Infinity}',  # Python's json writes these; orjson refuses
    b'{"a": 1e400}',
    b'\xef\xbb\xbf{"a": 1}',  # a byte-order mark
    '{"a": "\u00e9"}'.encode("utf-16"),  # json reads UTF-16 too
    b'{"a": "\\ud800"}',  # a lone surrogate
    b'{"a": 1, "a": 2}',  # a repeated key: the last wins in both
    b'{"a": 1',  # cut off
    b'{"a": "\xff"}',  # not UTF-8
    b'[1, 2] 3',
    b"",
])
def test_loads_equals_json_where_the_two_parsers_part(data):
    assert _outcome(logs._loads, data) == _outcome(json.loads, data)


def test_a_long_integer_goes_to_json():
    assert type(logs._loads(b'{"seed": 123456789012345678901234567890}')["seed"]) is int
    assert logs._may_hold_long_integer(b"[1234567890123456789]")
    assert not logs._may_hold_long_integer(b"[123456789012345678, 0.1234567890123456789012]")


def _probe_outcome(probe):
    c = LogCheck("x.json", {})
    arr = logs._probe(c, probe, len(probe) if isinstance(probe, list) else None)
    return [str(p) for p in c.problems], None if arr is None else arr.tolist()


def _probe_slow(probe):
    """The per-value check the fast path must agree with."""
    ok = all(0.0 <= v <= 1.0 for v in probe if v is not None)
    return ok


@SETTINGS
@given(st.lists(st.none() | st.floats(min_value=-0.5, max_value=1.5) | st.floats()
                | st.sampled_from([0, 1, 2, -1]), max_size=6))
def test_probe_range_check_equals_the_per_value_check(probe):
    problems, _ = _probe_outcome(probe)
    assert (not problems) == _probe_slow(probe)

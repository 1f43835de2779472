"""The demo source reproduces the seed notebook's generators exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pifi_ablation
from pifi_ablation.sources import demo as demo_source

TABLES = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size")


def _frame(record) -> pd.DataFrame:
    # As scripts/make_seed_golden.py writes it: columns, dtypes, rows.
    df = pd.DataFrame(record["rows"], columns=record["columns"])
    return df.astype(dict(zip(record["columns"], record["dtypes"], strict=True)))


@pytest.mark.parametrize("table", TABLES)
def test_demo_table_equals_seed_output(demo, seed_golden, table):
    expected = _frame(seed_golden["tables"][table])
    pd.testing.assert_frame_equal(getattr(demo, table), expected, check_exact=True)


@pytest.mark.parametrize("case", range(3))
def test_demo_generators_follow_the_seed_for_other_arguments(seed_golden, case):
    call = seed_golden["other_arguments"][case]
    ours = getattr(demo_source, call["table"])(**call["kwargs"])
    pd.testing.assert_frame_equal(ours, _frame(call["output"]), check_exact=True)


def test_golden_file_covers_every_table_and_call(seed_golden):
    assert set(seed_golden["tables"]) == set(TABLES)
    assert [c["table"] for c in seed_golden["other_arguments"]] == [
        "sample_size", "keyword_weight", "lambda_scale"]


def _grouped(df: pd.DataFrame, by: str, column: str, how: str) -> dict[str, float]:
    s = df.groupby(by)[column].agg(how)
    return {f"{k:g}" if isinstance(k, float) else str(k): float(v) for k, v in s.items()}


def test_demo_gives_the_numbers_the_seed_figures_draw(demo, seed_golden):
    # The aggregates the seed's plotting cells compute, recomputed from our demo tables.
    fig = seed_golden["figure_numbers"]
    ss, kw, lam, ms = demo.sample_size, demo.keyword_weight, demo.lambda_scale, demo.model_size
    checks = {
        ("sample_size", "signal_quality_mean"): _grouped(ss, "n_samples", "signal_quality", "mean"),
        ("sample_size", "signal_quality_std"): _grouped(ss, "n_samples", "signal_quality", "std"),
        ("sample_size", "recovery_rate_mean"): _grouped(ss, "n_samples", "recovery_rate", "mean"),
        ("sample_size", "time_sec_mean"): _grouped(ss, "n_samples", "time_sec", "mean"),
        ("keyword_weight", "recovery_rate_mean"): _grouped(kw, "keyword_weight", "recovery_rate", "mean"),
        ("keyword_weight", "recovery_rate_std"): _grouped(kw, "keyword_weight", "recovery_rate", "std"),
        ("lambda_scale", "recovery_rate_mean"): _grouped(lam, "lambda_scale", "recovery_rate", "mean"),
        ("lambda_scale", "recovery_rate_std"): _grouped(lam, "lambda_scale", "recovery_rate", "std"),
        ("model_size", "recovery_rate_mean"): _grouped(ms, "model", "recovery_rate", "mean"),
        ("model_size", "recovery_rate_std"): _grouped(ms, "model", "recovery_rate", "std"),
    }
    for (table, name), ours in checks.items():
        assert ours == pytest.approx(fig[table][name], rel=1e-12, abs=0), (table, name)
    order = demo.task_sensitivity.sort_values("recovery_rate")["task"].tolist()
    assert order == fig["task_sensitivity"]["recovery_order"]


def test_findings_name_the_seed_figures_best_keyword_weight(demo, seed_golden):
    # The seed stars the keyword weight of the highest mean recovery; so does kw_best.
    from pifi_ablation.findings import findings

    assert findings(demo)["kw_best"].value == seed_golden["figure_numbers"]["keyword_weight"]["best_weight"]


def test_demo_leaves_global_numpy_state_alone():
    # The seed notebook seeds NumPy's global state; our demo source must not touch it.
    np.random.seed(123)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    pifi_ablation.load("demo")
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_demo_provenance_says_it_is_a_simulation(demo):
    assert demo.provenance.kind == "demo"
    assert demo.provenance.is_demo
    assert "simulation" in demo.provenance.label().lower()
    assert len(demo.provenance.content_hash) == 64


def test_load_returns_all_five_tables(demo):
    assert set(demo.tables()) == {"sample_size", "keyword_weight", "lambda_scale",
                                  "task_sensitivity", "model_size"}
    assert len(demo.sample_size) == 25
    assert len(demo.task_sensitivity) == 7
    assert len(demo.model_size) == 12


def test_load_unknown_source_names_it(tmp_path):
    with pytest.raises(pifi_ablation.SourceError, match=str(tmp_path / "missing")):
        pifi_ablation.load(tmp_path / "missing")

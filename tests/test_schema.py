"""Schemas are checked on load; every failure names the table, the column and the rows."""

from __future__ import annotations

import numpy as np
import pytest

from pifi_ablation import SchemaError, schema


@pytest.mark.parametrize("name", schema.TABLE_NAMES)
def test_demo_tables_are_valid(demo, name):
    assert schema.problems(getattr(demo, name), schema.SCHEMAS[name]) == []


def test_missing_column(demo):
    df = demo.sample_size.drop(columns="recovery_rate")
    with pytest.raises(SchemaError, match=r"(?s)table 'sample_size'.*'recovery_rate' is missing"):
        schema.validate(df, "sample_size")


def test_unexpected_column(demo):
    df = demo.lambda_scale.assign(colour="red")
    with pytest.raises(SchemaError, match=r"(?s)table 'lambda_scale'.*unexpected columns \['colour'\]"):
        schema.validate(df, "lambda_scale")


def test_wrong_dtype(demo):
    df = demo.keyword_weight.astype({"keyword_weight": str})
    with pytest.raises(SchemaError, match=r"'keyword_weight' has dtype .*expected float"):
        schema.validate(df, "keyword_weight")


def test_nan_names_the_rows(demo):
    df = demo.model_size.copy()
    df.loc[[3, 7], "best_layer_norm"] = np.nan
    with pytest.raises(SchemaError) as err:
        schema.validate(df, "model_size")
    msg = str(err.value)
    assert "table 'model_size'" in msg
    assert "'best_layer_norm' has missing values" in msg
    assert "row 3: best_layer_norm=nan" in msg and "row 7:" in msg


def test_nullable_column_accepts_missing_values(demo):
    df = demo.lambda_scale.copy()
    df.loc[0, "max_head_effect"] = np.nan
    schema.validate(df, "lambda_scale")


def test_out_of_range_and_infinite(demo):
    df = demo.task_sensitivity.copy()
    df.loc[2, "sensitivity"] = 1.5
    df.loc[4, "best_last_gap"] = np.inf
    with pytest.raises(SchemaError) as err:
        schema.validate(df, "task_sensitivity")
    msg = str(err.value)
    assert "'sensitivity' above its maximum 1.0: row 2: sensitivity=1.5" in msg
    assert "'best_last_gap' has infinite values: row 4" in msg
    assert "2 problem(s)" in msg  # lazy: both reported at once


def test_allowed_values(demo):
    df = demo.task_sensitivity.copy()
    df.loc[1, "task_type"] = "regression"
    with pytest.raises(SchemaError, match=r"'task_type' outside .*row 1: task_type='regression'"):
        schema.validate(df, "task_sensitivity")


def test_cross_column_check(demo):
    df = demo.model_size.copy()
    df.loc[5, "last_acc"] = df.loc[5, "last_acc"] - 0.05
    with pytest.raises(SchemaError, match=r"best_acc - last_acc = best_last_gap: row 5"):
        schema.validate(df, "model_size")


def test_duplicate_key(demo):
    df = demo.sample_size.copy()
    df.loc[1, "n_samples"] = df.loc[0, "n_samples"]
    with pytest.raises(SchemaError, match=r"repeat the key \['task', 'n_samples'\]: row 0"):
        schema.validate(df, "sample_size")


def test_validation_runs_when_building_ablations(demo):
    bad = demo.sample_size.assign(recovery_rate=2.0)
    with pytest.raises(SchemaError, match="sample_size"):
        demo.replace(sample_size=bad)


def test_not_a_dataframe():
    with pytest.raises(SchemaError, match="expected a pandas DataFrame, got list"):
        schema.validate([1, 2], "sample_size")

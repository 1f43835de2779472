"""The demo source reproduces the seed notebook's generators exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pifi_ablation
from pifi_ablation.sources import demo as demo_source

SEED_NAMES = {
    "sample_size": "create_sample_size_ablation_data",
    "keyword_weight": "create_keyword_weight_ablation_data",
    "lambda_scale": "create_lambda_ablation_data",
    "task_sensitivity": "create_task_sensitivity_data",
    "model_size": "create_model_size_data",
}


@pytest.mark.parametrize("table", list(SEED_NAMES))
def test_demo_table_equals_seed_output(demo, seed_generators, table):
    expected = seed_generators[SEED_NAMES[table]]()
    pd.testing.assert_frame_equal(getattr(demo, table), expected, check_exact=True)


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), [
    (demo_source.sample_size, "create_sample_size_ablation_data",
     {"sample_sizes": [10, 30], "n_tasks": 3, "seed": 7}),
    (demo_source.keyword_weight, "create_keyword_weight_ablation_data",
     {"weights": [0.1, 0.9], "n_tasks": 2, "seed": 1}),
    (demo_source.lambda_scale, "create_lambda_ablation_data",
     {"lambdas": [1.0, 4.0, 8.0], "n_tasks": 4, "seed": 3}),
])
def test_demo_generators_follow_the_seed_for_other_arguments(seed_generators, ours, theirs, kwargs):
    pd.testing.assert_frame_equal(ours(**kwargs), seed_generators[theirs](**kwargs), check_exact=True)


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

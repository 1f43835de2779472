"""Findings recomputed independently from the demo tables."""

from __future__ import annotations

import pytest

from pifi_ablation.findings import Finding, findings, format_value


@pytest.fixture(scope="module")
def found(demo):
    return findings(demo)


def test_keys_are_ascii_snake_case(found):
    for key in found:
        assert key.isascii() and key == key.lower() and " " not in key and "-" not in key


def test_sample_size_findings(demo, found):
    means = demo.sample_size.groupby("n_samples")["recovery_rate"].mean()
    assert found["ss_recovery_smallest"].value == pytest.approx(means.loc[50])
    assert found["ss_recovery_largest"].value == pytest.approx(means.loc[800])
    assert found["ss_best_n"].value == means.idxmax()
    assert found["ss_recommended_n"].value == min(n for n, m in means.items() if m >= 0.9 * means.max())
    assert found["ss_recovery_smallest"].n == 5


def test_sweep_findings(demo, found):
    kw = demo.keyword_weight.groupby("keyword_weight")["recovery_rate"].mean()
    assert found["kw_best"].value == kw.idxmax()
    assert found["kw_recovery_default"].value == pytest.approx(kw.loc[0.65])
    assert found["kw_default_shortfall"].value == pytest.approx(kw.max() - kw.loc[0.65])
    lam = demo.lambda_scale.groupby("lambda_scale")["recovery_rate"].mean()
    assert found["lam_best"].value == lam.idxmax()
    assert found["lam_recovery_default"].value == pytest.approx(lam.loc[3.0])


def test_task_findings(demo, found):
    t = demo.task_sensitivity
    ranks_s = t["sensitivity"].rank()
    ranks_g = t["auto_last_gap"].rank()
    pearson_of_ranks = ranks_s.corr(ranks_g)
    assert found["task_rho"].value == pytest.approx(pearson_of_ranks)
    by_type = t.groupby("task_type")["recovery_rate"].mean()
    assert found["task_recovery_cls"].value == pytest.approx(by_type["classification"])
    assert found["task_recovery_ent"].value == pytest.approx(by_type["entailment"])
    assert found["task_n_ent"].value == 2
    assert found["task_most_sensitive"].value == "Tweet-Sent"  # tweet_sentiment, sensitivity 0.22


def test_model_findings(demo, found):
    m = demo.model_size.groupby("model")
    assert found["model_qwen2_7b_gap"].value == pytest.approx(m["best_last_gap"].mean()["Qwen2-7B"])
    assert found["model_qwen2_0_5b_recovery"].value == pytest.approx(
        m["recovery_rate"].mean()["Qwen2-0.5B"])
    rec = m["recovery_rate"].mean()
    assert found["model_recovery_spread"].value == pytest.approx(rec.max() - rec.min())


def test_formatting():
    assert format_value(0.8534, "pct") == "85.3%"
    assert format_value(0.0213, "pp") == "2.1"
    assert format_value(float("nan"), "pct") == "n/a"
    assert format_value(0.0004, "p") == "< 0.001"
    f = Finding("x", 0.5, "pct", "half", ci=(0.4, 0.6), n=3)
    assert (repr(f), f.ci_text) == ("50.0%", "[40.0%, 60.0%]")

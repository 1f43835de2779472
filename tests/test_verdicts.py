"""Verdicts and paired findings on constructed data, and on the demo against scipy."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from pifi_ablation import paired
from pifi_ablation.findings import findings
from pifi_ablation.verdicts import SWEEP_BY_NAME, best_ties, paired_findings, sweep_verdict

TASKS = ["sst2", "cola", "imdb", "tweet_offensive", "snli", "mnli"]


def _lambda_table(shifts: dict[float, list[float]], base: list[float] | None = None) -> pd.DataFrame:
    """A lambda sweep: the default 3.0 at ``base`` per task, every other setting at base + shift."""
    if base is None:
        base = [0.50, 0.60, 0.55, 0.70, 0.65, 0.45][: len(next(iter(shifts.values())))]
    rows = [{"task": t, "lambda_scale": 3.0, "max_head_effect": 0.1, "recovery_rate": b}
            for t, b in zip(TASKS, base, strict=False)]
    for value, deltas in shifts.items():
        rows += [{"task": t, "lambda_scale": value, "max_head_effect": 0.1, "recovery_rate": b + d}
                 for t, b, d in zip(TASKS, base, deltas, strict=False)]
    return pd.DataFrame(rows)


def _found(demo, table: pd.DataFrame) -> dict:
    ab = demo.replace(lambda_scale=table)
    return {f.key: f for f in paired_findings(ab)}


def test_better_on_every_task(demo):
    f = _found(demo, _lambda_table({5.0: [0.10, 0.12, 0.09, 0.11, 0.10, 0.13], 1.0: [0.0, 0.01, -0.01,
                                                                                         0.02, 0.0, -0.02]}))
    assert f["lam_verdict"].value.startswith("λ = 5, the best mean, is better than the default (λ = 3)")
    assert "higher on 6 of 6 tasks" in f["lam_verdict"].value
    assert "회복률이 기본값(λ = 3)보다 높다" in f["lam_verdict"].ko
    assert f["lam_best_vs_default_wins"].value == 6
    assert f["lam_best_vs_default_diff"].value == pytest.approx(np.mean([0.10, 0.12, 0.09, 0.11, 0.10, 0.13]))
    # Holm over the two settings: the smaller p doubled.
    p5 = f["lam_best_vs_default_p"].value
    assert f["lam_best_vs_default_p_holm"].value == pytest.approx(min(1.0, 2 * p5))


def test_worse_when_the_best_is_below_the_default_cannot_happen_but_a_pair_can_be_worse(demo):
    # The best has the highest mean, so it is never worse than the default; the model
    # comparison can be: the largest model below the smallest on every task.
    table = demo.model_size.copy()
    big = table["model"] == "Qwen2-7B"
    small = table.loc[table["model"] == "Qwen2-0.5B"].set_index("task")["recovery_rate"]
    offsets = np.linspace(0.20, 0.25, int(big.sum()))
    table.loc[big, "recovery_rate"] = table.loc[big, "task"].map(small).to_numpy() - offsets
    f = {x.key: x for x in paired_findings(demo.replace(model_size=table))}
    assert f["model_verdict"].value.startswith("the recovery of Qwen2-7B is worse than that of Qwen2-0.5B")
    assert "회복률이 Qwen2-0.5B보다 낮다" in f["model_verdict"].ko
    assert f["model_largest_vs_smallest_diff"].value == pytest.approx(-offsets.mean())


def test_indistinguishable(demo):
    f = _found(demo, _lambda_table({5.0: [0.10, -0.08, 0.05, -0.04, 0.06, -0.05]}))
    assert "is not distinguishable from the default (λ = 3)" in f["lam_verdict"].value
    assert "기본값(λ = 3)과 구별되지 않는다" in f["lam_verdict"].ko
    assert f["lam_best_vs_default_wins"].value == 3


def test_default_best_with_a_tie_at_display_precision(demo):
    # 7.0 is 0.0001 below the default on average: equal at one decimal of a percentage.
    f = _found(demo, _lambda_table({7.0: [-0.0001] * 6, 1.0: [-0.05] * 6}))
    assert f["lam_verdict"].value == "the default (λ = 3) is the best mean, tied with λ = 7"
    assert f["lam_verdict"].ko == "기본값(λ = 3)에서 최고 평균을 얻는다(λ = 7도 동률)"
    for key in ("diff", "p", "p_holm", "wins"):
        finding = f[f"lam_best_vs_default_{key}"]
        assert not finding.defined and finding.text == "the default is the best"


def test_tie_between_two_non_default_settings_names_both(demo):
    f = _found(demo, _lambda_table({5.0: [0.10, 0.12, 0.09, 0.11, 0.10, 0.13],
                                    7.0: [0.10, 0.12, 0.09, 0.11, 0.10, 0.13001]}))
    assert f["lam_verdict"].value.startswith("λ = 5 and λ = 7 tie for the best mean; λ = 5 is better than")
    assert f["lam_verdict"].ko.startswith(
        "최고 평균 동률(λ = 5, λ = 7) 중 λ = 5: 회복률이 기본값(λ = 3)보다 높다")


def test_identical_on_every_task(demo):
    f = _found(demo, _lambda_table({5.0: [0.0] * 6, 1.0: [-0.1] * 6}))
    # 3.0 and 5.0 tie and the default is among them: "the default is the best" wins.
    assert f["lam_verdict"].value.startswith("the default (λ = 3) is the best mean, tied with λ = 5")
    sweep = SWEEP_BY_NAME["lambda_scale"]
    table = _lambda_table({5.0: [0.0] * 6})
    c = paired.compare(table, "lambda_scale", 5.0, 3.0)
    v = sweep_verdict(sweep, [5.0], c)  # as if 5.0 alone were best
    assert v.case == "identical" and "identical to the default (λ = 3) on every task (n = 6)" in v.en
    assert math.isnan(c.t.p_value) and c.t.reason == paired.IDENTICAL


def test_zero_variance_and_too_few_tasks(demo):
    sweep = SWEEP_BY_NAME["lambda_scale"]
    shifted = paired.compare(_lambda_table({5.0: [0.05] * 6}), "lambda_scale", 5.0, 3.0)
    v = sweep_verdict(sweep, [5.0], shifted)
    assert v.case == "zero_variance" and "+5.0 percentage points" in v.en and "분산 0" in v.ko
    assert "기본값(λ = 3)과의 회복률 차이" in v.ko
    f = _found(demo, _lambda_table({5.0: [0.1]}, base=[0.5]))  # one task
    assert f["lam_verdict"].value == ("λ = 5, the best mean: too few tasks to compare with the default "
                                      "(λ = 3) (n = 1)")
    assert f["lam_best_vs_default_diff"].value == pytest.approx(0.1)
    assert f["lam_best_vs_default_p"].text == paired.TOO_FEW
    assert "태스크가 너무 적어(n = 1)" in f["lam_verdict"].ko


def test_no_data_gives_missing_values_not_errors(demo):
    empty = demo.lambda_scale.iloc[0:0]
    f = _found(demo, empty)
    assert f["lam_verdict"].value == "no data for the lambda scale ablation"
    assert not f["lam_best_vs_default_diff"].defined
    empty_models = {x.key: x for x in paired_findings(demo.replace(
        model_size=demo.model_size.iloc[0:0], task_sensitivity=demo.task_sensitivity.iloc[0:0],
        sample_size=demo.sample_size.iloc[0:0]))}
    assert empty_models["model_verdict"].value == "fewer than two models to compare"
    assert not empty_models["task_rho_p_exact"].defined
    assert not empty_models["ss_recommended_vs_best_diff"].defined


def test_best_ties_at_display_precision():
    summary = pd.DataFrame({"x": [1.0, 2.0, 3.0], "mean": [0.8534, 0.8526, 0.8400]})
    assert best_ties(summary, "x") == [1.0, 2.0]  # both 85.3%
    assert best_ties(summary.iloc[0:0], "x") == []


def test_demo_findings_agree_with_scipy(demo):
    from scipy import stats as sps

    found = findings(demo)
    kw = demo.keyword_weight.pivot_table(index="task", columns="keyword_weight", values="recovery_rate")
    best = found["kw_best"].value
    ref = sps.ttest_rel(kw[best], kw[0.65])
    assert found["kw_best_vs_default_p"].value == pytest.approx(ref.pvalue, rel=1e-10)
    assert found["kw_best_vs_default_diff"].value == pytest.approx((kw[best] - kw[0.65]).mean(), rel=1e-12)
    others = [w for w in kw.columns if w != 0.65]
    ps = sorted(sps.ttest_rel(kw[w], kw[0.65]).pvalue for w in others)
    m = len(ps)
    holm = {p: max(min(1.0, (m - j) * ps[j]) for j in range(i + 1)) for i, p in enumerate(ps)}
    assert found["kw_best_vs_default_p_holm"].value == pytest.approx(holm[ref.pvalue], rel=1e-10)
    ss = demo.sample_size.pivot_table(index="task", columns="n_samples", values="recovery_rate")
    rec, top = found["ss_recommended_n"].value, found["ss_best_n"].value
    assert found["ss_recommended_vs_best_p"].value == pytest.approx(
        sps.ttest_rel(ss[rec], ss[top]).pvalue, rel=1e-10)
    t = demo.task_sensitivity
    ry = sps.rankdata(t["auto_last_gap"]) - 4.0

    def rho(a, axis=-1):  # Spearman's rho with the gaps' ranks fixed (7 untied tasks)
        ra = sps.rankdata(a, axis=axis) - 4.0
        return (ra @ ry) / np.sqrt((ra * ra).sum(axis=axis) * (ry @ ry))

    assert rho(t["sensitivity"].to_numpy()) == pytest.approx(sps.spearmanr(t["sensitivity"],
                                                                           t["auto_last_gap"]).statistic)
    exact = sps.permutation_test((t["sensitivity"].to_numpy(),), rho, permutation_type="pairings",
                                 n_resamples=np.inf, vectorized=True)
    assert found["task_rho_p_exact"].value == pytest.approx(exact.pvalue, rel=1e-12)
    assert found["task_rho_p_exact"].n == 7
    # The demo has one selection seed per cell: the seed variation is missing with its reason.
    assert not found["seed_sd_recovery"].defined
    assert found["seed_sd_recovery"].text == "one selection seed per cell"


def test_korean_verdicts_are_glue_only(demo):
    from pifi_ablation import latex
    from pifi_ablation.pages import glue_texts

    found = findings(demo)
    texts = glue_texts(found, demo=True)
    for prefix in ("ss", "kw", "lam", "model"):
        assert texts[f"{prefix}_verdict_ko"] == found[f"{prefix}_verdict"].ko
        assert f"{prefix}_verdict_ko" not in found
    macros = latex.macros_tex(found, demo.provenance)
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in macros)  # no Hangul for pdfLaTeX


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    import pifi_ablation
    from results_factory import write_results

    root = tmp_path_factory.mktemp("results")
    write_results(root, tasks=("sst2", "cola", "snli"), keyword_weights=(0.3,),
                  keyword_models=("Qwen2-0.5B",))
    return pifi_ablation.load(root)


def test_measured_seed_variation_and_gap_differences(measured):
    found = findings(measured)
    table = measured.model_size
    variances = table.groupby(["task", "model"])["recovery_rate"].var(ddof=1)
    counts = table.groupby(["task", "model"])["recovery_rate"].count()
    variances = variances[counts >= 2]
    assert found["seed_sd_recovery"].n == len(variances) > 0
    assert found["seed_sd_recovery"].value == pytest.approx(math.sqrt(variances.mean()), rel=1e-12)

    from pifi_ablation.tables import paired_table

    lam = paired_table(measured, "lambda_scale").frame
    gap = lam["Auto − last gap difference, pp [95% CI]"]
    assert not (gap == "not in the data").any()
    # The gap difference of the first setting, recomputed from the table (per task over its cells).
    t = measured.lambda_scale
    value = float(sorted(set(t["lambda_scale"]) - {3.0})[0])
    cells = t.pivot_table(index=["task", "model", "seed"], columns="lambda_scale", values="auto_last_gap")
    per_task = (cells[value] - cells[3.0]).dropna().groupby(level="task").mean()
    assert gap.iloc[0].split(" ")[0] == f"{100 * per_task.mean():.1f}"
    kw = paired_table(measured, "keyword_weight").frame
    assert (kw["Note"] == "logged").sum() == 1  # the logged 0.3 runs against the logged defaults


def test_verdict_agrees_with_its_interval_or_says_where_holm_goes_further():
    sweep = SWEEP_BY_NAME["lambda_scale"]
    c = paired.compare(_lambda_table({5.0: [0.10, 0.12, 0.09, 0.11, 0.10, 0.13]}), "lambda_scale", 5.0, 3.0)
    agreeing = dataclasses.replace(c, p_holm=0.001, m=3, sim_low=0.05, sim_high=0.15)
    v = sweep_verdict(sweep, [5.0], agreeing)
    assert v.case == "better" and "[5.0, 15.0]" in v.en and "includes 0" not in v.en
    # Holm rejects where the (more conservative) Bonferroni interval still holds 0: said, not hidden.
    beyond = dataclasses.replace(c, p_holm=0.04, m=3, sim_low=-0.01, sim_high=0.2)
    v = sweep_verdict(sweep, [5.0], beyond)
    assert v.case == "better" and "includes 0" in v.en and "0을 포함한다" in v.ko
    not_tested = dataclasses.replace(c, p_holm=0.2, m=3, sim_low=-0.01, sim_high=0.2)
    assert sweep_verdict(sweep, [5.0], not_tested).case == "indistinguishable"

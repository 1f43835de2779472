"""Facts about the models and tasks of the study, in one place.

Layer and head counts are those of the models' published configurations.  The
seed notebook's demonstration generator draws Qwen2-7B with 32 layers; that
number belongs to the simulation only and is never read from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TaskType = Literal["classification", "entailment"]

# The selection's default settings (upstream's): every sweep is compared with its default.
DEFAULT_N_SAMPLES = 200
DEFAULT_KEYWORD_WEIGHT = 0.65
DEFAULT_LAMBDA_SCALE = 3.0


@dataclass(frozen=True)
class ModelInfo:
    """One LLM whose layers can be plugged into the small LM."""

    name: str
    n_layers: int
    n_heads: int
    params_b: float
    llm_type: str  # the upstream pipeline's --llm_model name, as it appears in file names


@dataclass(frozen=True)
class TaskInfo:
    """One downstream task of the study."""

    name: str
    task_type: TaskType
    n_classes: int


MODELS: dict[str, ModelInfo] = {
    m.name: m
    for m in (
        ModelInfo("Qwen2-0.5B", n_layers=24, n_heads=14, params_b=0.5, llm_type="qwen2_0.5b"),
        ModelInfo("Qwen2-1.5B", n_layers=28, n_heads=12, params_b=1.5, llm_type="qwen2_1.5b"),
        ModelInfo("Qwen2-7B", n_layers=28, n_heads=28, params_b=7.0, llm_type="qwen2_7b"),
    )
}
MODEL_ORDER: tuple[str, ...] = tuple(MODELS)
# Every spelling of a model that result files use, lower-cased: the upstream
# llm_type ("qwen2_0.5b") and the display name ("qwen2-0.5b").
_MODEL_SPELLINGS: dict[str, str] = {
    **{m.llm_type: m.name for m in MODELS.values()},
    **{m.name.lower(): m.name for m in MODELS.values()},
}
LLM_TYPES: tuple[str, ...] = tuple(m.llm_type for m in MODELS.values())

TASKS: dict[str, TaskInfo] = {
    t.name: t
    for t in (
        TaskInfo("sst2", "classification", 2),
        TaskInfo("cola", "classification", 2),
        TaskInfo("imdb", "classification", 2),
        TaskInfo("tweet_offensive", "classification", 2),
        TaskInfo("tweet_sentiment_binary", "classification", 2),
        TaskInfo("snli", "entailment", 3),
        TaskInfo("mnli", "entailment", 3),
    )
}
TASK_ALIASES: dict[str, str] = {"tweet_sentiment": "tweet_sentiment_binary"}
TASK_TYPES: tuple[TaskType, ...] = ("classification", "entailment")
# How figures, tables and prose name a task.
TASK_LABELS: dict[str, str] = {
    "sst2": "SST-2",
    "cola": "CoLA",
    "imdb": "IMDb",
    "tweet_offensive": "Tweet-Off",
    "tweet_sentiment_binary": "Tweet-Sent",
    "tweet_sentiment": "Tweet-Sent",
    "snli": "SNLI",
    "mnli": "MNLI",
}


def task_label(task: str) -> str:
    """The printed name of a task (its registry name where it has none)."""
    return TASK_LABELS.get(task, task)


def canonical_task(name: str) -> str:
    """Return the registry name of a task, resolving aliases.

    >>> canonical_task("tweet_sentiment")
    'tweet_sentiment_binary'
    """
    name = TASK_ALIASES.get(name, name)
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(TASKS)}")
    return name


def task_info(name: str) -> TaskInfo:
    """The registry entry of a task (aliases accepted)."""
    return TASKS[canonical_task(name)]


def canonical_model(name: str) -> str:
    """Return the registry name of a model from any spelling result files use.

    >>> canonical_model("qwen2_1.5b"), canonical_model("Qwen2-7B")
    ('Qwen2-1.5B', 'Qwen2-7B')
    """
    try:
        return _MODEL_SPELLINGS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(LLM_TYPES)}") from None


def model_info(name: str) -> ModelInfo:
    """The registry entry of a model (any spelling of :func:`canonical_model`)."""
    return MODELS[canonical_model(name)]


DATASET_NAMES: tuple[str, ...] = (*TASKS, *TASK_ALIASES)

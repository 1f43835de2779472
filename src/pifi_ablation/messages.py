"""What the reader of a results folder says about it, as data: a code with parameters.

Every assumption, warning and note the loader writes is a :class:`Message`: a code from
:data:`FORMS` and the values that fill it (file, line, key, value, a nested reason).  Its
English and Korean are two templates of the same form, rendered at the edge: ``validate``
prints the English, a Korean page shows :attr:`Message.ko`, and ``validate --json`` prints
both with the code and the severity.

A message *is* its English text (a ``str``), so everything that lists, compares or prints
the loader's messages as text keeps working; what it adds is its code, its parameters and
its other language.  A message about many files (see
:class:`~pifi_ablation.sources.measured.checks.Notes`) carries them, and its text ends
"(N files: a, b, c, ...)".

To add a message: give it a code in :data:`FORMS` (severity, English, Korean) and write
``Message("the.code", name=value, ...)`` where the loader notices it; ``tests/test_messages.py``
renders every form in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

# "assumption": a value the folder did not give was filled in; "warning": something read,
# left out or not shown, said once; "note": how a table was derived; "summary": what was read;
# "reason": a phrase that completes another message (why a run is pending, why a value is missing);
# "error": what makes an input unusable (an error's problem; what was expected is a "reason").
Severity = Literal["assumption", "warning", "note", "summary", "reason", "error"]
Template = str | Callable[[Mapping[str, Any], str], str]

_EXAMPLES = 3  # files named in a message about many files


@dataclass(frozen=True)
class Form:
    """One message form: its severity and its English and Korean templates (``str.format``
    fields named after the parameters, or a function of the parameters and the language)."""

    severity: Severity
    en: Template
    ko: Template


def _bounds(p: Mapping[str, Any], lang: str) -> str:
    """What a number must be: finite, maybe above a bound or in a range, maybe null."""
    low, high, low_open, nullable = p["low"], p["high"], p["low_open"], p["nullable"]
    if lang == "en":
        return ("a finite number" + (f" > {low:g}" if low is not None and low_open else "")
                + (f" >= {low:g}" if low is not None and not low_open and high is None else "")
                + (f" in [{low:g}, {high:g}]" if low is not None and high is not None else "")
                + (" or null" if nullable else ""))
    return ((f"{low:g}보다 큰 " if low is not None and low_open else "")
            + (f"{low:g} 이상의 " if low is not None and not low_open and high is None else "")
            + (f"[{low:g}, {high:g}] 범위의 " if low is not None and high is not None else "")
            + "유한한 수" + (" 또는 null" if nullable else ""))


def _lacks(p: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return f"{p['line']!r} lacks " + " and ".join(p["fields"])
    return f"{p['line']!r}에 {', '.join(p['fields'])} 필드가 없음"


def _reading_summary(p: Mapping[str, Any], lang: str) -> str:
    seeds = ", ".join(map(str, p["seeds"]))
    if lang == "en":
        text = (f"{p['logs']} selection logs and {p['grids']} grid files read; {p['runs']} usable runs of "
                f"{len(p['models'])} models ({', '.join(p['models'])}), {p['tasks']} tasks, seeds "
                f"{seeds or 'none'}")
        extra = ([f"{p['pending']} runs pending"] if p["pending"] else []) + (
            [f"{p['skipped']} files outside the study skipped"] if p["skipped"] else [])
        return text + (f"; {', '.join(extra)}" if extra else "")
    text = (f"선택 로그 {p['logs']}개와 그리드 파일 {p['grids']}개를 읽었다. 모델 {len(p['models'])}개"
            f"({', '.join(p['models'])})의 사용 가능한 실행 {p['runs']}개, 태스크 {p['tasks']}개, 시드 "
            f"{seeds or '없음'}")
    text += f"; 대기 중인 실행 {p['pending']}개" if p["pending"] else ""
    return text + (f"; 연구 범위 밖이라 건너뛴 파일 {p['skipped']}개" if p["skipped"] else "")


_NOT_A_RUN_FILE_EN = "not a selection log (*_seed<N>.json) or grid file (*{suffix}) by its name; not read"
_CUT_EN = "{path}: line {line} was cut off mid-write ({why}); left out"
_CUT_KO = "{path}: {line}번째 줄은 쓰는 도중에 잘렸다({why}). 이 줄은 제외했다"
_PENDING_EN = ("{n} run(s) of {task} / {model} pending: {why}{where}; left out of the tables, listed in the "
               "coverage report")
_PENDING_KO = ("{task} / {model}의 실행 {n}개 대기 중: {why}{where}. 표에서 제외하고 커버리지 보고서에 "
               "나열했다")

FORMS: dict[str, Form] = {
    # --- reasons: phrases other messages and the coverage report quote ---------------------------
    "pending.no-grid": Form("reason", "no grid file yet", "아직 그리드 파일이 없음"),
    "pending.in-progress": Form("reason", "grid in progress (layers {layers} not tested yet)",
                                "그리드 진행 중(레이어 {layers}은 아직 테스트되지 않음)"),
    "pending.blocked": Form("reason", "its grid file is unusable", "그리드 파일을 쓸 수 없음"),
    "pending.not-started": Form("reason", "grid not started (its file is empty)",
                                "그리드 탐색이 시작되지 않음(파일이 비어 있음)"),
    "stage2.zero": Form("reason", "stage 2 found nothing (every head effect is 0)",
                        "2단계가 아무것도 찾지 못함(모든 헤드 효과가 0)"),
    "stage2.no-anchor": Form("reason", "stage 2 found nothing (L_Apply = -1, all head effects 0: no anchor "
                                       "PC)",
                             "2단계가 아무것도 찾지 못함(L_Apply = -1, 모든 헤드 효과가 0: 앵커 PC 없음)"),
    "stage2.no-probe": Form("reason", "stage 2 found nothing (L_Apply = -1, no head effects: no probe)",
                            "2단계가 아무것도 찾지 못함(L_Apply = -1, 헤드 효과 없음: 프로브 없음)"),
    "stage2.not-logged": Form("reason", "neither max_head_effect nor head_effects logged",
                              "max_head_effect와 head_effects 모두 기록되지 않음"),
    "quality.flat": Form("reason", "the grid is flat", "그리드가 평평함"),
    "quality.constant": Form("reason", "the PCL score is the same on every layer", "모든 레이어의 PCL 점수가 "
                                                                                   "같음"),
    "outside.llm": Form("reason", "another LLM ({name})", "다른 LLM({name})"),
    "outside.slm": Form("reason", "another SLM ({name}; the study's is {study})",
                        "다른 SLM({name}; 연구의 SLM은 {study})"),
    "outside.dataset": Form("reason", "another dataset ({name})", "다른 데이터셋({name})"),
    "cut.no-newline": Form("reason", "the file ends without a newline: the run was killed while writing",
                           "파일이 줄바꿈 없이 끝난다: 쓰는 도중에 실행이 중단되었다"),
    "cut.appended": Form("reason", "another run's line was appended onto it without a newline",
                         "다른 실행의 줄이 줄바꿈 없이 이어 붙었다"),
    "cut.fields": Form("reason", "it lacks fields that every other line has", "다른 모든 줄에 있는 필드가 "
                                                                              "없다"),
    "layer.last": Form("reason", "the last layer (layer=-1)", "마지막 레이어(layer=-1)"),
    "layer.number": Form("reason", "layer {layer}", "레이어 {layer}"),
    # --- the selection logs ----------------------------------------------------------------------
    "log.default-assumed": Form(
        "assumption", "{key} is in neither the log nor a key=value folder: the default {value:g} was assumed",
        "{key}: 로그에도 key=value 폴더에도 없어 기본값({value:g})을 가정했다"),
    "log.key-missing": Form("assumption", "key {key!r} is missing from the log: treated as null",
                            "키 {key!r}: 로그에 없어 null로 처리했다"),
    "log.key-unknown": Form("assumption", "key {key!r} is not in the selection-log format and was ignored",
                            "키 {key!r}: 선택 로그 형식에 없는 키라서 무시했다"),
    "log.folder-differs": Form(
        "warning", "{key} in the JSON differs from its folder name ({key}={folder:g}); the JSON's value is "
                   "used",
        "{key}: JSON의 값이 폴더 이름({key}={folder:g})과 달라 JSON의 값을 썼다"),
    "log.head-effects-cut": Form(
        "warning", "head_effects cover {rows} of {layers} layers and {cols} of {heads} heads "
                   "(selection_max_layers/heads set): stage 2 searched those only",
        "head_effects: 레이어 {layers}개 중 {rows}개, 헤드 {heads}개 중 {cols}개만 담고 있다"
        "(selection_max_layers/heads 설정). 2단계는 그 범위만 탐색했다"),
    "log.second-copy": Form("warning", "a second copy of {first} (same run, same content); read once",
                            "{first}의 두 번째 사본(같은 실행, 같은 내용): 한 번만 읽었다"),
    "log.unnamed-sweep-folder": Form(
        "warning", "a copy of a default run in a folder that names no setting: if it is a sweep run, name "
                   "its "
                   "folder key=value, e.g. keyword_weight=0.25 (upstream logs no keyword weight or lambda "
                   "scale, so such a run reads as the default run)",
        "설정을 밝히지 않은 폴더에 있는 기본 실행의 사본: 값 탐색 실행이라면 폴더 이름을 key=value로 붙인다"
        "(예: keyword_weight=0.25). 원 연구 코드는 키워드 가중치와 람다 스케일을 기록하지 않으므로 그런 "
        "실행은 기본 실행으로 읽힌다"),
    # --- the grid files --------------------------------------------------------------------------
    "grid.fields-unknown": Form("warning", "grid fields {fields} are not in the format and were ignored",
                                "그리드 필드 {fields}: 형식에 없어 무시했다"),
    "grid.default-layer": Form("warning", "layer=-1 (PiFi's default, no --layer_num) read as the last layer",
                               "layer=-1 줄(PiFi 기본값, --layer_num 없음)은 마지막 레이어로 읽었다"),
    "grid.repeated-layers": Form(
        "warning", "layers tested more than once (the file is appended to: a re-test or another training "
                   "seed); their lines are averaged, counts in the coverage report",
        "두 번 이상 테스트된 레이어(파일에 이어 쓰므로 재테스트나 다른 학습 시드): 그 줄들을 평균했으며 "
        "횟수는 커버리지 보고서에 있다"),
    "grid.second-copy": Form("warning", "a second copy with the same accuracies as {first}; read once",
                             "{first}의 정확도와 같은 두 번째 사본: 한 번만 읽었다"),
    "grid.layer-count": Form(
        "warning", "{layers} layers where the registry gives {model} {expected}: the grid's count is used",
        "레지스트리의 {model} 레이어 수는 {expected}개지만 그리드에는 {layers}개가 있어 그리드의 수를 썼다"),
    "grid.cut": Form("warning", _CUT_EN, _CUT_KO),
    "grid.cut-measured": Form("warning", _CUT_EN + " ({layer} is measured by another line)",
                              _CUT_KO + "(같은 레이어를 다른 줄이 측정한다: {layer})"),
    "grid.cut-unmeasured": Form("warning", _CUT_EN + ", so {layer} is not measured yet",
                                _CUT_KO + ". 아직 측정되지 않았다: {layer}"),
    "grid.unused": Form("warning", "{path}: no selection log uses this grid; not shown",
                        "{path}: 이 그리드를 쓰는 선택 로그가 없어 표시하지 않는다"),
    # --- the folder ------------------------------------------------------------------------------
    "runs.pending": Form("warning", _PENDING_EN.replace("{where}", " ({grid})"),
                         _PENDING_KO.replace("{where}", " ({grid})")),
    "runs.pending-no-file": Form("warning", _PENDING_EN.replace("{where}", ""),
                                 _PENDING_KO.replace("{where}", "")),
    "files.outside-study": Form(
        "warning", "{n} file(s) outside the study skipped (another LLM, SLM or dataset; listed in the "
                   "coverage report): {shown}",
        "연구 범위 밖의 파일 {n}개를 건너뛰었다(다른 LLM, SLM 또는 데이터셋; 커버리지 보고서에 나열): "
        "{shown}"),
    "files.not-read": Form("warning", "{path}: " + _NOT_A_RUN_FILE_EN,
                           "{path}: 이름으로 보아 선택 로그(*_seed<N>.json)도 그리드 파일(*{suffix})도 "
                           "아니어서 "
                           "읽지 않았다"),
    "files.not-read-in-folder": Form(
        "warning", "{folder}: {n} files that are not selection logs (*_seed<N>.json) or grid files "
                   "(*{suffix}) by their names ({shown}); not read",
        "{folder}: 이름으로 보아 선택 로그(*_seed<N>.json)도 그리드 파일(*{suffix})도 아닌 파일 {n}개"
        "({shown})는 읽지 않았다"),
    "files.not-read-at-top": Form(
        "warning", "the results folder: {n} files that are not selection logs (*_seed<N>.json) or grid files "
                   "(*{suffix}) by their names ({shown}); not read",
        "결과 폴더: 이름으로 보아 선택 로그(*_seed<N>.json)도 그리드 파일(*{suffix})도 아닌 파일 {n}개"
        "({shown})는 읽지 않았다"),
    "scan.hidden": Form(
        "warning", "{n} hidden folder(s) skipped (other tools' files, such as Jupyter checkpoints, not the "
                   "study's): {shown}",
        "숨김 폴더 {n}개를 건너뛰었다(Jupyter 체크포인트 같은 다른 도구의 파일이며 연구의 파일이 아니다): "
        "{shown}"),
    "scan.loop": Form("warning", "{path}: a link to a folder already read (a loop or a second link); not "
                                 "read again",
                      "{path}: 이미 읽은 폴더를 가리키는 링크(순환 또는 두 번째 링크)라서 다시 읽지 않았다"),
    "scan.broken-link": Form("warning", "{path}: a link to nothing (its target does not exist); not read",
                             "{path}: 대상이 없는 링크라서 읽지 않았다"),
    "scan.same-file": Form("warning", "{path}: the same file as {first} (a link); read once",
                           "{path}: {first}와 같은 파일(링크)이라서 한 번만 읽었다"),
    # --- deriving the tables ---------------------------------------------------------------------
    "derive.quality-undefined": Form("warning", "signal quality undefined ({why}): left out of its means",
                                     "신호 품질이 정의되지 않음({why}): 평균에서 제외했다"),
    "derive.effect-missing": Form("warning", "max head effect missing: {why}; left out of its means",
                                  "최대 헤드 효과 없음: {why}. 평균에서 제외했다"),
    "derive.effect-missing-final": Form(
        "warning", "max head effect missing: {why}; final layer = L_Abstract; left out of its means",
        "최대 헤드 효과 없음: {why}. 최종 레이어는 L_Abstract이며 평균에서 제외했다"),
    "derive.time-missing": Form(
        "warning", "elapsed_sec not logged (upstream does not log it): selection time not recorded",
        "elapsed_sec 없음(원 연구 코드가 기록하지 않음): 선택 시간이 기록되지 않았다"),
    "derive.reselection-differs": Form(
        "warning", "stage-1 re-selection at the log's own keyword_weight picks another layer than its "
                   "L_Abstract",
        "로그 자신의 keyword_weight로 1단계 선택을 다시 계산하면 L_Abstract와 다른 레이어가 선택된다"),
    "derive.several-settings": Form(
        "warning", "the run differs from the defaults in {n} settings ({settings}): it belongs to no "
                   "one-setting sweep and is not shown",
        "기본값과 다른 설정이 {n}개({settings})라서 어느 단일 설정 값 탐색에도 속하지 않으므로 표시하지 "
        "않는다"),
    "derive.no-default-run": Form(
        "warning", "no usable run at the default settings (n_samples={n_samples}, "
                   "keyword_weight={keyword_weight:g}, "
                   "lambda_scale={lambda_scale:g}) with a complete grid yet: the keyword-weight, task and "
                   "model "
                   "tables are empty",
        "완전한 그리드를 갖춘 기본 설정(n_samples={n_samples}, keyword_weight={keyword_weight:g}, "
        "lambda_scale={lambda_scale:g})의 사용 가능한 실행이 아직 없다. 키워드 가중치, 태스크, 모델 표는 "
        "비어 있다"),
    "note.reselection": Form(
        "note", "keyword weight by stage-1 re-selection from the logged per-layer signals (stage 2 not "
                "re-run)",
        "키워드 가중치는 기록된 레이어별 신호로 1단계 선택을 다시 계산해 구했다(stage-1 re-selection, "
        "2단계는 "
        "다시 실행하지 않음)"),
    "note.reselection-logged": Form(
        "note", "keyword weight by stage-1 re-selection from the logged per-layer signals (stage 2 not "
                "re-run); "
                "logged keyword_weight runs (stages 1 and 2) marked apart",
        "키워드 가중치는 기록된 레이어별 신호로 1단계 선택을 다시 계산해 구했다(stage-1 re-selection, "
        "2단계는 "
        "다시 실행하지 않음); 기록된 keyword_weight 실행(1+2단계)은 따로 표시했다"),
    "summary.read": Form("summary", _reading_summary, _reading_summary),
    # --- unusable input: the problem ("error") and what was expected ("reason") ------------------
    "json.boolean": Form("reason", "boolean", "불리언"),
    "json.integer": Form("reason", "integer", "정수"),
    "json.number": Form("reason", "number", "수"),
    "json.string": Form("reason", "string", "문자열"),
    "json.list": Form("reason", "list", "리스트"),
    "json.object": Form("reason", "object", "객체"),
    "json.null": Form("reason", "null", "null 값"),
    "json.other": Form("reason", "{name}", "{name} 값"),
    "json.value": Form("reason", "{kind} {text}", "{kind} {text}"),
    "value.missing": Form("error", "missing", "없음"),
    "value.null": Form("error", "is null", "null임"),
    "value.wrong-type": Form("error", "got {value}", "받은 값: {value}"),
    "value.not-allowed": Form("error", "got {value!r}", "받은 값: {value!r}"),
    "value.not-finite": Form("error", "got {value} (NaN or infinite)", "받은 값: {value}(NaN 또는 무한대)"),
    "value.out-of-range": Form("error", "{value} is out of range", "{value}: 범위를 벗어남"),
    "array.ragged": Form("error", "rows of unequal length", "행의 길이가 서로 다름"),
    "array.non-numeric": Form("error", "has non-numeric values", "수가 아닌 값이 있음"),
    "array.dimensions": Form("error", "has {n} dimension(s)", "차원이 {n}개임"),
    "array.not-finite": Form("error", "holds NaN or infinite values", "NaN 또는 무한대 값이 있음"),
    "array.out-of-range": Form("error", "holds values outside [{low}, {high}]", "[{low}, {high}] 밖의 값이 "
                                                                                "있음"),
    "array.count": Form("error", "has {n} values", "값이 {n}개임"),
    "array.not-accuracies": Form("error", "holds values that are not accuracies", "정확도가 아닌 값이 있음"),
    "array.shape": Form("error", "has shape {rows} x {cols}", "모양이 {rows} x {cols}임"),
    "file.empty": Form("error", "the file is empty", "파일이 비어 있음"),
    "file.unreadable": Form("error", "cannot be read ({reason})", "읽을 수 없음({reason})"),
    "expect.readable-json": Form("reason", "a readable JSON file", "읽을 수 있는 JSON 파일"),
    "expect.readable-text": Form("reason", "a readable text file", "읽을 수 있는 텍스트 파일"),
    "file.truncated": Form("error", "ends early (truncated?): {detail}", "일찍 끝남(잘렸는가?): {detail}"),
    "file.invalid-json": Form("error", "is not valid JSON: {detail}", "올바른 JSON이 아님: {detail}"),
    "file.not-utf8": Form("error", "is not UTF-8 text ({reason})", "UTF-8 텍스트가 아님({reason})"),
    "file.not-utf8-at": Form("error", "is not UTF-8 text ({reason} at byte {byte})",
                             "UTF-8 텍스트가 아님(바이트 {byte}: {reason})"),
    "file.not-an-object": Form("error", "the JSON is {value}, not an object",
                               "JSON이 객체가 아니라 {value}임"),
    "log.unknown-dataset": Form("error", "unknown dataset {name!r}", "알 수 없는 데이터셋 {name!r}"),
    "log.unknown-model": Form("error", "unknown model {name!r}", "알 수 없는 모델 {name!r}"),
    "log.task-mismatch": Form("error", "{task_type!r} does not match dataset {dataset!r}",
                              "태스크 유형 {task_type!r}이(가) 데이터셋 {dataset!r}과(와) 맞지 않음"),
    "log.name-mismatch": Form("error", "the file name does not match the log's task, dataset, llm_type and "
                                       "seed",
                              "파일 이름이 로그의 task, dataset, llm_type, seed와 맞지 않음"),
    "log.contradicts-top-level": Form("error", "{value:g} contradicts the top-level {key}={top:g}",
                                      "{value:g}: 최상위 {key}={top:g}와 모순됨"),
    "log.contradicts-folder": Form("error", "{value:g} contradicts the folder name {key}={folder:g}",
                                   "{value:g}: 폴더 이름 {key}={folder:g}와 모순됨"),
    "log.nothing-beside-effect": Form("error",
                                      "-1 (stage 2 found nothing) beside a head effect of {effect:g}",
                                      "-1(2단계가 아무것도 찾지 못함)인데 헤드 효과가 {effect:g}임"),
    "log.final-disagrees": Form("error", "{final} disagrees with L_Abstract={abstract}, L_Apply={apply}",
                                "{final}: L_Abstract={abstract}, L_Apply={apply}와 맞지 않음"),
    "log.beyond-head-effects": Form("error", "{layer} is beyond the {n} layers of head_effects",
                                    "{layer}: head_effects의 레이어 {n}개를 벗어남"),
    "log.signals-not-finite": Form("error", "holds NaN or infinite signals", "NaN 또는 무한대 신호가 있음"),
    "log.layer-twice": Form("error", "layer {layers} listed twice", "레이어 {layers}이(가) 두 번 나옴"),
    "log.layer-span": Form("error", "layers run from {first} to {last}", "레이어가 {first}부터 {last}까지임"),
    "log.layers-differ": Form("error", "has {n} layers but the grid has {grid_n}",
                              "레이어가 {n}개인데 그리드에는 {grid_n}개가 있음"),
    "log.disagrees": Form("error", "disagrees with {first}, another log of the same run ({run})",
                          "같은 실행({run})의 다른 로그 {first}와 내용이 다름"),
    "line.malformed-field": Form("error", "malformed field {token!r} in {line!r}",
                                 "{line!r}의 필드 {token!r} 형식이 잘못됨"),
    "line.lacks": Form("error", _lacks, _lacks),
    "line.contradicts-name": Form("error", "{field}={value} contradicts the file name",
                                  "{field}={value}: 파일 이름과 모순됨"),
    "line.layer-not-integer": Form("error", "layer {value!r} is not an integer", "layer {value!r}: 정수가 "
                                                                                 "아님"),
    "line.not-accuracy": Form("error", "{name}={value} is not an accuracy", "{name}={value}: 정확도가 아님"),
    "line.negative-layer": Form("error", "layer {layer} is negative", "레이어 {layer}: 음수임"),
    "grid.all-zero": Form("error", "every layer has accuracy 0", "모든 레이어의 정확도가 0임"),
    "grid.disagrees": Form("error", "disagrees with {first}, another grid file of the same {dataset} / {slm} "
                                    "/ {llm}",
                           "같은 {dataset} / {slm} / {llm}의 다른 그리드 파일 {first}와 내용이 다름"),
    "grid.several-slms": Form("error", "grids of several SLMs ({slms}) for {task} / {model}; a selection log "
                                       "does "
                                       "not name its SLM",
                              "{task} / {model}에 여러 SLM({slms})의 그리드가 있음: 선택 로그는 SLM을 밝히지 "
                              "않음"),
    "grid.name-unknown": Form("error", "the file name does not name a known dataset and LLM",
                              "파일 이름에 알려진 데이터셋과 LLM이 없음"),
    "folder.not-a-folder": Form("error", "is not a folder", "폴더가 아님"),
    "folder.no-logs": Form("error", "holds no selection logs", "선택 로그가 없음"),
    "folder.unknown-setting": Form("error", "unknown setting {name!r} in a key=value folder name",
                                   "key=value 폴더 이름에 알 수 없는 설정 {name!r}"),
    "folder.not-a-value": Form("error", "value {text!r} is not {kind}", "값 {text!r}: {kind}가 아님"),
    "folder.out-of-range": Form("error", "value {text!r} is out of range", "값 {text!r}: 범위를 벗어남"),
    "kind.integer": Form("reason", "an integer", "정수"),
    "kind.number": Form("reason", "a number", "수"),
    "expect.integer": Form("reason", "an integer", "정수"),
    "expect.integer-from": Form("reason", "an integer >= {low}", "{low} 이상의 정수"),
    "expect.integer-in": Form("reason", "an integer in {low}..{high}", "{low}..{high} 범위의 정수"),
    "expect.number": Form("reason", _bounds, _bounds),
    "expect.string": Form("reason", "a string", "문자열"),
    "expect.one-of": Form("reason", "one of {values}", "다음 중 하나: {values}"),
    "expect.one-object-per-log": Form("reason", "one JSON object per selection log", "선택 로그 하나에 JSON "
                                                                                     "객체 하나"),
    "expect.complete-object": Form("reason", "one complete JSON object", "완전한 JSON 객체 하나"),
    "expect.utf8-json": Form("reason", "a UTF-8 JSON file", "UTF-8 JSON 파일"),
    "expect.utf8-text": Form("reason", "a UTF-8 text file", "UTF-8 텍스트 파일"),
    "expect.log-object": Form("reason", "a JSON object with the selection-log keys", "선택 로그의 키를 가진 "
                                                                                     "JSON 객체"),
    "expect.task-type": Form("reason", "{task_type!r} (the registry's type of {task})",
                             "{task_type!r}(레지스트리의 {task} 유형)"),
    "expect.name": Form("reason", "the name {name!r}", "이름 {name!r}"),
    "expect.strings": Form("reason", "a list of strings", "문자열의 리스트"),
    "expect.config": Form("reason", "an object (upstream's run configuration)", "객체(원 연구 코드의 실행 "
                                                                                "설정)"),
    "expect.nested-settings": Form("reason", "n_samples >= 1 (an integer), keyword_weight in [0, 1], "
                                             "lambda_scale > 0",
                                   "n_samples >= 1(정수), keyword_weight는 [0, 1] 범위, lambda_scale > 0"),
    "expect.folder-settings": Form("reason", "n_samples >= 1, keyword_weight in [0, 1], lambda_scale > 0",
                                   "n_samples >= 1, keyword_weight는 [0, 1] 범위, lambda_scale > 0"),
    "expect.same-or-one": Form("reason", "the same value in both, or one of them", "두 곳에 같은 값, 또는 한 "
                                                                                   "곳에만"),
    "expect.folder-named": Form("reason", "the log in a folder named {key}={value:g}, or the same value in "
                                          "both",
                                "{key}={value:g}라는 이름의 폴더에 둔 로그, 또는 두 곳에 같은 값"),
    "expect.probe": Form("reason", "null or a list of {n} accuracies in [0, 1] (each may be null)",
                         "null, 또는 [0, 1] 범위의 정확도 {n}개로 된 리스트(각각 null일 수 있음)"),
    "expect.head-effects": Form("reason", "null or a list of at most {n} rows (layers) of at most {heads} "
                                          "non-negative numbers (heads), each row as long",
                                "null, 또는 음수가 아닌 수(헤드) 최대 {heads}개로 된 행(레이어) 최대 {n}개의 "
                                "리스트"
                                "(모든 행의 길이가 같음)"),
    "expect.no-effect": Form("reason", "head effects all 0 or null when L_Apply = -1",
                             "L_Apply = -1이면 헤드 효과가 모두 0 또는 null"),
    "expect.final-rule": Form("reason", "{rule} (L_Apply, or L_Abstract when stage 2 found nothing)",
                              "{rule}(L_Apply, 2단계가 아무것도 찾지 못했으면 L_Abstract)"),
    "expect.signals": Form("reason", "a list of {n} objects {{layer, keyword_signal, corr_signal}}, one per "
                                     "layer "
                                     "0..{top}",
                           "레이어 0..{top}마다 하나씩, 객체 {{layer, keyword_signal, corr_signal}} {n}개로 "
                           "된 리스트"),
    "expect.signal-entry": Form("reason", "an object with an integer layer and numbers keyword_signal, "
                                          "corr_signal",
                                "정수 layer와 수 keyword_signal, corr_signal을 가진 객체"),
    "expect.finite-signals": Form("reason", "finite keyword_signal and corr_signal",
                                  "유한한 keyword_signal과 corr_signal"),
    "expect.grid-layers": Form("reason", "a list of {n} objects, one per layer 0..{top} (the layers of "
                                         "{grid})",
                               "레이어 0..{top}마다 하나씩 객체 {n}개로 된 리스트({grid}의 레이어)"),
    "expect.run-once": Form("reason", "one log per run, or copies with the same content; a sweep run belongs "
                                      "in a "
                                      "key=value folder naming its setting, e.g. {example} (upstream: "
                                      "{command})",
                            "실행마다 로그 하나, 또는 내용이 같은 사본. 값 탐색 실행은 설정을 밝히는 "
                            "key=value 폴더에 "
                            "둔다(예: {example}, 원 연구 코드: {command})"),
    "expect.grid-once": Form("reason", "one grid per (dataset, SLM, LLM), or copies with the same accuracies",
                             "(dataset, SLM, LLM)마다 그리드 하나, 또는 정확도가 같은 사본"),
    "expect.one-slm": Form("reason", "one SLM per results folder", "결과 폴더마다 SLM 하나"),
    "expect.grid-name": Form("reason", "{{dataset}}_{{slm}}_{{llm}}{suffix} with dataset one of {datasets} "
                                       "and llm "
                                       "one of {llms}",
                             "{{dataset}}_{{slm}}_{{llm}}{suffix}, dataset은 {datasets} 중 하나, llm은 "
                             "{llms} 중 하나"),
    "expect.results-folder": Form("reason", "a results folder holding selection logs (*_seed<N>.json) and "
                                            "grid "
                                            "files (*{suffix}), or 'demo'",
                                  "선택 로그(*_seed<N>.json)와 그리드 파일(*{suffix})이 있는 결과 폴더, 또는 "
                                  "'demo'"),
    "expect.log-names": Form("reason", "files named {{task}}_{{dataset}}_{{llm}}_seed{{seed}}.json",
                             "{{task}}_{{dataset}}_{{llm}}_seed{{seed}}.json 이름의 파일"),
    "expect.setting-value": Form("reason", "{name}=<{kind}>, e.g. {name}={default:g}",
                                 "{name}=<{kind}>, 예: {name}={default:g}"),
    "expect.grid-line": Form("reason", "'layer=<int> acc=<number in [0, 1]>', optionally with upstream's "
                                       "dataset=, "
                                       "model=, llm=, precision=, recall=, f1= (or macro_f1=) and loss=",
                             "'layer=<int> acc=<number in [0, 1]>'. 원 연구 코드의 dataset=, model=, llm=, "
                             "precision=, recall=, f1=(또는 macro_f1=), loss=는 있어도 된다"),
    "expect.as-named": Form("reason", "{field}={value}, as the file name says", "파일 이름대로 "
                                                                                "{field}={value}"),
    "expect.accuracy": Form("reason", "{name} a finite number in [0, 1]", "{name}: [0, 1] 범위의 유한한 수"),
    "expect.layer-index": Form("reason", "layer indices 0, 1, ..., n_layers - 1, or -1 (PiFi's default: the "
                                         "last "
                                         "layer)",
                               "레이어 번호 0, 1, ..., n_layers - 1, 또는 -1(PiFi 기본값: 마지막 레이어)"),
    "expect.positive-accuracy": Form("reason", "some layer with a positive accuracy",
                                     "정확도가 양수인 레이어"),
}


class Message(str):
    """A message of :data:`FORMS`: its code and parameters; as a ``str``, its English text.

    A parameter may itself be a message (a reason), rendered in the same language.  ``files``
    are the files a message about many files is about (its text names the first three).
    """

    code: str
    params: dict[str, Any]
    files: tuple[str, ...]

    def __new__(cls, code: str, /, *, files: tuple[str, ...] = (), **params: Any) -> Message:
        if code not in FORMS:
            raise KeyError(f"no message form {code!r} in pifi_ablation.messages.FORMS")
        self = super().__new__(cls, _render(code, params, files, "en"))
        self.code, self.params, self.files = code, params, tuple(files)
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:  # pickling (forked workers)
        return (self.code,), {"files": self.files, **self.params}

    @property
    def severity(self) -> Severity:
        return FORMS[self.code].severity

    @property
    def en(self) -> str:
        return str.__str__(self)

    @property
    def ko(self) -> str:
        return _render(self.code, self.params, self.files, "ko")

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko

    def about(self, files: list[str] | tuple[str, ...]) -> Message:
        """This message about ``files`` (a message about many files)."""
        return Message(self.code, files=tuple(files), **self.params)

    @property
    def path(self) -> str | None:
        """The file the message is about (the first, for a message about many)."""
        return self.files[0] if self.files else self.params.get("path")

    def as_json(self) -> dict[str, Any]:
        out = {"code": self.code, "severity": self.severity, "path": self.path, "en": self.en, "ko": self.ko}
        if self.files:
            out["files"] = list(self.files)
        return out


def _render(code: str, params: Mapping[str, Any], files: tuple[str, ...], lang: str) -> str:
    template = getattr(FORMS[code], lang)
    values = {k: (v.text(lang) if isinstance(v, Message) else v) for k, v in params.items()}
    text = template(values, lang) if callable(template) else template.format(**values)
    if not files:
        return text
    shown = ", ".join(files[:_EXAMPLES]) + (", ..." if len(files) > _EXAMPLES else "")
    if lang == "en":
        return f"{text} ({len(files)} file{'s' * (len(files) != 1)}: {shown})"
    return f"{text} (파일 {len(files)}개: {shown})"


# A message many files or runs get (upstream logs no keyword weight: every log is told the default
# was assumed): made once per form and parameters, as the parameters are hashable.
said = cache(Message)


def ko(text: str) -> str | None:
    """``text`` in Korean when it is a message, else None (a text of no known form)."""
    return text.ko if isinstance(text, Message) else None

"""Korean for what the measured source says about a results folder.

The loader writes its assumptions, warnings and notes in English (``validate`` prints them
for the authors).  A page in Korean mode shows each in Korean: the message forms are few and
fixed, so each is matched here and rewritten; identifiers, paths and values are kept as they
are.  A message with no Korean form is shown in English and marked ``lang="en"`` (the tests
check that no message of the study's folders needs that).  Presentation only: nothing here
is read back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pifi_ablation.coverage import AblationCoverage, GridState, PendingRun

_FILES = re.compile(r"^(?P<msg>.*) \((?P<n>\d+) files?: (?P<files>.*)\)$", re.S)

_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^no grid file yet$"), "아직 그리드 파일이 없음"),
    (re.compile(r"^grid in progress \(layers (?P<l>.+) not tested yet\)$"),
     "그리드 진행 중(레이어 {l}은 아직 테스트되지 않음)"),
    (re.compile(r"^its grid file is unusable$"), "그리드 파일을 쓸 수 없음"),
    (re.compile(r"^grid not started \(its file is empty\)$"),
     "그리드 탐색이 시작되지 않음(파일이 비어 있음)"),
    (re.compile(r"^stage 2 found nothing \(every head effect is 0\)$"),
     "2단계가 아무것도 찾지 못함(모든 헤드 효과가 0)"),
    (re.compile(r"^stage 2 found nothing \(L_Apply = -1, all head effects 0: no anchor PC\)$"),
     "2단계가 아무것도 찾지 못함(L_Apply = -1, 모든 헤드 효과가 0: 앵커 PC 없음)"),
    (re.compile(r"^stage 2 found nothing \(L_Apply = -1, no head effects: no probe\)$"),
     "2단계가 아무것도 찾지 못함(L_Apply = -1, 헤드 효과 없음: 프로브 없음)"),
    (re.compile(r"^neither max_head_effect nor head_effects logged$"),
     "max_head_effect와 head_effects 모두 기록되지 않음"),
    (re.compile(r"^the grid is flat$"), "그리드가 평평함"),
    (re.compile(r"^the PCL score is the same on every layer$"), "모든 레이어의 PCL 점수가 같음"),
    (re.compile(r"^another LLM \((?P<x>[^)]*)\)$"), "다른 LLM({x})"),
    (re.compile(r"^another SLM \((?P<x>[^;]*); the study's is (?P<y>[^)]*)\)$"),
     "다른 SLM({x}; 연구의 SLM은 {y})"),
    (re.compile(r"^another dataset \((?P<x>[^)]*)\)$"), "다른 데이터셋({x})"),
]


def reason(text: str) -> str | None:
    """A reason (pending, missing, skipped) in Korean, or None."""
    for pattern, template in _REASONS:
        m = pattern.match(text)
        if m:
            return template.format(**m.groupdict())
    return None


def _with_reason(template: str, key: str = "why") -> Callable[[re.Match[str]], str | None]:
    def render(m: re.Match[str]) -> str | None:
        parts = {k: v or "" for k, v in m.groupdict().items()}
        ko = reason(parts[key])
        return None if ko is None else template.format(**{**parts, key: ko})
    return render


_MESSAGES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str | None]]] = [
    (re.compile(r"^(?P<k>\w+) is in neither the log nor a key=value folder:"
                r" the default (?P<v>\S+) was assumed$"),
     "{k}: 로그에도 key=value 폴더에도 없어 기본값({v})을 가정했다"),
    (re.compile(r"^key '(?P<k>[^']*)' is missing from the log: treated as null$"),
     "키 '{k}': 로그에 없어 null로 처리했다"),
    (re.compile(r"^key '(?P<k>[^']*)' is not in the selection-log format and was ignored$"),
     "키 '{k}': 선택 로그 형식에 없는 키라서 무시했다"),
    (re.compile(r"^(?P<k>\w+) in the JSON differs from its folder name"
                r" \((?P<f>[^)]*)\); the JSON's value is used$"),
     "{k}: JSON의 값이 폴더 이름({f})과 달라 JSON의 값을 썼다"),
    (re.compile(r"^head_effects cover (?P<r>\d+) of (?P<n>\S+) layers and (?P<c>\d+) of (?P<h>\S+) heads "
                r"\(selection_max_layers/heads set\): stage 2 searched those only$"),
     "head_effects: 레이어 {n}개 중 {r}개, 헤드 {h}개 중 {c}개만 담고 있다(selection_max_layers/heads "
     "설정). 2단계는 그 범위만 탐색했다"),
    (re.compile(r"^a second copy of (?P<p>.+) \(same run, same content\); read once$"),
     "{p}의 두 번째 사본(같은 실행, 같은 내용): 한 번만 읽었다"),
    (re.compile(r"^grid fields (?P<f>.+) are not in the format and were ignored$"),
     "그리드 필드 {f}: 형식에 없어 무시했다"),
    (re.compile(r"^layer=-1 \(PiFi's default, no --layer_num\) read as the last layer$"),
     "layer=-1 줄(PiFi 기본값, --layer_num 없음)은 마지막 레이어로 읽었다"),
    (re.compile(r"^layers tested more than once \(the file is appended to: a re-test or another training "
                r"seed\); their lines are averaged, counts in the coverage report$"),
     "두 번 이상 테스트된 레이어(파일에 이어 쓰므로 재테스트나 다른 학습 시드): 그 줄들을 평균했으며 "
     "횟수는 커버리지 보고서에 있다"),
    (re.compile(r"^a second copy with the same accuracies as (?P<p>.+); read once$"),
     "{p}의 정확도와 같은 두 번째 사본: 한 번만 읽었다"),
    (re.compile(r"^(?P<n>\d+) layers where the registry gives (?P<m>\S+)"
                r" (?P<k>\d+): the grid's count is used$"),
     "레지스트리의 {m} 레이어 수는 {k}개지만 그리드에는 {n}개가 있어 그리드의 수를 썼다"),
    (re.compile(r"^(?P<n>\d+) run\(s\) of (?P<t>\S+) / (?P<m>\S+) pending:"
                r" (?P<why>.+?)(?P<where> \([^()]*\))?; "
                r"left out of the tables, listed in the coverage report$"),
     _with_reason("{t} / {m}의 실행 {n}개 대기 중: {why}{where}. 표에서 제외하고 커버리지 보고서에 "
                  "나열했다")),
    (re.compile(r"^(?P<n>\d+) file\(s\) outside the study skipped \(another"
                r" LLM, SLM or dataset; listed in the "
                r"coverage report\): (?P<s>.+)$", re.S),
     "연구 범위 밖의 파일 {n}개를 건너뛰었다(다른 LLM, SLM 또는 데이터셋; 커버리지 보고서에 나열): {s}"),
    (re.compile(r"^(?P<p>.+): not a selection log \(\*_seed<N>\.json\) or"
                r" grid file \(\*_results\.txt\) by its "
                r"name; not read$", re.S),
     "{p}: 이름으로 보아 선택 로그(*_seed<N>.json)도 그리드 파일(*_results.txt)도 아니어서 읽지 않았다"),
    (re.compile(r"^(?P<f>.+?): (?P<n>\d+) files that are not selection logs \(\*_seed<N>\.json\) or grid "
                r"files \(\*_results\.txt\) by their names \((?P<s>.*)\); not read$", re.S),
     lambda m: (f"{'결과 폴더' if m['f'] == 'the results folder' else m['f']}: 이름으로 보아 선택 로그"
                f"(*_seed<N>.json)도 그리드 파일(*_results.txt)도 아닌 파일 {m['n']}개({m['s']})는 읽지 "
                "않았다")),
    (re.compile(r"^(?P<n>\d+) hidden folder\(s\) skipped \(other tools' files, such as Jupyter checkpoints, "
                r"not the study's\): (?P<s>.+)$", re.S),
     "숨김 폴더 {n}개를 건너뛰었다(Jupyter 체크포인트 같은 다른 도구의 파일이며 연구의 파일이 아니다): {s}"),
    (re.compile(r"^(?P<p>.+): a link to a folder already read \(a loop or a second link\); not read again$"),
     "{p}: 이미 읽은 폴더를 가리키는 링크(순환 또는 두 번째 링크)라서 다시 읽지 않았다"),
    (re.compile(r"^(?P<p>.+): a link to nothing \(its target does not exist\); not read$"),
     "{p}: 대상이 없는 링크라서 읽지 않았다"),
    (re.compile(r"^(?P<p>.+): the same file as (?P<q>.+) \(a link\); read once$"),
     "{p}: {q}와 같은 파일(링크)이라서 한 번만 읽었다"),
    (re.compile(r"^(?P<p>.+): line (?P<n>\d+) was cut off mid-write \((?P<why>[^()]*)\); left out"
                r"(?:(?P<m> \((?P<l1>.+) is measured by another line\))"
                r"|, so (?P<l2>.+) is not measured yet)?$"),
     lambda m: (f"{m['p']}: {m['n']}번째 줄은 쓰는 도중에 잘렸다({_CUT.get(m['why'], m['why'])}). 이 줄은 "
                "제외했다" + (f"(같은 레이어를 다른 줄이 측정한다: {_layer_ko(m['l1'])})" if m["m"] else
                             f". 아직 측정되지 않았다: {_layer_ko(m['l2'])}" if m["l2"] else ""))),
    (re.compile(r"^a copy of a default run in a folder that names no setting: if it is a sweep run, name its "
                r"folder key=value, e\.g\. keyword_weight=0\.25 \(upstream logs no keyword weight or lambda "
                r"scale, so such a run reads as the default run\)$"),
     "설정을 밝히지 않은 폴더에 있는 기본 실행의 사본: 값 탐색 실행이라면 폴더 이름을 key=value로 붙인다"
     "(예: keyword_weight=0.25). 원 연구 코드는 키워드 가중치와 람다 스케일을 기록하지 않으므로 그런 "
     "실행은 기본 실행으로 읽힌다"),
    (re.compile(r"^signal quality undefined \((?P<why>[^)]*)\): left out of its means$"),
     _with_reason("신호 품질이 정의되지 않음({why}): 평균에서 제외했다")),
    (re.compile(r"^max head effect missing: (?P<why>.+); final layer = L_Abstract; left out of its means$"),
     _with_reason("최대 헤드 효과 없음: {why}. 최종 레이어는 L_Abstract이며 평균에서 제외했다")),
    (re.compile(r"^max head effect missing: (?P<why>.+); left out of its means$"),
     _with_reason("최대 헤드 효과 없음: {why}. 평균에서 제외했다")),
    (re.compile(r"^elapsed_sec not logged \(upstream does not log it\): selection time not recorded$"),
     "elapsed_sec 없음(원 연구 코드가 기록하지 않음): 선택 시간이 기록되지 않았다"),
    (re.compile(r"^stage-1 re-selection at the log's own keyword_weight picks another layer than its "
                r"L_Abstract$"),
     "로그 자신의 keyword_weight로 1단계 선택을 다시 계산하면 L_Abstract와 다른 레이어가 선택된다"),
    (re.compile(r"^the run differs from the defaults in (?P<n>\d+) settings"
                r" \((?P<s>[^)]*)\): it belongs to no "
                r"one-setting sweep and is not shown$"),
     "기본값과 다른 설정이 {n}개({s})라서 어느 단일 설정 값 탐색에도 속하지 않으므로 표시하지 않는다"),
    (re.compile(r"^no usable run at the default settings \((?P<s>[^)]*)\) with a complete grid yet: the "
                r"keyword-weight, task and model tables are empty$"),
     "완전한 그리드를 갖춘 기본 설정({s})의 사용 가능한 실행이 아직 없다. 키워드 가중치, 태스크, 모델 표는 "
     "비어 있다"),
    (re.compile(r"^(?P<p>.+): no selection log uses this grid; not shown$"),
     "{p}: 이 그리드를 쓰는 선택 로그가 없어 표시하지 않는다"),
    (re.compile(r"^keyword weight by stage-1 re-selection from the logged per-layer signals \(stage 2 not "
                r"re-run\)(?P<logged>; logged keyword_weight runs \(stages 1 and 2\) marked apart)?$"),
     lambda m: ("키워드 가중치는 기록된 레이어별 신호로 1단계 선택을 다시 계산해 구했다(stage-1 "
                "re-selection, 2단계는 다시 실행하지 않음)"
                + ("; 기록된 keyword_weight 실행(1+2단계)은 따로 표시했다" if m["logged"] else ""))),
    (re.compile(r"^(?P<a>\d+) selection logs and (?P<b>\d+) grid files read; (?P<c>\d+) usable runs of "
                r"(?P<d>\d+) models \((?P<models>[^)]*)\), (?P<e>\d+) tasks, seeds (?P<s>[^;]*)"
                r"(?:; (?P<p>\d+) runs pending)?(?:, |; )?(?:(?P<q>\d+) files outside the study skipped)?$"),
     lambda m: (f"선택 로그 {m['a']}개와 그리드 파일 {m['b']}개를 읽었다. 모델 {m['d']}개"
                f"({m['models']})의 사용 가능한 실행 {m['c']}개, 태스크 {m['e']}개, 시드 "
                f"{m['s'].replace('none', '없음')}"
                + (f"; 대기 중인 실행 {m['p']}개" if m["p"] else "")
                + (f"; 연구 범위 밖이라 건너뛴 파일 {m['q']}개" if m["q"] else ""))),
]


_CUT = {
    "the file ends without a newline: the run was killed while writing":
        "파일이 줄바꿈 없이 끝난다: 쓰는 도중에 실행이 중단되었다",
    "another run's line was appended onto it without a newline": "다른 실행의 줄이 줄바꿈 없이 이어 붙었다",
    "it lacks fields that every other line has": "다른 모든 줄에 있는 필드가 없다",
}


def _layer_ko(text: str) -> str:
    if text.startswith("the last layer"):
        return "마지막 레이어(layer=-1)"
    return text.replace("layer ", "레이어 ")


def message(text: str) -> str | None:
    """One loader message in Korean (with its "(N files: ...)" tail), or None when its form is
    not known here."""
    tail = ""
    m = _FILES.match(text)
    if m:
        text, tail = m["msg"], f" (파일 {m['n']}개: {m['files']})"
    for pattern, template in _MESSAGES:
        hit = pattern.match(text)
        if hit is None:
            continue
        out = template(hit) if callable(template) else template.format(**{
            k: (v or "") for k, v in hit.groupdict().items()})
        if out is not None:
            return out + tail
    return None


def pending(p: PendingRun) -> str:
    setting = "기본값" if p.setting == "default" else p.setting
    return f"{p.task} / {p.model} / 시드 {p.seed} ({setting}): {reason(p.reason) or p.reason} [{p.path}]"


def skipped(path: str, why: str) -> str:
    return f"{path}: {reason(why) or why}"


def grid_state(g: GridState) -> str:
    if g.state == "unusable":
        return f"{g.path}: 쓸 수 없음(사용할 수 없는 입력 참고)"
    state = {"complete": "완료", "in progress": "진행 중", "not started": "시작되지 않음(빈 파일)"}[g.state]
    said = f"{g.path}: {state}, 레이어 {g.n_layers}개 중 {g.tested}개, 테스트 줄 {g.lines}개"
    return said + (f", 두 번 이상 테스트된 레이어 {g.repeated}개(평균함)" if g.repeated else "")


def settings(a: AblationCoverage) -> str:
    seeds = ", ".join(map(str, a.seeds)) or "없음"
    if a.setting is None:
        return f" (기본 설정; 시드 {seeds})"
    shown = ", ".join("다시 선택" if s == "re-selection" else s for s in a.settings)
    return f" ({shown}; 시드 {seeds})"

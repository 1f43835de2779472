"""Korean for what the measured source says about a results folder.

The loader's assumptions, warnings, notes and reasons are messages
(:class:`pifi_ablation.messages.Message`): a code and parameters, with an English and a Korean
template.  A page in Korean mode shows each message's Korean; a text that is not a message
(none of the loader's is) is shown in English and marked ``lang="en"``.  The coverage report's
own lines (pending runs, skipped files, grid states, settings) are put in Korean here from
their fields.  Presentation only: nothing here is read back.
"""

from __future__ import annotations

from pifi_ablation.coverage import AblationCoverage, GridState, PendingRun
from pifi_ablation.messages import ko


def reason(text: str) -> str | None:
    """A reason (pending, missing, skipped) in Korean, or None when it is not a message."""
    return ko(text)


def message(text: str) -> str | None:
    """One loader message in Korean (with its "(N files: ...)" tail), or None when it is not a
    message."""
    return ko(text)


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

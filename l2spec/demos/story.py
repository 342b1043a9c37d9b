"""The record every demo story keeps: numbered steps with the protocol's answer, and facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One line of the story: who did what, and the protocol's answer."""

    number: int
    layer: str
    action: str
    outcome: str
    ok: bool
    expected_ok: bool = True

    @property
    def as_expected(self) -> bool:
        return self.ok == self.expected_ok


@dataclass
class Story:
    """Everything a demo did and observed; it succeeds when it has steps and each went as the
    protocol says (a refusal the story expects counts as expected)."""

    steps: list[Step] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(
        self, layer: str, action: str, outcome: str, ok: bool, expected_ok: bool = True
    ) -> None:
        self.steps.append(Step(len(self.steps) + 1, layer, action, outcome, ok, expected_ok))

    @property
    def success(self) -> bool:
        return bool(self.steps) and all(s.as_expected for s in self.steps)

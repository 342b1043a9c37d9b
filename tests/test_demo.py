"""`l2spec demo op`: the end-to-end OP Stack story runs on the spec and every step is as expected."""

from __future__ import annotations

import json

import pytest

from l2spec.cli import main
from l2spec.demos.op import ETHER, DemoError, run_op_demo
from l2spec.spec.optimistic import portal


def test_demo_json_reports_every_step_as_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "op", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["success"] is True
    assert report["facts"]["derived_equals_sequenced"] is True
    assert report["facts"]["derived_blocks"] == report["facts"]["sequencer_blocks"] >= 8
    assert all(step["as_expected"] for step in report["steps"])


def test_demo_story_outcomes() -> None:
    story = run_op_demo(deposit=2 * ETHER, payment=ETHER // 4, withdrawal=ETHER // 2)
    assert story.success
    outcomes = [s.outcome for s in story.steps]
    # refused before the delay, paid after it, refused again — with the contract's reasons
    assert any(portal.NOT_MATURED in o for o in outcomes)
    assert any("pays 0.5 ETH" in o for o in outcomes)
    assert outcomes[-1] == f"refused: {portal.ALREADY_FINALIZED}"
    # the portal keeps what was deposited minus what was withdrawn
    assert story.facts["portal_eth_left"] == 2 * ETHER - ETHER // 2


def test_demo_fails_loudly_when_a_withdrawal_exceeds_the_balance() -> None:
    # alice cannot withdraw more than she holds on L2: the sequencer cannot include the tx,
    # and the story must say so instead of pretending.
    with pytest.raises(DemoError, match="could not build"):
        run_op_demo(deposit=ETHER, payment=ETHER // 10, withdrawal=2 * ETHER)


def test_demo_help_exits_zero() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0

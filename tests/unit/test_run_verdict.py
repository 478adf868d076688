"""`logpipe run`'s exit from how its stage processes ended: the first stage that failed
decides; a fault that names its cause is its one line and exit 2; another failure is
exit 1 with the stage named; a stage killed by a signal says which."""

from __future__ import annotations

import pytest

from pipeline.cli.run import verdict
from pipeline.supervise.handoff import Outcome, StageFault


def test_all_stopped_cleanly_is_exit_0():
    assert verdict([Outcome("ship", 0), Outcome("index", 0), Outcome("alert", 0)]) == 0


def test_the_first_fault_is_raised_with_its_own_message():
    with pytest.raises(StageFault) as raised:
        verdict([Outcome("alert", 2, fault="kafka.sasl_username: deny user 'shipper'"), Outcome("ship", 0),
                 Outcome("index", 2, fault="elasticsearch.hosts: refused")])
    assert str(raised.value) == "kafka.sasl_username: deny user 'shipper'"


def test_a_failure_names_the_stage_that_failed_first(capsys):
    code = verdict([Outcome("ship", 0), Outcome("index", -9), Outcome("alert", 1, failed="RuntimeError('x')")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == "logpipe run: stage index failed: killed by signal 9; the other stages were stopped"


def test_a_reported_failure_is_shown_as_reported(capsys):
    assert verdict([Outcome("alert", 1, failed="KafkaError('gone')")]) == 1
    assert "stage alert failed: KafkaError('gone')" in capsys.readouterr().err

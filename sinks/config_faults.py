"""Around a stage's run: an error that a configuration key caused leaves as the exception
that names the key (the command prints it on one line and exits 2); anything else leaves
as it was. One context manager for both services: each gives its own translation.

    with faults_named(KafkaConfigError, lambda exc: config_fault(exc, cfg.kafka)):
        await stage.run()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def faults_named(named: type[Exception], name_fault: Callable[[Exception], Exception | None]) -> Iterator[None]:
    """`named` errors pass through; another error becomes `name_fault(exc)` when that is not
    None (raised without the chain: the message says it all), else it is re-raised."""
    try:
        yield
    except named:
        raise
    except Exception as exc:
        fault = name_fault(exc)
        if fault is None:
            raise
        raise fault from None

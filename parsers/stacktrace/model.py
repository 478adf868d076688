"""A stack trace as plain data, whatever its language: frames, exceptions (each with its
suppressed ones and its cause), outermost first."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Frame:
    module: str  # Java: fully qualified class; Python: module derived from the file path
    function: str
    file: str | None = None  # `OrderService.java`, `/app/pay/order.py`; None for Native Method / Unknown Source
    line: int | None = None
    java_module: str | None = None  # `java.base` in `java.base/java.lang.Thread.run(...)`


@dataclass(slots=True)
class ExceptionInfo:
    type: str
    message: str | None
    frames: list[Frame] = field(default_factory=list)
    suppressed: list["ExceptionInfo"] = field(default_factory=list)
    cause: "ExceptionInfo | None" = None  # the next exception of the chain (`Caused by:`)
    frames_omitted: int = 0  # `... N more`


@dataclass(slots=True)
class StackTrace:
    exceptions: list[ExceptionInfo]  # outermost first, then its causes; the last is the root cause
    language: str = "java"

    @property
    def outermost(self) -> ExceptionInfo:
        return self.exceptions[0]

    @property
    def root_cause(self) -> ExceptionInfo:
        return self.exceptions[-1]

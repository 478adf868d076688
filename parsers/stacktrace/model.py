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
    # (module, function, file): the frame as a signature sees it, without its line; made
    # once per frame (a frame cache shares Java frames between traces)
    key: tuple[str, str, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.key = (self.module, self.function, self.file)


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
    root_first: bool = False  # written root cause first (logback's %rEx): the root's header is the trace's first line

    @property
    def outermost(self) -> ExceptionInfo:
        return self.exceptions[0]

    @property
    def root_cause(self) -> ExceptionInfo:
        return self.exceptions[-1]

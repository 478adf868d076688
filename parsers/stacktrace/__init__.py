"""Stack traces: Java (`parsers.stacktrace.java`) and Python (`parsers.stacktrace.python`)
tracebacks, as plain data (`parsers.stacktrace.model`).

`parse_stack(lines)` finds where the trace starts (`find_stack_start`), hands it to the
parser of its language and returns the exceptions outermost first, following causes;
anything unreadable is skipped, so a truncated or garbled trace still gives its best
partial result.
"""

from parsers.stacktrace.dispatch import find_stack_start, parse_stack
from parsers.stacktrace.java import FRAME_CACHE_MAX, java_frame
from parsers.stacktrace.model import ExceptionInfo, Frame, StackTrace

__all__ = ["ExceptionInfo", "FRAME_CACHE_MAX", "Frame", "StackTrace", "find_stack_start", "java_frame", "parse_stack"]

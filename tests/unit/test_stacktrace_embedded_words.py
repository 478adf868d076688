"""An exception printed after the message on the record's line, in a form other than
`Class: message`.

JBoss LogManager's default pattern ends with `%s%e`: the throwable follows the message on
the record's own line, after `: `, and the frames follow. Most throwables print as
`pkg.Type: message`; some override `toString()` with words right after the class
(`org.jboss.msc.service.StartException in service x: msg`). Both give the outer class.
"""

from __future__ import annotations

from hypothesis import given, strategies as st

from parsers.stacktrace.dispatch import find_stack_start, parse_stack

_PKG = st.from_regex(r"(?:[a-z]{2,8}\.){1,4}", fullmatch=True)
_NAME = st.from_regex(r"[A-Z][a-z]{2,8}(?:Exception|Error)", fullmatch=True)
_WORDS = st.from_regex(r"[a-z]{2,8}(?: [a-z\"._-]{1,12}){0,4}(?:: [A-Za-z0-9 ]{1,20})?", fullmatch=True)
_PREFIX = st.from_regex(r"[A-Z]{2,5}[0-9]{6}: [A-Z][a-z]{2,8}(?: [a-z.\"]{1,12}){0,4}", fullmatch=True)
_REC = "2020-01-01 10:00:03,000 ERROR [org.jboss.msc.service.fail] (MSC service thread 1-4) "
_FRAMES = ["\tat org.jboss.as.server.Service.start(Service.java:150)", "\tat java.lang.Thread.run(Thread.java:748)"]


@given(_PREFIX, _PKG, _NAME, _WORDS)
def test_a_class_after_colon_space_followed_by_words_heads_the_frames_below(prefix, pkg, name, words):
    cls = pkg + name
    lines = [f"{_REC}{prefix}: {cls} {words}", *_FRAMES, "Caused by: java.lang.ClassNotFoundException: com.x.Y",
             "\tat org.jboss.modules.ModuleClassLoader.findClass(ModuleClassLoader.java:255)", "\t... 8 more"]
    assert find_stack_start(lines) == 0
    st_ = parse_stack(lines)
    assert st_ is not None and st_.exceptions[0].type == cls
    assert st_.exceptions[0].message == words.rstrip()
    assert st_.exceptions[0].cause is not None and st_.exceptions[0].cause.type == "java.lang.ClassNotFoundException"


@given(_PREFIX, _PKG, _NAME, _WORDS)
def test_the_class_and_message_form_is_read_as_before(prefix, pkg, name, words):
    cls = pkg + name
    st_ = parse_stack([f"{_REC}{prefix}: {cls}: {words}", *_FRAMES])
    assert st_ is not None and (st_.exceptions[0].type, st_.exceptions[0].message) == (cls, words.rstrip())


@given(_PREFIX, _WORDS)
def test_a_line_naming_no_exception_class_leaves_the_frames_headless(prefix, words):
    st_ = parse_stack([f"{_REC}{prefix}: {words}", *_FRAMES])
    assert st_ is not None and st_.exceptions[0].type == "<unknown>"


@given(_PREFIX, _PKG, _NAME, _WORDS, _PKG, _NAME)
def test_the_first_class_on_the_line_is_the_outer_one_when_its_cause_follows(prefix, pkg, name, words, cpkg, cname):
    """`...: x.StartException in service y: z.CauseException: msg`: the class printed first
    is the outer exception, whatever the form of the cause printed after it."""
    cls, cause = pkg + name, cpkg + cname
    words = words.split(":")[0].rstrip()
    st_ = parse_stack([f"{_REC}{prefix}: {cls} {words}: {cause}: broken", *_FRAMES])
    assert st_ is not None and st_.exceptions[0].type == cls


@given(_PREFIX, _PKG, _NAME, _WORDS)
def test_a_message_id_starting_the_message_is_not_the_exception_class(prefix, pkg, name, words):
    """Once the prefix is read, the message starts with JBoss's message id (`IJ000604: ...`):
    a word before a colon that is neither qualified nor named like a throwable is no class."""
    cls = pkg + name
    for first, want in ((f"{prefix}: {cls}: {words}", words.rstrip()), (f"{prefix}: {cls} {words}", words.rstrip())):
        st_ = parse_stack([first, *_FRAMES])
        assert st_ is not None and (st_.exceptions[0].type, st_.exceptions[0].message) == (cls, want)


@given(_PREFIX, _WORDS)
def test_a_message_id_with_no_class_after_it_leaves_the_frames_headless(prefix, words):
    st_ = parse_stack([f"{prefix}: {words}", *_FRAMES])
    assert st_ is not None and st_.exceptions[0].type == "<unknown>"

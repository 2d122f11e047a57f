"""YAML syntax errors as messages that say what is wrong and how to fix it.

PyYAML has no error codes: its messages are fixed English phrases with a token or a
character filled in ("expected <block end>, but found '<block mapping start>'"). The ones a
person editing a case file meets (a tab in the indentation, a line indented wrongly, a quote
or bracket never closed, a colon inside a value) are recognised from the exception's class,
the character at its mark and PyYAML's phrase, and said in the user's language with the fix;
any other is given in PyYAML's words after a translated "YAML syntax error".
"""

from __future__ import annotations

import re

import yaml

from avtalsgen.i18n import _

#: PyYAML's phrases (yaml/scanner.py, parser.py, composer.py), with what each means.
_BLOCK_END = re.compile(r"expected <block end>, but found '<?[a-z -]+>?'")
_FLOW_END = re.compile(r"expected ',' or '([\]}])', but got '.*'")
_CANNOT_START = re.compile(r"found character '(.+)' that cannot start any token")
_UNKNOWN_ESCAPE = re.compile(r"found unknown escape character '(.+)'")


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to report (where the broken construct starts, when known) and the message
    for a YAML syntax error in ``text``."""
    problem, mark = exc.problem or "", exc.problem_mark
    at = mark.line + 1 if mark is not None else None
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        line_start = text.rfind("\n", 0, mark.index) + 1
        if not text[line_start : mark.index].strip(" \t"):
            return at, _("use spaces for indentation, not tabs")
        return at, _("a tab cannot stand here; use spaces")
    start = exc.context_mark.line + 1 if exc.context_mark is not None else at
    mixed = _mixed_quotes(text, at)
    if mixed is not None:
        line, straight, typographic = mixed
        return line, _(
            "the text starts with a straight quotation mark {straight} but ends with the "
            "typographic {typographic} Word writes: a text in quotes ends with the mark it "
            "starts with; write {straight} at its end too, or leave the quotes out"
        ).format(straight=straight, typographic=typographic)
    if isinstance(exc, yaml.scanner.ScannerError):
        if exc.context in (
            "while scanning a quoted scalar",
            "while scanning a double-quoted scalar",
        ):
            if problem == "found unexpected end of stream":
                return start, _("the quotation mark that starts here is never closed")
            if found := _UNKNOWN_ESCAPE.fullmatch(problem):
                return at, _(
                    "unknown escape sequence \\{char} in text in double quotes; use single "
                    "quotes, or write \\\\ for a backslash"
                ).format(char=found.group(1))
        if problem == "mapping values are not allowed here":
            return at, _(
                "a colon followed by a space cannot stand inside a value here; put the value "
                "in quotes, or start a new line for a new key"
            )
        if problem == "could not find expected ':'":
            return start, _("the line has no ':' after its key (or a quotation mark is not closed)")
        if problem == "sequence entries are not allowed here":
            return at, _(
                "a list item ('- ') cannot stand here: put each item on a line of its own below "
                "its key, indented, or write the value in quotes"
            )
        if found := _CANNOT_START.fullmatch(problem):
            return at, _(
                "a value cannot start with the character {char}; put the value in quotes"
            ).format(char=found.group(1))
    if isinstance(exc, yaml.parser.ParserError):
        if _BLOCK_END.fullmatch(problem) or problem == "did not find expected key":
            return at, _(
                "the indentation does not match the lines above: keys at the same level "
                "start in the same column, and list items with '- '"
            )
        if exc.context == "while parsing a flow node" and problem.endswith("'<stream end>'"):
            unclosed = _unclosed_bracket(text)
            if unclosed is not None:
                line, char = unclosed
                return line, _(
                    "the file ends inside the list or mapping that {opening} opens here: close "
                    "it with {closing} (put the value in quotes if {opening} belongs to the text)"
                ).format(opening=char, closing="]" if char == "[" else "}")
        if found := _FLOW_END.fullmatch(problem):
            opening = "[" if found.group(1) == "]" else "{"
            return start, _(
                "{opening} opens a list or mapping that is not closed with {closing} (put the "
                "value in quotes if {opening} belongs to the text)"
            ).format(opening=opening, closing=found.group(1))
    if isinstance(exc, yaml.composer.ComposerError) and (
        exc.context == "expected a single document in the stream"
    ):
        return at, _("the file may hold one YAML document only: remove the line with ---")
    # PyYAML's own words, after a translated label.
    if isinstance(exc, yaml.scanner.ScannerError) and exc.context_mark is not None:
        where = _(" (at line {line})").format(line=at) if at is not None else ""
        return start, _("YAML syntax error: {problem}").format(
            problem=f"{exc.context}: {problem}{where}"
        )
    if exc.context and problem.startswith("but "):  # "expected ..., but found ..."
        problem = f"{exc.context}, {problem}"
    return at, _("YAML syntax error: {problem}").format(problem=problem or exc.context)


#: A value (after "key: " or "- ") that opens with a straight quotation mark, and the rest of
#: its line: where a typographic closing mark stands in for the straight one.
_QUOTED_VALUE = re.compile(r"""(?:^|:[ \t]+|^[ \t]*-[ \t]+)(["'])(.*)$""")
_TYPOGRAPHIC = {'"': "”“", "'": "’‘"}


def _mixed_quotes(text: str, upto: int | None) -> tuple[int, str, str] | None:
    """The first line (at or before line ``upto``) whose value opens with a straight quotation
    mark that the line never closes but ends with a typographic one, as Word writes when it
    "corrects" the closing mark: the line, the straight mark and the typographic one."""
    for number, line in enumerate(text.splitlines()[: upto or None], start=1):
        found = _QUOTED_VALUE.search(line.strip() if line.lstrip().startswith("-") else line)
        if found is None:
            continue
        straight, rest = found.group(1), found.group(2).rstrip()
        if straight in rest.replace("\\" + straight, "").replace(straight * 2, ""):
            continue  # closed on the line (an escaped or doubled mark does not close)
        if rest and rest[-1] in _TYPOGRAPHIC[straight]:
            return number, straight, rest[-1]
    return None


def _unclosed_bracket(text: str) -> tuple[int, str] | None:
    """The line and character of the last ``[`` or ``{`` in ``text`` that is not closed
    (outside quotes and comments), if any."""
    stack: list[tuple[int, str]] = []
    line, quote, comment = 1, "", False
    for index, char in enumerate(text):
        if char == "\n":
            line, quote, comment = line + 1, "", False  # an unclosed quote is another error
        elif comment:
            continue
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            comment = True
        elif char in "[{":
            stack.append((line, char))
        elif char in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else None

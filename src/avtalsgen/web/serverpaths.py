"""Files as the office knows them, never by the server's absolute paths: what a run reports
(the worker's events, ``batch-report.json`` of the CLI's builds too) is shown on the pages
and sent to the browser with each file relative to the cases or output folder
(``RUN-00386-2023.yaml:6: dnr: …``, ``sammantraden/exempel-run-2023-12-05.yaml``,
``RUN-00386-2023/paket.pdf``), a folder itself by its name, and any other absolute path by
its file's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

#: An absolute path in a text (at least a folder and a name, not inside a word or a URL):
#: the part after its last slash is what is shown.
ABSOLUTE = re.compile(r"(?<![\w.~/\\-])/(?:[^\s/:'\"()<>\[\],;]+/)+([^\s/:'\"()<>\[\],;]+)")
#: The texts of a run's events and a batch report's cases.
TEXTS = ("error", "note", "text", "message")


def _spellings(folders: Iterable[Path]) -> list[tuple[str, str]]:
    """Each folder as the messages may spell it (as given and with links resolved), with its
    name; the longest first, so that a folder inside another is taken first."""
    found: dict[str, str] = {}
    for folder in folders:
        for spelled in (str(folder), str(folder.resolve())):
            if spelled not in ("/", "."):
                found.setdefault(spelled.rstrip("/"), folder.name)
    return sorted(found.items(), key=lambda item: -len(item[0]))


def _from_working_folder(folders: Iterable[Path]) -> list[str]:
    """Each folder as a message of the CLI's functions spells it when it lies below the
    working folder (:func:`avtalsgen.build.workspace.shown`: ``output/RUN-00386-2023/...``
    for a server started with ``--output output``), longest first."""
    found = set()
    for folder in folders:
        try:
            relative = folder.resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError):
            continue
        if str(relative) != ".":
            found.add(relative.as_posix())
    return sorted(found, key=len, reverse=True)


def shown_text(text: str | None, folders: Iterable[Path]) -> str | None:
    """``text`` with a file below one of ``folders`` named by its path below it, the folder
    itself by its name, and any other absolute path by the name of its file."""
    if not text:
        return text
    folders = list(folders)
    for spelled in _from_working_folder(folders):  # not inside another path or word
        text = re.sub(r"(?<![\w.~/\\-])" + re.escape(spelled) + r"/", "", text)
    for spelled, name in _spellings(folders):
        text = re.sub(re.escape(spelled) + r"/", "", text)
        # The name as it is (a replacement string would read backslashes in it).
        text = re.sub(re.escape(spelled) + r"(?![\w.-])", _literal(name), text)
    return ABSOLUTE.sub(lambda match: match.group(1), text)


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def shown_file(path: object, folders: Iterable[Path]) -> str:
    """The file ``path`` relative to the first of ``folders`` it lies in, else its name; a
    relative path as it is (already shown so)."""
    file = Path(str(path))
    if not file.is_absolute():
        return file.as_posix()
    for folder in folders:
        for spelled in (folder, folder.resolve()):
            if file.is_relative_to(spelled):
                return file.relative_to(spelled).as_posix()
    return file.name


def shown_event(event: dict[str, Any], folders: Sequence[Path]) -> dict[str, Any]:
    """A run's event (or a batch report's case) as the page and the browser get it."""
    shown = dict(event)
    if isinstance(shown.get("case"), str):
        shown["case"] = shown_file(shown["case"], folders)
    for key in ("outputs", "removed"):
        if isinstance(shown.get(key), list):
            shown[key] = [shown_file(path, folders) for path in shown[key]]
    for key in TEXTS:
        if isinstance(shown.get(key), str):
            shown[key] = shown_text(shown[key], folders)
    if isinstance(shown.get("warnings"), list):
        shown["warnings"] = [shown_text(str(text), folders) for text in shown["warnings"]]
    if isinstance(shown.get("texts"), dict):  # a line in each language
        shown["texts"] = {language: shown_text(str(text), folders)
                          for language, text in shown["texts"].items()}  # fmt: skip
    return shown


def shown_report(report: Any, folders: Sequence[Path]) -> Any:
    """``batch-report.json`` as the Körning page shows it: each case's file and messages
    without the server's folders."""
    if not isinstance(report, dict) or not isinstance(report.get("cases"), list):
        return report
    cases = [shown_event(case, folders) if isinstance(case, dict) else case
             for case in report["cases"]]  # fmt: skip
    left = report.get("not_done")  # an interrupted run's cases not built
    not_done = [shown_event(case, folders) for case in left if isinstance(case, dict)] \
        if isinstance(left, list) else []  # fmt: skip
    return {**report, "cases": cases, "not_done": not_done}

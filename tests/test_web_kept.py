"""What the pages keep of the cases folder is read again when a file of it changes: the case
files and their Dnr (web/caseindex.py, by the folder's listing) and what each case file says
for the warning of a copy's names (web/copiednames.py, by each file's stamp)."""

from __future__ import annotations

import shutil
from pathlib import Path

from webtools import workspace

from avtalsgen.web.caseindex import case_index
from avtalsgen.web.copiednames import copied_names
from avtalsgen.web.yamlfiles import case_files

SEED = "RUN-00386-2023"


def _write(path: Path, text: str) -> None:
    """``text`` into ``path`` as the app writes a file: a new file put in its place."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def test_a_file_added_or_removed_is_told_at_once(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    before = case_files(config.cases)
    assert config.cases / f"{SEED}.yaml" in before
    assert case_index(config.cases).dnr_lines[SEED] == (f"{SEED}.yaml:6",)
    copy = config.cases / "kopia.yaml"
    shutil.copyfile(config.cases / f"{SEED}.yaml", copy)
    assert case_files(config.cases) == sorted([*before, copy])
    assert case_index(config.cases).dnr_lines[SEED] == (f"{SEED}.yaml:6", "kopia.yaml:6")
    # A program file kept beside the cases is none of them.
    program = next((config.cases / "program").glob("*.yaml"))
    shutil.copyfile(program, config.cases / "program-kopia.yaml")
    assert case_files(config.cases) == sorted([*before, copy])
    copy.unlink()
    assert case_files(config.cases) == before
    assert case_index(config.cases).dnr_lines[SEED] == (f"{SEED}.yaml:6",)


def test_a_copy_is_told_the_other_cases_actor_as_that_file_says_it_now(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    seed = config.cases / f"{SEED}.yaml"
    text = seed.read_text(encoding="utf-8")
    copy = config.cases / "kopia.yaml"
    own = text.replace("dnr: RUN-00386-2023", "dnr: RUN-00400-2024")
    _write(copy, own.replace("namn: Swedish Lapland Visitors Board", "namn: Nya Aktör AB", 1))
    found = {(name.field, name.actor, name.case) for name in copied_names(copy, config.cases)}
    assert ("titel", "Swedish Lapland Visitors Board", SEED) in found
    # The other case's actor renamed: the copy's title no longer names it.
    _write(seed, text.replace("namn: Swedish Lapland Visitors Board", "namn: Annan Aktör", 1))
    assert copied_names(copy, config.cases) == []
    _write(seed, text)
    assert {(n.field, n.actor, n.case) for n in copied_names(copy, config.cases)} == found
    # The other case's Dnr as every command reads it: spaces inside its quotes are not part
    # of it (the web's own reader named the case " RUN-00386-2023 ").
    _write(seed, text.replace("dnr: RUN-00386-2023", 'dnr: " RUN-00386-2023 "'))
    assert {(n.field, n.actor, n.case) for n in copied_names(copy, config.cases)} == found


def test_what_is_kept_is_made_once_a_key_and_started_again_when_full() -> None:
    """web.stamps.Kept, the helper each of the pages' caches is: a value made once for its
    key, and all of them dropped when the limit is reached (then made again as asked)."""
    from functools import partial

    from avtalsgen.web.stamps import Kept

    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    kept: Kept[str] = Kept(2)
    assert [kept.get(key, partial(make, key)) for key in "aab"] == ["A", "A", "B"]
    assert made == ["a", "b"] and "a" in kept and kept["b"] == "B"
    assert kept.get("c", lambda: make("c")) == "C"  # full: started again with c alone
    assert "a" not in kept and "c" in kept
    assert kept.get("a", lambda: make("a")) == "A"
    assert made == ["a", "b", "c", "a"]

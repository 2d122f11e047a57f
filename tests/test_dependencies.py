"""Every library pyproject.toml declares is one that avtalsgen's code imports (issue 13:
pypdf was declared and never imported)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib

from conftest import REPO


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> set[str]:
    """The top-level modules that the source imports."""
    found = set()
    for path in (REPO / "src" / "avtalsgen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.partition(".")[0])
    return found


#: Dependencies that avtalsgen's code uses through another library, not by importing them.
USED_THROUGH = {
    "pillow": "pypdfium2's to_pil() makes the web preview's page images with it",
}


def test_every_declared_dependency_is_imported() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        _normal(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0]) for spec in project["dependencies"]
    }
    providers: dict[str, set[str]] = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        for distribution in distributions:
            providers.setdefault(_normal(distribution), set()).add(module)
    imported = _imported_modules()
    unused = sorted(
        name
        for name in declared
        if not providers.get(name, set()) & imported and name not in USED_THROUGH
    )
    assert unused == [], f"declared in pyproject.toml but never imported: {unused}"

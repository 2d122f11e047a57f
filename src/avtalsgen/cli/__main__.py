"""``python -m avtalsgen.cli``: the avtalsgen command."""

from avtalsgen.cli.main import run

run()

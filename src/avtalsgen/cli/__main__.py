"""``python -m avtalsgen.cli``: the avtalsgen command."""

from avtalsgen.cli.app import run

run()

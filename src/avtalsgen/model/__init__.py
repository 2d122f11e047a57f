"""Typed models of the case, program and meeting files."""

from avtalsgen.model.case import Aktor, Arende, Finansiar, Finansiering, Period
from avtalsgen.model.program import Program, ProgramTexter, Strategi
from avtalsgen.model.types import Adress, Part

__all__ = [
    "Adress",
    "Aktor",
    "Arende",
    "Finansiar",
    "Finansiering",
    "Part",
    "Period",
    "Program",
    "ProgramTexter",
    "Strategi",
]

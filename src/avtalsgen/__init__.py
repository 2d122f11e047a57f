"""avtalsgen: Region Norrbotten's decision documents from typed case files."""

__version__ = "0.1.0"

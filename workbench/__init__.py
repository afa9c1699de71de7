"""Thematic Workbench: a keyboard-first workbench for qualitative thematic analysis."""

__version__ = "0.1.0"

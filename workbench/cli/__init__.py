"""The command line: parser and error handling in :mod:`.main`, shared helpers in :mod:`.common`,
one module per command group."""

from workbench.cli.main import main

__all__ = ["main"]

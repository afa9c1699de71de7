"""Browser mode: ``workbench serve`` runs the terminal UI for browsers (textual-serve, the ``web`` extra).

:mod:`.identity` (who a request is, where the server may listen), :mod:`.server` (sessions, limits,
downloads), :mod:`.upload` (imports by upload), :mod:`.session` (the app process of one browser tab).
Nothing here is imported unless the server runs; the TUI knows only ``App.is_web``.
"""

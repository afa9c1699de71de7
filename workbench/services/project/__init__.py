"""The project's people and material: sources, participants, coders, the audit log, the demo."""

"""Themes: typology, categories, theme edits, the YAML theme map, roll-ups."""

"""Exports: Word documents, CSV and Excel tables."""

"""Coding: applying and removing codes, retrieval, suggestions, the CSV exchange."""

"""Text as the coder sees it: documents, spaCy segments and lemmas, search."""

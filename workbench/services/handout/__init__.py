"""Blind double coding by file: a handout for one coder (:mod:`.create`), merged back (:mod:`.merge`)."""

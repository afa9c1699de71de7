"""Pure domain helpers: no Textual, no SQLAlchemy."""

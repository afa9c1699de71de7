"""Persistence: SQLAlchemy models, the engine, sessions and the migration runner."""

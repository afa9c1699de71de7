"""Themes built from codes: the typology (theme types), categories, themes, their codes and exemplar quotes."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.store.models.base import Base
from workbench.store.models.codes import Code


class ThemeType(Base):
    """A kind of theme in the project's typology (facilitator, barrier, neutral, ...)."""

    __tablename__ = "theme_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(10))  # "F", "B": theme labels are prefix + number
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"ThemeType({self.name!r})"


class ThemeCategory(Base):
    """A higher-order category pairing themes, e.g. "Experience of time"."""

    __tablename__ = "theme_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"ThemeCategory({self.name!r})"


class ThemeCode(Base):
    """A code that makes up a theme (a code may serve several themes)."""

    __tablename__ = "theme_code"

    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"ThemeCode({self.theme_id}, {self.code_id})"


class Theme(Base):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    type_id: Mapped[int] = mapped_column(ForeignKey("theme_type.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("theme_category.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)
    dimensions: Mapped[list[str] | None] = mapped_column(JSON)  # override; None = derived from the codes
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    theme_type: Mapped[ThemeType] = relationship()
    category: Mapped[ThemeCategory | None] = relationship()
    codes: Mapped[list[Code]] = relationship(secondary="theme_code", order_by="Code.position")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Theme({self.label!r}, {self.name!r})"


class Exemplar(Base):
    """A quote starred as an exemplar of a theme: a coding, optionally trimmed."""

    __tablename__ = "exemplar"
    __table_args__ = (UniqueConstraint("theme_id", "coding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"))
    start: Mapped[int | None] = mapped_column(Integer)  # trimmed quote inside the coding, if any
    end: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"Exemplar({self.theme_id}, {self.coding_id})"

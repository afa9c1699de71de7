"""The languages a study can be in: names, lemma sources, abbreviations, quote marks (pure).

A project has a language (``workbench init --language da``; ISO 639-1,
default ``en``) and each source has its own (``import --language sv``), so a
study that mixes languages segments and searches each transcript in its own.

Sentence segments never end inside or right after one of the language's
abbreviations (``f.eks.``, ``bl.a.``, ``t.ex.``, ``z. B.``, ``p. ex.``):
:func:`fix_abbreviation_splits` undoes the splits a sentencizer makes there.
An abbreviation that may end a sentence (``etc.``, ``osv.``, ``usw.``) ends
one when the next word starts with a capital.

Where lemmas come from, per language: ``lookup`` — the lookup table of
spacy-lookups-data; ``simplemma`` — the simplemma package (no table in
spacy-lookups-data, or one too small to use: Norwegian Bokmål has 1,582
entries); ``form`` — none, search is by word form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.errors import WorkbenchError

DEFAULT_LANGUAGE = "en"
LANGUAGE_SETTING = "language"


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, also spaCy's language code
    name: str
    lemmas: str  # "lookup" | "simplemma" | "form"
    quotes: tuple[str, str]  # opening and closing quote marks in print
    abbreviations: tuple[str, ...]  # written with the spaces usual in print; "z. B." also matches "z.B."
    may_end_sentence: tuple[str, ...] = ()  # abbreviations that can close a sentence ("etc.")
    trained: tuple[str, ...] = field(default=())  # trained spaCy pipelines used when installed, best first


_COMMON = ("ca.", "etc.", "vs.", "nr.", "dr.", "prof.")

LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language(
            "en", "English", "lookup", ("“", "”"),
            ("e.g.", "i.e.", "approx.", "cf.", "viz.", "incl.", "esp.", "resp.", "et al.", "a.m.", "p.m.",
             "mr.", "mrs.", "ms.", "st.", *_COMMON),
            ("etc.", "et al.", "a.m.", "p.m."),
            ("en_core_web_sm", "en_core_web_md", "en_core_web_lg"),
        ),
        Language(
            "da", "Danish", "lookup", ("»", "«"),
            ("f.eks.", "bl.a.", "dvs.", "mht.", "evt.", "osv.", "m.m.", "mv.", "pga.", "iflg.", "ifm.", "jf.", "kl.",
             "hr.", "fr.", "tlf.", "inkl.", "ekskl.", "vedr.", "ang.", "o.l.", "el.", "kr.", "min.", "ift.",
             "sml.", "s.", "stk.", "årh.", *_COMMON),
            ("etc.", "osv.", "m.m.", "mv.", "o.l.", "kr.", "min."),
            ("da_core_news_sm", "da_core_news_md", "da_core_news_lg"),
        ),
        Language(
            "sv", "Swedish", "lookup", ("”", "”"),
            ("t.ex.", "bl.a.", "dvs.", "d.v.s.", "osv.", "o.s.v.", "m.m.", "s.k.", "t.o.m.", "fr.o.m.", "p.g.a.",
             "pga.", "m.fl.", "mfl.", "resp.", "ev.", "kl.", "jfr.", "o.d.", "el.", "kr.", "min.", "ang.",
             "inkl.", "exkl.", "fr.", "hr.", "s.", *_COMMON),
            ("etc.", "osv.", "o.s.v.", "m.m.", "m.fl.", "mfl.", "o.d.", "kr.", "min."),
            ("sv_core_news_sm", "sv_core_news_md", "sv_core_news_lg"),
        ),
        Language(
            "nb", "Norwegian Bokmål", "simplemma", ("«", "»"),
            ("f.eks.", "bl.a.", "dvs.", "osv.", "m.m.", "mv.", "pga.", "evt.", "ift.", "iflg.", "kl.", "jf.",
             "mht.", "o.l.", "ang.", "el.", "kr.", "min.", "inkl.", "hr.", "fr.", "s.", *_COMMON),
            ("etc.", "osv.", "m.m.", "mv.", "o.l.", "kr.", "min."),
            ("nb_core_news_sm", "nb_core_news_md", "nb_core_news_lg"),
        ),
        Language(
            "de", "German", "lookup", ("„", "“"),
            ("z. B.", "d. h.", "u. a.", "o. ä.", "u. U.", "s. o.", "s. u.", "i. d. R.", "v. a.", "u. v. m.", "bzw.",
             "ggf.", "vgl.", "evtl.", "inkl.", "usw.", "bspw.", "sog.", "zz.", "zzt.", "ebd.", "Nr.", "Hr.", "Fr.",
             "Std.", "Min.", "Mio.", "Mrd.", "Jh.", "S.", *_COMMON),
            ("etc.", "usw.", "u. v. m.", "ebd.", "Std.", "Min.", "Mio.", "Mrd."),
            ("de_core_news_sm", "de_core_news_md", "de_core_news_lg"),
        ),
        Language(
            "nl", "Dutch", "lookup", ("“", "”"),
            ("o.a.", "bijv.", "bv.", "d.w.z.", "m.a.w.", "enz.", "i.p.v.", "t.o.v.", "m.b.t.", "mr.", "dhr.", "mevr.",
             "e.d.", "incl.", "excl.", "evt.", "o.b.v.", "a.d.h.v.", "n.a.v.", "m.n.", "ong.", "blz.", "z.g.a.",
             "resp.", "t.z.t.", "z.s.m.", "min.", *_COMMON),
            ("etc.", "enz.", "e.d.", "min."),
            ("nl_core_news_sm", "nl_core_news_md", "nl_core_news_lg"),
        ),
        Language(
            "fr", "French", "lookup", ("«\u00a0", "\u00a0»"),
            ("p. ex.", "par ex.", "c.-à-d.", "cf.", "env.", "M.", "MM.", "Mme.", "Mlle.", "Dr.", "Pr.", "av.", "apr.",
             "vol.", "p.", "pp.", "chap.", "éd.", "n°.", "resp.", "min.", "max.", "càd.", "J.-C.", "etc.", "ca.",
             "vs."),
            ("etc.", "J.-C.", "min.", "max."),
            ("fr_core_news_sm", "fr_core_news_md", "fr_core_news_lg"),
        ),
        Language(
            "es", "Spanish", "lookup", ("«", "»"),
            ("p. ej.", "p.ej.", "Sr.", "Sra.", "Srta.", "Dr.", "Dra.", "Ud.", "Uds.", "Vd.", "Vds.", "aprox.", "ej.",
             "pág.", "núm.", "n.º", "izq.", "dcha.", "Lic.", "Ing.", "cía.", "EE. UU.", "S.A.", "aprox.", "min.",
             "máx.", "mín.", "etc.", "vs.", "prof."),
            ("etc.", "EE. UU.", "S.A.", "min."),
            ("es_core_news_sm", "es_core_news_md", "es_core_news_lg"),
        ),
        Language(
            "it", "Italian", "lookup", ("«", "»"),
            ("ad es.", "es.", "ecc.", "dott.", "dott.ssa", "sig.", "sig.ra", "sigg.", "prof.", "prof.ssa", "cfr.",
             "pag.", "avv.", "ing.", "n.", "nr.", "ca.", "vs.", "etc.", "min.", "max."),
            ("ecc.", "etc.", "min.", "max."),
            ("it_core_news_sm", "it_core_news_md", "it_core_news_lg"),
        ),
        Language(
            "pt", "Portuguese", "lookup", ("«", "»"),
            ("p. ex.", "p.ex.", "Sr.", "Sra.", "Srta.", "Dr.", "Dra.", "aprox.", "ex.", "pág.", "nº.", "prof.",
             "profa.", "Exmo.", "Exma.", "V. Exa.", "cf.", "vs.", "etc.", "min.", "máx.", "mín."),
            ("etc.", "min."),
            ("pt_core_news_sm", "pt_core_news_md", "pt_core_news_lg"),
        ),
        Language(
            "fi", "Finnish", "simplemma", ("”", "”"),
            ("esim.", "mm.", "ns.", "n.", "ts.", "yms.", "jne.", "ym.", "vrt.", "ks.", "tms.", "s.", "jms.", "huom.", "min.", "nro.", "etc."),
            ("jne.", "yms.", "ym.", "tms.", "jms.", "etc.", "min."),
            ("fi_core_news_sm", "fi_core_news_md", "fi_core_news_lg"),
        ),
    )
}


def supported_languages() -> str:
    """``da (Danish), de (German), …`` for messages and help."""
    return ", ".join(f"{code} ({LANGUAGES[code].name})" for code in sorted(LANGUAGES))


def check_language(code: str | None, where: str = "") -> str:
    """A supported ISO 639-1 code (lower-cased), or a one-line error listing the supported ones."""
    value = (code or "").strip().lower()
    if value in LANGUAGES:
        return value
    prefix = f"{where}: " if where else ""
    shown = (code or "").strip() or "(empty)"
    raise WorkbenchError(f"{prefix}unknown language {shown!r}; supported: {supported_languages()}")


def language(code: str | None) -> Language:
    """The language of a code as stored (an unknown or empty one reads as the default)."""
    return LANGUAGES.get((code or "").lower(), LANGUAGES[DEFAULT_LANGUAGE])


def quote_marks(code: str | None) -> tuple[str, str]:
    return language(code).quotes


def quoted(text: str, code: str | None) -> str:
    opening, closing = quote_marks(code)
    return f"{opening}{text}{closing}"


def outer_quote_marks(text: str) -> tuple[str, str] | None:
    """The (opening, closing) marks a quote was printed in by :func:`quoted`, in any language; None if none."""
    for opening, closing in sorted({l.quotes for l in LANGUAGES.values()}, key=lambda q: -len(q[0])):
        if len(text) >= len(opening) + len(closing) and text.startswith(opening) and text.endswith(closing):
            return opening, closing
    return None


# Abbreviations and sentence ends -------------------------------------------------------------


@dataclass(frozen=True)
class _AbbreviationRules:
    pattern: re.Pattern[str]  # any abbreviation, internal spaces optional
    whole: frozenset[str]  # every abbreviation written without spaces, lower case ("f.eks.", "z.b.")
    final: frozenset[str]  # those that may end a sentence, the same way
    tails: frozenset[str]  # what the last word before a split may be when it is part of a spaced abbreviation


def _normal(abbreviation: str) -> str:
    return re.sub(r"\s+", "", abbreviation).lower()


def _parts(abbreviation: str) -> list[str]:
    """``z. B.`` → ``["z.", "b."]``; ``c.-à-d.`` → ``["c.", "-à-d."]``."""
    return [p for p in re.split(r"(?<=\.)", _normal(abbreviation)) if p]


@lru_cache(maxsize=None)
def _rules(code: str) -> _AbbreviationRules:
    entries = language(code).abbreviations
    alternatives = []
    tails: set[str] = set()
    for abbreviation in sorted(set(entries), key=lambda a: -len(_normal(a))):
        parts = _parts(abbreviation)
        alternatives.append(r"\.\s?".join(re.escape(p.rstrip(".")) for p in parts) + (r"\." if abbreviation.endswith(".") else ""))
        for i in range(len(parts)):
            for j in range(i + 1, len(parts) + 1):
                tails.add("".join(parts[i:j]))
    pattern = re.compile(rf"(?<![\w.])(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
    whole = frozenset(_normal(a) for a in entries)
    final = frozenset(_normal(a) for a in language(code).may_end_sentence)
    return _AbbreviationRules(pattern, whole, final, frozenset(tails) - whole)


_OPENERS = "([{\"'“‘«»„”"


def _last_word(text: str, end: int) -> str:
    start = text.rfind(" ", max(0, end - 24), end) + 1 or max(0, end - 24)
    return text[start:end].lstrip(_OPENERS).lower()


def _abbreviation_before(text: str, end: int, following: int, rules: _AbbreviationRules) -> tuple[bool, bool] | None:
    """For a sentence end at ``end`` (after a "."), the abbreviation that ends there or runs across it:
    (it runs across, it may end a sentence); None when there is none.

    The hot path is a set lookup of the last word; only a word that is part of
    a spaced abbreviation ("z." of "z. B.") costs a regular expression.
    """
    word = _last_word(text, end)
    if word in rules.whole:
        return False, word in rules.final
    if word not in rules.tails:
        return None
    for match in rules.pattern.finditer(text, max(0, end - 24), min(len(text), following + 24)):
        if match.start() >= end:
            break
        if match.end() >= end:
            return match.end() > end, _normal(match.group()) in rules.final
    return None


def _ends_sentence(found: tuple[bool, bool], text: str, following: int) -> bool:
    """May the sentence end after this abbreviation? Only right after one that can end a sentence
    ("etc.", "osv."), when the next word starts with a capital."""
    across, final = found
    return not across and final and text[following : following + 1].isupper()


def fix_abbreviation_splits(text: str, spans: list[tuple[int, int]], code: str) -> list[tuple[int, int]]:
    """Sentence spans of one stretch of ``text`` with the sentence ends at abbreviations put right.

    A split inside an abbreviation, or after one that cannot end a sentence,
    is undone; a sentence is ended after one that can ("osv. Så gik vi"),
    which a sentencizer that keeps "osv." as one token does not do.
    """
    rules = _rules(code)
    result: list[tuple[int, int]] = []
    for start, end in spans:
        if result and text[result[-1][1] - 1] == ".":
            previous_start, previous_end = result[-1]
            found = _abbreviation_before(text, previous_end, start, rules)
            if found is not None and not _ends_sentence(found, text, start):
                result[-1] = (previous_start, end)
                continue
        result.append((start, end))
    fixed: list[tuple[int, int]] = []
    for start, end in result:
        if text.find(". ", start, end) < 0:
            fixed.append((start, end))
        else:
            fixed.extend(_split_after_final(text, start, end, rules))
    return fixed


def _split_after_final(text: str, start: int, end: int, rules: _AbbreviationRules) -> list[tuple[int, int]]:
    pieces = []
    dot = text.find(". ", start, end)
    while dot >= 0:
        following = dot + 2
        while following < end and text[following].isspace():
            following += 1
        found = _abbreviation_before(text, dot + 1, following, rules) if following < end else None
        if found is not None and _ends_sentence(found, text, following):
            pieces.append((start, dot + 1))
            start = following
        dot = text.find(". ", dot + 2, end)
    pieces.append((start, end))
    return pieces

"""The methods appendix: a methods paragraph and the COREQ checklist, from what the project knows.

COREQ: Tong, Sainsbury & Craig (2007), Consolidated criteria for reporting
qualitative research, Int J Qual Health Care 19(6): 349–357 — 32 items in
three domains. The items the project can answer are filled from
:func:`workbench.services.paper.facts.collect_facts` (12 sample size, 16
sample description, 18 repeat interviews, 19 recordings and 21 duration where
time stamps exist, 22 saturation, 24 coders, 25 coding tree, 26 derivation
of themes, 27 software, 29 quotations, 31–32 themes); every other item, and
any of these the project lacks the facts for, is left as a marked blank for
the authors. Nothing is invented: a missing fact is said to be missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.agreement import format as fmt
from workbench.services.paper.facts import Facts

BLANK = "[to be completed by the authors]"
KIND_WORDS = {"interview": ("interview", "interviews"), "focus-group": ("focus group", "focus groups"), "other": ("other source", "other sources")}

COREQ: tuple[tuple[int, str, str, str], ...] = (
    (1, "Research team and reflexivity", "Interviewer/facilitator", "Which author/s conducted the interview or focus group?"),
    (2, "Research team and reflexivity", "Credentials", "What were the researcher's credentials? E.g. PhD, MD"),
    (3, "Research team and reflexivity", "Occupation", "What was their occupation at the time of the study?"),
    (4, "Research team and reflexivity", "Gender", "Was the researcher male or female?"),
    (5, "Research team and reflexivity", "Experience and training", "What experience or training did the researcher have?"),
    (6, "Research team and reflexivity", "Relationship established", "Was a relationship established prior to study commencement?"),
    (7, "Research team and reflexivity", "Participant knowledge of the interviewer",
     "What did the participants know about the researcher? e.g. personal goals, reasons for doing the research"),
    (8, "Research team and reflexivity", "Interviewer characteristics",
     "What characteristics were reported about the interviewer/facilitator? e.g. bias, assumptions, reasons and interests in the research topic"),
    (9, "Study design", "Methodological orientation and theory",
     "What methodological orientation was stated to underpin the study? e.g. grounded theory, discourse analysis, ethnography, phenomenology, content analysis"),
    (10, "Study design", "Sampling", "How were participants selected? e.g. purposive, convenience, consecutive, snowball"),
    (11, "Study design", "Method of approach", "How were participants approached? e.g. face-to-face, telephone, mail, email"),
    (12, "Study design", "Sample size", "How many participants were in the study?"),
    (13, "Study design", "Non-participation", "How many people refused to participate or dropped out? Reasons?"),
    (14, "Study design", "Setting of data collection", "Where was the data collected? e.g. home, clinic, workplace"),
    (15, "Study design", "Presence of non-participants", "Was anyone else present besides the participants and researchers?"),
    (16, "Study design", "Description of sample", "What are the important characteristics of the sample? e.g. demographic data, date"),
    (17, "Study design", "Interview guide", "Were questions, prompts, guides provided by the authors? Was it pilot tested?"),
    (18, "Study design", "Repeat interviews", "Were repeat interviews carried out? If yes, how many?"),
    (19, "Study design", "Audio/visual recording", "Did the research use audio or visual recording to collect the data?"),
    (20, "Study design", "Field notes", "Were field notes made during and/or after the interview or focus group?"),
    (21, "Study design", "Duration", "What was the duration of the interviews or focus group?"),
    (22, "Study design", "Data saturation", "Was data saturation discussed?"),
    (23, "Study design", "Transcripts returned", "Were transcripts returned to participants for comment and/or correction?"),
    (24, "Analysis and findings", "Number of data coders", "How many data coders coded the data?"),
    (25, "Analysis and findings", "Description of the coding tree", "Did authors provide a description of the coding tree?"),
    (26, "Analysis and findings", "Derivation of themes", "Were themes identified in advance or derived from the data?"),
    (27, "Analysis and findings", "Software", "What software, if applicable, was used to manage the data?"),
    (28, "Analysis and findings", "Participant checking", "Did participants provide feedback on the findings?"),
    (29, "Analysis and findings", "Quotations presented",
     "Were participant quotations presented to illustrate the themes/findings? Was each quotation identified? e.g. participant number"),
    (30, "Analysis and findings", "Data and findings consistent", "Was there consistency between the data presented and the findings?"),
    (31, "Analysis and findings", "Clarity of major themes", "Were major themes clearly presented in the findings?"),
    (32, "Analysis and findings", "Clarity of minor themes", "Is there a description of diverse cases or discussion of minor themes?"),
)
DOMAINS = {"Research team and reflexivity": "Domain 1: Research team and reflexivity",
           "Study design": "Domain 2: Study design", "Analysis and findings": "Domain 3: Analysis and findings"}


@dataclass(frozen=True)
class CoreqItem:
    number: int
    domain: str
    topic: str
    question: str
    answer: str | None  # None: for the authors
    where: str  # the appendix section, or blank

    @property
    def filled(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True)
class Appendix:
    paragraphs: tuple[tuple[str, str], ...]  # (section, text)
    items: tuple[CoreqItem, ...]
    missing: tuple[str, ...]  # facts the project does not hold, said in words


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def kinds_phrase(counts: dict[str, int]) -> str:
    parts = [plural(n, *KIND_WORDS.get(k, (k + " source", k + " sources"))) for k, n in counts.items() if n]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts) or "no sources"


def ci(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f", 95% CI {fmt.interval(interval)}"


def number(value: float | None, decimals: int = fmt.COEFFICIENT_DIGITS) -> str:
    """Agreement figures as everywhere else (:mod:`workbench.agreement.format`)."""
    return "undefined" if value is None else fmt.fixed(value, decimals)


def build_appendix(f: Facts) -> Appendix:
    missing: list[str] = []
    total = sum(f.sources.values())
    # -- the paragraphs
    data = (f"The data were {plural(total, 'transcript')} ({kinds_phrase(f.sources)}; {sum(f.words.values()):,} words) "
            f"with {plural(f.participants, 'participant')}")
    if f.by_kind:
        data += " (" + ", ".join(f"{n} {name}" for name, n in f.by_kind.items() if n or name != "other sources only") + ")"
    data += "."
    recorded = _recordings(f)
    if recorded:
        data += " " + recorded
    else:
        missing.append("whether the sessions were recorded and how long they lasted (no transcript carries time stamps)")
    coding = ""
    if f.codebooks:
        coding = (f"Transcripts were coded with the codebook “{'”, “'.join(f.codebooks)}” ({plural(f.codes, 'code')}, "
                  f"{f.depth} level{'s' if f.depth != 1 else ''}), a deductive frame of {plural(len(f.frame), 'top-level code')}"
                  f"{' (' + ', '.join(f.frame) + ')' if f.frame else ''}; {plural(f.inductive, 'code was', 'codes were')} added inductively.")
    else:
        missing.append("the codebook (none loaded)")
    coders = ""
    if f.coders:
        coders = (f"{plural(len(f.coders), 'coder')} ({', '.join(f.coders)}) coded the data; "
                  f"{f.double_coded} of {total} sources ({_share(f.double_coded_words, sum(f.words.values()))} of the words) "
                  "were coded by two or more coders.")
    agreement = ""
    if f.agreement:
        a = f.agreement
        agreement = (f"Inter-coder agreement ({' and '.join(a['coders'])}, character level as in NVivo's coding comparison, "
                     f"{plural(a['codes'], 'code')} over {plural(a['sources'], 'source')}): pooled Cohen's κ = {number(a['kappa'])}"
                     f"{ci(a['kappa_ci'])}; Krippendorff's α = {number(a['alpha'])}{ci(a['alpha_ci'])}; "
                     f"agreement {number(a['percent'], 1)}% (bootstrap CIs, 200 resamples).")
    else:
        missing.append(f"inter-coder agreement ({f.agreement_missing})")
    adjudication = ""
    if f.adjudications:
        total_decisions = sum(f.adjudications.values())
        words = {"first": "the first coder's span kept", "second": "the second coder's span kept", "union": "union",
                 "intersection": "intersection", "neither": "neither kept", "edited": "span edited"}
        adjudication = (f"Disagreements were reviewed one by one and adjudicated into a consensus layer: "
                        f"{plural(total_decisions, 'decision')} (" + ", ".join(
                            f"{n} {words.get(k, k)}" for k, n in sorted(f.adjudications.items(), key=lambda kv: -kv[1])) +
                        f"); the consensus layer holds {plural(f.consensus_codings, 'coding')}.")
    else:
        missing.append("adjudication (no review session has been recorded)")
    saturation = ""
    if f.saturation:
        saturation = (f"Code saturation (Guest, Namey & Chen, 2020; {f.layer}, sources in {f.saturation_order}): {f.saturation}"
                      f"{'; ' + f.saturation_band if f.saturation_band else ''}.")
    else:
        missing.append(f"saturation ({f.layer_missing})")
    themes = ""
    if f.themes:
        themes = (f"{plural(len(f.themes), 'theme')} (" + ", ".join(plural(n, t) for t, n in f.types) +
                  f") under {plural(f.categories, 'higher-order category', 'higher-order categories')} were built from the codes "
                  f"({f.layer}).")
    elif f.layer is None:
        missing.append(f"themes and their participant counts ({f.layer_missing})")
    else:
        missing.append("themes (none defined)")
    paragraphs = [
        ("Software", f"Transcripts were managed, coded and analysed in Thematic Workbench {f.version}."),
        ("Data", data),
        ("Coding", " ".join(p for p in (coding, coders, agreement, adjudication) if p) or "No codings yet."),
        ("Themes and saturation", " ".join(p for p in (themes, saturation) if p) or "No themes or saturation yet."),
    ]
    if missing:
        paragraphs.append(("Not recorded in the project", "The project does not hold: " + "; ".join(missing) +
                           ". These are left for the authors to report."))
    answers = _answers(f, recorded, coders, agreement, adjudication, coding, themes)
    items = tuple(
        CoreqItem(n, domain, topic, question, answers.get(n), WHERE.get(n, "") if n in answers else "")
        for n, domain, topic, question in COREQ
    )
    return Appendix(tuple(paragraphs), items, tuple(missing))


WHERE = {12: "Appendix: Data", 16: "Table 1", 18: "Appendix: Data", 19: "Appendix: Data", 21: "Appendix: Data",
         22: "Appendix: Themes and saturation", 24: "Appendix: Coding", 25: "Appendix: Coding", 26: "Appendix: Coding",
         27: "Appendix: Software", 29: "Theme table", 31: "Theme table", 32: "Theme table"}


def _answers(f: Facts, recorded: str, coders: str, agreement: str, adjudication: str, coding: str, themes: str) -> dict[int, str]:
    answers: dict[int, str] = {27: f"Thematic Workbench {f.version}."}
    if f.participants:
        answers[12] = (f"{plural(f.participants, 'participant')}"
                       + (" (" + ", ".join(f"{n} {k}" for k, n in f.by_kind.items()) + ")" if f.by_kind else "") + ".")
        if f.characteristics:
            answers[16] = f"Recorded for each participant: {', '.join(_lower_first(c) for c in f.characteristics)} (Table 1)."
        interviews = f.sources.get("interview", 0)
        if interviews:
            answers[18] = (f"Yes: {plural(f.repeat_interviewed, 'participant was', 'participants were')} interviewed more than once."
                           if f.repeat_interviewed else
                           f"No: each of the {plural(interviews, 'interview')} was with a different participant.")
    if recorded:
        answers[19] = _recording_answer(f)
        durations = _durations(f)
        if durations:
            answers[21] = durations
    if f.saturation:
        answers[22] = f"Yes: code saturation (Guest, Namey & Chen, 2020; {f.layer}, sources in {f.saturation_order}): {f.saturation}."
    if f.coders:
        answers[24] = " ".join(p for p in (coders, agreement, adjudication) if p)
    if coding:
        answers[25] = coding + " The coding tree is given in the codebook table."
        if themes:
            answers[26] = ("Both: codes were applied from a deductive frame and added inductively from the data; " + themes[0].lower() + themes[1:])
    if f.themes:
        answers[29] = "Yes: each quotation is identified by participant (e.g. P03), or by source where no participant spoke."
        ordered = sorted(f.themes, key=lambda t: (-t.participants, t.label))
        answers[31] = "; ".join(f"{t.label} {t.name} (n = {t.participants})" for t in ordered) + f" ({f.layer})."
        fewest = sorted(f.themes, key=lambda t: (t.participants, t.label))[:3]
        answers[32] = ("Themes voiced by the fewest participants: " +
                       "; ".join(f"{t.label} {t.name} (n = {t.participants} of {f.participants})" for t in fewest) + ".")
    return answers


def _recordings(f: Facts) -> str:
    stamped = sum(f.timestamped.values())
    if not stamped:
        return ""
    return _recording_answer(f) + (" " + _durations(f) if _durations(f) else "")


def _recording_answer(f: Facts) -> str:
    total = sum(f.sources.values())
    stamped = sum(f.timestamped.values())
    rest = total - stamped
    text = f"{stamped} of {total} transcripts carry time stamps from a recording ({kinds_phrase(f.timestamped)})."
    if rest:
        text += f" For the other {rest} the project does not record whether the session was recorded."
    return text


def _durations(f: Facts) -> str:
    parts = []
    for kind, values in f.minutes.items():
        if values:
            one, many = KIND_WORDS.get(kind, (kind, kind + "s"))
            mean = sum(values) / len(values)
            parts.append(f"{many} {mean:.0f} minutes on average (range {min(values):.0f}–{max(values):.0f}; "
                         f"{len(values)} of {f.sources.get(kind, 0)} with time stamps)")
    return ("Duration from the time stamps: " + "; ".join(parts) + ".") if parts else ""


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _lower_first(label: str) -> str:
    """``Age band`` → ``age band``; ``CBT experience`` stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label

"""Import throughput per language: Danish (or any) against English, as the user waits for it.

Generates two corpora of the same size and shape (default 500,000 words in 50
transcripts each), one in English and one in the other language, with the
language's speaker labels and the abbreviations real transcripts carry
("e.g.", "etc." / "f.eks.", "bl.a.", "osv."), then measures for each
1. ``workbench import DIR --language L`` in a fresh process, into a new project
   (the median of ``--runs`` runs, the languages alternating), and
2. the segmentation alone (:func:`workbench.services.text.nlp.segment_text`), in this process
   (the median of as many runs).
Prints words/s and the other language's throughput as a share of English's (target: within 10%).

    .venv/bin/python bench/bench_languages.py [--language da] [--words 500000] [--files 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VOCABULARY = {
    "en": (("Interviewer", "Participant {n}"),
           "the client app module session therapist homework trust goal task felt really think online week messages "
           "between sessions structure time contact face digital support progress mood I you we it was is and but so "
           "because when then maybe quite often sometimes never always worked helped difficult easy login screen "
           "e.g. i.e. approx. etc.".split()),
    "da": (("Intervieweren", "Deltager {n}"),
           "klienten appen modulet samtalen terapeuten hjemmeopgaven tillid mål opgave følte virkelig tror online uge "
           "beskeder mellem samtaler struktur tid kontakt ansigt digital støtte fremskridt humør jeg du vi det var er "
           "og men så fordi når derefter måske ret ofte nogle gange aldrig altid virkede hjalp svært nemt login skærm "
           "f.eks. bl.a. ca. osv.".split()),
    "sv": (("Intervjuaren", "Deltagare {n}"),
           "klienten appen modulen samtalet terapeuten hemuppgiften förtroende mål uppgift kände verkligen tror online "
           "vecka meddelanden mellan samtal struktur tid kontakt ansikte digitalt stöd framsteg humör jag du vi det var "
           "är och men så eftersom när sedan kanske ganska ofta ibland aldrig alltid fungerade hjälpte svårt lätt "
           "inloggning skärm t.ex. bl.a. ca. osv.".split()),
    "de": (("Interviewerin", "Teilnehmerin {n}"),
           "die Klientin App Modul Sitzung Therapeutin Hausaufgabe Vertrauen Ziel Aufgabe fühlte wirklich denke online "
           "Woche Nachrichten zwischen Sitzungen Struktur Zeit Kontakt Gesicht digital Unterstützung Fortschritt "
           "Stimmung ich du wir es war ist und aber so weil wenn dann vielleicht ziemlich oft manchmal nie immer "
           "funktionierte half schwierig einfach Anmeldung Bildschirm z. B. bzw. ca. usw.".split()),
}


def generate(folder: Path, language: str, words: int, files: int, seed: int = 7) -> int:
    labels, vocabulary = VOCABULARY[language]
    rng = random.Random(seed)
    per_file = words // files
    total = 0
    for index in range(files):
        speakers = [labels[0], labels[1].format(n=index % 90 + 1)]
        lines, count = [], 0
        while count < per_file:
            sentences = []
            for _ in range(rng.randint(1, 6)):
                n = rng.randint(4, 22)
                sentence = " ".join(rng.choice(vocabulary) for _ in range(n))
                sentences.append(sentence[0].upper() + sentence[1:].rstrip(".") + rng.choice(".?!."))
                count += n
            lines.append(f"{rng.choice(speakers)}: {' '.join(sentences)}")
        (folder / f"transcript-{index:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += count
    return total


def import_in_fresh_process(folder: Path, language: str) -> float:
    """Wall time of ``workbench import FOLDER --language L`` into a new project, process start included."""
    with tempfile.TemporaryDirectory() as db_folder:
        env = dict(os.environ, PYTHONPATH=str(ROOT), WORKBENCH_CODER="bench")
        command = [sys.executable, "-m", "workbench", "--db", str(Path(db_folder) / "p.db"), "import", str(folder),
                   "--language", language]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stderr)
    return elapsed


def segmentation_alone(folder: Path, language: str) -> float:
    from workbench.domain.spans import line_spans
    from workbench.services.text.nlp import load_pipeline, segment_text

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    load_pipeline(language)
    started = time.perf_counter()
    for text in texts:
        segment_text(text, [(s.start, s.end) for s in line_spans(text) if s.end > s.start], None, language)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="da", choices=sorted(set(VOCABULARY) - {"en"}))
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    languages = ("en", args.language)
    with tempfile.TemporaryDirectory() as folder:
        corpora = {}
        for language in languages:
            corpora[language] = Path(folder) / language
            corpora[language].mkdir()
            words = generate(corpora[language], language, args.words, args.files)
            print(f"{language}: {words:,} words in {args.files} files")
        imports: dict[str, list[float]] = {language: [] for language in languages}
        for _ in range(args.runs):
            for language in languages:
                imports[language].append(import_in_fresh_process(corpora[language], language))
        segmentations: dict[str, list[float]] = {language: [] for language in languages}
        for _ in range(args.runs):
            for language in languages:
                segmentations[language].append(segmentation_alone(corpora[language], language))
        alone = {language: statistics.median(times) for language, times in segmentations.items()}
    rates = {}
    for language in languages:
        seconds = statistics.median(imports[language])
        rates[language] = args.words / seconds
        print(f"{language}: workbench import (fresh process) {seconds:6.2f} s  {rates[language]:>10,.0f} words/s   "
              f"segmentation alone {alone[language]:5.2f} s  {args.words / alone[language]:>10,.0f} words/s")
    share = rates[args.language] / rates["en"]
    print(f"{args.language} import throughput = {share:.1%} of English's (target: at least 90%)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate the demo Word transcript ``transcripts/interviews/P04-interview.docx``.

The interview is fictional and was written for the Thematic Workbench demo
data set. Each turn becomes exactly one paragraph ("Interviewer: ..." or
"P04: ..."), so the importer's stored plain text is the paragraphs joined
with newlines.

Usage:  python tools/make_demo_docx.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from docx import Document
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "transcripts" / "interviews" / "P04-interview.docx"

TURNS: list[tuple[str, str]] = [
    ("Interviewer", "Thanks for joining. Could you start by telling me about your role?"),
    ("P04", "Yeah. I’m a mental health nurse by background, twenty-odd years, and I did the CBT diploma about six years ago, so now I work as a CBT therapist in the community team. My clients tend to be a bit more complex than the typical primary care referral – a lot of them have long histories of depression, some have physical health problems, money worries, housing problems, that kind of thing."),
    ("Interviewer", "And you’ve been using the blended programme with them?"),
    ("P04", "For about a year, with some of them. Not all. We were told to offer it to everyone, but in practice I make a judgement about who it’ll suit."),
    ("Interviewer", "What kind of judgement?"),
    ("P04", "Well, the first question is whether they’ve even got the means. A lot of my clients are on pay-as-you-go phones, they run out of data halfway through the month. Some share a phone with a partner, which raises all sorts of issues around privacy. One lady only had internet at the library, and the library closes at four on a Saturday. So the idea that the app is available any time, anywhere – that’s only true if you’ve got a decent phone and a data plan."),
    ("Interviewer", "That’s an important point about access."),
    ("P04", "It is. But I don’t want to be all doom and gloom, because for the ones who do have access it can be brilliant. Depression is often worst at night, and people lie awake at three in the morning with their thoughts going round. With the app they can actually do something – open the thought record, read back over the coping cards we made together. I had one man who said the app was the only thing that got him through the nights. He said it was like having a bit of me with him."),
    ("Interviewer", "A bit of you with him – can you say more?"),
    ("P04", "I think he meant that the things we’d worked on in session were there, in his pocket, in words he recognised. And he knew I’d read what he wrote. That sense that someone is holding you in mind between sessions, that’s really powerful for the relationship. It’s what we try to do as nurses anyway, but the app makes it visible."),
    ("Interviewer", "Does it create any difficulties for you?"),
    ("P04", "Boundaries, mainly. That same man started messaging me on Saturday nights, long messages, and I don’t work weekends, so on Monday morning there’d be three or four messages waiting, getting more and more distressed because I hadn’t answered. And I felt awful. The messaging isn’t monitored out of hours – it says so on the screen, in small print – but when you’re in a state you don’t read the small print. So we had to make a plan together about what to do at the weekend, who to ring, and that the app messaging was for non-urgent things."),
    ("Interviewer", "How did he take that?"),
    ("P04", "Better than I expected. I think it actually helped – we were clear with each other, and that clarity is part of trust, isn’t it?"),
    ("Interviewer", "Tell me about goals. How do you agree on goals with your clients in this format?"),
    ("P04", "This is where it gets interesting with my lot. The programme is about depression, obviously, so the goals it suggests are about mood, activity, sleep. But a lot of my clients, what they want is for their housing to get sorted or their benefits to come through. And they’ll say, “What’s the point of me doing a thought record when I’m about to be evicted?” And they’ve got a point. So we have to negotiate. I’ll say, OK, let’s put the housing goal on the goals page too, even though the app doesn’t really have anything for it, and let’s see how the problem-solving module could help with that. You have to find the overlap between what they want and what the programme can offer. If you don’t, they disengage, because it feels like the programme isn’t listening to them."),
    ("Interviewer", "And the weekly questionnaires?"),
    ("P04", "The PHQ-9 every week, yes. It’s useful in that both of us can see the graph, and when it goes down it’s a real boost. When it goes up it can be quite upsetting for them though. One lady said it felt like getting a bad school report every Monday. So I try to frame it as just information, the weather forecast rather than an exam."),
    ("Interviewer", "How about the homework and tasks – how do clients get on?"),
    ("P04", "Mixed. The reminders help. I think more of my clients do their homework with the app than they did with paper worksheets, because it pings them, and it’s there on the phone rather than lost in a drawer somewhere. And I can see what they’ve done before the session, so I can prepare. That’s a big change – I used to spend the first fifteen minutes of a session finding out whether they’d done anything. But when people get unwell, really unwell, the self-directed bit falls away first. They stop opening the app. And then they feel guilty about not opening the app, which feeds the depression. So you get this spiral."),
    ("Interviewer", "How do you see your role alongside the app?"),
    ("P04", "A bit like a coach, or a guide. The app does the teaching, I do the – I don’t know – the human bit, the encouragement, the noticing. But it took the clients a while to get that. Some of them thought I was going to be their care coordinator as well, sorting out everything, and some thought the app was instead of me. Being clear about who does what, that’s something I now do in the first session."),
    ("Interviewer", "Do the modules themselves fit your clients?"),
    ("P04", "Some of them. The behavioural activation module is the strongest, I think – it’s practical, it’s small steps, and the examples are ordinary enough. The thinking modules are harder going for my clients, lots of reading, quite abstract. I’d like to be able to swap in my own worksheets, but you can’t, so I bring paper ones to the session and we do them there. Which is a bit back to front for a digital programme."),
    ("Interviewer", "And the app itself – how do your clients find using it?"),
    ("P04", "Once they’re in, most of them find it simple enough. Big buttons, not too many words on the home screen. The look of it is fine, it’s calm, it doesn’t look clinical, which I like. But getting in is a nightmare for some. Forgotten passwords, verification codes going to old numbers, the whole thing. I’ve spent whole sessions on log-in problems. That’s therapy time lost."),
    ("Interviewer", "What about the time it takes you, on your side?"),
    ("P04", "More than I was told. Reading the diaries properly, replying with something that isn’t just “well done”, checking the messages for anything worrying. I’d say an extra half-hour per blended client per week, easily. In a community team where you’re already stretched, that’s a lot."),
    ("Interviewer", "Has the messaging changed how your clients see you?"),
    ("P04", "I think so. Some of them tell me things in writing that they’d never say across a table – one woman wrote about her drinking in the app weeks before she could talk about it face to face. The message was a sort of rehearsal. But it also cuts the other way: I can’t see someone’s face when they read my reply, so I can’t tell if I’ve hit a nerve. I’ve learned to end my messages with a question, like “How did it feel reading this?”, so they have a way back in."),
    ("Interviewer", "If you could give advice to a colleague starting out with blended CBT, what would it be?"),
    ("P04", "Don’t assume. Don’t assume people have the phone, the data, the skills, the privacy. Ask. And don’t let the app set the agenda – it’s a tool, it’s not the therapist."),
    ("Interviewer", "Thank you. That’s really helpful."),
    ("P04", "No problem at all."),
]


def build(out: Path) -> None:
    doc = Document()
    doc.core_properties.title = "Interview 4 — P04"
    doc.core_properties.author = "Thematic Workbench demo data"
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for speaker, text in TURNS:
        para = doc.add_paragraph()
        label = para.add_run(f"{speaker}:")
        label.bold = True
        para.add_run(f" {text}")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)


def plain_text() -> str:
    """The stored plain text the importer should produce (paragraphs joined with \\n)."""
    return "\n".join(f"{speaker}: {text}" for speaker, text in TURNS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    build(args.out)
    words = len(plain_text().split())
    print(f"wrote {args.out} ({len(TURNS)} paragraphs, {words} words)")


if __name__ == "__main__":
    main()

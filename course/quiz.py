"""The end-of-chapter quiz, as plain HTML: one fieldset of native radio buttons per question, so it
works by keyboard and reads the same in both runtimes. course.js (loaded by the page template in
`panel serve` and in the static site alike) shows the verdict for the picked option and keeps the
chapter's score; no Python runs when the reader answers.

Questions, options and explanations are Markdown, rendered here, so `code` and *emphasis* show as
such. Options appear in each question's seeded shuffle (`Quiz.shown`)."""
from __future__ import annotations

import html

from markdown_it import MarkdownIt

from .content import Quiz
from .mathml import render_with_math

_md = MarkdownIt("commonmark")
PROMPT = "Pick an answer to check it."


def inline(text: str) -> str:
    """One line of Markdown as HTML, with no surrounding paragraph."""
    return render_with_math(text, _md.renderInline)


def verdict_html(choice) -> str:
    label = "Right." if choice.correct else "Not quite."
    return f"<b>{label}</b> {inline(choice.why)}"


def question_html(quiz: Quiz, slug: str, number: int) -> str:
    shown = quiz.shown()
    correct = next(i for i, c in enumerate(shown) if c.correct)
    name = f"quiz-{slug}-{number}"
    options = []
    for i, choice in enumerate(shown):
        options.append(
            f'<label class="quiz-option"><input type="radio" name="{name}" value="{i}"> '
            f'<span>{inline(choice.text)}</span></label>'
            f'<template class="quiz-why" data-option="{i}" data-right="{str(choice.correct).lower()}">'
            f'{verdict_html(choice)}</template>')
    kind = ' <span class="quiz-kind">work it out</span>' if quiz.compute else ""
    return (f'<fieldset class="quiz-question" data-correct="{correct}">'
            f'<legend><span class="quiz-number">{number}.</span> {inline(quiz.question)}{kind}</legend>'
            + "".join(options) +
            f'<div class="quiz-status" role="status" aria-live="polite">{PROMPT}</div></fieldset>')


def quiz_html(questions: tuple[Quiz, ...], slug: str) -> str:
    body = "".join(question_html(q, slug, n) for n, q in enumerate(questions, start=1))
    n = len(questions)
    return (f'<section class="quiz" aria-labelledby="quiz-{html.escape(slug)}">'
            f'<h2 id="quiz-{html.escape(slug)}">Check yourself</h2>'
            f'<p class="quiz-intro">{n} questions. Each answer is checked as you pick it, with the reason; '
            f'you can change your mind.</p>{body}'
            f'<p class="quiz-score" role="status" aria-live="polite" data-total="{n}">'
            f'Score: 0 of {n} answered.</p></section>')

"""Does the course teach well? Quizzes a reader cannot game, predictions that wait for the reader,
a main path short enough to read, and figures about the model that agree with the model."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from course import facts
from course.page import markdown
from course.toc import load_chapters

CHAPTERS = load_chapters()   # section bodies only: the measured paragraphs (Section.measured) are
                             # computed from model data, inside closed boxes, and need no checking here
QUESTIONS = [q for c in CHAPTERS for q in c.quiz]
MAX_VISIBLE_WORDS = 900


def correct_position(quiz) -> int:
    return next(i for i, c in enumerate(quiz.shown()) if c.correct)


def longest_position(quiz) -> int:
    lengths = [len(c.text) for c in quiz.shown()]
    return lengths.index(max(lengths))


def visible_text(html: str) -> str:
    """The prose a reader sees without opening any box: <details> and figures removed, tags stripped."""
    html = re.sub(r"<details.*?</details>", " ", html, flags=re.S)
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)      # a figure's labels and text alternative
    return re.sub(r"<[^>]+>", " ", html)


def visible_words(chapter) -> int:
    parts = [chapter.overview, *(s.body for s in chapter.sections), *chapter.summary]
    return sum(len(visible_text(markdown(p)).split()) for p in parts)


def all_prose(chapter) -> str:
    """Everything a reader can read in a chapter, boxes and quiz included, one space between words."""
    return " ".join(" ".join([chapter.overview, *(s.body for s in chapter.sections), *chapter.summary,
                      *(q.question + " " + " ".join(c.text + " " + c.why for c in q.choices) for q in chapter.quiz)]).split())


# --- quizzes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_each_chapter_has_three_to_five_questions_one_a_calculation(chapter):
    assert 3 <= len(chapter.quiz) <= 5, len(chapter.quiz)
    computed = [q for q in chapter.quiz if q.compute]
    assert computed, "no question asks the reader to work out a number"
    assert all(re.search(r"\d", q.question) for q in computed), "a calculation needs numbers to start from"


def test_every_question_has_three_options_each_explained():
    for q in QUESTIONS:
        assert len(q.choices) >= 3, q.question
        assert all(len(c.why.split()) >= 6 for c in q.choices), q.question
        assert len({c.text for c in q.choices}) == len(q.choices), q.question


def test_the_right_answer_is_rarely_the_longest():
    share = sum(q.shown()[longest_position(q)].correct for q in QUESTIONS) / len(QUESTIONS)
    assert share <= 1 / 3, f"the right answer is the longest option in {share:.0%} of questions"


def test_the_right_answer_sits_in_every_position():
    positions = Counter(correct_position(q) for q in QUESTIONS)
    assert set(positions) == set(range(max(len(q.choices) for q in QUESTIONS))), positions


def test_readers_who_game_the_quiz_score_at_most_40_percent():
    n = len(QUESTIONS)
    longest = sum(q.shown()[longest_position(q)].correct for q in QUESTIONS) / n
    assert longest <= 0.4, f"'pick the longest' scores {longest:.0%}"
    for k in range(5):
        always_k = sum(len(q.choices) > k and q.shown()[k].correct for q in QUESTIONS) / n
        assert always_k <= 0.4, f"'always option {k + 1}' scores {always_k:.0%}"


def test_option_order_is_reproducible():
    assert all(q.shown() == q.shown() for q in QUESTIONS)
    assert any(q.shown() != q.choices for q in QUESTIONS)


def test_quiz_markdown_is_rendered():
    from course.quiz import quiz_html

    html = quiz_html(CHAPTERS[6].quiz, CHAPTERS[6].slug)
    assert "`" not in re.sub(r"<code>.*?</code>", "", html), "backticks shown instead of code"
    assert "<code>" in html


# --- predict, then reveal --------------------------------------------------------------------

PROMPT = re.compile(r"(?<!to )\b(?:Predict\b|predict(?=[:,]| before| what| whether| each| which| how| first))")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_predictions_wait_for_the_reader(chapter):
    """Every "predict" prompt is followed by its answer in a closed box, and every such box by a prompt."""
    reveals = 0
    for section in chapter.sections:
        chunks = [visible_text(c) for c in markdown(section.body).split('<details class="reveal">')]
        reveals += len(chunks) - 1
        assert not PROMPT.search(chunks[-1]), (section.heading, PROMPT.search(chunks[-1]).group(0))
        for chunk in chunks[:-1]:
            assert PROMPT.search(chunk[-700:]), (section.heading, chunk[-200:])
    if chapter.sims:
        assert reveals >= 1, "a chapter with a sim needs a prediction to make"


# --- a lighter main path ---------------------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_main_path_is_short(chapter):
    words = visible_words(chapter)
    assert words <= MAX_VISIBLE_WORDS, f"{words} words outside closed boxes"


def test_chapter_7_links_back_instead_of_rederiving_flow_matching():
    text = "\n".join(s.body for s in CHAPTERS[7].sections)
    assert "diffusion.html" in text or "(chapter 1)" in text.lower() or "chapter 1" in text.lower()
    assert "x_t = (1 − t) · x0 + t · ε" not in text


# --- figures about our model agree with the model --------------------------------------------

FIGURES = [
    # (pattern whose group 1 is a figure about our model, what it must equal)
    (r"vocabulary of (?:about )?(\d+) words", facts.word_count),
    (r"(\d+) words? (?:plus|and) (?:a |two )?(?:pad|special)", facts.word_count),
    (r"(\d+) (?:entries|tokens) in (?:its|the) vocabulary", facts.vocab_size),
    (r"(\d+) (?:patches|tokens) (?:per|in each|in every|a) (?:latent )?(?:time-)?slice", facts.tokens_per_slice),
    (r"each (?:latent )?(?:time-)?slice (?:holds|gives|has) (?:4 × 4 = )?(\d+) (?:patches|tokens)", facts.tokens_per_slice),
    (r"default guidance(?: scale)? (?:of|is) (?:about )?(\d+(?:\.\d+)?)", facts.default_guidance),
    (r"default of (\d+) (?:denoising |Euler )?steps", facts.default_steps),
    (r"(\d+) (?:denoising |Euler )?steps by default", facts.default_steps),
    (r"default (?:number of )?steps (?:is|of) (\d+)", facts.default_steps),
    (r"fixed length of (\d+) tokens", facts.prompt_tokens),
    (r"(\d+) tokens of its own slice", facts.tokens_per_slice),
    (r"(\d+) (?:identical |DiT )?blocks\b", lambda: facts.dit("depth")),
    (r"width `?\d+`? and (\d+) layers", lambda: facts.dit("depth")),
    (r"\bwidth,? `?(\d+)", lambda: facts.dit("width")),
    (r"(\d+) (?:attention )?heads\b", lambda: facts.dit("heads")),
    (r"(\d+) (?:latent )?channels\b", facts.latent_channels),
    (r"\d+ frames of (\d+) ?[×x] ?\d+", facts.frame_size),
    (r"compresses (\d+)x in time", facts.frames_per_slice),
    (r"(\d+)x (?:along|per|in) (?:each )?spatial axis", facts.space_factor),
    (r"(\d+)% of the time", lambda: 100 * facts.prompt_dropout()),
    (r"dropped \((\d+)%", lambda: 100 * facts.prompt_dropout()),
    (r"(\d+) (?:words?|entries) (?:in (?:its|the) vocabulary|it knows)", facts.word_count),
    (r"(\d+)-token clip", lambda: facts.tokens(facts.clip_frames())),
]

# Figures that come in pairs: a count for a clip length, or a whole shape.
LENGTHS = facts.frame_choices()
PAIRED = [
    # "64 tokens for 16 frames", "16 frames ... 64 tokens" within one sentence
    (r"(\d+) tokens for (\d+) frames", lambda m: (int(m.group(1)), facts.tokens(int(m.group(2))))),
    (r"(\d+)-frame clip gives our model (\d+) slices", lambda m: (int(m.group(2)), facts.slices(int(m.group(1))))),
    (r"(\d+) frames (?:\(\d+ slices\) )?make \*{0,2}(\d+) tokens", lambda m: (int(m.group(2)), facts.tokens(int(m.group(1))))),
]
SHAPE = re.compile(r"\((\d+), (\d+), (\d+), (\d+)\)")
OUR_SHAPES = {s for f in LENGTHS for s in (facts.latent_shape(f), facts.video_shape(f))}


OURS = re.compile(r"\b(?:our|course's|course model|baseline|generator)\b", re.I)


def sentences_about_our_model(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+| - ", text) if OURS.search(s)]


def wrong_figures(text: str) -> list[str]:
    wrong = []
    for sentence in sentences_about_our_model(text.replace("**", "")):
        for pattern, fact in FIGURES:
            for m in re.finditer(pattern, sentence):
                if float(m.group(1)) != float(fact()):
                    wrong.append(f"{m.group(0)!r} in {sentence!r}: the model says {fact()}")
        for pattern, check in PAIRED:
            for m in re.finditer(pattern, sentence):
                written, truth = check(m)
                if written != truth:
                    wrong.append(f"{m.group(0)!r} in {sentence!r}: the model says {truth}")
        for m in SHAPE.finditer(sentence):
            if tuple(map(int, m.groups())) not in OUR_SHAPES:
                wrong.append(f"{m.group(0)!r} in {sentence!r} is no clip or latent shape of the model")
    return wrong


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_hand_written_figures_match_the_model(chapter):
    """A figure about our model written into a sentence must be the model's (course/facts.py)."""
    assert not wrong_figures(all_prose(chapter))


def test_a_wrong_figure_is_caught():
    assert wrong_figures("Our generator uses a default guidance scale of 4.")
    assert wrong_figures("The course's model knows a closed vocabulary of about 20 words.")
    assert wrong_figures("In the baseline each token sees only the 64 tokens of its own slice.")
    assert not wrong_figures(f"Our model makes {facts.tokens_per_slice()} tokens per slice.")
    assert wrong_figures("The course's model: width 256, 6 blocks, 4 heads.")
    assert wrong_figures("In each of 12 identical blocks our model's tokens attend.")
    assert wrong_figures("Our model maps `(3, 16, 32, 32)` to `(8, 4, 4, 4)`.")
    assert wrong_figures("Our model uses patches giving 64 tokens for 32 frames.")
    assert wrong_figures("The prompt is dropped (20% of the time for the course's model).")
    assert not wrong_figures(f"Our model maps `{facts.shape(facts.video_shape())}` to `{facts.shape(facts.latent_shape())}`, "
                             f"{facts.tokens(32)} tokens for 32 frames.")


def test_the_figures_are_there_to_check():
    """Each figure the issue names is written somewhere, or the test above would check nothing."""
    found = [s for c in CHAPTERS for s in sentences_about_our_model(all_prose(c).replace("**", ""))]
    for fact in facts.word_count, facts.tokens_per_slice, facts.default_guidance, facts.default_steps:
        patterns = [pattern for pattern, f in FIGURES if f is fact]
        assert any(re.search(p, s) for p in patterns for s in found), fact.__name__


def test_figures_have_text_alternatives_and_captions():
    from course.chapters import figures

    for make in figures.denoising_flow, figures.dit_block, figures.tubelet:
        html = make()
        assert 'role="img"' in html and "<title" in html and "<desc" in html and "<figcaption>" in html
        assert "\n\n" not in html.strip(), "a blank line would end the Markdown HTML block"
    assert figures.tubelet() in "".join(s.body for s in CHAPTERS[3].sections)
    assert figures.dit_block() in "".join(s.body for s in CHAPTERS[4].sections)

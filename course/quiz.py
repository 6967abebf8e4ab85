"""The end-of-chapter quiz. Its feedback is a Bokeh CustomJS, so it answers instantly both under
`panel serve` and in the static site, where no Python runs."""
from __future__ import annotations

import html

import panel as pn
from bokeh.layouts import column
from bokeh.models import CustomJS, Div, RadioGroup

from .content import Quiz

FEEDBACK_JS = """
const i = cb_obj.active;
if (i === null || i === undefined || i < 0) { return; }
feedback.text = verdicts[i];
"""
PROMPT = '<div class="quiz-feedback" role="status">Pick an answer to check it.</div>'
QUIZ_CSS = """
:host { font-size: 16px; }
.quiz-feedback { padding: 10px 12px; border-radius: 6px; background: #f1efe9; line-height: 1.45; }
.quiz-right { background: #e3f4f1; border-left: 4px solid #13968a; }
.quiz-wrong { background: #fbeee4; border-left: 4px solid #e8772e; }
"""


def verdict_html(quiz: Quiz) -> list[str]:
    """What the reader sees after picking each choice: right or wrong, and why."""
    out = []
    for choice in quiz.choices:
        mark, label = ("quiz-right", "Right.") if choice.correct else ("quiz-wrong", "Not quite.")
        out.append(f'<div class="quiz-feedback {mark}" role="status"><b>{label}</b> {html.escape(choice.why)}</div>')
    return out


def quiz_panel(quiz: Quiz) -> pn.Column:
    # A plain Bokeh RadioGroup: it starts with nothing picked (active=None), which Panel's
    # RadioBoxGroup does not allow.
    choices = RadioGroup(labels=[c.text for c in quiz.choices], active=None, name="quiz-choices",
                         sizing_mode="stretch_width", stylesheets=[":host { font-size: 15px; line-height: 1.5; } label { white-space: normal; align-items: flex-start; margin: 4px 0; } span { white-space: normal; }"])
    feedback = Div(text=PROMPT, name="quiz-feedback", sizing_mode="stretch_width", stylesheets=[QUIZ_CSS])
    choices.js_on_change("active", CustomJS(args={"feedback": feedback, "verdicts": verdict_html(quiz)},
                                            code=FEEDBACK_JS))
    return pn.Column(
        pn.pane.HTML(f'<h2 style="margin:0">Check yourself</h2><p style="font-size:16px"><b>'
                     f'{html.escape(quiz.question)}</b></p>', sizing_mode="stretch_width"),
        pn.pane.Bokeh(column(choices, feedback, sizing_mode="stretch_width"), sizing_mode="stretch_width"),
        sizing_mode="stretch_width", css_classes=["quiz"],
    )

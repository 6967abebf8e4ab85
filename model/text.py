"""The prompt language: a closed vocabulary, a tiny grammar, and tokenisation.

Prompts read like "a red ball bouncing from left to right behind a wall". Every prompt is at most
`PROMPT_TOKENS` words; shorter ones are padded with `<pad>`. The all-`<null>` prompt is the
"no prompt" input that classifier-free guidance compares against.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

COLOURS = ("red", "green", "blue", "yellow")
SHAPES = ("ball", "square")
MOTIONS = ("bouncing", "arcing", "sliding")
DIRECTIONS = ("left", "right")  # where the object starts; it ends on the other side

PAD, NULL = "<pad>", "<null>"
VOCAB: tuple[str, ...] = (PAD, NULL, "a", *COLOURS, *SHAPES, *MOTIONS, "from", "to", *DIRECTIONS,
                          "behind", "wall")
WORD_ID = {word: i for i, word in enumerate(VOCAB)}
PROMPT_TOKENS = 10


@dataclass(frozen=True)
class Prompt:
    colour: str
    shape: str
    motion: str
    start: str  # "left" or "right"
    wall: bool = False

    @property
    def text(self) -> str:
        end = "right" if self.start == "left" else "left"
        words = f"a {self.colour} {self.shape} {self.motion} from {self.start} to {end}"
        return words + (" behind a wall" if self.wall else "")


@dataclass(frozen=True)
class Tokens:
    ids: list[int]          # exactly PROMPT_TOKENS ids
    unknown: list[str]      # words not in VOCAB, in order, ignored
    dropped: list[str]      # known words past the PROMPT_TOKENS limit, ignored
    unconditional: bool     # no known word: the null prompt


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def tokenize(text: str) -> Tokens:
    """Known words in order, padded; unknown words are reported, not fatal. No known word → null prompt."""
    words = words_of(text)
    known = [w for w in words if w in WORD_ID and w not in (PAD, NULL)]
    unknown = [w for w in words if w not in WORD_ID]
    if not known:
        return Tokens([WORD_ID[NULL]] * PROMPT_TOKENS, unknown, [], True)
    kept, dropped = known[:PROMPT_TOKENS], known[PROMPT_TOKENS:]
    ids = [WORD_ID[w] for w in kept] + [WORD_ID[PAD]] * (PROMPT_TOKENS - len(kept))
    return Tokens(ids, unknown, dropped, False)


def null_ids() -> list[int]:
    return [WORD_ID[NULL]] * PROMPT_TOKENS


def parse_prompt(text: str) -> Prompt | None:
    """The structured prompt a text names, if it names one fully (used to score samples)."""
    words = words_of(text)
    pick = lambda options: next((w for w in words if w in options), None)  # noqa: E731
    colour, shape, motion = pick(COLOURS), pick(SHAPES), pick(MOTIONS)
    start = words[words.index("from") + 1] if "from" in words[:-1] else pick(DIRECTIONS)
    if None in (colour, shape, motion) or start not in DIRECTIONS:
        return None
    return Prompt(colour, shape, motion, start, "wall" in words)

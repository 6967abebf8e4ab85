"""The prompt language: a closed vocabulary, a tiny grammar, and tokenisation.

Prompts read like "a red ball bouncing from left to right behind a wall". Every prompt is at most
`PROMPT_TOKENS` words; shorter ones are padded with `<pad>`. The all-`<null>` prompt is the
"no prompt" input that classifier-free guidance compares against.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

COLOURS = ("red", "green", "blue", "yellow")
SHAPES = ("ball", "square")
MOTIONS = ("bouncing", "arcing", "sliding")
DIRECTIONS = ("left", "right")  # where the object starts; it ends on the other side
# The grammar's second edition: sizes and a falling motion. Their words come after the first
# edition's, so every first-edition id is unchanged and a model trained on those 18 words
# (`FIRST_VOCAB_SIZE`) reads any first-edition prompt exactly as before.
SIZES = ("small", "big")          # no size word: the usual size
NEW_MOTIONS = ("falling",)        # dropped from high up, bouncing lower each time until it rests

PAD, NULL = "<pad>", "<null>"
VOCAB: tuple[str, ...] = (PAD, NULL, "a", *COLOURS, *SHAPES, *MOTIONS, "from", "to", *DIRECTIONS,
                          "behind", "wall", *SIZES, *NEW_MOTIONS)
WORD_ID = {word: i for i, word in enumerate(VOCAB)}


@dataclass(frozen=True)
class Grammar:
    """What a text encoder was trained to read: the first `vocab_size` words of VOCAB, in prompts of
    `tokens` positions. A model stores its own (DiTConfig.vocab_size / prompt_tokens)."""
    name: str
    vocab_size: int
    tokens: int

    @property
    def vocab(self) -> tuple[str, ...]:
        return VOCAB[:self.vocab_size]

    def knows(self, word: str) -> bool:
        return WORD_ID.get(word, self.vocab_size) < self.vocab_size


# The first edition: 18 words, 10 positions ("a red ball bouncing from left to right behind a wall").
FIRST = Grammar("first", 18, 10)
# The second: sizes and falling; a size word makes the longest prompt 11 words, so 12 positions.
SECOND = Grammar("second", len(VOCAB), 12)
GRAMMARS = {g.name: g for g in (FIRST, SECOND)}
PROMPT_TOKENS = FIRST.tokens


def grammar_of(vocab_size: int, tokens: int) -> Grammar:
    """The grammar a text encoder of this many words and positions was trained on."""
    for grammar in GRAMMARS.values():
        if (grammar.vocab_size, grammar.tokens) == (vocab_size, tokens):
            return grammar
    raise ValueError(f"no grammar has {vocab_size} words and {tokens} prompt positions")


@dataclass(frozen=True)
class Prompt:
    colour: str
    shape: str
    motion: str
    start: str  # "left" or "right"
    wall: bool = False
    size: str = ""  # "", or one of SIZES

    @property
    def text(self) -> str:
        end = "right" if self.start == "left" else "left"
        size = f"{self.size} " if self.size else ""
        words = f"a {size}{self.colour} {self.shape} {self.motion} from {self.start} to {end}"
        return words + (" behind a wall" if self.wall else "")


# Harmless variation a reader types, rewritten to the words the model was trained on before the
# vocabulary lookup. The one table: the export writes it into the manifest (`rewrites_for`) and the
# browser's tokenizer (web/generator/sampler.js) reads it from there.
LEAD = "a"                                  # every training prompt starts with it (Prompt.text)
ARTICLES = {"the": LEAD, "an": LEAD}        # the model only ever saw "a"
FILLER = ("is", "are", "was", "its")        # no meaning the prompt language has: dropped silently
NOUNS = (*SHAPES, "wall")                   # plurals only make sense for these; so "as" never reads as "a"
# Other forms of each motion's word, and synonyms only where they describe what model/data.py draws.
MOTION_FORMS = {
    "bouncing": ("bounce", "bounces", "bounced"),
    "arcing": ("arc", "arcs", "arced"),
    # not "rolling": sliding keeps one height, often off the floor (data.trajectory), and squares slide too
    "sliding": ("slide", "slides", "slid"),
    # "drop": the motion is literally a drop from rest (then smaller bounces, data.falling)
    "falling": ("fall", "falls", "fell", "drop", "drops", "dropped", "dropping"),
}


def plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "x", "z", "ch", "sh")) else "s")


REWRITES: dict[str, str] = {**ARTICLES, **{plural(n): n for n in NOUNS},
                            **{form: motion for motion, forms in MOTION_FORMS.items() for form in forms}}


def rewrites_for(grammar: Grammar) -> dict:
    """The rewrite table as the manifest stores it: only rewrites into words this grammar knows (so
    "falls" stays unknown to a first-edition model), the filler, and the word prompts start with."""
    words = {word: canon for word, canon in REWRITES.items() if grammar.knows(canon) and not grammar.knows(word)}
    return {"words": words, "filler": list(FILLER), "lead": LEAD if grammar.knows(LEAD) else None}


@dataclass(frozen=True)
class Tokens:
    ids: list[int]          # exactly PROMPT_TOKENS ids
    unknown: list[str]      # words not in VOCAB, in order, ignored
    dropped: list[str]      # known words past the PROMPT_TOKENS limit, ignored
    unconditional: bool     # no known word: the null prompt
    rewritten: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (typed, read as), in order


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def tokenize(text: str, grammar: Grammar = FIRST) -> Tokens:
    """Known words in order, padded; unknown words are reported, not fatal. No known word → null prompt.
    A word the grammar's model was not trained on counts as unknown. Harmless variation is read as
    the trained words first (REWRITES, FILLER), and a prompt not starting with "a" gets one in front."""
    table = rewrites_for(grammar)
    known, unknown, rewritten = [], [], []
    for word in words_of(text):
        if grammar.knows(word):
            if word not in (PAD, NULL):
                known.append(word)
        elif word in table["words"]:
            known.append(table["words"][word])
            rewritten.append((word, table["words"][word]))
        elif word not in table["filler"]:
            unknown.append(word)
    if not known:
        return Tokens(null_ids(grammar), unknown, [], True, rewritten)
    if table["lead"] and known[0] != table["lead"]:
        known.insert(0, table["lead"])
    kept, dropped = known[:grammar.tokens], known[grammar.tokens:]
    ids = [WORD_ID[w] for w in kept] + [WORD_ID[PAD]] * (grammar.tokens - len(kept))
    return Tokens(ids, unknown, dropped, False, rewritten)


def null_ids(grammar: Grammar = FIRST) -> list[int]:
    return [WORD_ID[NULL]] * grammar.tokens


def parse_prompt(text: str) -> Prompt | None:
    """The structured prompt a text names, if it names one fully (used to score samples)."""
    words = words_of(text)
    pick = lambda options: next((w for w in words if w in options), None)  # noqa: E731
    colour, shape, motion = pick(COLOURS), pick(SHAPES), pick(MOTIONS + NEW_MOTIONS)
    start = words[words.index("from") + 1] if "from" in words[:-1] else pick(DIRECTIONS)
    if None in (colour, shape, motion) or start not in DIRECTIONS:
        return None
    return Prompt(colour, shape, motion, start, "wall" in words, pick(SIZES) or "")

"""The prompt tokenizer forgives harmless variation (model/text.py REWRITES): "the" and "an" read as
"a", plurals as the singular, verb forms as the trained motion word, filler dropped, and a prompt
that does not start with "a" gets one in front, as every training prompt does."""
from __future__ import annotations

from model.sample import prompt_notes
from model.text import FIRST, REWRITES, SECOND, VOCAB, WORD_ID, null_ids, rewrites_for, tokenize

CANONICAL = "a blue ball bouncing from left to right"


def test_articles_plurals_and_filler_read_as_the_trained_prompt():
    got = tokenize("The blue balls are bouncing from left to right.")
    assert got.ids == tokenize(CANONICAL).ids
    assert got.unknown == [] and got.rewritten == [("the", "a"), ("balls", "ball")]
    shapes = tokenize("an yellow square slides from right to left")
    assert shapes.ids == tokenize("a yellow square sliding from right to left").ids
    assert shapes.rewritten == [("an", "a"), ("slides", "sliding")]
    assert tokenize("the red squares arced behind the walls").ids == tokenize(
        "a red square arcing behind a wall").ids


def test_a_prompt_without_an_article_gets_one_in_front():
    got = tokenize("blue ball bouncing from left to right")
    assert got.ids == tokenize(CANONICAL).ids and got.rewritten == []
    assert tokenize("Red Ball Rolling").ids[:3] == [WORD_ID["a"], WORD_ID["red"], WORD_ID["ball"]]
    assert tokenize("Red Ball Rolling").unknown == ["rolling"]   # rolling is not what sliding draws
    assert tokenize(CANONICAL).ids.count(WORD_ID["a"]) == 1        # one already there: none added


def test_a_rewrite_only_into_a_word_the_grammar_knows():
    first = tokenize("a red ball falls from left to right", FIRST)
    assert first.unknown == ["falls"] and first.rewritten == []      # "falling" is second-edition only
    assert WORD_ID["falling"] not in first.ids
    second = tokenize("a red ball falls from left to right", SECOND)
    assert second.ids == tokenize("a red ball falling from left to right", SECOND).ids
    assert second.unknown == [] and second.rewritten == [("falls", "falling")]
    assert "falls" not in rewrites_for(FIRST)["words"] and rewrites_for(SECOND)["words"]["falls"] == "falling"


def test_a_known_word_is_never_rewritten():
    for grammar in (FIRST, SECOND):
        table = rewrites_for(grammar)
        assert not any(grammar.knows(word) for word in table["words"])
        assert all(grammar.knows(canon) for canon in table["words"].values())
        every_word = " ".join(w for w in grammar.vocab if w.isalpha())
        assert tokenize(every_word, grammar).rewritten == []
    assert set(REWRITES.values()) <= set(VOCAB)


def test_unknown_words_and_the_null_prompt_are_as_before():
    zebra = tokenize("a zebra bouncing")
    assert zebra.unknown == ["zebra"] and zebra.rewritten == [] and not zebra.unconditional
    assert tokenize("zebra").unconditional and tokenize("zebra").unknown == ["zebra"]
    assert tokenize("").unconditional and tokenize("").ids == null_ids()
    filler = tokenize("is are was its")          # dropped silently: not unknown, and no prompt left
    assert filler.unconditional and filler.unknown == [] and filler.ids == null_ids()
    long = tokenize("the " * 14 + "red ball")
    assert long.dropped == ["a"] * 4 + ["red", "ball"] and len(long.rewritten) == 14


def test_the_note_says_what_was_read_as_what():
    _, notes = prompt_notes("The blue balls are bouncing from left to right.")
    assert notes == ['read "the" as "a", "balls" as "ball"']
    _, many = prompt_notes("the balls bounced, the squares slid, the walls arced an arc")
    assert many[0] == ('read "the" as "a", "balls" as "ball", "bounced" as "bouncing", "squares" as "square", '
                       '"slid" as "sliding", and 4 more')
    assert prompt_notes(CANONICAL)[1] == []

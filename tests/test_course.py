"""The course's content holds together, and the static build refuses a broken course."""
import re

import pytest

from course.content import Choice, Quiz
from course.toc import TOC, CourseError, check_course, load_chapters
from export.site import PAGE_BUDGET, build
from sims.registry import VIEWS


@pytest.fixture(scope="module")
def chapters():
    return load_chapters()


def test_table_of_contents_has_ten_numbered_chapters_and_a_glossary(chapters):
    assert [c.number for c in chapters] == list(range(11))
    assert len({c.slug for c in chapters}) == 11
    assert chapters[-1].slug == "glossary" and not chapters[-1].sims
    check_course(chapters, VIEWS)


def test_every_chapter_has_sections_summary_and_quiz(chapters):
    for c in chapters:
        assert len(c.sections) >= 3, c.slug
        assert all(len(s.body.split()) > 40 for s in c.sections), c.slug
        assert c.summary and c.quiz
        for q in c.quiz:
            assert q.question.rstrip().endswith("?"), (c.slug, q.question)
            assert sum(ch.correct for ch in q.choices) == 1
            assert all(len(ch.why.split()) >= 6 for ch in q.choices), (c.slug, q.question)


def test_chapters_carry_their_sims(chapters):
    assert [c.sims for c in chapters[:3]] == [("flicker",), ("denoising",), ("compression",)]
    assert chapters[6].sims == ("guidance",)
    assert chapters[8].sims == ("cost",)


def test_quiz_needs_exactly_one_right_answer():
    with pytest.raises(ValueError, match="exactly one correct"):
        Quiz("Why?", (Choice("a", True, "x"), Choice("b", True, "y")))


def test_prose_never_turns_into_accidental_code_blocks(chapters):
    """Markdown indented by four spaces renders as code: the chapters must not do that by accident."""
    for c in chapters:
        for s in c.sections:
            assert not re.search(r"^ {4}\S", s.body, flags=re.M) or "```" in s.body, (c.slug, s.heading)


def test_missing_chapter_is_named():
    with pytest.raises(CourseError, match="c42_missing"):
        load_chapters(TOC + ("c42_missing",))


def test_unused_sim_is_named(chapters):
    with pytest.raises(CourseError, match="'compression' is not used"):
        check_course(chapters[:2], VIEWS)


def test_unknown_sim_is_named(chapters):
    with pytest.raises(CourseError, match="'denoising', which does not exist"):
        check_course(chapters, {"flicker": None, "compression": None})


def test_unknown_component_is_named(chapters):
    import dataclasses

    broken = dataclasses.replace(chapters[7], sections=(dataclasses.replace(chapters[7].sections[0], component="juggler"),))
    with pytest.raises(CourseError, match="'juggler', which does not exist"):
        check_course([*chapters[:7], broken, *chapters[8:]], VIEWS)


def test_build_names_what_the_generator_lacks(tmp_path, monkeypatch):
    """No onnxruntime-web in node_modules, or no exported model: the build says what to run."""
    import export.site as site
    import export.vendor as vendor

    monkeypatch.setattr(vendor, "ROOT", tmp_path)
    monkeypatch.setattr(vendor.source_files, "__defaults__", (tmp_path,))
    with pytest.raises(CourseError, match="npm ci"):
        site.build(tmp_path / "site", log=lambda *_: None)
    monkeypatch.undo()
    monkeypatch.setattr(site, "ONNX_DIR", tmp_path / "onnx")
    with pytest.raises(CourseError, match="make export-onnx"):
        site.build(tmp_path / "site", log=lambda *_: None)
    assert not (tmp_path / "site").exists()


def test_build_fails_before_writing_anything(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("previous site")
    with pytest.raises(CourseError, match="c42_missing"):
        build(out, toc=TOC + ("c42_missing",), log=lambda *_: None)
    with pytest.raises(CourseError, match="'compression' is not used"):
        build(out, toc=TOC[:2], log=lambda *_: None)
    assert (out / "keep.txt").read_text() == "previous site"


def test_build_site_command_reports_the_problem(tmp_path, capsys, monkeypatch):
    import export.site as site
    monkeypatch.setattr(site, "TOC", TOC[:2])
    assert site.main(["--out", str(tmp_path / "site")]) == 1
    assert "'compression' is not used by any chapter" in capsys.readouterr().err


def test_built_site_is_complete_and_self_contained(built_site, chapters):
    folder, report = built_site
    expected = {"index.html"} | {f"{c.slug}.html" for c in chapters} | {f"embed/{s}.html" for s in VIEWS}
    assert set(report["pages"]) == expected
    for rel, size in report["pages"].items():
        assert size < PAGE_BUDGET, rel
        html = (folder / rel).read_text()
        assert "cdn.bokeh.org" not in html and "cdn.holoviz.org" not in html, rel
        # every local script/stylesheet a page names exists in the folder
        for ref in re.findall(r'(?:src|href)="((?:\.\./)?static/[^"]+)"', html):
            assert (folder / rel).parent.joinpath(ref).resolve().is_file(), (rel, ref)
    assert (folder / "static" / "bokeh" / "bokeh.min.js").is_file()


def test_build_refuses_a_page_that_loads_from_outside(tmp_path, monkeypatch):
    import export.site as site
    real_localise = site.localise
    monkeypatch.setattr(site, "localise", lambda html, depth, needed: real_localise(html, depth, needed).replace(
        "</head>", '<link rel="stylesheet" href="https://fonts.example.com/x.css"></head>', 1))
    with pytest.raises(CourseError, match="would load from outside the site"):
        build(tmp_path / "site", log=lambda *_: None)
    assert not (tmp_path / "site").exists()


def test_embed_boxes_suggest_a_value_each_sim_accepts():
    from urllib.parse import parse_qsl

    from course.page import example_query

    for name, view in VIEWS.items():
        query = dict(parse_qsl(example_query(name)[1:]))
        sim = view.sim_class()
        assert sim.apply_query(query) == [], (name, query)
        control = view.sim_class.controls[0]
        assert str(getattr(sim, control)) == query[control], (name, query)


def test_a_link_to_a_missing_chapter_is_named(chapters):
    import dataclasses

    section = dataclasses.replace(chapters[1].sections[0], body=chapters[1].sections[0].body + " See [x](nowhere.html).")
    broken = dataclasses.replace(chapters[1], sections=(section, *chapters[1].sections[1:]))
    with pytest.raises(CourseError, match="nowhere.html, which is no chapter"):
        check_course([chapters[0], broken, *chapters[2:]], VIEWS)


def test_index_states_the_prerequisites(chapters):
    from course.page import STATIC, index_page

    text = "".join(b[1] for b in index_page(chapters, STATIC).blocks if b[0] == "html")
    assert "diffusion model" in text and "transformer" in text and "No other knowledge is assumed" in text


def test_a_link_to_a_missing_glossary_entry_is_named(chapters):
    import dataclasses

    section = dataclasses.replace(chapters[1].sections[0], body=chapters[1].sections[0].body + " A [word](glossary.html#nonesuch).")
    broken = dataclasses.replace(chapters[1], sections=(section, *chapters[1].sections[1:]))
    with pytest.raises(CourseError, match="glossary.html#nonesuch, which has no such anchor"):
        check_course([chapters[0], broken, *chapters[2:]], VIEWS)


def test_math_is_typeset_as_mathml_and_code_keeps_its_dollars():
    from course.page import markdown

    html = markdown("Blend: $x_t = (1 - t)\\,x_0 + t\\,\\varepsilon$, and `a $b$ c` stays code.\n\n$$\\hat{x}_0 = x_t - t\\,v$$")
    assert html.count("<math") == 2 and 'display="block"' in html and "<code>a $b$ c</code>" in html
    assert "\\hat" not in html and "$" not in html.replace("<code>a $b$ c</code>", "")


def test_the_key_derivations_are_typeset():
    """Issue 10's list: x̂0 from x_t and v, why v = ε − x0 (ch. 1), the implicit-classifier view of
    guidance (ch. 6), and where attention's 4·N²·d comes from (ch. 8)."""
    from course.page import markdown

    chapters = {c.slug: c for c in load_chapters()}
    rendered = {slug: " ".join(markdown(s.body) for s in chapters[slug].sections) for slug in ("diffusion", "guidance", "scale")}
    assert "<mover accent=\"true\"><mrow><mi>x</mi></mrow><mo>&#x0005E;</mo></mover>" in rendered["diffusion"]   # x̂0
    assert "&#x02207;" in rendered["guidance"] and "<msup>" in rendered["guidance"]        # ∇ log p, p(c|x)^w
    assert "<munder>" in rendered["scale"] or "&#x023DF;" in rendered["scale"]              # the underbraced terms

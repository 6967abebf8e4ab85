"""Static pages that show their prose first and start each sim as it nears the viewport.

Bokeh's standalone HTML loads five scripts in <head> (bokeh, gl, widgets, tables, panel: 2.9 MB, the
browser waits for every one before it draws a word) and then renders every root of the page at once
(a second or more of main thread on a phone, for sims the reader may never scroll to). Here the
built page keeps the document JSON but loses both: its scripts and render items move into a small
start-up record that course/static/lazy-sims.js reads (deferred, so after the prose is drawn). That
script loads Bokeh's bundles the first time a sim comes within a viewport of the screen, and renders
each root when it does (IntersectionObserver). `make serve` is unchanged: there Panel's own session
script renders every root.

An embed page is the sim alone, so it is in view at once, and fetching and drawing Bokeh there costs
a phone about 1.5 s of blocked main thread (Lighthouse mobile 72; Bokeh and Panel with one slider
alone score 73). Its start-up record says `"start": "reach"`: the sim waits behind a Start button
and starts by itself the moment the reader reaches for it (points at it, touches it, scrolls or
presses a key), the facade pattern video embeds use. An instructor's page with several embeds
then costs its readers nothing for the sims they never touch.

The rewrite is strict: if Bokeh or Panel ever writes its page differently, the build fails here
rather than shipping a page whose sims never start.
"""
from __future__ import annotations

import json
import re

from course.toc import CourseError

LOADER = "lazy-sims.js"      # in course/static/, copied to site/static/
# The room a block keeps until it is drawn, so the prose after it moves less when it appears. Floors,
# not estimates: every block of each kind measured taller once drawn, at 375 and 1350 px wide
# (sims 652-1834 px, code cells 353-589, the generator 633-793; 2026-12-02), so a drawn block only
# ever grows from its reserved room (tests/test_lazy_sims.py checks this on every page).
RESERVE_CSS = """<style>
.sim-root[data-root^="sim-"]:not([data-started]), .sim-root[data-root="generator"]:not([data-started]) { min-height: 600px; }
.sim-root[data-root="codecell"]:not([data-started]) { min-height: 340px; }
</style>
"""
RESOURCE = re.compile(r'<script type="text/javascript" src="([^"]*static/(?:bokeh|panel)/[^"]+\.js)"></script>\n?')
LOG_LEVEL = re.compile(r'<script type="text/javascript">\s*Bokeh\.set_log_level\("\w+"\);\s*</script>')
# Bokeh's file template: one <script> that waits for Bokeh, then embed_items(docs_json, render_items).
EMBED = re.compile(r"<script>(?:(?!</script>).)*?getElementById\('([\w-]+)'\)\.textContent;\s*"
                   r"const render_items = (\[.*?\]);(?:(?!</script>).)*?</script>", re.S)


def defer_sims(html: str, static_url: str, esm: bool = True, on_reach: bool = False) -> str:
    """Rewrite one built page (see the module docstring); `static_url` is its path to static/.
    `esm`: the page has a Panel ESM component (generator, code cell), which needs es-module-shims.
    `on_reach`: sims start when the reader reaches for them, not when they near the view (embeds)."""
    scripts = [s for s in RESOURCE.findall(html) if esm or "/es-module-shims" not in s]
    embeds = EMBED.findall(html)
    if not scripts or len(embeds) != 1:
        raise CourseError(f"unexpected Bokeh page: {len(scripts)} bundle scripts and {len(embeds)} embed scripts "
                          "(export/lazy.py expects Bokeh 3's file template)")
    docs_id, items = embeds[0]
    render_items = json.loads(items)
    if len(render_items) != 1 or "docid" not in render_items[0]:
        raise CourseError(f"expected one standalone Bokeh document per page, got {render_items!r:.200}")
    start = {"docs": docs_id, "item": render_items[0], "scripts": scripts, "start": "reach" if on_reach else "near"}
    html = RESOURCE.sub("", html).replace("</head>", RESERVE_CSS + "</head>", 1)
    html = LOG_LEVEL.sub("", html, count=1)
    # '</' cannot end the record early: JSON allows '<\/' as '</'.
    record = json.dumps(start).replace("</", "<\\/")
    return EMBED.sub(lambda _: f'<script type="application/json" id="course-start">{record}</script>\n'
                               f'<script src="{static_url}/{LOADER}" defer></script>', html, count=1)

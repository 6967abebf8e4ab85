"""Static figures for the chapter prose, as inline SVG made by code: they need no script, no file to
fetch (so both runtimes show them alike), scale to the column at any width, and carry a text
alternative (<title>/<desc>) and a caption. Colours come from sims/colors.py.

Each function returns one raw-HTML block for a chapter's Markdown: no blank lines inside (a blank
line would end the HTML block) and no indentation (Markdown would read it as code)."""
from __future__ import annotations

import html

from course import facts
from sims.colors import INK, MUTED, TEAL

FONT = 'font-family="system-ui, sans-serif"'


def _figure(name: str, width: int, height: int, title: str, desc: str, caption: str, body: list[str]) -> str:
    svg = (f'<svg class="course-figure" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{name}-title {name}-desc" xmlns="http://www.w3.org/2000/svg" {FONT}>'
           f'<title id="{name}-title">{html.escape(title)}</title><desc id="{name}-desc">{html.escape(desc)}</desc>'
           + "".join(body) + "</svg>")
    return f'\n<figure class="figure" id="fig-{name}">{svg}<figcaption>{caption}</figcaption></figure>\n'


def _box(x, y, w, h, label, colour=TEAL, sub="", fill_opacity=0.12):
    out = [f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{colour}" fill-opacity="{fill_opacity}" '
           f'stroke="{colour}" stroke-width="1.5"/>']
    cy = y + h / 2 + (-2 if sub else 5)
    out.append(f'<text x="{x + w / 2}" y="{cy}" text-anchor="middle" font-size="14" fill="{INK}">{html.escape(label)}</text>')
    if sub:
        out.append(f'<text x="{x + w / 2}" y="{cy + 16}" text-anchor="middle" font-size="11.5" fill="{MUTED}">{html.escape(sub)}</text>')
    return out


def _arrow(x1, y1, x2, y2, colour=MUTED):
    return [f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="1.5" marker-end="url(#arrow)"/>']


def _marker():
    return [f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{MUTED}"/></marker></defs>']


def denoising_flow() -> str:
    """Chapter 4: one denoising step through the DiT, and the loop around it."""
    w, bw, x = 340, 220, 20
    latent, tokens, depth = facts.shape(facts.latent_shape()), facts.tokens(facts.clip_frames()), facts.dit("depth")
    rows = [("noisy latent", f"{latent} at noise level t"), ("patchify", f"{tokens} tokens of {facts.patch_values()} numbers"),
            ("diffusion transformer", f"{depth} blocks over all {tokens} tokens"), ("predicted velocity v", latent),
            ("Euler step", "x ← x − Δt · v, lower t")]
    body = _marker()
    y = 10
    for i, (label, sub) in enumerate(rows):
        body += _box(x, y, bw, 44, label, sub=sub)
        if i < len(rows) - 1:
            body += _arrow(x + bw / 2, y + 44, x + bw / 2, y + 62)
        y += 62
    last = y - 62
    # the loop: back up to the noisy latent until t = 0
    lx = x + bw + 40
    body.append(f'<path d="M {x + bw} {last + 22} H {lx} V 32 H {x + bw + 8}" fill="none" stroke="{TEAL}" '
                f'stroke-width="1.5" stroke-dasharray="5 4" marker-end="url(#arrow)"/>')
    body.append(f'<text x="{lx + 6}" y="{(last + 54) / 2}" font-size="12" fill="{TEAL}" '
                f'transform="rotate(90 {lx + 6} {(last + 54) / 2})" text-anchor="middle">repeat for every step</text>')
    body += _arrow(x + bw / 2, last + 44, x + bw / 2, last + 62)
    size = facts.frame_size()
    body += _box(x, last + 62, bw, 44, "clean latent → decoder", sub=f"{facts.clip_frames()} frames of {size} × {size} at t = 0")
    height = last + 62 + 54
    return _figure("denoising-flow", w, height, "The denoising loop",
                   f"A noisy latent is cut into {tokens} tokens; the diffusion transformer predicts a velocity; an Euler "
                   "step moves the latent against it and lowers the noise level; this repeats for every step, "
                   "and at the end the decoder turns the clean latent into frames.",
                   "One denoising step, and the loop around it.", body)


def dit_block() -> str:
    """Chapter 4: one block of the course's DiT, with the conditioning on the side."""
    w, bw, x = 350, 222, 6
    body = _marker()
    y = 10
    body += _box(x, y, bw, 36, "tokens in", sub="")
    steps = [("adaLN: scale, shift", TEAL), ("self-attention", TEAL), ("× gate, add back", TEAL),
             ("cross-attention to the prompt", TEAL), ("add back", TEAL), ("adaLN: scale, shift", TEAL),
             ("MLP", TEAL), ("× gate, add back", TEAL)]
    ys = []
    for label, colour in steps:
        body += _arrow(x + bw / 2, y + 36, x + bw / 2, y + 50)
        y += 50
        body += _box(x, y, bw, 36, label, colour=colour, fill_opacity=0.06 if "add" in label else 0.14)
        ys.append(y)
    body += _arrow(x + bw / 2, y + 36, x + bw / 2, y + 50)
    y += 50
    body += _box(x, y, bw, 36, "tokens out")
    # conditioning: timestep + pooled prompt -> adaLN boxes (shift, scale, gate)
    cx, cw = x + bw + 22, 98
    cw = w - cx - 4
    cy = ys[0] - 6
    body += _box(cx, cy, cw, 64, "t + prompt", sub="pooled", fill_opacity=0.06)
    for target in (ys[0], ys[2], ys[5], ys[7]):
        body.append(f'<line x1="{cx}" y1="{cy + 32}" x2="{x + bw + 2}" y2="{target + 18}" stroke="{MUTED}" '
                    f'stroke-width="1" stroke-dasharray="3 3" marker-end="url(#arrow)"/>')
    body.append(f'<text x="{cx + cw / 2}" y="{cy + 84}" text-anchor="middle" font-size="11.5" fill="{MUTED}">sets scale,</text>')
    body.append(f'<text x="{cx + cw / 2}" y="{cy + 99}" text-anchor="middle" font-size="11.5" fill="{MUTED}">shift and gate</text>')
    return _figure("dit-block", w, y + 46, "One block of the course's diffusion transformer",
                   "Tokens pass through adaLN modulation and self-attention, a gated residual, cross-attention to "
                   "the prompt with a residual, then adaLN modulation and an MLP with a gated residual. A "
                   "conditioning vector made from the timestep and the pooled prompt sets every scale, shift and "
                   "gate.",
                   f"One DiT block (adaLN-Zero). The same block repeats {facts.dit('depth')} times.", body)


def tubelet() -> str:
    """Chapter 3: the latent as its slices of side × side cells, with one (1, p, p) patch picked out."""
    n, slices, p = facts.latent_side(), facts.slices(), facts.patch()
    cell = 112 // n                            # the front slice stays 112 units wide
    dx, dy = 62, -18                           # each slice sits behind and to the right of the one before
    side = cell * n
    w = side + dx * (slices - 1) + 24
    top = -dy * (slices - 1) + 10
    body = []
    for s in reversed(range(slices)):
        ox, oy = 12 + dx * s, top + dy * s
        body.append(f'<rect x="{ox}" y="{oy}" width="{side}" height="{side}" fill="white" stroke="{TEAL}" stroke-width="1.5"/>')
        for k in range(1, n):
            colour, width = (TEAL, 1.0) if k % p == 0 else (MUTED, 0.4)
            body.append(f'<line x1="{ox + k * cell}" y1="{oy}" x2="{ox + k * cell}" y2="{oy + side}" stroke="{colour}" stroke-width="{width}"/>')
            body.append(f'<line x1="{ox}" y1="{oy + k * cell}" x2="{ox + side}" y2="{oy + k * cell}" stroke="{colour}" stroke-width="{width}"/>')
        if s == 0:
            body.append(f'<rect x="{ox + p * cell}" y="{oy + 2 * p * cell}" width="{p * cell}" height="{p * cell}" '
                        f'fill="{TEAL}" fill-opacity="0.75" stroke="{INK}" stroke-width="1.5"/>')
        body.append(f'<text x="{ox + side / 2}" y="{oy + side + 16}" text-anchor="middle" font-size="12" fill="{MUTED}">'
                    f'slice {s}</text>' if s == 0 else "")
    body.append(f'<text x="{12 + side + dx * (slices - 1) / 2}" y="{top + side + 16}" font-size="12" fill="{MUTED}" '
                f'text-anchor="start">time →</text>')
    h = top + side + 28
    per_side = n // p
    return _figure("tubelet", w, h, "A spacetime patch in the latent",
                   f"The latent is drawn as {slices} time-slices of {n} by {n} positions, one behind the other. Thick "
                   f"lines split each slice into {per_side} by {per_side} patches of {p} by {p} positions; one patch in "
                   f"the front slice is filled in: a (1, {p}, {p}) tubelet, one slice deep, which becomes one token.",
                   f"Our latent, {slices} slices of {n} × {n}, cut into (1, {p}, {p}) patches: "
                   f"{facts.tokens_per_slice()} per slice. The filled cube is one token.",
                   body)

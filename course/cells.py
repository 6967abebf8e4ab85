"""One runnable Python cell per chapter, as plain data: the code the reader starts from and an edit
to try. Keyed by chapter slug (course/chapters/*); course/codecell.py's `CodeCell.from_cell` makes
the component. Every cell runs on the standard library plus the course's own pure-Python modules
(model/text.py, model/manifest.py, course/formulas.py), which the browser loads from the site, and
may call `plot(xs, ys)` to draw a chart under itself. tests/test_codecell_run.py runs every cell,
with numpy blocked, and checks what it prints.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    title: str          # a few words: the cell's heading
    code: str           # what the reader starts from (Reset returns to it)
    suggestion: str     # an edit to try; `backticks` mark code


FLICKER = Cell("how jittery is a path?", '''\
import random

random.seed(0)
frames = 16
noise = 3.0          # how far off each frame's own guess of the position is (pixels)

# A ball sliding right at 2 px a frame, and the same path made one frame at a time:
# each frame is nearly right on its own, but nothing ties its error to the next frame's.
smooth = [2.0 * t for t in range(frames)]
per_frame = [x + random.gauss(0, noise) for x in smooth]

def jitter(path):
    """Mean size of the frame-to-frame change in velocity (0 for a steady slide)."""
    changes = [path[t + 1] - 2 * path[t] + path[t - 1] for t in range(1, len(path) - 1)]
    return sum(abs(c) for c in changes) / len(changes)

print(f"smooth path:    jitter {jitter(smooth):.2f} px per frame per frame")
print(f"per-frame path: jitter {jitter(per_frame):.2f} px per frame per frame")
plot(range(frames), per_frame, title="Per-frame positions", x_label="frame", y_label="x (px)")
''', "set `noise = 0.5` and run it again: does the jitter shrink in proportion? Then try `noise = 0`.")

DIFFUSION = Cell("Euler steps of flow matching", '''\
import math
import random

def velocity(x, t):
    """The best velocity for the data set {-1, +1}: E[noise - data | x at time t]."""
    data = math.tanh((1 - t) * x / t**2)   # the expected data point, given x
    noise = (x - (1 - t) * data) / t       # as x = (1 - t)·data + t·noise
    return noise - data                    # points from data toward noise

steps = 10
random.seed(1)
x = random.gauss(0, 1)                     # t = 1: pure noise
path = [x]
for i in range(steps):
    t = 1 - i / steps
    x = x - (1 / steps) * velocity(x, t)   # a step against the velocity
    path.append(x)

print(f"noise {path[0]:+.3f} -> sample {x:+.3f} after {steps} Euler steps")
plot(range(steps + 1), path, title="One sample's path, noise to data", x_label="Euler step", y_label="x")
''', "change `steps` to 2 and run it again: how close to -1 or +1 does the sample land? Try `random.seed(7)` too.")

LATENT = Cell("how much smaller is the latent?", '''\
import math
from course.formulas import course_model, latent_size

frames, height, width = 64, 512, 512           # a clip of 64 RGB frames
time_factor, space_factor, channels = 4, 8, 16  # a Sora-scale video autoencoder

raw = 3 * frames * height * width
t, h, w = latent_size(frames, height, width, time_factor, space_factor)
latent = channels * t * h * w
print(f"raw    3 x {frames} x {height} x {width} = {raw:,} values")
print(f"latent {channels} x {t} x {h} x {w} = {latent:,} values, {raw / latent:.0f}x fewer")

m = course_model()                              # the course's own autoencoder
t, h, w = latent_size(16, m.frame_size, m.frame_size)
ours = 3 * 16 * m.frame_size**2 / (m.latent_channels * t * h * w)
print(f"ours: 16 frames of {m.frame_size}x{m.frame_size} -> {m.latent_channels} x {t} x {h} x {w}, {ours:.0f}x fewer")
''', "set `time_factor = 1` (an image autoencoder run on each frame): how much of the saving is left?")

PATCHES = Cell("counting tokens, with padding", '''\
from course.formulas import latent_size, padding_cells, patch_tokens

frames, height, width = 16, 36, 64        # a landscape clip, as in the sim
pt, ps = 1, 2                             # patch depth (slices) and side (cells)

slices, rows, cols = latent_size(frames, height, width)
tokens = patch_tokens(slices, rows, cols, pt, ps)
print(f"latent {slices} x {rows} x {cols} cells -> {tokens} tokens of {pt} x {ps} x {ps} cells")
print(f"zero padding: {padding_cells(slices, rows, cols, pt, ps)} cells")

sides = [1, 2, 3, 4]
counts = [patch_tokens(slices, rows, cols, pt, s) for s in sides]
print("tokens for patch sides 1-4:", counts)
plot(sides, counts, title="Tokens against patch side", x_label="ps (cells)", y_label="tokens")
''', "change `pt` to 2 and run it again: how many tokens now, and is there padding in time?")

TRANSFORMER = Cell("softmax attention by hand", '''\
import math

def softmax(scores):
    top = max(scores)                       # subtract the largest: same result, no overflow
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]

def dot(a, b):
    return sum(x * y for x, y in zip(a, b))

keys = [[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]]      # three tokens' keys ...
values = [[10.0, 0.0], [0.0, 10.0], [5.0, 5.0]]  # ... and what each one carries
query = [2.0, 0.0]                               # what one token is looking for

scores = [dot(query, k) / math.sqrt(len(query)) for k in keys]
weights = softmax(scores)
output = [sum(w * v[i] for w, v in zip(weights, values)) for i in range(2)]
print("weights:", [round(w, 3) for w in weights])
print("output: ", [round(x, 2) for x in output])
plot(range(len(weights)), weights, title="Attention weights", x_label="token", y_label="weight")
''', "set `query = [10.0, 0.0]`: what happens to the weights, and to the output?")

COHERENCE = Cell("where does the ball come out?", '''\
speed, friction, frames = 3.0, 0.0, 20
true = [2 + speed * t - friction * t * t for t in range(frames)]
hidden = [20 <= x <= 40 for x in true]           # a wall covers x = 20 to 40

# Guess the hidden frames by carrying on at the last speed seen.
guess, last, before = [], None, None
for x, behind in zip(true, hidden):
    if behind:
        last, before = last + (last - before), last
    else:
        last, before = x, last
    guess.append(last)

worst = max(abs(g - x) for g, x in zip(guess, true))
print(f"hidden for {sum(hidden)} frames; worst error of the guess: {worst:.1f} px")
plot(range(frames), [g - x for g, x in zip(guess, true)], title="Guess minus truth", x_label="frame", y_label="px")
''', "set `friction = 0.08` so the ball slows behind the wall: what does a constant-speed guess get wrong?")

GUIDANCE = Cell("guidance on 1-D Gaussians", '''\
import math

def normal(x, mean, sd=1.0):
    return math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))

w = 3.0                                            # the guidance scale
dx = 0.05
xs = [i * dx for i in range(-160, 161)]
p = [0.5 * normal(x, -2) + 0.5 * normal(x, 2) for x in xs]     # no prompt: two classes
p_c = [normal(x, 2) for x in xs]                               # the prompt "right"

# Guidance samples p(x) · (p(x|c) / p(x)) ** w: the score s + w·(s_c - s).
guided = [pu * (pc / pu) ** w for pu, pc in zip(p, p_c)]
total = sum(guided) * dx
guided = [g / total for g in guided]
mean = sum(x * g for x, g in zip(xs, guided)) * dx
spread = math.sqrt(sum((x - mean) ** 2 * g for x, g in zip(xs, guided)) * dx)
print(f"w = {w}: mean {mean:.2f}, spread {spread:.2f} (the prompt's own: 2.00 and 1.00)")
plot(xs, guided, title=f"Guided density, w = {w}", x_label="x", y_label="density")
''', "try `w = 0`, `w = 1` and `w = 8`: which one is the prompt's own distribution, and what does a large w do to the spread?")

GENERATE = Cell("a prompt's tokens and patches", '''\
from course.formulas import course_model, course_tokens
from model.text import VOCAB, tokenize

prompt = "a red ball bouncing from left to right"
frames = 16

tokens = tokenize(prompt)                       # the tokenizer the generator uses
print("ids:  ", tokens.ids)
print("words:", [VOCAB[i] for i in tokens.ids])
if tokens.unknown:
    print("ignored (not in the vocabulary):", tokens.unknown)

m = course_model()
print(f"{frames} frames -> {frames // m.frames_per_slice} latent slices x "
      f"{m.tokens_per_slice} patches = {course_tokens(frames)} spacetime patches")
''', "type a word the model never saw (`a purple ball`), then set `frames = 32`: what changes, and what does not?")

SCALE = Cell("what a clip costs", '''\
from course.formulas import FPS, clip_flops, latent_tokens, raw_tokens

size, patch = 512, 16                     # square frames; raw-pixel patch side
seconds = list(range(1, 21))

raw = [clip_flops(raw_tokens(FPS * s, size, patch)) for s in seconds]
latent = [clip_flops(latent_tokens(FPS * s, size)) for s in seconds]
print(f"5 s at {size}px: raw pixels {raw[4]:.2e} FLOPs, latent {latent[4]:.2e} FLOPs, "
      f"{raw[4] / latent[4]:.0f}x more for raw")
print(f"20 s costs {latent[-1] / latent[4]:.1f}x what 5 s costs (4x the length)")
plot(seconds, [f / 1e15 for f in latent], title="Latent diffusion, one clip", x_label="seconds", y_label="PFLOPs")
''', "set `size = 1024`: how much more does a 20-second clip cost, and why is it more than 4x?")

CHEAT_SHEET = Cell("the whole pipeline in numbers", '''\
from course.formulas import clip_flops, course_model, course_tokens
from model.text import tokenize

m = course_model()
prompt = "a blue square sliding from right to left behind a wall"
frames = 16

words = tokenize(prompt)
ids = words.ids
_, channels, slices, side, _ = m.latent_dims(frames)
tokens = course_tokens(frames)
steps = int(m.steps.default)
flops = clip_flops(tokens, m.dit["width"], m.dit["depth"], steps)
print(f"1. the prompt -> {len(ids)} token ids {ids}")
if words.dropped:
    print(f"   (past the {len(ids)}-token limit, dropped: {words.dropped})")
print(f"2. noise: a latent of {channels} channels x {slices} slices x {side} x {side}")
print(f"3. cut into {tokens} spacetime patches of 1 x {m.patch} x {m.patch} cells")
print(f"4. {steps} Euler steps, 2 passes each (guidance), a {m.dit['depth']}-block DiT of width "
      f"{m.dit['width']}: {flops / 1e9:.1f} GFLOPs")
print(f"5. the decoder turns the latent into {frames} frames of {m.frame_size} x {m.frame_size} pixels")
''', "set `frames = 32`: which numbers double, and does the cost grow faster than the clip? Then shorten the prompt so `wall` fits.")

CELLS: dict[str, Cell] = {
    "flicker": FLICKER,
    "diffusion": DIFFUSION,
    "spacetime-latent": LATENT,
    "spacetime-patches": PATCHES,
    "diffusion-transformer": TRANSFORMER,
    "coherence": COHERENCE,
    "guidance": GUIDANCE,
    "generate": GENERATE,
    "scale": SCALE,
    "cheat-sheet": CHEAT_SHEET,
}

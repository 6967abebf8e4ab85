"""Chapter 0: why running an image model once per frame does not make a video."""
import numpy as np

from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, model_did, predict
from sims import flicker as toy
from sims.model_data import flicker as trained

TOY_SEEDS = toy.Flicker.param.seed.bounds[1] + 1


def _range(key: str, kind: str, scale: float = 1.0) -> str:
    """'lo to hi' of one detector reading of our model's clips over the seeds."""
    values = scale * trained.load()[key][trained.KINDS.index(kind)]
    lo, hi = f"{values.min():.1f}", f"{values.max():.1f}"
    if lo == hi:                      # too close for one decimal: show two ("0.16 to 0.18", not "0.2 to 0.2")
        lo, hi = f"{values.min():.2f}", f"{values.max():.2f}"
    return lo if lo == hi else f"{lo} to {hi}"


BLOTCH_PX = 5          # other-colour pixels over a whole clip that make a blotch rather than a stray speck


def _seeds(n: int) -> str:
    return "every seed" if n == trained.SEEDS else f"{n} of the {trained.SEEDS} seeds"


def _dropout(missing: np.ndarray) -> str:
    """How often the per-frame ball goes missing, from its missing-frame count per seed."""
    lost = int((missing > 0).sum())
    if not lost:
        return ""
    frames = int(missing.sum())
    what = "of a frame" if frames == 1 else f"of {frames} frames in all"
    return f" and, in {_seeds(lost)}, drops out {what}"


def real_paragraph() -> str:
    """The measured paragraph: computed when the page is built (sims/model_data), not on import."""
    data = trained.load()
    per_frame = trained.KINDS.index("per-frame")
    missing = np.rint((1 - data["presence"][per_frame]) * trained.FRAMES).astype(int)   # frames without its ball
    stray = data["wrong_pixels"][per_frame] * trained.FRAMES                 # other-colour pixels, whole clip
    dropout = _dropout(missing)
    blotched, specked = int((stray >= BLOTCH_PX).sum()), int((stray > 0).sum())
    if blotched:
        blotches = " Blotches of other colours come and go in " + _seeds(blotched) + "."
    elif specked:
        blotches = " A stray pixel or two of another colour turns up in " + _seeds(specked) + "."
    else:
        blotches = ""
    return model_did(f"""
The stand-in above is drawn by hand. The lower half of the simulation runs the same experiment on
the course's two trained models, which chapter 4 opens up: one looks across the whole clip while it
works (teal); the other works on each stretch of {facts.frames_per_slice()} frames on its own
(orange). Both made {trained.FRAMES} frames of "{trained.PROMPT}" when this page was built, from the
same seed and so the same starting noise; the frame player and `seed` move them too.

Step through slowly. The teal clip's ball follows one arc. The orange clip's ball lurches{dropout},
and its background shimmers.{blotches} Measured with the course's colour-based detector over the {trained.SEEDS} seeds, the
per-frame clip's largest jump between two frames is
{_range("largest_jump", "per-frame")} px against {_range("largest_jump", "spacetime")} px for
the spacetime clip, and its background changes by {_range("flicker", "per-frame", 100)}% per frame
against {_range("flicker", "spacetime", 100)}%.

Why does the orange ball still travel the right way, if its stretches are made apart? Because they
are not wholly apart. Every stretch reads the same prompt, is told where it sits in time, and goes
through the same decoder, whose 3-D convolutions blend each stretch's edges into its neighbours'.
That is enough to point the ball in the right direction; it is not enough to agree on where the
ball is. Only looking at the other frames while generating does that.
""")

CHAPTER = Chapter(
    number=0,
    slug="flicker",
    title="The flicker problem",
    overview=(
        "Before looking at how video models work, it helps to see why the obvious shortcut fails. "
        "Ask an excellent image generator for one frame at a time and play the frames in order: each "
        "frame looks fine, yet the clip shimmers, jumps and strobes. This chapter names that failure, "
        "*flicker*, traces it to its cause, and introduces the idea that removes it."
    ),
    sections=(
        Section(
            heading="The obvious plan",
            body="""\
Image generators are very good, and a video is a stack of images shown quickly. So here is a
tempting plan: give the image model your prompt, ask it for [frame](glossary.html#frame) 1, then frame 2, and so on, and
play the results at 24 frames per second.

A five-second clip is then 120 separate generations. Each starts from its own random noise and is
denoised into a picture that fits the prompt. Nothing is wrong with any single frame, which is
exactly why it is worth looking at what happens *between* frames.
""",
        ),
        Section(
            heading="What goes wrong: flicker",
            sim="flicker",
            body=f"""\
The simulation plays a short clip of a ball crossing a shaded background, twice, side by side. The
**orange** clip is the per-frame plan: a stand-in "image model" draws each of the {toy.N_FRAMES} frames on its
own. The **teal** clip is an idealised stand-in for a spacetime model: one ball on one smooth path,
under steady light.

Press play, or drag `frame` slowly. Any single orange frame looks reasonable. Step through a few in
a row and the orange ball hops, swells, shrinks and changes colour, and the shading flickers with
it. The teal ball glides.

The trajectory plot draws the ball's horizontal position against frame number, with a dashed grey
line for its true path: teal lies on the line, orange zigzags around it. The first readout, the
*flicker measure*, is the average distance the ball's centre jumps from one frame to the next. For
teal it is just the ball's real speed; orange adds all the disagreement between frames on top. A
second readout does the same for the background.
""" + predict(
                "Before you change `seed`, predict: will some other random draw give a smooth orange clip?",
                f"No. Each of the {TOY_SEEDS} seeds gives a new zigzag, while teal's path and readout stay put. "
                "The seed only changes *which* random picture each frame gets; nothing in the per-frame "
                "plan makes one frame's picture depend on another's."),
            measured=real_paragraph,
        ),
        Section(
            heading="Why it happens: no frame sees the others",
            body="""\
A prompt such as "a red ball rolling across a table" fits countless images: the ball a little left
or right, a little bigger, a slightly different red. Each time the image model runs, it picks one
of them at random. When it draws frame 12 it has no idea what it drew for frame 11, so it has no
reason to agree with it. That disagreement, played at speed, is flicker.

Reusing the same noise for every frame does not help: every frame then comes out the same, and you
get a still photograph. Independent frames either disagree or freeze; they cannot move *together*.

What real video needs is **temporal coherence**:

- *object permanence*: the ball stays the same ball, and does not vanish or split;
- *smooth, physical motion*: it travels a sensible path, not a random walk;
- *stable lighting and identity*: its colour, size and surroundings stay consistent.

Each item is a relation *between* frames, and a generator that looks at one frame at a time cannot
enforce a relation it never sees. This is the trap to avoid: "video is just images in a row, so a
good image model is enough". The quality of each frame was never the problem; the agreement between
frames is.
""",
        ),
        Section(
            heading="The spacetime answer",
            body="""\
The way out, taken by OpenAI's Sora (2024) and the models around it, is to stop making a clip one
picture at a time. Think of the whole clip as a single block with three directions, width, height
and time, and generate that block in one go: every frame is denoised together with all the others,
so at every step each part of each frame can take the rest of the clip into account. Agreement
between frames comes from how the clip is made, not from a repair afterwards.

The rest of the course builds this machine piece by piece: how diffusion turns noise into a picture
(chapter 1), how a video is squeezed into a compact [latent](glossary.html#latent) (chapter 2), how that latent is cut into
patches a transformer can read (chapter 3), and how the transformer's attention reaches across time
(chapter 4), which is where the smooth teal path comes from.
""",
        ),
    ),
    summary=(
        "Generating each frame separately gives frames that are each plausible but disagree with each other: **flicker**.",
        "Video needs temporal coherence (permanence, smooth motion, stable lighting and identity), and all of it is a relation *between* frames.",
        "A per-frame generator never sees the other frames, so it cannot supply coherence, however good its images are.",
        "Sora-style models generate the whole clip together, as one block of space and time.",
    ),
    quiz=(
        Quiz(
            question="Why does generating a video frame by frame with an image model flicker?",
            choices=(
                Choice("The image model's resolution is too low to hold fine textures steady from one frame to the next.", False,
                       "Resolution is detail inside one frame. Sharp frames still disagree with each other if each is drawn on its own."),
                Choice("Each frame is drawn without seeing the others, so nothing makes them agree.", True,
                       "Every frame is a separate random pick among many plausible pictures, and nothing links frame 12 to frame 11."),
                Choice("The frame rate is too low, so the eye sees the gaps between neighbouring frames as jumps.", False,
                       "More frames per second would mean more independent picks: the clip would flicker as much, only faster."),
                Choice("The noise schedule is set wrongly, so each frame keeps a different amount of leftover noise.", False,
                       "The schedule governs how one picture is denoised. Even a perfect schedule makes each frame in isolation."),
            ),
        ),
        Quiz(
            question="A five-second clip at 24 frames per second is made with the per-frame plan. How many "
                     "separate image generations is that, and how many pairs of neighbouring frames must agree?",
            compute=True,
            choices=(
                Choice("120 generations and 119 neighbouring pairs.", True,
                       "5 × 24 = 120 frames, each its own generation, and 120 frames have 119 boundaries between neighbours."),
                Choice("24 generations, one per frame of a second, reused for all five seconds of the clip.", False,
                       "The plan makes every frame afresh; reusing frames would repeat one second five times over."),
                Choice("5 generations, one for each second, and 4 pairs of seconds that must line up.", False,
                       "The plan asks the image model for every single frame, not one picture per second."),
                Choice("120 generations, but only 1 pair must agree: the first frame and the last.", False,
                       "Every neighbouring pair is shown one after the other, so every one of the 119 boundaries can flicker."),
            ),
        ),
        Quiz(
            question="Why does reusing the same starting noise for every frame not fix flicker?",
            choices=(
                Choice("It does fix it, which is why many video systems today are image models run once per frame.", False,
                       "Same noise and same prompt give the same picture every time, so nothing in the clip can move."),
                Choice("Every frame comes out the same, so the clip is a still picture.", True,
                       "Identical inputs give identical frames: they agree, but they cannot move together."),
                Choice("The noise is used up by the first frame, so the later frames come out blank.", False,
                       "Noise is just the starting point of each run; copying it to another run is free and changes nothing else."),
                Choice("The image model refuses noise it has already seen, so it draws something new each time.", False,
                       "A denoiser has no memory of earlier runs; it turns the same input into the same output."),
            ),
        ),
        Quiz(
            question="Which of these can a per-frame generator *not* guarantee, however good it is?",
            choices=(
                Choice("That every frame is sharp and well exposed.", False,
                       "Sharpness is a property of one frame, which a good image model handles well."),
                Choice("That every frame matches the prompt's description of the scene.", False,
                       "Each frame reads the prompt, so each can match it; matching the prompt is not the problem."),
                Choice("That the ball has the same size in frame 11 as in frame 12.", True,
                       "That is a relation between two frames, and the generator never sees both at once."),
            ),
        ),
    ),
    references=(
        Reference(title="Video generation models as world simulators (OpenAI Sora technical report, 2024)",
                  url="https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference(title="VBench: Comprehensive Benchmark Suite for Video Generative Models (includes temporal flickering)",
                  url="https://arxiv.org/abs/2311.17982"),
        Reference(title="Make-A-Video: Text-to-Video Generation without Text-Video Data",
                  url="https://arxiv.org/abs/2209.14792"),
    ),
)

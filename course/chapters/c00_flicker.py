"""Chapter 0: why running an image model once per frame does not make a video."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.flicker import REAL_KINDS, REAL_PROMPT, real_clips


def _range(key: str, kind: str, scale: float = 1.0) -> str:
    """'lo to hi' of one detector reading of our model's clips over the seeds."""
    values = scale * real_clips()[key][REAL_KINDS.index(kind)]
    return f"{values.min():.1f} to {values.max():.1f}"


REAL_PARAGRAPH = f"""
The stand-in is drawn by hand, so the lower half of the simulation runs the same experiment on the
course's own trained models, the two small diffusion transformers of chapter 4: one whose attention
reaches across the whole clip (teal) and one whose attention stays inside each short stretch of
frames (orange), so that nothing ties one stretch to the next. Their clips were generated when this
page was built, from the prompt "{REAL_PROMPT}", 24 frames each, with the same seed and therefore
the same starting noise for both. The frame player and the `seed` move them too. Step through
slowly: the teal ball follows one arc, while the orange ball lurches, in most seeds drops out of a
few frames, and blotches of other colours come and go around it. The last readout measures both
clips with the course's colour-based detector: over the four seeds, the per-frame clip's largest
jump between two frames is {_range("largest_jump", "per-frame")} px, the spacetime clip's
{_range("largest_jump", "spacetime")} px, and the background changes by {_range("flicker", "per-frame", 100)}%
per frame against {_range("flicker", "spacetime", 100)}%. The real per-frame background is far steadier
than the stand-in's, but its ball still jumps: the prompt is all its frames share.
"""

CHAPTER = Chapter(
    number=0,
    slug="flicker",
    title="The flicker problem",
    overview=(
        "Before we look at how video models work, it helps to see why the obvious shortcut fails. "
        "Take an excellent image generator, ask it for one frame at a time, and play the frames in "
        "order: every frame looks fine, yet the clip shimmers, jumps and strobes. This chapter names "
        "that failure, *flicker*, explains where it comes from, and introduces the idea behind "
        "Sora-style models that removes it: generate the whole clip at once, as one block of space and time."
    ),
    sections=(
        Section(
            heading="The obvious plan",
            body="""\
Image generators are remarkably good, and a video is just a stack of images shown quickly. So here
is a tempting plan: give the image model your prompt, ask it for frame 1, then frame 2, then frame
3, and so on, and play the results back at 24 frames per second.

A five-second clip at 24 frames per second is 120 frames, so the plan means 120 separate
generations. Each one starts from its own fresh random noise and is denoised into a picture that
fits the prompt. Nothing about the plan is wrong for any single frame, which is exactly why it is
worth looking closely at what happens between frames.
""",
        ),
        Section(
            heading="What goes wrong: flicker",
            sim="flicker",
            body="""\
The simulation below plays a short clip of a ball crossing a softly shaded background, twice, side
by side. The **orange** clip is the per-frame plan: a stand-in "image model" draws each of the 24
frames on its own. The **teal** clip is what a spacetime model produces: one ball on one smooth
path, under steady lighting.

Press play, or drag the `frame` slider slowly from 0 to 23. Pause on any single orange frame and it
looks perfectly reasonable. Now step through a few in a row: the orange ball hops back and forth,
swells and shrinks, changes colour, and the background shading flickers along with it. The teal
ball simply glides.

The trajectory plot underneath tells the same story as a picture. It draws the ball's horizontal
position against frame number, with a marker at the current frame and a dashed grey line for the
ball's true path. Teal is a smooth line lying on that path; orange is a zigzag around it. The first
readout condenses this into a *flicker measure*: the average distance, in pixels, that the ball's
centre jumps from one frame to the next. Teal's number, about 1.5 pixels on these 32-pixel frames,
is just the ball's real speed; orange's is roughly three times larger, because it adds all the
disagreement between frames on top of the motion. A second readout does the same for the background:
how much its shading changes from one frame to the next, which is zero for teal.

Before you change the `seed`, predict: will a different random draw ever give a smooth orange clip?
Try all four. Each seed gives a new zigzag, while teal's path and its readout stay put, because
nothing in the per-frame plan ties one frame to the next.
""" + REAL_PARAGRAPH,
        ),
        Section(
            heading="Why it happens: no frame sees the others",
            body="""\
A prompt such as "a red ball rolling across a table" fits countless images: the ball can be a
little left or right, a little bigger, a slightly different red, lit from a slightly different
angle. Each time the image model runs, it picks one of these plausible images at random. When frame
12 is drawn, the model has no idea what it drew for frame 11, so it has no reason to agree with it.
That disagreement, played at speed, is flicker.

You might hope to fix this by reusing the same random noise for every frame. Then every frame comes
out identical, and you get a still photograph, not a video. Independent frames either disagree or
freeze; they cannot move *together*.

What real video needs is **temporal coherence**:

- *object permanence*: the ball is the same ball from start to end, and it does not vanish or split;
- *smooth, physical motion*: it travels a sensible path, not a random walk;
- *stable lighting and identity*: its colour, size and surroundings stay consistent.

Every item on that list is a relation *between* frames. A generator that only ever looks at one
frame cannot enforce a relation it never sees. This is the trap to avoid: "video is just images in
a row, so a good image model is enough". The quality of each frame was never the problem; the
agreement between frames is.
""",
        ),
        Section(
            heading="The spacetime answer",
            body="""\
The way out, taken by OpenAI's Sora (2024) and the family of models around it, is to stop thinking
of a clip as many pictures and treat it as **one object in space and time**: a block whose three
directions are width, height and time. The model generates that whole block together, denoising
all frames at once, so at every step each part of each frame can take every other frame into
account. Agreement between frames is built into how the clip is made, not patched on afterwards.

The rest of the course builds this machine piece by piece. We first recall how diffusion turns
noise into a picture (chapter 1), then squeeze the video block into a compact latent (chapter 2),
cut it into spacetime patches a transformer can read (chapter 3), and let that transformer's
attention reach across time (chapter 4), which is exactly where the smooth teal path comes from.
""",
        ),
    ),
    summary=(
        "Generating each frame separately with an image model gives frames that are each plausible but disagree with each other.",
        "That disagreement (jumping positions, changing textures, strobing colours) is called **flicker**.",
        "Video needs temporal coherence: object permanence, smooth motion, stable lighting and identity, all relations *between* frames.",
        "A per-frame generator never sees the other frames, so it cannot supply coherence, however good its images are.",
        "Sora-style models generate the whole clip as one spacetime block, so coherence holds by construction.",
    ),
    quiz=(Quiz(
        question="Why does generating a video frame by frame with an image model flicker?",
        choices=(
            Choice(
                text="The image model's resolution is too low.",
                correct=False,
                why="Resolution is about detail inside one frame. Crisp high-resolution frames still disagree with each other if each is drawn independently.",
            ),
            Choice(
                text="Each frame is generated without seeing the others, so nothing forces the frames to agree.",
                correct=True,
                why="Every frame is a separate random draw from many plausible images, and no part of the process links frame 12 to frame 11.",
            ),
            Choice(
                text="The frame rate is too low.",
                correct=False,
                why="More frames per second would just mean more independent draws, so the clip would flicker just as much, only faster.",
            ),
            Choice(
                text="The noise schedule is set wrongly.",
                correct=False,
                why="The schedule governs how a single picture is denoised. Even a perfect schedule produces each frame in isolation.",
            ),
        ),
    ),),
    references=(
        Reference(
            title="Video generation models as world simulators (OpenAI Sora technical report, 2024)",
            url="https://openai.com/index/video-generation-models-as-world-simulators/",
        ),
        Reference(
            title="VBench: Comprehensive Benchmark Suite for Video Generative Models (includes temporal flickering)",
            url="https://arxiv.org/abs/2311.17982",
        ),
        Reference(
            title="Make-A-Video: Text-to-Video Generation without Text-Video Data",
            url="https://arxiv.org/abs/2209.14792",
        ),
    ),
)

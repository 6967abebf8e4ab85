"""Chapter 5: how coherence and rough physics emerge from denoising real video."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.permanence import REAL_PROMPT, REAL_SEEDS, TELEPORT_PX, real_summary

_COUNTS = real_summary()
_LEAST_KEPT = min(c["colour_kept"] for c in _COUNTS.values())
_KEPT = ("both models keep it in every seed" if _LEAST_KEPT == REAL_SEEDS
         else f"both models keep it in at least {_LEAST_KEPT} of {REAL_SEEDS} seeds")

REAL_PARAGRAPH = f"""
The lower half of the simulation puts the course's own two trained models in front of a wall. There
is one difference from the experiment above: nothing is given. Each model makes all 24 frames from
the prompt "{REAL_PROMPT}", and the frame player steps through both clips, made from the same
starting noise. The last readout counts what the detector finds over {REAL_SEEDS} seeds of that
prompt: whether the ball comes back out, whether it has the same colour after the wall as before,
and whether it *pops*, jumping more than {TELEPORT_PX:.0f} px between two frames, when a ball that
crosses the frame in 24 frames moves about one pixel per frame. The spacetime model brings the ball out in
{_COUNTS["spacetime"]["reappears"]} of {REAL_SEEDS} seeds, and it pops in {_COUNTS["spacetime"]["pops"]}: it
slides. The per-frame model also gets a red ball out on the far side in {_COUNTS["per-frame"]["reappears"]} of
{REAL_SEEDS},
since every one of its frames is told "red ball, left to right", but its ball pops in
{_COUNTS["per-frame"]["pops"]} of {REAL_SEEDS}, from one place to another on the way, because no frame
knows where the one before put it. Keeping the colour is the easy part ({_KEPT}), because the
prompt names it; keeping the place is what takes attention across frames.
"""

CHAPTER = Chapter(
    number=5,
    slug="coherence",
    title="Coherence and emergent physics",
    overview=(
        "A spacetime transformer *can* make frames agree, because its attention spans time. But nothing "
        "in its code says what they should agree on: that a ball keeps its colour, that a hidden object "
        "still exists, that a thrown stone falls. This chapter explains where those rules come from, why "
        "they arrive without anyone writing them down, what they grow into at large scale, and where "
        "they still break."
    ),
    sections=(
        Section(
            heading="Rules nobody wrote down",
            body="""\
Watch any real clip and a few things always hold. Objects persist: a cup does not vanish because a
hand passed in front of it. Motion is smooth and consistent: a rolling ball keeps roughly its speed and
direction from one frame to the next. Identity is stable: a person's face, clothes and hair stay the
same person's throughout. Lighting changes slowly, if at all.

A good video model respects all of these, yet none of them appears anywhere in its code. There is no
physics engine, no object tracker, no list of rules about occlusion. The architecture from the last
chapter only supplies the *opportunity*: attention across time lets every patch check what the rest of
the clip is doing. What the model does with that opportunity is learned entirely from data, from
very large amounts of real video in which these regularities hold in every single clip.

So there are two ingredients, and both are needed. Without attention across time, as in the
per-frame baseline, the model could not enforce agreement between frames even if it wanted to.
Without real, coherent training video, it would have nothing telling it which kind of agreement
to enforce.
""",
        ),
        Section(
            heading="Why it comes for free",
            body="""\
The training objective is just "denoise real video": take a clip, add noise, and score the model on
how well it predicts the way back. Consider what that rewards. Suppose training clips often show a
ball rolling behind a wall. In every one of them the ball comes out on the other side, the same ball,
at a time and place that follow from its speed. A model that predicts anything else (a ball of a
different colour, a ball that comes out too early, no ball at all) is wrong on nearly every such clip
and pays for it in the loss.

Here is the arithmetic the model ends up doing implicitly. The ball enters the wall at x = 40 pixels in
frame 10, moving 3 pixels per frame. Ten frames later, in frame 20, it should be at 40 + 10 × 3 = 70.
When the frames around the exit are buried in noise, the prediction with the lowest expected error is
the one that puts the ball near x = 70: the one consistent with how balls move.

That is why these behaviours are said to come "for free". No extra labels, rules or loss terms are
added; lowering the ordinary denoising loss on coherent, roughly physical data *forces* the model to
absorb those regularities. Free in design effort, that is, not in cost: the regularities only sink
in with enough data, enough capacity and enough training.
""",
        ),
        Section(
            heading="Hidden, then seen again",
            sim="permanence",
            body="""\
Occlusion is the hardest test of object permanence, because for several frames there is no visible
evidence that the object exists at all. To bring it out again correctly, the model must carry what
it saw before the occluder (position, speed, colour, shape) across the frames where it is hidden,
and make the frames after the occluder agree with it. In a spacetime model, attention does exactly
that: patches in the exit frames can attend to the patches where the object was last seen.

Predict before reading on: what goes wrong for a per-frame generator, which never sees the other
frames? While the object is hidden, a frame may simply draw it in front of the occluder, since "a
red ball" is supposed to be visible. When it should reappear, nothing ties it to the object that went
in, so it can pop out at the wrong place, at the wrong time, or as a different object.

The simulation below makes this a small experiment you can check. A shape slides along the floor
and behind a wall. The frames up to the last one in which it is wholly in view are given, shaded
grey in the plot; each model generates the rest. The **teal** spacetime model can attend to the
given frames: it reads the object's position off each of them, fits one straight line through those
readings, and continues it, behind the wall and out again, with the colour and shape it saw. The
**orange** per-frame model makes each frame from that frame and the prompt alone. While the object
should be hidden it holds no object at all (a question mark on the wall), and for the object that
comes out it has to invent everything the given frames would have told it: when it comes out, how
fast, what colour, what shape. It draws those with the seed.

Press play, or step with the arrows. With seed 0 a blue circle goes in. The spacetime model brings
the same blue circle out and is on track in all 19 generated frames, off by less than 0.01 px.
The per-frame model has no object for 12 frames, then produces a pink square, which by luck comes
out at almost the right place (0.31 px off): the right position, the wrong object. Try the other
seeds: sometimes the per-frame object comes out a frame or two early or late and more than 2 px
away, sometimes it even has the right shape, but in none of them is it the object that went in.
""" + REAL_PARAGRAPH,
        ),
        Section(
            heading="World-model behaviour at scale",
            body="""\
Scale this up to huge models trained on huge amounts of video and more elaborate behaviour appears.
OpenAI's Sora report describes scenes that stay roughly 3-D consistent while the camera moves
through them, people and objects that persist while occluded or off-screen, and simple interactions
that leave lasting effects, such as a painter's strokes staying on the canvas. None of this was
programmed; it emerged because predicting realistic video is far easier with an implicit model of
how the world behaves: shapes in three dimensions, objects that persist, rough gravity and momentum.
The Stable Video Diffusion authors found something similar at smaller scale: their video model,
fine-tuned to orbit around an object, serves as a strong prior for generating consistent 3-D views.

That is why video generators are increasingly studied as *world models*: systems that can imagine
how a scene will unfold. A robot or a planning agent could use such a model to try out actions in
imagination and see what happens before acting in the real world.

Keep the word "approximate" in mind. The same report lists failures: glass that does not shatter
correctly, food that shows no bite after being eaten, objects that appear from nowhere, and
incoherence creeping into long clips. The model has learned what real video usually looks like, not
the laws behind it, and it errs where its data was thin. A small model like the course's own learns
the simple rules of its simple clips; the richer world-model behaviour only shows up with scale.
""",
        ),
    ),
    summary=(
        "Object permanence, smooth motion and stable identity are not hand-coded; they are learned from "
        "real video, where they always hold.",
        "Attention across time gives the model the *means* to keep a clip consistent; coherent training "
        "data gives it the *reason*.",
        "They come \"for free\" because the objective is to denoise real video: fitting coherent, roughly "
        "physical data forces the model to absorb those regularities.",
        "At scale this grows into world-model behaviour (3-D consistency, correct occlusion, rough "
        "physics), a path toward planning and robotics, but it is still approximate.",
    ),
    quiz=(Quiz(
        question="Why do world-model behaviours such as object permanence emerge in large video models?",
        choices=(
            Choice(
                text="The model calls a built-in physics engine while it denoises.",
                correct=False,
                why="There is no physics engine anywhere in a video diffusion model; it is a transformer "
                "that predicts noise or velocity.",
            ),
            Choice(
                text="Engineers add a loss term that penalises objects which vanish or change.",
                correct=False,
                why="The only objective is the ordinary denoising loss; no rule about objects is written "
                "into it.",
            ),
            Choice(
                text="The training objective is to denoise real video, which always obeys permanence and "
                "rough physics, so fitting the data requires learning those regularities.",
                correct=True,
                why="Predictions that break permanence or physics are wrong on real clips and "
                "cost loss, so a model that lowers the loss must internalise them.",
            ),
            Choice(
                text="The text prompt describes the physics of every scene in detail.",
                correct=False,
                why="Prompts describe what should appear, rarely how it moves, and permanence holds even "
                "for prompts that never mention it.",
            ),
        ),
    ),),
    references=(
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference("Ha & Schmidhuber, World Models", "https://arxiv.org/abs/1803.10122"),
        Reference("Blattmann et al., Stable Video Diffusion", "https://arxiv.org/abs/2311.15127"),
        Reference("Huang et al., VBench: Comprehensive Benchmark Suite for Video Generative Models",
                  "https://arxiv.org/abs/2311.17982"),
    ),
)

"""Chapter 5: how coherence and rough physics emerge from denoising real video."""
import numpy as np

from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict, the_math
from sims import permanence as toy
from sims.model_data import permanence as trained


def _toy_seed(seed: int) -> dict:
    """What the permanence sim's two stand-ins do for one seed (numpy on a 32 x 32 canvas, cached)."""
    scene, (st, _, _), (pf, exit_frame, _) = toy.run(seed)
    generated = np.setdiff1d(np.arange(toy.N_FRAMES), toy.given_frames(scene))
    out = [i for i in generated if np.isfinite(pf.x[i])]                  # frames where orange holds an object
    true_exit = (toy.WALL[1] - scene.start) / scene.speed                 # when the real centre clears the wall
    return {"look": scene.look, "generated": len(generated),
            "teal_on_track": int(toy.on_track(st, scene)[generated].sum()),
            "teal_error": float(np.nanmax(toy.errors(st, scene)[generated])),
            "orange_look": pf.looks[-1], "orange_error": float(np.mean(toy.errors(pf, scene)[out])),
            "orange_on_track": int(toy.on_track(pf, scene)[generated].sum()),
            "early_or_late": float(exit_frame - true_exit)}


def _toy_answer() -> str:
    """The prediction's answer, read off the sim for seed 0 and the other seeds."""
    first = _toy_seed(0)
    rest = [_toy_seed(seed) for seed in range(1, toy.Permanence.param.seed.bounds[1] + 1)]
    assert all(r["orange_on_track"] == 0 for r in [first, *rest]), "the prose says orange never brings the object back"
    teal = (f"on track in all {first['generated']} generated frames to within "
            + ("0.01 px" if first["teal_error"] < 0.01 else f"{first['teal_error']:.2f} px")
            if first["teal_on_track"] == first["generated"] else
            f"on track in {first['teal_on_track']} of {first['generated']} generated frames")
    orange = f"Orange produces a {first['orange_look']}"
    orange += (", which by luck comes out almost at the right place "
               f"({first['orange_error']:.2f} px off): the right position, the wrong object."
               if first["orange_error"] < toy.ON_TRACK_PX else f", {first['orange_error']:.1f} px off.")
    errors = [r["orange_error"] for r in rest]
    timing = [abs(r["early_or_late"]) for r in rest]
    shape = sum(r["orange_look"].shape == r["look"].shape for r in rest)
    colour = sum(r["orange_look"].colour == r["look"].colour for r in rest)
    luck = " and ".join(part for part in (f"the right shape in {shape}" if shape else "",
                                           f"the right colour in {colour}" if colour else "") if part)
    return (f"With seed 0 a {first['look']} goes in; teal brings the same {first['look']} out, {teal}. {orange} "
            f"In the other {len(rest)} seeds it comes out between {min(timing):.1f} and {max(timing):.1f} frames "
            f"early or late and {min(errors):.1f} to {max(errors):.1f} px off on average"
            + (f", with {luck}" if luck else "") + ", but never as the object that went in.")


def real_paragraph() -> str:
    """The measured paragraph: computed when the page is built (sims/model_data), not on import."""
    counts = trained.summary()
    least_kept = min(c["colour_kept"] for c in counts.values())
    kept = ("both models keep it in every seed" if least_kept == trained.SEEDS
             else f"both models keep it in at least {least_kept} of {trained.SEEDS} seeds")

    return model_did(f"""
The lower half of the simulation puts the course's two trained models in front of a wall, and
nothing is given: each model makes all {trained.FRAMES} frames from the prompt "{trained.PROMPT}", from the same
starting noise. The last readout counts what the detector finds over {trained.SEEDS} seeds: whether the
ball comes back out, whether it has the same colour after the wall as before, and whether it
*pops*, jumping more than {trained.TELEPORT_PX:.0f} px between two frames (a ball crossing the
{facts.frame_size()}-pixel frame in {trained.FRAMES} frames moves about {facts.frame_size() / trained.FRAMES:.1f} px per frame).

The spacetime model brings the ball out in {counts["spacetime"]["reappears"]} of {trained.SEEDS} seeds
and pops in {counts["spacetime"]["pops"]}{": it slides" if counts["spacetime"]["pops"] == 0 else ""}. The per-frame model also gets a red ball out on
the far side in {counts["per-frame"]["reappears"]} of {trained.SEEDS}, since each of its slices is told
"red ball, left to right" and knows its place in time, but its ball pops in
{counts["per-frame"]["pops"]} of {trained.SEEDS}: the {facts.frames_per_slice()} frames inside one slice agree, yet no slice
knows where the slice before put the ball. Keeping the colour is the easy part ({kept}), because
the prompt names it; keeping the place takes attention across slices.
""")

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
hand passed in front of it. Motion is smooth: a rolling ball keeps roughly its speed and direction.
Identity is stable: a face stays the same person's face. Lighting changes slowly, if at all.

A good video model respects all of these, yet none appears in its code. There is no physics engine,
no object tracker, no list of rules about occlusion. The architecture of chapter 4 only supplies the
*opportunity*: attention across time lets every patch check what the rest of the clip is doing.
What the model does with it is learned from very large amounts of real video, in which these
regularities hold in every clip.

So two ingredients are needed. Without attention across time, as in the per-frame baseline, the
model could not enforce agreement between [frames](glossary.html#frame). Without coherent training video, it would have
nothing telling it which agreement to enforce.
""",
        ),
        Section(
            heading="Why it comes for free",
            body="""\
The training objective is just "denoise real video": take a clip, add noise, and score the model on
how well it predicts the way back. Suppose training clips often show a ball rolling behind a wall.
In every one the ball comes out on the other side, the same ball, at a time and place that follow
from its speed. A model that predicts anything else (another colour, too early, no ball at all) is
wrong on nearly every such clip and pays for it in the loss.

So the behaviours come "for free": no labels, rules or loss terms are added; lowering the ordinary
denoising loss on coherent, roughly physical data *forces* the model to absorb those regularities.
Free in design effort, that is, not in cost: they only sink in with enough data, capacity and
training.
""" + the_math("""
The arithmetic the model ends up doing implicitly: the ball enters the wall at x = 40 px in frame
10, moving 3 px per frame. Ten frames later, in frame 20, it should be at 40 + 10 × 3 = 70. When
the frames around the exit are buried in noise, the prediction with the lowest expected squared
error is the average of what real clips show there, and in real clips the ball is near x = 70: the
place consistent with how balls move.
"""),
        ),
        Section(
            heading="Hidden, then seen again",
            sim="permanence",
            body="""\
Occlusion is the hardest test of object permanence: for several frames there is no visible evidence
that the object exists. To bring it out correctly, a model must carry what it saw before the
occluder (position, speed, colour, shape) across the hidden frames, and make the frames after it
agree. In a spacetime model, attention can do that: patches in the exit frames attend to the patches
where the object was last seen.

The simulation makes this a small experiment. A shape slides along the floor and behind a wall. The
frames up to the last one in which it is wholly in view are given (shaded grey in the plot); each
side generates the rest. Both sides are idealised stand-ins, as in chapter 0, not trained networks.
The **teal** stand-in does what attention across time makes possible: it reads the object's
position off each given frame, fits one straight line through those readings, and continues it,
with the colour and shape it saw. The **orange** stand-in makes each frame from that frame and the
prompt alone.
""" + predict(
                "Predict before you press play: what does the orange stand-in show while the object "
                "should be hidden, and what comes out the other side?",
                "While the object should be hidden it holds no object at all (a question mark on the "
                "wall). For the object that comes out it must invent everything the given frames would "
                "have told it (when, how fast, what colour, what shape), so it draws those with the "
                "seed. " + _toy_answer()),
            measured=real_paragraph,
        ),
        Section(
            heading="World-model behaviour at scale",
            body="""\
Scale this up to huge models and huge amounts of video, and more elaborate behaviour appears.
OpenAI's Sora report describes scenes that stay roughly 3-D consistent as the camera moves, objects
that persist while occluded or off-screen, and simple interactions that leave lasting effects, such
as a painter's strokes staying on the canvas. None of this was programmed; it emerged because
predicting realistic video is far easier with an implicit model of how the world behaves.

That is why video generators are studied as *[world models](glossary.html#world-model)*: systems that can imagine how a scene
will unfold, which a robot or a planning agent could use to try out actions before acting.

Keep the word "approximate" in mind. The same report lists failures: glass that does not shatter
correctly, food that shows no bite after being eaten, objects that appear from nowhere. The model
has learned what real video usually looks like, not the laws behind it, and it errs where its data
was thin.
""" + going_further("""
The Stable Video Diffusion authors found something similar at a smaller scale: their video model,
fine-tuned to orbit around an object, serves as a strong prior for generating consistent 3-D views.
A small model like the course's own learns the simple rules of its simple clips; the richer
world-model behaviour only shows up with scale.
"""),
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
    quiz=(
        Quiz(
            question="Why do world-model behaviours such as object permanence emerge in large video models?",
            choices=(
                Choice("The model calls a built-in physics engine at every denoising step to check its frames.", False,
                       "There is no physics engine anywhere in a video diffusion model; it is a transformer that predicts a velocity."),
                Choice("Engineers add a loss term that penalises objects which vanish, split or change colour.", False,
                       "The only objective is the ordinary denoising loss; no rule about objects is written into it."),
                Choice("Real video always obeys them, so fitting it means learning them.", True,
                       "Predictions that break permanence or physics are wrong on real clips and cost loss."),
                Choice("The text prompt describes the physics of every scene in detail, frame by frame.", False,
                       "Prompts describe what should appear, rarely how it moves, and permanence holds for prompts that never mention it."),
            ),
        ),
        Quiz(
            question="A ball enters behind a wall at x = 30 px in frame 6, moving 2 px per frame, and is hidden "
                     "for 8 frames. Where and when should it come out?",
            compute=True,
            choices=(
                Choice("At x = 46 px, in frame 14", True,
                       "8 hidden frames at 2 px per frame is 16 px: 30 + 16 = 46, and 6 + 8 = frame 14."),
                Choice("At x = 38 px, in frame 14", False,
                       "This moves the ball 1 px per frame; at 2 px per frame it travels 16 px in 8 frames."),
                Choice("At x = 30 px, in frame 14, where it went in", False,
                       "A hidden ball keeps moving; coming out where it went in would break smooth motion."),
                Choice("At x = 46 px, in frame 22", False,
                       "The position is right, but 8 hidden frames after frame 6 is frame 14, not 22."),
            ),
        ),
        Quiz(
            question="In the permanence simulation, what is the teal spacetime side?",
            choices=(
                Choice("An idealised stand-in: a straight line fitted to the given frames and continued.", True,
                       "It shows what attention across time makes possible; the trained models appear in the lower half."),
                Choice("The course's trained spacetime DiT, run live in the browser on the given frames.", False,
                       "The upper toy is hand-coded; the trained models' clips are the lower half of the simulation."),
                Choice("A physics engine that computes where a sliding object must be behind the wall.", False,
                       "It only fits a line through positions read off the given frames; it knows no physics."),
            ),
        ),
        Quiz(
            question="The trained per-frame baseline keeps its ball's colour across the wall but often makes it pop. Why?",
            choices=(
                Choice("Its decoder repaints the ball red in every frame, but moves it to a random place.", False,
                       "The decoder only turns latents into frames; it adds neither colour nor position."),
                Choice("The prompt names the colour; where the ball is needs attention across slices.", True,
                       "Each slice reads \"red ball\", so colour is easy; no slice knows where the previous slice put it."),
                Choice("Its frames are generated in a random order, so the ball seems to jump back and forth.", False,
                       "All slices are denoised together, at the same steps; they just cannot see each other."),
            ),
        ),
    ),
    references=(
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference("Ha & Schmidhuber, World Models", "https://arxiv.org/abs/1803.10122"),
        Reference("Blattmann et al., Stable Video Diffusion", "https://arxiv.org/abs/2311.15127"),
        Reference("Huang et al., VBench: Comprehensive Benchmark Suite for Video Generative Models",
                  "https://arxiv.org/abs/2311.17982"),
    ),
)

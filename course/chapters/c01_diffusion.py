"""Chapter 1: a short recap of diffusion, plus the two refinements every video model builds on."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, predict, the_math
from sims import denoising as toy


def _toy_runs() -> tuple[int, int, int]:
    """(seeds, distinct classes they end in, latest step at which a run's class passes 90%) of the
    denoising sim, computed from its own runs (tiny: 16 x 16 pixels, 20 steps)."""
    seeds = toy.Denoising.param.seed.bounds[1] + 1
    runs = [toy.sample(seed) for seed in range(seeds)]
    ends = {int(run.probs[-1].argmax()) for run in runs}
    settled = max(int((run.probs.max(axis=1) > 0.9).argmax()) for run in runs)
    return seeds, len(ends), settled


SEEDS, ENDS, SETTLED = _toy_runs()
STEPS = toy.N_STEPS

CHAPTER = Chapter(
    number=1,
    slug="diffusion",
    title="Diffusion, briefly",
    overview=(
        "Everything in this course rests on one idea: a network that removes a little noise, applied "
        "over and over, turns static into a picture. This chapter recaps how such a network is trained "
        "and how it generates, lets you watch it happen, and adds the two "
        "refinements modern video models are built from: denoising a compressed *[latent](glossary.html#latent)* instead of "
        "pixels, and using a *transformer* as the denoiser."
    ),
    sections=(
        Section(
            heading="Training: learn to undo noise",
            body="""\
Training starts from clean data. Take a picture `x0`, draw random static `ε` of the same shape, pick
a [noise level](glossary.html#timestep) `t` between 0 and 1, and blend the two: `x_t = (1 − t) · x0 + t · ε`. At `t = 0` you
have the clean picture, at `t = 1` pure static, and in between a picture partly buried in noise.
This straight-line blend is the *[flow matching](glossary.html#flow-matching)* (or *rectified flow*) convention our course model
uses; older models such as DDPM weight the two parts a little differently, but the idea is the same.

The network is shown `x_t` and `t` and asked to predict what was done to the picture. Our model
predicts the *[velocity](glossary.html#velocity)* `v = ε − x0`: how fast `x_t` changes as `t` grows, a direction that points
from the data **towards the noise**. Its loss is the squared error of that prediction, averaged over
many pictures, noise draws and noise levels. (Other models predict the noise `ε` instead; the two
carry the same information.)
""" + the_math(r"""
Why $v = \varepsilon - x_0$? Differentiate the blend with respect to $t$:

$$\frac{d x_t}{d t} = \frac{d}{d t}\left[(1 - t)\,x_0 + t\,\varepsilon\right] = \varepsilon - x_0 .$$

Along one training line the velocity is the same at every $t$, which is what makes the line straight.

Knowing $x_t$, $t$ and $v$ also gives the clean picture. From the blend,

$$x_t = x_0 + t\,(\varepsilon - x_0) = x_0 + t\,v, \quad\text{so}$$

$$\hat{x}_0 = x_t - t\,v .$$

With the network's predicted $v$, $\hat{x}_0$ is its current best guess of the clean picture; that
guess is what the simulation shows.
"""),
        ),
        Section(
            heading="Generation: from static to a picture",
            sim="denoising",
            body=f"""\
To generate, run the blend backwards. Start at `t = 1` with pure noise, ask the network for the
velocity, and take a small step **against** it, towards the data: `x ← x − Δt · v`, an
*[Euler step](glossary.html#euler-step)*. Repeat until `t = 0`. Structure emerges from static.

The simulation does this for real, with no cross-fade. Its data are tiny {toy.SIZE}×{toy.SIZE} grey pictures from
a known mixture of {len(toy.CLASS_NAMES)} classes ({", ".join(toy.CLASS_NAMES)}), each a template plus a little random
variation. Because the mixture is known, the best possible denoiser (the average clean picture
given the noisy one) is exact, with no training, and the sim integrates it in {STEPS} steps, packed more tightly at high noise, where the big decisions are made.

Set `step` to 0. The noisy picture is pure static, and the guess is a blurry blend of all {len(toy.CLASS_NAMES)}
classes: the best guess, before any signal, is their average. The bars show how likely the denoiser
thinks each class is; they start level, at 1/{len(toy.CLASS_NAMES)} each. Raise `step` one notch at a time: the
bars tilt, one class takes over, and the guess sharpens into it; the noisy picture follows. The
error readout compares the guess with the picture this run ends on, so it is zero at the end by
construction (already at step {STEPS - 1}: the last step lands exactly on the guess before it). It
shows how far the guess still has to travel, not how good the final picture is.
""" + predict(
                "Now pick another `seed`, and predict: will it end in the same class? And when, roughly, "
                "is the class decided?",
                (f"Each of the {SEEDS} seeds lands on a different class" if ENDS == SEEDS else
                 f"The {SEEDS} seeds land on {ENDS} different classes") + ": the starting noise decides. The bars "
                f"settle by step {SETTLED} of {STEPS}, while the noisy picture still looks mostly "
                "like static. Coarse decisions come early; the later steps polish details. Watch the "
                "guess, too: early on it swings from one blend to another, so the path the sampler "
                "actually takes is curved, even though each training blend was a straight line."),
        ),
        Section(
            heading="Refinement 1: denoise a compressed latent",
            body="""\
Denoising pixels is expensive. A 512×512 colour image holds 512 × 512 × 3 = 786,432 numbers, and
the network must process all of them at every step. So first train an
[autoencoder](glossary.html#autoencoder): an encoder squeezes an image into a much smaller grid, its
[latent](glossary.html#latent), for example 64×64 positions with 4 [channels](glossary.html#channel):
16,384 numbers, 48 times fewer; a decoder turns a latent back into pixels. *Latent diffusion* runs
the whole diffusion process on the latent and calls the decoder once, at the end.

The autoencoder handles fine pixel detail; the diffusion model spends its effort on what the
picture contains. This is the recipe behind Stable Diffusion, and every Sora-style video model
uses it.
""",
        ),
        Section(
            heading="Refinement 2: a transformer as the denoiser",
            body="""\
Early diffusion models used a convolutional U-Net as the denoiser. The
[Diffusion Transformer](glossary.html#dit) (DiT) replaces it with a transformer: cut the noisy
latent into small patches, turn each patch into a [token](glossary.html#token), run the tokens through transformer blocks that are also told the noise level, and read out a
prediction for every patch, stitched back into a full latent. DiTs keep improving as they grow,
which is why the largest image and video models use them.
""",
        ),
        Section(
            heading="From pictures to video",
            body="""\
A video model is these two ideas stretched from a flat 2-D image to a 3-D block of space and time.
The autoencoder compresses time as well as height and width (chapter 2), the patches become small
cubes of spacetime (chapter 3), and the transformer attends across [frames](glossary.html#frame) as well as within them
(chapter 4). Our model's training objective stays flow matching: learn the velocity of the
straight blend between data and noise, then generate by stepping against it.
""" + going_further(f"""
Is the sampler's path straight, so that one big step would do? No: only the training targets are
straight lines, one per pair of picture and noise. Many such lines pass through the same noisy
point, and the network learns their average direction there, so the learned flow bends (the guess
in the simulation swings early on) and a single step lands on a blurry average. Each small step
asks for a fresh direction, which follows the bend. How many steps are enough is found by trying:
a few tens are typical, and our generator takes a default of {facts.default_steps()} steps.
"""),
        ),
    ),
    summary=(
        "Training blends clean data with noise at a random level `t` and teaches a network to predict the noise or the velocity `v = ε − x0`, which points from data towards noise.",
        "Generation starts from pure noise and steps against the predicted velocity; coarse structure is decided early, detail late.",
        "Latent diffusion denoises the small latent of an autoencoder and decodes once at the end, far cheaper than denoising pixels.",
        "A Diffusion Transformer (DiT) is a transformer over latent patches used as the denoiser in place of a U-Net.",
        "Video generation extends both ideas to a 3-D spacetime volume; our model is trained with flow matching.",
    ),
    quiz=(
        Quiz(
            question="What is latent diffusion?",
            choices=(
                Choice("A diffusion model whose network has many hidden layers between its input and its output.", False,
                       "Nearly every network has hidden layers. *Latent* names the compressed space where the denoising happens."),
                Choice("A diffusion model trained without any labels or captions for its pictures.", False,
                       "Whether a model uses labels is a separate question; latent diffusion models are often conditioned on text."),
                Choice("Diffusion run on an autoencoder's compressed latent, decoded to pixels at the end.", True,
                       "Denoising a latent dozens of times smaller is far cheaper; the decoder turns the result into pixels once."),
                Choice("Denoising only the last frame of a video and copying it to the others.", False,
                       "Latent diffusion was invented for still images and has nothing to do with choosing frames."),
            ),
        ),
        Quiz(
            question="One number of a picture is `x0 = 2`, its noise is `ε = −1`, and the noise level is "
                     "`t = 0.25`. Using `x_t = (1 − t) · x0 + t · ε` and `v = ε − x0`, what are `x_t` and `v`?",
            compute=True,
            choices=(
                Choice("`x_t = 1.25` and `v = −3`", True,
                       "`0.75 · 2 + 0.25 · (−1) = 1.25`, and `−1 − 2 = −3`. Check: `x_t − t · v = 1.25 + 0.75 = 2`, the clean value."),
                Choice("`x_t = 1.25` and `v = 3`", False,
                       "The blend is right, but `v = ε − x0` is noise minus data: `−1 − 2 = −3`, not `+3`."),
                Choice("`x_t = 0.25` and `v = −3`", False,
                       "This weights the picture by `t` and the noise by `1 − t`; at `t = 0.25` the picture still dominates."),
                Choice("`x_t = 1.75` and `v = −1`", False,
                       "Neither matches: the blend gives `1.5 − 0.25 = 1.25`, and the velocity is `ε − x0 = −3`."),
            ),
        ),
        Quiz(
            question="The network predicts `v = ε − x0`. Which way does one generation step move the sample?",
            choices=(
                Choice("Along `v`, since the velocity points from the noise to the data.", False,
                       "`ε − x0` points from the data towards the noise; stepping along it would add noise."),
                Choice("Against `v`: `x ← x − Δt · v`, from the noise towards the data.", True,
                       "Generation runs the blend backwards, from `t = 1` to `t = 0`, so each step subtracts `Δt · v`."),
                Choice("Straight to `x̂0` in one jump, since the path from noise to data is a straight line.", False,
                       "Only training targets are straight; the learned flow bends, so one jump lands on a blurry average."),
            ),
        ),
        Quiz(
            question="In the denoising simulation, when is the class of the final picture decided?",
            choices=(
                Choice("Early, while the noisy picture still looks like static to the eye.", True,
                       "The class bars settle within the first half of the steps; the later steps polish details."),
                Choice("Only at the very last step, when the error readout reaches zero.", False,
                       "The error is zero at the end by construction: it compares the guess with this run's own end point."),
                Choice("Before the first step, since the seed picks the class directly from a list.", False,
                       "The seed only picks the starting noise; the class emerges from denoising that noise."),
            ),
        ),
    ),
    references=(
        Reference(title="Denoising Diffusion Probabilistic Models (Ho et al., 2020)", url="https://arxiv.org/abs/2006.11239"),
        Reference(title="High-Resolution Image Synthesis with Latent Diffusion Models (Rombach et al., 2021)", url="https://arxiv.org/abs/2112.10752"),
        Reference(title="Scalable Diffusion Models with Transformers (DiT, Peebles & Xie, 2022)", url="https://arxiv.org/abs/2212.09748"),
        Reference(title="Flow Matching for Generative Modeling (Lipman et al., 2022)", url="https://arxiv.org/abs/2210.02747"),
        Reference(title="Flow Straight and Fast: Rectified Flow (Liu et al., 2022)", url="https://arxiv.org/abs/2209.03003"),
    ),
)

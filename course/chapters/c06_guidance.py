"""Chapter 6: how the prompt reaches the denoiser, and how classifier-free guidance sets its strength."""
import numpy as np

from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict, the_math
from sims import guidance as toy
from sims.model_data import guidance as trained

F = facts.clip_frames()
DROPOUT = f"{100 * facts.prompt_dropout():g}%"
EXAMPLE = "a red ball bouncing from left to right"
HIGH_W = 8
_HIGH = toy.sample(HIGH_W, 0)                 # the toy's samples for "circle" at w = 8 (cached, 300 points)
HIGH = {"adherence": f"{100 * toy.adherence(_HIGH, 0):.0f}%", "realism": f"{100 * toy.typical(_HIGH, 0):.1f}%"}


def real_paragraph() -> str:
    """The measured paragraph: computed when the page is built (sims/model_data), not on import."""
    real = trained.load()
    adherent = real["adherent"].sum(axis=1).astype(int)        # clips on prompt, per w
    full = int(min(w for w, n in zip(real["w"], adherent) if n == trained.SEEDS))   # first w with all on prompt
    # (tests/test_model_data.py checks that some w above 0 has every clip on prompt)

    return model_did(f"""
The lower half of the simulation does the same with the course's own spacetime model. At every `w`
of the slider it generated {trained.SEEDS} clips (seeds 0 to {trained.SEEDS - 1}) of "{trained.PROMPT}" when this
page was built; green and arcing never appear together in its training clips, so the model has to
combine words it has only seen apart. The detector then measures each clip. Adherence is the share
of clips with a green object in at least 80% of frames, moving left to right. Diversity is how far
the objects' paths spread around their average path, scaled so that `w = 0` is 1. The pictures show
{trained.SHOWN} of the clips with all their frames laid over each other, so each object leaves its path.

The real curves start as the toy's do. At `w = 0` the prompt is ignored: {_clips(adherent[0])} a
green object moving left to right, {_other_colours(real)}, and the paths spread
{real["spread"][0]:.1f} px around their average. By `w = {full}` all {trained.SEEDS} follow the
prompt and the spread is down to {real["spread"][full]:.1f} px: nearly one path. {_too_far(real, adherent, full)}
""")


def _clips(n: int) -> str:
    """'only 1 of the 16 clips shows', 'none of the 16 clips shows', '3 of the 16 clips show'."""
    if n == 0:
        return f"none of the {trained.SEEDS} clips shows"
    return f"only 1 of the {trained.SEEDS} clips shows" if n == 1 else f"{n} of the {trained.SEEDS} clips show"


def _other_colours(real) -> str:
    """How many off-prompt clips at w = 0 show another object colour (5 or more pixels a frame)."""
    off = real["adherent"][0] == 0
    other = int((real["wrong_pixels"][0][off] >= 5).sum())
    return (f"{other} of the other {int(off.sum())} show objects of other colours" if other
            else "the others show no object of the prompt's colour")


def _too_far(real, adherent, full: int) -> str:
    """What the highest w does to the real clips, in the words the measurement supports."""
    last, tight = int(real["w"][-1]), int(np.argmin(real["spread"]))
    stray, clean = real["wrong_pixels"][-1].mean(), real["wrong_pixels"][full].mean()
    if adherent[-1] < trained.SEEDS:
        return f"""Push `w` further and adherence falls, to {adherent[-1]} of {trained.SEEDS} at `w = {last}`: in some frames the ball loses its
green and patches of other colours creep in ({stray:.1f} pixels per frame,
against {clean:.2f} at `w = {full}`), the small model's version of over-cooking."""
    spread = (f", its paths spread again ({real['spread'][-1]:.1f} px, against {real['spread'][tight]:.1f} at "
              f"`w = {int(real['w'][tight])}`)" if real["spread"][-1] > 1.2 * real["spread"][tight] else "")
    specks = (f" and specks of other colours creep in ({stray:.2f} pixels per frame, against {clean:.2f} at "
              f"`w = {full}`)" if stray > clean + 0.05 else "")
    return f"""Push `w` further and the detector
still counts all {trained.SEEDS} clips as on prompt at `w = {last}`, but look at the pictures: in some clips
the background breaks into harsh, saturated blocks and the ball's trail into separate blobs{spread}{specks}.
That is the small model's version of over-cooking: on prompt, and worse to look at."""

W_DEFAULT = f"{facts.default_guidance():g}"

CHAPTER = Chapter(
    number=6,
    slug="guidance",
    title="Text conditioning and guidance",
    overview=(
        "So far the denoiser has made *a* coherent clip. This chapter is about making *the* clip you asked "
        "for. We follow a prompt from words to vectors and into every block of the diffusion transformer "
        "through cross-attention, then meet classifier-free guidance: run the model with and without the "
        "prompt, and use the difference to turn the prompt's influence up or down."
    ),
    sections=(
        Section(
            heading="From words to vectors",
            body=f"""\
A transformer cannot read letters, so the prompt first goes through a text encoder that turns it
into a sequence of embeddings, one vector per [token](glossary.html#token). Large systems use a big pretrained language
model for this (Imagen uses a frozen T5 encoder, and found that a larger text encoder helped more
than a larger image model).

The course's model keeps this small: its text encoder knows a closed vocabulary of
{facts.word_count()} words plus two special tokens, padding and the **[null prompt](glossary.html#null-prompt)**,
which stands for "no text at all" and matters for [guidance](glossary.html#cfg) below. A prompt like
"{EXAMPLE}" is {len(EXAMPLE.split())} words, padded to a fixed length of {facts.prompt_tokens()} tokens. A word outside the
vocabulary means nothing to the model.
""",
        ),
        Section(
            heading="Cross-attention: every patch reads the prompt",
            body=f"""\
Inside every [DiT](glossary.html#dit) block, after the video tokens have attended to each other,
they attend to the prompt. This is [cross-attention](glossary.html#cross-attention): the
[queries](glossary.html#qkv) come from the video tokens, the keys and values from
the prompt's embeddings. Each patch, in effect, looks up which words bear on its own place and
moment, scores every word, and pulls in a weighted mix of the words' vectors.

For our {facts.tokens(F)}-token clip and {facts.prompt_tokens()}-token prompt that is a
{facts.tokens(F)} × {facts.prompt_tokens()} table of scores per head, {facts.tokens(F) * facts.prompt_tokens()}
numbers, small next to the {facts.tokens(F) ** 2:,} of [self-attention](glossary.html#self-attention). Because the prompt is read again in
every block and at every step, it can shape the coarse layout early ("a red ball, moving right")
and fine details late.
""",
        ),
        Section(
            heading="Classifier-free guidance",
            body=f"""\
Cross-attention lets the prompt in; [classifier-free guidance](glossary.html#cfg) (CFG) sets how hard it pushes. It
starts in training: some of the time the real prompt is swapped for the null prompt ({DROPOUT} of
the time for the course's model). The one network learns two jobs: denoising *given* a prompt, and
denoising with no prompt, which means predicting what *any* plausible clip would look like.

At generation time, each step needs both [velocity](glossary.html#velocity) predictions for the same
noisy [latent](glossary.html#latent), one with the prompt
and one with the null prompt, so guidance doubles the work of a step (chapter 7's generator computes
the two as one batch of two). They are combined as

`v = v_uncond + w · (v_cond − v_uncond)`

The difference `v_cond − v_uncond` is the direction the prompt adds. With `w = 0` the prompt is
ignored; `w = 1` gives the plain conditional prediction; `w > 1` pushes *further* in the prompt's
direction than the model would go on its own. In one coordinate: if `v_uncond = 0.2` and
`v_cond = 0.5`, then `w = 4` gives 0.2 + 4 · 0.3 = 1.4.
""" + the_math(r"""
Why extrapolating helps: the implicit-classifier view. The velocity of a flow is tied to the score
$\nabla \log p$ of the noisy data, and the same combination of scores reads

$$\nabla \log p(x) + w\,\big(\nabla \log p(x \mid c) - \nabla \log p(x)\big).$$

By Bayes' rule, $p(x \mid c) = p(c \mid x)\,p(x) / p(c)$, so the bracket is
$\nabla \log p(c \mid x)$: the gradient of a classifier that says how recognisably $x$ shows prompt
$c$. The combination is then $\nabla \log \big(p(x)\,p(c \mid x)^{w}\big)$, so guidance samples,
roughly, from

$$p_w(x \mid c) \propto p(x)\;p(c \mid x)^{w}.$$

For `w > 1` it favours clips whose prompt is
*most distinguishable*, not the most typical ones; that is why high `w` pushes samples out to the
far side of their class, away from the others.

The name contrasts it with *classifier guidance*, which took that gradient from a separate classifier
trained on noisy images; here the model's own two answers supply it.

A note on conventions: Ho and Salimans's paper writes the combination as `(1 + w) · ε_c − w · ε_u`.
Their `w` is our `w − 1`: the paper's `w = 0` is our `w = 1`, the plain conditional model.
"""),
        ),
        Section(
            heading="Choosing the guidance scale",
            sim="guidance",
            body=f"""\
The scale `w` trades variety for obedience. At a low scale, samples are diverse but only loosely on
prompt: ask for a red ball moving right and you may get the wrong shade, or the wrong direction. As
`w` rises, samples follow the prompt more closely and vary less, pushed towards the clips that show
the prompt most unmistakably. Too far, and they look over-cooked: saturated colours, harsh contrast,
odd artefacts, because the extrapolation overshoots into latents unlike any training data.
(Imagen's "dynamic thresholding" was invented to tame exactly this.)

In practice there is a sweet spot. The course's generator uses a default guidance scale of
{W_DEFAULT}. Large image models are often run at 5 to 8; Stable Diffusion's familiar default is 7.5.

The simulation makes this exact. Its "data" are points in a plane from three round classes
(circle, square, triangle); because they are simple Gaussians, both velocities can be written down
exactly. The same {toy.N_SAMPLES} starting noises are sampled at every scale. The left plot shows the samples
for your prompt, with each class's typical region as a dashed ring; the right plot measures
adherence, diversity and realism against `w`.
""" + going_further(f"""
The three measures: prompt adherence is how sure the true data model is that a sample belongs to
the prompt's class; diversity is the samples' spread, scaled to 1 at `w = 0`; realism is the share
of samples inside the class's typical region (real data score {100 * toy.TYPICAL_REAL:.1f}%).
""") + predict(
                "Set `w = 0`, and predict: what will the samples for \"circle\" look like?",
                "They spread over all three classes: at `w = 0` only the unconditional prediction is used, "
                "so the prompt has no effect at all. At `w = 1` they belong to the prompt, with a real "
                "class's spread.") + predict(
                f"Now predict what `w = {HIGH_W}` does, then check.",
                f"Adherence is all but perfect ({HIGH['adherence']}), but the cloud has shrunk and been shoved "
                f"right out of its class's typical region (realism {HIGH['realism']}), away from the other classes: the most distinguishable points, not the "
                "most typical. That is over-saturation, seen in two dimensions."),
            measured=real_paragraph,
        ),
        Section(
            heading="Better captions, tighter control",
            body="""\
A model can only learn to follow words its training captions used, and captions scraped alongside
web videos tend to be short, vague or wrong.

Sora borrows a fix from DALL·E 3: train a captioning model (a vision-language model) to write
detailed descriptions, and re-caption every training video with it. At generation time a language
model expands the user's short prompt into a similarly detailed one, so prompts look like the
training captions. Richer, more accurate captions give a sharper mapping from words to content:
tighter text control.
""",
        ),
    ),
    summary=(
        "A text encoder turns the prompt into token embeddings; cross-attention in every DiT block lets "
        "each patch read the words that bear on it.",
        f"Classifier-free guidance: train with the prompt sometimes dropped ({DROPOUT} for our model), then at "
        "each step combine `v = v_uncond + w · (v_cond − v_uncond)`.",
        "Low `w`: varied but loosely on prompt. High `w`: on prompt, less varied, pushed towards the most "
        "distinguishable examples. Too high: over-cooked.",
        "Detailed captions, e.g. from re-captioning training videos with a vision-language model, give "
        "tighter text control.",
    ),
    quiz=(
        Quiz(
            question="What does raising the guidance scale `w` do?",
            choices=(
                Choice("It adds denoising steps, so the finished clip comes out sharper and cleaner.", False,
                       "The number of steps is a separate setting; `w` only changes how the two predictions are combined."),
                Choice("Clips follow the prompt more closely but vary less; too high, they look over-cooked.", True,
                       "A larger `w` extrapolates further along the prompt's direction, trading diversity for adherence until it overshoots."),
                Choice("Clips vary more, because the extrapolation amplifies the random starting noise.", False,
                       "The other way round: a higher scale narrows the outputs towards the clips that show the prompt most clearly."),
                Choice("It lets the model understand words that never appeared in its training captions.", False,
                       "Guidance only scales what the model already learned; a word it never saw stays meaningless at any `w`."),
            ),
        ),
        Quiz(
            question="In one coordinate, `v_uncond = 0.2` and `v_cond = 0.5`. What guided velocity does `w = 3` give?",
            compute=True,
            choices=(
                Choice("1.1", True, "`0.2 + 3 · (0.5 − 0.2) = 0.2 + 0.9 = 1.1`: further than the conditional prediction alone."),
                Choice("1.5", False, "This multiplies `v_cond` by `w` and forgets to start from `v_uncond` and use the difference."),
                Choice("0.5", False, "That is `w = 1`, the plain conditional prediction; `w = 3` goes beyond it."),
                Choice("0.9", False, "That is only the push, `3 · 0.3`; it is added to `v_uncond = 0.2`."),
            ),
        ),
        Quiz(
            question="A paper using Ho and Salimans's convention, `(1 + w) · ε_c − w · ε_u`, reports `w = 2`. "
                     "What is that in this course's convention?",
            compute=True,
            choices=(
                Choice("`w = 2`: the two ways of writing it are the same", False,
                       "Expand the paper's form: `ε_u + (1 + w) · (ε_c − ε_u)`. Its `w` is one less than ours."),
                Choice("`w = 3`", True, "The paper's `1 + w` multiplies the difference, so its `w = 2` is our `w = 3`."),
                Choice("`w = 1`, since the paper counts from the conditional prediction", False,
                       "The paper's `w = 0` is our `w = 1`; so its `w = 2` is our 3, not our 1."),
            ),
        ),
        Quiz(
            question="High guidance pushes samples of one class *away* from the others, outside the class's typical region. Why?",
            choices=(
                Choice("Guidance samples roughly from `p(x) · p(c | x)^w`, favouring the most distinguishable examples.", True,
                       "The implicit classifier `p(c | x)` is largest far from the other classes, and `w > 1` sharpens it."),
                Choice("The null prompt repels samples from every class, so they drift outwards as `w` grows.", False,
                       "The unconditional prediction pulls towards all the data, not away from it."),
                Choice("It is a bug in the simulation's sampler that real guided models do not show.", False,
                       "Real models show the same thing as over-saturation; the toy makes it visible in two dimensions."),
            ),
        ),
    ),
    references=(
        Reference("Ho & Salimans, Classifier-Free Diffusion Guidance", "https://arxiv.org/abs/2207.12598"),
        Reference("Saharia et al., Photorealistic Text-to-Image Diffusion Models with Deep Language "
                  "Understanding (Imagen)", "https://arxiv.org/abs/2205.11487"),
        Reference("Nichol et al., GLIDE: Towards Photorealistic Image Generation and Editing with "
                  "Text-Guided Diffusion Models", "https://arxiv.org/abs/2112.10741"),
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
    ),
)

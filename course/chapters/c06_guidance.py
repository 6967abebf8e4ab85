"""Chapter 6: how the prompt reaches the denoiser, and how classifier-free guidance sets its strength."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.guidance import REAL_PROMPT, REAL_SEEDS, REAL_SHOWN, real_sweep

_REAL = real_sweep()
_ADHERENT = _REAL["adherent"].sum(axis=1).astype(int)        # clips on prompt, per w
_FULL = int(min(w for w, n in zip(_REAL["w"], _ADHERENT) if n == REAL_SEEDS))   # first w with all on prompt

REAL_PARAGRAPH = f"""
The lower half of the simulation does the same with the course's own spacetime model. At every `w`
of the slider it generated {REAL_SEEDS} clips (seeds 0 to {REAL_SEEDS - 1}) of "{REAL_PROMPT}" when this
page was built; green and arcing never appear together in its training clips, so the model has to
combine words it has only seen apart. The detector then measures each clip. Adherence is the share
of clips with a green object in at least 80% of frames, moving left to right. Diversity is how far
the objects' paths spread around their average path, scaled so that `w = 0` is 1. The pictures show
{REAL_SHOWN} of the clips with all their frames laid over each other, so each object leaves its path.

The real curves keep the toy's shape. At `w = 0` the prompt is ignored: {_ADHERENT[0]} of {REAL_SEEDS}
clips show a green object moving left to right, most of the rest show objects of other colours, and
the paths spread {_REAL["spread"][0]:.1f} px around their average. By `w = {_FULL}` all {REAL_SEEDS} follow the
prompt and the spread is down to {_REAL["spread"][_FULL]:.1f} px: nearly one path. Push `w` further and adherence falls
again, to {_ADHERENT[-1]} of {REAL_SEEDS} at `w = {int(_REAL["w"][-1])}`: in some frames the ball loses its
green and patches of other colours creep in ({_REAL["wrong_pixels"][-1].mean():.1f} pixels per frame,
against {_REAL["wrong_pixels"][_FULL].mean():.2f} at `w = {_FULL}`), the small model's version of
over-cooking.
"""

CHAPTER = Chapter(
    number=6,
    slug="guidance",
    title="Text conditioning and guidance",
    overview=(
        "So far the denoiser has made *a* coherent clip. This chapter is about making *the* clip you asked "
        "for. We follow a prompt from words to vectors, into every block of the diffusion transformer "
        "through cross-attention, and then meet classifier-free guidance: a simple trick that runs the "
        "model with and without the prompt and uses the difference to turn the prompt's influence up or "
        "down."
    ),
    sections=(
        Section(
            heading="From words to vectors",
            body="""\
A transformer cannot read letters, so the prompt first goes through a text encoder that turns it into
a sequence of embeddings, one vector per token. Large systems use a big pretrained language model for
this (Imagen, for example, uses a frozen T5 encoder and found that a larger text encoder improved
results more than a larger image model did). The richer the encoder, the more of the prompt's meaning
survives into the vectors.

The course's own model keeps this small: its text encoder knows a closed vocabulary of about 20 words,
enough for prompts like "a red ball bouncing from left to right". That prompt is eight words, padded
to the encoder's fixed length of 10 tokens, so it becomes 10 embeddings. A word outside the vocabulary means nothing to the model. There is also a
special **null prompt**, which stands for "no text at all"; it will matter for guidance below.
""",
        ),
        Section(
            heading="Cross-attention: every patch reads the prompt",
            body="""\
Inside every DiT block, after the video tokens have attended to each other, they attend to the prompt.
This is cross-attention: the queries come from the video tokens, while the keys and values come from
the prompt's embeddings. Each patch in effect asks "given where and when I am, what does the prompt say
should be here?", scores every word, and pulls in a weighted mix of the words' vectors.

With the 256-token example from Chapter 4 and our 10-token prompt, that is a 256 × 10 table of scores
per head: 2,560 numbers, tiny next to the 65,536 of self-attention. Because the prompt is read again in
every block and at every denoising step, it can shape the coarse layout early on ("there is a red
ball, moving right") and the fine details late.
""",
        ),
        Section(
            heading="Classifier-free guidance",
            body="""\
Cross-attention lets the prompt in; classifier-free guidance (CFG) sets how hard it pushes. It starts
in training: some of the time the real prompt is swapped for the null prompt (10% of the time for the
course's model). The one network thus learns two jobs: denoising *given* a prompt, and denoising with
no prompt at all, which means predicting what *any* plausible clip would look like. (The name
contrasts it with the earlier *classifier guidance*, which steered samples with the gradient of a
separate classifier trained on noisy images; here the model's own two answers supply the direction.)

At generation time, each step runs the model twice on the same noisy latent, once with the prompt and
once with the null prompt (so guidance doubles the network passes per step), and combines the two
predictions:

`v = v_uncond + w · (v_cond − v_uncond)`

The difference `v_cond − v_uncond` is the direction the prompt adds. With `w = 0` the prompt is
ignored; with `w = 1` you get the plain conditional prediction; with `w > 1` the model is pushed
*further* in the prompt's direction than it would go on its own. In one coordinate: if `v_uncond = 0.2`
and `v_cond = 0.5`, then `w = 4` gives 0.2 + 4 · 0.3 = 1.4.
""",
        ),
        Section(
            heading="Choosing the guidance scale",
            sim="guidance",
            body="""\
The scale `w` trades variety for obedience. At a low scale, samples are diverse but only loosely on
prompt: ask for a red ball moving right and you may get a ball of the wrong shade, or drifting the
wrong way. As `w` rises, samples follow the prompt more closely and become less varied, crowding
toward the most typical clip for that prompt. Push it too far and they look over-cooked: saturated
colours, harsh contrast, odd artefacts, because the extrapolation overshoots into latents unlike
anything in the training data. (Imagen's "dynamic thresholding" was invented to tame exactly this
at high scales.)

Predict before reading on: with `w = 0`, what colour will "a red ball" be? Any colour the training
clips contained, since at `w = 0` only the unconditional prediction is used and the prompt has no
effect at all.

In practice there is a sweet spot. The course's model uses a default of about 3 to 4; large image
models are often run at 5 to 8 (Stable Diffusion's familiar default is 7.5).

The simulation below makes all of this exact. Its "data" are points in a plane from three classes
(circle, square, triangle), each a round blob; because the classes are simple Gaussians, both the
conditional and the unconditional velocity can be written down exactly, with no network to train.
The same 300 starting noises are sampled with guidance at every scale. The left plot shows the
samples for your prompt at the chosen `w`, with each class's typical region as a dashed ring. The
right plot measures, against `w`: prompt adherence (how sure the true data model is that a sample
belongs to the prompt's class), diversity (the samples' spread, 1 at `w = 0`), and realism (the share
of samples inside the class's typical region; real data score 86%).

Start at `w = 0`: the samples spread over all three classes. At `w = 1` they belong to the prompt,
with a real class's spread. Now predict what `w = 8` does, then check: adherence is perfect, but the
cloud has shrunk and been shoved right out of its class's typical region, away from the other
classes. That is over-saturation, seen in two dimensions.
""" + REAL_PARAGRAPH,
        ),
        Section(
            heading="Better captions, tighter control",
            body="""\
A model can only learn to follow words that its training captions actually used. Captions scraped
alongside web videos tend to be short, vague or wrong, so the model never learns what a precise
prompt should produce.

Sora borrows a fix from DALL·E 3: first train a captioning model (a vision-language model) to write
detailed descriptions, then re-caption every training video with it. At generation time a language
model expands the user's short prompt into a similarly detailed one, so prompts look like the captions
the model was trained on. Richer, more accurate captions give the model a sharper mapping from words
to content, which means tighter text control.
""",
        ),
    ),
    summary=(
        "A text encoder turns the prompt into token embeddings; cross-attention in every DiT block lets "
        "each patch read what the prompt says should be there.",
        "Classifier-free guidance: train with the prompt sometimes dropped (10% for our model), then at "
        "each step combine `v = v_uncond + w · (v_cond − v_uncond)`.",
        "Low `w`: varied but loosely on prompt. High `w`: on prompt but less varied. Too high: over-cooked.",
        "Detailed captions, e.g. from re-captioning training videos with a vision-language model, give "
        "tighter text control.",
    ),
    quiz=(Quiz(
        question="What does raising the guidance scale `w` do?",
        choices=(
            Choice(
                text="It adds denoising steps, so the clip comes out sharper.",
                correct=False,
                why="The number of steps is a separate setting; `w` only changes how the conditional and "
                "unconditional predictions are combined at each step.",
            ),
            Choice(
                text="Outputs follow the prompt more closely but become less varied; pushed too high, they "
                "look over-saturated and over-cooked.",
                correct=True,
                why="A larger `w` extrapolates further along the prompt's direction, trading "
                "diversity for adherence until it overshoots the data.",
            ),
            Choice(
                text="Outputs become more varied, because the extrapolation amplifies the noise.",
                correct=False,
                why="It is the other way round: a higher scale narrows the outputs toward the most "
                "prompt-typical clips.",
            ),
            Choice(
                text="It lets the model understand words that were not in its training captions.",
                correct=False,
                why="Guidance only scales the effect of what the model already learned; a word it never "
                "saw stays meaningless at any scale.",
            ),
        ),
    ),),
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

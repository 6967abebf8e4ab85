"""Chapter 4: the diffusion transformer that denoises the spacetime token sequence."""
import numpy as np

from course import facts
from course.chapters import figures
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict, the_math
from sims.model_data import attention as trained

PER_SLICE = facts.tokens_per_slice()
TOKENS = facts.tokens(16)
WIDTH = facts.dit("width")


def _shares(block: int | None = None) -> tuple[float, float]:
    """(share of attention on other slices, share on the same place in other slices) of the trained
    spacetime DiT, over all 64 patches; heads averaged, and blocks too unless one is named."""
    maps = np.asarray(trained.load()["blocks"][0])               # (blocks, 64, 64): the spacetime model
    w = maps.mean(axis=0) if block is None else maps[block]
    n = len(w)
    slice_of, place = np.arange(n) // PER_SLICE, np.arange(n) % PER_SLICE
    other = slice_of[:, None] != slice_of[None, :]
    same_place = other & (place[:, None] == place[None, :])
    return float((w * other).sum(1).mean()), float((w * same_place).sum(1).mean())


def learned_paragraph() -> str:
    """The measured paragraph: computed when the page is built (sims/model_data), not on import."""
    other, same = _shares()
    last_other, last_same = _shares(-1)
    _N_SLICES = TOKENS // PER_SLICE
    _UNIFORM_OTHER = (TOKENS - PER_SLICE) / TOKENS
    _UNIFORM_SAME = (_N_SLICES - 1) / TOKENS

    return model_did(f"""
Set **Weights** to `learned`. The picture becomes a clip the course's own spacetime DiT generated
for "a red ball bouncing from left to right" (one frame for each latent slice), and the lines
become the trained network's attention, read out of the exported model while it denoised that clip
at `t = {float(trained.load()["t"]):g}`, averaged over its {facts.dit("heads")} heads and {facts.dit("depth")} blocks. Nobody chose these weights.

A first count says little. The spacetime model sends {100 * other:.0f}% of its attention to other
slices, but attention spread evenly would send {100 * _UNIFORM_OTHER:.0f}% ({TOKENS - PER_SLICE} of the
{TOKENS} tokens are there). What stands out is *where* it goes: on average {100 * same:.0f}% lands on
the {_N_SLICES - 1} patches at the same place in the other slices, against {100 * _UNIFORM_SAME:.1f}% if
spread evenly, and in the last block {100 * last_same:.0f}%. The patches look far more than their
share at the same place earlier and later in the clip. Switch to `per-frame`: the baseline, reading the same noisy latent, sends nothing
to other slices, because it computes attention slice by slice.
""")

CHAPTER = Chapter(
    number=4,
    slug="diffusion-transformer",
    title="The diffusion transformer",
    overview=(
        "Now we open the network that denoises the token sequence: a diffusion transformer, or DiT. "
        "We follow one denoising step through it, see why letting every token look across time makes "
        "motion coherent, and see how the noise level and the prompt reach every layer."
    ),
    sections=(
        Section(
            heading="One denoising step, token by token",
            body=f"""\
The denoiser receives the noisy latent and the noise level `t`. For a 16-frame clip of the course's
model the latent is `(8, 4, 8, 8)`: 8 channels, 4 time-slices, 8 × 8 positions. It is cut into
`(1, 2, 2)` patches, {PER_SLICE} per slice and {TOKENS} in all, each holding 32 numbers, and a linear
layer maps each to a vector of the model's width, {WIDTH}: a `({TOKENS}, {WIDTH})` sequence. A position code
tells every token its slice, row and column.

In each of 6 identical blocks the tokens exchange information (self-attention), read the prompt
(cross-attention) and process what they gathered (an MLP), each with a residual connection. A final
layer maps each token back to 32 numbers, folded back into an `(8, 4, 8, 8)` prediction.

What it predicts is the velocity `v = ε − x0` of [chapter 1](diffusion.html), which points from the
data towards the noise. The sampler steps **against** it, lowers `t`, and calls the network again:
""" + figures.denoising_flow(),
        ),
        Section(
            heading="Attention that spans space and time",
            sim="attention",
            body=f"""\
In self-attention each token sends out a *[query](glossary.html#qkv)* and compares it with a *key* from every token; the
better the match, the more of that token's *value* it pulls in. The key word is *every*: in our
{TOKENS}-token latent, a token in slice 1 is compared with the {PER_SLICE - 1} other tokens of its own
slice (space) and with the {TOKENS - PER_SLICE} tokens of slices 0, 2 and 3 (time). A patch on the
front edge of a red ball can find the ball in the slices before and after, and draw its own piece
where both agree; in a real clip, a patch of a dog's ear in frame 5 can consult the ear in frames 1
and 30.

The per-frame baseline is the same network with self-attention kept inside each latent
time-slice: each token sees only the {PER_SLICE} tokens of its own slice, so there are 4 × {PER_SLICE}² = {4 * PER_SLICE ** 2:,} scores per head instead of {TOKENS}² = {TOKENS ** 2:,}, and
no line crosses from one slice to another.

The simulation runs one real attention layer on a toy clip: four frames of a red ball on a pale
sky (each frame plays one latent slice), 4 × 4 patches each, 64 tokens. Its query and key matrices
are set by hand so that two patches score high when they share a colour, a little higher when they
are close in space or time. Click a patch, or focus the picture and use the arrow keys: the thicker
a line, the larger the weight. The legend names the colours of lines within the frame (space) and
to other frames (time).
""" + the_math("""
Each token's features are its patch's mean colour (minus the clip's mean colour) and a sin-cos code
of its frame, row and column, 45° per step. Queries and keys use the same diagonal matrix, weighting
colour by 7, the time code by 1 and each spatial code by 1.2, so with 9 features the score of patch
`i` for patch `j` is

`s_ij = (49 · c_i · c_j + 1.44 · (cos 45°·Δrow + cos 45°·Δcol) + cos 45°·Δframe) / 3`

where `c` is the centred colour and `Δ` the difference in frame, row or column. Each row of weights
is the [softmax](glossary.html#softmax) of the scores: `a_ij = exp(s_ij) / Σ_k exp(s_ik)`. The per-frame model sets the
scores to other frames to minus infinity first, so their weights are exactly 0.
""") + predict(
                "It opens on the ball in frame 1. Predict: where does most of its attention go? And what "
                "happens to it when you switch to the per-frame model?",
                "64% goes to other frames, nearly all of it to the ball: 28% in frame 2, 23% in frame 0 "
                "and 13% in frame 3; almost all the rest, 35.5%, stays on itself. The red ball consults "
                "its past and future selves. In the per-frame model every cross-frame line vanishes and "
                "the time share reads exactly 0%; with nothing else in its frame that looks like a ball, "
                "the patch puts 99.3% on itself. (A patch of sky spreads its attention thinly and sends "
                "about 70% to other frames, for a dull reason: 48 of the 64 patches are there.)"),
            measured=learned_paragraph,
        ),
        Section(
            heading="Why attention across time removes flicker",
            body="""\
Chapter 0 traced flicker to frames made without seeing each other. A spacetime DiT removes that
cause. In every block of every denoising step, every token is updated with information
from all the other time-slices. The early, noisy steps settle the coarse story (where the ball is, which
way it heads) for the whole clip at once; later steps refine details that already agree.

The per-frame baseline shares less: the prompt, its slice's place in time, and the decoder. That is
enough for every slice to agree there is "a red ball" going the right way, not enough to agree where
it is, so each slice picks its own position and shade: the orange jitter of chapter 0.
""" + going_further("""
Could smoothing the baseline's output afterwards fix it? No: a filter can only average frames that
disagree, turning a jumping ball into a blurred double ball. Agreement has to be reached *while* the
clip is denoised. And nobody tells the model which patches to look at: the weights are learned,
because looking across time lowers the denoising loss on coherent video (chapter 5).
"""),
        ),
        Section(
            heading="Telling every block the noise level and the prompt",
            body="""\
Near pure noise the denoiser should sketch a layout, near the end only sharpen edges, so the noise
level `t` is turned into a vector (a sinusoidal code and a small MLP) and fed to every block.

Our model adds a summary of the prompt to that vector, the average of the prompt's token vectors
through a linear layer, and feeds the sum to every block through **[adaLN-Zero](glossary.html#adaln)**, the scheme Peebles
and Xie found to work best in the original DiT: from it, each block computes a shift, a scale and a
gate for its sublayers. The prompt also arrives word by word through **cross-attention**: after
self-attention, each video token sends a query to the prompt's token vectors and pulls in what is
relevant to its place and time. Chapter 6 looks at this closely.
""" + figures.dit_block() + f"""

In all: width `{WIDTH}`, `{facts.dit("depth")}` blocks, `{facts.dit("heads")}` heads of {WIDTH // facts.dit("heads")} dimensions: small, yet complete.
""" + the_math("""
With `x̂` the normalised input of a sublayer, adaLN computes `x̂ · (1 + scale) + shift` before the
sublayer sees it, and multiplies the sublayer's output by `gate` before adding it to the residual
stream: `x ← x + gate · sublayer(x̂ · (1 + scale) + shift)`. The conditioning vector is
`cond = MLP(sincos(t)) + Linear(mean of the prompt's token vectors)`. "Zero" means the layer that
produces shift, scale and gate starts at zero, so every gate starts closed and every block begins as
the identity; training starts from a network that changes nothing and learns what to add.
"""),
        ),
    ),
    summary=(
        "The DiT takes the noisy token sequence and the noise level and predicts a velocity for every "
        "token; the sampler steps against it. The sequence length never changes.",
        "Its self-attention spans all tokens, in the same time-slice (space) and in the others (time).",
        "Coherence comes from that attention across time during denoising, not from clean-up "
        "afterwards; the per-frame baseline, confined to one slice, flickers.",
        "The timestep and a pooled prompt reach every block through adaLN-Zero; the prompt's words "
        "through cross-attention.",
        f"The course's model: width {WIDTH}, {facts.dit('depth')} blocks, {facts.dit('heads')} heads.",
    ),
    quiz=(
        Quiz(
            question="What gives a video diffusion transformer its temporal coherence?",
            choices=(
                Choice("A smoothing filter applied to the frames after they are decoded, averaging each frame with its neighbours.", False,
                       "Smoothing averages frames that disagree, which blurs a jumping object instead of fixing it."),
                Choice("The timestep embedding, which tells each frame of the clip where it sits in time.", False,
                       "The timestep is the noise level of the step, shared by the whole clip; position in time comes from the position code."),
                Choice("Self-attention across time as well as space, while denoising.", True,
                       "Tokens in different slices exchange information in every block and every step, so the clip settles on one story."),
                Choice("The text prompt, which describes the motion of the objects in every frame.", False,
                       "The per-frame baseline reads the same prompt and still flickers: the prompt says what, not exactly where."),
            ),
        ),
        Quiz(
            question=f"A 32-frame clip gives our model 8 slices of {PER_SLICE} tokens. How many attention scores "
                     "per head does one layer compute for the spacetime model, and for the per-frame baseline?",
            compute=True,
            choices=(
                Choice("16,384 and 2,048", True,
                       "128 tokens, so 128² = 16,384 scores; the baseline computes 8 slices × 16² = 2,048."),
                Choice("4,096 and 1,024", False,
                       "Those are the counts for a 16-frame clip, 64² and 4 × 16²; 32 frames double the tokens."),
                Choice("16,384 and 16,384, since both models compute every pair and the baseline only hides some", False,
                       "The baseline computes attention slice by slice, so it never forms the cross-slice scores at all."),
                Choice("128 and 16, one score for every token", False,
                       "Attention scores every *pair* of tokens, which is why its cost grows with the square of the count."),
            ),
        ),
        Quiz(
            question="In the course's model, what does the adaLN-Zero modulation of every block receive?",
            choices=(
                Choice("The timestep only; the prompt enters only through cross-attention.", False,
                       "The model also adds a pooled prompt to the timestep vector: `cond = time_mlp(t) + text_pool(mean of the text)`."),
                Choice("The timestep vector plus a pooled summary of the prompt.", True,
                       "Both reach every block as one conditioning vector; the prompt's words also arrive through cross-attention."),
                Choice("The position of each token, so that every block knows which slice it is working on.", False,
                       "Positions are added to the tokens once, at the input; adaLN carries one vector for the whole clip."),
            ),
        ),
        Quiz(
            question="The per-frame baseline's ball still moves left to right, if jerkily. Why, when its slices never attend to each other?",
            choices=(
                Choice("Each slice reads the prompt and knows its place in time, and they share the decoder.", True,
                       "That is enough to agree on the direction of motion, but not on exactly where the ball is."),
                Choice("It secretly attends across slices in its last block, where the mask is switched off.", False,
                       "The mask holds in every block: the baseline's cross-slice attention is exactly zero."),
                Choice("By chance: in other seeds its ball moves right to left as often as left to right.", False,
                       "The direction comes from the prompt and the time code, so it is right in most seeds."),
            ),
        ),
    ),
    references=(
        Reference("Peebles & Xie, Scalable Diffusion Models with Transformers (DiT)",
                  "https://arxiv.org/abs/2212.09748"),
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference("Arnab et al., ViViT: A Video Vision Transformer",
                  "https://arxiv.org/abs/2103.15691"),
        Reference("Vaswani et al., Attention Is All You Need",
                  "https://arxiv.org/abs/1706.03762"),
    ),
)

"""Chapter 4: the diffusion transformer that denoises the spacetime token sequence."""
import numpy as np

from course import facts
from course.chapters import figures
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict, the_math
from sims import attention as toy
from sims.model_data import attention as trained

PER_SLICE = facts.tokens_per_slice()
F = facts.clip_frames()
TOKENS = facts.tokens(F)
SLICES = facts.slices()
LATENT = facts.shape(facts.latent_shape())
WIDTH = facts.dit("width")
DEPTH = facts.dit("depth")
P = facts.patch()


def _pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


def _toy_shares() -> dict[str, str]:
    """What the hand-set attention layer does, read off the sim (a 64 x 64 softmax, computed at once)."""
    sim = toy.Attention()                                 # opens on the ball in frame 1
    frame = toy.where(sim.patch)[0]
    shares = sim.frame_shares()
    others = sorted((f for f in range(toy.N_FRAMES) if f != frame), key=lambda f: -shares[f])
    own = float(sim.weights()[sim.patch])
    out = {"frame": str(frame), "time": _pct(sim.time_share()), "self": _pct(own, 1),
           "split": ", ".join(f"{_pct(shares[f])} in frame {f}" for f in others[:-1])
           + f" and {_pct(shares[others[-1]])} in frame {others[-1]}"}
    sim.model = "per-frame"
    out["alone"] = _pct(float(sim.weights()[sim.patch]), 1)
    sim.model = "spacetime"
    sky = [i for i in range(toy.N_PATCHES) if i not in toy.ball_tokens()]
    out["sky"] = _pct(float(np.mean([toy.attention("spacetime")[i][toy.grid_positions()[:, 0] != toy.where(i)[0]].sum()
                                     for i in sky])))
    return out


TOY = _toy_shares()
ANGLE = f"{np.degrees(toy.ANGLE):g}"
TIME_W2 = "" if toy.TIME_WEIGHT == 1 else f"{toy.TIME_WEIGHT ** 2:g}\\,"
OTHER_SLICES = "slices " + ", ".join(map(str, [i for i in range(SLICES) if i != 1][:-1])) + f" and {SLICES - 1}"


def _shares(block: int | None = None) -> tuple[float, float]:
    """(share of attention on other slices, share on the same place in other slices) of the trained
    spacetime DiT, over all its patches; heads averaged, and blocks too unless one is named."""
    maps = np.asarray(trained.load()["blocks"][0])               # (blocks, N, N): the spacetime model
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
    n = np.asarray(trained.load()["blocks"][0]).shape[-1]       # tokens of the probed clip
    _N_SLICES = n // PER_SLICE
    _UNIFORM_OTHER = (n - PER_SLICE) / n
    _UNIFORM_SAME = (_N_SLICES - 1) / n

    return model_did(f"""
Set **Weights** to `learned`. The picture becomes a clip the course's own spacetime DiT generated
for "{trained.PROMPT}" (one frame for each latent slice), and the lines
become the trained network's attention, read out of the exported model while it denoised that clip
at `t = {float(trained.load()["t"]):g}`, averaged over its {facts.dit("heads")} heads and {facts.dit("depth")} blocks. Nobody chose these weights.

A first count says little. The spacetime model sends {100 * other:.0f}% of its attention to other
slices, but attention spread evenly would send {100 * _UNIFORM_OTHER:.0f}% ({n - PER_SLICE} of the
{n} tokens are there). What stands out is *where* it goes: on average {100 * same:.0f}% lands on
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
The denoiser receives the noisy [latent](glossary.html#latent) and the
[noise level](glossary.html#timestep) `t`. For a {F}-frame square clip of the course's model the latent is
`{LATENT}`: {facts.latent_channels()} [channels](glossary.html#channel), {SLICES}
[time-slices](glossary.html#time-slice), {facts.latent_side()} × {facts.latent_side()} positions. It is
cut into `(1, {P}, {P})` patches, {PER_SLICE} per slice and {TOKENS} in all, each holding {facts.patch_values()}
numbers, and a linear layer maps each to a vector of the model's width, {WIDTH}: a `({TOKENS}, {WIDTH})`
sequence. A position code tells every [token](glossary.html#token) its slice, row and column.

In each of {DEPTH} identical blocks the tokens exchange information
([self-attention](glossary.html#self-attention)), read the prompt
([cross-attention](glossary.html#cross-attention)) and process what they gathered (an MLP), each with
a residual connection. A final layer maps each token back to {facts.patch_values()} numbers, folded back
into a `{LATENT}` prediction.

What it predicts is the [velocity](glossary.html#velocity) `v = ε − x0` of
[chapter 1](diffusion.html), which points from the data towards the noise. The sampler steps
**against** it, lowers `t`, and calls the network again:
""" + figures.denoising_flow(),
        ),
        Section(
            heading="Attention that spans space and time",
            sim="attention",
            body=f"""\
In self-attention each token sends out a *[query](glossary.html#qkv)* and compares it with a *key*
from every token; the better the match, the more of that token's *value* it pulls in. The key word
is *every*: in our {TOKENS}-token latent, a token in slice 1 is compared with the {PER_SLICE - 1} other
tokens of its own slice (space) and with the {TOKENS - PER_SLICE} tokens of {OTHER_SLICES} (time). A
patch on the front edge of a red ball can find the ball in the slices before and after, and draw
its own piece where both agree; in a real clip, a patch of a dog's ear in
[frame](glossary.html#frame) 5 can consult the ear in frames 1 and 30.

The per-frame baseline is the same network with self-attention kept inside each latent
time-slice: each token sees only the {PER_SLICE} tokens of its own slice, so there are
{SLICES} × {PER_SLICE}² = {SLICES * PER_SLICE ** 2:,} scores per head instead of {TOKENS}² = {TOKENS ** 2:,},
and no line crosses from one slice to another.

The simulation runs one real attention layer on a toy clip: {toy.N_FRAMES} frames of a red ball on a
pale sky (each frame plays one latent slice), {toy.GRID} × {toy.GRID} patches each, {toy.N_PATCHES} tokens. Its
query and key matrices are set by hand so that two patches score high when they share a colour, a
little higher when they are close in space or time. Click a patch, or focus the picture and use the
arrow keys: the thicker a line, the larger the weight. The legend names the colours of lines within
the frame (space) and to other frames (time).
""" + the_math(rf"""
Each token's features are its patch's mean colour (minus the clip's mean colour) and a sin-cos code
of its frame, row and column, {ANGLE}° per step. Queries and keys use the same diagonal matrix,
weighting colour by {toy.COLOUR_WEIGHT:g}, the time code by {toy.TIME_WEIGHT:g} and each spatial code by
{toy.SPACE_WEIGHT:g}, so with {toy.D} features the score of patch $i$ for patch $j$ is

$$s_{{ij}} = \frac{{1}}{{\sqrt{{{toy.D}}}}}\Big({toy.COLOUR_WEIGHT ** 2:g}\, c_i \cdot c_j + {toy.SPACE_WEIGHT ** 2:g}\,\big[\cos({ANGLE}^\circ \Delta_{{\mathrm{{row}}}}) + \cos({ANGLE}^\circ \Delta_{{\mathrm{{col}}}})\big] + {TIME_W2}\cos({ANGLE}^\circ \Delta_{{\mathrm{{frame}}}})\Big)$$

where $c$ is the centred colour and $\Delta$ the difference in frame, row or column (a sine times a
sine plus a cosine times a cosine is the cosine of the difference). Each row of weights is the
[softmax](glossary.html#softmax) of the scores, $a_{{ij}} = e^{{s_{{ij}}}} / \sum_k e^{{s_{{ik}}}}$. The
per-frame model sets the scores to other frames to minus infinity first, so their weights are
exactly 0.
""") + predict(
                f"It opens on the ball in frame {TOY['frame']}. Predict: where does most of its attention go? "
                "And what happens to it when you switch to the per-frame model?",
                f"{TOY['time']} goes to other frames, nearly all of it to the ball: {TOY['split']}; almost all "
                f"the rest, {TOY['self']}, stays on itself. The red ball consults its past and future selves. "
                "In the per-frame model every cross-frame line vanishes and the time share reads exactly 0%; "
                "with nothing else in its frame that looks like a ball, the patch puts "
                f"{TOY['alone']} on itself. (A patch of sky spreads its attention thinly and sends about "
                f"{TOY['sky']} to other frames, for a dull reason: {toy.N_PATCHES - toy.PER_FRAME} of the "
                f"{toy.N_PATCHES} patches are there.)"),
            measured=learned_paragraph,
        ),
        Section(
            heading="Why attention across time removes flicker",
            body="""\
Chapter 0 traced flicker to frames made without seeing each other. A spacetime
[DiT](glossary.html#dit) removes that
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

In all: width `{WIDTH}`, `{DEPTH}` blocks, `{facts.dit("heads")}` heads of {WIDTH // facts.dit("heads")} dimensions: small, yet complete.
""" + the_math("""
With `x̂` the normalised input of a sublayer, adaLN computes `x̂ · (1 + scale) + shift` before the
sublayer sees it, and multiplies the sublayer's output by `gate` before adding it to the residual
stream: `x ← x + gate · sublayer(x̂ · (1 + scale) + shift)`. The conditioning vector is
`cond = MLP(sincos(t)) + Linear(mean of the prompt's token vectors)`. "Zero" means the layer that
produces shift, scale and gate starts at zero (as does cross-attention's output layer), so every
gate starts closed and every block begins as the identity; training starts from a network that changes nothing and learns what to add.
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
            question=f"A 32-frame clip gives our model {facts.slices(32)} slices of {PER_SLICE} tokens. How many attention "
                     "scores per head does one layer compute for the spacetime model, and for the per-frame baseline?",
            compute=True,
            choices=(
                Choice(f"{facts.tokens(32) ** 2:,} and {facts.slices(32) * PER_SLICE ** 2:,}", True,
                       f"{facts.tokens(32)} tokens, so {facts.tokens(32)}² = {facts.tokens(32) ** 2:,} scores; the baseline "
                       f"computes {facts.slices(32)} slices × {PER_SLICE}² = {facts.slices(32) * PER_SLICE ** 2:,}."),
                Choice(f"{TOKENS ** 2:,} and {SLICES * PER_SLICE ** 2:,}", False,
                       f"Those are the counts for a {F}-frame clip, {TOKENS}² and {SLICES} × {PER_SLICE}²; 32 frames double the tokens."),
                Choice(f"{facts.tokens(32) ** 2:,} and {facts.tokens(32) ** 2:,}, since both models compute every pair and "
                       "the baseline only hides some", False,
                       "The baseline computes attention slice by slice, so it never forms the cross-slice scores at all."),
                Choice(f"{facts.tokens(32)} and {PER_SLICE}, one score for every token", False,
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

"""Chapter 4: the diffusion transformer that denoises the spacetime token sequence."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.attention import learned, learned_attention


def _time_share(model: str) -> float:
    """Mean share of a patch's attention that lands on other latent slices (16 tokens a slice)."""
    weights = learned_attention(model)
    same = [[i // 16 == j // 16 for j in range(len(weights))] for i in range(len(weights))]
    return float(sum(w for row, mask in zip(weights, same) for w, m in zip(row, mask) if not m) / len(weights))


LEARNED_PARAGRAPH = f"""
Now set **Weights** to `learned`. The picture becomes a clip the course's own spacetime DiT generated
for "a red ball bouncing from left to right" (one frame for each latent slice of 4 frames), and the
lines become the trained network's attention: the softmax weights read out of the exported model
while it denoised that clip, at `t = {float(learned()["t"]):g}`, averaged over its 4 heads and 6 blocks.
Nobody chose these weights. Averaged over all 64 patches, the spacetime model sends
{100 * _time_share("spacetime"):.0f}% of its attention to other slices. Switch to `per-frame`: the
baseline, reading the same noisy latent, sends {100 * _time_share("per-frame"):.0f}%, because it computes
attention slice by slice and never sees the others.

"""

CHAPTER = Chapter(
    number=4,
    slug="diffusion-transformer",
    title="The diffusion transformer",
    overview=(
        "The last two chapters turned a clip into a compact spacetime latent and cut that latent into a "
        "sequence of tokens. Now we open the network that does the actual denoising: a diffusion "
        "transformer, or DiT. We follow one denoising step through it, see why letting every token look "
        "across time is exactly what makes motion coherent, and see how the noise level and the prompt "
        "reach every layer of the network."
    ),
    sections=(
        Section(
            heading="One denoising step, token by token",
            body="""\
The denoiser receives two things: the noisy latent, and a number saying how noisy it currently is (the
timestep or noise level `t`). The latent is patchified into tokens, exactly as in the previous chapter,
and each token is mapped by a linear layer to a vector of fixed width. A position code is added so that
every token knows where it sits: which time-slice, which row, which column.

A small worked example. Take a latent of 4 time-slices × 16 × 16 positions × 4 channels and cut it
into patches 1 slice deep and 2 × 2 positions wide. That gives 4 × 8 × 8 = `256` tokens, each
holding 1 · 2 · 2 · 4 = `16` numbers. Each token is projected up to the model's width; at the course
model's width of `128`, the sequence entering the transformer has shape (256, 128). (The course's
own clips are smaller still: 64 tokens of 32 numbers each, a (64, 128) sequence.)

The sequence then passes through a stack of identical blocks (6 in our model). Each block lets the
tokens exchange information with one another (self-attention), read the prompt (cross-attention) and
process what they gathered (an MLP), with a residual connection around each part. The length never
changes: 256 tokens go in and 256 come out. A final layer maps each token back to 16 numbers,
which are un-patchified into a tensor the same shape as the latent: the prediction.

What does it predict? The noise that was added, or, in the flow-matching setup the course's model
uses, the velocity that points from the noisy latent toward clean data. The sampler takes a small step
along that prediction, lowers `t`, and calls the same network again. One clip costs one pass per step.
""",
        ),
        Section(
            heading="Attention that spans space and time",
            sim="attention",
            body="""\
In self-attention every token sends out a query, and compares it with a key from every other token;
the better the match, the more of that token's value it pulls in. The key word is *every*. In our
256-token example, a token in time-slice 1 is compared with the 63 other tokens of its own slice
(space) and with the 192 tokens of slices 0, 2 and 3 (time).

Picture a patch that covers the front edge of a red ball in slice 1. Through attention it can find the
patches that hold the ball in slice 0 and in slice 3, see where the ball was and where it will be, and
draw its own piece of the ball in a place that agrees with both. In a real clip, a patch of a dog's
ear around frame 5 can, in the same way, consult the ear around frame 1 and around frame 30.

The course's per-frame baseline is the same network with one change: self-attention is confined to
each latent time-slice. Each token may only look at the 64 tokens of its own slice, so the model
computes 4 × 64² = 16,384 attention scores per head instead of 256² = 65,536, and every line
that would have crossed from one slice to another is gone. In the course's colours that is
**orange = per-frame**, **teal = spacetime**.

The simulation below runs one real attention layer on a clip small enough to check by hand: four
frames of a red ball hopping across a pale sky, each frame cut into 4 × 4 patches, 64 tokens in all.
A token's features are its patch's mean colour and a sin-cos code of its frame, row and column. The
query and key matrices are fixed by hand rather than learned, and they make the rule simple: two
patches score high when they share a colour, and a little higher when they sit close in space or in
time; a softmax over the scores gives the weights. Click a patch, or focus the picture and use the
arrow keys, to see where its attention goes. The thicker the line, the larger the weight;
**orange** lines stay inside the patch's own frame (space), **teal** lines reach other frames (time).

It opens on the ball in frame 1. Of its attention, 64% goes to other frames, nearly all of it to the
ball: 28% to the ball in frame 2, 23% in frame 0 and 13% in frame 3. Almost all the rest, 35.5%,
stays on itself. That is the red ball consulting its past and future selves. Now click some sky. With nothing
distinctive to look for, it spreads its attention thinly, no patch getting more than about 4%.
It still sends about 70% to other frames, but for a duller reason: 48 of the 64 patches are there.

Predict before you switch to the per-frame model: what happens to the ball's attention? Every teal
line vanishes and the time share reads exactly 0%, because the mask sets those scores to minus
infinity before the softmax. And since nothing else in its own frame looks like a ball, the patch
now puts 99.3% of its attention on itself: inside one frame, there is nothing to learn about where
the ball has been or where it is going.
""" + LEARNED_PARAGRAPH,
        ),
        Section(
            heading="Why attention across time removes flicker",
            body="""\
Chapter 0 traced flicker to one cause: each frame was made without seeing the others. A spacetime DiT
removes that cause directly. At every denoising step, every token is updated with information from
all the other time-slices, and this repeats in every block and at every step. The early, very noisy
steps settle the coarse story (where the ball is, which way it is heading) jointly for the whole clip;
the later steps refine details that already agree. Coherence is built into how the clip is made.

The per-frame baseline still reads the same prompt, so every slice agrees that there is "a red ball".
But the prompt is the only thing the slices share: each slice picks its own position, size and shade,
and nothing pulls those choices together. That is the orange jitter of Chapter 0, now produced by a
real network.

Could you fix the baseline afterwards, by smoothing its output over time? Not really. A filter can
only average frames that disagree, which turns a jumping ball into a blurred double ball; it cannot
decide where the one true ball should be. Agreement has to be reached *while* the clip is being
denoised, and that is what attention across time does. Note also that nobody tells the model which
patches to look at: the attention weights are learned, because looking across time lowers the
denoising loss on real, coherent video (more on that in the next chapter).
""",
        ),
        Section(
            heading="Telling every block the noise level and the prompt",
            body="""\
The right move for the denoiser depends heavily on how noisy its input is. Near pure noise it should
sketch a plausible layout; near the end it should only sharpen edges. So the noise level `t` is turned
into a vector (a sinusoidal embedding followed by a small MLP) and fed to every block, not just the
first.

Our model does this with **adaLN-Zero**, the scheme Peebles and Xie found to work best in the original
DiT. From the timestep vector, each block computes a shift, a scale and a gate for its sublayers. The
normalised input `x̂` becomes `x̂ · (1 + scale) + shift` before the sublayer sees it, and the sublayer's
output is multiplied by the gate before it is added back to the residual stream. The "Zero" means the
layer producing these numbers starts at zero, so every gate starts closed and every block begins as
the identity: training starts from a calm network that changes nothing and learns what to add.

The prompt enters by a different route: **cross-attention**. After self-attention, each video token
sends a query to the prompt's token embeddings and pulls in what the words say should be at its
place and time. Chapter 6 looks at this in detail, together with how to turn its strength up or down.

Putting the course's model together: width `128`, `6` blocks, `4` attention heads of 32 dimensions each,
adaLN-Zero for the timestep, cross-attention to the prompt in every block. Small by modern standards,
but it has every part that the large systems have.
""",
        ),
    ),
    summary=(
        "The DiT denoiser takes the noisy token sequence plus the noise level, and predicts the noise "
        "(or velocity) for every token; the sequence length never changes.",
        "Its self-attention spans all tokens, in the same time-slice (space) and in the others (time).",
        "Coherence comes from that attention across time during denoising, not from any clean-up "
        "afterwards; the per-frame baseline, limited to one slice, flickers.",
        "The timestep reaches every block through adaLN-Zero modulation; the prompt through "
        "cross-attention.",
        "The course's model: width 128, 6 blocks, 4 heads.",
    ),
    quiz=(Quiz(
        question="What gives a video diffusion transformer its temporal coherence?",
        choices=(
            Choice(
                text="A smoothing filter applied to the frames after they are decoded.",
                correct=False,
                why="Smoothing can only average frames that disagree, which blurs a jumping object "
                "instead of fixing it; a DiT needs no such clean-up.",
            ),
            Choice(
                text="The timestep embedding, which tells each frame where it sits in the clip.",
                correct=False,
                why="The timestep is the noise level of the denoising step, shared by the whole clip; "
                "it says nothing about a frame's position in time.",
            ),
            Choice(
                text="Self-attention that spans time as well as space while denoising, so every patch is "
                "shaped by what the same region looks like earlier and later in the clip.",
                correct=True,
                why="Tokens in different time-slices exchange information at every block and every "
                "step, so the whole clip settles on one consistent story.",
            ),
            Choice(
                text="The text prompt, which describes the motion for every frame.",
                correct=False,
                why="The per-frame baseline reads the very same prompt and still flickers: the prompt "
                "says what should appear, not exactly where in each frame.",
            ),
        ),
    ),),
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

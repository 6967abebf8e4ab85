"""Chapter 8: the model family, what generation costs, and where the limits are."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, model_did, predict, the_math
from sims import cost as toy
from sims.cost import fit_formula
from sims.model_data import cost as trained

F = facts.clip_frames()
SIZE = facts.frame_size()
_SIM = toy.Cost()                                   # at its defaults: 512 px, 16 px raw patches
_SHORT, _LONG = _SIM.param.seconds.bounds
RATIO = {sec: float(raw / latent) for sec, (raw, latent) in ((sec, _SIM.flops(sec)) for sec in (_SHORT, _LONG))}
TOKEN_RATIO = float(_SIM.tokens(_SHORT)[0] / _SIM.tokens(_SHORT)[1])
OURS = toy.COURSE                                   # the course model's tokens, width, layers, steps
PASS_GFLOP = float(toy.layer_flops(OURS["tokens"], OURS["width"])) * OURS["layers"] / 1e9
CLIP_GFLOP = toy.course_model_flops() / 1e9


def _measured() -> str:
    runs = trained.load()
    frames, ms = runs["frames"], runs["ms"]
    fixed, per_gflop = fit_formula(frames, ms)
    return model_did(f"""
The third plot checks the formula against a stopwatch. It times one guided denoising step of the
course's own model, exported to ONNX and run on one CPU thread when this page was built, for every
clip length it takes ({frames[0]} to {frames[-1]} frames): **teal** the spacetime model, **orange**
the per-frame baseline, whose attention stays inside each slice. The dashed lines are the formula,
scaled by one fitted constant ({per_gflop:.1f} ms per GFLOP) plus a fixed {fixed:.1f} ms per call. From
{frames[0]} to {frames[-1]} frames the spacetime step goes from {ms[0, 0]:.1f} to {ms[0, -1]:.1f} ms and the
per-frame step from {ms[1, 0]:.1f} to {ms[1, -1]:.1f} ms. At this size the MLP term dominates, so the two
models stay close; timings move a little from one machine and run to the next.
""")



CHAPTER = Chapter(
    number=8,
    slug="scale",
    title="Scale, limits and the family",
    overview=(
        f"The course's model makes clips of {min(facts.frame_choices())} to {max(facts.frame_choices())} frames at "
        f"{facts.sizes_phrase()}, and still images; real systems make seconds of video at "
        "hundreds of pixels per side. This chapter places Sora among its relatives, works out what "
        "generation costs and why that cost explodes without compression, and names the limits that "
        "remain even when compute is not the problem."
    ),
    sections=(
        Section(
            heading="The family",
            body="""\
**Sora** (OpenAI, 2024) is the flagship of the design this course teaches: a video
[autoencoder](glossary.html#autoencoder) compresses clips into a spacetime [latent](glossary.html#latent), the latent is cut into
[spacetime patches](glossary.html#tubelet), and a large [diffusion transformer](glossary.html#dit)
denoises them, trained on videos and images of many durations, resolutions
and aspect ratios. Its report describes video models as a possible route to simulators of the
physical world.

Before that design took over, video diffusion grew out of image diffusion with **cascades** of
U-Nets. **Imagen Video** (Google, 2022) made a short, small, low-frame-rate clip with a base model
and enlarged it with a chain of spatial and temporal super-resolution models. **Make-A-Video**
(Meta, 2022) started from a text-to-image model, added temporal layers that learned motion from
unlabelled video (it never saw text-video pairs), and likewise used a frame-interpolation stage and
two super-resolution stages. Both are image networks with time added on.

**Stable Video Diffusion** (Stability AI, 2023) is a latent video U-Net: an image U-Net with
temporal layers inserted, denoising in an autoencoder's latent. It is best known for *animating a
still image*: you supply the first [frame](glossary.html#frame) and it generates the motion. Open models such as
**CogVideoX** and **Open-Sora** follow Sora's recipe openly, with 3-D video autoencoders and
spacetime transformers. The trend: one transformer attending across space and time, trained at
growing scale, increasingly treated as a world simulator.
""",
        ),
        Section(
            heading="Where the cost comes from",
            sim="cost",
            body="""\
The cost starts with the [token](glossary.html#token) count. With `T'` latent
[slices](glossary.html#time-slice) and `P` patches per slice, the
transformer sees `N = T' × P` tokens; higher resolution raises `P`, a longer clip raises `T'`.

For one transformer layer of width `d`, counting a multiply and an add as two floating-point
operations ([FLOPs](glossary.html#flop)):

- **attention** compares every token with every other: about `4 · N² · d` FLOPs;
- **projections and MLP** touch each token separately: about `24 · N · d²` FLOPs.

Multiply by the number of layers, by the number of denoising steps, and by 2 for [guidance](glossary.html#cfg)'s two
predictions. The two terms are equal when `N = 6 · d`; above that, the [quadratic](glossary.html#quadratic) attention term
dominates, and doubling the clip length roughly quadruples the cost.
""" + the_math(r"""
Where $4 N^2 d$ comes from: the scores $Q K^\top$ are an $N \times N$ table, each entry a dot
product of length $d$, so $N^2 d$ multiply-adds, $2 N^2 d$ FLOPs; the weighted sum of values costs
the same again. The per-token part: the [query](glossary.html#qkv), key, value and output projections are four
$d \times d$ matrices ($8 N d^2$ FLOPs), and an MLP four times as wide has two $d \times 4d$
matrices ($16 N d^2$):

$$\text{per layer} = \underbrace{4 N^2 d}_{\text{attention}} + \underbrace{24 N d^2}_{\text{the rest}}$$

The two are equal where

$$4 N^2 d = 24 N d^2 \iff N = 6 d .$$

Memory behaves the same way: activations grow with `N · d`, and a stored attention matrix has `N²`
entries per head. Memory-efficient attention kernels avoid storing that matrix, but still do the
`N²` work.
""") + """
The simulation plots this formula for one clip against its length, on a log scale: **orange** for
raw-pixel diffusion, **teal** for latent diffusion, with a marker at the length you choose. The left
plot is compute, the right the size of one attention matrix; the readouts give the token counts,
the FLOPs for the whole clip, and the course model's own figures.
""" + predict(
                "Before you drag the length from 1 to 20 seconds, predict: do the two compute curves stay "
                "the same distance apart on the log scale?",
                f"Almost, but the gap widens a little. Raw pixels always have {TOKEN_RATIO:g} times the tokens "
                f"here, so their attention costs {TOKEN_RATIO ** 2:g} times as much and the rest {TOKEN_RATIO:g} "
                "times; as clips grow, attention's share grows, and the ratio climbs from about "
                f"{RATIO[_SHORT]:.0f}x at {_SHORT} second towards {TOKEN_RATIO ** 2:g}x (about {RATIO[_LONG]:.0f}x "
                f"at {_LONG} seconds). Now set the raw-pixel patch to 2 px, the same fine patches the latent "
                "model uses, and watch the gap open by orders of magnitude."),
            measured=_measured,
        ),
        Section(
            heading="A worked example: five seconds at 512x512",
            body="""\
Take 5 seconds at 24 frames per second, 120 frames of 512x512, and a transformer as wide and deep
as the largest in the DiT paper, `d = 1152` and 28 layers.

- **Latent (teal).** 4x in time and 8x in space give 30 slices of 64x64; 2x2 patches give 1,024
  tokens per slice, so `N = 30,720`.
- **Raw pixels (orange).** 16x16-pixel patches give 1,024 tokens per frame and no temporal
  compression, so `N = 122,880`, four times as many.

Per denoising step, the raw model needs about 14 times the compute of the latent one. A 16x16 pixel
patch covers the same area as a 2x2 latent patch, so this whole saving comes from compressing time;
give raw pixels the same fine patches and the gap becomes tens of thousands of times.
""" + the_math(f"""
Per layer, the latent model needs `4 · 30,720² · 1152 ≈ 4.3 × 10¹²` FLOPs for attention and
`24 · 30,720 · 1152² ≈ 9.8 × 10¹¹` for the rest, about 5.3 × 10¹². The raw model has 4x the tokens,
so 16x the attention (about 7.0 × 10¹³) and 4x the rest (3.9 × 10¹²), about 7.3 × 10¹³: roughly 14
times more. Over 28 layers that is about 1.5 × 10¹⁴ FLOPs per step for the latent model and
2.1 × 10¹⁵ for the raw one; with 50 steps and guidance (× 100), one clip costs about 1.5 × 10¹⁶
FLOPs in latent space and 2.1 × 10¹⁷ in pixels. One head's stored attention matrix in one layer
would hold about 0.94 billion entries for the latent model and 15 billion for the raw one.

With 2x2 pixel patches, `N = 120 × 256 × 256 ≈ 7.9` million tokens: 256 times the latent count,
and about 65,000 times the attention work.

The course's own model sits at the other extreme: {OURS["tokens"]} tokens of width {OURS["width"]} and
{OURS["layers"]} layers, far below `6 · d = {6 * OURS["width"]}`, so its cost is dominated by the MLPs and grows
roughly linearly with clip length. By the formula one forward pass is about {PASS_GFLOP:.2f} GFLOP, and
a {OURS["steps"]}-step guided clip about {CLIP_GFLOP:.1f} GFLOP, little enough for a laptop browser.
"""),
        ),
        Section(
            heading="Limits that compute does not fix",
            body="""\
Quadratic attention sets the most visible limit: clips stay short and resolution modest, because
every extra second or pixel row adds tokens that must all attend to each other. Attending over space
and time in separate steps, or generating long videos in overlapping windows, buys length back, but
only by giving up some of the full spacetime attention that made the clip coherent.

The physics is learned, not guaranteed. The Sora report shows glass that does not shatter correctly
and food that does not change as it is eaten. Kang et al. (2024) trained video models on simple
physics scenes and found they reproduce motions close to their training examples but fail to
generalise to situations outside them. The course's own model is the same in miniature: it knows
its small world of coloured balls and squares, in its few sizes, and the motions of its training grammar, and nothing beyond.
""",
        ),
    ),
    summary=(
        "Sora's latent spacetime DiT leads the family; Stable Video Diffusion, a latent video U-Net, "
        "animates a start image; Imagen Video and Make-A-Video were cascades of image U-Nets with "
        "temporal layers added.",
        "Tokens grow with resolution × duration; per layer and step, attention costs about "
        "`4 · N² · d` and projections plus MLP about `24 · N · d²`.",
        "For a 5-second 512x512 clip, latent diffusion needs 30,720 tokens against 122,880 for raw "
        "16x16 pixel patches: about 14x less compute per step.",
        "Compression is what makes video affordable; learned physics still fails outside what the "
        "training data showed.",
    ),
    quiz=(
        Quiz(
            question="Why is latent compression essential for video diffusion?",
            choices=(
                Choice("Transformers cannot take raw pixel values as their input, only latent vectors.", False,
                       "They can: a linear layer can embed pixel patches directly. The problem is how many tokens that makes."),
                Choice("Fewer tokens: cost grows with their number, attention with its square.", True,
                       "Shrinking the volume cuts per-token work linearly and attention quadratically, on every layer of every step."),
                Choice("Compression removes the noise from the clip, so fewer denoising steps are needed.", False,
                       "The autoencoder compresses clean video; noise is added afterwards, and the step count is a separate choice."),
                Choice("The decoder invents fine detail that the transformer could never learn to produce.", False,
                       "The decoder does restore pixel detail (chapter 1), but that is a division of labour; the reason to compress is cost."),
            ),
        ),
        Quiz(
            question="A latent clip has `N = 2,000` tokens and the transformer has width `d = 500`. Per layer, "
                     "which term is larger, and by how much?",
            compute=True,
            choices=(
                Choice("Projections and MLP, by 1.5 times", True,
                       "`4 · N² · d = 8 × 10⁹`, `24 · N · d² = 1.2 × 10¹⁰`: below `N = 6 · d = 3,000` the MLP term wins."),
                Choice("Attention, by 4 times, since it is quadratic in the tokens", False,
                       "Quadratic wins only above `N = 6 · d = 3,000`; at 2,000 tokens the per-token term is larger."),
                Choice("They are equal, since N = 4 · d", False,
                       "The terms are equal at `N = 6 · d`, not `4 · d`."),
                Choice("Attention, by 16 times", False,
                       "`4 · 2,000² · 500 = 8 × 10⁹` against `24 · 2,000 · 500² = 1.2 × 10¹⁰`: attention is the smaller."),
            ),
        ),
        Quiz(
            question="A long clip of 60,000 tokens, where attention dominates, is doubled to 120,000 tokens. "
                     "About how many times does the cost per step grow?",
            compute=True,
            choices=(
                Choice("2, since twice the frames is twice the work", False,
                       "That holds for the per-token term; attention compares every pair, so it grows with the square."),
                Choice("4", True, "Twice the tokens means `2² = 4` times the pairs, and attention dominates."),
                Choice("8, since the tokens, the steps and the layers all double", False,
                       "Only the tokens double; the number of steps and layers is fixed by the model and the sampler."),
            ),
        ),
        Quiz(
            question="Which describes Make-A-Video?",
            choices=(
                Choice("A latent spacetime transformer trained on captioned videos, like Sora.", False,
                       "It is a cascade of U-Nets built on a text-to-image model, with temporal layers added."),
                Choice("A text-to-image model with temporal layers, trained without text-video pairs, in a cascade.", True,
                       "Motion was learned from unlabelled video; interpolation and two super-resolution stages enlarge the result."),
                Choice("An image-to-video U-Net that animates a supplied first frame, like Stable Video Diffusion.", False,
                       "That is Stable Video Diffusion's best-known use; Make-A-Video generates from text."),
            ),
        ),
    ),
    references=(
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference("Blattmann et al., Stable Video Diffusion",
                  "https://arxiv.org/abs/2311.15127"),
        Reference("Ho et al., Imagen Video: High Definition Video Generation with Diffusion Models",
                  "https://arxiv.org/abs/2210.02303"),
        Reference("Singer et al., Make-A-Video: Text-to-Video Generation without Text-Video Data",
                  "https://arxiv.org/abs/2209.14792"),
        Reference("Kang et al., How Far is Video Generation from World Model: A Physical Law Perspective",
                  "https://arxiv.org/abs/2411.02385"),
    ),
)

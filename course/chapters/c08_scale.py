"""Chapter 8: the model family, what generation costs, and where the limits are."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.cost import fit_formula, measured


def _measured() -> str:
    runs = measured()
    frames, ms = runs["frames"], runs["ms"]
    fixed, per_gflop = fit_formula(frames, ms)
    return f"""
The third plot checks the formula against a stopwatch. It times one guided denoising step of the
course's own model, exported to ONNX and run on one CPU thread when this page was built, for every
clip length it takes ({frames[0]} to {frames[-1]} frames): **teal** the spacetime model, **orange**
the per-frame baseline, whose attention stays inside each slice. The dashed lines are the formula,
scaled by one fitted constant ({per_gflop:.1f} ms per GFLOP) plus a fixed {fixed:.1f} ms per call. From
{frames[0]} to {frames[-1]} frames the spacetime step goes from {ms[0, 0]:.1f} to {ms[0, -1]:.1f} ms and the
per-frame step from {ms[1, 0]:.1f} to {ms[1, -1]:.1f} ms. At this size the MLP term dominates, so the two
models stay close; timings move a little from one machine and run to the next.
"""


MEASURED = _measured()

CHAPTER = Chapter(
    number=8,
    slug="scale",
    title="Scale, limits and the family",
    overview=(
        "The course's model makes 16 frames of 32x32 pixels. Real systems make seconds of video at "
        "hundreds of pixels per side. This chapter places Sora among its relatives, works out what "
        "generation costs and why that cost explodes without compression, and names the limits that "
        "remain even when compute is not the problem."
    ),
    sections=(
        Section(
            heading="The family",
            body="""\
**Sora** (OpenAI, 2024) is the flagship of the design this course teaches. A video autoencoder compresses clips into a spacetime latent, the latent is cut into spacetime patches, and a large diffusion transformer denoises them. Because a clip is just a sequence of patches, Sora was trained on videos and images of many durations, resolutions and aspect ratios. Its report describes video models as a possible route to simulators of the physical world.

Before that design took over, video diffusion grew out of image diffusion. **Imagen Video** (Google, 2022) used a cascade of U-Net diffusion models: a base model produced a short, small, low-frame-rate clip, and a chain of spatial and temporal super-resolution models enlarged it and filled in frames. **Make-A-Video** (Meta, 2022) started from a text-to-image model and added temporal layers so the network could learn motion from video. Both are image networks with time added on, not networks that treat space and time alike.

**Stable Video Diffusion** (Stability AI, 2023) and similar models work in a latent space and are best known for *animating a still image*: you supply the first frame and the model generates the motion that follows. Open models such as **CogVideoX** and **Open-Sora** follow Sora's recipe openly, with 3-D video autoencoders (typically 4x in time and 8x per spatial axis) and spacetime transformers. The trend is clear: a single transformer that attends across space and time, trained at growing scale, increasingly treated as a world simulator.
""",
        ),
        Section(
            heading="Where the cost comes from",
            sim="cost",
            body="""\
The cost starts with the token count. With `T'` latent slices and `P` patches per slice, the transformer sees `N = T' × P` tokens. Higher resolution raises `P`, and a longer clip raises `T'`, so `N` grows with resolution times duration.

For one transformer layer of width `d`, counting a multiply and an add as two floating-point operations (FLOPs):

- **attention** compares every token with every other: about `4 · N² · d` FLOPs (two `N × N × d` matrix products, the scores and the weighted sum);
- **projections and MLP** touch each token separately: about `24 · N · d²` FLOPs (the query, key, value and output projections, plus an MLP four times as wide).

Multiply that by the number of layers, then by the number of denoising steps, and by 2 when guidance runs each step with and without the prompt. The two terms are equal when `N = 6 · d`. Above that the quadratic attention term dominates, and doubling the clip length roughly quadruples the cost. Memory behaves the same way: activations grow with `N · d`, and a stored attention matrix has `N²` entries per head. Memory-efficient attention kernels avoid storing that matrix, but they still do the `N²` work.

The simulation below plots this formula for one clip against its length, on a log scale: **orange** for raw-pixel diffusion, **teal** for latent diffusion, with a marker at the length you choose. The left plot is compute, the right one the size of a single attention matrix. Before you drag the length from 1 to 20 seconds, predict: do the two curves stay the same distance apart on the log scale? Then set the raw-pixel patch to 2 px, the same fine patches the latent model uses, and watch the gap open by orders of magnitude. The readouts give the token counts, the FLOPs for the whole clip, and the course model's own figures.
""" + MEASURED,
        ),
        Section(
            heading="A worked example: five seconds at 512x512",
            body="""\
Take a 5-second clip at 24 frames per second: 120 frames of 512x512. Give the transformer the width and depth of the largest model in the DiT paper, `d = 1152` and 28 layers.

- **Latent (teal).** An autoencoder with 4x temporal and 8x spatial compression gives 120 / 4 = 30 slices of 64x64. Patches of 2x2 give 32 × 32 = 1,024 tokens per slice, so `N = 30 × 1,024 = 30,720`.
- **Raw pixels (orange).** Patches of 16x16 pixels give 32 × 32 = 1,024 tokens per frame, and there is no temporal compression, so `N = 120 × 1,024 = 122,880`, four times as many.

Per layer, the latent model needs about 4.3 × 10¹² FLOPs for attention and 1.0 × 10¹² for the rest, about 5.3 × 10¹² in all. The raw model has 4x the tokens, so 16x the attention (about 7.0 × 10¹³) and 4x the rest (3.9 × 10¹²), about 7.3 × 10¹³ in all, roughly 14 times more. Over 28 layers that comes to about 1.5 × 10¹⁴ FLOPs per denoising step for the latent model and 2.1 × 10¹⁵ for the raw one. With 50 steps and guidance (×100), one clip costs about 1.5 × 10¹⁶ FLOPs in latent space and 2.1 × 10¹⁷ in pixels. A stored attention matrix for one head in one layer would hold about 0.94 billion entries for the latent model and 15 billion for the raw one.

This comparison is generous to raw pixels. A 16x16 pixel patch covers the same area as a 2x2 latent patch, so the whole 4x saving here comes from compressing time. Give raw pixels the same fine 2x2 patches and `N` becomes 120 × 256 × 256 ≈ 7.9 million tokens: 256 times the latent count, and about 65,000 times the attention work. The course's own model sits at the other extreme. With 64 tokens of width 128 and 6 layers, `N` is far below `6 · d = 768`, so its cost is dominated by the MLPs and grows roughly linearly with clip length. One forward pass is about 0.2 GFLOP, and a 20-step guided clip needs under 10 GFLOP, little enough for a laptop browser.
""",
        ),
        Section(
            heading="Limits that compute does not fix",
            body="""\
Quadratic attention sets the most visible limit: clips stay short and resolution stays modest, because every extra second or pixel row adds tokens that must all attend to each other. Tricks such as attending over space and time in separate steps, or generating long videos in overlapping windows, buy length back, but only by giving up some of the full spacetime attention that made the clip coherent.

The physics is learned, not guaranteed. The Sora report itself shows failures: glass that does not shatter correctly, and food that does not change as it is eaten. A model absorbs the regularities of the video it was trained on. Studies of simple physics scenes find that video models reproduce motions like the ones they saw but generalise poorly to situations outside their training data. The course's own model is the same in miniature: it knows its small world of coloured balls and the motions in its training grammar, and nothing beyond that.
""",
        ),
    ),
    summary=(
        "Sora's latent spacetime DiT leads the family; Stable Video Diffusion animates a start "
        "image; Imagen Video and Make-A-Video extended image U-Nets with temporal layers and cascades.",
        "Tokens grow with resolution × duration; per layer and step, attention costs about "
        "`4 · N² · d` and projections plus MLP about `24 · N · d²`.",
        "For a 5-second 512x512 clip, latent diffusion needs 30,720 tokens against 122,880 for raw "
        "16x16 pixel patches: about 14x less compute per step.",
        "Compression is what makes video affordable; learned physics still fails outside what the "
        "training data showed.",
    ),
    quiz=(Quiz(
        question="Why is latent compression essential for video diffusion?",
        choices=(
            Choice(
                text="Transformers cannot take raw pixel values as input.",
                correct=False,
                why=(
                    "They can: a linear layer can embed pixel patches directly, and pixel-space "
                    "transformers exist. The problem is how many tokens that produces, not whether "
                    "it works."
                ),
            ),
            Choice(
                text=(
                    "Cost grows with the number of patches, and attention grows with its square, so "
                    "shrinking the volume first is what makes video affordable."
                ),
                correct=True,
                why=(
                    "Fewer tokens cut the per-token work linearly and the attention work "
                    "quadratically, on every layer of every step. Compressing 4x in time alone cuts "
                    "attention 16x."
                ),
            ),
            Choice(
                text="Compression removes the noise, so fewer denoising steps are needed.",
                correct=False,
                why=(
                    "The autoencoder compresses clean video. The noise is added afterwards, in latent "
                    "space, and the number of steps is a separate choice."
                ),
            ),
            Choice(
                text="The decoder adds fine detail that the transformer could never learn.",
                correct=False,
                why=(
                    "The decoder only restores what the latent encodes. The reason to compress is "
                    "cost: a smaller volume means far fewer tokens to attend over."
                ),
            ),
        ),
    ),),
    references=(
        Reference("OpenAI, Video generation models as world simulators (Sora report)",
                  "https://openai.com/index/video-generation-models-as-world-simulators/"),
        Reference("Blattmann et al., Stable Video Diffusion",
                  "https://arxiv.org/abs/2311.15127"),
        Reference("Ho et al., Imagen Video: High Definition Video Generation with Diffusion Models",
                  "https://arxiv.org/abs/2210.02303"),
        Reference("Singer et al., Make-A-Video: Text-to-Video Generation without Text-Video Data",
                  "https://arxiv.org/abs/2209.14792"),
    ),
)

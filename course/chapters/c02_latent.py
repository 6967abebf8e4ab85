"""Chapter 2: the video autoencoder squeezes a clip in space AND time."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.compression import SHOWN, examples


def _real_clip() -> str:
    ex = examples()
    scores = ex["psnr"]
    return f"""
Under the boxes is the course's own autoencoder at work on a clip from its training world, "{ex["prompt"][SHOWN]}":
its {ex["video"].shape[1]} frames, the {ex["latent"][SHOWN].size:,}-number latent they become (one grey tile for each of
8 channels in each of 4 slices), and what the decoder, the same ONNX file the course's generator runs,
rebuilds from that latent alone. The match is measured as PSNR, which grows by 10 dB for every tenfold
drop in squared error: {scores[SHOWN]:.1f} dB for this clip, between {scores.min():.1f} and {scores.max():.1f} dB
over {len(scores)} such clips.
"""


REAL_CLIP = _real_clip()

CHAPTER = Chapter(
    number=2,
    slug="spacetime-latent",
    title="The spacetime latent",
    overview=(
        "Denoising raw video pixels would be hopelessly expensive, so every Sora-style model first "
        "squeezes the clip with a *video autoencoder*. Unlike the image autoencoder of latent "
        "diffusion, it compresses the number of frames as well as their height and width. This "
        "chapter shows what that squeeze does to the shape of a clip, why time compresses so well, "
        "and how the numbers come out for real models and for our own."
    ),
    sections=(
        Section(
            heading="A clip is a loaf",
            body="""\
Picture a video as a loaf of bread. Its width and height are the frame's width and height, and its
length is time: cut a slice anywhere along the loaf and you get one frame. Every point inside holds
3 numbers, the red, green and blue of one pixel at one moment. A clip of `F` frames of `H × W`
pixels is a block of shape `(3, F, H, W)`.

The encoder of a video autoencoder squeezes this loaf along **all three** directions at once, into
a much smaller loaf of shape `(C, F', H', W')`. Fewer time-slices, fewer rows, fewer columns, but
more channels per point: each latent point now summarises a small neighbourhood of pixels *and*
moments, so it needs a handful of numbers (say 8 or 16) rather than 3 to describe it.

All of generation happens on the small loaf. At the very end the decoder expands the denoised
latent back to full resolution and full frame rate. Space and time are handled the same way:
typically the encoder is built from 3-D convolutions that slide along time exactly as they slide
along width and height, and our course model's autoencoder works this way too.
""",
        ),
        Section(
            heading="Why squeeze time too",
            body="""\
At 24 frames per second, neighbouring frames are one twenty-fourth of a second apart. In that time
almost nothing changes: the background is the same, the lighting is the same, and a moving object
shifts by a few pixels. An autoencoder that encoded each frame on its own would store nearly the
same information again and again, 24 times a second.

A video autoencoder instead merges a few neighbouring frames, commonly 4, into one latent
time-slice. It stores what they share once, plus enough to recover how they differ. Removing this
temporal redundancy makes the latent several times smaller on top of the spatial squeeze.

That matters because the next stage, the transformer, is by far the most expensive part of the
pipeline, and its cost grows faster than the size of its input (chapter 8 does the sums). Every
factor taken out of the latent here is paid back many times over at every denoising step.
""",
        ),
        Section(
            heading="Sizing it up",
            sim="compression",
            body="""\
The simulation below draws a raw clip (**orange**) and its latent (**teal**) as boxes to scale:
width and height for the frame, depth for time. A small bar chart, *Numbers to store*, sets the two
value counts side by side on a log scale, where equal distances mean equal factors. The readouts give
the exact counts and the compression ratio.

Start from an image autoencoder applied frame by frame: keep 64 frames, 512 px, space compression
`8` and 16 channels, and set time compression to `1`. The raw clip holds
3 × 64 × 512 × 512 = 50,331,648 values; the latent holds 16 × 64 × 64 × 64 = 4,194,304, a ratio of 12. Now predict the ratio before you set the
time compression to `4`, then check: the latent drops to 16 × 16 × 64 × 64 = 1,048,576 values, and the
ratio becomes 48. These are the factors of widely used video autoencoders such as those of
CogVideoX and Open-Sora (from version 1.2 on): 4x in time and 8x along each spatial axis.

A few more things to try:

- Move space compression from `8` to `16`. The ratio grows four-fold, not two-fold, because the
  factor applies to height *and* width.
- Double the channels from `8` to `16`. The ratio halves: channels are where the latent keeps its
  detail, and they are not free.
- Change the frame count or size with the factors fixed. Both boxes grow together and the ratio
  stays put; compression is a fixed factor, so longer and larger clips still mean larger latents.

The ratio is not a free dial, though. The harder the squeeze, the more detail the decoder has to
reconstruct from less information, so real systems stop where the decoded clip still looks right.
""" + REAL_CLIP,
        ),
        Section(
            heading="Our model's latent",
            body="""\
The course's own model works on tiny clips: 16 frames of 32 × 32 RGB, a `(3, 16, 32, 32)` block of
49,152 values. Its autoencoder compresses 4x in time and 4x along each spatial axis, into 8
channels, giving a latent of shape `(8, 4, 8, 8)`: four time-slices, each an 8 × 8 grid with 8
numbers per point. That is 2,048 values, 24 times fewer than the raw clip.

It uses 4x rather than 8x in space because its frames are so small: at 8x, a 32-pixel frame would
shrink to a 4 × 4 grid, too coarse to hold a ball's position well. You can set these factors in
the simulation above (the smallest clip and frame it offers are larger, but the ratio depends only
on the factors and channels: time `4`, space `4`, `8` channels gives 24 at any size).

Everything the rest of the course does, from patches to attention to the denoising march, happens
on this `(8, 4, 8, 8)` loaf; the decoder turns it back into 16 frames of 32 × 32 pixels only at the end.
""",
        ),
    ),
    summary=(
        "A video autoencoder compresses height, width **and** time: the latent has fewer slices, rows and columns, but more channels.",
        "Neighbouring frames are highly redundant, so compressing time shrinks the latent several-fold at little cost in quality.",
        "Generation happens entirely on the small latent; the decoder restores full resolution and frame rate at the end.",
        "Common video autoencoders (CogVideoX, Open-Sora) compress 4x in time and 8x per spatial axis: 48x fewer values with 16 channels.",
        "Our model maps `(3, 16, 32, 32)` to `(8, 4, 8, 8)`: 4x in time, 4x per spatial axis, 24x fewer values.",
    ),
    quiz=(Quiz(
        question="Why does a video autoencoder compress the time axis, not only height and width?",
        choices=(
            Choice(
                text="To speed up playback of the finished video.",
                correct=False,
                why="The decoder restores the full frame rate, so the finished clip plays exactly as it would have; the saving is in generation, not playback.",
            ),
            Choice(
                text="Because transformers cannot read the time axis.",
                correct=False,
                why="A transformer reads any sequence, and the latent still has a time axis, just with fewer slices; attention across time is the point of chapter 4.",
            ),
            Choice(
                text="To remove motion blur from the frames.",
                correct=False,
                why="Compression is about size, not sharpness; squeezing harder, if anything, makes fast motion harder to reconstruct crisply.",
            ),
            Choice(
                text="Neighbouring frames are nearly identical, so merging them removes redundancy and makes the latent much smaller.",
                correct=True,
                why="Storing what neighbouring frames share only once cuts the latent several-fold, and the expensive transformer then works on a manageable volume.",
            ),
        ),
    ),),
    references=(
        Reference(title="High-Resolution Image Synthesis with Latent Diffusion Models (Rombach et al., 2021)", url="https://arxiv.org/abs/2112.10752"),
        Reference(title="CogVideoX: Text-to-Video Diffusion Models with An Expert Transformer (3-D causal VAE)", url="https://arxiv.org/abs/2408.06072"),
        Reference(title="Open-Sora: open-source video generation (hpcaitech)", url="https://github.com/hpcaitech/Open-Sora"),
        Reference(title="Video generation models as world simulators (OpenAI Sora technical report, 2024)", url="https://openai.com/index/video-generation-models-as-world-simulators/"),
    ),
)

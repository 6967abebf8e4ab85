"""Chapter 2: the video autoencoder squeezes a clip in space AND time."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict
from sims.model_data import compression as trained

VIDEO, LATENT = facts.video_shape(), facts.latent_shape()
C, T, SIDE = LATENT[0], LATENT[1], facts.latent_side()
TIME, SPACE = facts.frames_per_slice(), facts.space_factor()


def _real_clip() -> str:
    ex = trained.load()
    scores = ex["psnr"]
    latent = ex["latent"][trained.SHOWN]                        # (C, T', H', W')
    return model_did(f"""
Under the boxes is the course's own autoencoder at work on a clip from its training world, "{ex["prompt"][trained.SHOWN]}":
its {ex["video"].shape[1]} frames, the {latent.size:,}-number latent they become (one grey tile for each of
{latent.shape[0]} channels in each of {latent.shape[1]} slices), and what the decoder, the same ONNX file the course's generator runs,
rebuilds from that latent alone. The match is measured as [PSNR](glossary.html#psnr) (peak signal-to-noise ratio), which
grows by 10 dB for every tenfold drop in squared error: {scores[trained.SHOWN]:.1f} dB for this clip, between
{scores.min():.1f} and {scores.max():.1f} dB over {len(scores)} such clips.
""")



CHAPTER = Chapter(
    number=2,
    slug="spacetime-latent",
    title="The spacetime latent",
    overview=(
        "Denoising raw video pixels would be hopelessly expensive, so every Sora-style model first "
        "squeezes the clip with a *video autoencoder*. Unlike the image autoencoder of latent "
        "diffusion, it shrinks the number of frames as well as their height and width. This chapter "
        "shows what that does to the shape of a clip, why time compresses so well, and how the "
        "numbers come out for real models and for our own."
    ),
    sections=(
        Section(
            heading="A clip is a loaf",
            body="""\
Picture a video as a loaf of bread. Its width and height are the [frame](glossary.html#frame)'s; its
length is time, so a cut anywhere along it shows one frame. Every point inside holds 3 numbers, the red, green and blue
of one pixel at one moment. A clip of `F` frames of `H × W` pixels is a block of shape
`(3, F, H, W)`.

The encoder of a video [autoencoder](glossary.html#autoencoder) squeezes this loaf along **all
three** directions into a much smaller one of shape `(C, F', H', W')`: fewer
[time-slices](glossary.html#time-slice), rows and columns, but more
[channels](glossary.html#channel). Each [latent](glossary.html#latent) point now sums up a small neighbourhood of pixels *and* moments, so it needs a handful of
numbers (8 or 16, say) rather than 3.

The denoising of the next chapters only ever touches this small loaf; the decoder is called once,
after the last step, to turn it back into frames at the original size and frame rate. Space and
time are handled by the same kind of operation: the encoder is built from 3-D convolutions that
slide along time just as they slide along width and height. The *amounts* can differ per axis, as
the next section explains.
""",
        ),
        Section(
            heading="Why squeeze time too",
            body="""\
At 24 frames per second, neighbouring frames are a twenty-fourth of a second apart, and almost
nothing changes in that time: same background, same lighting, a moving object shifted by a few
pixels. Encoding each frame on its own would store nearly the same information 24 times a second.

A video autoencoder instead merges a few neighbouring frames, commonly 4, into one latent
time-slice. It stores what they share once, plus enough to recover how they differ. That shrinks
the latent several times more, on top of the spatial squeeze.

Why 4 in time but 8 along each side? The treatment is symmetric, the factors need not be: each axis
is squeezed as far as its redundancy allows before the decoded clip visibly suffers, and real
models find that point at about 4 for time and 8 for space.

It matters because the next stage, the transformer, is by far the most expensive, and its cost
grows faster than its input (chapter 8 does the sums). Every factor removed here is repaid at every
denoising step.
""",
        ),
        Section(
            heading="Sizing it up",
            sim="compression",
            body="""\
The simulation draws a raw clip (**orange**) and its latent (**teal**) as boxes to scale: width and
height for the frame, depth for time. A bar chart, *Numbers to store*, sets the two counts side by
side on a log scale, and the readouts give the exact counts and the ratio.

Start from an image autoencoder used frame by frame: 64 frames, 512 px, space compression `8`, 16
channels, and time compression `1`. The raw clip holds 3 × 64 × 512 × 512 = 50,331,648 values; the
latent 16 × 64 × 64 × 64 = 4,194,304, a ratio of 12.
""" + predict(
                "Predict the ratio before you set time compression to `4`, then check.",
                "48. The latent drops to 16 × 16 × 64 × 64 = 1,048,576 values, four times fewer, because "
                "only the time axis changed. These are CogVideoX's factors: 4x in time, 8x along each "
                "spatial axis, 16 channels. Open-Sora 1.2 uses the same factors with only 4 channels, "
                "which makes its ratio four times larger again: 192.") + """
More to try:

- Move space compression from `8` to `16`. The ratio grows four-fold, not two-fold: the factor
  applies to height *and* width.
- Double the channels from `8` to `16`. The ratio halves: channels are where the latent keeps its
  detail, and they are not free.
- Change the frame count or size with the factors fixed. Both boxes grow and the ratio stays put:
  longer and larger clips still mean larger latents.

The ratio is not a free dial. The harder the squeeze, the more the decoder must reconstruct from
less information, so real systems stop where the decoded clip still looks right.
""" ,
            measured=_real_clip,
        ),
        Section(
            heading="Our model's latent",
            body=f"""\
The course's model works on tiny clips, such as {VIDEO[1]} square frames of {VIDEO[2]} × {VIDEO[3]} RGB, a `{facts.shape(VIDEO)}` block of
{facts.count(VIDEO):,} values. Its autoencoder compresses {TIME}x in time and {SPACE}x along each spatial axis, into {C}
channels: a latent of shape `{facts.shape(LATENT)}`, {T} time-slices of an {SIDE} × {SIDE} grid with {C} numbers per
point. That is {facts.count(LATENT):,} values, {facts.compression()} times fewer than the raw clip.

Everything the rest of the course does, from patches to attention to the denoising march, happens
on this `{facts.shape(LATENT)}` loaf.
""" + going_further(f"""
Why {SPACE}x rather than 8x in space? The frames are so small that at 8x a {facts.frame_size()}-pixel frame would
shrink to a {facts.frame_size() // 8} × {facts.frame_size() // 8} grid, too coarse to hold a ball's position well. You can set
these factors in the simulation (its frames are larger than ours, but the ratio depends only on the
factors and channels: time `{TIME}`, space `{SPACE}`, `{C}` channels gives {facts.compression()} at any size).
"""),
        ),
    ),
    summary=(
        "A video autoencoder compresses height, width **and** time: fewer slices, rows and columns, but more channels.",
        "Neighbouring frames are highly redundant, so compressing time shrinks the latent several-fold at little cost in quality.",
        "Denoising happens entirely on the small latent; the decoder restores full size and frame rate once, at the end.",
        "Common video autoencoders compress 4x in time and 8x per spatial axis: 48x fewer values with 16 channels (CogVideoX), 192x with 4 (Open-Sora 1.2).",
        f"Our model maps `{facts.shape(VIDEO)}` to `{facts.shape(LATENT)}`: {TIME}x in time, {SPACE}x per spatial axis, "
        f"{facts.compression()}x fewer values.",
    ),
    quiz=(
        Quiz(
            question="Why does a video autoencoder compress the time axis, not only height and width?",
            choices=(
                Choice("To speed up playback of the finished video on slower devices.", False,
                       "The decoder restores the full frame rate, so the clip plays as before; the saving is in generation."),
                Choice("Because transformers cannot read a time axis, so it has to be squeezed away first.", False,
                       "The latent keeps a time axis, with fewer slices; attention across time is the point of chapter 4."),
                Choice("To remove the motion blur that fast objects leave in the frames.", False,
                       "Compression is about size, not sharpness; squeezing harder makes fast motion harder to rebuild."),
                Choice("Neighbouring frames are nearly alike, so merging them removes redundancy.", True,
                       "Storing what neighbouring frames share only once cuts the latent several-fold."),
            ),
        ),
        Quiz(
            question="A clip of 32 frames of 256 × 256 RGB goes through an autoencoder with 4x in time, 8x per "
                     "spatial axis and 16 channels. How many numbers does the latent hold, and how many "
                     "times fewer than the clip is that?",
            compute=True,
            choices=(
                Choice("16 × 8 × 32 × 32 = 131,072 numbers, 48 times fewer", True,
                       "32 / 4 = 8 slices of 256 / 8 = 32 rows and columns, 16 channels; the clip has 3 × 32 × 256 × 256 = 6,291,456."),
                Choice("16 × 32 × 32 × 32 = 524,288 numbers, 12 times fewer", False,
                       "This leaves time uncompressed: 4x in time turns 32 frames into 8 slices."),
                Choice("3 × 8 × 32 × 32 = 24,576 numbers, 256 times fewer", False,
                       "The latent has 16 channels, not the clip's 3; the extra channels are where it keeps detail."),
                Choice("16 × 8 × 64 × 64 = 524,288 numbers, 12 times fewer", False,
                       "256 / 8 is 32, not 64: each spatial side shrinks eightfold."),
            ),
        ),
        Quiz(
            question="Open-Sora 1.2 compresses 4x in time and 8x per side, like CogVideoX, but keeps 4 latent "
                     "channels instead of 16. What is its compression ratio for RGB video?",
            compute=True,
            choices=(
                Choice("48, the same as CogVideoX, since the factors are the same", False,
                       "The channels count too: 4 channels instead of 16 makes the latent four times smaller again."),
                Choice("192", True,
                       "4 × 8 × 8 = 256 times fewer positions, each with 4 numbers instead of 3: 256 × 3 / 4 = 192."),
                Choice("12, because fewer channels mean more latent positions are needed", False,
                       "The positions are fixed by the factors; fewer channels only shrink each position's numbers."),
                Choice("256, one latent number for every 256 pixels of the clip", False,
                       "256 counts positions; each pixel has 3 numbers and each latent position 4, so the ratio is 192."),
            ),
        ),
        Quiz(
            question="Video autoencoders treat space and time symmetrically, yet usually squeeze 4x in time and "
                     "8x in space. How do both hold?",
            choices=(
                Choice("They do not: the time factor is a mistake that newer models have since corrected.", False,
                       "Widely used current models keep 4x in time; it is a deliberate choice, not an error."),
                Choice("The same kind of 3-D operation runs along every axis; each axis is squeezed as far as its redundancy allows.", True,
                       "Symmetric in method, not in amount: the factors are set where the decoded clip still looks right."),
                Choice("Time is compressed after the decoder has run, so it does not count as the same operation.", False,
                       "Both squeezes happen in the encoder, before any denoising; the decoder undoes both."),
            ),
        ),
    ),
    references=(
        Reference(title="High-Resolution Image Synthesis with Latent Diffusion Models (Rombach et al., 2021)", url="https://arxiv.org/abs/2112.10752"),
        Reference(title="CogVideoX: Text-to-Video Diffusion Models with An Expert Transformer (3-D causal VAE)", url="https://arxiv.org/abs/2408.06072"),
        Reference(title="Open-Sora: open-source video generation (hpcaitech)", url="https://github.com/hpcaitech/Open-Sora"),
        Reference(title="Video generation models as world simulators (OpenAI Sora technical report, 2024)", url="https://openai.com/index/video-generation-models-as-world-simulators/"),
    ),
)

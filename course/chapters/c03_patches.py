"""Chapter 3: cutting the spacetime latent into tokens a transformer can read."""
from course.content import Chapter, Choice, Quiz, Reference, Section

CHAPTER = Chapter(
    number=3,
    slug="spacetime-patches",
    title="Spacetime patches",
    overview=(
        "The denoiser is a transformer, and a transformer reads a sequence of tokens. This chapter "
        "cuts the spacetime latent from chapter 2 into small cubes, turns each cube into one token, "
        "and shows the payoff: a single model that handles clips of any length, resolution and "
        "aspect ratio, and still images as well."
    ),
    sections=(
        Section(
            heading="From a loaf to a sequence",
            body="""\
A Vision Transformer (ViT) reads an image by cutting it into a grid of square patches, say 16 × 16
pixels each, flattening every patch into a list of numbers, and mapping that list through a learned
linear layer to one token vector. The image becomes a sequence, and the transformer takes it from
there.

Spacetime patches do the same to the latent loaf, with time added. Each piece is a small cube that
spans `pt` time-slices and `ph × pw` latent positions, with all of their channels. ViViT called
these cubes *tubelets*. Each cube is flattened and projected to one token, and a position encoding
is added that says where in space **and** time the cube came from. The number of tokens is simply
how many cubes fit:

`tokens = (T' / pt) × (H' / ph) × (W' / pw)`

The transformer then predicts the noise (or velocity) for every token, and the predictions are
folded back into cubes and reassembled into a latent of the original shape.
""",
        ),
        Section(
            heading="Counting tokens",
            sim="patches",
            body="""\
Take our course model. Sixteen frames become a latent of 4 time-slices, each an 8 × 8 grid with 8
channels. Its patches are `(1, 2, 2)`: one time-slice deep and 2 × 2 positions across. Each slice
therefore gives 4 × 4 = 16 tokens, and the whole clip 4 × 16 = **64 tokens**. Every cube holds
1 × 2 × 2 × 8 = 32 numbers, which a linear layer maps to one token vector. A 32-frame clip has 8
time-slices and so **128 tokens**: twice the length, twice the sequence.

The same arithmetic at a realistic size: 64 frames of 512 × 512 pixels, through an autoencoder
that compresses 4x in time and 8x in space, gives a latent of 16 slices of 64 × 64. With `(1, 2, 2)`
patches that is 16 × 32 × 32 = 16,384 tokens. Patches two slices deep, `(2, 2, 2)`, halve it to
8,192. Patch size is a trade-off: bigger cubes mean fewer, cheaper tokens, but each token has to
describe a coarser piece of the clip.

The simulation below does this cutting for you. The top picture lays out the latent's time-slices
side by side, each labelled with the four frames it came from, and colours every cell by the token
it ends up in. Each layer of cubes has its own hue, and within a layer the tokens run from dark to
light in the order they join the sequence; thick white lines mark cube borders, thin ones single
cells. Underneath is the sequence itself, one row per layer. It opens on our model: 16 frames of
32 × 32 pixels, `(1, 2, 2)` patches, 64 tokens, with the sum written out below the pictures.

Some things to try, predicting each count before you look:

- **Length.** How many tokens for 24 frames? Six slices of 16 tokens: 96. At 32 frames, 128.
- **Patch depth.** Set `pt` to 2: pairs of slices now share one hue (the coloured bar under them
  joins the pair into one layer) and the count halves to 32. Then choose 20 frames. Five slices do
  not split into pairs, so the latent is padded with a slice of zeros (hatched grey) up to six:
  ⌈5 / 2⌉ = 3 layers and 48 tokens. Every side that a patch size does not divide is padded this way,
  at its end, and the padded cells still travel inside the last cubes.
- **Aspect.** Switch to landscape, 64 × 36 pixels: the latent is 16 columns by 9 rows. Nine rows do
  not split into pairs either, so a grey row of zeros is added and each layer holds 8 × 5 = 40
  tokens, 160 in all. Portrait, 36 × 64, gives the same 160 tokens, laid out the other way round.
- **Image.** A still picture is a clip of one frame, so it has a single slice: 16 tokens, just a
  short sequence. Try it with `pt` = 2 and half of every cube is padding, work spent on zeros.
- **Patch side.** With `ps` = 1 every cell is its own token (256 for our clip); with `ps` = 4
  there are only 16, each a coarse 4 × 4 block.
""",
        ),
        Section(
            heading="Any length, any size, any shape",
            body="""\
Here is the superpower. The transformer never sees a "video of a fixed size"; it sees a sequence of
tokens, each tagged with its position. So changing the shape of the clip only changes the sequence:

- a **longer clip** adds time-slices, so more tokens (16 → 32 frames took our model from 64 to 128);
- a **higher resolution** adds patches to every slice;
- **portrait or landscape** keeps the count but changes the layout: a 512 × 288 landscape frame
  gives a 64 × 36 latent and 32 × 18 = 576 tokens per slice, and the same frame turned portrait
  gives 18 × 32, also 576, just arranged the other way.

An image fits the same scheme: it is a video with a single time-slice, one layer of patches. A
512 × 512 picture through the autoencoder above becomes a 64 × 64 latent and 1,024 tokens. One
model, one set of weights, can therefore learn from and generate still images and clips of many
lengths and shapes, without cropping or resizing everything to one fixed format.
""",
        ),
        Section(
            heading="How Sora used it",
            body="""\
OpenAI's Sora report describes exactly this design: videos and images are compressed into a
spacetime latent, cut into spacetime patches, and fed to a diffusion transformer. Because patches
work for any shape, Sora was trained on videos and images at their native durations, resolutions
and aspect ratios rather than on clips cropped to one square size. The report notes that this
improved framing: models trained on square crops sometimes generate subjects cut off at the edge
of the frame.

At generation time, the shape of the starting noise chooses the shape of the output. Lay out the
noise as a widescreen grid and you get a widescreen video; lay it out tall and you get a vertical
one. Training on sequences of different lengths in one batch needs some bookkeeping, such as
packing several short sequences together as in NaViT, but the model itself does not change.
""",
        ),
    ),
    summary=(
        "A transformer needs tokens: the spacetime latent is cut into small cubes (tubelets), and each cube becomes one token.",
        "Token count = `(T'/pt) × (H'/ph) × (W'/pw)`; our model uses `(1, 2, 2)` patches, giving 64 tokens for 16 frames and 128 for 32.",
        "Longer clips, higher resolutions and other aspect ratios just mean longer or differently arranged sequences; an image is a one-slice video.",
        "This let Sora train on videos and images of many sizes and lengths at their native shapes, with one model.",
    ),
    quiz=(Quiz(
        question="What do spacetime patches make possible?",
        choices=(
            Choice(
                text="Skipping the autoencoder, since patches compress the video on their own.",
                correct=False,
                why="Patches are cut from the latent the autoencoder produces; they regroup values into tokens but do not remove any.",
            ),
            Choice(
                text="One model that handles clips of any length, resolution and aspect ratio, because a clip is just a longer or shorter token sequence.",
                correct=True,
                why="The transformer only sees a sequence of position-tagged tokens, so a different clip shape is just a different sequence.",
            ),
            Choice(
                text="Flicker-free video by themselves, with no further work.",
                correct=False,
                why="Patches only turn the latent into tokens. Coherence comes from the transformer's attention reaching across time while it denoises (chapter 4).",
            ),
            Choice(
                text="A transformer that needs no position information.",
                correct=False,
                why="The opposite: a sequence alone does not say where a cube came from, so every token carries a position encoding in space and time.",
            ),
        ),
    ),),
    references=(
        Reference(title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale (ViT)", url="https://arxiv.org/abs/2010.11929"),
        Reference(title="ViViT: A Video Vision Transformer (tubelet embedding)", url="https://arxiv.org/abs/2103.15691"),
        Reference(title="Patch n' Pack: NaViT, a Vision Transformer for any Aspect Ratio and Resolution", url="https://arxiv.org/abs/2307.06304"),
        Reference(title="Video generation models as world simulators (OpenAI Sora technical report, 2024)", url="https://openai.com/index/video-generation-models-as-world-simulators/"),
    ),
)

"""Chapter 3: cutting the spacetime latent into tokens a transformer can read."""
from course import facts
from course.chapters import figures
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further, model_did, predict
from sims import patches as toy
from sims.model_data import shapes as trained

PER_SLICE = facts.tokens_per_slice()
F = facts.clip_frames()
C, T, SIDE = facts.latent_channels(), facts.slices(), facts.latent_side()
P = facts.patch()
PATCH = f"`(1, {P}, {P})`"          # our patches: one slice deep


def grid(**controls) -> toy.Grid:
    """The patches sim's latent grid at these control values (the rest at their defaults)."""
    return toy.Patches(**controls).grid()


LANDSCAPE = grid(aspect="landscape")


def shapes_paragraph() -> str:
    """Our model in every shape: computed when the page is built (sims/model_data/shapes.py), not on import."""
    real, made = trained.load(), trained.made()
    count = {shape: int(real["tokens"][i]) for i, shape in enumerate(made)}
    size = {shape: "{} × {}".format(*(int(v) for v in real["size"][i])) for i, shape in enumerate(made)}
    listed = "; ".join(f"{shape} {size[shape]} pixels, {count[shape]} tokens" for shape in made)
    return model_did(f"""
The last picture is not a stand-in: it is the course's own spacetime model, one set of weights,
trained on a mixture of square, landscape and portrait clips and still images (the generator in
chapter 7 offers the same four). When this page was built it made "{trained.PROMPT}" in every
shape, from seed {trained.SEED}; switch `Shape` to see each. The token counts, as the exported
model states them (width × height; {F} frames for the clips, one for the image): {listed}. The
readout under the picture gives the chosen shape's latent.

Nothing in the network changes from one shape to the next: the same patch layer, the same blocks,
the same weights. Only the length of the token sequence differs, and with it the position codes,
which tell each token its slice, row and column.{_padding_note(size)}
""")


def _padding_note(size: dict) -> str:
    if "landscape" not in size:
        return ""
    return (f" The toy's landscape is {toy.ASPECTS['landscape'][1]} × {toy.ASPECTS['landscape'][0]} so that "
            f"you can watch padding; our model's is {size['landscape']}, a {_latent_of(size['landscape'])} latent "
            f"that its {P} × {P} patches divide exactly.")


def _latent_of(pixels: str) -> str:
    """'64 × 32' (pixels) -> '16 × 8' (latent cells)."""
    width, height = (int(v) for v in pixels.split(" × "))
    return f"{width // facts.space_factor()} × {height // facts.space_factor()}"
PAIRS_20 = grid(frames=20, pt=2)

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
A Vision Transformer (ViT) reads an image by cutting it into square patches, say 16 × 16 pixels,
flattening each patch into a list of numbers, and mapping that list through a learned linear layer
to one [token](glossary.html#token) vector. The image becomes a sequence.

[Spacetime patches](glossary.html#tubelet) do the same to the [latent](glossary.html#latent) loaf,
with time added. Each piece is a small cube that spans `pt` [time-slices](glossary.html#time-slice)
and `ph × pw` latent positions, with all their [channels](glossary.html#channel); ViViT called these
cubes *tubelets*. Each cube is flattened and projected to one token, and a position code is added
that says where in space **and** time the cube came from. The number of tokens is how many cubes
fit:

`tokens = (T' / pt) × (H' / ph) × (W' / pw)`
""" + figures.tubelet() + """

The transformer predicts the [velocity](glossary.html#velocity) (or noise) for every token, and the predictions are folded
back into cubes and reassembled into a latent of the original shape.
""",
        ),
        Section(
            heading="Counting tokens",
            sim="patches",
            measured=shapes_paragraph,
            body=f"""\
Take our course model. {F} [frames](glossary.html#frame) become a latent of {T} time-slices, each an
{SIDE} × {SIDE} grid with {C} channels. Its patches are {PATCH}: one slice deep, {P} × {P} positions
across. So our model makes {PER_SLICE} tokens per slice, and **{facts.tokens(F)} tokens** for the whole
clip. Every cube holds 1 × {P} × {P} × {C} = {facts.patch_values()} numbers, which a linear layer maps to
one token vector.

At a realistic size: 64 frames of 512 × 512 pixels, through an
[autoencoder](glossary.html#autoencoder) that compresses 4x in time and 8x in space, give 16 slices
of 64 × 64. With `(1, 2, 2)` patches that is 16 × 32 × 32 = 16,384 tokens; patches two slices deep,
`(2, 2, 2)`, halve it to 8,192. Bigger cubes mean fewer, cheaper tokens, but each token describes a
coarser piece of the clip.

The simulation does the cutting. The top picture lays the latent's time-slices side by side, each
labelled with the frames it came from, and colours every cell by the token it joins: each layer of
cubes has its own hue, and within a layer tokens run from dark to light in sequence order. Thick
white lines mark cube borders. Underneath is the sequence itself, one row per layer. It opens on our
model: {F} frames of {facts.frame_size()} × {facts.frame_size()} pixels, {PATCH} patches, {facts.tokens(F)} tokens.
""" + predict(
                "Predict each count before you look. How many tokens for 24 frames? With `pt` = 2, how "
                "many for 20 frames?",
                f"24 frames make {facts.slices(24)} slices of {PER_SLICE} tokens: {facts.tokens(24)} (and 32 frames, "
                f"{facts.tokens(32)}). With `pt` = 2 the count halves, to {grid(pt=2).tokens} for our clip: pairs of "
                f"slices share one hue, and 20 frames make {PAIRS_20.slices} slices, which do not split into pairs: the "
                f"latent is padded with a slice of zeros (hatched grey) up to {PAIRS_20.padded[0]}, giving "
                f"⌈{PAIRS_20.slices} / 2⌉ = {PAIRS_20.counts[0]} layers and {PAIRS_20.tokens} tokens. Every side a patch "
                "size does not divide is padded this way, at its end.") + predict(
                f"Now switch to landscape, {toy.ASPECTS['landscape'][1]} × {toy.ASPECTS['landscape'][0]} pixels: a "
                f"latent of {LANDSCAPE.cols} columns by {LANDSCAPE.rows} rows. Predict the token count, then try "
                f"portrait, {toy.ASPECTS['portrait'][1]} × {toy.ASPECTS['portrait'][0]}.",
                f"{LANDSCAPE.rows} rows do not split into pairs, so a row of zeros is added, and each layer holds "
                f"{LANDSCAPE.counts[2]} × {LANDSCAPE.counts[1]} = {LANDSCAPE.per_slice} tokens, {LANDSCAPE.tokens} in "
                f"all. Portrait gives the same {grid(aspect='portrait').tokens}, laid out the other way round.") + f"""
Two more: a still **image** is a clip of one frame, a single slice of {grid(aspect="image").tokens} tokens
(with `pt` = 2 half of every cube is padding). With patch side `ps` = 1 every cell is its own token
({grid(ps=1).tokens} for our clip); with `ps` = 4 there are only {grid(ps=4).tokens}, each a coarse 4 × 4 block.
""",
        ),
        Section(
            heading="Any length, any size, any shape",
            body=f"""\
Here is the superpower. The transformer never sees "a video of a fixed size"; it sees a sequence of
tokens, each tagged with its position. Changing the clip's shape only changes the sequence:

- a **longer clip** adds time-slices, so more tokens ({F} → 32 frames takes our model from
  {facts.tokens(F)} to {facts.tokens(32)});
- a **higher resolution** adds patches to every slice;
- **portrait or landscape** changes the layout: a 512 × 288 frame gives a 64 × 36 latent and
  32 × 18 = 576 tokens per slice, and the same frame turned portrait gives 18 × 32, also 576.

An image fits the same scheme: a video with one time-slice. A 512 × 512 picture becomes a 64 × 64
latent and 1,024 tokens. One model, one set of weights, can learn from and generate still images
and clips of many lengths and shapes, without cropping everything to one format.
""",
        ),
        Section(
            heading="How Sora used it",
            body="""\
OpenAI's Sora report describes this design: videos and images are compressed into a spacetime
latent, cut into spacetime patches, and fed to a [diffusion transformer](glossary.html#dit). Because patches fit any
shape, Sora was trained on videos and images at their native durations, resolutions and aspect
ratios, rather than on square crops, and the report says this improved framing. At generation
time, the shape of the starting noise chooses the shape of the output: lay the noise out wide and
you get a widescreen video.
""" + going_further("""
Training on sequences of different lengths in one batch needs some bookkeeping, such as packing
several short sequences into one, as NaViT does for images; the model itself does not change. The
report also notes that models trained on square crops sometimes generate subjects cut off at the
edge of the frame, which native aspect ratios avoid.
"""),
        ),
    ),
    summary=(
        "A transformer needs tokens: the spacetime latent is cut into small cubes (tubelets), each of which becomes one token.",
        f"Token count = `(T'/pt) × (H'/ph) × (W'/pw)`; our model uses {PATCH} patches, giving "
        f"{facts.tokens(F)} tokens for {F} frames and {facts.tokens(32)} for 32.",
        "Longer clips, higher resolutions and other aspect ratios just mean longer or differently arranged sequences; an image is a one-slice video.",
        "This let Sora train on videos and images at their native shapes, with one model.",
    ),
    quiz=(
        Quiz(
            question="What do spacetime patches make possible?",
            choices=(
                Choice("Skipping the autoencoder altogether, since cutting the video into patches compresses it on its own.", False,
                       "Patches are cut from the autoencoder's latent; they regroup values into tokens but remove none."),
                Choice("One model for clips of any length, resolution and aspect ratio.", True,
                       "The transformer only sees a sequence of position-tagged tokens, so another clip shape is another sequence."),
                Choice("Flicker-free video by themselves, before the transformer has done any denoising.", False,
                       "Patches only turn the latent into tokens; coherence comes from attention across time (chapter 4)."),
                Choice("A transformer that needs no position information, because each cube already knows its place.", False,
                       "The opposite: a sequence alone does not say where a cube came from, so each token gets a position code."),
            ),
        ),
        Quiz(
            question="A latent has 12 time-slices of 32 × 32 positions. How many tokens do `(2, 2, 2)` patches give?",
            compute=True,
            choices=(
                Choice("3,072", False, "That is the count for `(1, 2, 2)` patches: 12 × 16 × 16. Two-slice patches halve it."),
                Choice("1,536", True, "12 / 2 = 6 layers, each (32 / 2) × (32 / 2) = 256 tokens: 6 × 256 = 1,536."),
                Choice("384", False, "This divides each side by 4; a patch 2 positions wide gives 16 columns of patches, not 8."),
                Choice("6,144", False, "This counts one token per position in each of the 6 layers; a patch groups 2 × 2 positions."),
            ),
        ),
        Quiz(
            question="A 512 × 288 landscape frame gives 576 tokens per slice. What about the same frame turned portrait, 288 × 512?",
            choices=(
                Choice("576 again, arranged as 18 columns by 32 rows.", True,
                       "Turning the frame swaps rows and columns; the product, and so the count, stays the same."),
                Choice("Fewer, because the model must crop portrait frames to its square training shape first.", False,
                       "Patches fit any shape, so nothing is cropped; that is the point of training at native aspect ratios."),
                Choice("1,152, because a tall frame has twice as many rows of patches as a wide one.", False,
                       "It has more rows but fewer columns: 32 × 18 is 576 either way."),
            ),
        ),
        Quiz(
            question="How does one spacetime model handle a still image?",
            choices=(
                Choice("It cannot; images need a separate image model trained alongside the video model.", False,
                       "Sora trains one model on both, because an image fits the same token scheme."),
                Choice("As a clip with one time-slice: a single layer of patches, a short sequence.", True,
                       "Nothing in the model assumes a length; one slice is just the shortest sequence."),
                Choice("By repeating the image for 16 frames and keeping the middle frame of the output clip.", False,
                       "No copies are needed: a one-frame clip is already a valid, short token sequence."),
            ),
        ),
    ),
    references=(
        Reference(title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale (ViT)", url="https://arxiv.org/abs/2010.11929"),
        Reference(title="ViViT: A Video Vision Transformer (tubelet embedding)", url="https://arxiv.org/abs/2103.15691"),
        Reference(title="Patch n' Pack: NaViT, a Vision Transformer for any Aspect Ratio and Resolution", url="https://arxiv.org/abs/2307.06304"),
        Reference(title="Video generation models as world simulators (OpenAI Sora technical report, 2024)", url="https://openai.com/index/video-generation-models-as-world-simulators/"),
    ),
)

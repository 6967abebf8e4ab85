"""Chapter 9: the whole course on one page, with the course model's shapes and further reading."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, model_did, predict
from sims import recap as toy
from sims.model_data import recap as trained


def _measured_shapes() -> str:
    m = trained.shapes()[16]
    return model_did(f"""
A ✓ in the table marks a shape that was not only worked out by the rules but read from the exported
model itself: when this page was built, the ONNX files ran on noise for every clip length, and what
came out was recorded. At 16 frames the denoiser returned a velocity `{tuple(m["velocity"])}`, its
{m["blocks"]} self-attention layers each produced {m["heads"]} maps of {m["tokens"][0]} × {m["tokens"][0]}
weights, and the decoder returned {m["video"][1]} frames of {m["video"][2]} × {m["video"][3]} pixels. The
encoder has no ✓: it is not exported, because generation never uses it.
""")



def _tall_note() -> str:
    """Whether the course's own model makes the taller clip of the prediction, from the manifest."""
    made = {size: shape for shape, size in facts.clip_sizes().items() if shape != "image"}
    if (TALL.width, TALL.height) in made:
        return (f"(That is our model's {made[TALL.width, TALL.height]} shape: the same weights make "
                f"{TALL.width} × {TALL.height} frames as well as {SIZE} × {SIZE}; chapter 7's generator offers both.)")
    return (f"(The course's model itself only takes {SIZE} × {SIZE} frames; the other sizes are there to "
            "practise the rules.)")


STEPS = facts.default_steps()
F = facts.clip_frames()
CLIP, LONG, TALL = toy.Clip(F, 32, 32), toy.Clip(32, 32, 32), toy.Clip(F, 64, 32)
VIDEO, LATENT = facts.shape(facts.video_shape()), facts.shape(facts.latent_shape())
TOKENS, WIDTH, DEPTH, P = facts.tokens(F), facts.dit("width"), facts.dit("depth"), facts.patch()
SIZE, TIME, SPACE = facts.frame_size(), facts.frames_per_slice(), facts.space_factor()
TALL_32 = toy.Clip(32, 64, 32)                      # the second quiz question's clip
assert CLIP.video == facts.video_shape() and CLIP.latent == facts.latent_shape() and CLIP.tokens == TOKENS

CHAPTER = Chapter(
    number=9,
    slug="cheat-sheet",
    title="Cheat sheet and connections",
    overview=(
        "This page collects the course in one place: the pipeline in one picture, each piece and the "
        "job it does, the exact tensor shapes the course's own model passes along, and the papers to "
        "read next. Keep it open as a reference, or test yourself by covering the right column of "
        "each table and recalling it."
    ),
    sections=(
        Section(
            heading="The pipeline in one picture",
            body="""\
Training runs the first half (encode a real clip, add noise, learn to remove it). Generation starts
from noise in the middle and runs the rest. Shapes are written ([channels](glossary.html#channel),
time, height, width):

```
video  (RGB, frames, height, width)
  → encoder: squeeze space AND time
  → spacetime latent (C, T', H', W'): fewer slices, smaller grid, more channels
  → spacetime patches: cut into cubes, one token each
  → diffusion transformer × steps: attention over space and time,
      timestep and prompt in every block, guidance toward the prompt
  → clean latent → decoder → coherent video
```

Working on the small volume keeps the cost manageable; a transformer that sees the whole clip at
once makes the motion coherent.
""",
        ),
        Section(
            heading="Each piece and its job",
            body="""\
| Piece | Its job | Taught in |
|---|---|---|
| Video [autoencoder](glossary.html#autoencoder) | Compress space *and* time into a small [latent](glossary.html#latent); decode it back to [frames](glossary.html#frame) | [2](spacetime-latent.html) |
| [Spacetime patches](glossary.html#tubelet) | Turn the latent into [tokens](glossary.html#token), so one model handles any length, resolution and aspect ratio | [3](spacetime-patches.html) |
| [Diffusion transformer](glossary.html#dit) | Denoise all patches together, with attention across space and time | [1](diffusion.html), [4](diffusion-transformer.html) |
| [Cross-attention](glossary.html#cross-attention) + [guidance](glossary.html#cfg) | Let every patch read the prompt; the scale `w` sets how strongly the clip follows it | [6](guidance.html) |
| Scale | [World-model](glossary.html#world-model) behaviour emerges from real video; compression keeps the cost affordable | [5](coherence.html), [8](scale.html) |

Two formulas are worth remembering: guidance, `v = v_uncond + w · (v_cond − v_uncond)`, and the
token count, `N = (T'/pt) × (H'/ph) × (W'/pw)`. Cost follows `N`; attention follows `N²`.
""",
        ),
        Section(
            heading="The course's model, shape by shape",
            sim="recap",
            body=f"""\
A {F}-frame clip of {SIZE}x{SIZE} RGB frames, stage by stage:

1. **Video** `{VIDEO}`: {facts.count(facts.video_shape()):,} numbers.
2. **Encoder → latent** `{LATENT}`: {TIME}x fewer [slices](glossary.html#time-slice), {SPACE}x smaller each
   side, {facts.latent_channels()} channels; {facts.count(facts.latent_shape()):,} numbers, {facts.compression()} times fewer.
3. **Patchify** with 1x{P}x{P} cubes of {facts.patch_values()} values: {facts.tokens_per_slice()} tokens per slice,
   **{TOKENS} tokens**, embedded to width {WIDTH}, a `({TOKENS}, {WIDTH})` sequence with a
   3-D position code. The prompt becomes {facts.prompt_tokens()} token ids, then
   {facts.prompt_tokens()} text vectors.
4. **DiT**: {DEPTH} blocks, each with [self-attention](glossary.html#self-attention) over all {TOKENS}
   tokens, cross-attention to the prompt, and [adaLN](glossary.html#adaln) modulation from the
   [timestep](glossary.html#timestep) plus a pooled prompt. The output folds back into a
   [velocity](glossary.html#velocity) `{LATENT}`; prompt and [null prompt](glossary.html#null-prompt)
   run as one batch of 2.
5. **× {STEPS} steps** (the default): [Euler steps](glossary.html#euler-step) from noise at `t = 1` to
   a clean latent at `t = 0`.
6. **Decoder → video** `{VIDEO}`.

The simulation draws it: tap a stage, or use the buttons, to see the tensors going in and out.
Training runs the line as far as the DiT; generation skips the encoder, starts at the latent with pure noise, goes round the dashed
loop {STEPS} times and ends at the decoder.
""" + predict(
                f"Predict before you set the clip to {LONG.frames} frames: which shapes change?",
                f"Only those with a time axis or a token count. The latent becomes `{toy.fmt(LONG.latent)}`, "
                f"patchify gives `({LONG.tokens}, {WIDTH})`, and attention compares {LONG.tokens} × {LONG.tokens} "
                f"pairs instead of {TOKENS} × {TOKENS}. The prompt's `({facts.prompt_tokens()}, {WIDTH})` stays put, "
                f"and so does the network: the same weights read {TOKENS} tokens or {LONG.tokens}. Making the "
                f"{F} frames {TALL.height} pixels tall (still {TALL.width} wide) doubles the rows of patches in "
                f"every slice, so they too make {TALL.tokens} tokens. {_tall_note()}"),
            measured=_measured_shapes,
        ),
        Section(
            heading="Where to go next",
            body="""\
- **Diffusion.** [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239) (Ho et al., 2020) set up the modern noise-then-denoise recipe.
- **Diffusion transformers.** [Scalable Diffusion Models with Transformers](https://arxiv.org/abs/2212.09748) (Peebles & Xie, 2022) replaces the U-Net with a transformer over patches; the course's blocks follow its adaLN-Zero design.
- **[Flow matching](glossary.html#flow-matching).** [Flow Matching for Generative Modeling](https://arxiv.org/abs/2210.02747) (Lipman et al., 2022), the objective the course's model is trained with.
- **Autoencoders.** [Auto-Encoding Variational Bayes](https://arxiv.org/abs/1312.6114) (Kingma & Welling, 2013), the VAE; [Neural Discrete Representation Learning](https://arxiv.org/abs/1711.00937) (van den Oord et al., 2017), the VQ-VAE behind many video tokenisers.
- **World models.** [World Models](https://arxiv.org/abs/1803.10122) (Ha & Schmidhuber, 2018) trains an agent inside a learned model of how a compressed view of the world evolves.
""",
        ),
        Section(
            heading="The whole story",
            body="""\
A video is a block of space and time, and the frames of a good clip agree with each other; an image
model run once per frame cannot make them agree, because no frame sees another (chapter 0). So a
Sora-style model generates the whole block together. It first squeezes the block with a video
autoencoder, in time as well as space, because neighbouring frames repeat each other (chapter 2).
It cuts the small latent into spacetime patches, so any length or shape is just a sequence of tokens
(chapter 3). Starting from pure noise, a diffusion transformer predicts a velocity for every token
and the sampler steps against it, again and again (chapters 1 and 4); because its attention spans
time, every patch is shaped by its past and future, and the clip settles on one consistent story.
Real video obeys permanence and rough physics, so learning to denoise it teaches those rules too
(chapter 5). The prompt enters every block, and guidance sets how firmly the clip follows it
(chapter 6). Compression is what makes all this affordable (chapter 8), and the decoder turns the
clean latent into frames you can watch (chapter 7).
""",
        ),
    ),
    summary=(
        "Pipeline: video → autoencoder → spacetime latent → patches → DiT × steps → decoder → video.",
        f"The course model: `{VIDEO}` → `{LATENT}` → {TOKENS} tokens of width {WIDTH} → {DEPTH} DiT blocks "
        f"× {STEPS} steps → `{LATENT}` → `{VIDEO}`.",
        "Compression makes generation affordable; attention across space and time makes it coherent; "
        "cross-attention and guidance make it follow the prompt.",
    ),
    quiz=(
        Quiz(
            question=f"How many tokens does the course's DiT process for a {F}-frame, {SIZE}x{SIZE} clip?",
            compute=True,
            choices=(
                Choice(f"{F * facts.tokens_per_slice()}: {F} frames, each cut into {facts.tokens_per_slice()} patches of its own", False,
                       f"This forgets that the autoencoder also compresses time: {TIME} frames share one latent slice."),
                Choice(f"{F * SIZE * SIZE:,}: one token for every pixel of every frame", False,
                       "The transformer never sees pixels; it works on patches of the compressed latent."),
                Choice(f"{F}: one token per frame, each summarising the whole picture", False,
                       f"Tokens are small spacetime cubes, not whole frames; each latent slice gives {facts.tokens_per_slice()} of them."),
                Choice(f"{TOKENS}: {facts.slices()} slices of {facts.tokens_per_slice()} patches", True,
                       f"Encoding shrinks time {TIME}x and space {SPACE}x per side, to `{LATENT}`; each {P}x{P} patch of a "
                       "slice is one token."),
            ),
        ),
        Quiz(
            question=f"Frames {TALL_32.width} pixels wide and {TALL_32.height} tall (portrait), {TALL_32.frames} of them, under the "
                     f"course's rules ({TIME}x in time, {SPACE}x per side, 1x{P}x{P} patches). How many tokens?",
            compute=True,
            choices=(
                Choice(f"{LONG.tokens}", False, f"That is {LONG.frames} frames at {SIZE} × {SIZE}; the taller frames double the rows of patches."),
                Choice(f"{TALL_32.tokens}", True,
                       f"{TALL_32.latent[1]} slices of a {TALL_32.latent[2]} × {TALL_32.latent[3]} latent grid, so "
                       f"{TALL_32.latent[2] // P} × {TALL_32.latent[3] // P} = {TALL_32.tokens // TALL_32.latent[1]} patches "
                       f"per slice: {TALL_32.latent[1]} × {TALL_32.tokens // TALL_32.latent[1]} = {TALL_32.tokens}."),
                Choice(f"{2 * TALL_32.tokens}", False,
                       f"This doubles twice; only the height doubled, so the patches per slice go from "
                       f"{facts.tokens_per_slice()} to {TALL_32.tokens // TALL_32.latent[1]}."),
                Choice(f"{TALL_32.latent[1] * TALL_32.latent[2] * TALL_32.latent[3]:,}", False,
                       f"This counts latent positions ({TALL_32.latent[1]} × {TALL_32.latent[2]} × {TALL_32.latent[3]}); "
                       f"each patch groups {P} × {P} of them."),
            ),
        ),
        Quiz(
            question="Which piece gives the course's model its smooth motion?",
            choices=(
                Choice("The decoder, whose 3-D convolutions smooth the frames after denoising.", False,
                       "The per-frame baseline shares that decoder and still flickers."),
                Choice("Self-attention across slices in the diffusion transformer.", True,
                       "The baseline is the same network with that one link cut, and it is the one that flickers."),
                Choice("The guidance scale, which pulls every frame towards the same prompt.", False,
                       "The baseline reads the same prompt with the same guidance and still jumps between slices."),
            ),
        ),
        Quiz(
            question="Which inputs reach the adaLN modulation of every block in the course's model?",
            choices=(
                Choice("The timestep and a pooled prompt.", True,
                       "Both form one conditioning vector; the prompt's words also arrive through cross-attention."),
                Choice("Only the timestep; the prompt reaches the model by cross-attention alone.", False,
                       "The model also adds a pooled summary of the prompt to the timestep vector."),
                Choice("The token positions, so each block knows where every patch sits.", False,
                       "Positions are added to the tokens once, at the input."),
            ),
        ),
    ),
    references=(
        Reference("Ho, Jain & Abbeel, Denoising Diffusion Probabilistic Models",
                  "https://arxiv.org/abs/2006.11239"),
        Reference("Peebles & Xie, Scalable Diffusion Models with Transformers (DiT)",
                  "https://arxiv.org/abs/2212.09748"),
        Reference("Lipman et al., Flow Matching for Generative Modeling",
                  "https://arxiv.org/abs/2210.02747"),
        Reference("Kingma & Welling, Auto-Encoding Variational Bayes",
                  "https://arxiv.org/abs/1312.6114"),
        Reference("van den Oord, Vinyals & Kavukcuoglu, Neural Discrete Representation Learning",
                  "https://arxiv.org/abs/1711.00937"),
        Reference("Ha & Schmidhuber, World Models", "https://arxiv.org/abs/1803.10122"),
    ),
)

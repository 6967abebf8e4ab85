"""Chapter 9: the whole course on one page, with the course model's shapes and further reading."""
from course.content import Chapter, Choice, Quiz, Reference, Section
from sims.recap import model_shapes


def _measured_shapes() -> str:
    m = model_shapes()[16]
    return f"""
A ✓ in the table marks a shape that was not only worked out by the rules but read from the exported
model itself: when this page was built, the ONNX files ran on noise for every clip length, and what
came out was recorded. At 16 frames the denoiser returned a velocity `{tuple(m["velocity"])}`, its
{m["blocks"]} self-attention layers each produced {m["heads"]} maps of {m["tokens"][0]} × {m["tokens"][0]}
weights, and the decoder returned {m["video"][1]} frames of {m["video"][2]} × {m["video"][3]} pixels. The
encoder has no ✓: it is not exported, because generation never uses it.
"""


MEASURED_SHAPES = _measured_shapes()

CHAPTER = Chapter(
    number=9,
    slug="cheat-sheet",
    title="Cheat sheet and connections",
    overview=(
        "This page collects the course in one place: the pipeline in one picture, each piece and "
        "the job it does, the exact tensor shapes the course's own model passes along, and the "
        "papers to read next. Keep it open as a reference, or test yourself by covering the right "
        "column of each table and recalling it."
    ),
    sections=(
        Section(
            heading="The pipeline in one picture",
            body="""\
A Sora-style generator is a short chain of stages. Training runs the first half (encode a real clip, add noise, learn to remove it). Generation starts from noise in the middle and runs the rest:

```
video  (frames × height × width × RGB)
  → video autoencoder (encoder): squeeze space AND time
  → spacetime latent: fewer slices, smaller grid, more channels
  → spacetime patches: cut into cubes, one token each
  → diffusion transformer × steps: attention over space and time,
      timestep and prompt injected in every block, guidance toward the prompt
  → clean latent
  → decoder: back to full size and frame rate
  → coherent video
```

Everything between the encoder and the decoder happens on the small, compressed volume. That is what makes the cost manageable. Everything inside the transformer sees the whole clip at once, and that is what makes the motion coherent.
""",
        ),
        Section(
            heading="Each piece and its job",
            body="""\
| Piece | Its job | Where it was taught |
|---|---|---|
| Video autoencoder | Compress space *and* time into a small latent; decode it back to frames at the end | Chapter 2 |
| Spacetime patches | Turn the latent into a token sequence, so one model handles any length, resolution and aspect ratio | Chapter 3 |
| Diffusion transformer (DiT) | Denoise all patches together, with attention that reaches across space and time | Chapters 1, 4 |
| Cross-attention + classifier-free guidance | Let every patch read the prompt; the guidance scale `w` sets how strongly the clip follows it | Chapter 6 |
| Scale | Lets world-model behaviour emerge from real video: permanence, steady motion, rough physics. Compression keeps the cost affordable | Chapters 5, 8 |

Two formulas are worth remembering. Guidance combines two predictions: `v = v_uncond + w · (v_cond − v_uncond)`. The token count is `N = (T'/pt) × (H'/ph) × (W'/pw)`: latent slices, height and width, each divided by the patch size along that axis. Cost follows `N`, and attention follows `N²`.
""",
        ),
        Section(
            heading="The course's model, shape by shape",
            sim="recap",
            body="""\
Here is what happens to a 16-frame clip of 32x32 RGB frames, stage by stage, with the shape written as (channels, time, height, width):

1. **Video** `(3, 16, 32, 32)`: 49,152 numbers.
2. **Encoder → latent** `(8, 4, 8, 8)`: 4x fewer slices along time, 4x smaller on each side, 8 channels. That is 2,048 numbers, 24 times fewer.
3. **Patchify** with 1x2x2 cubes: each cube holds 8 · 1 · 2 · 2 = 32 values, and there are 4 slices × 4 × 4 = **64 tokens**. A linear layer embeds each token to width 128, giving a `(64, 128)` sequence, and a 3-D position encoding records where each token sits in space and time. The prompt, meanwhile, becomes 10 token ids and then 10 text vectors for cross-attention.
4. **DiT**: 6 blocks. Each block lets all 64 tokens attend to one another, reads the prompt through cross-attention, and takes the timestep through adaLN modulation. The final layer maps each token back to 32 values, and un-patchifying gives a velocity of shape `(8, 4, 8, 8)`. With guidance, both prompt and null prompt run as one batch of 2.
5. **× 20 steps**: Euler steps from pure noise at `t = 1` to a clean latent `(8, 4, 8, 8)` at `t = 0`.
6. **Decoder → video** `(3, 16, 32, 32)`: 16 frames, ready to play.

The simulation below draws this pipeline. Tap a stage, or use the buttons, to see the tensor that goes into it and the one that comes out; the table under it gives every piece's job and shapes, with the same stage highlighted. Training runs the line as far as the DiT: a real clip through the encoder, noise mixed into its latent, one DiT pass scored against the true velocity. Generation skips the encoder: it starts at the latent with pure noise, goes round the dashed loop 20 times and ends at the decoder. It opens on a 16-frame clip of 32 × 32 frames, so every shape matches the list above.

Predict before you set the clip to 32 frames: which shapes change? Only those with a time axis or a token count. The latent becomes `(8, 8, 8, 8)`, patchify gives `(128, 128)`, and attention compares 128 × 128 pairs instead of 64 × 64. The prompt's `(10, 128)` stays put, and so does the network: the same weights read 64 tokens or 128. Then try the frame size: making the 16 frames 64 pixels tall (still 32 wide) doubles the rows of patches in every slice, so they too make 128 tokens. (The course's model itself only takes 32 × 32 frames, since its table of positions is built for an 8 × 8 latent; the other sizes are there to practise the rules.)
""" + MEASURED_SHAPES,
        ),
        Section(
            heading="Where to go next",
            body="""\
Each piece of this course has a paper behind it that rewards a full read:

- **Diffusion.** [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239) (Ho et al., 2020) set up the modern noise-then-denoise recipe.
- **Diffusion transformers.** [Scalable Diffusion Models with Transformers](https://arxiv.org/abs/2212.09748) (Peebles & Xie, 2022) replaces the U-Net with a transformer over patches. The course's blocks follow its adaLN-Zero design.
- **Flow matching.** [Flow Matching for Generative Modeling](https://arxiv.org/abs/2210.02747) (Lipman et al., 2022) is the straight-path objective the course's model is trained with.
- **Autoencoders.** [Auto-Encoding Variational Bayes](https://arxiv.org/abs/1312.6114) (Kingma & Welling, 2013) introduces the VAE, whose continuous latent is the kind latent diffusion denoises. [Neural Discrete Representation Learning](https://arxiv.org/abs/1711.00937) (van den Oord et al., 2017) introduces the VQ-VAE, with a discrete codebook, the basis of many video tokenisers.
- **World models.** [World Models](https://arxiv.org/abs/1803.10122) (Ha & Schmidhuber, 2018) compresses observations into a latent, learns to predict how that latent evolves, and trains an agent inside the learned model. It is the idea that large video generators are now approaching from the other side.
""",
        ),
    ),
    summary=(
        "Pipeline: video → autoencoder → spacetime latent → patches → DiT × steps → decoder → video.",
        "The course model: `(3, 16, 32, 32)` → `(8, 4, 8, 8)` → 64 tokens of width 128 → 6 DiT blocks "
        "× 20 steps → `(8, 4, 8, 8)` → `(3, 16, 32, 32)`.",
        "Compression makes generation affordable; attention across space and time makes it coherent; "
        "cross-attention and guidance make it follow the prompt.",
        "Read next: DDPM, DiT, flow matching, VAE and VQ-VAE, and World Models.",
    ),
    quiz=(Quiz(
        question=(
            "How many tokens does the course's DiT process for a 16-frame, 32x32 clip, and why that "
            "many?"
        ),
        choices=(
            Choice(
                text="256: 16 frames, each cut into 16 patches.",
                correct=False,
                why=(
                    "This forgets that the autoencoder also compresses time: four frames share one "
                    "latent slice, so there are 4 slices, not 16."
                ),
            ),
            Choice(
                text="16,384: one token per pixel of every frame.",
                correct=False,
                why=(
                    "The transformer never sees pixels. It works on patches of the compressed "
                    "latent, which is what keeps attention affordable."
                ),
            ),
            Choice(
                text="16: one token per frame, each summarising the whole picture.",
                correct=False,
                why=(
                    "Tokens are small spacetime cubes, not whole frames. Each latent slice gives 16 "
                    "of them, so a patch can attend to a specific place at a specific time."
                ),
            ),
            Choice(
                text=(
                    "64: the latent is (8, 4, 8, 8), and 1x2x2 patches give 4 × 4 = 16 tokens in "
                    "each of its 4 slices."
                ),
                correct=True,
                why=(
                    "Encoding shrinks time 4x and space 4x per side, then each 2x2 patch of a slice "
                    "becomes one token: 4 slices × 16 patches = 64."
                ),
            ),
        ),
    ),),
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

"""Chapter 7: the whole pipeline, as the in-browser generator runs it."""
from course.content import Chapter, Choice, Quiz, Reference, Section

CHAPTER = Chapter(
    number=7,
    slug="generate",
    title="Generating a clip, live",
    overview=(
        "Every earlier chapter looked at one piece of the machine. This one follows a single clip "
        "from start to finish through the course's own small spacetime diffusion transformer, the "
        "same model the in-browser generator will run: a prompt becomes text tokens, a block of random "
        "numbers becomes a latent, repeated transformer passes turn that latent into a clean one, "
        "and a decoder turns it into frames. Along the way you will see what each control of the "
        "generator changes, and why."
    ),
    sections=(
        Section(
            heading="From a prompt and a seed to a noisy latent",
            body="""\
Generation starts with two inputs. The first is your prompt, for example `a red ball bouncing from left to right`. The course's model was trained on synthetic clips of simple coloured objects, so it knows a small, fixed vocabulary of colours, shapes and motions. The prompt is split into words, each word becomes a token id, and the list is padded to a fixed length of 10 tokens. A small text encoder turns those ids into 10 vectors, which every transformer block will consult through cross-attention.

The second input is the **seed**, which fixes the random numbers. The generator does not start from noisy pixels. It starts from a noisy **latent** of shape `(8, F/4, 8, 8)`: 8 channels, one time-slice for every 4 frames, and an 8x8 grid per slice, because the autoencoder shrinks a 32x32 frame 4x along each side. For the default 16 frames that is `(8, 4, 8, 8)`, only 2,048 numbers. The same seed always gives the same starting noise, and so the same clip.

Next the latent is cut into spacetime patches of size 1x2x2: one slice deep, two cells high and two wide. Each slice holds 4 × 4 = **16 patches**, so 16 frames (4 slices) make **64 tokens**. The transformer sees exactly this sequence of 64 tokens, and it sees all of it at once.
""",
        ),
        Section(
            heading="The denoising march: Euler steps with guidance",
            body="""\
The model was trained with flow matching. If `x0` is a clean latent and `ε` is noise, the training mixes them as `x_t = (1 − t) · x0 + t · ε`, so `t = 1` is pure noise and `t = 0` is clean data. Given `x_t`, the network predicts the velocity `v = ε − x0`: the direction of the straight line that runs from data to noise.

Sampling walks that line backwards. Time starts at `t = 1` and moves down to `t = 0` in as many steps as you choose. At each step the model predicts `v`, and one **Euler step** moves the latent a little way against it: `x ← x + (t_next − t) · v`, where `t_next` is smaller than `t`. With 20 evenly spaced steps, each one covers 0.05 of the way. Since the training line gives `x_t = x0 + t · v`, `x − t · v` is the model's current guess of the finished clip at every step, which is why a generator can show a rough version appearing early and sharpening as the steps go on.

Each step uses **classifier-free guidance**. The model needs two velocities: one computed with your prompt (`v_cond`) and one with the empty "null" prompt (`v_uncond`). These are not computed by two separate calls. The latent is stacked twice into **one batch of two**, one copy paired with your prompt and one with the null prompt, and a single forward pass returns both. They are then combined as `v = v_uncond + w · (v_cond − v_uncond)`. A batch of two costs noticeably less than two separate passes.
""",
        ),
        Section(
            heading="Decoding, and what each control does",
            component="generator",
            body="""\
After the last step the clean latent, still `(8, 4, 8, 8)` for a 16-frame clip, goes through the autoencoder's decoder. The decoder expands time 4x and space 4x per side and returns `(3, 16, 32, 32)`: 16 RGB frames of 32x32 pixels, ready to play as an animation. The generator below runs exactly this pipeline in your browser: the course's trained model, exported to ONNX, executed by onnxruntime's WebAssembly build in a background thread, so nothing leaves your machine. Type a prompt (the words it knows are listed under the box), press Generate, and watch the model's current guess at the clean clip sharpen step by step. Here is what its controls do.

- **Steps.** More Euler steps follow the curve more closely, so the clip comes out cleaner. With very few steps the result is smeared. Because flow-matching paths are nearly straight, the improvement levels off after a modest number of steps.
- **Guidance scale `w`.** At `w = 1` you get the plain conditional prediction. Raising `w` pushes the clip harder toward the prompt, so it gets the colour and direction right more often. Pushed too far, colours over-saturate and motion turns jerky. A value around 3 is a good starting point.
- **Clip length.** Frames come in groups of four, one group per latent slice, so 8, 16 and 32 frames give 32, 64 and 128 tokens. More patches mean more work on every step. The same network handles every length, because a longer clip is just a longer sequence.
- **Seed.** A new seed gives a different clip for the same prompt. Keeping the seed fixed while you move one other control shows exactly what that control changes.

While it runs, the readout shows the step, the token count and the elapsed time. Tick the baseline box to run the **orange** per-frame baseline beside the **teal** spacetime model, on the same prompt, seed and starting noise. It is the same network, but each slice attends only to its own 16 patches. With the same prompt and seed, the baseline's object tends to jump, change size or shift colour, most visibly every fourth frame where one slice hands over to the next.
""",
        ),
        Section(
            heading="Every piece in one place",
            body="""\
Take stock of what generating one clip involves. A **compressed spacetime latent** keeps the job small: a few thousand numbers instead of about fifty thousand pixel values. **Spacetime patches** turn that latent into a sequence of 64 tokens, and the sequence simply grows if you ask for a longer clip. The **denoising march** runs one guided Euler step after another, and each step is one pass of a diffusion transformer whose attention reaches across every patch in every slice. Finally, **decoding** expands the result back into frames.

The motion comes out smooth for a reason you can now name. The denoiser saw the whole clip at once, at every step, so each frame was shaped by all the others. Nothing was stitched together afterwards. The orange baseline runs the same parts with one link cut, attention across time, and the flicker it produces comes from exactly that missing link.
""",
        ),
    ),
    summary=(
        "A prompt becomes 10 text tokens; a seed fixes a noisy latent of shape `(8, F/4, 8, 8)`, "
        "cut into 16 tokens per slice (64 for 16 frames).",
        "Sampling takes Euler steps of flow matching from `t = 1` to `t = 0`; each step runs "
        "prompt and null prompt as one batch of two and combines them with guidance.",
        "More steps give a cleaner clip, higher guidance a clip closer to the prompt, and a longer "
        "clip more tokens and more cost per step.",
        "The decoder turns the final latent into frames; the motion is smooth because the denoiser "
        "attended across the whole clip at every step.",
    ),
    quiz=(Quiz(
        question=(
            "Predict: suppose the generator is switched from 16 frames to 32 frames, with "
            "everything else kept the same. What changes?"
        ),
        choices=(
            Choice(
                text="The clip is made as two 16-frame halves that are stitched together.",
                correct=False,
                why=(
                    "Nothing is stitched: the whole clip is denoised in one pass per step, which is "
                    "what keeps it coherent from the first frame to the last."
                ),
            ),
            Choice(
                text=(
                    "The latent has 8 slices instead of 4, so the transformer sees 128 tokens "
                    "instead of 64, and every step costs more."
                ),
                correct=True,
                why=(
                    "Each 4 frames add one latent slice of 16 patches. The same model handles the "
                    "longer sequence, but each step has more tokens to process."
                ),
            ),
            Choice(
                text="The cost stays the same, because the number of denoising steps has not changed.",
                correct=False,
                why=(
                    "The number of steps is the same, but each step now processes twice as many "
                    "tokens, and attention's share of the cost grows with the square of the count."
                ),
            ),
            Choice(
                text="The generator needs a second model trained specifically for 32-frame clips.",
                correct=False,
                why=(
                    "Spacetime patches make length just the length of the token sequence, so one "
                    "model, whose position encoding stretches to the clip, covers every length it was trained on."
                ),
            ),
        ),
    ),),
    references=(
        Reference("Peebles & Xie, Scalable Diffusion Models with Transformers (DiT)",
                  "https://arxiv.org/abs/2212.09748"),
        Reference("Lipman et al., Flow Matching for Generative Modeling",
                  "https://arxiv.org/abs/2210.02747"),
        Reference("Liu et al., Flow Straight and Fast: Rectified Flow",
                  "https://arxiv.org/abs/2209.03003"),
        Reference("Ho & Salimans, Classifier-Free Diffusion Guidance",
                  "https://arxiv.org/abs/2207.12598"),
    ),
)

"""Chapter 7: the whole pipeline, as the in-browser generator runs it."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, going_further

STEPS = facts.default_steps()
W = f"{facts.default_guidance():g}"
PER_SLICE = facts.tokens_per_slice()

CHAPTER = Chapter(
    number=7,
    slug="generate",
    title="Generating a clip, live",
    overview=(
        "This chapter follows one clip from start to finish through the course's own small spacetime "
        "diffusion transformer, running in your browser: a prompt becomes text tokens, random numbers "
        "become a latent, transformer passes clean it, and a decoder turns it into frames."
    ),
    sections=(
        Section(
            heading="From a prompt and a seed to a noisy latent",
            body=f"""\
Generation starts with two inputs. The first is your prompt, for example `a red ball bouncing from
left to right`. Trained on synthetic clips of simple coloured objects, the model knows a small vocabulary of {facts.word_count()} words: colours, shapes and motions. The prompt is
split into words, each becomes a token id, and the list is padded to a fixed length of
{facts.prompt_tokens()} tokens. A small text encoder turns the ids into {facts.prompt_tokens()} vectors,
which every transformer block consults through cross-attention.

The second input is the **seed**, which fixes the starting noise: a noisy **latent** of shape `(8, F/4, 8, 8)`: 8 channels, one time-slice for
every 4 frames, and an 8 × 8 grid per slice, because the autoencoder shrinks a 32 × 32 frame 4x
along each side. For 16 frames that is `(8, 4, 8, 8)`, only 2,048 numbers. The same seed
always gives the same clip.

The latent is cut into `(1, 2, 2)` patches, {PER_SLICE} patches per slice, so 16 frames (4 slices)
make **{facts.tokens(16)} tokens**. The transformer sees all of them at once.
""",
        ),
        Section(
            heading="The denoising march: Euler steps with guidance",
            body=f"""\
The model was trained with flow matching, as [chapter 1](diffusion.html) explains: it predicts the
velocity `v = ε − x0`, which points from clean data towards noise. Sampling walks backwards, from
`t = 1` (pure noise) to `t = 0` (clean), in as many steps as you choose. Each **[Euler step](glossary.html#euler-step)** moves
the latent a little way against the velocity, `x ← x − Δt · v`; with {STEPS} evenly spaced steps,
the generator's default, each covers 1/{STEPS} of the way. At every step `x − t · v` is the model's
current guess of the finished clip, which the generator shows as it sharpens.

Each step uses **classifier-free guidance** ([chapter 6](guidance.html)): it needs one velocity
computed with your prompt and one with the null prompt. The generator stacks the latent twice into
**one batch of two**, one copy paired with each prompt, so a single call of the network returns
both; they are combined as `v = v_uncond + w · (v_cond − v_uncond)`.
""",
        ),
        Section(
            heading="Decoding, and what each control does",
            component="generator",
            body=f"""\
After the last step the clean latent goes through the autoencoder's decoder, which expands time 4x
and space 4x per side: `(8, 4, 8, 8)` becomes `(3, 16, 32, 32)`, 16 RGB frames of 32 × 32 pixels.
The generator below runs this pipeline in your browser; nothing leaves your machine. Type a prompt (the words it knows are listed under the box) and press Generate.

- **Steps.** More Euler steps follow the learned flow more closely, so the clip comes out cleaner;
  with very few it is smeared. Our generator takes a default of {STEPS} steps.
- **Guidance scale `w`.** At `w = 1` you get the plain conditional prediction. Raising `w` gets
  colour and direction right more often; pushed too far, colours drift and patches of other colours
  creep in (chapter 6 measures this). Our generator's default guidance scale is {W}.
- **Clip length.** Frames come in groups of four, one group per latent slice, so 8, 16 and 32
  frames give {facts.tokens(8)}, {facts.tokens(16)} and {facts.tokens(32)} tokens. More tokens mean more
  work on every step; the same network handles every length.
- **Seed.** A new seed, a different clip; keep it fixed to see what another control changes.

The readout shows the step, the token count and the elapsed time. Tick the baseline box to run the **orange** per-frame baseline beside the **teal** spacetime model, on the same
prompt, seed and starting noise. It is the same network, but each slice attends only to its own
{PER_SLICE} patches. Its object tends to jump, change size or shift colour, most visibly every fourth
frame, where one slice hands over to the next.
""" + going_further("""
The generator runs the course's trained model, exported to ONNX, with onnxruntime's WebAssembly
build in a background thread, so the page stays responsive while it works.

Why does the number of steps matter at all, if training used straight lines from noise to data?
Because only the training targets are straight: the flow the network learns is their average, and
it bends, so a single large step lands on a blurry average of possible clips. See
[chapter 1](diffusion.html) for the picture.
"""),
        ),
        Section(
            heading="Every piece in one place",
            body="""\
Take stock. A **compressed spacetime latent** keeps the job small: 2,048 numbers instead of 49,152
pixel values. **Spacetime patches** turn it into a sequence of tokens that
simply grows with the clip. The **denoising march** runs one guided Euler step after another, each a
pass of a diffusion transformer whose attention reaches every patch of every slice. **Decoding**
turns the result back into frames.

The motion comes out smooth for a reason you can now name: at every step, every slice was denoised
in view of all the others, and nothing was stitched together afterwards. The orange baseline runs the same parts with one link cut, attention
across time, and its flicker comes from exactly that missing link.
""",
        ),
    ),
    summary=(
        "A prompt becomes 10 text tokens; a seed fixes a noisy latent of shape `(8, F/4, 8, 8)`, "
        "cut into 16 tokens per slice (64 for 16 frames).",
        "Sampling takes Euler steps against the predicted velocity from `t = 1` to `t = 0`; each step "
        "runs prompt and null prompt as one batch of two and combines them with guidance.",
        "More steps give a cleaner clip, higher guidance a clip closer to the prompt, and a longer "
        "clip more tokens and more cost per step.",
        "The decoder turns the final latent into frames; the motion is smooth because every slice was "
        "denoised in view of all the others.",
    ),
    quiz=(
        Quiz(
            question="The generator is switched from 16 frames to 32, everything else the same. What changes?",
            choices=(
                Choice("The clip is made as two 16-frame halves, generated one after the other and stitched together.", False,
                       "Nothing is stitched: the whole clip is denoised together at every step, which keeps it coherent."),
                Choice("8 slices instead of 4: 128 tokens, and every step costs more.", True,
                       "Each 4 frames add one latent slice of 16 patches; the same model handles the longer sequence."),
                Choice("Nothing about the cost, because the number of denoising steps has not changed.", False,
                       "The steps are the same, but each processes twice the tokens, and attention grows with the square."),
                Choice("The generator has to load a second model, trained specifically for 32-frame clips.", False,
                       "Spacetime patches make length just the length of the sequence; one model covers every length it was trained on."),
            ),
        ),
        Quiz(
            question=f"With {STEPS} steps and guidance on, how many velocity predictions does one clip take, "
                     "and how many calls of the network?",
            compute=True,
            choices=(
                Choice(f"{STEPS} predictions in {STEPS} calls", False,
                       "Guidance needs two predictions per step, with and without the prompt."),
                Choice(f"{2 * STEPS} predictions in {STEPS} calls", True,
                       f"Each step predicts with the prompt and with the null prompt, as one batch of two: {STEPS} calls, {2 * STEPS} predictions."),
                Choice(f"{2 * STEPS} predictions in {2 * STEPS} calls", False,
                       "The generator stacks the two inputs into one batch, so one call returns both predictions."),
                Choice(f"{STEPS * facts.tokens(16)} predictions, one for every token at every step", False,
                       "A single call predicts the velocity of every token at once; tokens are not separate calls."),
            ),
        ),
        Quiz(
            question="How many tokens does a 24-frame clip give the course's model?",
            compute=True,
            choices=(
                Choice(f"{facts.tokens(24)}", True, f"24 / 4 = 6 slices of {PER_SLICE} patches: 6 × {PER_SLICE} = {facts.tokens(24)}."),
                Choice(f"{24 * PER_SLICE}", False, "This forgets that four frames share one latent slice."),
                Choice("24", False, "Tokens are small spacetime cubes, not frames; each slice holds 16 of them."),
                Choice(f"{facts.tokens(24) // 2}", False, "Patches are one slice deep, so every one of the 6 slices gives its own 16 tokens."),
            ),
        ),
        Quiz(
            question="Why does the baseline's object jump most visibly every fourth frame?",
            choices=(
                Choice("Every fourth frame is where one latent slice hands over to the next.", True,
                       "The four frames of a slice come from one latent, so they agree; neighbouring slices never saw each other."),
                Choice("The decoder skips every fourth frame and fills it by copying the previous one.", False,
                       "The decoder makes every frame; the jumps come from slices that disagree."),
                Choice("The seed is redrawn every four frames, so the noise changes there and nowhere else.", False,
                       "The seed fixes the noise of the whole latent once, before the first step."),
            ),
        ),
    ),
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

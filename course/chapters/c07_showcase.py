"""Chapter 7: the whole pipeline, as the in-browser generator runs it."""
from course import facts
from course.content import Chapter, Choice, Quiz, Reference, Section, details, going_further, model_did
from sims.model_data import steps as step_sweep

STEPS = facts.default_steps()
W = f"{facts.default_guidance():g}"
PER_SLICE = facts.tokens_per_slice()
F = facts.clip_frames()                                    # the example clip: 16 frames
FPS = facts.frames_per_slice()                             # frames per latent slice
SIDE, C, PX = facts.latent_side(), facts.latent_channels(), facts.frame_size()
LATENT, VIDEO = facts.latent_shape(), facts.video_shape()
PATCH = facts.patch()
SPACE = facts.space_factor()
ORDINAL = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 8: "eighth"}[FPS]
LONG, ODD = 2 * F, 24                                      # the quiz's longer clip and its 24-frame clip
WORDS = ", ".join(facts.words())


def _times(ratio: float) -> str:
    """'about twice the size it has ...' in words, for the one-step object's size over the default's."""
    if ratio >= 1.8:
        return f"about {'twice' if ratio < 2.3 else f'{ratio:.1f} times'} the size it has at {STEPS} steps"
    return f"{ratio:.1f} times the size it has at {STEPS} steps" if ratio > 1.1 else "about its usual size"


def steps_paragraph() -> str:
    """The measured few-steps paragraph: computed when the page is built (sims/model_data/steps.py)."""
    data = step_sweep.load()
    counts = [int(n) for n in data["steps"]]
    found = {n: 100 * float(data["presence"][i].mean()) for i, n in enumerate(counts)}
    wrong = {n: float(data["wrong_pixels"][i].mean()) for i, n in enumerate(counts)}
    area = {n: float(data["area"][i].mean()) for i, n in enumerate(counts)}
    prompts = len(step_sweep.prompts())
    few = [n for n in counts if n < STEPS]
    # the first step count whose clips look like the default's: no specks, the object at its size
    settled = min(n for n in counts if wrong[n] < 0.05 and abs(area[n] - area[STEPS]) <= 0.1 * area[STEPS])
    table = "\n".join(f"| {n} | {found[n]:.1f}% | {area[n]:.0f} | {wrong[n]:.2f} |" for n in counts)
    return """
How few steps are enough? Before you open the box, predict what a clip made in a single step looks
like, and how many steps a clip needs before it looks like the one the default {STEPS} steps make.
""" + model_did(f"""
When this page was built, our spacetime model generated {prompts} clips ({F} frames, `w = {W}`) at
each of {", ".join(map(str, few))} and {STEPS} steps: one for every colour, shape and motion the
prompt language has, at the usual size, moving left to right, each with its own seed. The evaluation's detector then
looked for the prompt's object in every frame, measured its size (pixels of its colour), and
counted pixels of the other object colours.

| steps | frames with the object | object size, pixels per frame | stray pixels of other colours, per frame |
|---|---|---|---|
{table}

In one step the network jumps from pure noise straight to its average guess, and an average of
many possible clips is what comes out. The object is there, in its colour, in
{found[counts[0]]:.1f}% of frames, but it is soft and {_times(area[counts[0]] / area[STEPS])}
({area[counts[0]]:.0f} pixels against {area[STEPS]:.0f}): the average of an object
at many slightly different places. Specks of other colours come with it ({wrong[counts[0]]:.1f} per
frame), at times even the faint shadow of a wall the prompt never asked for. From {settled} steps on,
the clips look like the default's: the object has its proper size and the specks are all but gone.
""")

CHAPTER = Chapter(
    number=7,
    slug="generate",
    title="Generating a clip, live",
    overview=(
        "This chapter follows one clip from start to finish through the course's own small spacetime "
        "diffusion transformer, running in your browser: a prompt becomes text tokens, random numbers "
        "become a latent, transformer passes clean it, and a decoder turns it into frames. An inspector "
        "shows the inside of that very run, step by step."
    ),
    sections=(
        Section(
            heading="From a prompt and a seed to a noisy latent",
            body=f"""\
Generation starts with two inputs. The first is your prompt, for example `a red ball bouncing from
left to right`. Trained on synthetic clips, the model knows exactly
{facts.word_count()} words: {WORDS}. The prompt is split into words, each known word becomes a
**[token](glossary.html#token)** id, and the list is padded to a fixed length of
{facts.prompt_tokens()} tokens. A small text encoder turns the ids into {facts.prompt_tokens()} vectors,
which every transformer block consults through [cross-attention](glossary.html#cross-attention).

The second input is the **seed**, which fixes the starting noise: a noisy
**[latent](glossary.html#latent)** of shape `({C}, F/{FPS}, {SIDE}, {SIDE})`, where `F` is the number of
video [frames](glossary.html#frame): {C} [channels](glossary.html#channel), one
[time-slice](glossary.html#time-slice) for every {FPS} frames, and a {SIDE} × {SIDE} grid per slice, because the
[autoencoder](glossary.html#autoencoder) shrinks a square {PX} × {PX} frame {SPACE}x along each side. For {F}
frames that is `{facts.shape(LATENT)}`, only {facts.count(LATENT):,} numbers. The same seed, the same clip.

The latent is cut into `(1, {PATCH}, {PATCH})` patches, {PER_SLICE} patches per slice of a square clip, so
{F} frames ({facts.slices()} slices) make **{facts.tokens(F)} tokens**, all seen at once.
""" + details("What runs once per clip", """\
The prompt's vectors do not change from step to step, and neither do the keys and values that each
block's cross-attention makes from them: they depend on the prompt alone. So the generator on this
page computes them once, before the first step, and every step reuses them. Only the work on the
video tokens is repeated.
"""),
        ),
        Section(
            heading="The denoising march: Euler steps with guidance",
            body=f"""\
The model was trained with [flow matching](glossary.html#flow-matching), as [chapter 1](diffusion.html)
explains: it predicts the [velocity](glossary.html#velocity) `v = ε − x0`, which points from clean
data towards noise. Sampling walks backwards, from `t = 1` (pure noise) to `t = 0` (clean), in as
many steps as you choose. Each **[Euler step](glossary.html#euler-step)** moves the latent a little way
against the velocity, `x ← x − Δt · v`, 1/{STEPS} of the way with the default {STEPS} steps. At every
step `x − t · v` is the model's current guess of the finished clip, shown as it sharpens.

Each step uses **[classifier-free guidance](glossary.html#cfg)** ([chapter 6](guidance.html)): it needs
one velocity computed with your prompt and one with the [null prompt](glossary.html#null-prompt). The
generator stacks the latent twice into **one batch of two**, one copy paired with each prompt, so a
single call of the network returns both; they are combined as
`v = v_uncond + w · (v_cond − v_uncond)`.
""",
            measured=steps_paragraph,
        ),
        Section(
            heading="Decoding, and what each control does",
            component="generator",
            body=f"""\
After the last step the clean latent goes through the autoencoder's decoder, which expands time
{FPS}x and space {SPACE}x per side: `{facts.shape(LATENT)}` becomes `{facts.shape(VIDEO)}`, {F} RGB frames
of {PX} × {PX} pixels for a square clip. The generator below runs all of it in your browser, nothing sent anywhere.
Type a prompt and press Generate.

- **Steps.** More Euler steps follow the learned flow more closely; one or two give a soft, specked
  average of possible clips (measured above). The default is {STEPS}.
- **Guidance scale `w`.** `w = 1` is the plain conditional prediction. Higher `w` gets colour and
  direction right more often; too high, and the picture over-cooks (chapter 6). The default is {W}.
- **Shape.** Square, landscape, portrait or a still image: the same weights, more or fewer tokens.
- **Clip length.** Each {FPS} frames add one latent slice ({PER_SLICE} more tokens in a square clip,
  from {facts.tokens(facts.frame_choices()[0])} to {facts.tokens(facts.frame_choices()[-1])}): more work
  per step, the same network.
- **Seed.** A new seed, a different clip; fix it to compare the other controls.

Tick the baseline box to run the **orange** per-frame baseline beside the **teal** spacetime model
on the same prompt, seed and noise: the same network, but each slice attends only to itself. Its object jumps, changes size or shifts colour, most visibly every {ORDINAL}
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
            heading="One step, seen from inside",
            body="""\
Under the generator, **Look inside the model** opens an inspector. It records a run and keeps
every step for its **Step** slider. Nothing in it is recomputed by hand: a copy of the exported
network hands out its attention weights as extra outputs, beside the velocities the sampler used.
Closed, it costs nothing. Its panels follow chapters 2 to 6 on your own prompt.
""" + details(
            "Walk through one step", f"""\
Take one step early in a run, say step 5 of {STEPS}, and read the panels top to bottom.

1. **The latent.** Left, the latent this step starts from: one small picture per channel (rows)
   and time-slice (columns), the shape [chapter 2](spacetime-latent.html) built. Right, the
   model's guess at the clean latent, `x − t · v`. The left one is still mostly noise; the guess
   already shows where the object will be.
2. **A token.** Click a cell of the token grid, or move with the arrow keys (Page Up and Page Down
   change slice). Each cell is one [spacetime patch](glossary.html#tubelet) from [chapter 3](spacetime-patches.html): one
   slice deep and {PATCH} × {PATCH} latent cells wide, which the decoder turns into a
   {PATCH * SPACE} × {PATCH * SPACE} pixel square across {FPS} frames. Pick one on the object.
3. **Where it looks.** The grid now shades every token by the [self-attention](glossary.html#self-attention)
   the picked one gives it, in the block and head you choose ([chapter 4](diffusion-transformer.html)).
   Below it, the share that stays in the token's own slice and the share that goes to the others,
   beside what uniform attention would give. Averaged over all blocks and heads, the map is close
   to uniform; pick single heads in the later blocks and some keep most of their weight inside the
   slice while others send nearly all of it across time. Tick the baseline before generating and
   its map appears beside the spacetime one, with exactly nothing on the other slices: the missing
   link of [chapter 5](coherence.html).
4. **Which words it listens to.** The bars are the picked token's cross-attention to the prompt's
   tokens ([chapter 6](guidance.html)). Tokens on the object tend to listen hardest to the colour
   word or the motion word. The padding tokens get some weight too: the model was trained with
   them in every prompt.
5. **Where the prompt pulls.** The last grid shades each token by the size of `v_cond − v_uncond`,
   how differently the model would move it with your prompt and without. Early in the run the
   strongest pull usually sits where the object ends up; by the last steps it is spread more
   evenly. The table under it gives the step the sampler would have taken at `w = 0` (the prompt
   ignored), at `w = 1` (no guidance) and at your `w`, and how far each one's clean guess lies from
   yours.

Then move the Step slider back to step 1 and forward to the end, and watch the guess settle.
""", kind="aside"),
        ),
        Section(
            heading="Every piece in one place",
            body=f"""\
Take stock. A **compressed spacetime latent** keeps the job small: {facts.count(LATENT):,} numbers
instead of {facts.count(VIDEO):,} pixel values. **[Spacetime patches](glossary.html#tubelet)** turn it
into tokens; a [diffusion transformer](glossary.html#dit) whose attention reaches every patch of every
slice cleans them in guided Euler steps; the decoder turns the result back into frames. The motion
is smooth because every slice was denoised in view of all the others, and the orange baseline
flickers because that one link is cut.
""",
        ),
    ),
    summary=(
        f"A prompt becomes {facts.prompt_tokens()} text tokens; a seed fixes a noisy latent of shape "
        f"`({C}, F/{FPS}, {SIDE}, {SIDE})`, cut into {PER_SLICE} tokens per slice ({facts.tokens(F)} for {F} frames).",
        "Sampling takes Euler steps against the predicted velocity from `t = 1` to `t = 0`; each step "
        "runs prompt and null prompt as one batch of two and combines them with guidance.",
        "One or two steps give a soft, specked average of possible clips; higher guidance follows the prompt more "
        "closely; a longer clip means more tokens and more cost per step.",
        "The inspector shows the live run's own latents, attention maps and velocities, step by step.",
    ),
    quiz=(
        Quiz(
            question=f"The generator is switched from {F} frames to {LONG}, everything else the same. What changes?",
            choices=(
                Choice(f"The clip is made as two {F}-frame halves, generated one after the other and stitched together.", False,
                       "Nothing is stitched: the whole clip is denoised together at every step, which keeps it coherent."),
                Choice(f"{facts.slices(LONG)} slices instead of {facts.slices(F)}: {facts.tokens(LONG)} tokens, and every step costs more.", True,
                       f"Each {FPS} frames add one latent slice of {PER_SLICE} patches; the same model handles the longer sequence."),
                Choice("Nothing about the cost, because the number of denoising steps has not changed.", False,
                       "The steps are the same, but each processes twice the tokens, and attention grows with the square."),
                Choice(f"The generator has to load a second model, trained specifically for {LONG}-frame clips.", False,
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
                Choice(f"{STEPS * facts.tokens(F)} predictions, one for every token at every step", False,
                       "A single call predicts the velocity of every token at once; tokens are not separate calls."),
            ),
        ),
        Quiz(
            question=f"How many tokens does a {ODD}-frame clip give the course's model?",
            compute=True,
            choices=(
                Choice(f"{facts.tokens(ODD)}", True,
                       f"{ODD} / {FPS} = {facts.slices(ODD)} slices of {PER_SLICE} patches: "
                       f"{facts.slices(ODD)} × {PER_SLICE} = {facts.tokens(ODD)}."),
                Choice(f"{ODD * PER_SLICE}", False, f"This forgets that {FPS} frames share one latent slice."),
                Choice(f"{ODD}", False, f"Tokens are small spacetime cubes, not frames; each slice holds {PER_SLICE} of them."),
                Choice(f"{facts.tokens(ODD) // 2}", False,
                       f"Patches are one slice deep, so every one of the {facts.slices(ODD)} slices gives its own {PER_SLICE} tokens."),
            ),
        ),
        Quiz(
            question=f"Why does the baseline's object jump most visibly every {ORDINAL} frame?",
            choices=(
                Choice(f"Every {ORDINAL} frame is where one latent slice hands over to the next.", True,
                       f"The {FPS} frames of a slice come from one latent, so they agree; neighbouring slices never saw each other."),
                Choice(f"The decoder skips every {ORDINAL} frame and fills it by copying the previous one.", False,
                       "The decoder makes every frame; the jumps come from slices that disagree."),
                Choice(f"The seed is redrawn every {FPS} frames, so the noise changes there and nowhere else.", False,
                       "The seed fixes the noise of the whole latent once, before the first step."),
            ),
        ),
        Quiz(
            question="In the inspector, the per-frame baseline's self-attention puts exactly 0 on every other slice. Why?",
            choices=(
                Choice("Its attention runs within each slice; other slices never enter it.", True,
                       "The baseline reshapes the tokens into one short sequence per slice; weight can only go where the softmax reaches."),
                Choice("It learned during training that tokens in other slices carry nothing useful for it.", False,
                       "Nothing is learned here: the other slices are not in its attention at all, so their weight is 0 by construction."),
                Choice("The inspector hides the other slices to keep the picture simple.", False,
                       "The inspector shows the model's own weights; for the baseline there are none across slices."),
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

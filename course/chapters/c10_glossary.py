"""The glossary: every term a reader with only the two prerequisites meets, in one place. It sits in
the table of contents after the chapters; each entry has an anchor (`glossary.html#velocity`)."""
from course import facts
from course.content import Chapter, Choice, Quiz, Section


# What counts as a use of each entry in a chapter's prose (a case-blind regular expression), so a test
# can check that every term's first use in every chapter links here (tests/test_teaching_glossary.py).
USES = {
    "frame": r"(?<![-\w])frames?(?![-\w])",           # not "per-frame", "frame-by-frame"
    "autoencoder": r"\bauto-?encoders?\b|\bVAEs?\b",
    "latent": r"\blatents?\b",
    "channel": r"\bchannels?\b",
    "time-slice": r"\b(?:time-)?slices?\b",
    "psnr": r"\bPSNR\b",
    "timestep": r"\btimesteps?\b|\bnoise levels?\b",
    "velocity": r"\bvelocit(?:y|ies)\b",
    "flow-matching": r"\bflow matching\b|\brectified flow\b",
    "euler-step": r"\bEuler\b",
    "dit": r"\bDiTs?\b|\bdiffusion transformers?\b",
    "adaln": r"\badaLN\b",
    "token": r"\btokens?\b",
    "tubelet": r"\btubelets?\b|\bspacetime patch(?:es)?\b",
    "qkv": r"\bquer(?:y|ies)\b",
    "softmax": r"\bsoftmax\b",
    "self-attention": r"\bself-attention\b",
    "cross-attention": r"\bcross-attention\b",
    "null-prompt": r"\bnull prompt\b",
    "cfg": r"\bclassifier-free guidance\b|\bCFG\b|\bguidance\b",
    "flop": r"\bFLOPs?\b",
    "quadratic": r"\bquadratic(?:ally)?\b",
    "world-model": r"\bworld[- ]models?\b",
}


def term(anchor: str, name: str, text: str) -> str:
    """One entry: an anchor to link to, the term in bold, its meaning in plain words."""
    return f'<span id="{anchor}"></span>**{name}.** {text.strip()}\n\n'


CHAPTER = Chapter(
    number=10,
    slug="glossary",
    title="Glossary",
    kicker="Reference",
    overview=(
        "The words this course uses, each in a sentence or two, with the chapter that teaches it. "
        "Nothing here is new: it is a place to look a term up when you meet it again."
    ),
    sections=(
        Section(
            heading="Video and latent",
            body=(
                term("frame", "Frame", f"One picture of a video. Our model's clips have {min(facts.frame_choices())} to "
                     f"{max(facts.frame_choices())} frames ({facts.clip_frames()} in the examples) of "
                     f"{facts.sizes_phrase()} (width × height); a still image is a single frame.")
                + term("autoencoder", "Autoencoder (VAE)", "A pair of networks: an *encoder* that squeezes data into a small "
                       "*latent*, and a *decoder* that turns the latent back into data. A video autoencoder squeezes time as "
                       "well as space ([chapter 2](spacetime-latent.html)). Most large video models use a *variational* "
                       "autoencoder (VAE), whose encoder outputs a small spread of latents rather than one; the course's "
                       "own is a plain, deterministic autoencoder.")
                + term("latent", "Latent", "The small block of numbers an encoder makes from a clip, shape `(C, T', H', W')`: "
                       "channels, time-slices, rows, columns. All denoising happens on it.")
                + term("channel", "Channel", "The numbers stored at one point: 3 for a pixel (red, green, blue), "
                       f"{facts.latent_channels()} for a point of our model's latent.")
                + term("time-slice", "Time-slice", f"One step along the latent's time axis. Our autoencoder merges "
                       f"{facts.frames_per_slice()} frames into one slice. Not to be confused with the *timestep*.")
                + term("psnr", "PSNR", "Peak signal-to-noise ratio: how closely a rebuilt picture matches the original, in "
                       "decibels. Ten times less squared error adds 10 dB.")
            ),
        ),
        Section(
            heading="Denoising",
            body=(
                term("timestep", "Timestep, noise level `t`", "How much noise a latent carries, from `t = 0` (clean) to "
                     "`t = 1` (pure noise). Not to be confused with a *time-slice* of the video.")
                + term("velocity", "Velocity `v`", "What our network predicts: `v = ε − x0`, the direction from the clean "
                       "data `x0` towards the noise `ε` along the training blend ([chapter 1](diffusion.html)).")
                + term("flow-matching", "Flow matching (rectified flow)", "Training by blending data and noise along straight "
                       "lines and teaching the network the velocity of that blend.")
                + term("euler-step", "Euler step", "The simplest way to follow a velocity: move a small amount against it, "
                       "`x ← x − Δt · v`, then ask again. Generation is a chain of such steps; our generator takes "
                       f"a default of {facts.default_steps()} steps.")
                + term("dit", "Diffusion transformer (DiT)", "A transformer used as the denoiser: it reads the noisy latent's "
                       "patches as tokens and predicts a velocity for each ([chapter 4](diffusion-transformer.html)).")
                + term("adaln", "adaLN-Zero", "How each block of our DiT is told the noise level and a summary of the prompt: "
                       "they set a scale, a shift and a gate for its layers, all starting at zero.")
            ),
        ),
        Section(
            heading="Tokens and attention",
            body=(
                term("token", "Token", "One item of the sequence a transformer reads, a vector of numbers. Here, one "
                     "spacetime patch, or one word of the prompt.")
                + term("tubelet", "Spacetime patch (tubelet)", f"A small cube of the latent, a few positions wide and one or "
                       f"more slices deep, that becomes one token. Our model makes {facts.tokens_per_slice()} tokens per "
                       f"slice of a square clip, {facts.tokens_per_slice_of('landscape')} for landscape or portrait "
                       "([chapter 3](spacetime-patches.html)).")
                + term("qkv", "Query, key, value", "In attention, each token sends a *query*, offers a *key* to be matched "
                       "against, and carries a *value* to be passed on. A good query-key match means more of that value.")
                + term("softmax", "Softmax", "Turns a list of scores into weights that are positive and add up to 1: each "
                       "weight is `exp(score)` divided by the sum of all the `exp(score)`s.")
                + term("self-attention", "Self-attention", "Attention among the tokens of the clip itself. In a spacetime "
                       "model it spans every slice; in the per-frame baseline it stays inside one.")
                + term("cross-attention", "Cross-attention", "Attention from the clip's tokens to the prompt's tokens: how "
                       "each patch reads the words ([chapter 6](guidance.html)).")
            ),
        ),
        Section(
            heading="Prompts, guidance and cost",
            body=(
                term("null-prompt", "Null prompt", "A special input meaning \"no text\". Training sometimes swaps it in, so "
                     "the model also learns to denoise with no prompt.")
                + term("cfg", "Classifier-free guidance (CFG)", "Combining the predictions with and without the prompt, "
                       "`v = v_uncond + w · (v_cond − v_uncond)`; the scale `w` sets how firmly the clip follows the prompt. "
                       f"Our generator's default guidance scale is {facts.default_guidance():g}.")
                + term("flop", "FLOP", "One floating-point operation, such as a multiply or an add; the unit of compute "
                       "cost ([chapter 8](scale.html)).")
                + term("quadratic", "Quadratic cost", "Cost that grows with the square of a count: attention compares every "
                       "pair of `N` tokens, so twice the tokens means four times the work.")
                + term("world-model", "World model", "A model that can imagine how a scene will unfold; large video generators "
                       "show some of this behaviour ([chapter 5](coherence.html)).")
            ),
        ),
    ),
    summary=(
        "A *time-slice* is a step along the video's time axis; a *timestep* is a noise level.",
        "Tokens are spacetime patches (or prompt words); attention weighs them with a softmax of query-key scores.",
        "The network predicts a velocity; Euler steps against it, combined by guidance, turn noise into a clip.",
    ),
    quiz=(
        Quiz(
            question="What is the difference between a time-slice and a timestep?",
            choices=(
                Choice("A time-slice is part of the clip's time axis; a timestep is a noise level.", True,
                       "Slices are where in the video; the timestep `t` is how noisy the whole latent is at one step."),
                Choice("None: both name the same step of the denoising march, counted in different units.", False,
                       "The march moves through noise levels; slices stay put while every slice is denoised together."),
                Choice("A timestep is one frame of the finished video; a time-slice is one second of it.", False,
                       "A time-slice merges a few frames of the latent; a timestep is not a frame at all."),
            ),
        ),
        Quiz(
            question="A decoder's reconstruction improves from 20 dB to 30 dB PSNR. By what factor did its squared error fall?",
            compute=True,
            choices=(
                Choice("10", True, "Every 10 dB is a tenfold drop in squared error, and 30 − 20 = 10 dB."),
                Choice("1.5", False, "PSNR is logarithmic: 30 dB is not 1.5 times 20 dB of quality."),
                Choice("100", False, "That would be 20 dB of improvement; here it is 10 dB."),
            ),
        ),
        Quiz(
            question="Three attention scores are `0`, `0` and `ln 2`. What weights does the softmax give them?",
            compute=True,
            choices=(
                Choice("1/3, 1/3 and 1/3", False, "Equal weights need equal scores; the third score is larger."),
                Choice("1/4, 1/4 and 1/2", True, "`exp` gives 1, 1 and 2, which sum to 4: the weights are 1/4, 1/4, 2/4."),
                Choice("0, 0 and 1", False, "Softmax never gives exactly 0 to a finite score; only a masked score of minus infinity gets 0."),
                Choice("0, 0 and ln 2", False, "Weights must add up to 1; softmax exponentiates the scores and divides by their sum."),
            ),
        ),
    ),
)

"""Chapter 1: a short recap of diffusion, plus the two refinements every video model builds on."""
from course.content import Chapter, Choice, Quiz, Reference, Section

CHAPTER = Chapter(
    number=1,
    slug="diffusion",
    title="Diffusion, briefly",
    overview=(
        "Everything in this course rests on one idea: a network that removes a little noise, applied "
        "over and over, turns static into a picture. This chapter recaps how such a network is trained "
        "and how it generates, lets you watch an exact denoiser do it step by step, and adds the two "
        "refinements that modern video models are built from: denoising a compressed *latent* instead "
        "of pixels, and using a *transformer* as the denoiser."
    ),
    sections=(
        Section(
            heading="Training: learn to undo noise",
            body="""\
Training starts from clean data. Take a picture `x0`, draw random static `ε` of the same shape,
pick a noise level `t` between 0 and 1, and blend the two: `x_t = (1 − t) · x0 + t · ε`. At `t = 0`
you have the clean picture, at `t = 1` pure static, and in between a picture that is partly buried.
Sliding `t` from 0 to 1 is the forward process: noise piles up step by step until nothing of the
picture is left. Training picks one point on that road at random and asks the network to undo a
small stretch of it. (This straight-line blend is the *flow matching* convention our course model uses; older models
such as DDPM weight the two parts a little differently, but the idea is the same.)

The network is shown `x_t` together with `t` and asked to predict what was done to it: either the
noise `ε` itself, or the *velocity* `v = ε − x0`, the direction along the straight line from the
data towards the noise. Its loss is simply the squared error of that prediction, averaged over
millions of pictures, noise draws and noise levels.

These targets are interchangeable: knowing `x_t`, `t` and the velocity, you also know the network's
best guess of the clean picture, `x̂0 = x_t − t · v`. That guess is what the simulation below shows.
""",
        ),
        Section(
            heading="Generation: from static to a picture",
            sim="denoising",
            body="""\
To generate, run the blend backwards. Start at `t = 1` with pure noise, ask the network for the
velocity, and take a small step towards the data: `x ← x − Δt · v`. Repeat until `t = 0`. Each
step removes a little noise, and structure emerges from the static. The steps need not be equal:
the simulation takes 20 of them, packed more tightly at high noise, where the big decisions are
made (the schedule plot shows the spacing).

The simulation does this for real, not as a cross-fade. Its data are tiny 16×16 grey pictures drawn
from a known mixture of four classes, each a template picture plus a little random variation.
Because the mixture is known exactly, the best possible denoiser (the average clean picture given
the noisy one) can be computed exactly, with no training, and the sim integrates the flow-matching
equation with it in 20 steps.

Set `step` to 0. The noisy picture is pure static, and the denoiser's guess is a blurry blend of all
four classes (ring, cross, stripes, square): with no signal yet, the best guess is their average.
The bars, which show how likely the denoiser thinks each class is, are level at one in four. Now
move `step` up one notch at a time and watch the bars: they tilt, then one class takes over, and
the guess sharpens into that class while the noisy picture slowly follows it. The marker on the
schedule plot slides from `t = 1` down to `t = 0`, and the error readout (the guess against the
picture the run ends on) falls to zero at step 20.

Now pick another `seed` and predict: will it end in the same class? Each of the four seeds lands on
a different class; the starting noise decides. Notice also *when* the choice is made: the bars
settle within the first half of the steps, while the noisy picture still looks mostly like static
to your eye. Coarse decisions come early; the later steps only polish details.
""",
        ),
        Section(
            heading="Refinement 1: denoise a compressed latent",
            body="""\
Denoising pixels is expensive. A 512×512 colour image holds 512 × 512 × 3 = 786,432 numbers, and the
network must process all of them at every one of its many steps. *Latent diffusion* avoids this.
First train an autoencoder whose encoder squeezes an image into a much smaller grid, for example
64×64 positions with 4 channels, which is 16,384 numbers and 48 times fewer. Run the entire diffusion
process on that small latent, then call the decoder once at the end to turn the clean latent back
into pixels.

The work divides neatly: the autoencoder takes care of fine pixel detail, and the diffusion model
spends its effort on what the picture contains. This is the recipe behind Stable Diffusion, and
every Sora-style video model uses it.
""",
        ),
        Section(
            heading="Refinement 2: a transformer as the denoiser",
            body="""\
Early diffusion models used a convolutional U-Net as the denoiser. The Diffusion Transformer (DiT)
replaces it with a transformer: cut the noisy latent into small patches, turn each patch into a
token, run the sequence of tokens through transformer blocks that are also told the noise level,
and read out a prediction for every patch, which is stitched back into a full latent. DiTs improve
steadily as they are made bigger, which is one reason they now power the largest image and video
models.
""",
        ),
        Section(
            heading="From pictures to video",
            body="""\
A video model is these two ideas stretched from a flat 2-D image to a 3-D block of space and time.
The autoencoder compresses time as well as height and width (chapter 2), the patches become small
cubes of spacetime (chapter 3), and the transformer attends across frames as well as within them
(chapter 4).

One more piece of vocabulary: *flow matching*, also called *rectified flow*, is the training
objective used by many recent models and by our own. It teaches the network the straight-line
velocity from noise to data, exactly the `v` above. Because those paths are close to straight, a
fairly small number of integration steps, like the sim's 20, is enough to reach a clean sample.
""",
        ),
    ),
    summary=(
        "Training blends clean data with noise at a random level `t` and teaches a network to predict the noise or the velocity `v = ε − x0`.",
        "Generation starts from pure noise and takes many small denoising steps; coarse structure is decided early, detail late.",
        "Latent diffusion denoises the small latent of an autoencoder and decodes once at the end, which is far cheaper than denoising pixels.",
        "A Diffusion Transformer (DiT) is a transformer over latent patches used as the denoiser in place of a U-Net.",
        "Video generation extends both ideas to a 3-D spacetime volume; our model is trained with flow matching.",
    ),
    quiz=(Quiz(
        question="What is latent diffusion?",
        choices=(
            Choice(
                text="A diffusion model whose network has hidden layers.",
                correct=False,
                why="Nearly every neural network has hidden layers. 'Latent' refers to the compressed space where the denoising happens.",
            ),
            Choice(
                text="A diffusion model trained without labels or captions.",
                correct=False,
                why="Whether a model uses labels is a separate question; latent diffusion models are often conditioned on text.",
            ),
            Choice(
                text="Running diffusion in the compressed latent space of an autoencoder, then decoding the result to pixels.",
                correct=True,
                why="Denoising a latent that is dozens of times smaller is far cheaper, and the decoder restores the pixel detail at the end.",
            ),
            Choice(
                text="Denoising only the last frame of a video.",
                correct=False,
                why="Latent diffusion was invented for still images and has nothing to do with picking frames; it denoises the whole compressed latent.",
            ),
        ),
    ),),
    references=(
        Reference(title="Denoising Diffusion Probabilistic Models (Ho et al., 2020)", url="https://arxiv.org/abs/2006.11239"),
        Reference(title="High-Resolution Image Synthesis with Latent Diffusion Models (Rombach et al., 2021)", url="https://arxiv.org/abs/2112.10752"),
        Reference(title="Scalable Diffusion Models with Transformers (DiT, Peebles & Xie, 2022)", url="https://arxiv.org/abs/2212.09748"),
        Reference(title="Flow Matching for Generative Modeling (Lipman et al., 2022)", url="https://arxiv.org/abs/2210.02747"),
    ),
)

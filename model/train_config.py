"""The training settings: one `Config` holding an autoencoder and a DiT section, named presets
written as overrides of the defaults, and the `--key=value` command line over both.

    Config().ae.steps                 # 2500: the autoencoder stage's steps
    configure("tiny", {"out": "/tmp/tiny", "dit.steps": 7})

A setting's name on the command line is its path: `--seed=1`, `--ae.width=16`, `--dit.width=192`
(a dash may stand for an underscore). Unknown names and values of the wrong type are refused.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
from dataclasses import dataclass, field

from . import weights
from .data import FRAME_CHOICES
from .dit import TOKENS_PER_SLICE, DiTConfig
from .text import GRAMMARS

# Stage seeds come from their index here, so new stages go at the end.
STAGES = ("autoencoder", "latents", "spacetime", "per-frame", "decoder")


class ConfigError(ValueError):
    pass


# ----- the settings

@dataclass
class AutoencoderSettings:
    """The video autoencoder: its size, its own stage, and the later decoder polish."""
    latent_channels: int = 8          # channels of the latent the DiTs work in
    width: int = 24                   # widths (w, 2w, 4w) at full, half and quarter resolution
    steps: int = 2500                 # the autoencoder stage's steps
    batch: int = 6                    # clips per batch (of `frames` frames; v2 keeps the pixel count)
    frames: int = 16                  # frames per training clip
    lr: float = 1e-3                  # peak learning rate (Adam), then half a cosine
    foreground_weight: float = 20.0   # the object is ~3% of pixels; without this it comes out grey
    # autoencoder v2 (all off by default: the committed autoencoder's recipe)
    shortcuts: bool = False           # parameter-free residual paths around each resolution change (DC-AE)
    mixture: bool = False             # train on every shape (ASPECTS), every length and still images
    still_share: float = 0.2          # with mixture: share of batches that are still images
    l1: float = 0.0                   # weight of a (foreground-weighted) L1 term beside the MSE
    gradient: float = 0.0             # weight of matching spatial differences (L1): crisp edges
    temporal: float = 0.0             # weight of matching frame-to-frame differences from the start (MSE)
    temporal_l1: float = 0.0          # the same as an L1 term: on the scale of the other L1 terms
    report_clips: int = 0             # after training, score this many fresh clips per shape (ae_metrics)
    init: str = ""                    # a weights folder whose autoencoder the stage starts from ("" = fresh)
    # the decoder polish: the decoder alone, so the latents (and DiTs) stay valid
    decoder_steps: int = 4000         # the decoder stage's steps
    decoder_lr: float = 3e-4          # its peak learning rate
    decoder_temporal: float = 2.0     # weight of matching frame-to-frame differences (a static background stays static)
    decoder_foreground_weight: float = 0.0  # the decoder stage's object weight; 0 = foreground_weight

    def model_config(self) -> dict:
        """What the weights file stores and model.weights rebuilds the autoencoder from."""
        cfg = {"latent_channels": self.latent_channels, "widths": [self.width, 2 * self.width, 4 * self.width]}
        return {**cfg, "shortcuts": True} if self.shortcuts else cfg  # the first autoencoder's config as it was


@dataclass
class DiTSettings:
    """The two DiTs: their size (model/dit.py's DiTConfig holds the defaults) and their training."""
    # the size: defaults and help text from DiTConfig
    width: int = DiTConfig.width
    depth: int = DiTConfig.depth
    heads: int = DiTConfig.heads
    text_layers: int = DiTConfig.text_layers
    steps: int = 4000                 # the spacetime DiT's stage
    tokens: int = 4096                # tokens per batch: 64 clips of 16 frames, 128 of 8, 32 of 32
    lr: float = 6e-4                  # peak learning rate (AdamW), after the warm-up, then half a cosine
    warmup: int = 200                 # steps of linear learning-rate warm-up
    prompt_dropout: float = 0.1       # how often the prompt is replaced by the null prompt (for CFG)
    ema: float = 0.999                # decay of the weights' moving average, which is what gets saved
    per_frame_steps: int = 1000       # the per-frame baseline's stage
    per_frame_init: str = "spacetime"  # start the baseline from the spacetime weights, or "scratch"
    init: str = ""                    # a weights folder whose spacetime DiT this run continues ("" = fresh):
                                      # a CPU run spread over sessions, with a fresh optimiser and schedule
    # the second edition (off by default: the committed DiTs' recipe)
    mixture: bool = False             # learn every shape (data.ASPECTS) and still images, not only squares
    still_share: float = 0.15         # with mixture: share of batches that are still images (one slice)
    prompt_order: bool = False        # the prompt's whole sequence also feeds adaLN (model/dit.py DiTConfig)

    def model_config(self, latent_channels: int, per_frame: bool, grammar_name: str = "first") -> DiTConfig:
        grammar = GRAMMARS[grammar_name]
        return DiTConfig(latent_channels=latent_channels, width=self.width, depth=self.depth, heads=self.heads,
                         text_layers=self.text_layers, max_slices=max(FRAME_CHOICES) // 4, per_frame=per_frame,
                         vocab_size=grammar.vocab_size, prompt_tokens=grammar.tokens, prompt_order=self.prompt_order)


@dataclass
class Config:
    seed: int = 0                     # every stage's random streams derive from it (and the stage's index)
    out: str = str(weights.WEIGHTS_DIR)  # where weights, training.json and checkpoints/ go
    device: str = "auto"              # auto | cpu | cuda
    threads: int = 0                  # CPU threads for torch; 0 = torch's default (all cores)
    stages: str = ",".join(STAGES)    # which stages to run, in order
    checkpoint_every: int = 250       # steps between checkpoints (a rerun resumes from the last)
    pool_clips: int = 1500            # the latent pool the DiTs learn from: clips per length
    grammar: str = "first"            # the prompts of every stage's clips (model/text.py): first, or second (sizes, falling)
    ae: AutoencoderSettings = field(default_factory=AutoencoderSettings)
    dit: DiTSettings = field(default_factory=DiTSettings)


# ----- presets: overrides of the defaults, spelled like the command line

# The second edition: autoencoder v2 (shortcuts, every shape and still images, L1 + edge + temporal
# terms, a lighter object weight, then a short decoder polish on the objects), and both DiTs on its
# latents, every shape and stills, with the second grammar. The pool is per (shape, length): 21 of
# them and 3 of stills, so 500 clips each is about as many clips as the first edition's 7 x 1,500.
V2_DIT = {"grammar": "second", "dit.mixture": True, "pool_clips": 500, "dit.prompt_order": True}
V2_AUTOENCODER = {"ae.shortcuts": True, "ae.mixture": True, "ae.l1": 1.0, "ae.gradient": 1.0, "ae.temporal": 2.0,
                  "ae.temporal_l1": 1.0, "ae.foreground_weight": 10.0, "ae.steps": 7500, "ae.report_clips": 32,
                  "ae.decoder_steps": 800, "ae.decoder_foreground_weight": 30.0}

PRESETS: dict[str, dict] = {
    "full": {},
    # The second edition's recipe in miniature (every stage, shape and the second grammar; seconds on a
    # CPU): the smoke run, and the one model the test suite trains. Without the autoencoder's
    # shortcuts, which need a width that is a multiple of 24 and cost the run 25 s more at 24
    # (tests/test_data_shapes.py and test_ae_metrics.py train and load them).
    "tiny": {**V2_AUTOENCODER, **V2_DIT, "ae.shortcuts": False,
             "ae.width": 8, "ae.steps": 30, "ae.batch": 2, "ae.frames": 8, "ae.decoder_steps": 10, "ae.report_clips": 0,
             "pool_clips": 12, "dit.width": 32, "dit.depth": 2, "dit.heads": 2, "dit.text_layers": 1, "dit.steps": 40,
             "dit.tokens": 256, "dit.lr": 4e-3, "dit.per_frame_steps": 10, "dit.warmup": 5, "dit.ema": 0.9,
             "checkpoint_every": 10},
    "gpu": {"ae.steps": 6000, "ae.decoder_steps": 4000, "ae.batch": 16, "pool_clips": 4000, "dit.steps": 12000,
            "dit.per_frame_steps": 4000},
    # Autoencoder v2 (model/weights/README.md has the measurements behind each choice).
    "v2": {**V2_AUTOENCODER, **V2_DIT},
}


# ----- reading and applying overrides

def settings(config: Config | None = None) -> dict[str, object]:
    """Every setting by its path ("seed", "ae.width", ...) with its value, in declaration order."""
    config = config or Config()
    flat = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            flat.update({f"{f.name}.{k}": v for k, v in dataclasses.asdict(value).items()})
        else:
            flat[f.name] = value
    return flat


def override(config: Config, values: dict[str, object]) -> Config:
    """A copy of `config` with each path set; a string is read as the setting's type."""
    known = settings(config)
    sections = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    for path, value in values.items():
        path = path.replace("-", "_")
        if path not in known:
            raise ConfigError(f"unknown setting {path!r}{_hint(path, known)}; settings are: {', '.join(known)}")
        value = _typed(path, value, type(known[path]))
        section, _, name = path.rpartition(".")
        if section:
            sections[section] = dataclasses.replace(sections[section], **{name: value})
        else:
            sections[name] = value
    return Config(**sections)


def _typed(path: str, value, kind: type):
    if isinstance(value, kind) or (kind is float and type(value) is int):
        return kind(value)
    if isinstance(value, str) and kind is bool and value.lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.lower() in ("1", "true", "yes")
    if isinstance(value, str) and kind is not bool:
        try:
            return kind(value)
        except ValueError:
            pass
    raise ConfigError(f"{path} must be a {kind.__name__}, got {value!r}")


def _hint(path: str, known) -> str:
    """The old flat names (ae_steps, dit_width, perframe_steps, decoder_lr, warmup) point to their paths."""
    for guess in (path.replace("ae_", "ae.", 1), path.replace("dit_", "dit.", 1), "ae." + path, "dit." + path,
                  "dit." + path.replace("perframe", "per_frame")):
        if guess in known:
            return f" (did you mean --{guess}?)"
    return ""


def configure(preset: str = "full", overrides: dict[str, object] | None = None) -> Config:
    """The defaults, then the preset's overrides, then these; checked."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    config = override(override(Config(), PRESETS[preset]), overrides or {})
    check(config)
    return config


def changes(config: Config) -> list[str]:
    """`path=value` for every setting that differs from the defaults: what a run prints first."""
    defaults = settings()
    return [f"{k}={v!r}" for k, v in settings(config).items() if v != defaults[k]]


def check(c: Config) -> None:
    unknown = [s for s in c.stages.split(",") if s not in STAGES]
    if unknown:
        raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; stages are {', '.join(STAGES)}")
    if c.ae.frames not in FRAME_CHOICES:
        raise ConfigError(f"ae.frames must be one of {FRAME_CHOICES}")
    if c.dit.per_frame_init not in ("spacetime", "scratch"):
        raise ConfigError("dit.per_frame_init must be 'spacetime' or 'scratch'")
    for name, share in (("ae.still_share", c.ae.still_share), ("dit.still_share", c.dit.still_share)):
        if not 0 <= share <= 1:
            raise ConfigError(f"{name} must be between 0 and 1")
    if c.grammar not in GRAMMARS:
        raise ConfigError(f"grammar must be one of {', '.join(GRAMMARS)}; got {c.grammar!r}")
    values = settings(c)
    for name in ("ae.steps", "ae.decoder_steps", "ae.batch", "pool_clips", "dit.steps", "dit.tokens",
                 "checkpoint_every", "dit.width"):
        if values[name] <= 0:
            raise ConfigError(f"{name} must be positive")
    if c.dit.width % (4 * c.dit.heads) or c.dit.width % 8:
        raise ConfigError("dit.width must be a multiple of 8 and of 4 x dit.heads")
    largest = TOKENS_PER_SLICE * max(FRAME_CHOICES) // 4 * (2 if c.dit.mixture else 1)  # landscape: 2x the tokens
    if c.dit.tokens < largest:
        raise ConfigError(f"dit.tokens must hold at least one 32-frame clip ({largest} tokens)")


# ----- the command line

def parse_args(argv: list[str]) -> tuple[Config, bool]:
    """--preset=name (applied first, wherever it stands), --key=value overrides, --fresh. Returns (config, fresh)."""
    preset, overrides, fresh = "full", {}, False
    for arg in argv:
        if arg == "--fresh":
            fresh = True
            continue
        if not arg.startswith("--") or "=" not in arg:
            raise ConfigError(f"expected --key=value, got {arg!r}")
        key, raw = arg[2:].split("=", 1)
        if key == "preset":
            preset = raw
        else:
            overrides[key] = raw
    return configure(preset, overrides), fresh


def _comments(cls) -> dict[str, str]:
    """The comment beside each field in the class's source; the DiT's size fields are described
    where they live, in model/dit.py's DiTConfig."""
    found = dict(re.findall(r"^\s+(\w+):[^#\n]*#\s*(.+)$", inspect.getsource(cls), flags=re.M))
    return {**_comments(DiTConfig), **found} if cls is DiTSettings else found


def help_text(usage: str) -> str:
    """`--help`: the usage, then every setting with its type, default and the comment beside it in
    the dataclass, then the presets: generated from the fields, so it cannot fall behind them."""
    lines = [usage.strip()]
    sections = [("", Config)] + [(f.name + ".", f.default_factory) for f in dataclasses.fields(Config)
                                 if dataclasses.is_dataclass(f.default_factory)]
    defaults = settings()
    for prefix, cls in sections:
        comments = _comments(cls)
        heading = cls.__doc__.splitlines()[0].rstrip(".") if prefix else "Settings"
        lines += ["", f"{heading} (--{prefix}key=value):"]
        for f in dataclasses.fields(cls):
            if prefix + f.name not in defaults:
                continue  # a section, listed under its own heading
            default = defaults[prefix + f.name]
            lines.append(f"  --{prefix}{f.name}={type(default).__name__} (default {default!r})"
                         + (f"  {comments[f.name]}" if f.name in comments else ""))
    lines += ["", "Presets (--preset=name, applied before the settings):"]
    lines += [f"  {name}: " + (" ".join(f"--{k}={v!r}" for k, v in values.items()) or "the defaults")
              for name, values in PRESETS.items()]
    return "\n".join(lines)

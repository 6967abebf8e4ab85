"""Train the whole model: the video autoencoder, then the spacetime DiT, then the per-frame baseline.

    python -m model.train                       # the full recipe (under an hour on 2 CPU cores)
    python -m model.train --preset=tiny         # seconds; for tests and smoke runs
    python -m model.train --dit_steps=6000      # any Config field as --key=value
    python -m model.train --fresh               # ignore checkpoints and start over
    python -m model.train --preset=v2 --stages=autoencoder,decoder --out=model/weights/v2 --threads=1
                                                # autoencoder v2: every shape, still images, new loss

Each stage checkpoints every `checkpoint_every` steps into <out>/checkpoints/ and a rerun resumes
where it stopped; a finished stage is skipped. A fixed seed gives the same run. CUDA is used when
present, else the CPU.
"""
from __future__ import annotations

import dataclasses
import json
import math
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import ae_metrics, weights
from .autoencoder import VideoAutoencoder
from .data import ASPECTS, FRAME_CHOICES, SIZE, batch, make_clip, make_still
from .dit import TOKENS_PER_SLICE, DiT, DiTConfig
from .progress import Progress
from .text import null_ids, tokenize

# Stage seeds come from their index here, so new stages go at the end.
STAGES = ("autoencoder", "latents", "spacetime", "per-frame", "decoder")


@dataclass
class Config:
    seed: int = 0
    out: str = str(weights.WEIGHTS_DIR)
    device: str = "auto"              # auto | cpu | cuda
    threads: int = 0                  # CPU threads for torch; 0 = torch's default (all cores)
    stages: str = ",".join(STAGES)    # which stages to run, in order
    checkpoint_every: int = 250
    # autoencoder
    latent_channels: int = 8
    ae_width: int = 24                # widths (w, 2w, 4w) at full, half and quarter resolution
    ae_steps: int = 2500
    ae_batch: int = 6
    ae_frames: int = 16
    ae_lr: float = 1e-3
    foreground_weight: float = 20.0   # the object is ~3% of pixels; without this it comes out grey
    # autoencoder v2 (all off by default: the committed autoencoder's recipe)
    ae_shortcuts: bool = False        # parameter-free residual paths around each resolution change (DC-AE)
    ae_mixture: bool = False          # train on every shape (ASPECTS), every length and still images
    ae_still_share: float = 0.2       # with ae_mixture: share of batches that are still images
    ae_l1: float = 0.0                # weight of a (foreground-weighted) L1 term beside the MSE
    ae_gradient: float = 0.0          # weight of matching spatial differences (L1): crisp edges
    ae_temporal: float = 0.0          # weight of matching frame-to-frame differences from the start (MSE)
    ae_temporal_l1: float = 0.0       # the same as an L1 term: on the scale of the other L1 terms
    ae_report_clips: int = 0          # after training, score this many fresh clips per shape (ae_metrics)
    decoder_steps: int = 4000         # then sharpen the decoder alone: the latents (and DiTs) stay valid
    decoder_lr: float = 3e-4
    decoder_temporal: float = 2.0     # weight of matching frame-to-frame differences (a static background stays static)
    decoder_foreground_weight: float = 0.0  # the decoder stage's object weight; 0 = foreground_weight
    # latent pool the DiTs learn from (one pool per clip length)
    pool_clips: int = 1500
    # DiTs
    dit_width: int = 128
    dit_depth: int = 6
    dit_heads: int = 4
    text_layers: int = 2
    dit_steps: int = 4000
    dit_tokens: int = 4096            # tokens per batch: 64 clips of 16 frames, 128 of 8, 32 of 32
    dit_lr: float = 6e-4
    warmup: int = 200
    prompt_dropout: float = 0.1       # how often the prompt is replaced by the null prompt (for CFG)
    ema: float = 0.999
    perframe_steps: int = 1000
    perframe_init: str = "spacetime"  # start the baseline from the spacetime weights, or "scratch"


# Autoencoder v2: shortcuts, every shape and still images, L1 + edge + temporal terms, a lighter object weight.
V2_AUTOENCODER = dict(ae_shortcuts=True, ae_mixture=True, ae_l1=1.0, ae_gradient=1.0, ae_temporal=2.0, ae_temporal_l1=1.0,
                      foreground_weight=10.0, ae_steps=7500, ae_report_clips=32,
                      decoder_steps=800, decoder_foreground_weight=30.0)  # then a short decoder polish on the objects

PRESETS: dict[str, dict] = {
    "full": {},
    "tiny": dict(ae_width=8, ae_steps=30, ae_batch=2, ae_frames=8, pool_clips=12, dit_width=32, dit_depth=2,
                 dit_heads=2, text_layers=1, decoder_steps=10, dit_steps=40, dit_tokens=256, dit_lr=4e-3, perframe_steps=10, warmup=5,
                 checkpoint_every=10, ema=0.9),
    "gpu": dict(ae_steps=6000, decoder_steps=4000, ae_batch=16, pool_clips=4000, dit_steps=12000, perframe_steps=4000),
    # Autoencoder v2 (model/weights/v2/README.md has the measurements behind each choice).
    "v2": dict(V2_AUTOENCODER),
}


class ConfigError(ValueError):
    pass


def parse_args(argv: list[str]) -> tuple[Config, bool]:
    """--preset=name first, then --key=value overrides checked against Config; --fresh. Returns (config, fresh)."""
    fields = {f.name: f for f in dataclasses.fields(Config)}
    preset, overrides, fresh = "full", {}, False
    for arg in argv:
        if arg == "--fresh":
            fresh = True
            continue
        if not arg.startswith("--") or "=" not in arg:
            raise ConfigError(f"expected --key=value, got {arg!r}")
        key, raw = arg[2:].split("=", 1)
        key = key.replace("-", "_")
        if key == "preset":
            if raw not in PRESETS:
                raise ConfigError(f"unknown preset {raw!r}; choose one of {', '.join(PRESETS)}")
            preset = raw
            continue
        if key not in fields:
            raise ConfigError(f"unknown setting {key!r}; settings are: {', '.join(fields)}")
        kind = type(getattr(Config(), key))
        try:
            overrides[key] = kind(raw) if kind is not bool else raw.lower() in ("1", "true", "yes")
        except ValueError:
            raise ConfigError(f"{key} must be a {kind.__name__}, got {raw!r}") from None
    config = Config(**{**PRESETS[preset], **overrides})
    check(config)
    return config, fresh


def check(c: Config) -> None:
    unknown = [s for s in c.stages.split(",") if s not in STAGES]
    if unknown:
        raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; stages are {', '.join(STAGES)}")
    if c.ae_frames not in FRAME_CHOICES:
        raise ConfigError(f"ae_frames must be one of {FRAME_CHOICES}")
    if c.perframe_init not in ("spacetime", "scratch"):
        raise ConfigError("perframe_init must be 'spacetime' or 'scratch'")
    if not 0 <= c.ae_still_share <= 1:
        raise ConfigError("ae_still_share must be between 0 and 1")
    for name in ("ae_steps", "decoder_steps", "ae_batch", "pool_clips", "dit_steps", "dit_tokens", "checkpoint_every", "dit_width"):
        if getattr(c, name) <= 0:
            raise ConfigError(f"{name} must be positive")
    if c.dit_width % (4 * c.dit_heads) or c.dit_width % 8:
        raise ConfigError("dit_width must be a multiple of 8 and of 4 x dit_heads")
    if c.dit_tokens < TOKENS_PER_SLICE * max(FRAME_CHOICES) // 4:
        raise ConfigError(f"dit_tokens must hold at least one 32-frame clip ({TOKENS_PER_SLICE * 8} tokens)")


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device=cuda asked for, but torch sees no CUDA device")
    return torch.device(name)


class Trainer:
    def __init__(self, config: Config, fresh: bool = False, log=sys.stderr):
        self.c, self.log = config, log
        self.out = Path(config.out)
        self.ckpt_dir = self.out / "checkpoints"
        self.device = pick_device(config.device)
        if config.threads > 0:  # on a shared machine one thread avoids stalls when a core is busy
            torch.set_num_threads(config.threads)
        self.fresh = fresh
        self.record_path = self.out / "training.json"
        self.record = {} if fresh or not self.record_path.exists() else json.loads(self.record_path.read_text())

    # ----- bookkeeping
    def say(self, text: str) -> None:
        self.log.write(text + "\n")
        self.log.flush()

    def _ckpt(self, stage: str) -> Path:
        return self.ckpt_dir / f"{stage}.ckpt"

    def _load_ckpt(self, stage: str) -> dict | None:
        path = self._ckpt(stage)
        if self.fresh or not path.exists():
            return None
        return torch.load(path, map_location="cpu", weights_only=False)

    def _save_ckpt(self, stage: str, blob: dict) -> None:
        self.ckpt_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._ckpt(stage).with_suffix(".tmp")
        torch.save(blob, tmp)
        tmp.replace(self._ckpt(stage))

    def _note(self, stage: str, **values) -> None:
        if self.record_path.exists():  # another run may have noted a stage meanwhile: keep it
            self.record = {**json.loads(self.record_path.read_text()), **{k: v for k, v in self.record.items()
                                                                           if k == stage}}
        self.record.setdefault(stage, {}).update(values)
        self.record["hardware"] = {"device": str(self.device), "torch_threads": torch.get_num_threads(),
                                   "cpu": platform.processor() or platform.machine(), "torch": torch.__version__}
        self.record["config"] = dataclasses.asdict(self.c)
        self.out.mkdir(parents=True, exist_ok=True)
        self.record_path.write_text(json.dumps(self.record, indent=2) + "\n")

    def _rng(self, stage: str) -> np.random.Generator:
        return np.random.default_rng([self.c.seed, STAGES.index(stage)])

    # ----- stages
    def run(self) -> None:
        started = time.perf_counter()
        for stage in self.c.stages.split(","):
            {"autoencoder": self.train_autoencoder, "latents": self.build_latents,
             "spacetime": lambda: self.train_dit("spacetime"), "per-frame": lambda: self.train_dit("per-frame"),
             "decoder": self.train_decoder}[stage]()
        self.say(f"all stages done in {time.perf_counter() - started:.0f} s; weights in {self.out}")

    def autoencoder_config(self) -> dict:
        w = self.c.ae_width
        cfg = {"latent_channels": self.c.latent_channels, "widths": [w, 2 * w, 4 * w]}
        return {**cfg, "shortcuts": True} if self.c.ae_shortcuts else cfg  # the first autoencoder's config as it was

    def train_autoencoder(self) -> None:
        """Encoder and decoder together, then the latent statistics."""
        torch.manual_seed(self.c.seed)
        cfg = self.autoencoder_config()
        model = VideoAutoencoder(cfg["latent_channels"], tuple(cfg["widths"]), cfg.get("shortcuts", False))
        self._fit_autoencoder("autoencoder", model, model.parameters(), self.c.ae_steps, self.c.ae_lr, cfg)

    def train_decoder(self) -> None:
        """The decoder alone, encoder frozen: sharper frames from the very latents the DiTs learned."""
        torch.manual_seed(self.c.seed + STAGES.index("decoder"))
        model, _ = weights.load_autoencoder(self.out)
        model.encoder.requires_grad_(False)
        self._fit_autoencoder("decoder", model, model.decoder.parameters(), self.c.decoder_steps, self.c.decoder_lr,
                              self.autoencoder_config())

    def _fit_autoencoder(self, stage: str, model: VideoAutoencoder, params, steps: int, peak_lr: float, cfg: dict):
        c = self.c
        model.to(self.device)
        opt = torch.optim.Adam(params, lr=peak_lr)
        rng, start, elapsed = self._rng(stage), 0, 0.0
        blob = self._load_ckpt(stage)
        if blob:
            if blob["step"] >= steps and self._note_of(stage).get("steps") == steps:
                self.say(f"[{stage}] already trained ({blob['step']} steps); skipping")
                return
            model.load_state_dict(blob["model"])
            opt.load_state_dict(blob["opt"])
            rng.bit_generator.state, start, elapsed = blob["rng"], blob["step"], blob["elapsed"]
            torch.set_rng_state(blob["torch_rng"])
            self.say(f"[{stage}] resuming at step {start}")
        bar = Progress(stage, steps, start, self.log)
        t0 = time.perf_counter()
        model.train()
        for step in range(start, steps):
            lr = peak_lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
            for group in opt.param_groups:
                group["lr"] = lr
            video, mask = (torch.from_numpy(a).to(self.device) for a in batch(self._ae_clips(rng, stage)))
            recon, raw = model(video)
            loss = self._ae_loss(recon, video, mask, stage) + 1e-4 * raw.pow(2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            bar.update(step + 1, loss=loss.item(), psnr=psnr(recon.detach(), video))
            if (step + 1) % c.checkpoint_every == 0 or step + 1 == steps:
                self._save_ckpt(stage, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step + 1,
                                        "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                                        "elapsed": elapsed + time.perf_counter() - t0})
        bar.close()
        elapsed += time.perf_counter() - t0
        model.eval()
        if stage == "autoencoder":
            with torch.no_grad():  # per-channel statistics make the latent unit-scale for the DiT
                video, _ = batch([make_clip(rng, 16) for _ in range(128)])
                raw = torch.cat([model.encoder(torch.from_numpy(v[None]).to(self.device)) for v in video])
                model.latent_mean.copy_(raw.mean(dim=(0, 2, 3, 4)))
                model.latent_std.copy_(raw.std(dim=(0, 2, 3, 4)))
        model.cpu()
        if c.ae_report_clips:
            self.say(f"[{stage}] measuring {c.ae_report_clips} fresh clips per shape")
            self._note(stage, metrics=measure_autoencoder(model, c.ae_report_clips))
        seconds = {s: self._note_of(s).get("seconds", 0) for s in ("autoencoder", "decoder")}
        seconds[stage] = round(elapsed)
        weights.save(self.out / weights.AUTOENCODER, model, cfg,
                     {"steps": c.ae_steps, "decoder_steps": c.decoder_steps if stage == "decoder" else 0,
                      "seconds": sum(seconds.values())})
        self._note(stage, steps=steps, seconds=round(elapsed), final_loss=loss.item())
        self.say(f"[{stage}] saved {self.out / weights.AUTOENCODER}")

    def _ae_clips(self, rng: np.random.Generator, stage: str) -> list:
        """One batch of clips, all of one shape and length, about ae_batch x ae_frames x 32 x 32 pixels."""
        c = self.c
        if c.ae_mixture:
            # v2: square, landscape, portrait and still images from one set of weights; a batch holds
            # one shape and one length, and the same number of pixels whatever they are.
            width, height = ASPECTS[str(rng.choice(list(ASPECTS)))]
            count = lambda frames: max(1, c.ae_batch * c.ae_frames * SIZE * SIZE // (frames * width * height))  # noqa: E731
            if rng.random() < c.ae_still_share:
                return [make_still(rng, width=width, height=height) for _ in range(count(4))]
            frames = int(rng.choice(FRAME_CHOICES))
            return [make_clip(rng, frames, width=width, height=height) for _ in range(count(frames))]
        frames, count = c.ae_frames, c.ae_batch
        if stage == "decoder":
            # Every length the DiTs generate: trained on 16 frames only, the decoder lost the object in
            # the first and last frames of fast 8-frame clips. Same number of frames per batch.
            frames = int(rng.choice(FRAME_CHOICES))
            count = max(1, c.ae_batch * c.ae_frames // frames)
        return [make_clip(rng, frames) for _ in range(count)]

    def _ae_loss(self, recon: torch.Tensor, video: torch.Tensor, mask: torch.Tensor, stage: str) -> torch.Tensor:
        """Reconstruction loss on (B, 3, F, H, W): object-weighted MSE, plus the v2 terms when set."""
        c = self.c
        foreground = c.foreground_weight
        if stage == "decoder" and c.decoder_foreground_weight > 0:
            foreground = c.decoder_foreground_weight
        weight = 1 + foreground * mask[:, None]
        err = recon - video
        loss = (weight * err ** 2).mean() / weight.mean()
        if c.ae_l1 > 0:  # L1 keeps pulling on small errors, such as a background a little too grey
            loss = loss + c.ae_l1 * (weight * err.abs()).mean() / weight.mean()
        if c.ae_gradient > 0:  # matching neighbour differences keeps edges sharp (objects fill their box)
            loss = loss + c.ae_gradient * (err.diff(dim=3).abs().mean() + err.diff(dim=4).abs().mean())
        temporal = c.decoder_temporal if stage == "decoder" else c.ae_temporal
        if temporal > 0 and video.shape[2] > 1:
            # Per-pixel losses let the decoder paint a slightly different texture on each frame of a
            # still background; that shimmer is flicker every clip inherits. Match the changes too.
            change = lambda v: v[:, :, 1:] - v[:, :, :-1]  # noqa: E731
            loss = loss + temporal * (change(recon) - change(video)).pow(2).mean()
        if c.ae_temporal_l1 > 0 and video.shape[2] > 1:
            loss = loss + c.ae_temporal_l1 * err.diff(dim=2).abs().mean()
        return loss

    def _note_of(self, stage: str) -> dict:
        return self.record.get(stage, {})

    def build_latents(self) -> None:
        """Encode a pool of fresh training clips per length once: encoding costs as much as a DiT step."""
        c, stage = self.c, "latents"
        path = self.ckpt_dir / "latents.pt"
        if path.exists() and not self.fresh:
            blob = torch.load(path, weights_only=True)
            if blob.get("pool_clips") == c.pool_clips and blob.get("seed") == c.seed:
                self.say(f"[{stage}] using the pool in {path}")
                return
        ae, _ = weights.load_autoencoder(self.out)
        ae.to(self.device)
        rng = self._rng(stage)
        pools, t0 = {}, time.perf_counter()
        bar = Progress(stage, c.pool_clips * len(FRAME_CHOICES), 0, self.log)
        done = 0
        with torch.no_grad():
            for frames in FRAME_CHOICES:
                latents, ids = [], []
                for first in range(0, c.pool_clips, 32):
                    clips = [make_clip(rng, frames) for _ in range(min(32, c.pool_clips - first))]
                    video, _ = batch(clips)
                    latents.append(ae.encode(torch.from_numpy(video).to(self.device)).cpu())
                    ids.extend(tokenize(clip.prompt.text).ids for clip in clips)
                    done += len(clips)
                    bar.update(done)
                pools[frames] = (torch.cat(latents), torch.tensor(ids))
        bar.close()
        self.ckpt_dir.mkdir(parents=True, exist_ok=True)
        torch.save({"pools": pools, "pool_clips": c.pool_clips, "seed": c.seed}, path)
        self._note(stage, clips_per_length=c.pool_clips, seconds=round(time.perf_counter() - t0))

    def dit_config(self, kind: str) -> DiTConfig:
        c = self.c
        return DiTConfig(latent_channels=c.latent_channels, width=c.dit_width, depth=c.dit_depth, heads=c.dit_heads,
                         text_layers=c.text_layers, max_slices=max(FRAME_CHOICES) // 4,
                         per_frame=(kind == "per-frame"))

    def train_dit(self, kind: str) -> None:
        c, stage = self.c, kind
        steps = c.dit_steps if kind == "spacetime" else c.perframe_steps
        final = self.out / weights.DIT_FILES[kind]
        torch.manual_seed(c.seed + STAGES.index(stage))
        model = DiT(self.dit_config(kind))
        if kind == "per-frame" and c.perframe_init == "spacetime":
            spacetime, _ = weights.load_dit("spacetime", self.out)
            model.load_state_dict(spacetime.state_dict())
        model.to(self.device)
        ema = DiT(self.dit_config(kind)).to(self.device)
        ema.load_state_dict(model.state_dict())
        ema.requires_grad_(False)
        opt = torch.optim.AdamW(model.parameters(), lr=c.dit_lr, weight_decay=0.0)
        rng, start, elapsed = self._rng(stage), 0, 0.0
        blob = self._load_ckpt(stage)
        if blob:
            model.load_state_dict(blob["model"])
            ema.load_state_dict(blob["ema"])
            opt.load_state_dict(blob["opt"])
            rng.bit_generator.state, start, elapsed = blob["rng"], blob["step"], blob["elapsed"]
            torch.set_rng_state(blob["torch_rng"])
            if start >= steps and final.exists():
                self.say(f"[{stage}] already trained ({start} steps); skipping")
                return
            self.say(f"[{stage}] resuming at step {start}")
        pools = torch.load(self.ckpt_dir / "latents.pt", weights_only=True)["pools"]
        null = torch.tensor(null_ids())
        bar = Progress(stage, steps, start, self.log)
        t0, smooth = time.perf_counter(), None
        model.train()
        for step in range(start, steps):
            lr = c.dit_lr * min(1.0, (step + 1) / c.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
            for group in opt.param_groups:
                group["lr"] = lr
            frames = int(rng.choice(FRAME_CHOICES))
            latents, ids = pools[frames]
            size = max(1, c.dit_tokens // (TOKENS_PER_SLICE * frames // 4))
            pick = torch.from_numpy(rng.integers(0, len(latents), size))
            x0, prompt = latents[pick].to(self.device), ids[pick].clone()
            prompt[torch.from_numpy(rng.random(size) < c.prompt_dropout)] = null
            t = torch.sigmoid(torch.randn(size)).to(self.device)  # logit-normal noise levels
            noise = torch.randn_like(x0)
            tt = t.view(-1, 1, 1, 1, 1)
            loss = F.mse_loss(model((1 - tt) * x0 + tt * noise, t, prompt.to(self.device)), noise - x0)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            decay = c.ema
            if kind == "per-frame" and c.perframe_init == "spacetime":
                # The average starts as the spacetime weights, which are wrong in per-frame mode:
                # a short warm-up lets it forget them instead of carrying a third of them to the end.
                decay = min(c.ema, (1 + step) / (10 + step))
            with torch.no_grad():
                for e, p in zip(ema.parameters(), model.parameters()):
                    e.lerp_(p, 1 - decay)
            smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
            bar.update(step + 1, loss=smooth, lr=lr)
            if (step + 1) % c.checkpoint_every == 0 or step + 1 == steps:
                self._save_ckpt(stage, {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                                        "step": step + 1, "rng": rng.bit_generator.state,
                                        "torch_rng": torch.get_rng_state(),
                                        "elapsed": elapsed + time.perf_counter() - t0})
        bar.close()
        elapsed += time.perf_counter() - t0
        ema.cpu()
        weights.save(final, ema, dataclasses.asdict(self.dit_config(kind)),
                     {"steps": steps, "seconds": round(elapsed), "init": c.perframe_init if kind == "per-frame" else "scratch"})
        self._note(stage, steps=steps, seconds=round(elapsed), final_loss=smooth)
        self.say(f"[{stage}] saved {final}")


def measure_autoencoder(model: VideoAutoencoder, clips: int = 32, frames: int = 16, seed: int = 99) -> dict:
    """model.ae_metrics on `clips` fresh clips of each shape and on still images (square), from their
    own seed, so two autoencoders are scored on the very same clips."""
    model.eval()
    kinds = {**{name: (w, h, False) for name, (w, h) in ASPECTS.items()}, "still": (SIZE, SIZE, True)}
    report = {}
    for name, (width, height, still) in kinds.items():
        rng = np.random.default_rng([seed, width, height, still])
        scores = []
        for _ in range(clips):
            clip = make_still(rng, width=width, height=height) if still else make_clip(rng, frames, width=width, height=height)
            video, _ = batch([clip])
            with torch.no_grad():
                recon = model(torch.from_numpy(video))[0][0].numpy()      # (3, F, H, W) in about [-1, 1]
            scores.append(ae_metrics.score_clip((recon.transpose(1, 2, 3, 0) + 1) / 2, clip))
        report[name] = {k: (round(v, 4) if math.isfinite(v) else None) for k, v in ae_metrics.summarise(scores).items()}
    return report


def psnr(recon: torch.Tensor, video: torch.Tensor) -> float:
    """PSNR in dB of videos in [-1, 1], measured on the [0, 1] scale."""
    mse = ((recon.clamp(-1, 1) - video) / 2).pow(2).mean().item()
    return 10 * math.log10(1 / max(mse, 1e-12))


def help_text() -> str:
    """`--help`: the usage, then every Config field with its type, default and the comment beside it
    in the dataclass, then the presets: generated from the fields, so it cannot fall behind them."""
    import inspect
    import re

    comments = dict(re.findall(r"^\s+(\w+):[^#\n]*#\s*(.+)$", inspect.getsource(Config), flags=re.M))
    lines = [__doc__.strip(), "", "Settings (--key=value):"]
    for f in dataclasses.fields(Config):
        default = getattr(Config(), f.name)
        lines.append(f"  --{f.name}={type(default).__name__} (default {default!r})"
                     + (f"  {comments[f.name]}" if f.name in comments else ""))
    lines += ["", "Presets (--preset=name, applied before the settings):"]
    lines += [f"  {name}: " + (", ".join(f"{k}={v!r}" for k, v in values.items()) or "the defaults")
              for name, values in PRESETS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(arg in ("-h", "--help") for arg in argv):
        print(help_text())
        return 0
    try:
        config, fresh = parse_args(argv)
        Trainer(config, fresh).run()
    except (ConfigError, weights.MissingWeights) as err:
        print(f"model.train: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

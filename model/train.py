"""Train the whole model: the video autoencoder, then the spacetime DiT, then the per-frame baseline.

    python -m model.train                       # the full recipe (under an hour on 2 CPU cores)
    python -m model.train --preset=tiny         # the second edition in miniature: seconds; tests, smoke runs
    python -m model.train --dit.steps=6000      # any setting as --path=value (model/train_config.py)
    python -m model.train --fresh               # ignore checkpoints and start over
    python -m model.train --preset=v2 --stages=autoencoder,decoder --out=/tmp/v2 --threads=1
                                                # autoencoder v2: every shape, still images, new loss

Each stage checkpoints every `checkpoint_every` steps into <out>/checkpoints/ and a rerun resumes
where it stopped; a finished stage is skipped. A fixed seed gives the same run. CUDA is used when
present, else the CPU. The settings live in model/train_config.py, the autoencoder stages' batches
and loss in model/ae_training.py; this file runs the stages.
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

from . import weights
from .ae_training import AutoencoderStage, every_length, measure_autoencoder, one_length, psnr, reconstruction_loss, shape_mixture
from .autoencoder import VideoAutoencoder
from .data import ASPECTS, FRAME_CHOICES, batch, make_clip, make_still
from .dit import PATCH, DiT, DiTConfig
from .progress import Progress
from .text import GRAMMARS, null_ids, tokenize
from .train_config import STAGES, Config, ConfigError, changes, help_text, parse_args


# ----- what tells the DiT stages apart (model/ae_training.py has the autoencoder's), the schedule

@dataclass(frozen=True)
class DiTStage:
    """One of the two DiT stages: the spacetime model, or the per-frame baseline."""
    name: str
    steps: int
    per_frame: bool                         # self-attention stays inside each latent time-slice
    init: str = "scratch"                   # "spacetime": start from the spacetime model's weights;
                                            # or a weights folder: continue that folder's spacetime DiT

    def ema_decay(self, step: int, target: float) -> float:
        if self.init != "spacetime":   # from scratch, or continuing weights of the same kind
            return target
        # The average starts as the spacetime weights, which are wrong in per-frame mode:
        # a short warm-up lets it forget them instead of carrying a third of them to the end.
        return min(target, (1 + step) / (10 + step))


def cosine(step: int, steps: int) -> float:
    """The learning-rate schedule's shape: from 1 down to 0.1 along half a cosine."""
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps))


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device=cuda asked for, but torch sees no CUDA device")
    return torch.device(name)


@dataclass
class Fitted:
    """What a finished training loop hands to the stage that saves its weights."""
    rng: np.random.Generator
    elapsed: float
    loss: float


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

    def _save_ckpt(self, stage: str, step: int, rng, opt, elapsed: float, **modules: torch.nn.Module) -> None:
        blob = {**{name: m.state_dict() for name, m in modules.items()}, "opt": opt.state_dict(), "step": step,
                "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "elapsed": elapsed}
        self.ckpt_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._ckpt(stage).with_suffix(".tmp")
        torch.save(blob, tmp)
        tmp.replace(self._ckpt(stage))

    @staticmethod
    def _restore(blob: dict, rng, opt, **modules: torch.nn.Module) -> tuple[int, float]:
        """Put a checkpoint back into the modules, the optimiser and both RNGs: (step, elapsed)."""
        for name, module in modules.items():
            module.load_state_dict(blob[name])
        opt.load_state_dict(blob["opt"])
        rng.bit_generator.state = blob["rng"]
        torch.set_rng_state(blob["torch_rng"])
        return blob["step"], blob["elapsed"]

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

    def _note_of(self, stage: str) -> dict:
        return self.record.get(stage, {})

    def _rng(self, stage: str) -> np.random.Generator:
        return np.random.default_rng([self.c.seed, STAGES.index(stage)])

    # ----- stages
    def run(self) -> None:
        started = time.perf_counter()
        for stage in self.c.stages.split(","):
            {"autoencoder": self.train_autoencoder, "latents": self.build_latents,
             "spacetime": lambda: self.train_dit(self.dit_stage("spacetime")),
             "per-frame": lambda: self.train_dit(self.dit_stage("per-frame")),
             "decoder": self.train_decoder}[stage]()
        self.say(f"all stages done in {time.perf_counter() - started:.0f} s; weights in {self.out}")

    def train_autoencoder(self) -> None:
        """Encoder and decoder together, then the latent statistics."""
        ae = self.c.ae
        torch.manual_seed(self.c.seed)
        model = VideoAutoencoder(ae.latent_channels, (ae.width, 2 * ae.width, 4 * ae.width), ae.shortcuts)
        if ae.init:  # fine-tuning: the same architecture, started from a trained file
            start, _ = weights.load_autoencoder(Path(ae.init))
            model.load_state_dict(start.state_dict())
        stage = AutoencoderStage("autoencoder", ae.steps, ae.lr, ae.foreground_weight, ae.temporal,
                                 shape_mixture if ae.mixture else one_length)
        fitted = self._fit_autoencoder(stage, model, model.parameters())
        if fitted:
            self._latent_statistics(model, fitted.rng)
            self._save_autoencoder(stage, model, fitted, decoder_steps=0)

    def train_decoder(self) -> None:
        """The decoder alone, encoder frozen: sharper frames from the very latents the DiTs learned."""
        ae = self.c.ae
        torch.manual_seed(self.c.seed + STAGES.index("decoder"))
        model, _ = weights.load_autoencoder(self.out)
        model.encoder.requires_grad_(False)
        stage = AutoencoderStage("decoder", ae.decoder_steps, ae.decoder_lr,
                                 ae.decoder_foreground_weight if ae.decoder_foreground_weight > 0 else ae.foreground_weight,
                                 ae.decoder_temporal, shape_mixture if ae.mixture else every_length)
        fitted = self._fit_autoencoder(stage, model, model.decoder.parameters())
        if fitted:
            self._save_autoencoder(stage, model, fitted, decoder_steps=ae.decoder_steps)

    def _fit_autoencoder(self, stage: AutoencoderStage, model: VideoAutoencoder, params) -> Fitted | None:
        """The training loop both autoencoder stages share; None when the stage is already done."""
        c = self.c
        model.to(self.device)
        opt = torch.optim.Adam(params, lr=stage.lr)
        rng, start, elapsed = self._rng(stage.name), 0, 0.0
        blob = self._load_ckpt(stage.name)
        if blob:
            if blob["step"] >= stage.steps and self._note_of(stage.name).get("steps") == stage.steps:
                self.say(f"[{stage.name}] already trained ({blob['step']} steps); skipping")
                return None
            start, elapsed = self._restore(blob, rng, opt, model=model)
            self.say(f"[{stage.name}] resuming at step {start}")
        bar = Progress(stage.name, stage.steps, start, self.log)
        t0, loss = time.perf_counter(), torch.tensor(float("nan"))
        model.train()
        for step in range(start, stage.steps):
            for group in opt.param_groups:
                group["lr"] = stage.lr * cosine(step, stage.steps)
            video, mask = (torch.from_numpy(a).to(self.device) for a in batch(stage.clips(rng, c.ae, GRAMMARS[c.grammar])))
            recon, raw = model(video)
            loss = reconstruction_loss(recon, video, mask, c.ae, stage) + 1e-4 * raw.pow(2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            bar.update(step + 1, loss=loss.item(), psnr=psnr(recon.detach(), video))
            if (step + 1) % c.checkpoint_every == 0 or step + 1 == stage.steps:
                self._save_ckpt(stage.name, step + 1, rng, opt, elapsed + time.perf_counter() - t0, model=model)
        bar.close()
        model.eval()
        return Fitted(rng, elapsed + time.perf_counter() - t0, loss.item())

    def _latent_statistics(self, model: VideoAutoencoder, rng: np.random.Generator) -> None:
        """Per-channel mean and std over 128 fresh clips make the latent unit-scale for the DiT."""
        with torch.no_grad():
            video, _ = batch([make_clip(rng, 16) for _ in range(128)])
            raw = torch.cat([model.encoder(torch.from_numpy(v[None]).to(self.device)) for v in video])
            model.latent_mean.copy_(raw.mean(dim=(0, 2, 3, 4)))
            model.latent_std.copy_(raw.std(dim=(0, 2, 3, 4)))

    def _save_autoencoder(self, stage: AutoencoderStage, model: VideoAutoencoder, fitted: Fitted,
                          decoder_steps: int) -> None:
        c = self.c
        model.cpu()
        if c.ae.report_clips:
            self.say(f"[{stage.name}] measuring {c.ae.report_clips} fresh clips per shape")
            self._note(stage.name, metrics=measure_autoencoder(model, c.ae.report_clips))
        seconds = {s: self._note_of(s).get("seconds", 0) for s in ("autoencoder", "decoder")}
        seconds[stage.name] = round(fitted.elapsed)
        weights.save(self.out / weights.AUTOENCODER, model, c.ae.model_config(),
                     {"steps": c.ae.steps, "decoder_steps": decoder_steps, "seconds": sum(seconds.values())})
        self._note(stage.name, steps=stage.steps, seconds=round(fitted.elapsed), final_loss=fitted.loss)
        self.say(f"[{stage.name}] saved {self.out / weights.AUTOENCODER}")

    def build_latents(self) -> None:
        """Encode a pool of fresh training clips per length once: encoding costs as much as a DiT step.
        With dit.mixture, one pool per (shape, length) and one of stills per shape."""
        c, stage = self.c, "latents"
        path = self.ckpt_dir / "latents.pt"
        recipe = {"pool_clips": c.pool_clips, "seed": c.seed, "mixture": c.dit.mixture, "grammar": c.grammar}
        if path.exists() and not self.fresh:
            blob = {"mixture": False, "grammar": "first", **torch.load(path, weights_only=True)}  # older pools: the first edition's
            if all(blob.get(k) == v for k, v in recipe.items()):
                self.say(f"[{stage}] using the pool in {path}")
                return
        ae, _ = weights.load_autoencoder(self.out)
        ae.to(self.device)
        rng = self._rng(stage)
        kinds = latent_pools(c.dit.mixture)
        pools, t0, done = {}, time.perf_counter(), 0
        bar = Progress(stage, c.pool_clips * len(kinds), 0, self.log)
        grammar = GRAMMARS[c.grammar]
        with torch.no_grad():
            for key, make in kinds.items():
                latents, ids = [], []
                for first in range(0, c.pool_clips, 32):
                    clips = [make(rng, grammar) for _ in range(min(32, c.pool_clips - first))]
                    video, _ = batch(clips)
                    latents.append(ae.encode(torch.from_numpy(video).to(self.device)).cpu())
                    ids.extend(tokenize(clip.prompt.text, grammar).ids for clip in clips)
                    done += len(clips)
                    bar.update(done)
                pools[key] = (torch.cat(latents), torch.tensor(ids))
        bar.close()
        self.ckpt_dir.mkdir(parents=True, exist_ok=True)
        torch.save({"pools": pools, **recipe}, path)
        self._note(stage, clips_per_pool=c.pool_clips, pools=len(pools), seconds=round(time.perf_counter() - t0))

    def dit_stage(self, kind: str) -> DiTStage:
        d = self.c.dit
        return {"spacetime": DiTStage("spacetime", d.steps, per_frame=False, init=d.init or "scratch"),
                "per-frame": DiTStage("per-frame", d.per_frame_steps, per_frame=True, init=d.per_frame_init)}[kind]

    def dit_config(self, kind: str) -> DiTConfig:
        return self.c.dit.model_config(self.c.ae.latent_channels, self.dit_stage(kind).per_frame, self.c.grammar)

    def train_dit(self, stage: DiTStage) -> None:
        c, d = self.c, self.c.dit
        final = self.out / weights.DIT_FILES[stage.name]
        torch.manual_seed(c.seed + STAGES.index(stage.name))
        model = DiT(self.dit_config(stage.name))
        if stage.init != "scratch":
            source = self.out if stage.init == "spacetime" else Path(stage.init)
            # A model gaining the prompt-order path (zero at the start) continues one without it.
            missing, unexpected = model.load_state_dict(weights.load_dit("spacetime", source)[0].state_dict(),
                                                        strict=False)
            if unexpected or any(not k.startswith("text_order.") for k in missing):
                raise weights.MissingWeights(f"{source} holds a different DiT: missing {missing}, unexpected {unexpected}")
        model.to(self.device)
        ema = DiT(self.dit_config(stage.name)).to(self.device)
        ema.load_state_dict(model.state_dict())
        ema.requires_grad_(False)
        opt = torch.optim.AdamW(model.parameters(), lr=d.lr, weight_decay=0.0)
        rng, start, elapsed = self._rng(stage.name), 0, 0.0
        blob = self._load_ckpt(stage.name)
        if blob:
            start, elapsed = self._restore(blob, rng, opt, model=model, ema=ema)
            if start >= stage.steps and final.exists():
                self.say(f"[{stage.name}] already trained ({start} steps); skipping")
                return
            self.say(f"[{stage.name}] resuming at step {start}")
        pools = torch.load(self.ckpt_dir / "latents.pt", weights_only=True)["pools"]
        null = torch.tensor(null_ids(GRAMMARS[c.grammar]))
        bar = Progress(stage.name, stage.steps, start, self.log)
        t0, smooth = time.perf_counter(), None
        model.train()
        for step in range(start, stage.steps):
            lr = d.lr * min(1.0, (step + 1) / d.warmup) * cosine(step, stage.steps)
            for group in opt.param_groups:
                group["lr"] = lr
            x_t, t, prompt, velocity = self._dit_batch(rng, pools, null)
            loss = F.mse_loss(model(x_t, t, prompt), velocity)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            decay = stage.ema_decay(step, d.ema)
            with torch.no_grad():  # the exponential moving average is what gets saved
                for e, p in zip(ema.parameters(), model.parameters()):
                    e.lerp_(p, 1 - decay)
            smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
            bar.update(step + 1, loss=smooth, lr=lr)
            if (step + 1) % c.checkpoint_every == 0 or step + 1 == stage.steps:
                self._save_ckpt(stage.name, step + 1, rng, opt, elapsed + time.perf_counter() - t0, model=model, ema=ema)
        bar.close()
        elapsed += time.perf_counter() - t0
        weights.save(final, ema.cpu(), dataclasses.asdict(self.dit_config(stage.name)),
                     {"steps": stage.steps, "seconds": round(elapsed), "init": stage.init})
        self._note(stage.name, steps=stage.steps, seconds=round(elapsed), final_loss=smooth)
        self.say(f"[{stage.name}] saved {final}")

    def _dit_batch(self, rng: np.random.Generator, pools: dict, null: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """One flow-matching batch from the latent pool: clips of one length, about dit.tokens tokens,
        some prompts replaced by the null prompt. Returns (x_t, t, prompt ids, target velocity)."""
        d = self.c.dit
        if d.mixture:  # one shape (and length) per batch, or one batch in 1/still_share of stills
            aspect = str(rng.choice(list(ASPECTS)))
            key = f"{aspect}/still" if rng.random() < d.still_share else f"{aspect}/{int(rng.choice(FRAME_CHOICES))}"
        else:
            key = int(rng.choice(FRAME_CHOICES))
        latents, ids = pools[key]
        slices, rows, cols = latents.shape[2], latents.shape[3] // PATCH, latents.shape[4] // PATCH
        size = max(1, d.tokens // (slices * rows * cols))
        pick = torch.from_numpy(rng.integers(0, len(latents), size))
        x0, prompt = latents[pick].to(self.device), ids[pick].clone()
        prompt[torch.from_numpy(rng.random(size) < d.prompt_dropout)] = null
        t = torch.sigmoid(torch.randn(size)).to(self.device)  # logit-normal noise levels
        noise = torch.randn_like(x0)
        tt = t.view(-1, 1, 1, 1, 1)                            # (B, 1, 1, 1, 1): one level per clip
        return (1 - tt) * x0 + tt * noise, t, prompt.to(self.device), noise - x0


def latent_pools(mixture: bool) -> dict:
    """The DiTs' latent pools, key -> clip maker (rng, grammar): one per length of square clips (keys
    8, 12, ... 32, the first edition's), or with `mixture` one per shape and length ("landscape/16")
    and one of still images per shape ("portrait/still")."""
    if not mixture:
        return {frames: (lambda rng, grammar, frames=frames: make_clip(rng, frames, grammar=grammar))
                for frames in FRAME_CHOICES}
    pools = {}
    for aspect, (width, height) in ASPECTS.items():
        for frames in FRAME_CHOICES:
            pools[f"{aspect}/{frames}"] = (lambda rng, grammar, f=frames, w=width, h=height:
                                           make_clip(rng, f, width=w, height=h, grammar=grammar))
        pools[f"{aspect}/still"] = (lambda rng, grammar, w=width, h=height:
                                    make_still(rng, width=w, height=h, grammar=grammar))
    return pools


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(arg in ("-h", "--help") for arg in argv):
        print(help_text(__doc__))
        return 0
    try:
        config, fresh = parse_args(argv)
        print("model.train: " + (", ".join(changes(config)) or "the defaults"), file=sys.stderr)
        Trainer(config, fresh).run()
    except (ConfigError, weights.MissingWeights) as err:
        print(f"model.train: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Training: the config and its presets, the tiny run's losses, and resuming a broken run."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from model import weights
from model.autoencoder import VideoAutoencoder
from model.data import batch, make_clip
from model.dit import DiT
from model.train import Trainer
from model.train_config import PRESETS, Config, ConfigError, changes, configure, parse_args, settings


def test_training_config_is_checked():
    config, fresh = parse_args(["--preset=tiny", "--dit.steps=7", "--ae.shortcuts=yes", "--dit.per-frame-init=scratch",
                                "--fresh"])
    assert (config.dit.steps, config.ae.width, config.ae.shortcuts, config.dit.per_frame_init) == (7, 8, True, "scratch")
    assert fresh and config.ae.lr == Config().ae.lr, "a preset overrides some defaults and keeps the rest"
    assert "dit.steps=7" in changes(config) and not any(c.startswith("ae.lr=") for c in changes(config))
    for bad, words in ((["--bogus=1"], "unknown setting"), (["--dit.steps=many"], "dit.steps must be a int"),
                       (["--preset=huge"], "unknown preset"), (["dit.steps=3"], "--key=value"),
                       (["--stages=autoencoder,painting"], "unknown stage"), (["--ae.frames=10"], "ae.frames"),
                       (["--ae.shortcuts=maybe"], "must be a bool"), (["--dit=3"], "unknown setting 'dit'"),
                       (["--dit_steps=3"], "did you mean --dit.steps"),
                       (["--perframe_steps=3"], "did you mean --dit.per_frame_steps")):
        with pytest.raises(ConfigError, match=words):
            parse_args(bad)


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_changes_only_the_settings_it_names(name):
    defaults, preset = settings(), settings(configure(name))
    changed = {path for path, value in preset.items() if value != defaults[path]}
    assert changed <= set(PRESETS[name]), f"{name} changed settings it does not name: {changed - set(PRESETS[name])}"
    assert all(preset[path] == value for path, value in PRESETS[name].items())


def test_tiny_training_lowers_the_losses(tiny):
    rng = np.random.default_rng(5)
    video, _ = batch([make_clip(rng, 8) for _ in range(4)])
    video = torch.from_numpy(video)
    torch.manual_seed(0)  # the trainer's starting point for seed 0
    untrained = VideoAutoencoder(8, (8, 16, 32))
    trained, _ = weights.load_autoencoder(tiny)
    with torch.no_grad():
        before = (untrained(video)[0] - video).pow(2).mean()
        after = (trained.decode(trained.encode(video)) - video).pow(2).mean()
    assert after < 0.85 * before

    pool = torch.load(tiny / "checkpoints" / "latents.pt", weights_only=True)["pools"]["square/16"]
    x0, ids = pool[0][:8], pool[1][:8]
    g = torch.Generator().manual_seed(0)
    noise, t = torch.randn(x0.shape, generator=g), torch.rand(8, generator=g)
    tt = t.view(-1, 1, 1, 1, 1)

    def flow_loss(dit):
        with torch.no_grad():
            return (dit((1 - tt) * x0 + tt * noise, t, ids) - (noise - x0)).pow(2).mean().item()

    fresh_dit = DiT(Trainer(configure("tiny", {"out": str(tiny)})).dit_config("spacetime"))
    assert flow_loss(weights.load_dit("spacetime", tiny)[0]) < 0.9 * flow_loss(fresh_dit)


def test_training_resumes_to_the_same_weights(tiny, tmp_path, monkeypatch):
    """Interrupt the spacetime stage after a checkpoint, rerun: the same weights as an unbroken run in
    this process. Both start from the session run's autoencoder and latent pool, so only the stage
    under test is trained (twice)."""
    import shutil

    import model.train as train

    def folder(name: str) -> dict:
        out = tmp_path / name
        (out / "checkpoints").mkdir(parents=True)
        shutil.copy(tiny / weights.AUTOENCODER, out / weights.AUTOENCODER)
        shutil.copy(tiny / "checkpoints" / "latents.pt", out / "checkpoints" / "latents.pt")
        return configure("tiny", {"out": str(out), "stages": "latents,spacetime"})

    unbroken, broken = folder("unbroken"), folder("broken")
    Trainer(unbroken, log=open("/dev/null", "w")).run()
    real_update = train.Progress.update

    def interrupt(self, step, **values):
        if self.label == "spacetime" and step == 15:
            raise KeyboardInterrupt
        real_update(self, step, **values)

    monkeypatch.setattr(train.Progress, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        Trainer(broken, log=open("/dev/null", "w")).run()
    assert not (tmp_path / "broken" / "dit_spacetime.pt").exists()
    monkeypatch.setattr(train.Progress, "update", real_update)
    log = tmp_path / "log.txt"
    Trainer(broken, log=log.open("w")).run()
    assert "resuming at step 10" in log.read_text() and "using the pool" in log.read_text()
    resumed, want = (torch.load(tmp_path / name / "dit_spacetime.pt", weights_only=True)["state"]
                     for name in ("broken", "unbroken"))
    assert all(torch.equal(resumed[k], want[k]) for k in want)

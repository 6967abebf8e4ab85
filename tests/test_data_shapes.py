"""Clips of every shape from one generator (model/data.py): square, landscape, portrait and still
images, with ground truth inside the frame, and the default 32 x 32 path unchanged bit for bit (the
course's cached tables and other tests depend on it). numpy only; no torch, no network."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from model.data import (ASPECTS, DEFAULT_FRAMES, RADIUS, RGB, SIZE, STILL_FRAMES, batch, make_clip, make_still,
                        wall_columns)

# sha256 of the default path's clips, computed on the generator as it was before shapes existed.
DEFAULT_PATH_SHA256 = "e0e6a7b73710aed93075cc1a9562925a4c59cd2a995445f7320f43554071c4bd"


def default_path_digest() -> str:
    digest = hashlib.sha256()
    rng = np.random.default_rng(1234)
    for frames in (8, 16, 32, 12):
        for split in ("train", "held_out", "any"):
            for _ in range(4):
                clip = make_clip(rng, frames, split)
                for array in (clip.video, clip.centres, clip.visible, clip.mask):
                    digest.update(np.ascontiguousarray(array).tobytes())
                digest.update(clip.prompt.text.encode())
    return digest.hexdigest()


def test_default_path_is_unchanged():
    assert default_path_digest() == DEFAULT_PATH_SHA256


def test_explicit_square_canvas_is_the_default():
    a, b = make_clip(np.random.default_rng(5)), make_clip(np.random.default_rng(5), DEFAULT_FRAMES, width=SIZE, height=SIZE)
    assert np.array_equal(a.video, b.video) and np.array_equal(a.centres, b.centres)


@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("still", [False, True])
def test_shapes_and_ground_truth_inside_the_frame(aspect, still):
    width, height = ASPECTS[aspect]
    rng = np.random.default_rng([7, width, height, still])
    for _ in range(30):
        clip = make_still(rng, width=width, height=height) if still else make_clip(rng, 12, width=width, height=height)
        frames = STILL_FRAMES if still else 12
        assert clip.video.shape == (frames, height, width, 3) and clip.video.dtype == np.float32
        assert clip.mask.shape == (frames, height, width) and clip.centres.shape == (frames, 2)
        assert clip.visible.shape == (frames,)
        assert 0 <= clip.video.min() and clip.video.max() <= 1
        x, y = clip.centres[:, 0], clip.centres[:, 1]
        edge = RADIUS + 0.5  # the whole object stays on the canvas
        assert (x >= edge).all() and (x <= width - edge).all() and (y >= edge).all() and (y <= height - edge).all()
        full = clip.mask.sum(axis=(1, 2))
        assert np.allclose(full, full[0], rtol=0.15), "the object is never cut off by the canvas edge"
        for f in np.flatnonzero(clip.visible & ~_near_wall(clip, width)):  # the object's colour at its centre
            cx, cy = int(x[f]), int(y[f])
            assert np.abs(clip.video[f, cy, cx] - RGB[clip.prompt.colour]).max() < 1e-5
        far = clip.mask.max(axis=0) == 0
        assert np.abs(np.diff(clip.video, axis=0))[:, far].max() < 1e-6, "the background is still"


def _near_wall(clip, width) -> np.ndarray:
    left, right = wall_columns(width)
    x = clip.centres[:, 0]
    return clip.prompt.wall & (x > left - RADIUS - 1) & (x < right + RADIUS + 1)


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_the_object_crosses_the_whole_width(aspect):
    width, height = ASPECTS[aspect]
    rng = np.random.default_rng(11)
    for _ in range(20):
        clip = make_clip(rng, 16, width=width, height=height)
        moved = clip.centres[-1, 0] - clip.centres[0, 0]
        assert abs(moved) > width - 16 and (moved > 0) == (clip.prompt.start == "left")


def test_still_images_are_one_latent_slice_of_identical_frames():
    rng = np.random.default_rng(3)
    stills = [make_still(rng) for _ in range(20)]
    for still in stills:
        assert len(still.video) == STILL_FRAMES == 4
        assert np.array_equal(still.video, np.broadcast_to(still.video[:1], still.video.shape))
        assert np.array_equal(still.centres, np.broadcast_to(still.centres[:1], still.centres.shape))
    assert len({tuple(s.centres[0].round(1)) for s in stills}) > 15, "stills show different moments"
    video, mask = batch(stills[:3])
    assert video.shape == (3, 3, 4, 32, 32) and mask.shape == (3, 4, 32, 32)


def test_walls_sit_in_the_middle_on_the_latent_grid():
    for width, _ in ASPECTS.values():
        left, right = wall_columns(width)
        assert left % 4 == 0 and right % 4 == 0 and left + right == width
    rng = np.random.default_rng(4)
    walled = [c for c in (make_clip(rng, 16, width=64, height=32) for _ in range(60)) if c.prompt.wall]
    assert walled and all(c.visible[0] and c.visible[-1] and not c.visible.all() for c in walled)


@pytest.mark.parametrize("width,height", [(30, 32), (32, 24), (32, 136), (40, 33)])
def test_bad_canvases_are_refused(width, height):
    with pytest.raises(ValueError, match="multiple of 8"):
        make_clip(np.random.default_rng(0), 16, width=width, height=height)


# ----- the autoencoder takes every shape (fully convolutional)

@pytest.mark.parametrize("shortcuts", [False, True])
def test_the_autoencoder_takes_every_shape_and_stills(shortcuts):
    torch = pytest.importorskip("torch")
    from model.autoencoder import VideoAutoencoder
    model = VideoAutoencoder(8, (24, 48, 96), shortcuts).eval()
    rng = np.random.default_rng(6)
    for width, height in ASPECTS.values():
        for clip in (make_clip(rng, 8, width=width, height=height), make_still(rng, width=width, height=height)):
            video, _ = batch([clip])
            with torch.no_grad():
                latent = model.encode(torch.from_numpy(video))
                assert latent.shape == (1, 8, len(clip.video) // 4, height // 4, width // 4)
                assert model.decode(latent).shape == video.shape


def test_shortcuts_travel_in_the_weights_file():
    pytest.importorskip("torch")
    from model.autoencoder import VideoAutoencoder
    state = VideoAutoencoder(8, (24, 48, 96), shortcuts=True).state_dict()
    rebuilt = VideoAutoencoder(8, (24, 48, 96))          # as model.weights builds it: from widths alone
    rebuilt.load_state_dict(state)
    assert rebuilt.encoder.shortcuts and rebuilt.decoder.shortcuts
    older = {k: v for k, v in state.items() if k != "shortcuts"}  # a file written before shortcuts existed
    rebuilt.load_state_dict(older)
    assert not rebuilt.encoder.shortcuts and not rebuilt.decoder.shortcuts

"""The shipped demo stream: a drifting video-like stream built from scikit-learn's handwritten
digits (1,797 real 8x8 images, shipped inside scikit-learn: no download).

The images are split once (seeded) into a *base* set (pre-training the student and the teacher),
a *stream* pool (what the camera sees: the samples the teacher labels) and an *evaluation* pool
(each segment's accuracy is measured on it, never trained on). Each segment transforms both pools
the same way, in the spirit of BDD100K's attributes (weather, time of day, location):

| segment | attribute | what changes |
|---|---|---|
| 0 `day` | clear daytime | nothing: the source domain |
| 1 `night` | time of day | brightness x 0.45, sensor noise (sd 0.10) |
| 2 `fog` | weather | contrast x 0.5 around the mean, 3x3 blur |
| 3 `snow` | weather | 15% of pixels flipped to white (salt noise), brightness x 0.8 |
| 4 `new-town` | location | class mix shifted: digits 0-4 four times as likely; images shifted by one pixel |
| 5 `rainy-night` | weather and time | brightness x 0.6, noise (sd 0.15), blur, one-pixel shift |

Pixel values are fractions in [0, 1]. Everything is deterministic given the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEMO_SCENARIO = "demo"
N_CLASSES = 10
IMAGE_SIZE = 8


@dataclass(frozen=True)
class SegmentSpec:
    name: str
    brightness: float = 1.0
    noise_sd: float = 0.0
    contrast: float = 1.0
    blur: bool = False
    salt: float = 0.0
    shift_px: int = 0
    favoured_classes: tuple[int, ...] = ()  # drawn `favour` times as often
    favour: float = 1.0


SEGMENTS: tuple[SegmentSpec, ...] = (
    SegmentSpec("day"),
    SegmentSpec("night", brightness=0.45, noise_sd=0.10),
    SegmentSpec("fog", contrast=0.5, blur=True),
    SegmentSpec("snow", salt=0.15, brightness=0.8),
    SegmentSpec("new-town", shift_px=1, favoured_classes=(0, 1, 2, 3, 4), favour=4.0),
    SegmentSpec("rainy-night", brightness=0.6, noise_sd=0.15, blur=True, shift_px=1),
)


def _blur(x: np.ndarray) -> np.ndarray:
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge")
    return sum(padded[:, i:i + IMAGE_SIZE, j:j + IMAGE_SIZE] for i in range(3) for j in range(3)) / 9.0


def transform(images: np.ndarray, spec: SegmentSpec, rng: np.random.Generator) -> np.ndarray:
    """`images` (N, 8, 8) in [0, 1] as the segment shows them."""
    x = images.astype(np.float64)
    if spec.shift_px:
        x = np.roll(x, spec.shift_px, axis=2)
        x[:, :, :spec.shift_px] = 0.0
    if spec.blur:
        x = _blur(x)
    if spec.contrast != 1.0:
        mean = x.mean(axis=(1, 2), keepdims=True)
        x = mean + spec.contrast * (x - mean)
    x = x * spec.brightness
    if spec.salt:
        x = np.where(rng.random(x.shape) < spec.salt, 1.0, x)
    if spec.noise_sd:
        x = x + rng.normal(0.0, spec.noise_sd, x.shape)
    return np.clip(x, 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class DemoData:
    """The three pools (images (N, 8, 8) in [0, 1], labels (N,))."""

    base_x: np.ndarray
    base_y: np.ndarray
    stream_x: np.ndarray
    stream_y: np.ndarray
    eval_x: np.ndarray
    eval_y: np.ndarray


def load_digits_split(seed: int = 0) -> DemoData:
    """scikit-learn's digits, split 40% base / 35% stream / 25% evaluation (stratified by shuffling)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError("the demo stream needs scikit-learn: pip install 'cl-dse[profile]'") from err
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    a, b = int(0.40 * len(y)), int(0.75 * len(y))
    base, stream, held = order[:a], order[a:b], order[b:]
    return DemoData(x[base], y[base], x[stream], y[stream], x[held], y[held])


def segment_samples(data: DemoData, segment: int, n: int, seed: int, pool: str = "stream"
                    ) -> tuple[np.ndarray, np.ndarray]:
    """`n` images of `segment` drawn from a pool (with the segment's class mix; with replacement
    when n exceeds the pool, each copy with its own noise), and their true labels."""
    spec = SEGMENTS[segment]
    x, y = (data.stream_x, data.stream_y) if pool == "stream" else (data.eval_x, data.eval_y)
    rng = np.random.default_rng([seed, segment, 0 if pool == "stream" else 1])
    weight = np.where(np.isin(y, spec.favoured_classes), spec.favour, 1.0)
    pick = rng.choice(len(y), size=n, replace=n > len(y) or spec.favour != 1.0, p=weight / weight.sum())
    return transform(x[pick], spec, rng), y[pick]


def evaluation_set(data: DemoData, segment: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The segment's evaluation images: the whole evaluation pool under its transform (class
    mix applied by resampling to the pool's size)."""
    return segment_samples(data, segment, len(data.eval_y), seed, pool="eval")

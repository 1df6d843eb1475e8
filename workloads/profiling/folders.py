"""A user's footage for `dse proxies profile SPEC.toml`: one torchvision ImageFolder per segment
(class sub-folders of images), and the student and teacher as full PyTorch checkpoints
(`torch.save(model)`, e.g. a torchvision resnet18 fine-tuned on the user's classes). Needs
torchvision. Each segment's images are split once (seeded) in two halves: the stream (what the
teacher labels) and the evaluation set (scored against the folder labels). Runs on a GPU when one
is there (`device = "auto"`).

SPEC.toml:

    students = ["resnet18"]            # zoo names (the accelerator model costs them)
    teacher = "wide_resnet50_2"
    scenario = "my-footage"
    segments = ["footage/seg0", "footage/seg1"]
    checkpoints = {resnet18 = "student.pt", wide_resnet50_2 = "teacher.pt"}
    image_size = 224
    samples = [64, 256, 1024]          # optional, as the other keys below
    epochs = [1, 2, 4, 8]
    frozen_layers = [0, 4]
    formats = ["mx4", "mx6", "mx9"]
    seed = 0
    device = "auto"                    # cuda when available, else cpu
    lr = 0.001
"""

from __future__ import annotations

import tomllib

import numpy as np

from ..errors import WorkloadError

KEYS = ("students", "teacher", "scenario", "segments", "checkpoints", "image_size", "samples", "epochs",
        "frozen_layers", "formats", "seed", "device", "lr")


def load_profile_spec(path: str):
    """A `ProfileSpec` from SPEC.toml; every key checked (one error naming the file and key)."""
    from ..zoo import MODELS
    from .mx import MANTISSA_BITS
    from .runner import ProfileSpec

    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        raise WorkloadError("file", "does not exist", path) from None
    except tomllib.TOMLDecodeError as err:
        raise WorkloadError("file", f"not valid TOML ({err})", path) from None
    for key in doc:
        if key not in KEYS:
            raise WorkloadError(key, f"unknown key (known: {', '.join(KEYS)})", path)
    for key in ("students", "teacher", "scenario", "segments", "checkpoints"):
        if key not in doc:
            raise WorkloadError(key, "missing", path)
    for name in [*doc["students"], doc["teacher"]]:
        if name not in MODELS:
            raise WorkloadError("students/teacher", f"unknown model {name!r} (known: {', '.join(MODELS)})", path)
        if name not in doc["checkpoints"]:
            raise WorkloadError("checkpoints", f"no checkpoint for {name!r}", path)

    def ints(key, default, low):
        value = doc.get(key, default)
        if not isinstance(value, list) or not value or not all(isinstance(v, int) and v >= low for v in value):
            raise WorkloadError(key, f"must be a non-empty list of integers >= {low}, got {value!r}", path)
        return tuple(value)

    formats = tuple(doc.get("formats", ["mx4", "mx6", "mx9"]))
    for f in formats:
        if f not in MANTISSA_BITS:
            raise WorkloadError("formats", f"unknown format {f!r} (known: {', '.join(MANTISSA_BITS)})", path)
    return ProfileSpec(students=tuple(doc["students"]), teacher=doc["teacher"], scenario=str(doc["scenario"]),
                       n_segments=len(doc["segments"]), samples=ints("samples", [64, 256, 1024], 1),
                       epochs=ints("epochs", [1, 2, 4, 8], 1), frozen_layers=ints("frozen_layers", [0], 0),
                       formats=formats, seed=int(doc.get("seed", 0)), source="folders",
                       retrain_lr=float(doc.get("lr", 0.001)),
                       folders={"segments": list(doc["segments"]), "checkpoints": dict(doc["checkpoints"]),
                                "image_size": int(doc.get("image_size", 224)), "device": doc.get("device", "auto")})


class FolderSource:
    """Images of each segment folder, loaded once as tensors on the chosen device."""

    def __init__(self, spec):
        try:
            import torch
            import torchvision
        except ImportError as err:
            raise WorkloadError("segments", f"profiling image folders needs torchvision ({err})") from None
        self.spec, self.torch = spec, torch
        cfg = spec.folders
        wanted = cfg.get("device", "auto")
        self.device = ("cuda" if torch.cuda.is_available() else "cpu") if wanted == "auto" else wanted
        tf = torchvision.transforms
        size = cfg["image_size"]
        transform = tf.Compose([tf.Resize(size), tf.CenterCrop(size), tf.ToTensor(),
                                tf.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
        self.halves = []
        for i, folder in enumerate(cfg["segments"]):
            data = torchvision.datasets.ImageFolder(folder, transform=transform)
            order = np.random.default_rng([spec.seed, i]).permutation(len(data))
            half = len(order) // 2
            self.halves.append((data, order[:half], order[half:]))

    def load_model(self, name: str):
        model = self.torch.load(self.spec.folders["checkpoints"][name], map_location=self.device, weights_only=False)
        return model.to(self.device)

    def _load(self, data, idx):
        xs, ys = zip(*(data[int(i)] for i in idx), strict=True)
        return self.torch.stack(xs).to(self.device), np.array(ys)

    def stream(self, segment: int, n: int):
        data, stream, _ = self.halves[segment]
        pick = np.random.default_rng([self.spec.seed, segment, 0]).choice(stream, size=n, replace=n > len(stream))
        return self._load(data, pick)

    def evaluation(self, segment: int):
        data, _, held = self.halves[segment]
        return self._load(data, held)

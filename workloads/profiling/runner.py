"""`dse proxies profile`: measure an observations table with real training.

For every student, segment, training-set size n and number of frozen leading layers (a *task*):
the teacher labels n samples of the segment's stream (its labeling accuracy is measured against
the ground truth), a copy of the pre-trained student is retrained on them, and after each epoch
of the `epochs` grid its accuracy on the segment's evaluation set is measured in FP32 and in
each MX format (fake quantization). The adapted student (the largest n, no frozen layers, the
last epoch) is also measured on the *next* segment: how much adaptation carries over a drift.

Resumable: each finished task's rows are written atomically to `OUT.parts/` (and the
pre-trained models to `OUT.parts/models/`), a rerun skips what is there, and the observations
table is assembled (validated, atomically) once every task is done. Seeds fix everything, so a
resumed run writes the same table as an uninterrupted one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import pathlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import WorkloadError
from ..files import atomic_path, write_text_atomic
from ..proxies.io import write_proxies
from ..proxies.schema import arrow_schema

#: Formats measured besides FP32 by default.
FORMATS = ("mx4", "mx6", "mx9")


@dataclasses.dataclass(frozen=True)
class ProfileSpec:
    """What to profile. `source`: "demo" (the shipped digits stream) or "folders" (a user's
    ImageFolder segments and model checkpoints, `folders`)."""

    students: tuple[str, ...]
    teacher: str
    scenario: str
    n_segments: int
    samples: tuple[int, ...] = (32, 128, 512)
    epochs: tuple[int, ...] = (1, 2, 4, 8)
    frozen_layers: tuple[int, ...] = (0, 2)
    formats: tuple[str, ...] = FORMATS
    seed: int = 0
    source: str = "demo"
    pretrain_epochs: int = 15
    teacher_epochs: int = 15
    teacher_lr: float = 0.003  # the teacher's training (Adam; 0.01 left it at chance)
    lr: float = 0.01  # the students' pre-training (Adam)
    retrain_lr: float = 0.003  # retraining on the teacher's labels (Adam)
    folders: dict = dataclasses.field(default_factory=dict)  # segments, checkpoints, image_size, device

    def tasks(self) -> list[tuple[str, int, int, int]]:
        """(student, segment, samples, frozen) in the order rows are written: every size without
        frozen layers, then the largest size with each other frozen count."""
        out = []
        for student in self.students:
            for seg in range(self.n_segments):
                out += [(student, seg, n, 0) for n in self.samples]
                out += [(student, seg, max(self.samples), f) for f in self.frozen_layers if f != 0]
        return out

    def key(self) -> str:
        return hashlib.sha256(json.dumps(dataclasses.asdict(self), sort_keys=True).encode()).hexdigest()[:16]


def demo_spec(seed: int = 0) -> ProfileSpec:
    from ..zoo.digits import FAMILY, TEACHER
    from .stream import DEMO_SCENARIO, SEGMENTS

    return ProfileSpec(students=FAMILY, teacher=TEACHER, scenario=DEMO_SCENARIO, n_segments=len(SEGMENTS), seed=seed)


class _Demo:
    """Data and models of the demo stream."""

    def __init__(self, spec: ProfileSpec):
        from .stream import SEGMENTS, load_digits_split

        self.spec = spec
        self.data = load_digits_split(spec.seed)
        self.segments = SEGMENTS

    def new_model(self, name: str, seed: int):
        from .nets import build

        return build(name, seed)

    def pretrain(self, name: str, seed: int):
        """The teacher learns every segment's look (base images under each transform); a student
        only the clear-day source domain."""
        from . import nets
        from .stream import transform

        model = self.new_model(name, seed)
        rng = np.random.default_rng([seed, 7])
        if name == self.spec.teacher:
            x = np.concatenate([transform(self.data.base_x, s, rng) for s in self.segments])
            y = np.tile(self.data.base_y, len(self.segments))
            return nets.train(model, x, y, self.spec.teacher_epochs, seed, lr=self.spec.teacher_lr)
        return nets.train(model, self.data.base_x, self.data.base_y, self.spec.pretrain_epochs, seed, lr=self.spec.lr)

    def stream(self, segment: int, n: int):
        from .stream import segment_samples

        return segment_samples(self.data, segment, n, self.spec.seed)

    def evaluation(self, segment: int):
        from .stream import evaluation_set

        return evaluation_set(self.data, segment, self.spec.seed)


def _source(spec: ProfileSpec):
    if spec.source == "demo":
        return _Demo(spec)
    from .folders import FolderSource

    return FolderSource(spec)


def _task_seed(spec: ProfileSpec, *parts) -> int:
    digest = hashlib.sha256(json.dumps([spec.seed, *parts]).encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _load_or_pretrain(source, name: str, folder: pathlib.Path, spec: ProfileSpec):
    import torch

    path = folder / f"{name}.pt"
    if hasattr(source, "load_model"):  # a user's checkpoint: nothing to pre-train
        return source.load_model(name)
    model = source.new_model(name, _task_seed(spec, name, "init"))
    if path.exists():
        model.load_state_dict(torch.load(path, weights_only=True))
        return model
    model = source.pretrain(name, _task_seed(spec, name, "pretrain"))
    with atomic_path(path) as tmp:
        torch.save(model.state_dict(), tmp)
    return model


def _run_task(spec: ProfileSpec, source, models: dict, task: tuple[str, int, int, int],
              evaluation: Callable, accuracy_before: Callable) -> pa.Table:
    """One task's rows; `evaluation(segment)` and `accuracy_before(student, segment)` are the
    profile's cached evaluation sets and un-adapted accuracies."""
    import copy

    from . import nets

    student, seg, n, frozen = task
    seed = _task_seed(spec, *task)
    x, y_true = source.stream(seg, n)
    labels = nets.predict(models[spec.teacher], x)
    label_acc = float(np.mean(labels == y_true))
    ex, ey = evaluation(seg)
    before = accuracy_before(student, seg)
    rows: list[dict] = []

    def row(segment, epochs, precision, acc_after, acc_before=before, adapted_on=-1, label=label_acc):
        rows.append({"student": student, "teacher": spec.teacher, "scenario": spec.scenario, "segment": segment,
                     "window": 0, "epochs": float(epochs), "samples": n, "frozen_layers": frozen,
                     "precision": precision, "acc_before": acc_before, "acc_after": acc_after,
                     "label_acc": label, "adapted_on": adapted_on})

    def measure(epoch, model):
        for fmt in ("fp32", *spec.formats):
            row(seg, epoch, fmt, nets.accuracy(model, ex, ey, fmt))

    model = copy.deepcopy(models[student])
    nets.train(model, x, labels, max(spec.epochs), seed, frozen=frozen, lr=spec.retrain_lr,
               checkpoints=tuple(spec.epochs), on_checkpoint=measure)
    if frozen == 0 and n == max(spec.samples) and seg + 1 < spec.n_segments:
        row(seg + 1, max(spec.epochs), "fp32", nets.accuracy(model, *evaluation(seg + 1)),
            acc_before=accuracy_before(student, seg + 1), adapted_on=seg, label=None)
    return pa.Table.from_pylist(rows, schema=arrow_schema("observations"))


def _part_name(task: tuple[str, int, int, int]) -> str:
    student, seg, n, frozen = task
    return f"{student}__seg{seg}__n{n}__frozen{frozen}.parquet"


def profile(spec: ProfileSpec, out: str, progress: Callable[[str], None] | None = None,
            max_tasks: int | None = None, threads: int | None = None) -> pa.Table | None:
    """Run every task not done yet (at most `max_tasks` this time: for tests and partial runs),
    then write the observations table to `out`; returns it (None while tasks remain)."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    parts = pathlib.Path(f"{out}.parts")
    (parts / "models").mkdir(parents=True, exist_ok=True)
    stamp = parts / "spec.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("key") != spec.key():
        raise WorkloadError("-o", f"{parts} holds a different profile's work; delete it or write elsewhere", out)
    write_text_atomic(stamp, json.dumps({"key": spec.key(), "spec": dataclasses.asdict(spec)}, indent=1))
    say = progress or (lambda _: None)
    tasks = spec.tasks()
    todo = [t for t in tasks if not (parts / _part_name(t)).exists()]
    if todo:
        from . import nets

        source = _source(spec)
        # each segment's evaluation set is loaded (a folder source reads its image files), and each
        # student's un-adapted accuracy on it measured, once, not once per task
        evaluation = functools.cache(source.evaluation)
        accuracy_before = functools.cache(lambda student, seg: nets.accuracy(models[student], *evaluation(seg)))
        models = {}
        for name in (spec.teacher, *spec.students):
            say(f"model {name}")
            models[name] = _load_or_pretrain(source, name, parts / "models", spec)
        for done, task in enumerate(_progress_bar(todo, len(tasks) - len(todo), len(tasks))):
            if max_tasks is not None and done >= max_tasks:
                return None
            table = _run_task(spec, source, models, task, evaluation, accuracy_before)
            with atomic_path(parts / _part_name(task)) as tmp:
                pq.write_table(table, tmp)
    table = pa.concat_tables([pq.read_table(parts / _part_name(t)) for t in tasks])
    write_proxies(table, "observations", out)
    return table


def _progress_bar(todo: list, initial: int, total: int):
    from tqdm import tqdm

    return tqdm(todo, initial=initial, total=total, desc="profile", unit="task", disable=None)

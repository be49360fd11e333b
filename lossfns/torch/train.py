"""A small PyTorch training loop for the lessons: `fit`, `evaluate`, `accuracy`, `make_loader`.

Every lesson that trains a network does the same things — loop over epochs, loop over batches,
step the optimizer, measure the loss on held-out data, maybe stop early — so they live here once.
The loop is deliberately plain (no callbacks, no devices: CPU only) so a student can read it.

    loader = make_loader(X, y, batch_size=32, shuffle=True, seed=0)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, val_loader,
                  epochs=20, metrics={"accuracy": accuracy}, early_stopping=5, seed=0)
    lossfns.plot.training_curves(history)

The progress bar is plain `tqdm`, never written to stderr: the notebook flavour of `tqdm.auto`
needs ipywidgets and otherwise warns and writes to stderr, which fails the book build. In a
notebook it is one output line updated in place (see `_progress_bar`).
"""
from __future__ import annotations

import copy
import io
import math
import sys
from dataclasses import dataclass, field

import numpy as np

from ..core import as_float_array, as_real_array, check_seed
from ..seeding import seed_everything

#: Seconds between two redraws of the progress bar: few redraws keep notebook output short.
PROGRESS_MININTERVAL = 0.5


@dataclass
class History:
    """What `fit` measured, one entry per epoch (epoch 1 is ``train_loss[0]``).

    train_loss: mean loss over the training batches of each epoch (as seen while training).
    val_loss: loss on the validation data after each epoch (empty without a validation loader).
    train_metrics / val_metrics: ``{name: [value per epoch]}`` for each metric given to `fit`.
    best_epoch: the epoch (counted from 1) with the lowest validation loss, or the lowest
        training loss when there is no validation data.
    stopped_early: True when early stopping ended training before `epochs`.
    """
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_metrics: dict = field(default_factory=dict)
    val_metrics: dict = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> list:
        """The epoch numbers 1, 2, …, as many as were run (handy as an x-axis)."""
        return list(range(1, len(self.train_loss) + 1))

    @property
    def best_loss(self) -> float | None:
        """The monitored loss (validation if there is any, else training) at `best_epoch`."""
        if self.best_epoch is None:
            return None
        losses = self.val_loss or self.train_loss
        return losses[self.best_epoch - 1]


def accuracy(logits, y) -> float:
    """Fraction of correct predictions, from raw model outputs (logits).

    Several classes, logits shaped (n, C): the prediction is ``argmax`` over classes and `y` holds
    class indices. One output, logits shaped (n,) or (n, 1): binary, the prediction is
    ``logit > 0`` (that is, probability > 0.5) and `y` holds 0/1 labels.
    """
    import torch

    logits, y = torch.as_tensor(logits), torch.as_tensor(y)
    if logits.ndim == 2 and logits.shape[1] > 1:
        pred = logits.argmax(dim=1)
    else:
        pred = (logits.reshape(-1) > 0).long()
    y = y.reshape(-1)
    if pred.shape != y.shape:
        raise ValueError(f"logits and y must describe the same number of samples; got "
                         f"{tuple(logits.shape)} and {tuple(y.shape)}")
    return float((pred == y.long()).double().mean())


def make_loader(X, y, batch_size: int = 32, shuffle: bool = True, seed: int = 0):
    """A torch `DataLoader` over numpy arrays `X`, `y`, shuffled the same way on every run.

    `X` becomes float32; `y` becomes int64 when it holds integers (class indices, as
    `CrossEntropyLoss` wants) and float32 otherwise (regression targets, or 0/1 labels for
    `BCEWithLogitsLoss`: pass them as floats). The shuffling order comes from a
    `torch.Generator` seeded with `seed`, so it does not depend on the global torch seed.
    A model with one output gives (n, 1) predictions: pass `y` as ``y[:, None]`` to match
    (`MSELoss` warns about (n, 1) against (n,) and would broadcast them to (n, n)).
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X, y = as_real_array(X, "X"), as_real_array(y, "y")
    if X.ndim == 0 or X.shape[0] == 0:
        raise ValueError(f"X must hold at least one sample; got an array of shape {X.shape}")
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of samples (first axis); got "
                         f"{X.shape} and {y.shape}")
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    check_seed(seed)
    as_float_array(X, "X")  # finite: a NaN would silently poison every batch it lands in
    as_float_array(y, "y")
    y_dtype = torch.int64 if y.dtype.kind in "iu" else torch.float32
    data = TensorDataset(torch.as_tensor(X, dtype=torch.float32),
                         torch.as_tensor(y, dtype=y_dtype))
    generator = torch.Generator().manual_seed(int(seed))
    return DataLoader(data, batch_size=int(batch_size), shuffle=bool(shuffle),
                      generator=generator)


def predict(model, X) -> np.ndarray:
    """The model's raw outputs for a numpy array `X`, as a numpy array (eval mode, no gradient).

    Handy for plots: ``plot.decision_boundary(lambda Z: predict(model, Z).argmax(1), X, y)``.
    """
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    finally:
        model.train(was_training)
    return out.detach().cpu().numpy()


def evaluate(model, loss_fn, loader, metrics: dict | None = None) -> dict:
    """Loss and metrics of `model` on every batch of `loader`, without training.

    The outputs of all batches are joined and `loss_fn` and each metric are computed once on the
    whole set, so the numbers do not depend on the batch size. Returns
    ``{"loss": ..., name: ... for each metric}`` as Python floats.
    """
    import torch

    metrics = _check_metrics(metrics)
    was_training = model.training
    model.eval()  # dropout off, batch norm uses its running statistics
    outputs, targets = [], []
    try:
        with torch.no_grad():
            for xb, yb in loader:
                outputs.append(model(xb))
                targets.append(yb)
    finally:
        model.train(was_training)
    if not outputs:
        raise ValueError("loader must yield at least one batch; it yielded none")
    logits, y = torch.cat(outputs), torch.cat(targets)
    result = {"loss": float(loss_fn(logits, y))}
    for name, fn in metrics.items():
        result[name] = float(fn(logits, y))
    return result


def fit(model, loss_fn, optimizer, train_loader, val_loader=None, epochs: int = 10, *,
        metrics: dict | None = None, early_stopping: int | None = None, progress: bool = True,
        seed: int | None = None) -> History:
    """Train `model` for up to `epochs` passes over `train_loader`; return a `History`.

    Each step: ``loss = loss_fn(model(xb), yb)``, ``loss.backward()``, ``optimizer.step()``.
    After each epoch the model is evaluated on `val_loader` (when given) with `evaluate`.

    metrics: ``{name: fn(logits, y) -> float}``, e.g. ``{"accuracy": accuracy}``; computed on the
        training outputs of each epoch and on the validation data.
    early_stopping: a patience: stop when the validation loss has not improved for this many
        epochs, and put back the weights of the best epoch. Needs `val_loader`.
    progress: show one progress bar over the epochs with the latest losses.
    seed: when given, `seed_everything(seed)` first (dropout and any other randomness repeat).
    """
    if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    if early_stopping is not None:
        if (not isinstance(early_stopping, (int, np.integer)) or isinstance(early_stopping, bool)
                or early_stopping < 1):
            raise ValueError(f"early_stopping must be a positive integer (a patience in epochs) "
                             f"or None; got {early_stopping!r}")
        if val_loader is None:
            raise ValueError("early_stopping needs val_loader: it watches the validation loss")
    metrics = _check_metrics(metrics)
    if seed is not None:
        seed_everything(seed)

    history = History(train_metrics={k: [] for k in metrics},
                      val_metrics={k: [] for k in metrics} if val_loader is not None else {})
    best_loss, best_state, since_best = math.inf, None, 0
    bar = _progress_bar(int(epochs), disable=not progress)
    try:
        for epoch in range(int(epochs)):
            train = _train_one_epoch(model, loss_fn, optimizer, train_loader, metrics)
            history.train_loss.append(train["loss"])
            for name in metrics:
                history.train_metrics[name].append(train[name])
            shown = {"train_loss": f"{train['loss']:.4g}"}
            monitored = train["loss"]
            if val_loader is not None:
                val = evaluate(model, loss_fn, val_loader, metrics)
                history.val_loss.append(val["loss"])
                for name in metrics:
                    history.val_metrics[name].append(val[name])
                shown["val_loss"] = f"{val['loss']:.4g}"
                monitored = val["loss"]
            bar.set_postfix(shown, refresh=False)
            bar.update(1)  # count this epoch before a possible early stop

            if monitored < best_loss:  # strictly better; a NaN loss never counts as better
                best_loss, since_best = monitored, 0
                history.best_epoch = epoch + 1
                if early_stopping is not None:
                    best_state = copy.deepcopy(model.state_dict())
            else:
                since_best += 1
            if early_stopping is not None and since_best >= early_stopping:
                history.stopped_early = epoch + 1 < epochs
                break
    finally:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _train_one_epoch(model, loss_fn, optimizer, loader, metrics: dict) -> dict:
    """One pass over `loader`: the batch-size-weighted mean loss, and metrics on all outputs."""
    import torch

    model.train()
    total, count = 0.0, 0
    outputs, targets = [], []
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        n = len(xb)
        total += float(loss.detach()) * n
        count += n
        if metrics:
            outputs.append(logits.detach())
            targets.append(yb)
    if count == 0:
        raise ValueError("train_loader must yield at least one batch; it yielded none")
    result = {"loss": total / count}
    if metrics:
        logits, y = torch.cat(outputs), torch.cat(targets)
        for name, fn in metrics.items():
            result[name] = float(fn(logits, y))
    return result


def _progress_bar(epochs: int, disable: bool):
    """One tqdm bar over the epochs, never on stderr, without tqdm's monitor thread.

    In a terminal it is the ordinary text bar on stdout. In a Jupyter kernel (JupyterLab, the
    book build, nbval) it is one text output that is *updated in place* through a display id:
    the saved notebook keeps only the final line, where a stdout bar would leave one line per
    redraw. (tqdm's own notebook bar needs ipywidgets; without them `tqdm.auto` warns and
    falls back to stderr, and both fail the book build.)
    """
    from tqdm.std import tqdm

    class _Bar(tqdm):
        monitor_interval = 0  # no background thread (it can warn; a lesson needs none)

    options = dict(desc="epochs", unit="epoch", leave=True, mininterval=PROGRESS_MININTERVAL,
                   dynamic_ncols=False, ncols=100, disable=disable)
    if disable or not _in_jupyter_kernel():
        # sys.stdout is looked up now, not at import: pytest and others replace it.
        return _Bar(total=epochs, file=sys.stdout, **options)

    from IPython.display import display

    class _DisplayBar(_Bar):
        _handle = None

        def display(self, msg=None, pos=None):
            data = {"text/plain": str(self) if msg is None else msg}
            if self._handle is None:
                self._handle = display(data, raw=True, display_id=True)
            else:
                self._handle.update(data, raw=True)
            return True

    # tqdm still writes a final newline to its file: send it nowhere. (A StringIO has no
    # encoding, so tqdm would fall back to '#' bars: ask for the Unicode blocks.)
    return _DisplayBar(total=epochs, file=io.StringIO(), ascii=False, **options)


def _in_jupyter_kernel() -> bool:
    """True when running inside a Jupyter kernel (stdout is then not a terminal)."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _check_metrics(metrics) -> dict:
    if metrics is None:
        return {}
    if not isinstance(metrics, dict):
        raise ValueError(f"metrics must be a dict {{name: fn(logits, y)}}; got "
                         f"{type(metrics).__name__}")
    for name, fn in metrics.items():
        if not isinstance(name, str) or not callable(fn):
            raise ValueError(f"metrics must map names (str) to functions fn(logits, y); got "
                             f"{name!r}: {fn!r}")
        if name == "loss":
            raise ValueError("metrics must not use the name 'loss' (the loss is always recorded)")
    return dict(metrics)


__all__ = ["History", "fit", "evaluate", "accuracy", "make_loader", "predict"]

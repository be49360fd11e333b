"""Tests for lossfns/train.py: the training loop the lessons share."""
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tqdm")

from lossfns.torch.train import History, accuracy, evaluate, fit, make_loader, predict  # noqa: E402

# Every warning is an error here: the book build fails on any warning a lesson prints.
pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _data(n=160, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] - 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, y


def _mlp(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))


def _run(epochs=8, seed=0, progress=False, metrics=None, **kw):
    X, y = _data()
    model = _mlp(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    train = make_loader(X[:120], y[:120], batch_size=16, shuffle=True, seed=seed)
    val = make_loader(X[120:], y[120:], batch_size=64, shuffle=False)
    h = fit(model, torch.nn.CrossEntropyLoss(), opt, train, val, epochs=epochs,
            metrics=metrics if metrics is not None else {"accuracy": accuracy},
            progress=progress, seed=seed, **kw)
    return model, h


# ---------------------------------------------------------------------------------- fit
def test_fit_reduces_loss_and_learns():
    _, h = _run(epochs=10)
    assert h.train_loss[-1] < 0.5 * h.train_loss[0]
    assert h.val_loss[-1] < h.val_loss[0]
    assert h.val_metrics["accuracy"][-1] >= 0.9


def test_history_lengths_and_fields():
    _, h = _run(epochs=6)
    assert isinstance(h, History)
    assert len(h.train_loss) == len(h.val_loss) == 6
    assert len(h.train_metrics["accuracy"]) == len(h.val_metrics["accuracy"]) == 6
    assert h.epochs == [1, 2, 3, 4, 5, 6]
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.best_loss == min(h.val_loss)
    assert not h.stopped_early
    assert all(isinstance(v, float) for v in h.train_loss + h.val_loss)


def test_without_validation_best_epoch_follows_training_loss():
    X, y = _data()
    model = _mlp()
    h = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.3),
            make_loader(X, y, 32, True, 0), epochs=4, progress=False)
    assert h.val_loss == [] and h.val_metrics == {} and h.train_metrics == {}
    assert h.best_epoch == int(np.argmin(h.train_loss)) + 1


def test_same_seed_same_losses():
    m1, h1 = _run(seed=3)
    m2, h2 = _run(seed=3)
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    for p1, p2 in zip(m1.parameters(), m2.parameters()):
        assert torch.equal(p1, p2)
    _, h3 = _run(seed=4)
    assert h3.train_loss != h1.train_loss


def test_early_stopping_stops_and_restores_best_weights():
    # Validation labels are the opposite of the rule being learnt: the validation loss rises
    # from the first epoch on, so the best epoch is 1 and training stops after 1 + patience.
    X, y = _data()
    model = _mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    train = make_loader(X[:120], y[:120], 16, True, 0)
    val = make_loader(X[120:], 1 - y[120:], 64, False, 0)
    loss_fn = torch.nn.CrossEntropyLoss()
    h = fit(model, loss_fn, opt, train, val, epochs=50, early_stopping=3, progress=False, seed=0)
    assert h.stopped_early
    assert len(h.train_loss) == len(h.val_loss) == h.best_epoch + 3 < 50
    assert h.val_loss[h.best_epoch - 1] == min(h.val_loss)
    # The model now holds the best epoch's weights: it reproduces that epoch's validation loss.
    assert evaluate(model, loss_fn, val)["loss"] == pytest.approx(h.best_loss, abs=1e-6)
    assert evaluate(model, loss_fn, val)["loss"] < h.val_loss[-1]


def test_early_stopping_does_not_trigger_while_improving():
    _, h = _run(epochs=5, early_stopping=5)
    assert not h.stopped_early and len(h.train_loss) == 5


def test_fit_writes_no_stderr_and_no_warnings(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run(epochs=3, progress=True)
    out, err = capsys.readouterr()
    assert err == ""
    assert "epochs" in out and "3/3" in out and "val_loss" in out
    assert out.count("\n") == 1  # one bar, left on screen, a single line


def test_in_a_notebook_the_bar_is_one_display_updated_in_place(monkeypatch, capsys):
    pytest.importorskip("IPython")
    import IPython.display

    from lossfns.torch import train as train_module

    shown = []

    class Handle:
        def update(self, data, raw=False):
            shown.append(data["text/plain"])

    def fake_display(data, raw=False, display_id=None):
        assert raw and display_id is True
        shown.append(data["text/plain"])
        return Handle()

    assert not train_module._in_jupyter_kernel()  # pytest is not a kernel
    monkeypatch.setattr(train_module, "_in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    _run(epochs=3, progress=True)
    assert capsys.readouterr() == ("", "")  # nothing on stdout or stderr
    assert shown and shown[-1].startswith("epochs: 100%") and "3/3" in shown[-1]
    assert "val_loss" in shown[-1] and "\n" not in shown[-1] and "\r" not in shown[-1]


def test_progress_false_prints_nothing(capsys):
    _run(epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("kw, word", [
    ({"epochs": 0}, "epochs"), ({"epochs": 2.5}, "epochs"),
    ({"early_stopping": 0}, "early_stopping"), ({"metrics": [accuracy]}, "metrics"),
    ({"metrics": {"loss": accuracy}}, "metrics"), ({"seed": -1}, "seed"),
])
def test_fit_bad_arguments(kw, word):
    with pytest.raises(ValueError, match=word):
        _run(**{"epochs": 2, **kw})


def test_early_stopping_needs_validation():
    X, y = _data()
    model = _mlp()
    with pytest.raises(ValueError, match="val_loader"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            make_loader(X, y), early_stopping=2, progress=False)


# ----------------------------------------------------------------------- evaluate, accuracy
def test_evaluate_does_not_depend_on_batch_size_and_keeps_mode():
    X, y = _data()
    model = _mlp()
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    a = evaluate(model, loss_fn, make_loader(X, y, 7, False), {"accuracy": accuracy})
    b = evaluate(model, loss_fn, make_loader(X, y, 160, False), {"accuracy": accuracy})
    assert a == pytest.approx(b, abs=1e-6) and set(a) == {"loss", "accuracy"}
    with torch.no_grad():
        full = loss_fn(model(torch.tensor(X, dtype=torch.float32)), torch.tensor(y))
    assert a["loss"] == pytest.approx(float(full), abs=1e-6)
    assert model.training


def test_accuracy_multiclass_and_binary():
    logits = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0], [5.0, 0.0, 0.0]])
    assert accuracy(logits, torch.tensor([0, 1, 2, 1])) == 0.75
    binary = torch.tensor([[-1.0], [2.0], [0.5], [-3.0]])
    assert accuracy(binary, torch.tensor([0.0, 1.0, 0.0, 0.0])) == 0.75
    assert accuracy(binary.reshape(-1), np.array([0, 1, 1, 0])) == 1.0
    with pytest.raises(ValueError, match="logits and y"):
        accuracy(logits, torch.tensor([0, 1]))


def test_predict_returns_numpy_outputs():
    model = _mlp()
    X, _ = _data(n=10)
    out = predict(model, X)
    assert isinstance(out, np.ndarray) and out.shape == (10, 2)
    assert model.training


# ----------------------------------------------------------------------------- make_loader
def test_make_loader_dtypes_and_determinism():
    X, y = _data(n=50)
    xb, yb = next(iter(make_loader(X, y, batch_size=50, shuffle=False)))
    assert xb.dtype == torch.float32 and yb.dtype == torch.int64
    np.testing.assert_array_equal(yb.numpy(), y)
    _, yf = next(iter(make_loader(X, y.astype(float), batch_size=50)))
    assert yf.dtype == torch.float32

    def order(seed):
        torch.manual_seed(123 + seed)  # the global seed must not matter
        return [b[1].tolist() for b in make_loader(X, np.arange(50), 10, True, seed=7)]
    assert order(0) == order(1)
    assert order(0) != [b[1].tolist() for b in make_loader(X, np.arange(50), 10, True, seed=8)]


@pytest.mark.parametrize("kw, word", [
    ({"y": np.zeros(3)}, "same number of samples"), ({"batch_size": 0}, "batch_size"),
    ({"seed": -2}, "seed"), ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, "X must hold"),
])
def test_make_loader_bad_arguments(kw, word):
    X, y = _data(n=10)
    args = {"X": X, "y": y, **kw}
    with pytest.raises(ValueError, match=word):
        make_loader(**args)


def test_progress_bar_counts_the_epoch_that_triggers_early_stopping(capsys):
    X, y = _data()
    model = _mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    train = make_loader(X[:120], y[:120], 16, True, 0)
    val = make_loader(X[120:], 1 - y[120:], 64, False, 0)  # validation loss rises at once
    h = fit(model, torch.nn.CrossEntropyLoss(), opt, train, val, epochs=50, early_stopping=3,
            progress=True, seed=0)
    out = capsys.readouterr().out
    assert h.stopped_early and f"{len(h.train_loss)}/50" in out

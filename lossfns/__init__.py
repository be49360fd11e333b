"""lossfns — loss functions with their gradients, formulas and bilingual names.

The library behind the course *Loss Functions, an executable course*. Every loss is a `Loss`
object: call it for the value, ``.grad`` for the gradient with respect to the prediction,
``.value_and_grad`` for both; its metadata (``formula``, ``title``, ``zh``, ``torch``, …) is what
the book displays.

Layout: the library is `core` (the `Loss` type, reductions, input checks), `losses/<family>`,
`activations`, `optim`, `gradcheck`, `seeding` and the adapters `sklearn` and `torch`; the course
material (quizzes, exercises, plots, lesson data sets, instructor tools) is `lossfns.course`.
``import lossfns`` needs only NumPy.

>>> import lossfns
>>> lossfns.mse([1.0, 2.0], [1.5, 2.0])
0.125
>>> lossfns.mse.grad([1.0, 2.0], [1.5, 2.0])
array([0.5, 0. ])
"""
import importlib
import importlib.abc
import importlib.util
import sys

from . import gradcheck, optim  # noqa: F401  (numpy-only submodules)
from .activations import log_sigmoid, log_softmax, sigmoid, softmax, softplus
from .core import REDUCTIONS, KernelOut, Loss, catalog, catalog_table, loss
from .losses.classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    focal_loss,
    hinge,
    multiclass_hinge,
    nll_loss,
    squared_hinge,
)
from .losses.distribution import kl_divergence
from .losses.likelihood import gaussian_nll_loss, poisson_nll_loss
from .losses.metric import contrastive_loss, margin_ranking_loss, triplet_loss
from .losses.regression import huber, log_cosh, mae, mse, quantile
from .losses.segmentation import dice_coefficient, dice_loss, iou
from .losses.sequence import (
    ctc_alignment_lattice,
    ctc_greedy_decode,
    ctc_loss,
    edit_distance,
    label_error_rate,
)
from .seeding import seed_everything

__version__ = "0.1.0"

__all__ = [
    "seed_everything", "Loss", "KernelOut", "REDUCTIONS", "catalog", "catalog_table", "loss",
    "sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax",
    "mse", "mae", "huber", "log_cosh", "quantile", "gaussian_nll_loss", "poisson_nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge", "squared_hinge",
    "cross_entropy", "nll_loss", "multiclass_hinge", "focal_loss", "kl_divergence",
    "dice_loss", "dice_coefficient", "iou", "contrastive_loss", "triplet_loss",
    "margin_ranking_loss",
    "ctc_loss", "ctc_alignment_lattice", "ctc_greedy_decode", "edit_distance", "label_error_rate",
]

# Where the modules of the first, flat layout live now. `import lossfns.plot` and `lossfns.plot`
# (after `import lossfns`) still work, so notebooks saved by students keep running; the lessons
# and the tests use the new paths.
MOVED = {
    "_core": "core", "regression": "losses.regression",
    "classification": "losses.classification", "distribution": "losses.distribution",
    "metric": "losses.metric", "segmentation": "losses.segmentation",
    "sequence": "losses.sequence", "models": "sklearn", "train": "torch.train",
    "_buildinfo": "course.buildinfo", "data": "course.data", "exercises": "course.exercises",
    "glossary": "course.glossary", "instructor": "course.instructor", "margin": "course.margin",
    "pairs": "course.pairs", "plot": "course.plot", "quiz": "course.quiz",
    "seqdata": "course.seqdata", "shapes": "course.shapes",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve ``lossfns.<old name>`` to the module at its new place (the very same object)."""

    def find_spec(self, fullname, path=None, target=None):
        head, _, rest = fullname.partition(".")
        if head != __name__ or rest.split(".")[0] not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        old = spec.name.split(".", 1)[1]
        first, _, tail = old.partition(".")
        new = f"{__name__}.{MOVED[first]}" + (f".{tail}" if tail else "")
        module = importlib.import_module(new)
        spec.loader_state = module.__spec__  # the import machinery overwrites __spec__ next
        return module

    def exec_module(self, module):
        # already executed under its new name: give it back its own spec (relative imports)
        module.__spec__ = module.__spec__.loader_state


if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())


def __getattr__(name):
    # `lossfns.course`, `lossfns.torch`, `lossfns.sklearn` and the old names, imported on first use
    if name in MOVED or name in ("course", "torch", "sklearn", "losses", "core"):
        return importlib.import_module(f"{__name__}.{MOVED.get(name, name)}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""lossfns — loss functions with their gradients, formulas and bilingual names.

The library behind the course *Loss Functions, an executable course*. Every loss is a `Loss`
object: call it for the value, ``.grad`` for the gradient with respect to the prediction,
``.value_and_grad`` for both; its metadata (``formula``, ``title``, ``zh``, ``torch``, …) is what
the book displays.

>>> import lossfns
>>> lossfns.mse([1.0, 2.0], [1.5, 2.0])
0.125
>>> lossfns.mse.grad([1.0, 2.0], [1.5, 2.0])
array([0.5, 0. ])
"""
from ._core import REDUCTIONS, KernelOut, Loss, catalog, catalog_table, loss
from .activations import log_sigmoid, log_softmax, sigmoid, softmax, softplus
from .classification import (binary_cross_entropy, binary_cross_entropy_with_logits,
                             cross_entropy, focal_loss, hinge, multiclass_hinge, nll_loss,
                             squared_hinge)
from .distribution import kl_divergence
from .metric import contrastive_loss, margin_ranking_loss, triplet_loss
from .regression import huber, log_cosh, mae, mse, quantile
from .seeding import seed_everything
from .segmentation import dice_coefficient, dice_loss, iou
from .sequence import (ctc_alignment_lattice, ctc_greedy_decode, ctc_loss, edit_distance,
                       label_error_rate)

# Submodules that need only numpy at import time (torch, scikit-learn, matplotlib are imported
# inside the functions that use them). `lossfns.models` and `lossfns.torch` need scikit-learn /
# torch and are imported explicitly.
from . import data, glossary, gradcheck, margin, optim, pairs, plot, quiz, seqdata, shapes, train  # noqa: E402,E501

__version__ = "0.1.0"

__all__ = [
    "seed_everything", "Loss", "KernelOut", "REDUCTIONS", "catalog", "catalog_table", "loss",
    "sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax",
    "mse", "mae", "huber", "log_cosh", "quantile",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge", "squared_hinge",
    "cross_entropy", "nll_loss", "multiclass_hinge", "focal_loss", "kl_divergence",
    "dice_loss", "dice_coefficient", "iou", "contrastive_loss", "triplet_loss",
    "margin_ranking_loss",
    "ctc_loss", "ctc_alignment_lattice", "ctc_greedy_decode", "edit_distance", "label_error_rate",
]

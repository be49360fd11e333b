"""Sequence data for the lessons: unaligned label sequences rendered as noisy frames, and a text.

`ctc_sequences` imitates speech or handwriting: a short label sequence ("C A E") is spoken as a
stream of feature frames in which each symbol lasts a random number of frames, with silence
before, between and after the symbols. The frame-level alignment is returned too, but only so
that a lesson can compare what a model learned with the truth: a CTC model never needs it.

`text_corpus` is a small English text written for this course (no download), for character
language models; `encode_text` turns it into integer codes over `TEXT_ALPHABET`.

Every function takes an explicit `seed` and returns numpy arrays.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ..core import check_count, check_nonnegative

#: Index of silence in `CTCData.frame_labels`; CTC's blank takes the same index in the lessons.
SILENCE = 0
#: The symbols of `text_corpus` after normalisation: space, full stop and the 26 letters.
TEXT_ALPHABET = " .abcdefghijklmnopqrstuvwxyz"


class CTCData(NamedTuple):
    """What `ctc_sequences` returns (arrays over N sequences, padded to a common length).

    features: (N, T, F) float32 frames; frames at t >= input_lengths[i] are zeros.
    targets: (N, S) int64 labels in 1..n_symbols, padded with 0 after target_lengths[i]
        (the layout ``torch.nn.functional.ctc_loss`` takes, blank = 0).
    input_lengths: (N,) int64, the real frames of each sequence.
    target_lengths: (N,) int64, the labels of each sequence.
    frame_labels: (N, T) int64, the symbol each frame was rendered from, SILENCE (0) for silence
        and padding: the hidden alignment a CTC model is *not* given.
    prototypes: (n_symbols + 1, F) float64, the mean frame of silence (row 0) and each symbol.
    """
    features: np.ndarray
    targets: np.ndarray
    input_lengths: np.ndarray
    target_lengths: np.ndarray
    frame_labels: np.ndarray
    prototypes: np.ndarray


def ctc_sequences(n: int = 400, *, n_symbols: int = 6, length=(2, 5), frames=(30, 50),
                  min_duration: int = 3, n_features: int = 8, separation: float = 3.0,
                  noise: float = 1.0, seed: int = 0, voice_seed: int = 0) -> CTCData:
    """n random label sequences, each rendered as a noisy stream of frames with random timing.

    Each sequence: S labels drawn uniformly from 1..n_symbols, S uniform in `length` (inclusive);
    T frames, T uniform in `frames` (inclusive). Every symbol lasts at least `min_duration`
    frames, and two equal neighbours ("A A") are always separated by at least one silent frame
    (otherwise they would be one long "A"); the remaining frames are shared at random (Dirichlet
    proportions) among the symbols and the silences before, between and after them. A frame of
    symbol k is ``prototypes[k] + noise · N(0, I)``. The n_symbols + 1 prototypes (silence
    first) point in random orthogonal directions, every two of them `separation` apart (so
    n_features must be > n_symbols); they depend only on `voice_seed`, so sets drawn with
    different `seed` (train and test) share them.
    """
    n = _check_int(n, "n", 1)
    n_symbols = _check_int(n_symbols, "n_symbols", 1)
    s_lo, s_hi = _check_range(length, "length", 1)
    t_lo, t_hi = _check_range(frames, "frames", 1)
    min_duration = _check_int(min_duration, "min_duration", 1)
    n_features = _check_int(n_features, "n_features", 1)
    separation = check_nonnegative(separation, "separation")
    noise = check_nonnegative(noise, "noise")
    seed, voice_seed = _check_int(seed, "seed", 0), _check_int(voice_seed, "voice_seed", 0)
    longest = s_hi * min_duration + (s_hi - 1)  # every label, and a silence between each pair
    if t_lo < longest:
        raise ValueError(f"frames must start at >= {longest} so that {s_hi} labels of "
                         f"min_duration {min_duration} always fit; got {(t_lo, t_hi)}")

    if n_features <= n_symbols:
        raise ValueError(f"n_features must be > n_symbols ({n_symbols}), one direction for "
                         f"silence and each symbol; got {n_features}")
    prototypes = separation / np.sqrt(2.0) * _orthonormal_rows(n_symbols + 1, n_features,
                                                                voice_seed)
    rng = np.random.default_rng(seed)
    targets = np.zeros((n, s_hi), dtype=np.int64)
    input_lengths = rng.integers(t_lo, t_hi + 1, size=n)
    target_lengths = rng.integers(s_lo, s_hi + 1, size=n)
    frame_labels = np.full((n, t_hi), SILENCE, dtype=np.int64)
    for i in range(n):
        labels = rng.integers(1, n_symbols + 1, size=target_lengths[i])
        targets[i, :len(labels)] = labels
        frame_labels[i, :input_lengths[i]] = _render(labels, input_lengths[i], min_duration, rng)
    features = prototypes[frame_labels] + noise * rng.standard_normal(frame_labels.shape
                                                                      + (n_features,))
    features[np.arange(t_hi) >= input_lengths[:, None]] = 0.0  # padding carries no signal
    return CTCData(features.astype(np.float32), targets, input_lengths.astype(np.int64),
                   target_lengths.astype(np.int64), frame_labels, prototypes)


def _orthonormal_rows(k: int, d: int, seed: int) -> np.ndarray:
    """k random orthonormal vectors in d >= k dimensions (QR of a Gaussian matrix)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, k)))
    return (q * np.sign(np.diag(r))).T  # the signs make the draw uniform and deterministic


def _render(labels: np.ndarray, n_frames: int, min_duration: int, rng) -> np.ndarray:
    """The frame labels of one sequence: silence, l_1 × d_1, silence, …, l_S × d_S, silence."""
    s = len(labels)
    # Slots 0, 2, …, 2S are silences, slots 1, 3, …, 2S − 1 the symbols.
    minimum = np.zeros(2 * s + 1, dtype=np.int64)
    minimum[1::2] = min_duration
    minimum[2:-1:2] = labels[1:] == labels[:-1]  # a compulsory silent frame between equal labels
    share = rng.dirichlet(np.ones(2 * s + 1))
    extra = rng.multinomial(n_frames - minimum.sum(), share)
    slot_symbol = np.full(2 * s + 1, SILENCE, dtype=np.int64)
    slot_symbol[1::2] = labels
    return np.repeat(slot_symbol, minimum + extra)


# --------------------------------------------------------------------------------------------
# Text for character language models
# --------------------------------------------------------------------------------------------
# Written for this course and released with it (no source text is copied): plain descriptive
# English, so that letter pairs behave like those of ordinary prose.
_PARAGRAPHS = (
    "The town lies where the river bends before it reaches the sea. In the morning the fishing "
    "boats leave the harbour one by one, and the sound of their engines carries over the water "
    "to the houses on the hill. By the time the bakery opens, the boats are only small shapes "
    "near the line where the grey water meets the grey sky.",

    "Most of the houses are built of stone and painted white, with blue doors and narrow "
    "windows that keep out the wind in winter. The streets are steep and paved with round "
    "stones, and after rain they shine like the backs of fish. Children run down them to school "
    "and walk back up them slowly in the afternoon.",

    "At the top of the hill stands an old lighthouse. It has not been used for many years, "
    "because a new light was built on the rocks at the mouth of the river, but the people of "
    "the town still keep it clean and paint it every spring. In summer visitors climb the "
    "stairs inside it to look at the coast, which they say is the finest view in the region.",

    "The market is held in the square on the first day of each week. Farmers come from the "
    "villages inland with eggs, cheese, apples and bread, and the fishermen sell what they "
    "caught the night before. The prices are written on small boards in white chalk, and "
    "nobody minds if the numbers are hard to read, because everyone knows them already.",

    "In autumn the weather changes quickly. A clear morning can turn into a storm before noon, "
    "and the boats hurry back to the harbour with their lights on. The old men who sit on the "
    "bench by the church watch the clouds and tell each other which storms they remember, and "
    "each of them remembers a worse one than the last.",

    "Winter is quiet. The visitors are gone, the cafes close early, and the only sound at night "
    "is the sea against the wall of the harbour. The teacher at the school says that this is "
    "the best time of the year to read, and she lends her books to anyone who asks, as long as "
    "they bring them back before the spring.",

    "When the days grow longer again, the town wakes up. The boats are painted, the nets are "
    "mended, and the first visitors arrive on the morning train. The baker makes more bread "
    "than before, and the children count the days until the summer, when the school is closed "
    "and the whole long beach belongs to them.",

    # held out ("test"): the same kind of text, never seen by a model trained on "train"
    "On the far side of the river there is a small farm with a red barn and a field of wheat. "
    "The farmer crosses the bridge every morning with his dog and a basket of eggs for the "
    "market. He has done this for so many years that the dog knows the way better than he does, "
    "and waits for him at the corner by the bakery while he stops to talk to his friends.",

    "The river itself is slow and brown in summer and fast and cold in spring, when the snow "
    "melts in the hills. Once, long ago, it flooded the lower streets of the town, and a line "
    "painted on the wall of the church still shows how high the water rose. The children like "
    "to stand next to it and see that the water would have reached above their heads.",
)
#: How many paragraphs of `_PARAGRAPHS`, from the end, form the held-out ("test") part.
_N_TEST_PARAGRAPHS = 2


def text_corpus(split: str = "train") -> str:
    """A few paragraphs of English written for the course, normalised to `TEXT_ALPHABET`.

    split: "train" (seven paragraphs, about 2,200 characters), "test" (two more, about 700,
    never overlapping the training text) or "all". Normalised: lower case, every character
    outside the alphabet (commas, hyphens) removed, runs of spaces collapsed, paragraphs
    joined by one space.
    """
    parts = {"train": _PARAGRAPHS[:-_N_TEST_PARAGRAPHS],
             "test": _PARAGRAPHS[-_N_TEST_PARAGRAPHS:], "all": _PARAGRAPHS}
    if split not in parts:
        raise ValueError(f"split must be one of 'train', 'test', 'all'; got {split!r}")
    text = " ".join(parts[split]).lower()
    text = re.sub(f"[^{re.escape(TEXT_ALPHABET)}]", "", text)
    return re.sub(" +", " ", text).strip()


def encode_text(text: str) -> np.ndarray:
    """The characters of `text` as int64 codes: their positions in `TEXT_ALPHABET`."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    bad = [c for c in text if c not in TEXT_ALPHABET]
    if bad:
        raise ValueError(f"text must hold only characters of TEXT_ALPHABET "
                         f"({TEXT_ALPHABET!r}); got {bad[0]!r} (normalise it first, e.g. "
                         f"use text_corpus)")
    return np.array([TEXT_ALPHABET.index(c) for c in text], dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------
_check_int = check_count


def _check_range(value, name: str, minimum: int):
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of integers; got {value!r}") from None
    lo, hi = _check_int(lo, name, minimum), _check_int(hi, name, minimum)
    if lo > hi:
        raise ValueError(f"{name} must have low <= high; got {value!r}")
    return lo, hi


__all__ = ["CTCData", "ctc_sequences", "text_corpus", "encode_text", "SILENCE", "TEXT_ALPHABET"]

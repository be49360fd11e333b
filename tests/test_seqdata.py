"""Tests for lossfns/seqdata.py: synthetic CTC utterances and the course text."""
import numpy as np
import pytest

from lossfns import ctc_greedy_decode, ctc_loss
from lossfns.course.seqdata import (
    SILENCE,
    TEXT_ALPHABET,
    CTCData,
    ctc_sequences,
    encode_text,
    text_corpus,
)

pytestmark = pytest.mark.filterwarnings("error")


# --------------------------------------------------------------------------- ctc_sequences
def test_shapes_dtypes_and_ranges():
    d = ctc_sequences(60, n_symbols=5, length=(1, 4), frames=(20, 30), n_features=7, seed=3)
    assert isinstance(d, CTCData)
    assert d.features.shape == (60, 30, 7) and d.features.dtype == np.float32
    assert d.targets.shape == (60, 4) and d.targets.dtype == np.int64
    assert d.frame_labels.shape == (60, 30) and d.prototypes.shape == (6, 7)
    assert d.input_lengths.min() >= 20 and d.input_lengths.max() <= 30
    assert d.target_lengths.min() >= 1 and d.target_lengths.max() <= 4
    for t, s in zip(d.targets, d.target_lengths):
        assert (t[:s] >= 1).all() and (t[:s] <= 5).all() and (t[s:] == 0).all()


def test_the_alignment_collapses_to_the_target():
    """Read as a CTC path (silence = blank), every frame alignment gives back its labels."""
    d = ctc_sequences(200, seed=1)
    one_hot = np.eye(7)[d.frame_labels] - 1.0                     # (N, T, C), arg-max = label
    decoded = ctc_greedy_decode(one_hot.transpose(1, 0, 2), input_lengths=d.input_lengths)
    for i, hyp in enumerate(decoded):
        assert hyp == d.targets[i, :d.target_lengths[i]].tolist()
    # and CTC gives it a finite loss: the sequence fits its frames
    assert np.isfinite(ctc_loss(d.targets, np.log(np.full((50, 200, 7), 1 / 7)),
                                d.input_lengths, d.target_lengths, reduction="none")).all()


def test_durations_and_compulsory_silence_between_equal_labels():
    d = ctc_sequences(300, min_duration=3, seed=2)
    seen_repeat = False
    for fl, n in zip(d.frame_labels, d.input_lengths):
        fl = fl[:n]
        change = np.flatnonzero(np.r_[True, fl[1:] != fl[:-1], True])
        runs = [(fl[a], b - a) for a, b in zip(change[:-1], change[1:])]
        assert all(length >= 3 for sym, length in runs if sym != SILENCE)
        # two runs of letters in a row are never the same letter (else they would be one run)
        letters = [sym for sym, _ in runs]
        assert all(a != b for a, b in zip(letters, letters[1:]))
    for t, s in zip(d.targets, d.target_lengths):
        seen_repeat |= bool((t[1:s] == t[:s - 1]).any())
    assert seen_repeat, "the draw should contain equal neighbours to test the silence rule"


def test_padding_is_zero_and_silence():
    d = ctc_sequences(50, seed=4)
    pad = np.arange(d.features.shape[1]) >= d.input_lengths[:, None]
    assert (d.features[pad] == 0).all() and (d.frame_labels[pad] == SILENCE).all()
    assert (np.abs(d.features[~pad]).sum(axis=-1) > 0).all()


def test_prototypes_are_separated_and_shared_across_seeds():
    a, b = ctc_sequences(5, seed=0), ctc_sequences(5, seed=1)
    np.testing.assert_array_equal(a.prototypes, b.prototypes)
    dist = np.linalg.norm(a.prototypes[:, None] - a.prototypes[None], axis=-1)
    np.testing.assert_allclose(dist[~np.eye(7, dtype=bool)], 3.0, rtol=1e-12)
    c = ctc_sequences(5, voice_seed=1, separation=2.0)
    assert not np.allclose(c.prototypes, a.prototypes)
    assert np.allclose(np.linalg.norm(c.prototypes[0] - c.prototypes[1]), 2.0)


def test_noise_level_and_noiseless_frames_equal_prototypes():
    clean = ctc_sequences(20, noise=0.0, seed=5)
    real = np.arange(50) < clean.input_lengths[:, None]
    np.testing.assert_allclose(clean.features[real],
                               clean.prototypes[clean.frame_labels[real]], atol=1e-6)
    noisy = ctc_sequences(400, noise=0.7, seed=5)
    real = np.arange(50) < noisy.input_lengths[:, None]
    resid = noisy.features[real] - noisy.prototypes[noisy.frame_labels[real]]
    assert resid.std() == pytest.approx(0.7, rel=0.02)


def test_deterministic():
    a, b = ctc_sequences(30, seed=7), ctc_sequences(30, seed=7)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.targets, ctc_sequences(30, seed=8).targets)


@pytest.mark.parametrize("kw, word", [
    ({"n": 0}, "n"), ({"n": 2.5}, "n"), ({"n_symbols": 0}, "n_symbols"),
    ({"length": (3, 2)}, "length"), ({"length": 4}, "length"), ({"length": (0, 2)}, "length"),
    ({"frames": (10, 50)}, "frames"), ({"frames": (40, 30)}, "frames"),
    ({"min_duration": 0}, "min_duration"), ({"n_features": 6}, "n_features"),
    ({"noise": -1}, "noise"), ({"separation": -1.0}, "separation"), ({"seed": -1}, "seed"),
    ({"voice_seed": True}, "voice_seed"),
])
def test_bad_arguments_name_themselves(kw, word):
    with pytest.raises(ValueError, match=word):
        ctc_sequences(**kw)


# ------------------------------------------------------------------------------ the text
def test_text_corpus_is_normalised_and_split():
    train, test, full = text_corpus("train"), text_corpus("test"), text_corpus("all")
    for text in (train, test, full):
        assert set(text) <= set(TEXT_ALPHABET)
        assert "  " not in text and text == text.strip()
    assert full == train + " " + test
    assert 2000 < len(train) < 2600 and 500 < len(test) < 900
    assert test[:40] not in train


def test_encode_text_round_trip():
    text = text_corpus("test")
    codes = encode_text(text)
    assert codes.dtype == np.int64 and codes.min() >= 0 and codes.max() < len(TEXT_ALPHABET)
    assert "".join(TEXT_ALPHABET[c] for c in codes) == text
    assert encode_text("").shape == (0,)


def test_text_bad_input():
    with pytest.raises(ValueError, match="split"):
        text_corpus("valid")
    with pytest.raises(ValueError, match="text must hold only"):
        encode_text("Hello, world")
    with pytest.raises(ValueError, match="text must be a str"):
        encode_text(["a"])

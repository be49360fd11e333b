"""The package as a user meets it: light to import, everything in __all__ exists."""
import subprocess
import sys

import lossfns


def test_import_needs_only_numpy():
    code = ("import sys, lossfns; heavy = [m for m in ('torch', 'sklearn', 'matplotlib', 'yaml') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"import lossfns loaded {done.stdout.strip()}"


def test_all_names_exist_and_losses_are_registered():
    for name in lossfns.__all__:
        assert hasattr(lossfns, name), name
    exported = {n for n in lossfns.__all__ if isinstance(getattr(lossfns, n), lossfns.Loss)}
    assert exported == {L.name for L in lossfns.catalog()}


def test_layout_separates_library_and_course():
    """The library needs NumPy only; the course lives in lossfns.course."""
    import importlib
    for name in ("core", "losses.regression", "losses.classification", "activations", "optim",
                 "gradcheck", "seeding"):
        importlib.import_module(f"lossfns.{name}")
    for name in ("quiz", "exercises", "instructor", "glossary", "plot", "data", "lang"):
        module = importlib.import_module(f"lossfns.course.{name}")
        assert module.__name__ == f"lossfns.course.{name}"


def test_old_module_paths_are_the_moved_modules():
    """Notebooks saved against the flat layout (`import lossfns.plot`) keep running."""
    import importlib
    for old, new in lossfns.MOVED.items():
        assert importlib.import_module(f"lossfns.{old}") is \
            importlib.import_module(f"lossfns.{new}")
        assert getattr(lossfns, old) is importlib.import_module(f"lossfns.{new}")
        assert importlib.import_module(f"lossfns.{old}").__spec__.name == f"lossfns.{new}"
    from lossfns.course.plot import use_style as new_style
    from lossfns.plot import use_style
    assert use_style is new_style


def test_unknown_attribute_is_an_attribute_error():
    import pytest
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        lossfns.nonsense  # noqa: B018

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

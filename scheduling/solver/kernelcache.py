"""The decorators of the compiled kernels (`plantkernel/`, `tabukernel/`), and the on-disk
cache their machine code goes to, keyed by every kernel source.

Numba's cache (`cache=True`) checks only the source file of the function it compiled, not
the files of the functions it calls or inlines, nor those of the constants it read ("cache
invalidation fails to recognise changes in symbols defined in another file"): after an edit
to `plantkernel/calendars.py`, `plantkernel/decode.py`'s `decode`, which inlines its
arithmetic, would load its old machine code. So every kernel function is cached in a folder
named by a hash of all the kernel sources (`kernel_sources()`): an edit to any of them
compiles afresh into a new folder, and nothing compiled from other sources is ever loaded.

The folder is `kernels-<key>` in `NUMBA_CACHE_DIR` where that is set (the Docker image), else
in `scheduling/solver/__pycache__`, where `kernels.compile_ahead()` removes the folders of
earlier sources; where neither can be written, in the temporary folder. Numba reads
`config.CACHE_DIR` when a function is decorated (its cache locator is chosen then), so `jit`
and `inline` set it for that moment alone: other Numba code in the process keeps its own
cache. Kernel modules import only numpy, Numba, this module and their own package, so the
hash covers every source their machine code is compiled from (`test_kernelcache.py` in
tests/solver checks both).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from numba import config, njit

if TYPE_CHECKING:
    from numba.core.dispatcher import Dispatcher

HERE = Path(__file__).resolve().parent
KERNEL_PACKAGES = ("plantkernel", "tabukernel")

F = TypeVar("F", bound=Callable[..., object])


def kernel_sources(root: Path = HERE) -> list[Path]:
    """Every file the kernels are compiled from: this module and the kernel packages (in the
    solver's folder `root`)."""
    files = [root / "kernelcache.py"]
    for package in KERNEL_PACKAGES:
        files.extend(sorted((root / package).rglob("*.py")))
    return files


def sources_key(files: Iterable[Path], root: Path = HERE) -> str:
    """A hash of the files' names (relative to `root`) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _numba_cache_dir(path: str) -> str:
    """Set the folder Numba caches the functions decorated next in; returns the one before.
    (`numba.config` sets its options from the environment, where mypy cannot see them.)"""
    options = vars(config)
    saved, options["CACHE_DIR"] = options["CACHE_DIR"], path
    return str(saved)


def _cache_dir() -> Path | None:
    """The keyed folder; None when it cannot be written (then the kernels compile in every
    process rather than fall back to Numba's unkeyed cache beside the sources)."""
    name = f"kernels-{sources_key(kernel_sources())}"
    configured = str(vars(config)["CACHE_DIR"])
    base = Path(configured) if configured else HERE / "__pycache__"
    for folder in (base / name, Path(tempfile.gettempdir()) / "takt-numba" / name):
        if _writable(folder):
            return folder
    return None


CACHE_DIR = _cache_dir()
_decorating = threading.Lock()


def prune() -> None:
    """Remove the folders compiled from other kernel sources beside CACHE_DIR, where that is
    the solver's own `__pycache__` (a NUMBA_CACHE_DIR may be shared by other checkouts)."""
    if CACHE_DIR is None or CACHE_DIR.parent != HERE / "__pycache__":
        return
    for folder in CACHE_DIR.parent.glob("kernels-*"):
        if folder != CACHE_DIR:
            shutil.rmtree(folder, ignore_errors=True)  # another process may be at it too


def _compiled(fn: F, inline: Literal["never", "always"]) -> Dispatcher[F]:
    if CACHE_DIR is None:
        return njit(fn, nogil=True, inline=inline)
    with _decorating:
        saved = _numba_cache_dir(str(CACHE_DIR))
        try:
            return njit(fn, cache=True, nogil=True, inline=inline)
        finally:
            _numba_cache_dir(saved)


def jit(fn: F) -> Dispatcher[F]:
    """Compiled to machine code that releases the interpreter, cached in CACHE_DIR."""
    return _compiled(fn, "never")


def inline(fn: F) -> Dispatcher[F]:
    """As `jit`, and inlined where it is called: Numba counts references to every array a
    call passes, and a call per operation with the plant's arrays cost more than the work."""
    return _compiled(fn, "always")

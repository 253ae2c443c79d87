"""The compiled kernels' disk cache is keyed by every kernel source, so an edit to any kernel
file compiles afresh instead of loading machine code compiled from the old sources (Numba
checks only the file of the function it compiled, not those of what it calls or inlines)."""

from __future__ import annotations

import ast
import importlib
import shutil
from pathlib import Path

import numba
import pytest
from numba.core.registry import CPUDispatcher

from scheduling.solver import kernelcache
from scheduling.solver.kernelcache import HERE, KERNEL_PACKAGES, kernel_sources, sources_key

# what a kernel module may import besides its own package and `kernelcache`
OUTSIDE = {"__future__", "typing", "collections.abc", "numpy", "numba"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in the file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def _kernel_modules() -> dict[str, Path]:
    """The kernel packages' modules, by dotted name."""
    found = {}
    for package in KERNEL_PACKAGES:
        for path in sorted((HERE / package).rglob("*.py")):
            parts = path.relative_to(HERE).with_suffix("").parts
            found[".".join(("scheduling", "solver", *parts)).removesuffix(".__init__")] = path
    assert len(found) >= 2 * len(KERNEL_PACKAGES)
    return found


def _compiles(path: Path) -> bool:
    """Whether the module imports Numba or the kernels' decorators."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import) and any(a.name.startswith("numba") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (
            (node.module or "").split(".")[0] == "numba"
            or (node.module == "kernelcache" and {"jit", "inline"} & {a.name for a in node.names})
        ):
            return True
    return False


def test_every_module_that_compiles_is_in_the_cache_key() -> None:
    compiling = {p.resolve() for p in HERE.rglob("*.py") if _compiles(p)}
    assert len(compiling) > 2 * len(KERNEL_PACKAGES)
    assert compiling <= {path.resolve() for path in kernel_sources()}


def test_kernel_modules_import_nothing_outside_the_key() -> None:
    """So the key covers every source their machine code is compiled from."""
    for name, path in _kernel_modules().items():
        for level, module in _imports(path):
            if level == 0:
                assert module in OUTSIDE or module.split(".")[0] in OUTSIDE, (name, module)
            elif level == 2:
                assert module == "kernelcache", (name, module)
            else:
                assert level == 1, (name, module)  # its own kernel package


def test_an_edit_to_any_kernel_source_changes_the_cache_folder(tmp_path: Path) -> None:
    for path in kernel_sources():
        copy = tmp_path / path.relative_to(HERE)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    files = kernel_sources(tmp_path)
    assert [f.relative_to(tmp_path) for f in files] == [
        f.relative_to(HERE) for f in kernel_sources()
    ]
    original = sources_key(files, tmp_path)
    assert original == sources_key(kernel_sources())
    keys = {original}
    for path in files:
        text = path.read_text()
        path.write_text(text + "# edited\n")
        keys.add(sources_key(files, tmp_path))
        path.write_text(text)
    assert len(keys) == len(files) + 1
    # a new module in a kernel package is part of the key too
    (tmp_path / KERNEL_PACKAGES[0] / "extra.py").write_text("X = 1\n")
    assert sources_key(kernel_sources(tmp_path), tmp_path) not in keys


def test_every_kernel_function_is_cached_in_the_folder_of_the_current_sources() -> None:
    assert kernelcache.CACHE_DIR is not None
    assert kernelcache.CACHE_DIR.name == f"kernels-{sources_key(kernel_sources())}"
    seen = 0
    for name in _kernel_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == name:
                cache_path = Path(value._cache.cache_path).resolve()
                assert cache_path.is_relative_to(kernelcache.CACHE_DIR.resolve()), value
                seen += 1
    assert seen > 50
    # the decorators set Numba's cache folder for their own functions only
    assert str(kernelcache.CACHE_DIR) != numba.config.CACHE_DIR


def test_compiling_ahead_drops_the_machine_code_of_earlier_sources_beside_the_sources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = tmp_path / "__pycache__"
    current, earlier = cache / "kernels-0123456789abcdef", cache / "kernels-fedcba9876543210"
    for folder in (current, earlier, cache / "other"):
        folder.mkdir(parents=True)
    monkeypatch.setattr(kernelcache, "HERE", tmp_path)
    monkeypatch.setattr(kernelcache, "CACHE_DIR", current)
    kernelcache.prune()
    assert sorted(p.name for p in cache.iterdir()) == ["kernels-0123456789abcdef", "other"]
    # a shared NUMBA_CACHE_DIR may serve other checkouts: left alone
    shared = tmp_path / "shared"
    (shared / "kernels-fedcba9876543210").mkdir(parents=True)
    monkeypatch.setattr(kernelcache, "CACHE_DIR", shared / "kernels-0123456789abcdef")
    kernelcache.prune()
    assert (shared / "kernels-fedcba9876543210").is_dir()

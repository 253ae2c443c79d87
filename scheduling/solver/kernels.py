"""The solver's compiled parts, compiled ahead (`make install`, the Docker image, the tests).

Numba compiles `tabu_kernel.py` and `plant_kernel.py` on first use (about a minute together)
and caches the machine code beside the sources (or in `NUMBA_CACHE_DIR`); a cached load takes
a second or two. Compiling here keeps that minute out of the first solve.
"""

from __future__ import annotations


def compile_ahead() -> None:
    from . import plant_kernel, tabu_kernel

    tabu_kernel.compile_ahead()
    plant_kernel.compile_ahead()

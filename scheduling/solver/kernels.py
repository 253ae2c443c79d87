"""The solver's compiled parts, compiled ahead (`make install`, the Docker image, the tests) or
loaded before a solve needs them.

Numba compiles `tabukernel/` and `plantkernel/` on first use (about a minute together) and
caches the machine code on disk, under a key of all kernel sources (`kernelcache.py`); a
cached load takes a second or two. Compiling here keeps that minute out of the first solve.
Numba itself loads only with these functions or a search that runs a kernel, not with the
solver.
"""

from __future__ import annotations

import functools

from .compiled import Compiled
from .construct import CompiledRules
from .dispatch import dispatch
from .generate import generate_plant
from .plantsearch import Walker
from .tabu import Shop, new_graph


def compile_ahead() -> None:
    """Compile (or load from the cache) every kernel function; drop the machine code of
    earlier kernel sources."""
    from .kernelcache import prune

    compile_tabu_kernel()
    compile_plant_kernel()
    prune()


@functools.cache
def warm_up() -> None:
    """Import Numba and load every compiled function of the walk and the compiled rules (once
    per process)."""
    compile_plant_kernel()


def compile_tabu_kernel() -> None:
    """Compile (or load) the tabu search's functions, on a tiny shop."""
    from .tabukernel.search import begin, iterate, seed_random

    shop = Shop(
        modes=[[(0, 3), (1, 4)], [(1, 2)], [(1, 5)], [(0, 1), (1, 2)]],
        job_prev=[-1, 0, -1, 2],
        job_next=[1, -1, 3, -1],
        release=[0, 0, 0, 0],
        n_machines=2,
    )
    g = new_graph(shop, [[0, 3], [2, 1]])
    begin(g)
    seed_random(0)
    iterate(g, 50, 10, 2, 3)


def compile_plant_kernel() -> None:
    """Compile (or load) the walk's and the rules' functions, on a tiny plant."""
    c = Compiled(generate_plant(12, 3, seed=0))
    slots = dispatch(c, "atcs")
    assert slots is not None
    assert CompiledRules(c).run("atcs") >= 0
    walker = Walker(c, slots, seed=0)
    walker.run(iterations=20)

"""The compiled core of the tabu search (`tabu.py`): the state as integer arrays and the loops
over it, compiled by Numba to machine code that releases the interpreter.

Everything here works on `graph.Graph`, a handful of arrays; there are no Python objects in
the loops. 10 to 35 times the speed of the same loops interpreted: 50,000 iterations a second
on a 15 x 15 job shop, 5,000 on a 2,000-operation flexible one. The first call in a new
environment compiles (about 30 s, once: the machine code is cached on disk under a key of all
kernel sources, `kernelcache.py`); `kernels.compile_ahead()` does it ahead of time (`make
install` runs it).

    graph.py          the state as arrays (`Graph`), machine links, heads, tails, makespan
    neighbourhood.py  critical blocks, the moves around them with estimates, making a move
    search.py         the tabu list and the search's loop (`iterate`)
"""

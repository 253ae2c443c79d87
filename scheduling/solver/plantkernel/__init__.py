"""The compiled core of the plant search (`plantsearch.py`): semi-active decoding of machine
sequences on calendars, with changeovers and overtime, the objective, the walk's moves and
loop, and the construction's dispatching rules on large plants (`construct.py`), which share
the calendar arithmetic; all in machine code (Numba) that releases the interpreter.

`decode.py` (the solver's) does the same in Python (about 0.5 s on 10,000 operations); here a
decode of 10,000 operations takes 2-3 ms, and a decode again after a move about 0.7 ms, which
is what makes a local search on whole plants possible: a move anywhere ripples through
everything after it, as it does on the shop floor, instead of being frozen in time outside a
neighbourhood.

The plant is a handful of integer arrays (`arrays.Plant`), the schedule another
(`arrays.Sched`). The arithmetic on calendars is that of `calendars.Calendar` and
`dispatch.place`, so a decoded schedule is the one `decode.Decoder` would give for the same
sequences and working time.

    arrays.py     the plant and the schedule as arrays, and the names of their rows
    calendars.py  calendar arithmetic: earliest fit, end of pausable work, an operation's times
    objective.py  the objective's components, whole and after a decode again
    decode.py     decode, decode again after a move, restore, commit
    rules.py      the dispatching rules (`dispatch_rule`)
    walk.py       the walk's moves and its loop (`iterate`)

The machine code is cached on disk under a key of all kernel sources (`kernelcache.py`).
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _compiled_tabu_search() -> None:
    """Compile the tabu search (or load it from Numba's cache) before any test is timed."""
    from scheduling.solver.tabu_kernel import compile_ahead

    compile_ahead()

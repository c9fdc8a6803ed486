"""The mypy cache pool: a cache is reused by the next combination of its Python, never shared at once."""

from __future__ import annotations

from pathlib import Path

from shipyard.matrix.mypy_cache import MypyCachePool


def test_a_released_cache_goes_to_the_next_run_of_the_same_python(tmp_path: Path) -> None:
    pool = MypyCachePool(tmp_path)

    with pool.cache("3.12") as first, pool.cache("3.12") as concurrent, pool.cache("3.13") as other_python:
        assert len({first, concurrent, other_python}) == 3
    with pool.cache("3.12") as later:
        assert later in {first, concurrent}
    with pool.cache("3.13") as again:
        assert again == other_python

"""gc_paused: collection is off while a large answer is built, and left as it was found."""

from __future__ import annotations

import gc

from mockconnect.http.reply import gc_paused


def test_collection_resumes_after_the_block_even_when_it_raises() -> None:
    assert gc.isenabled()
    try:
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()


def test_a_collector_someone_else_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

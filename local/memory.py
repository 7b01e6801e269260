"""Give memory back: collect cyclic garbage and return freed heap pages to the operating system.

Why the local stack needs this: botocore clients and moto's tables are full of reference cycles.
What they leave behind is freed only by the cyclic collector's oldest generation, which CPython
runs only when the objects that survived the last full collection have grown by a quarter. moto
keeps every item of every table as long-lived Python objects, so that threshold rises with the
data and garbage piles up between full collections. And glibc keeps what Python frees in its
per-thread arenas (one for each of the gateway's worker threads) unless asked to trim them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def collect() -> int:
    """A full collection, then ``malloc_trim(0)`` where glibc offers it; returns objects collected."""
    found = gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    return found


M_ARENA_MAX = -8  # mallopt parameter number in glibc's malloc.h


def limit_arenas(arenas: int = 2) -> bool:
    """Ask glibc for at most ``arenas`` malloc arenas; call before the worker threads start.

    By default glibc gives busy threads their own arenas (up to 8 per core); the gateway's
    sixteen Lambda threads and the store's request threads each then keep their own pool of
    freed memory, which ``malloc_trim`` cannot fully return. Returns whether glibc agreed.
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def settle_startup() -> None:
    """Move what start-up built (botocore's models, the store's tables) out of the collector's way.

    ``gc.freeze`` puts every object alive now into a permanent generation: full collections no
    longer walk them, and the threshold for the next full collection is counted from the objects
    made after start-up, so garbage left by the handlers is collected sooner.
    """
    gc.collect()
    gc.freeze()

"""Allocator settings for a long-running explorer (Linux, glibc; elsewhere nothing).

A load parses hundreds of ARM pages of up to a few megabytes each. glibc serves a freed
large buffer's successor from the heap once it has seen one freed (its mmap threshold
rises up to 32 MB), and a heap cut into by the long-lived objects made in between never
shrinks: at 10,000 VNets about 10 MB of the peak was such buffers. A fixed threshold keeps
every buffer over 128 KB in its own mapping, given back to the system when freed. One
arena: the sandbox answers in worker threads, and glibc's arena per thread left each
one's freed pages unused by the others (10 to 25 MB more at the peak).
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters
BIG_BUFFER_BYTES = 128 * 1024
ARENAS = 1

_done = False


def keep_big_buffers_apart() -> None:
    """Fix glibc's mmap threshold at 128 KB and use one arena (once; harmless where there
    is no glibc)."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    import ctypes  # here: the explorer's first frame need not load it

    try:
        # The process's own symbols hold libc's: no `find_library`, which runs
        # `ldconfig -p` (~3 ms of the first frame).
        libc = ctypes.CDLL(None)
        if not libc.mallopt(M_MMAP_THRESHOLD, BIG_BUFFER_BYTES):
            log.info("mallopt(M_MMAP_THRESHOLD) refused")
        if not libc.mallopt(M_ARENA_MAX, ARENAS):
            log.info("mallopt(M_ARENA_MAX) refused")
    except (OSError, AttributeError) as error:  # musl, or no libc to load
        log.info("allocator left as it is: %s", error)

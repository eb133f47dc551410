"""Seeds derived from (member, style version, variant index, attempt).

``seed_key`` is already stable per (member, style version); the same
variant of the same style version always gets the same seed, and a
re-render attempt (after a failed guard) gets a new one.
"""

from __future__ import annotations

import hashlib


def variant_seed(seed_key: str, variant_index: int, attempt: int = 0) -> int:
    raw = f"{seed_key}:{variant_index}:{attempt}".encode()
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big") & (2**63 - 1)

"""What the two operator commands say before they touch a face.

``check_selfie`` and ``render_headshot`` read a local file, outside any
member's consent record: whoever runs them must have the person's permission.
They keep nothing, and never print a face descriptor, perceptual hash or skin
colour (``biometric_free`` drops any such field before output).
"""

from __future__ import annotations

from typing import Any

LOCAL_FILE_NOTICE = (
    "Notice: this processes a local file outside any member's consent record. Run it only on photos of "
    "people who agreed; nothing is stored and no face descriptor is printed."
)
BIOMETRIC_FIELDS = frozenset({"descriptor", "descriptors", "phash", "skin_lab", "embedding"})


def biometric_free(value: Any) -> Any:
    """``value`` with every biometric field removed, at any depth."""
    if isinstance(value, dict):
        return {k: biometric_free(v) for k, v in value.items() if k not in BIOMETRIC_FIELDS}
    if isinstance(value, list):
        return [biometric_free(v) for v in value]
    return value

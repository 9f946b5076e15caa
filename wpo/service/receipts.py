"""The signed receipt of a closed organisation: what was deleted, and proof that the service wrote it.

The receipt is plain JSON (readable, and compared by anyone with the export's SHA-256) with a
signature beside it: an HMAC-SHA256 over the receipt's canonical JSON (sorted keys, no spaces) with a
key derived from ``SECRET_KEY`` by ``django.core.signing`` (its salt keeps the key apart from every
other signature of the platform; ``SECRET_KEY_FALLBACKS`` keep old receipts checkable after a key
rotation). A changed count, name or hash no longer matches the signature.
"""

import json
from typing import Any

from django.core import signing

FORMAT = "wpo-sluitingsbewijs"
FORMAT_VERSION = 1
SALT = "wpo.service.closing-receipt"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def canonical(receipt: dict[str, Any]) -> str:
    return json.dumps(receipt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign(receipt: dict[str, Any]) -> str:
    """The signed document as it is stored and downloaded: ``{"receipt": ..., "signature": ...}``."""
    signature = _signer().signature(canonical(receipt))
    return json.dumps({"receipt": receipt, "signature": signature}, ensure_ascii=False, indent=2, sort_keys=True)


def verify(document: str) -> dict[str, Any] | None:
    """The receipt in a signed document when its signature holds, else None (changed, or not a receipt)."""
    try:
        parsed = json.loads(document)
        receipt, signature = parsed["receipt"], parsed["signature"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(receipt, dict) or not isinstance(signature, str):
        return None
    signer = _signer()
    try:
        signer.unsign(f"{canonical(receipt)}{signer.sep}{signature}")
    except signing.BadSignature:
        return None
    return receipt

"""The audit log's hash chain: each row seals its content and the previous row's hash.

Every organisation has its own chain (events without an organisation share one),
numbered by ``seq``. A row's ``row_hash`` is the SHA-256 of its previous hash and
its content in a canonical JSON form, so changing, inserting or removing a row in
the middle breaks every link after it. ``audit_chain_verify`` (``manage.py
audit_verify``) recomputes the chains.

On Postgres the database role model is what stops the application changing rows
(see ``compliance.audit_lockdown``); the chain is what shows a change made by the
table's owner, who can do anything. Pruning removes the oldest rows, so the first
remaining row of a chain is its anchor: its previous hash is trusted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from .models import AuditEvent

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields: list[Any] = [
        event.prev_hash,
        event.seq,
        str(event.id),
        str(event.organization_id or ""),
        str(event.actor_member_id or ""),
        event.actor_user_id,
        event.verb,
        event.target_type,
        event.target_id,
        str(event.subject_member_id or ""),
        event.data,
        at,
    ]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def audit_row_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _chain_lock(organization_id: Any) -> None:
    """Serialise appends to one chain until the transaction ends (Postgres).

    SQLite takes a database-wide write lock anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit-chain:{organization_id or ''}"])


def audit_chain_seal(event: AuditEvent) -> None:
    """Give a new row its place in its organisation's chain. Call inside the insert's transaction."""
    # JSON round trip: hash exactly what the database will give back.
    event.data = json.loads(json.dumps(event.data or {}))
    _chain_lock(event.organization_id)
    chain = type(event).objects.filter(seq__isnull=False)
    if event.organization_id is None:
        chain = chain.filter(organization__isnull=True)
    else:
        chain = chain.filter(organization_id=event.organization_id)
    last = chain.order_by("-seq").values_list("seq", "row_hash").first()
    event.seq, event.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event.row_hash = audit_row_hash(event)


@dataclass
class ChainBreak:
    organization_id: str
    seq: int
    event_id: str
    problem: str


def _verify_one(rows: Any, organization_id: Any) -> tuple[int, list[ChainBreak]]:
    checked, breaks, previous = 0, [], None
    for event in rows:
        checked += 1
        org = str(organization_id or "")
        if audit_row_hash(event) != event.row_hash:
            breaks.append(ChainBreak(org, event.seq, str(event.id), "content does not match its hash"))
        if previous is not None and event.seq != previous.seq + 1:
            breaks.append(ChainBreak(org, event.seq, str(event.id), f"rows missing after seq {previous.seq}"))
        elif previous is not None and event.prev_hash != previous.row_hash:
            breaks.append(ChainBreak(org, event.seq, str(event.id), "previous hash does not match"))
        previous = event
    return checked, breaks


def audit_chain_verify(*, organization_id: Any = None, all_chains: bool = True) -> tuple[int, list[ChainBreak]]:
    """Recompute every chain (or one organisation's); return rows checked and the breaks found."""
    from .models import AuditEvent

    sealed = AuditEvent.objects.filter(seq__isnull=False)
    if all_chains:
        orgs = list(sealed.order_by().values_list("organization_id", flat=True).distinct())
    else:
        orgs = [organization_id]
    checked, breaks = 0, []
    for org in orgs:
        rows = sealed.filter(organization_id=org).order_by("seq").iterator(chunk_size=2000)
        count, found = _verify_one(rows, org)
        checked += count
        breaks += found
    return checked, breaks

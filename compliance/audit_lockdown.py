"""Postgres: an audit log that no application role can change.

The migration creates the pruning function; ``manage.py audit_lockdown`` (run
once by a database administrator, with the administrator's DATABASE_URL) hands
the table and the function to a separate role that cannot log in, and leaves
the application's role INSERT and SELECT on the table and EXECUTE on the
function. From then on the application cannot UPDATE, DELETE, TRUNCATE, ALTER
or disable the trigger; the only way a row goes is the security-definer
function, which deletes nothing younger than the organisation's policy (and
never less than a year), measured by the database's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

TABLE = "compliance_auditevent"
OWNER_ROLE = "headshot_audit_owner"

TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION compliance_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- Only compliance_audit_prune() sets this flag, for its own transaction.
    IF TG_OP = 'DELETE' AND current_setting('compliance.audit_pruning', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS compliance_auditevent_append_only ON {TABLE};
CREATE TRIGGER compliance_auditevent_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION compliance_audit_append_only();
"""

# Deletes at most max_rows rows of one organisation that are past its policy (default 6 years,
# never under 1). The cut-off comes from the policy table and now(), not from the caller.
PRUNE_SQL = f"""
CREATE OR REPLACE FUNCTION compliance_audit_prune(org uuid, max_rows integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    years integer;
    deleted integer;
BEGIN
    SELECT GREATEST(COALESCE(MAX(audit_years), 6), 1) INTO years
        FROM compliance_retentionpolicy WHERE organization_id = org;
    PERFORM set_config('compliance.audit_pruning', 'on', true);
    DELETE FROM {TABLE} WHERE id IN (
        SELECT id FROM {TABLE}
        WHERE organization_id IS NOT DISTINCT FROM org AND at < now() - make_interval(years => years)
        ORDER BY seq NULLS FIRST LIMIT GREATEST(max_rows, 0)
    );
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('compliance.audit_pruning', 'off', true);
    RETURN deleted;
END;
$$;
"""


def _create_owner_sql(owner: str) -> str:
    return f"""
DO $$ BEGIN
    CREATE ROLE {owner} NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
"""


@dataclass
class Privileges:
    role: str
    owner: str
    can_insert: bool
    can_select: bool
    can_update: bool
    can_delete: bool
    can_truncate: bool
    owns_or_member_of_owner: bool

    @property
    def locked_down(self) -> bool:
        return (
            self.can_insert
            and self.can_select
            and not (self.can_update or self.can_delete or self.can_truncate or self.owns_or_member_of_owner)
        )


def audit_privileges(*, role: str | None = None) -> Privileges:
    """What ``role`` (default: the connection's own) may do to the audit table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = role or cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT pg_get_userbyid(c.relowner),
                   has_table_privilege(%s, c.oid, 'INSERT'), has_table_privilege(%s, c.oid, 'SELECT'),
                   has_table_privilege(%s, c.oid, 'UPDATE'), has_table_privilege(%s, c.oid, 'DELETE'),
                   has_table_privilege(%s, c.oid, 'TRUNCATE'),
                   pg_has_role(%s, c.relowner, 'USAGE')
            FROM pg_class c WHERE c.oid = %s::regclass
            """,
            [role] * 6 + [TABLE],
        )
        owner, *flags = cursor.fetchone()
    return Privileges(role, owner, *flags)


def audit_lockdown(*, app_role: str, owner_role: str = OWNER_ROLE) -> Privileges:
    """Hand the audit table to ``owner_role`` and leave ``app_role`` INSERT and SELECT only.

    Needs a connection as a superuser (or a role that may create roles and
    owns the table): the application's own role must not be able to become
    the owner, so it cannot do this for itself.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        me, superuser = cursor.fetchone()
        if app_role in (me, owner_role):
            raise ValueError(f"run this as an administrator, not as the application's role {app_role!r}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        row = cursor.fetchone()
        if row is None:
            raise ValueError(f"no database role {app_role!r}")
        if row[0]:
            raise ValueError(f"{app_role!r} is a superuser: no privilege can stop it")
        cursor.execute(_create_owner_sql(owner_role))
        cursor.execute(TRIGGER_SQL + PRUNE_SQL)
        quoted = connection.ops.quote_name(app_role)
        for sql in (
            f"ALTER TABLE {TABLE} OWNER TO {owner_role}",
            f"ALTER FUNCTION compliance_audit_prune(uuid, integer) OWNER TO {owner_role}",
            f"ALTER FUNCTION compliance_audit_append_only() OWNER TO {owner_role}",
            f"REVOKE ALL ON {TABLE} FROM PUBLIC, {quoted}",
            f"GRANT SELECT, INSERT ON {TABLE} TO {quoted}",
            "REVOKE ALL ON FUNCTION compliance_audit_prune(uuid, integer) FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION compliance_audit_prune(uuid, integer) TO {quoted}",
            # The prune function reads the policy as the owner.
            f"GRANT SELECT ON compliance_retentionpolicy TO {owner_role}",
        ):
            cursor.execute(sql)
        if not superuser:
            cursor.execute(f"REVOKE {owner_role} FROM {quoted}")
    return audit_privileges(role=app_role)

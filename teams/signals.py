"""What teams announces, so the apps above it can act without teams importing them.

Both are sent inside the writing service's transaction; a receiver calls its own
app's service (which also runs in that transaction).
"""

from django.dispatch import Signal

# organization_created.send(sender=Organization, organization=org, admin=membership)
organization_created = Signal()
# membership_ended.send(sender=Membership, member=membership)
membership_ended = Signal()

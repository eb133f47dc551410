"""The team dashboard for admins and HR: statuses, filters, search, counts, CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from core.http import AppRequest
from teams.access import member_view
from teams.models import Membership, Role

from ..forms import RosterFilterForm
from ..roster import COLUMNS, STATUS_LABELS, STATUSES, team_departments, team_roster, team_status_counts

PAGE_SIZE = 50


@member_view("hr")
def team(request: HttpRequest, actor: Membership) -> HttpResponse:
    form = RosterFilterForm(request.GET or None)
    rows = team_roster(actor=actor, filters=form.roster_filter())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = team_status_counts(actor=actor)
    people = sum(n for status, n in counts.items() if status != "left")
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": [row | {"status_label": STATUS_LABELS[row["status"]]} for row in page.object_list],
        "counts": [(status, label, counts[status]) for status, label in STATUSES],
        "people": people,
        "approved": counts["approved"],
        "departments": team_departments(actor=actor),
        "roles": Role.choices,
        "query": query.urlencode(),
    }
    return render(request, "generation/team.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@member_view("hr")
def team_csv(request: AppRequest, actor: Membership) -> StreamingHttpResponse:
    form = RosterFilterForm(request.GET or None)
    rows = team_roster(actor=actor, filters=form.roster_filter())
    writer = csv.writer(_Echo())
    header = [c for c in COLUMNS if c != "id"]

    def lines() -> Any:
        yield writer.writerow(header)
        for row in rows.iterator(chunk_size=500):
            row["last_activity"] = row["last_activity"].isoformat() if row["last_activity"] else ""
            yield writer.writerow([row[c] for c in header])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{actor.organization.slug}-team.csv"'
    return response

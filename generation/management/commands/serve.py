"""Serve the site with its background worker, as `make serve` does.

Under local settings without Redis the worker uses the embedded filesystem broker,
so renders and exports run beside the web process and the pages show live progress.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ._worker import background_worker


class Command(BaseCommand):
    help = "Run the web server and a Celery worker on the embedded broker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        with background_worker(self.stdout):
            call_command("runserver", options["addr"], use_reloader=False)

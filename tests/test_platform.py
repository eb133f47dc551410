"""platform/ holds deployment files only, and compose.yaml names images we can build."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = ROOT / "platform"
SERVICES = {"postgres", "redis", "minio", "createbuckets", "web", "worker", "beat", "gpu-worker"}
APP_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION",
    "DJANGO_SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
}


def _compose() -> dict:
    return yaml.safe_load((PLATFORM / "compose.yaml").read_text())


def test_platform_is_not_a_python_package():
    assert not (PLATFORM / "__init__.py").exists()
    # The standard library's module still wins.
    assert hasattr(importlib.import_module("platform"), "python_version")


def test_compose_has_every_service():
    assert SERVICES <= set(_compose()["services"])


def test_every_built_service_has_its_dockerfile():
    for name, service in _compose()["services"].items():
        build = service.get("build")
        if build is None:
            continue
        dockerfile = (PLATFORM / build["context"] / build["dockerfile"]).resolve()
        # Dockerfile.gpu belongs to the diffusion work and may land separately.
        assert dockerfile.is_file() or dockerfile.name == "Dockerfile.gpu", (name, dockerfile)


def test_app_services_get_the_settings_environment():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "gpu-worker", "migrate"):
        env = services[name]["environment"]
        assert APP_ENV <= set(env), name
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_workers_listen_on_their_queues():
    services = _compose()["services"]
    assert services["worker"]["command"][services["worker"]["command"].index("-Q") + 1] == "default"
    gpu = services["gpu-worker"]
    assert gpu["command"][gpu["command"].index("-Q") + 1] == "gpu"
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]


def test_every_worker_entry_point_pins_compute_threads():
    from config.threads import VARIABLES

    root = Path(__file__).resolve().parents[1]
    for entry in [
        "platform/Dockerfile.worker",
        "platform/Dockerfile.gpu",
        "platform/compose.yaml",
        "platform/k8s/gpu-worker.yaml",
        "Makefile",
    ]:
        text = (root / entry).read_text()
        assert all(name in text for name in VARIABLES), entry


def test_every_image_copies_every_app_the_package_installs():
    """`pip install .` in an image installs the apps copied into it; one left out (core, when it
    was added) only fails when the container starts."""
    import tomllib

    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    apps = {pattern.rstrip("*") for pattern in include}
    for name in ("Dockerfile.web", "Dockerfile.worker", "Dockerfile.gpu"):
        text = (PLATFORM / name).read_text()
        missing = [app for app in sorted(apps) if f"COPY {app} ./{app}" not in text]
        assert not missing, (name, missing)

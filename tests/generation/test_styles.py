"""Brand styles: a change makes a new version; bad values change nothing."""

from __future__ import annotations

import pytest

from core.exceptions import ApplicationError, NotAllowed
from generation import services
from generation.models import BrandStyle, Engine


def _versions(admin) -> list[int]:
    return list(BrandStyle.objects.filter(organization=admin.organization).values_list("version", flat=True))


@pytest.mark.django_db
def test_a_style_change_makes_a_new_version_and_keeps_the_old_one(admin):
    style = services.brand_style_update(actor=admin, changes={"backdrop_color": "#112233"})

    assert style.version == 2 and style.is_current and style.backdrop_color == "#112233"
    assert sorted(_versions(admin)) == [1, 2]
    assert BrandStyle.objects.get(organization=admin.organization, version=1).is_current is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"backdrop_color": "blue"}, "bad_color"),
        ({"engine": "magic"}, "bad_engine"),
        ({"output_width": 50}, "bad_size"),
        ({"variant_count": 40}, "bad_variants"),
        ({"framing": {"eye_line": 0.9}}, "bad_framing"),
        ({"colour": "#FFFFFF"}, "bad_field"),
        ({"engine": Engine.DIFFUSION, "options": {"mode": "dream"}}, "bad_options"),
        ({"engine": Engine.DIFFUSION, "options": {"mode": "preserve-face", "adapter": "photomaker-v1"}}, "bad_options"),
    ],
)
def test_bad_style_values_are_refused_and_no_version_is_made(admin, changes, code):
    with pytest.raises(ApplicationError) as refused:
        services.brand_style_update(actor=admin, changes=changes)

    assert refused.value.code == code
    assert _versions(admin) == [1]


@pytest.mark.django_db
def test_an_employee_cannot_change_the_brand_style(admin, employee):
    with pytest.raises(NotAllowed):
        services.brand_style_update(actor=employee, changes={"backdrop_color": "#000000"})
    assert _versions(admin) == [1]

"""Deep links and cursors come from outside: nothing they hold escapes as a raw error."""

from __future__ import annotations

import base64

import pytest

from jobtrack_core.errors import ValidationError
from jobtrack_core.links import Link, parse_link
from jobtrack_core.pagination import JobPosition, JobSort


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[" * 100_000, "link"),
        ('{"type": "job", "id": ' + "[" * 100_000 + "]" * 100_000 + "}", "link"),
        ('{"type": "job", "id": "a b"}', "id"),
        ('{"type": "job", "id": "' + "x" * 129 + '"}', "id"),
    ],
)
def test_a_bad_link_is_a_validation_error(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_link(text)
    assert caught.value.fields[-1] == field


def test_a_link_id_written_as_a_number_is_read_as_its_digits() -> None:
    assert parse_link('{"type": "job", "id": 17}') == Link("job", "17")


def test_a_cursor_nested_too_deeply_is_a_validation_error() -> None:
    cursor = base64.urlsafe_b64encode(("[" * 100_000).encode()).decode().rstrip("=")
    with pytest.raises(ValidationError) as caught:
        JobPosition.decode(cursor, JobSort.NEWEST)
    assert caught.value.fields == ("after",)

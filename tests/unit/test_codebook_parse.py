import pytest

from workbench.domain.codebook import slugify
from workbench.domain.codebook_yaml import parse_codebook
from workbench.errors import InputError


def test_parses_nested_codes_with_inherited_origin():
    spec = parse_codebook(
        "codebook: X\ncodes:\n  - id: a\n    name: A\n    colour: '#abc'\n    children:\n"
        "      - id: a.b\n        name: B\n  - id: inductive\n    name: Ind\n    origin: inductive\n"
        "    children:\n      - id: inductive.x\n        name: X\n"
    )
    by_key = {c.key: c for c in spec.codes}
    assert by_key["a.b"].parent == "a"
    assert by_key["a"].colour == "#AABBCC"
    assert by_key["inductive.x"].origin == "inductive"


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("codebook: X\ncodes:\n  - id: a\n    name: [unclosed\n", 5, "YAML syntax error"),
        ("codebook: X\ncodes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", 5, "duplicate code id 'a'"),
        ("codebook: X\ncodes:\n  - id: a\n    name: A\n    parent: nope\n", 3, "unknown parent 'nope'"),
        ("codebook: X\ncodes:\n  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n", 3, "cycle"),
        ("codebook: X\ncodes:\n  - id: a\n    name: A\n    defintion: typo\n", 5, "unknown key 'defintion'"),
        ("codebook: X\ncodes:\n  - id: a\n    name: A\n    colour: red\n", 5, "#RRGGBB"),
        ("codebook: X\ncodes:\n  - id: A B\n    name: A\n", 3, "may hold only"),
        ("codebook: X\ncodes:\n  - id: a\n", 3, "missing 'name'"),
        ("codes: []\n", 1, "missing 'codebook'"),
    ],
)
def test_errors_name_file_and_line(text, line, fragment):
    with pytest.raises(InputError) as caught:
        parse_codebook(text, "book.yaml")
    assert str(caught.value).startswith(f"book.yaml:{line}: ")
    assert fragment in str(caught.value)


def test_slugify():
    assert slugify("Feeling judged by the app!") == "feeling_judged_by_the_app"

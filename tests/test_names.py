"""Parsing author names in every form the shared exports use."""

from __future__ import annotations

import pytest

from cen_search.models import Author
from cen_search.names import initials_of, parse_author, split_authors, split_glued_authors


@pytest.mark.parametrize(
    ("raw", "family", "given", "initials"),
    [
        ("Smith, John A.", "Smith", "John A.", "JA"),
        ("Abdel-Tawab, M.", "Abdel-Tawab", "M.", "M"),
        ("Casbon JA", "Casbon", "JA", "JA"),  # MEDLINE AU
        ("Casbon, James A", "Casbon", "James A", "JA"),  # MEDLINE FAU
        ("Saqi, Mansoor A S", "Saqi", "Mansoor A S", "MAS"),
        ("G. Kalbe", "Kalbe", "G.", "G"),  # IEEE: initials first
        ("A. Author-One", "Author-One", "A.", "A"),
        ("Shi,Yu ", "Shi", "Yu", "Y"),  # no space after the comma, trailing space
        ("Nayyar A.", "Nayyar", "A.", "A"),
        ("Eloubeidi M.A.", "Eloubeidi", "M.A.", "MA"),  # Embase
        ("Parkes-Loach, PS", "Parkes-Loach", "PS", "PS"),  # Web of Science AU
        ("van de Schoot, Rens", "van de Schoot", "Rens", "R"),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig", "L"),
        ("Smith, Jr., John", "Smith", "John", "J"),
        ("Smith, John Jr", "Smith", "John", "J"),
        ("de Hoon, M J L", "de Hoon", "M J L", "MJL"),
        ("Dobrokhotova, Yu E.", "Dobrokhotova", "Yu E.", "YE"),
        ("Osório, Gerardo", "Osório", "Gerardo", "G"),
        ("Joseph C,", "Joseph", "C", "C"),  # a trailing comma with nothing after it
        ("Lewis G. F.", "Lewis", "G. F.", "GF"),  # spaced initials after the family name
        ("van der Berg J A", "van der Berg", "J A", "JA"),
    ],
)
def test_parse_author_reads_family_given_and_initials(
    raw: str, family: str, given: str, initials: str
) -> None:
    author = parse_author(raw)
    assert (author.raw, author.family, author.given, author.initials) == (
        raw,
        family,
        given,
        initials,
    )
    assert not author.organisation


@pytest.mark.parametrize(
    "raw",
    [
        "World Health Organization",
        "Cochrane Collaboration Group",
        "Anonymous",
        "World Health Organization,",
        "Anonymous,",
    ],
)
def test_parse_author_recognises_group_authors(raw: str) -> None:
    assert parse_author(raw).organisation


def test_parse_author_keeps_raw_string_for_display_of_groups() -> None:
    assert parse_author("World Health Organization").display() == "World Health Organization"
    assert parse_author("Smith JA").display() == "Smith, JA"


def test_parse_author_of_empty_value() -> None:
    assert parse_author("  ") == Author(raw="  ")


def test_initials_of_hyphenated_and_compact_names() -> None:
    assert initials_of("J.-P.") == "JP"
    assert initials_of("JA") == "JA"
    assert initials_of("Jean-Pierre") == "JP"
    assert initials_of("") == ""


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Smith, J. and Jones, K.", ["Smith, J.", "Jones, K."]),
        ("Kohler, Lars 1;  Leuschner, Christoph 1", ["Kohler, Lars 1", "Leuschner, Christoph 1"]),
        ("Phillips J.C., Braun R., Wang W.", ["Phillips J.C.", "Braun R.", "Wang W."]),
        ("Smith, John", ["Smith, John"]),
        ("Adeli K.Lewis G. F.", ["Adeli K.", "Lewis G. F."]),  # separator lost (ASySD note)
        ("", []),
    ],
)
def test_split_authors_handles_each_list_style(value: str, names: list[str]) -> None:
    assert split_authors(value) == names


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Cui, G.; Lui, H.-K.;", ["Cui, G.", "Lui, H.-K."]),  # digital_work id_1001364
        ("Karpman D, Tati R", ["Karpman D", "Tati R"]),  # sra_haematology
        ("Adeli K., Lewis G. F., Smith J.", ["Adeli K.", "Lewis G. F.", "Smith J."]),
        ("Adeli K.Lewis G.F.Smith J.", ["Adeli K.", "Lewis G.F.", "Smith J."]),
        ("Smith, John", ["Smith, John"]),
        ("van der Berg, J. A.", ["van der Berg, J. A."]),
        ("Rodriguez de Cordoba, S", ["Rodriguez de Cordoba, S"]),
        ("Smith J.A.", ["Smith J.A."]),
        ("J.-P.Smith", ["J.-P.Smith"]),
        ("St.John A", ["St.John A"]),
        ("World Health Organization", ["World Health Organization"]),
    ],
)
def test_a_list_glued_into_one_author_value_is_split_and_one_name_is_not(
    value: str, names: list[str]
) -> None:
    assert [n.strip() for n in split_glued_authors(value)] == names

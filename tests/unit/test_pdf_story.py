"""The PDF report's story is made a section at a time, as reportlab lays it out."""

from __future__ import annotations

from compliance.reports.pdf import _Story


def test_a_section_is_made_only_when_the_one_before_it_is_used_up():
    made: list[int] = []

    def sections():
        for n in range(3):
            made.append(n)
            yield [f"{n}a", f"{n}b"]

    story = _Story(sections())
    assert made == []
    taken = []
    while len(story):  # as BaseDocTemplate.build does: lay out the first, delete it
        taken.append(story[0])
        assert len(made) == int(story[0][0]) + 1  # no section ahead of the one being laid out
        del story[0]
    assert taken == ["0a", "0b", "1a", "1b", "2a", "2b"] and made == [0, 1, 2] and len(story) == 0


def test_an_empty_section_is_passed_over():
    story = _Story(iter([[], ["only"], []]))
    assert len(story) == 1 and story[0] == "only"
    del story[0]
    assert not story

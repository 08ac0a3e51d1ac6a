"""gaps.as_json writes, gap by gap, exactly what json.dumps(doc, indent=2, ensure_ascii=False) writes
for the report's document (interfaces.md's JSON), whatever the text in it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from compliance.models.enums import FindingStatus, Severity
from compliance.services.gaps import Gap, GapsReport, as_json, as_json_doc


def _gap(**changes) -> Gap:
    values = dict(
        rule="FLOW_NO_AGREEMENT",
        gnn="G01",
        title="No agreement",
        severity=Severity.HIGH,
        areas=("a001",),
        subject_type="data_flow",
        subject_ref="a001-flow-001",
        subject_name="Referrals",
        message="The flow has no DSA. Not legal advice: refer to the DPO.",
        references=("UK GDPR Art 5(2)", "DPA 2018 s121"),
        remediation="Agree a DSA.",
        status=FindingStatus.OPEN,
    )
    return Gap(**(values | changes))


CASES = {
    "no gaps": [],
    "one gap": [_gap()],
    "no area": [_gap(areas=())],
    "several areas": [_gap(areas=("a001", "a002", "a010"))],
    "no references": [_gap(references=())],
    "one reference": [_gap(references=("UK GDPR Art 28",))],
    "accepted risk, low": [_gap(status=FindingStatus.ACCEPTED_RISK, severity=Severity.LOW)],
    "text a parser must escape": [
        _gap(
            subject_ref='ref "quoted" \\ back',
            message="Line one\nline two\ttab \x01 control \u2028 separator, Cymraeg: Ŵ ŷ, emoji 🙂, </script>",
            remediation="Écrivez « ceci »",
            references=("§ 1 — dash", "null", ""),
        )
    ],
    "many, rules repeated": [_gap(subject_ref=f"a001-flow-{n:03}", rule=("A", "B")[n % 2]) for n in range(7)],
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_fast_writer_writes_what_json_dumps_writes(case):
    report = GapsReport(as_of=date(2026, 11, 25), area=None, gaps=CASES[case])
    expected = json.dumps(as_json_doc(report), indent=2, ensure_ascii=False) + "\n"
    assert as_json(report) == expected
    assert json.loads(as_json(report)) == as_json_doc(report)

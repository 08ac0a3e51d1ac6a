"""A synthetic register of N areas, in the exchange format, for load and scale work.

Pure and deterministic: the same (areas, seed) gives the same document, byte for byte. Each area has
the shape of a real one (15-40 partner organisations, about 150 flows, three DSAs, two DPIAs, a
processing contract, an MOU, a joint-controller arrangement, one or two panels meeting monthly for
three years with 6-12 attendees) and realistic gaps: a few records in each area are broken the way
registers are broken in practice, so that about a third of the flows carry a finding and every rule
fires somewhere in a register of a few areas or more. Police forces are shared by neighbouring areas,
as in England and Wales (43 forces for about 200 areas); the national case management system is one
record for every area.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .models import ART28_CLAUSES, DSA_CHECKLIST, PRIVACY_NOTICE_CHECKLIST
from .synthetic_breaks import AREA_BREAKS, FLOW_BREAK_RATE, FLOW_BREAKS, SC_CATEGORIES, complete_basis

AS_OF = date(2026, 11, 25)
FORCES = 43
MONTHS = 36
NAME_START = ("Ash", "Bram", "Cal", "Dun", "Elm", "Fen", "Gold", "Hol", "Ives", "Kings", "Lang", "Marl", "Nor")
NAME_END = ("ford", "ley", "bury", "ton", "wick", "field", "mouth", "ham", "stead", "by", "combe", "bridge")
FIRST = ("Alex", "Sam", "Jo", "Chris", "Morgan", "Ali", "Priya", "Tom", "Aisha", "Rhys", "Megan", "Owen", "Nia")
LAST = ("Evans", "Khan", "Smith", "Jones", "Patel", "Hughes", "Begum", "Taylor", "Price", "Ahmed", "Lloyd", "Reid")
PARTNERS = (
    ("nhs", "nhs_body", "NHS Trust"),
    ("probation", "probation", "Probation Delivery Unit"),
    ("yot", "youth_offending_team", "Youth Justice Service"),
    ("college", "further_education", "College"),
    ("housing", "housing", "Homes"),
    ("intervention", "intervention_provider", "Intervention Provider"),
    ("charity", "voluntary_community", "Youth Trust"),
    ("supplier", "supplier", "Case Systems Ltd"),
)
# UK GDPR Art 6(1)(ea) (Data (Use and Access) Act 2025) from this date: a voluntary partner's
# flows that start on or after it rest on the safeguarding condition; older ones on (f).
ALLOWED = ["pcm", "secure_email", "encrypted_portal", "in_meeting"]


def place(index: int) -> str:
    start, end = NAME_START[index % len(NAME_START)], NAME_END[(index // len(NAME_START)) % len(NAME_END)]
    suffix = index // (len(NAME_START) * len(NAME_END))
    return f"{start}{end}" + (f" {suffix + 1}" if suffix else "")


def register(areas: int, seed: int = 1, as_of: date = AS_OF) -> dict[str, Any]:
    """The whole document: shared records first, then each area's."""
    doc: dict[str, Any] = {
        "format": "prevent-compliance-register",
        "version": 1,
        "as_of": as_of.isoformat(),
        "areas": [],
        "organisations": [],
        "storage_systems": [_storage("pcm", "Prevent Case Management", "national_pcm", None, "CTP national")],
        "privacy_notices": [],
        "data_flows": [],
        "dsas": [],
        "dpias": [],
        "processing_contracts": [],
        "mous": [],
        "joint_controller_arrangements": [],
        "panels": [],
    }
    forces = min(FORCES, max(1, (areas + 4) // 5))
    force_areas: dict[int, list[str]] = {k: [] for k in range(forces)}
    for index in range(areas):
        force_areas[index * forces // areas].append(_area_ref(index))
    for k, refs in force_areas.items():
        ref = f"police-{k + 1:02d}"
        doc["organisations"].append(_organisation(ref, f"{place(k + 500)} Police", "police", refs))
        doc["privacy_notices"].append(_notice(ref))
    for index in range(areas):
        _Area(doc, index, f"police-{index * forces // areas + 1:02d}", random.Random(f"{seed}:{index}"), as_of).build()
    return doc


def _area_ref(index: int) -> str:
    return f"a{index + 1:03d}"


def _organisation(
    ref: str, name: str, partner_type: str, areas: list[str], apd: bool = True, complaints: bool = True
) -> dict[str, Any]:
    record = {"ref": ref, "name": name, "partner_type": partner_type, "areas": areas}
    if apd:
        record["apd_ref"] = f"APD/{ref}"
    if complaints:  # DPA 2018 s164A
        record["complaints_procedure_ref"] = f"https://{ref}.example/data-protection-complaints"
    return record


def _notice(controller: str, complete: bool = True) -> dict[str, Any]:
    checklist = dict.fromkeys(PRIVACY_NOTICE_CHECKLIST, True)
    if not complete:
        checklist["retention"] = False
    return {
        "ref": f"{controller}-notice",
        "controller": controller,
        "scope": "service_specific",
        "title": "How we use information about Prevent referrals",
        "url": f"https://{controller}.example.gov.uk/privacy/prevent",
        "published_on": "2022-04-01",
        "last_reviewed_on": "2026-04-01",
        "checklist": checklist,
    }


def _storage(ref: str, name: str, kind: str, owner: str | None, approval: str | None, **extra: Any) -> dict[str, Any]:
    record = {
        "ref": ref,
        "name": name,
        "kind": kind,
        "approved_for_prevent": extra.pop("approved", approval is not None),
    }
    if owner:
        record["owner"] = owner
    if approval:
        record["approval_ref"] = approval
    record["hosting"] = extra.pop("hosting", "on_premises")
    record.update(extra)
    return record


class _Area:
    """One area's records, appended to the document."""

    def __init__(self, doc: dict[str, Any], index: int, police: str, rng: random.Random, as_of: date) -> None:
        self.doc, self.index, self.police, self.rng, self.as_of = doc, index, police, rng, as_of
        self.ref = _area_ref(index)
        self.name = place(index)
        self.council = f"{self.ref}-council"
        self.notices = {police}  # organisations with a privacy notice
        # Which of this area's records are broken, and how (a handful per area).
        # Three in rotation, so that any seven areas or more have every kind, and up to two more.
        kinds = sorted(AREA_BREAKS)
        self.broken = {kinds[(3 * index + k) % len(kinds)] for k in range(3)}
        self.broken |= set(rng.sample(kinds, k=rng.randint(0, 2)))

    def build(self) -> None:
        self._area_and_organisations()
        self._agreements()
        self._flows()
        self._panels()

    def _add(self, key: str, record: dict[str, Any]) -> None:
        self.doc[key].append(record)

    # --- the area and who works in it ---------------------------------------------------------
    def _area_and_organisations(self) -> None:
        year = _financial_year(self.as_of)
        source = None if "designation_unsourced" in self.broken else "Home Office letter to the council"
        self._add(
            "areas",
            {
                "ref": self.ref,
                "name": self.name,
                "nation": "wales" if self.index % 9 == 8 else "england",
                "responsible_authority": self.council,
                "designations": [
                    {"kind": kind, "value": self.index % 4 == 0, "financial_year": year}
                    | ({"source": source} if source else {})
                    for kind in ("prevent_priority_area", "dovetail_area")
                ],
            },
        )
        self._org(self.council, f"{self.name} Council", "local_authority")
        for suffix, kind, label in PARTNERS:
            self._org(f"{self.ref}-{suffix}", f"{self.name} {label}", kind, apd=kind != "supplier")
        total = self.rng.randint(15, 40)
        self.schools = [f"{self.ref}-school-{n + 1:02d}" for n in range(total - 1 - len(PARTNERS) - 1)]
        for n, school in enumerate(self.schools):
            apd = not ("apd_missing" in self.broken and n == 0)
            self._org(school, f"{self.name} School {n + 1}", "school", apd=apd)
        if "panel_partner_ungoverned" in self.broken:
            self._org(f"{self.ref}-faith-forum", f"{self.name} Faith Forum", "voluntary_community", notice=False)

    def _org(self, ref: str, name: str, kind: str, apd: bool = True, notice: bool = True) -> None:
        # A supplier is a processor, not a controller: no complaints procedure of its own here.
        complaints = kind != "supplier" and not (
            ref == f"{self.ref}-charity" and "complaints_procedure_missing" in self.broken
        )
        self._add(
            "organisations",
            _organisation(ref, name, kind, [self.ref], apd=apd and kind != "supplier", complaints=complaints),
        )
        if ref == f"{self.ref}-charity" and "privacy_notice_missing" in self.broken:
            return
        if notice and kind != "supplier":
            self.notices.add(ref)
            complete = not (ref == f"{self.ref}-nhs" and "privacy_notice_incomplete" in self.broken)
            self._add("privacy_notices", _notice(ref, complete))

    # --- agreements, assessments, systems -------------------------------------------------------
    def _agreements(self) -> None:
        r, b = self.ref, self.broken
        self.dsa_parties = {
            f"{r}-dsa-prevent": [self.council, self.police, f"{r}-nhs", f"{r}-probation", f"{r}-yot", f"{r}-housing"],
            f"{r}-dsa-education": [self.council, self.police, f"{r}-college", *self.schools],
            f"{r}-dsa-intervention": [self.council, self.police, f"{r}-intervention", f"{r}-charity"],
        }
        for n, (ref, parties) in enumerate(self.dsa_parties.items()):
            checklist = dict.fromkeys(DSA_CHECKLIST, True)
            if n == 1 and "dsa_content_incomplete" in b:
                checklist["review_clause"] = False
            expires = "2025-03-31" if n == 0 and "dsa_review_overdue" in b else "2028-03-31"
            unsigned = n == 2 and "dsa_unsigned" in b
            self._add(
                "dsas",
                {
                    "ref": ref,
                    "title": f"{self.name} {ref.rsplit('-', 1)[1]} information sharing agreement",
                    "version": "2.1",
                    "status": "in_force",
                    "template_origin": ("la_template", "ctnet_police_template", "waspi")[n],
                    "parties": [
                        {
                            "organisation": org,
                            "signatory_role": "Senior Information Risk Owner",
                            "signatory_name": self._person(),
                            **({} if unsigned and i == len(parties) - 1 else {"signed_on": "2022-09-01"}),
                        }
                        for i, org in enumerate(parties)
                    ],
                    "effective_from": "2022-09-01",
                    "review_due": "2027-03-31",
                    "expires_on": expires,
                    "allowed_channels": ALLOWED,
                    "checklist": checklist,
                    "marking": "official_sensitive",
                },
            )
        for n, kind in enumerate(("prevent", "channel")):
            risky = n == 1 and "dpia_high_risk_not_consulted" in b
            completed = "2023-06-01" if n == 0 and "dpia_after_sharing" in b else "2022-06-01"
            self._add(
                "dpias",
                {
                    "ref": f"{r}-dpia-{kind}",
                    "title": f"{self.name} {kind} DPIA",
                    "controller": self.council,
                    "regime": "uk_gdpr_art35",
                    "status": "completed",
                    "completed_on": completed,
                    "dpo_advice_on": "2022-05-20",
                    "residual_risk": "high" if risky else "low",
                    "ico_prior_consultation": "not_needed",
                    "review_due": "2026-06-01" if n == 0 and "dpia_review_overdue" in b else "2027-06-01",
                    "last_reviewed_on": "2025-06-01",
                    "best_interests_recorded": not (n == 1 and "children_no_best_interests" in b),
                },
            )
        self._systems_and_contracts()
        self._add(
            "mous",
            {
                "ref": f"{r}-mou",
                "title": f"{self.name} Prevent partnership memorandum",
                "parties": [self.council, self.police],
                "signed_on": "2021-11-01",
                "includes_data_sharing_provisions": "mou_not_a_dsa" not in b,
            },
        )
        self._add(
            "joint_controller_arrangements",
            {
                "ref": f"{r}-jca",
                "parties": [self.council, self.police],
                "responsibilities_allocated": True,
                "essence_published_url": f"https://{self.council}.example.gov.uk/channel-arrangement",
            },
        )

    def _systems_and_contracts(self) -> None:
        r, b = self.ref, self.broken
        approval = None if "storage_unassured" in b else f"IG/{r}/01"
        self._add(
            "storage_systems",
            _storage(
                f"{r}-case-system",
                f"{self.name} case system",
                "la_case_system",
                self.council,
                approval,
                hosting="cloud_uk",
                processor=f"{r}-supplier",
                approved=True,
            ),
        )
        self._add(
            "storage_systems",
            _storage(f"{r}-tracker", f"{self.name} referral tracker", "spreadsheet", self.council, None),
        )
        # Hosted for the NHS trust by the council's supplier, with no contract between those two.
        self._add(
            "storage_systems",
            _storage(
                f"{r}-shared-drive",
                f"{self.name} NHS shared drive",
                "partner_system",
                f"{r}-nhs",
                f"IG/{r}/02",
                hosting="cloud_uk",
                processor=f"{r}-supplier",
            ),
        )
        clauses = dict.fromkeys(ART28_CLAUSES, True)
        if "contract_deficient" in b:
            clauses["audits"] = False
        self._add(
            "processing_contracts",
            {
                "ref": f"{r}-case-system-contract",
                "controller": self.council,
                "processor": f"{r}-supplier",
                "subject_matter": "Hosting and support of the case system",
                "signed_on": "2022-03-01",
                "starts_on": "2022-04-01",
                "ends_on": "2029-03-31",
                "art28_clauses": clauses,
            },
        )

    # --- data flows ------------------------------------------------------------------------------
    def _flows(self) -> None:
        r, rng = self.ref, self.rng
        routes = [(school, self.council, "prevent_referral", f"{r}-dsa-education", True) for school in self.schools] + [
            (f"{r}-college", self.council, "prevent_referral", f"{r}-dsa-education", True),
            (self.council, self.police, "prevent_referral", f"{r}-dsa-prevent", False),
            (f"{r}-nhs", self.council, "prevent_referral", f"{r}-dsa-prevent", False),
            (self.police, self.council, "channel_case", f"{r}-dsa-prevent", False),
            (f"{r}-probation", self.police, "mash_prevent", f"{r}-dsa-prevent", False),
            (f"{r}-yot", self.council, "channel_case", f"{r}-dsa-prevent", True),
            (f"{r}-housing", self.council, "mash_prevent", f"{r}-dsa-prevent", False),
            (self.council, f"{r}-intervention", "channel_case", f"{r}-dsa-intervention", True),
            (self.council, f"{r}-charity", "channel_case", f"{r}-dsa-intervention", True),
        ]
        for n in range(rng.randint(135, 165)):
            sender, recipient, programme, dsa, children = (
                routes[n % len(routes)] if n < 2 * len(routes) else (rng.choice(routes))
            )
            self._flow(n, sender, recipient, programme, dsa, children)

    def _flow(self, n: int, sender: str, recipient: str, programme: str, dsa: str, children: bool) -> None:
        rng, r = self.rng, self.ref
        status = rng.choices(("live", "planned", "ended"), weights=(85, 4, 11))[0]
        started = date(2023, 1, 2) + timedelta(days=rng.randrange(1300))
        flow: dict[str, Any] = {
            "ref": f"{r}-flow-{n + 1:03d}",
            "name": f"{_label(programme)} {n + 1}: {sender.removeprefix(r + '-')} to {recipient.removeprefix(r + '-')}",
            "area": r,
            "programme": programme,
            "sender": sender,
            "recipient": recipient,
            "frequency": rng.choices(("routine", "ad_hoc"), weights=(3, 1))[0],
            "transfer_channel": "pcm"
            if programme == "channel_case"
            else rng.choice(("secure_email", "encrypted_portal")),
            "relationship": "independent_controllers",
            "status": status,
            "started_on": min(started, self.as_of).isoformat(),
            "data_categories": list(SC_CATEGORIES),
            "subjects": {"children": children, "vulnerable_adults": not children},
            "lawful_bases": [complete_basis(sender), complete_basis(recipient, min(started, self.as_of))],
            "large_scale": False,
            "dsa": dsa,
            "dpia": f"{r}-dpia-{'channel' if children else 'prevent'}",
            "storage_systems": ["pcm" if programme == "channel_case" else f"{r}-case-system"],
            "privacy_notices": [f"{org}-notice" for org in (sender, recipient) if org in self.notices],
            "retention": {"period": "6 years", "trigger": "case_closure", "disposal": "Secure deletion"},
            "ropa_ref": f"ROPA/{r}/{n + 1}",
        }
        if status == "ended":
            flow["ended_on"] = (started + timedelta(days=400)).isoformat()
        if sender == self.police or recipient == self.police:
            flow["relationship"] = "joint_controllers" if programme == "channel_case" else flow["relationship"]
        if rng.random() < FLOW_BREAK_RATE:
            FLOW_BREAKS[rng.choice(sorted(FLOW_BREAKS))](self, flow)
        self._add("data_flows", flow)

    # --- panels and their meetings --------------------------------------------------------------
    def _panels(self) -> None:
        r, rng = self.ref, self.rng
        kinds = [("channel", "Channel panel")] + ([("pmap", "PMAP")] if rng.random() < 0.4 else [])
        members = [f"{r}-nhs", f"{r}-probation", f"{r}-yot", f"{r}-college", f"{r}-housing", f"{r}-intervention"]
        members += self.schools[:4]
        for p, (kind, label) in enumerate(kinds):
            ref = f"{r}-{kind}"
            chair = self.police if p == 0 and "panel_constitution" in self.broken else self.council
            meetings = []
            start = _month_back(self.as_of, MONTHS)
            for m in range(MONTHS):
                held = _add_months(start, m).replace(day=8 + 7 * p)
                if held > self.as_of:
                    break
                meetings.append(self._meeting(f"{ref}-{held:%Y-%m}", held, members, m))
            self._add(
                "panels",
                {
                    "ref": ref,
                    "name": f"{self.name} {label}",
                    "kind": kind,
                    "areas": [r],
                    "chair_organisation": chair,
                    "police_forces": [self.police],
                    "confidentiality_policy": "signed_each_meeting",
                    "meetings": meetings,
                },
            )

    def _meeting(self, ref: str, held: date, members: list[str], m: int) -> dict[str, Any]:
        rng, b = self.rng, self.broken
        minutes = f"MIN/{ref}"
        size = rng.randint(6, 12)
        orgs = [self.council, self.police, *rng.sample(members, k=size - 2)]
        if m == 20 and "panel_partner_ungoverned" in b:
            orgs[-1] = f"{self.ref}-faith-forum"
        attendees = []
        for i, org in enumerate(orgs):
            attendee = {
                "name": self._person(),
                "role": "Chair" if i == 0 else "Panel member",
                "organisation": org,
                "membership": "core" if i < 4 else "invited",
                "confidentiality": {"method": "signed_agreement", "signed_on": held.isoformat()},
            }
            attendees.append(attendee)
        if m % 12 == 5 and "confidentiality_verbal_only" in b:
            for attendee in attendees[2:]:
                attendee["confidentiality"] = {"method": "verbal_recorded_in_minutes", "minutes_ref": minutes}
        if m % 12 == 9 and "confidentiality_unrecorded" in b:
            del attendees[-1]["confidentiality"]
        return {
            "ref": ref,
            "held_on": held.isoformat(),
            "minutes_ref": minutes,
            "cases_discussed": rng.randint(1, 9),
            "resident_area_police_present": True,
            "attendees": attendees,
        }

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"


def _label(programme: str) -> str:
    return programme.replace("_", " ").capitalize()


def _financial_year(on: date) -> str:
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _month_back(day: date, months: int) -> date:
    return _add_months(date(day.year, day.month, 1), -months + 1)

"""The complaints duty: DPA 2018 ss164A-164B, inserted by the Data (Use and Access) Act 2025 (G35)."""

from __future__ import annotations

from ..models import Organisation
from ..models.enums import Severity, SubjectType
from .base import Hit, listing, rule
from .context import RuleContext

# The commencement (seeds/reference/commencements.json) of the duty to handle complaints.
COMPLAINTS_DUTY = "complaints_duty"


@rule("COMPLAINTS_PROCEDURE_MISSING", "G35", SubjectType.ORGANISATION, Severity.MEDIUM)
def complaints_procedure_missing(organisation: Organisation, ctx: RuleContext) -> Hit | None:
    """A sender or recipient of a live flow (a controller of what it shares) with no complaints
    procedure recorded, once the duty applies on the evaluation date."""
    if organisation.complaints_procedure_ref or not ctx.in_force(COMPLAINTS_DUTY):
        return None
    flows = ctx.live_flows_by_party.get(organisation, ())
    if not flows:
        return None
    refs = sorted(flow.ref for flow in flows)
    shown = listing(refs) if len(refs) <= 5 else f"{', '.join(refs[:5])} and {len(refs) - 5} more"
    return Hit(
        f"{organisation.name} shares Prevent data as a controller (in {shown}) but has no data protection "
        f"complaints procedure recorded; DPA 2018 s164A requires one from "
        f"{ctx.commenced_on(COMPLAINTS_DUTY).isoformat()}.",
        areas=tuple(sorted({flow.area.ref for flow in flows})),
    )

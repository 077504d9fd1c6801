"""Rows the route tables' URLs point at, in one community: a convention adopted at version 1
with an amended, not yet adopted, version 2; a 劝导员 and one persuasion log. Used by
tests/test_access.py's _targets.

The resident every other target belongs to (test_access's first resident of the building,
with a pending party declaration; the axe sweep's "owner") gets a household that has not
signed and is the 劝导员, so the sign and persuade pages open for them as pages."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import PartyMembership, User
from portal.conventions import persuasion, services
from portal.extensions import db


def _owner(building) -> User | None:
    return db.session.scalar(
        select(User).join(PartyMembership, PartyMembership.user_id == User.id)
        .where(User.home_zone_id == building.id, PartyMembership.status == "pending")
        .order_by(User.id).limit(1))


def convention_targets(make_user, community, grid, building, resident) -> dict:
    admin = make_user("admin", zone=community, home=building)
    convention = services.create(
        admin, community, title="居民公约",
        preamble="为了共建美好家园，订立本公约。",
        items=[{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"},
               {"kind": "dont", "text": "在楼道堆放杂物、停放电动车"}])
    first = convention.versions[0]
    services.adopt(admin, first, on=date(2026, 11, 20), minutes="居民会议到会 212 户，通过。")
    services.join_household(resident, building, "1", "302")
    services.sign(resident, first)
    volunteer = _owner(building) or make_user(home=building)
    services.join_household(volunteer, building, "1", "303")
    row = persuasion.appoint(admin, community, volunteer)
    persuasion.log(volunteer, first, item_index=1, place="3号楼楼道", note="已劝离")
    neighbour = services.find_or_make_household(building, "2", "101")
    paper, _made = services.record_paper(admin, first, neighbour, photo="t_none.jpg")
    second = services.amend(admin, convention, preamble=first.preamble,
                            items=[*first.items, {"kind": "do", "text": "文明养犬，牵绳出门"}])
    return {"convention_id": convention.id, "convention_version_id": second.id,
            "persuader_id": row.id, "paper_signature_id": paper.id}

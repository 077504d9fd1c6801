"""Demo data (`flask seed-demo`): 东川街道 with 新安路社区 and 东梅社区, from the seed documents.

Idempotent: each seeder creates only what is missing, so a second run changes nothing.
- `community`: zones, people, staff roles, party members, points, a pending move;
- `shifts`: 七色花志愿服务队, the Saturday market duty at 桥头市场 and other activities;
- `shop`: the points supermarket, with rice, oil and the daily things;
- `wishes`: micro-wishes at each step of their life;
- `contacts`: 社区工作日 receptions and a grid worker's door visits;
- `cases`: a month of residents' matters (四单办结) in every state, and 新安物业公司;
- `council`: 新安路's 居民代表会议 of 25, and 微议事 topics at every step (the parking passed);
- `conventions`: 新安路社区文明公约 (24 + 27 items), adopted by that vote, signed by households;
- `certificates`: 王秀英's credited Saturdays and her certificate; one unrecorded shift;
- `lookup`: finding a seeded row by its zone code or phone.
"""

from __future__ import annotations

from portal.demo.api import seed_api_tokens
from portal.demo.cases import logins as case_logins
from portal.demo.cases import seed_cases
from portal.demo.certificates import seed_certificates
from portal.demo.community import (
    DEMO_PASSWORD,
    logins,
    seed_community,
    seed_move,
    seed_points,
)
from portal.demo.contacts import seed_contacts
from portal.demo.conventions import seed_conventions
from portal.demo.council import seed_council
from portal.demo.shifts import seed_shifts
from portal.demo.shop import seed_shop
from portal.demo.wishes import seed_wishes

__all__ = ["DEMO_PASSWORD", "seed_demo"]


def seed_demo() -> list[tuple[str, str, str]]:
    """Create whatever part of the demo community is missing. Returns the printed logins."""
    admin = seed_community()
    seed_points(admin)
    seed_shifts()
    seed_shop()
    seed_wishes()
    seed_move()
    seed_contacts()
    seed_cases()  # after the door visits: one of them raised a matter
    seed_council()
    seed_conventions()  # adopted by the council's vote
    seed_certificates()  # 王秀英's Saturdays at the market, and her 志愿服务记录证明
    seed_api_tokens()
    return logins() + case_logins()

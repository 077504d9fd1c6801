"""Zone tree rules: codes, levels, scope, moves that keep paths true, retire-not-delete."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.extensions import db
from portal.zones import services
from portal.zones.models import Zone


def codes(zones):
    return [z.code for z in zones]


def test_admin_creates_grid_under_own_community(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    grid = services.create_zone(admin, parent=tree.xinan, code="dc-xa-09", name="锦绣花园网格",
                                kind="grid")
    db.session.commit()
    assert grid.code == "DC-XA-09"
    assert grid.path == f"{tree.xinan.path}{grid.id}/"
    assert tree.xinan.contains(grid)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == grid.id)) \
        == "zone.create"


def test_admin_cannot_create_in_another_community(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        services.create_zone(admin, parent=tree.dongmei, code="DM-X", name="x", kind="grid")
    assert error.value.code == "forbidden"


def test_only_superadmin_creates_a_street(tree, make_user):
    admin = make_user("admin", zone=tree.street)
    with pytest.raises(DomainError):
        services.create_zone(admin, parent=None, code="NEW", name="新街道", kind="street")
    boss = make_user("superadmin")
    street = services.create_zone(boss, parent=None, code="NEW", name="新街道", kind="street")
    assert street.path == f"/{street.id}/"


@pytest.mark.parametrize(
    "code, kind, parent_attr, error_code",
    [
        ("DC-XA", "grid", "xinan", "code_taken"),
        ("bad code!", "grid", "xinan", "bad_code"),
        ("X", "grid", "xinan", "bad_code"),
        ("OK-1", "community", "xinan", "bad_level"),
        ("OK-2", "street", "xinan", "bad_level"),
        ("OK-3", "castle", "xinan", "bad_kind"),
        ("OK-4", "grid", None, "needs_parent"),
    ],
)
def test_bad_zone_input_is_refused(tree, make_user, code, kind, parent_attr, error_code):
    boss = make_user("superadmin")
    before = db.session.scalar(select(db.func.count(Zone.id)))
    parent = getattr(tree, parent_attr) if parent_attr else None
    with pytest.raises(DomainError) as error:
        services.create_zone(boss, parent=parent, code=code, name="名称", kind=kind)
    db.session.rollback()
    assert error.value.code == error_code
    assert db.session.scalar(select(db.func.count(Zone.id))) == before


def test_rename_and_recode(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    services.update_zone(admin, tree.xinan_grid, name="新安小区南网格", code="DC-XA-02S")
    db.session.commit()
    assert db.session.get(Zone, tree.xinan_grid.id).name == "新安小区南网格"
    with pytest.raises(DomainError) as error:
        services.update_zone(admin, tree.xinan_grid, name="x", code="DC-XA")
    assert error.value.code == "code_taken"


def test_move_rewrites_the_whole_subtree(tree, make_user):
    boss = make_user("superadmin")
    services.move_zone(boss, tree.xinan_grid, tree.dongmei)
    db.session.commit()
    grid = db.session.get(Zone, tree.xinan_grid.id)
    building = db.session.get(Zone, tree.xinan_building.id)
    assert grid.parent_id == tree.dongmei.id
    assert grid.path == f"{tree.dongmei.path}{grid.id}/"
    assert building.path == f"{grid.path}{building.id}/"
    assert tree.dongmei.contains(building)
    assert not db.session.get(Zone, tree.xinan.id).contains(building)


def test_move_into_own_subtree_is_refused(tree, make_user):
    boss = make_user("superadmin")
    with pytest.raises(DomainError) as error:
        services.move_zone(boss, tree.xinan, tree.xinan_grid)
    assert error.value.code == "move_into_self"


def test_move_needs_scope_over_both_ends(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        services.move_zone(admin, tree.xinan_grid, tree.dongmei)
    assert error.value.code == "forbidden"


def test_unused_zone_is_deleted(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    spare = services.create_zone(admin, parent=tree.xinan, code="SPARE", name="备用", kind="grid")
    db.session.commit()
    assert services.remove_zone(admin, spare) == "deleted"
    db.session.commit()
    assert db.session.scalar(select(Zone).where(Zone.code == "SPARE")) is None


def test_zone_in_use_is_retired_with_its_subtree_not_deleted(tree, make_user):
    admin = make_user("admin", zone=tree.street)
    make_user(home=tree.xinan_building)  # a resident lives there
    assert services.remove_zone(admin, tree.xinan_grid) == "retired"
    db.session.commit()
    assert db.session.get(Zone, tree.xinan_grid.id).is_retired
    assert db.session.get(Zone, tree.xinan_building.id).is_retired
    assert not db.session.get(Zone, tree.xinan.id).is_retired
    # the resident keeps their home
    assert db.session.scalar(select(User.home_zone_id).where(User.name.like("测试居民%")))


def test_retired_zone_takes_no_children_and_can_be_restored(tree, make_user):
    admin = make_user("admin", zone=tree.street)
    make_user(home=tree.xinan_building)
    services.remove_zone(admin, tree.xinan_grid)
    db.session.commit()
    grid = db.session.get(Zone, tree.xinan_grid.id)
    with pytest.raises(DomainError) as error:
        services.create_zone(admin, parent=grid, code="B-9", name="9栋", kind="building")
    assert error.value.code == "parent_retired"
    db.session.rollback()
    services.restore_zone(admin, grid)
    db.session.commit()
    assert not db.session.get(Zone, grid.id).is_retired
    # children stay retired until restored on purpose
    building = db.session.get(Zone, tree.xinan_building.id)
    assert building.is_retired
    services.restore_zone(admin, building)
    assert not building.is_retired


def test_home_zone_choices_are_active_grids_and_buildings_in_tree_order(tree):
    choices = {zid: (label, group) for zid, label, group in services.home_zone_choices()}
    assert choices[tree.xinan_building.id] == ("新安小区网格 · 新安小区1栋", "新安路社区")
    assert tree.xinan.id not in choices and tree.street.id not in choices
    order = [zid for zid, _label, _group in services.home_zone_choices()]
    assert order.index(tree.dongmei_grid.id) < order.index(tree.xinan_grid.id)  # DC-DM < DC-XA


def test_zone_lists_are_in_tree_order_by_code_not_by_id_text(tree, make_user):
    boss = make_user("superadmin")
    # enough zones that ids reach two digits, created out of code order
    for code in ["DC-XA-02-09", "DC-XA-02-05", "DC-XA-02-07"]:
        services.create_zone(boss, parent=tree.xinan_grid, code=code, name=code, kind="building")
    db.session.commit()
    ordered = codes(services.zones_in_scope(boss))
    assert ordered.index("DC-XA-02-01") < ordered.index("DC-XA-02-05") \
        < ordered.index("DC-XA-02-07") < ordered.index("DC-XA-02-09")
    assert ordered.index("DC-DM") < ordered.index("DC-XA") < ordered.index("DC-XA-02")


def test_a_geofence_is_set_checked_and_cleared(make_user, tree):
    import pytest

    from portal.errors import DomainError
    from portal.zones import services

    admin = make_user("admin", zone=tree.xinan)
    fence = services.parse_fence("25.4380", "119.0060", "150")
    services.update_zone(admin, tree.xinan_grid, name=tree.xinan_grid.name,
                         code=tree.xinan_grid.code, fence=fence)
    assert (tree.xinan_grid.geo_lat, tree.xinan_grid.geo_radius_m) == (25.438, 150)
    for bad in (("91", "119", "150"), ("25", "", "150"), ("25", "119", "5"), ("x", "y", "z")):
        with pytest.raises(DomainError) as caught:
            services.parse_fence(*bad)
        assert caught.value.code == "bad_fence"
    services.update_zone(admin, tree.xinan_grid, name=tree.xinan_grid.name,
                         code=tree.xinan_grid.code, fence=services.parse_fence("", "", ""))
    assert tree.xinan_grid.geo_radius_m is None

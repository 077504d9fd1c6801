"""Moving into another community is a step its admin confirms; points go with the person and
what they carried is written down. Until then the home, and the supermarket, stay."""

from datetime import time

import pytest
from sqlalchemy import select

from portal.accounts import moves, services
from portal.accounts.models import User
from portal.accounts.move_models import MoveRequest
from portal.audit import AuditEvent
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import ledger
from portal.shop import counter
from portal.shop import services as shop_services
from tests.conftest import once


@pytest.fixture
def mover(make_user):
    """王秀英 of 新安路社区, with 12.5 分 earned there."""
    user = make_user(name="王秀英")
    ledger.earn(user.id, 125, source_type="award", source_id=user.id)
    db.session.commit()
    return user


@pytest.fixture
def dongmei_admin(make_user, tree):
    return make_user("admin", zone=tree.dongmei, home=tree.dongmei_building, name="吴芳")


def _shop(make_user, zone):
    admin = make_user("superadmin")
    return shop_services.save_shop(admin, None, zone=zone, name=f"{zone.name}积分超市",
                                   open_days=list(range(7)), open_time=time(0),
                                   close_time=time(23, 59))


def test_a_move_inside_the_community_takes_effect_at_once(mover, tree):
    assert services.update_profile(mover, name=mover.name, home_zone=tree.xinan_grid) is None
    assert mover.home_zone_id == tree.xinan_grid.id


def test_a_move_to_another_community_waits_and_changes_nothing(mover, tree):
    move = services.update_profile(mover, name=mover.name, home_zone=tree.dongmei_building)
    db.session.commit()
    assert move.status == "pending" and move.to_zone_id == tree.dongmei_building.id
    assert db.session.get(User, mover.id).home_zone_id == tree.xinan_building.id
    again = services.update_profile(mover, name=mover.name, home_zone=tree.dongmei_grid)
    db.session.commit()
    assert again.id == move.id and again.to_zone_id == tree.dongmei_grid.id  # replaced


def test_the_new_communitys_admin_confirms_and_the_balance_is_written(mover, tree,
                                                                      dongmei_admin):
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    moves.decide_move(dongmei_admin, move, approve=True)
    db.session.commit()
    assert db.session.get(User, mover.id).home_zone_id == tree.dongmei_building.id
    assert move.status == "confirmed" and move.balance_tenths == 125
    assert ledger.balance_of(mover.id) == 125  # points go with the person
    message = db.session.scalar(select(Message).where(Message.kind == "move.confirmed"))
    assert "12.5 分" in message.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "move.confirm"))
    assert event.actor_id == dongmei_admin.id and "12.5" in event.summary


def test_the_old_community_and_the_resident_cannot_confirm(mover, tree, make_user):
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    for actor in (make_user("admin", zone=tree.xinan), mover):
        with pytest.raises(NotAllowed):
            moves.decide_move(actor, move, approve=True)
        db.session.rollback()
    assert db.session.get(MoveRequest, move.id).status == "pending"


def test_an_admin_moving_needs_someone_above(make_user, tree, dongmei_admin):
    admin = make_user("admin", zone=tree.xinan)
    move = moves.request_move(admin, tree.dongmei_building)
    db.session.commit()
    with pytest.raises(NotAllowed):
        moves.decide_move(dongmei_admin, move, approve=True)
    db.session.rollback()
    moves.decide_move(make_user("superadmin"), move, approve=True)


def test_declining_needs_a_reason_and_tells_the_resident(mover, tree, dongmei_admin):
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        moves.decide_move(dongmei_admin, move, approve=False)
    assert error.value.code == "needs_reason"
    db.session.rollback()
    moves.decide_move(dongmei_admin, move, approve=False, note="地址核实不到")
    db.session.commit()
    assert db.session.get(User, mover.id).home_zone_id == tree.xinan_building.id
    assert db.session.scalar(select(Message.kind)) == "move.declined"
    with pytest.raises(DomainError) as error:
        moves.decide_move(dongmei_admin, move, approve=True)
    assert error.value.code == "not_pending"


def test_the_resident_withdraws(mover, tree, make_user):
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    with pytest.raises(DomainError):
        moves.withdraw_move(make_user(), move)
    moves.withdraw_move(mover, move)
    db.session.commit()
    assert moves.pending_move(mover.id) is None


def test_the_free_hop_of_the_penetration_test(client, auth, mover, tree, make_user):
    """Change home to 东梅 at /me, then spend 新安's points at 东梅's supermarket: refused."""
    dongmei_shop = _shop(make_user, tree.dongmei)
    db.session.commit()
    auth.login(mover)
    html = client.post("/me", data={"name": mover.name, "home_zone": tree.dongmei_building.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "已提交迁居申请" in html and "等待新社区的管理员确认" in html
    db.session.expire_all()
    mover = db.session.get(User, mover.id)
    assert mover.home_zone_id == tree.xinan_building.id
    with pytest.raises(DomainError) as error:
        counter.check_customer(dongmei_shop, mover)
    assert error.value.code == "not_your_shop"


def test_the_admins_page_confirms(client, auth, mover, tree, dongmei_admin, make_user):
    xinan_shop, dongmei_shop = _shop(make_user, tree.xinan), _shop(make_user, tree.dongmei)
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    auth.login(dongmei_admin)
    assert "1" in client.get("/staff/").get_data(as_text=True)
    html = client.get("/staff/moves").get_data(as_text=True)
    assert "王秀英" in html and "12.5" in html and "139" in html and mover.phone not in html
    client.post(f"/staff/moves/{move.id}/decide", data={**once(), "decision": "approve"})
    db.session.expire_all()
    mover = db.session.get(User, mover.id)
    assert mover.home_zone_id == tree.dongmei_building.id
    counter.check_customer(dongmei_shop, mover)
    with pytest.raises(DomainError):
        counter.check_customer(xinan_shop, mover)


def test_the_queue_is_scoped(client, auth, mover, tree, make_user):
    moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    auth.login(make_user("admin", zone=tree.xinan))
    assert "王秀英" not in client.get("/staff/moves").get_data(as_text=True)


def test_the_profile_page_shows_the_pending_move_and_withdraws_it(client, auth, mover, tree):
    move = moves.request_move(mover, tree.dongmei_building)
    db.session.commit()
    auth.login(mover)
    html = client.get("/me").get_data(as_text=True)
    assert 'data-testid="pending-move"' in html and "东梅小区8栋" in html
    client.post(f"/me/move/{move.id}/withdraw")
    assert 'data-testid="pending-move"' not in client.get("/me").get_data(as_text=True)


def test_the_queue_page_is_flat_in_its_rows(client, auth, tree, dongmei_admin, make_user,
                                            count_queries):
    auth.login(dongmei_admin)

    def load():
        with count_queries() as counter_:
            client.get("/staff/moves")
        return counter_.count

    moves.request_move(make_user(), tree.dongmei_building)
    db.session.commit()
    one = load()
    for _ in range(5):
        moves.request_move(make_user(), tree.dongmei_grid)
    db.session.commit()
    assert load() == one

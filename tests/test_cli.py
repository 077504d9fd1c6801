"""Commands: seed-demo is idempotent and leaves a ledger that verifies; create-admin."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases.contact_models import DoorVisit, ReceptionBooking, ReceptionSlot
from portal.extensions import db
from portal.points.award_models import Award
from portal.points.models import LedgerEntry


def counts():
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (User, Award, LedgerEntry, ReceptionSlot, ReceptionBooking,
                               DoorVisit))


def test_seed_demo_twice_changes_nothing_and_the_ledger_verifies(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "13900000001" in first.output and "demo1234" in first.output
    before = counts()
    # ledger: 3 award credits, 3 carried-over balances (郑晓东's, which he brings to 新安),
    # 王秀英's reservation, 李建国's wish, and her two credited Saturdays at the market (the
    # hours behind her 志愿服务记录证明)
    assert before[0] >= 11 and before[1] == 4 and before[2] == 10
    assert before[3:] == (3, 1, 3)  # three Tuesday receptions, one booking, three visits
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    db.session.rollback()
    assert counts() == before
    verify = runner.invoke(args=["ledger", "verify"])
    assert verify.exit_code == 0 and "ledger ok" in verify.output


def test_create_admin_makes_a_superadmin_who_can_log_in(runner, client):
    result = runner.invoke(args=["create-admin", "--phone", "13800000000", "--name", "管理员",
                                 "--password", "strong-pass1", "--street-code", "dc",
                                 "--street-name", "东川街道"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "13800000000"))
    assert [g.role for g in user.grants] == ["superadmin"]
    response = client.post("/login", data={"phone": "13800000000", "password": "strong-pass1"})
    assert response.status_code == 302
    assert client.get("/staff/zones/").status_code == 200


def test_create_admin_refuses_a_bad_phone(runner):
    result = runner.invoke(args=["create-admin", "--phone", "12345", "--name", "x",
                                 "--password", "strong-pass1"])
    assert result.exit_code != 0 and "11 位" in result.output

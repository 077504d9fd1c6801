"""Wish fixtures: 赵桂兰 who lives alone, a verified party member, a reviewer."""

from datetime import timedelta

import pytest

from portal.clock import local_today
from portal.extensions import db
from portal.types import utcnow
from portal.wishes import services


@pytest.fixture
def poster(make_user):
    return make_user(name="赵桂兰")


@pytest.fixture
def member(make_user):
    return make_user(name="李建国", party="verified")


@pytest.fixture
def make_wish(coordinator, poster):
    """make_wish(published=True, **fields): a wish by 赵桂兰, approved unless told not to."""

    def factory(published: bool = True, **fields):
        values = {"title": "想要一辆轮椅", "description": "腿脚不便，想要一辆能折叠的轮椅。",
                  "kind": "item", "value_yuan": 280,
                  "deadline": local_today(utcnow()) + timedelta(days=30),
                  "consent_name": True, "consent_photo": False}
        values.update(fields)
        who = values.pop("poster", poster)
        wish = services.post_wish(who, who, **values)
        if published:
            services.review(coordinator, wish, approve=True)
        db.session.commit()
        return wish

    return factory

"""PostgreSQL: API sales and web counter sales racing for one resident's points never
overdraw the account; exactly as many succeed as the points cover."""

import threading

from sqlalchemy import func, select

from portal.extensions import db
from portal.members import codes
from portal.points import ledger
from portal.shop import services
from portal.shop.models import Redemption
from tests.api.conftest import new_key
from tests.conftest import Auth, pg_only

THREADS = 20  # ten through the API, ten through the web counter


@pg_only
def test_api_and_web_sales_never_overdraw_one_account(app, bearer, make_user, tree,
                                                      shop, make_good, resident):
    rice = make_good(price="10", stock=100)  # 50 分 cover five
    code = codes.member_code(resident)
    db.session.commit()
    shop_id, rice_id = shop.id, rice.id  # threads see plain ids, never the session's rows
    web_clients, api_headers = [], []
    for _ in range(THREADS // 2):
        web_clients.append((app.test_client(), make_user("clerk", zone=tree.xinan)))
        api_headers.append({**bearer(make_user("clerk", zone=tree.xinan), "counter"),
                            "Idempotency-Key": new_key()})
    for client, clerk in web_clients:
        assert Auth(client).login(clerk).status_code == 302
        base = f"/staff/shop/{shop_id}/counter"
        assert client.post(f"{base}/identify", data={"code": code}).status_code == 302
        assert client.post(f"{base}/cart", data={"good_id": rice_id}).status_code == 302
    barrier = threading.Barrier(THREADS)
    statuses: list = [None] * THREADS

    def web(i):
        client, _clerk = web_clients[i]
        with app.app_context():  # the test client ends the thread's own session first
            barrier.wait(timeout=30)
            statuses[i] = client.post(f"/staff/shop/{shop_id}/counter/confirm").status_code

    def api(i):
        client = app.test_client()
        with app.app_context():
            barrier.wait(timeout=30)
            statuses[THREADS // 2 + i] = client.post(
                f"/api/v1/counter/shops/{shop_id}/sales", headers=api_headers[i],
                json={"code": code, "lines": [{"good_id": rice_id, "quantity": 1}]}).status_code

    threads = [threading.Thread(target=web, args=(i,)) for i in range(THREADS // 2)]
    threads += [threading.Thread(target=api, args=(i,)) for i in range(THREADS // 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    api_statuses = statuses[THREADS // 2:]
    assert set(api_statuses) <= {201, 409}, statuses
    assert all(status == 302 for status in statuses[:THREADS // 2]), statuses
    sold = db.session.scalar(select(func.count(Redemption.id)).where(Redemption.status == "done"))
    assert sold == 5, statuses
    assert ledger.balance_of(resident.id) == 0
    assert ledger.verify_balances() == [] and services.verify_stock() == []

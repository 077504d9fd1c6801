"""Supermarket pages: the catalogue, goods with photos, restock and stock-take by form."""

from pathlib import Path

from PIL import Image
from sqlalchemy import select

from portal.extensions import db
from portal.points import ledger
from portal.shop.models import Good
from tests.conftest import once
from tests.helpers import jpeg_bytes


def test_catalogue_shows_balance_prices_and_availability(client, auth, make_user, make_good):
    make_good(name="金龙鱼大米 5kg", price="30", stock=12, limit=1)
    make_good(name="立白洗衣液 2kg", price="8", stock=2)
    make_good(name="维达抽纸 3 包", price="4", stock=0)
    resident = make_user()
    ledger.earn(resident.id, 100, source_type="award", source_id=1)
    db.session.commit()
    auth.login(resident)
    html = client.get("/shop/").get_data(as_text=True)
    assert 'data-testid="balance">10<' in html
    assert "30 分" in html and "每月限兑 1 件" in html and "积分还差 20" in html
    assert "仅剩 2 件" in html and "暂时缺货" in html and "周二、周五 09:00–11:30" in html


def test_a_community_without_a_shop_says_so(client, auth, make_user, tree, shop):
    auth.login(make_user(home=tree.dongmei_building))
    assert "还没有开设积分超市" in client.get("/shop/").get_data(as_text=True)


def test_catalogue_query_count_does_not_grow(client, auth, make_user, make_good,
                                             count_queries):
    make_good(name="商品 0")
    auth.login(make_user())
    with count_queries() as few:
        client.get("/shop/")
    for i in range(1, 10):
        make_good(name=f"商品 {i}")
    with count_queries() as many:
        html = client.get("/shop/").get_data(as_text=True)
    assert html.count('class="list-item good') == 10
    assert many.count == few.count


def test_clerk_adds_a_good_with_a_photo_and_moves_stock(app, client, auth, clerk, shop):
    auth.login(clerk)
    response = client.post(f"/staff/shop/{shop.id}/goods/new", data={**once(),
        "name": "云南白药牙膏 120g", "category": "日化", "price": "5", "monthly_limit": "2",
        "barcode": "6901234567892", "low_stock": "5", "is_active": "y",
        "photo": (jpeg_bytes(), "toothpaste.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    good = db.session.scalar(select(Good))
    folder = Path(app.config["UPLOAD_FOLDER"]) / "goods"
    assert (folder / good.photo).is_file() and (folder / f"t_{good.photo}").is_file()
    with Image.open(folder / f"t_{good.photo}") as thumb:
        assert max(thumb.size) <= 320
    client.post(f"/staff/shop/goods/{good.id}/restock", data={**once(), "quantity": "20",
                                                            "reason": "社区采购入库"})
    client.post(f"/staff/shop/goods/{good.id}/stocktake", data={**once(), "quantity": "18",
                                                              "reason": "月底盘点"})
    db.session.refresh(good)
    assert good.stock == 18
    html = client.get(f"/staff/shop/{shop.id}/movements").get_data(as_text=True)
    assert "社区采购入库" in html and "月底盘点" in html and "-2" in html
    served = client.get(f"/shop/photos/t_{good.photo}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()
    assert client.get("/shop/photos/..%2Fsecret").status_code == 404


def test_bad_stock_input_changes_nothing(client, auth, clerk, make_good):
    good = make_good(stock=5)
    auth.login(clerk)
    html = client.post(f"/staff/shop/goods/{good.id}/restock",
                       data={**once(), "quantity": "abc", "reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "数量请填" in html or "请写明原因" in html
    db.session.refresh(good)
    assert good.stock == 5


def test_low_stock_is_flagged_for_the_clerk(client, auth, clerk, make_good):
    make_good(name="立白洗衣液 2kg", stock=2)
    auth.login(clerk)
    assert 'data-testid="low-stock"' in client.get("/staff/shop/").get_data(as_text=True)
    assert "库存不足，请补货" in client.get(
        f"/staff/shop/{db.session.scalar(select(Good.shop_id))}/goods").get_data(as_text=True)

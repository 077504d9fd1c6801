"""志愿服务记录证明 in a real browser at 390x844. 王秀英, with two credited Saturdays at the
market, asks for a certificate at 我的 → 志愿时长 → 开具证明, downloads the PDF; the PDF is
turned into an image (pdftoppm), its QR decoded (zxing-cpp), and the decoded URL's page says
the certificate is genuine. Then one of those credits is reversed, and the same page says so,
with how much. Every page passes axe in normal and large text, and nothing scrolls sideways."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.certificates.models import Certificate
from portal.checkin.credit import reverse_credit
from portal.extensions import db
from tests.browser.a11y import axe_violations
from tests.browser.helpers import assert_no_horizontal_overflow, flash, log_in, submit
from tests.helpers import past_service

pytestmark = pytest.mark.browser


def check_both_text_sizes(page: Page) -> None:
    url = page.url.split("#", 1)[0]
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        expect(page.locator("html")).to_have_class(f"{size}-text")
        assert_no_horizontal_overflow(page)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)


def qr_of_pdf(pdf: Path, tmp_path: Path) -> str:
    """Render the PDF's first page at 150 dpi, as a scanner would, and decode its QR."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    [image] = sorted(tmp_path.glob("page*.png"))
    found = zxingcpp.read_barcodes(Image.open(image))
    assert found, "no QR code readable on the PDF's page"
    return found[0].text


def test_a_resident_certificate_is_verified_from_its_pdf(page: Page, new_phone, make_user,
                                                         activity, coordinator, live_server,
                                                         live_app, monkeypatch, tmp_path):
    monkeypatch.setitem(live_app.config, "BASE_URL", live_server)
    wang = make_user(name="王秀英")
    first = past_service(activity, wang, days_ago=20, hours=2)
    past_service(activity, wang, days_ago=13, hours=3)

    log_in(page, wang.phone, live_server)
    page.goto("/points/hours")
    expect(page.get_by_test_id("hours")).to_have_text("5")
    check_both_text_sizes(page)
    with page.expect_navigation():
        page.get_by_test_id("request-certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开具证明")
    check_both_text_sizes(page)
    page.get_by_label("全部时间").check()
    page.get_by_label("身份证号码（可不填）").fill("11010519491231002X")
    submit(page, "开具证明")
    expect(flash(page)).to_contain_text("证明已开具")
    sheet = page.get_by_test_id("certificate-sheet")
    expect(sheet).to_contain_text("1101**********002X")
    expect(sheet).not_to_contain_text("11010519491231002X")
    expect(page.get_by_test_id("cert-hours")).to_have_text("5 小时")
    expect(sheet.locator("tbody tr")).to_have_count(2)
    check_both_text_sizes(page)

    with page.expect_download() as download:
        page.get_by_test_id("pdf-link").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    url = qr_of_pdf(pdf, tmp_path)
    db.session.rollback()  # the server thread wrote it
    certificate = db.session.scalars(select(Certificate)).one()
    assert url == f"{live_server}/v/{certificate.number}"

    # Anyone who scans it, not logged in, sees that it is genuine, and no more.
    verifier = new_phone()
    verifier.goto(url)
    status = verifier.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-status", "valid")
    expect(status).to_contain_text("证明真实有效")
    facts = verifier.get_by_test_id("verify-facts")
    expect(facts).to_contain_text("王**")
    expect(facts).to_contain_text("5 小时")
    expect(verifier.locator("main")).not_to_contain_text("王秀英")
    expect(verifier.locator("main")).not_to_contain_text("002X")
    check_both_text_sizes(verifier)

    # A credit in the period is taken back: the same page now says so, with how much.
    reverse_credit(first, actor=coordinator, reason="签到记录有误")
    db.session.commit()
    verifier.goto(url)
    status = verifier.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-status", "reversed")
    expect(status).to_contain_text("有 2 小时志愿时长被撤销，现为 3 小时")
    check_both_text_sizes(verifier)

    # A made-up number is not genuine.
    verifier.goto("/v/ABCD-EFGH-JKMN-PQRS")
    expect(verifier.get_by_test_id("verify-status")).to_contain_text("不是真实的证明")
    check_both_text_sizes(verifier)

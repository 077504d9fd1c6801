"""The service worker's script and the logout that empties what it kept."""

from portal.offline import views


def test_the_worker_may_control_staff_pages_and_carries_its_version(client):
    answer = client.get("/offline/sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert answer.headers["Service-Worker-Allowed"] == "/staff/"
    assert answer.headers["Cache-Control"] == "no-cache"
    source = answer.get_data(as_text=True)
    version = answer.headers["ETag"].strip('"')
    assert "__VERSION__" not in source and f'"{version}"' in source
    assert views.WORKER_SCOPE == "/staff/"


def test_logging_out_wipes_what_the_browser_kept(client, auth, make_user):
    auth.login(make_user("coordinator"))
    answer = client.post("/logout")
    assert answer.status_code == 302
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'
    auth.login(make_user())
    everywhere = client.post("/me/logout-all")
    assert everywhere.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_desk_names_the_worker_and_its_state(client, auth, make_shift, coordinator):
    shift = make_shift(hours_from_now=1)
    auth.login(coordinator)
    page = client.get(f"/staff/checkin/{shift.id}/scan").get_data(as_text=True)
    assert 'data-service-worker="/offline/sw.js"' in page and 'data-scope="/staff/"' in page
    assert "js/net.js" in page


def test_every_page_names_the_manifest_and_its_icons_are_there(client):
    import re

    page = client.get("/login").get_data(as_text=True)
    link = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)
    with client.get(link) as manifest:
        assert manifest.mimetype == "application/manifest+json"
        data = manifest.get_json(force=True)
    assert data["name"] == "社区微平台" and data["display"] == "standalone"
    for icon in data["icons"]:
        with client.get(icon["src"]) as image:
            assert image.mimetype == "image/png"

def test_probe_page(client, auth, make_user):
    auth.login(make_user())
    for p in ["99999999999999999999", "-5", "0", "abc", "999"]:
        r = client.get(f"/inbox/?page={p}")
        print(p, r.status_code)
        r = client.get(f"/points/?page={p}")
        print("points", p, r.status_code)

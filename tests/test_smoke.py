def test_home_renders_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "社区微平台" in response.get_data(as_text=True)

import pytest
from django.contrib.auth import get_user_model


def test_register_creates_a_customer_who_can_get_a_token(anon, db):
    # when someone signs up
    response = anon.post(
        "/api/v1/auth/register/",
        {"username": "mei", "email": "mei@example.com", "password": "Tailored-2026"},
        format="json",
    )
    # then the account exists and a token can be had for it
    assert response.status_code == 201
    assert response.json()["username"] == "mei"
    token = anon.post("/api/v1/auth/token/", {"username": "mei", "password": "Tailored-2026"}, format="json")
    assert token.status_code == 200 and list(token.json()) == ["token"]
    assert isinstance(token.json()["token"], str) and len(token.json()["token"]) == 64
    me = get_user_model().objects.get(username="mei")
    assert not me.is_staff and not me.groups.exists()


def test_register_refuses_a_weak_password_and_creates_nothing(anon, db):
    response = anon.post(
        "/api/v1/auth/register/", {"username": "mei", "email": "mei@example.com", "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()
    assert not get_user_model().objects.filter(username="mei").exists()


def test_register_refuses_a_taken_username(anon, customer):
    users = get_user_model().objects.count()
    response = anon.post(
        "/api/v1/auth/register/",
        {"username": customer.username.upper(), "email": "x@example.com", "password": "Tailored-2026"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"username": ["This username is taken."]}
    assert get_user_model().objects.count() == users


def test_token_refuses_bad_credentials(anon, customer):
    response = anon.post("/api/v1/auth/token/", {"username": customer.username, "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_token_authenticates_api_calls(anon, customer):
    token = anon.post(
        "/api/v1/auth/token/", {"username": customer.username, "password": "a-Long-pass-123"}, format="json"
    ).json()["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon.get("/api/v1/orders/").status_code == 200


def test_orders_need_authentication(anon, db):
    response = anon.get("/api/v1/orders/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_password_guessing_is_throttled(anon, customer):
    answers = [
        anon.post("/api/v1/auth/token/", {"username": customer.username, "password": f"guess{i}"}, format="json")
        for i in range(21)
    ]
    assert [a.status_code for a in answers[:20]] == [400] * 20
    assert answers[20].status_code == 429 and answers[20].json()["code"] == "throttled"


@pytest.mark.parametrize("variant", ["ｍｅｉ", "ＭＥＩ", "Mei"])
def test_register_refuses_a_name_that_normalises_to_a_taken_one(anon, db, variant):
    # given mei has an account
    first = anon.post(
        "/api/v1/auth/register/", {"username": "mei", "email": "mei@example.com", "password": "Tailored-2026"}
    )
    assert first.status_code == 201
    users = get_user_model().objects.count()
    # when someone registers the same name in full-width letters (or another case)
    response = anon.post(
        "/api/v1/auth/register/", {"username": variant, "email": "x@example.com", "password": "Tailored-2026"}
    )
    # then it is refused and no second account exists
    assert response.status_code == 400
    assert response.json() == {"username": ["This username is taken."]}
    assert get_user_model().objects.count() == users


def test_register_stores_the_normalised_name(anon, db):
    response = anon.post(
        "/api/v1/auth/register/", {"username": "ｍｅｉ", "email": "mei@example.com", "password": "Tailored-2026"}
    )
    assert response.status_code == 201 and response.json()["username"] == "mei"
    assert get_user_model().objects.filter(username="mei").exists()

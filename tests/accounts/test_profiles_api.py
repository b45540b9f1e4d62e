"""Saved measurement profiles (API.md, Accounts): a customer keeps named measurements, sees only
their own, and every refusal leaves them as they were."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import PROFILES_PER_CUSTOMER, MeasurementProfile
from accounts.services import profile_create, profile_update
from config.errors import InvalidInput

PROFILES = "/api/v1/me/profiles/"


def detail(profile_id: int) -> str:
    return f"{PROFILES}{profile_id}/"


def rows() -> list[tuple]:
    """Every profile as stored, to prove a refusal changed nothing."""
    return list(MeasurementProfile.objects.order_by("pk").values_list("pk", "owner_id", "name", "values", "updated_at"))


def post_raw(client: APIClient, path: str, body: str, method: str = "post"):
    """A JSON body exactly as written (NaN, 1e400: what a JSON library would not produce)."""
    return getattr(client, method)(path, body, content_type="application/json")


# --- The round trip ------------------------------------------------------------------------------


def test_a_customer_saves_lists_reads_changes_and_deletes_a_profile(customer_api, customer):
    # when a customer saves a profile
    values = {"chest_cm": "100", "waist_cm": 86.5}
    created = customer_api.post(PROFILES, {"name": "Work", "values": values}, format="json")
    # then it is answered in API.md's shape, its numbers as decimal strings, and stored as theirs
    assert created.status_code == 201, created.json()
    profile = created.json()
    assert set(profile) == {"id", "name", "values"}
    assert profile["name"] == "Work" and profile["values"] == {"chest_cm": "100", "waist_cm": "86.5"}
    assert MeasurementProfile.objects.get(pk=profile["id"]).owner == customer

    # and the list (API.md's paginated object) and the detail show it
    listed = customer_api.get(PROFILES)
    assert listed.status_code == 200
    assert listed.json() == {"count": 1, "next": None, "previous": None, "results": [profile]}
    assert customer_api.get(detail(profile["id"])).json() == profile

    # when they rename it and replace its values
    changed = customer_api.patch(detail(profile["id"]), {"name": "Wedding", "values": {"chest_cm": 101}}, format="json")
    # then the answer and the list say so: the values are the new object, not a merge
    assert changed.status_code == 200, changed.json()
    assert changed.json() == {"id": profile["id"], "name": "Wedding", "values": {"chest_cm": "101"}}
    assert customer_api.get(PROFILES).json()["results"] == [changed.json()]

    # when they change only the name
    renamed = customer_api.patch(detail(profile["id"]), {"name": "Summer"}, format="json")
    assert renamed.json() == {"id": profile["id"], "name": "Summer", "values": {"chest_cm": "101"}}

    # when they delete it
    deleted = customer_api.delete(detail(profile["id"]))
    # then it is gone
    assert deleted.status_code == 204
    assert not MeasurementProfile.objects.filter(pk=profile["id"]).exists()
    gone = customer_api.get(detail(profile["id"]))
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert customer_api.get(PROFILES).json()["count"] == 0


def test_the_list_shows_only_the_customers_own_profiles_by_name(customer_api, customer, other_customer):
    # given profiles of two customers
    for name in ["work", "Casual", "Beach"]:
        profile_create(owner=customer, name=name, values={"chest_cm": 100})
    profile_create(owner=other_customer, name="Another's", values={"chest_cm": 90})
    # when the first lists theirs
    answer = customer_api.get(PROFILES).json()
    # then they see their own only, by name whatever the case
    assert answer["count"] == 3
    assert [p["name"] for p in answer["results"]] == ["Beach", "Casual", "work"]


def test_the_list_is_paginated_with_page_and_page_size(customer_api, customer):
    for n in range(3):
        profile_create(owner=customer, name=f"Profile {n}", values={})
    answer = customer_api.get(PROFILES, {"page_size": 2, "page": 2}).json()
    assert answer["count"] == 3 and [p["name"] for p in answer["results"]] == ["Profile 2"]
    assert answer["previous"] is not None and answer["next"] is None


def test_listing_costs_the_same_queries_however_many_profiles(customer_api, customer, django_assert_num_queries):
    profile_create(owner=customer, name="One", values={"chest_cm": 100})
    customer_api.get(PROFILES)  # the caller's roles are read once, then known
    with django_assert_num_queries(2):  # the count and the page
        customer_api.get(PROFILES)
    for n in range(PROFILES_PER_CUSTOMER - 1):
        profile_create(owner=customer, name=f"Profile {n}", values={"chest_cm": 100, "waist_cm": 80})
    with django_assert_num_queries(2):
        assert len(customer_api.get(PROFILES).json()["results"]) == PROFILES_PER_CUSTOMER


# --- Who may ---------------------------------------------------------------------------------------


def test_another_customers_profile_is_not_found_and_stays_as_it_was(customer, other_api):
    # given a customer's profile
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    # when another customer reads, changes or deletes it
    answers = [
        other_api.get(detail(profile.pk)),
        other_api.patch(detail(profile.pk), {"name": "Mine now", "values": {"chest_cm": 120}}, format="json"),
        other_api.delete(detail(profile.pk)),
    ]
    # then each is a 404, as for a profile that does not exist, and nothing changed
    for answer in answers:
        assert answer.status_code == 404
        assert answer.json() == {"detail": "There is no such measurement profile.", "code": "not_found"}
    assert rows() == before
    # and an id that names no profile at all is answered the same way, never a 500
    for missing in [profile.pk + 1000, 2**63, 10**30]:
        answer = other_api.get(detail(missing))
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["planner_api", "operator_api", "staff_api"])
def test_planners_operators_and_staff_are_not_customers_and_change_nothing(who, request, customer):
    # given a customer's profile, and a user who is not a customer
    client = request.getfixturevalue(who)
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    # when they use the profile endpoints
    answers = [
        client.get(PROFILES),
        client.post(PROFILES, {"name": "Mine", "values": {"chest_cm": 100}}, format="json"),
        client.get(detail(profile.pk)),
        client.patch(detail(profile.pk), {"name": "Changed"}, format="json"),
        client.delete(detail(profile.pk)),
    ]
    # then each is refused with 403 and nothing changed
    for answer in answers:
        assert answer.status_code == 403
        assert answer.json() == {"detail": "Only customers keep measurement profiles.", "code": "permission_denied"}
    assert rows() == before


def test_anonymous_callers_must_authenticate_and_change_nothing(anon, customer):
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    answers = [
        anon.get(PROFILES),
        anon.post(PROFILES, {"name": "Mine", "values": {"chest_cm": 100}}, format="json"),
        anon.get(detail(profile.pk)),
        anon.patch(detail(profile.pk), {"name": "Changed"}, format="json"),
        anon.delete(detail(profile.pk)),
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json()["code"] == "not_authenticated"
    assert rows() == before


def test_put_is_not_offered(customer_api, customer):
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    answer = customer_api.put(detail(profile.pk), {"name": "Other", "values": {}}, format="json")
    assert answer.status_code == 405 and answer.json()["code"] == "method_not_allowed"
    assert rows() == before


# --- Values ----------------------------------------------------------------------------------------

NUMBER = 'Must be a number, given as a JSON number or a decimal string such as "98.5".'
KEY = "Not an option key: a lower-case letter, then lower-case letters, digits or _ (at most 60 characters)."


@pytest.mark.parametrize(
    "values, errors",
    [
        ({"chest_cm": "NaN"}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": "Infinity"}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": "abc"}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": ""}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": "1e2"}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": "１００"}, {"chest_cm": [NUMBER]}),  # full-width digits
        ({"chest_cm": True}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": None}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": {"value": 100}}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": [100]}, {"chest_cm": [NUMBER]}),
        ({"chest_cm": 0.1 + 0.2}, {"chest_cm": ["At most 6 decimal places."]}),
        ({"chest_cm": "1000000000000"}, {"chest_cm": ["Too large: at most 12 digits before the decimal point."]}),
        ({"Chest": 100}, {"Chest": [KEY]}),
        ({"1chest": 100}, {"1chest": [KEY]}),
        ({"chest-cm": 100}, {"chest-cm": [KEY]}),
        ({"": 100}, {"": [KEY]}),
        ({"a" * 61: 100}, {"a" * 61: [KEY]}),
        ({"a" * 500: 100}, {"a" * 60 + "...": [KEY]}),
        ({"chest_cm": "abc", "Waist": 80, "hip_cm": 100}, {"chest_cm": [NUMBER], "Waist": [KEY]}),
        ({f"m{n}": n for n in range(51)}, ["At most 50 measurements in a profile; this has 51."]),
        ([{"chest_cm": 100}], ['Must be an object of option keys to numbers, such as {"chest_cm": "100"}.']),
        ("chest_cm=100", ['Must be an object of option keys to numbers, such as {"chest_cm": "100"}.']),
    ],
)
def test_values_that_are_not_option_keys_to_numbers_are_refused_and_nothing_is_stored(
    values, errors, customer_api, customer
):
    # given a customer with a profile
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    # when they save a new profile, or change theirs, with those values
    created = customer_api.post(PROFILES, {"name": "Other", "values": values}, format="json")
    changed = customer_api.patch(detail(profile.pk), {"name": "Renamed", "values": values}, format="json")
    # then both are refused, every problem named under its key, and nothing changed
    assert created.status_code == changed.status_code == 400
    assert created.json() == changed.json() == {"values": errors}
    assert rows() == before


@pytest.mark.parametrize("body", ['{"chest_cm": NaN}', '{"chest_cm": Infinity}', '{"chest_cm": -Infinity}'])
def test_nan_and_infinity_literals_are_refused_and_nothing_is_stored(body, customer_api, customer):
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    before = rows()
    created = post_raw(customer_api, PROFILES, f'{{"name": "Other", "values": {body}}}')
    changed = post_raw(customer_api, detail(profile.pk), f'{{"values": {body}}}', method="patch")
    assert created.status_code == changed.status_code == 400
    assert created.json()["code"] == changed.json()["code"] == "parse_error"
    assert rows() == before


def test_a_number_too_large_for_a_float_is_refused_and_nothing_is_stored(customer_api):
    # 1e400 is valid JSON, and arrives as an infinite float
    answer = post_raw(customer_api, PROFILES, '{"name": "Huge", "values": {"chest_cm": 1e400}}')
    assert answer.status_code == 400
    assert answer.json() == {"values": {"chest_cm": [NUMBER]}}
    assert rows() == []


@pytest.mark.parametrize(
    "raw, stored",
    [
        ('"100.0"', "100"),
        ("98.50", "98.5"),
        ('"98.50"', "98.5"),
        ('"098.500"', "98.5"),
        ("100", "100"),
        ("1e2", "100"),
        ("1E+2", "100"),
        ("100.0", "100"),
        ('" 1.50 "', "1.5"),
        ('"-0.0"', "0"),
        ("-0", "0"),
        ('"-2.5"', "-2.5"),
        ('".5"', "0.5"),
        ('"5."', "5"),
        ('"0.000001"', "0.000001"),
        ("0.000001", "0.000001"),
        ('"999999999999.999999"', "999999999999.999999"),
        ("123456789012", "123456789012"),
    ],
)
def test_numbers_are_stored_and_answered_as_plain_decimal_strings(raw, stored, customer_api):
    # when a number is sent as a JSON number or a decimal string
    answer = post_raw(customer_api, PROFILES, f'{{"name": "Work", "values": {{"chest_cm": {raw}}}}}')
    # then it is answered, and stored, as its plain decimal string: no trailing zeros, no exponent
    assert answer.status_code == 201, answer.json()
    assert answer.json()["values"] == {"chest_cm": stored}
    assert MeasurementProfile.objects.get().values == {"chest_cm": stored}
    assert customer_api.get(PROFILES).json()["results"][0]["values"] == {"chest_cm": stored}


def test_fifty_values_and_no_values_are_accepted(customer_api):
    fifty = {f"m{n}": n for n in range(50)}
    answer = customer_api.post(PROFILES, {"name": "Full", "values": fifty}, format="json")
    assert answer.status_code == 201
    assert answer.json()["values"] == {key: str(value) for key, value in fifty.items()}
    empty = customer_api.post(PROFILES, {"name": "Empty", "values": {}}, format="json")
    assert empty.status_code == 201 and empty.json()["values"] == {}


# --- Names and the limit -------------------------------------------------------------------------


def test_a_name_already_used_by_the_customer_is_refused_in_any_case(customer_api, customer, other_customer):
    # given a customer's profile "Work" and their "Casual", and another customer's "Wedding"
    work = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    casual = profile_create(owner=customer, name="Casual", values={"chest_cm": 100})
    profile_create(owner=other_customer, name="Wedding", values={"chest_cm": 90})
    before = rows()
    # when they save another "Work", or " work ", or rename "Casual" to "WORK"
    answers = [
        customer_api.post(PROFILES, {"name": "Work", "values": {"chest_cm": 101}}, format="json"),
        customer_api.post(PROFILES, {"name": " work ", "values": {"chest_cm": 101}}, format="json"),
        customer_api.patch(detail(casual.pk), {"name": "WORK", "values": {"chest_cm": 101}}, format="json"),
    ]
    # then each is refused on the name, and nothing changed
    for answer, name in zip(answers, ["Work", "work", "WORK"], strict=True):
        assert answer.status_code == 400
        assert answer.json() == {"name": [f"You already have a profile named '{name}'."]}
    assert rows() == before
    # but another customer's name is free, and a profile keeps its own name in another case
    assert customer_api.post(PROFILES, {"name": "Wedding", "values": {}}, format="json").status_code == 201
    assert customer_api.patch(detail(work.pk), {"name": "WORK"}, format="json").json()["name"] == "WORK"


@pytest.mark.parametrize(
    "name, error",
    [
        ("", "This field may not be blank."),
        ("   ", "This field may not be blank."),
        ("x" * 61, "Ensure this field has no more than 60 characters."),
        (None, "This field may not be null."),
    ],
)
def test_a_name_must_have_1_to_60_characters(name, error, customer_api, customer):
    profile = profile_create(owner=customer, name="Work", values={})
    before = rows()
    created = customer_api.post(PROFILES, {"name": name, "values": {}}, format="json")
    changed = customer_api.patch(detail(profile.pk), {"name": name}, format="json")
    assert created.status_code == changed.status_code == 400
    assert created.json() == changed.json() == {"name": [error]}
    assert rows() == before


def test_a_new_profile_needs_a_name_and_values(customer_api):
    answer = customer_api.post(PROFILES, {}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"name": ["This field is required."], "values": ["This field is required."]}
    assert rows() == []


def test_a_name_is_kept_without_surrounding_spaces_and_may_have_60_characters(customer_api):
    assert customer_api.post(PROFILES, {"name": "  Work  ", "values": {}}, format="json").json()["name"] == "Work"
    assert customer_api.post(PROFILES, {"name": "x" * 60, "values": {}}, format="json").status_code == 201


def test_the_21st_profile_is_refused_and_nothing_is_stored(customer_api, customer, other_customer):
    # given a customer who keeps 20 profiles
    for n in range(PROFILES_PER_CUSTOMER):
        profile_create(owner=customer, name=f"Profile {n}", values={"chest_cm": 100})
    before = rows()
    # when they save a 21st
    answer = customer_api.post(PROFILES, {"name": "One more", "values": {"chest_cm": 100}}, format="json")
    # then it is refused with the reason, and nothing was stored
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["You can keep at most 20 measurement profiles; delete one to save another."]
    }
    assert rows() == before
    # and they may still change theirs, delete one and then save another; others are not limited by it
    first = MeasurementProfile.objects.filter(owner=customer).first()
    assert customer_api.patch(detail(first.pk), {"values": {"chest_cm": 99}}, format="json").status_code == 200
    assert customer_api.delete(detail(first.pk)).status_code == 204
    assert customer_api.post(PROFILES, {"name": "One more", "values": {}}, format="json").status_code == 201
    profile_create(owner=other_customer, name="Profile 0", values={})


@pytest.mark.django_db(transaction=True)
def test_profiles_saved_at_once_never_pass_the_limit(demo_tx, customer):
    # given a customer with 18 profiles, who saves four more at the same moment (two tabs, retries)
    for n in range(PROFILES_PER_CUSTOMER - 2):
        profile_create(owner=customer, name=f"Profile {n}", values={})
    start = threading.Barrier(4)
    answers: list[int] = []

    def save(name: str) -> None:
        client = APIClient()
        client.force_authenticate(customer)
        try:
            start.wait(timeout=10)
            answers.append(client.post(PROFILES, {"name": name, "values": {}}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in ["A", "B", "C", "A"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then two are saved, the other two refused, and the customer keeps exactly 20 with distinct names
    assert sorted(answers) == [201, 201, 400, 400]
    names = list(MeasurementProfile.objects.filter(owner=customer).values_list("name", flat=True))
    assert len(names) == PROFILES_PER_CUSTOMER == len(set(names))


# --- The services refuse on their own ------------------------------------------------------------


def test_the_services_check_what_they_store_whoever_calls_them(customer):
    # given a profile
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": "100.0"})
    assert profile.values == {"chest_cm": "100"}
    casual = profile_create(owner=customer, name="Casual", values={})
    before = rows()
    # when a caller other than the API passes values or a name the API would refuse
    for call in [
        lambda: profile_create(owner=customer, name="Other", values={"chest_cm": float("nan")}),
        lambda: profile_create(owner=customer, name="Other", values={"Chest": 1}),
        lambda: profile_create(owner=customer, name=" ", values={}),
        lambda: profile_create(owner=customer, name="x" * 61, values={}),
        lambda: profile_update(profile=profile, values={"chest_cm": "abc"}),
        lambda: profile_update(profile=casual, name="work ", values={}),
    ]:
        # then it is refused with InvalidInput (a 400 in the API's shape), and nothing changed
        with pytest.raises(InvalidInput):
            call()
    assert rows() == before


# --- The OpenAPI document -------------------------------------------------------------------------


def test_the_schema_describes_the_profile_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = schema["paths"]["/api/v1/me/profiles/"]
    one = schema["paths"]["/api/v1/me/profiles/{profile_id}/"]
    # the list is API.md's paginated object of profiles, with page and page_size
    paginated = listing["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    page = schema["components"]["schemas"][paginated]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/MeasurementProfile"}
    assert {"page", "page_size"} <= {p["name"] for p in listing["get"]["parameters"]}
    # a profile's values are decimal strings; POST answers 201; one profile has GET, PATCH, DELETE only
    profile = schema["components"]["schemas"]["MeasurementProfile"]
    assert set(profile["properties"]) == {"id", "name", "values"}
    assert profile["properties"]["values"]["additionalProperties"]["type"] == "string"
    assert "201" in listing["post"]["responses"]
    assert set(one) - {"parameters"} == {"get", "patch", "delete"}
    delete = set(one["delete"]["responses"])
    assert {code for code in delete if code.startswith("2")} == {"204"}
    # and it says what else it answers: someone else's profile is 404 (config/schema.py)
    assert {"401", "404"} <= delete


# --- Admin ---------------------------------------------------------------------------------------


def test_staff_see_profiles_in_admin_and_may_delete_but_not_edit_one(client, customer):
    from django.urls import reverse

    from tests.factories import UserFactory

    # given a customer's profile and a staff member in admin
    profile = profile_create(owner=customer, name="Work", values={"chest_cm": 100})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = reverse("admin:accounts_measurementprofile_change", args=[profile.pk])
    # then they see it, found by the customer's name, but cannot add one or change it
    listing = client.get(reverse("admin:accounts_measurementprofile_changelist"), {"q": customer.username})
    assert listing.status_code == 200 and b"Work" in listing.content
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:accounts_measurementprofile_add")).status_code == 403
    before = rows()
    assert client.post(change, {"name": "Staff's", "values": "{}"}).status_code == 403
    assert rows() == before
    # and deleting it (the customer asked) removes it
    delete = reverse("admin:accounts_measurementprofile_delete", args=[profile.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert rows() == []

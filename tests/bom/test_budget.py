"""The configurator's search budget: a configure call that would search too long answers a clear
error instead (never a wrong domain), and publishing refuses a product that would."""

import logging

import pytest
from django.urls import reverse

from bom.configurator import compile_product
from bom.configurator.analysis import analyse_definition
from bom.configurator.budget import SearchBudgetExceeded, error_for
from bom.models import ProductVersion
from bom.selectors import version_get_published
from bom.services import PublishRefused, version_create_draft, version_publish
from tests.factories import UserFactory
from tests.support.synthetic import synthetic_product

SMALL = {"seed": 1, "choice_options": 12, "values_per_option": 4, "rules": 16}


def test_a_configure_call_past_its_budget_raises_and_logs_instead_of_answering(caplog):
    # given a synthetic product, and the steps its empty spec needs
    definition, resources = synthetic_product(**SMALL)
    product = compile_product(definition, resources)
    answer = product.configure({}, budget=10**9)
    # when it is configured with a budget far below that
    expected = type(error_for(SearchBudgetExceeded(20)))  # what the application registered (bom.apps)
    with caplog.at_level(logging.WARNING, logger="bom.configurator.engine"), pytest.raises(expected) as exhausted:
        product.configure({}, budget=20)
    # then it says so (no domains at all), and the warning names the product and the budget
    cause = exhausted.value if isinstance(exhausted.value, SearchBudgetExceeded) else exhausted.value.__cause__
    assert isinstance(cause, SearchBudgetExceeded) and cause.limit == 20
    assert "configure of synthetic-1 ran out of its search budget of 20 steps" in caplog.text
    # and with enough budget the answer is the unmetered one, every time (steps, not time)
    assert product.configure({}, budget=10**9) == answer == product.configure({}, budget=None)


def test_the_analysis_refuses_a_product_whose_empty_spec_exceeds_the_budget():
    definition, resources = synthetic_product(**SMALL)
    # when analysed for publishing with a budget below what configuring the empty spec needs
    found = analyse_definition(definition, resources, search_budget=200)
    # then that is the one error, and with the default budget it is not there
    assert [(f.severity, f.path) for f in found] == [("error", "rules")]
    assert found[0].message.startswith("configuring the empty spec needs more than 200 search steps")
    assert not [f for f in analyse_definition(definition, resources, search_budget=1_000_000) if "steps" in f.message]


def test_the_analysis_itself_is_bounded():
    # given a product whose compiling alone searches far more than 50 times a budget of 10
    definition, resources = synthetic_product(**SMALL)
    found = analyse_definition(definition, resources, search_budget=10)
    assert [(f.severity, f.path) for f in found] == [("error", "rules")]
    assert found[0].message.startswith("analysing this product needs more than 500 search steps")


@pytest.mark.usefixtures("demo")
def test_the_api_answers_503_configurator_budget_when_the_budget_runs_out(anon, settings, caplog):
    # given a budget far too small for the suit
    settings.CONFIGURATOR_SEARCH_BUDGET = 20
    # when a customer configures it
    with caplog.at_level(logging.WARNING, logger="bom.configurator.engine"):
        response = anon.post("/api/v1/products/mtm-suit/configure/", {"spec": {}}, format="json")
    # then the answer is a clear 503, and the call is logged
    assert response.status_code == 503
    assert response.json()["code"] == "configurator_budget"
    assert "search budget" in response.json()["detail"]
    assert "configure of mtm-suit ran out of its search budget of 20 steps" in caplog.text
    # and with the default budget the same call answers
    settings.CONFIGURATOR_SEARCH_BUDGET = 1_000_000
    assert anon.post("/api/v1/products/mtm-suit/configure/", {"spec": {}}, format="json").status_code == 200


@pytest.mark.usefixtures("demo")
def test_publishing_refuses_a_version_that_would_exceed_the_budget(settings):
    # given a draft of the suit, and a budget below what its empty spec needs
    current = version_get_published(slug="mtm-suit")
    draft = version_create_draft(from_version=current)
    settings.CONFIGURATOR_SEARCH_BUDGET = 100
    # when it is published, then it is refused, and nothing changed
    with pytest.raises(PublishRefused) as refused:
        version_publish(version=draft)
    assert any("search steps" in p and "CONFIGURATOR_SEARCH_BUDGET" in p for p in refused.value.problems)
    draft.refresh_from_db()
    assert draft.status == ProductVersion.Status.DRAFT
    assert version_get_published(slug="mtm-suit").pk == current.pk


@pytest.mark.usefixtures("demo")
def test_admin_preview_says_when_the_budget_runs_out(client, settings):
    # given staff previewing the published suit, with a budget far too small for it
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    version = version_get_published(slug="mtm-suit")
    settings.CONFIGURATOR_SEARCH_BUDGET = 20
    # when the preview is opened, then it says why there is no answer (not a 500)
    page = client.get(reverse("admin:bom_productversion_preview", args=[version.pk]))
    assert page.status_code == 200
    assert "within its search budget" in page.content.decode()


def test_the_shop_page_says_when_the_budget_runs_out(client, settings, demo):
    # given a budget far too small for the suit
    settings.CONFIGURATOR_SEARCH_BUDGET = 20
    # when a customer opens the configurator
    response = client.get("/products/mtm-suit/")
    # then the page says so, with no options that might be wrong, and is not a 500
    assert response.status_code == 503
    assert "search budget" in response.content.decode()
    assert 'name="fabric"' not in response.content.decode()

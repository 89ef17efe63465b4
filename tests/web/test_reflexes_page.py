"""The reflex sheet as a page: the matrix, the procedures, and a dry run."""

from __future__ import annotations


def test_the_matrix_page(client):
    response = client.get("/reflexes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Fiche réflexe ICS2" in page
    assert "Indisponibilité côté administration" in page
    assert "Certificat refusé (UUM&amp;DS)" in page
    assert "cid-sau@douane.finances.gouv.fr" in page
    assert "(à confirmer)" in page and "to confirm" not in page  # in the reader's language


def test_a_dry_run_on_the_page(client):
    response = client.get("/reflexes?component=STP&scope=eu&channel=DTI&modes=air")
    page = response.get_data(as_text=True)
    assert "Règle portal-unplanned de la table" in page
    assert "Passer en EDI si possible" in page


def test_a_dry_run_with_impossible_facts_says_why(client):
    response = client.get("/reflexes?component=EO_SYSTEM&scope=eu&modes=air")
    assert response.status_code == 200
    assert "ce choix n’est pas possible pour" in response.get_data(as_text=True).replace(
        "&#39;", "’"
    ).replace("'", "’")


def test_an_unknown_version_is_a_404_page(client):
    response = client.get("/reflexes?version=fr-1999-01")
    assert response.status_code == 404
    assert "fr-1999-01" in response.get_data(as_text=True)

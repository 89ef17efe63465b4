"""/developers/api: the API reference for people, from the same document as openapi.json."""

from __future__ import annotations


def test_the_reference_lists_every_operation_of_the_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/developers/api", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for operations in document["paths"].values():
        for operation in operations.values():
            assert f'id="{operation["operationId"]}"' in html
    assert 'src="http' not in html and 'href="http' not in html  # nothing from elsewhere
    assert '<script src="/static/js/api-console.js"></script>' in html


def test_the_reference_speaks_french_to_a_french_reader(client):
    html = client.get("/developers/api", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Référence de l’API" in html and "Corps à envoyer" in html and "Envoyer" in html
    assert "Body to send" not in html


def test_a_body_to_start_from_is_a_valid_declaration_shape(client):
    html = client.get("/developers/api").get_data(as_text=True)
    start = html.index('id="post_incident-body"')
    example = html[start : html.index("</textarea>", start)]
    for field in ("component", "started_at", "modes", "channel", "ens_operations", "summary"):
        assert f"&#34;{field}&#34;" in example or f'"{field}"' in example

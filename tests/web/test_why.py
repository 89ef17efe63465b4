"""Why a procedure applies, rendered once per explanation and language (bcp.web.why): each
reader still gets it in their language, and two explanations never share their text."""

from __future__ import annotations

from flask_babel import force_locale

from bcp.web.why import why

AIR = {
    "rule": "R-AIR",
    "source": "EU BCP",
    "checks": [{"condition": "modes", "allowed": ["air"], "actual": ["air"]}],
    "also_matched": [],
}


def test_an_explanation_is_in_the_language_of_each_reader(app):
    with app.test_request_context():
        texts = []
        for lang in ("fr", "en", "fr"):
            with force_locale(lang):
                texts.append(str(why(AIR)))
    french, english, french_again = texts
    assert "Règle R-AIR de la table" in french and "aérien" in french
    assert "Rule R-AIR of the table" in english and "air" in english
    assert french_again == french


def test_two_explanations_never_share_their_text(app):
    sea = {**AIR, "rule": "R-SEA", "checks": [{**AIR["checks"][0], "actual": ["sea"]}]}
    with app.test_request_context(), force_locale("en"):
        air, sea_text = str(why(AIR)), str(why(sea))
    assert "R-AIR" in air and "R-SEA" not in air
    assert "R-SEA" in sea_text and "R-AIR" not in sea_text


def test_values_are_escaped_once(app):
    hostile = {**AIR, "rule": "<script>x</script>", "also_matched": ["<b>R2</b>"]}
    with app.test_request_context(), force_locale("en"):
        text = str(why(hostile))
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;R2&lt;/b&gt;" in text and "&amp;lt;" not in text

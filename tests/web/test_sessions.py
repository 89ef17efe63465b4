"""Browser sessions are the pages' alone (bcp.web.sessions): a page signs its person in and out
with the session cookie; the API reads no cookie and sets none, whoever sends it one; a new
secret key ends the sessions signed with the old one."""

from __future__ import annotations

from tests.web.conftest import Browser


def test_a_signed_in_person_stays_signed_in_from_page_to_page(as_person, people):
    desk = as_person(people.desk)
    assert desk.client.get_cookie("session") is not None
    assert desk.get("/desk/").status_code == 200
    assert desk.get("/status/").status_code == 200


def test_the_api_neither_reads_nor_sets_the_session_cookie(as_person, people):
    desk = as_person(people.desk)
    # a browser's session does not open the API: its token does
    assert desk.get("/api/v1/status").status_code == 401
    answer = desk.client.get("/api/v1/status", headers=people.desk.auth)
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    # and the page's session is as it was
    assert desk.get("/desk/").status_code == 200


def test_a_declaration_through_the_api_sets_no_cookie(api, people):
    answer = api.declare(people.carrier)
    assert answer.status_code == 201, answer.json
    assert "Set-Cookie" not in answer.headers


def test_a_new_secret_key_ends_the_sessions_signed_with_the_old_one(browser_app, people):
    desk = Browser(browser_app, people.desk)
    assert desk.get("/desk/").status_code == 200
    browser_app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-0123456789"
    assert desk.get("/desk/").status_code in (302, 303)  # to the sign-in page
    desk.sign_in(people.desk.login)
    assert desk.get("/desk/").status_code == 200

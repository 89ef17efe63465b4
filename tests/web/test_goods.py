"""The goods of an incident through the API and the pages: listed one by one, in bulk or from
a CSV, sent by the fallback route, back in ICS2 with their MRN; the carrier sheet to attach."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader

from bcp.domain.consignments.csv_import import COLUMNS
from bcp.domain.consignments.model import DocumentKind
from bcp.domain.consignments.mrn import check_character
from tests.conftest import T0


def one(number: str = "020-12345675", **overrides):
    body = {
        "document_kind": "awb_master",
        "document_number": number,
        "case": "air-long-haul",
        "means_of_transport": "AF0123",
        "office_of_first_entry": "FR004100",
        "departure_at": (T0 - timedelta(hours=2)).isoformat(),
        "arrival_at": (T0 + timedelta(hours=7)).isoformat(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def mrn(serial: int) -> str:
    body = f"26FR{serial:013d}"
    return body + check_character(body)


def csv_rows(count: int) -> str:
    lines = [";".join(COLUMNS)]
    for i in range(count):
        lines.append(
            f"awb_house;H{i:04d};air-long-haul;AF0123;FR004100;;22/11/2026 06:00;"
            f"22/11/2026 {14 + i % 8}:00;;"
        )
    return "\n".join(lines)


def declared(api, people) -> int:
    return api.declare(people.carrier, component="EO_SYSTEM").get_json()["id"]


def in_fallback(api, people, incident_id: int) -> None:
    api.act(people.desk, incident_id, "acknowledge")
    api.client.post(
        f"/api/v1/incidents/{incident_id}/steps/operator-contact-sau",
        json={"status": "done"},
        headers=people.carrier.auth,
    )
    assert api.act(people.desk, incident_id, "activate_fallback").status_code == 200


def test_one_consignment_with_its_deadline(api, people):
    incident_id = declared(api, people)
    response = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments", json=one(), headers=people.carrier.auth
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/consignments/{body['id']}")
    assert body["deadline_at"] == "2026-11-22T10:30:00Z"
    assert body["state"] == "at_risk" and body["late"] is False
    again = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments", json=one(), headers=people.carrier.auth
    )
    assert again.status_code == 422
    assert again.get_json()["errors"][0]["field"] == "document_number"
    other = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments",
        json=one("020-12345676"),
        headers=people.other_carrier.auth,
    )
    assert other.status_code == 404


def test_bulk_answers_each_items_faults_and_lists_nothing(api, people):
    incident_id = declared(api, people)
    items = [one(f"H{i}", document_kind="awb_house") for i in range(5)]
    items[3]["case"] = "air-very-long-haul"
    items[4]["office_of_first_entry"] = "FR41"
    response = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/bulk",
        json={"consignments": items},
        headers={**people.carrier.auth, "Accept-Language": "fr"},
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert {e["field"] for e in problem["errors"]} == {
        "consignments[3].case",
        "consignments[4].office_of_first_entry",
    }
    assert "bureau de douane français" in " ".join(e["message"] for e in problem["errors"])
    listed = api.get(people.carrier, f"/incidents/{incident_id}/consignments").get_json()
    assert listed["summary"]["total"] == 0


def test_through_the_fallback_and_back_by_the_api(api, people, clock):
    incident_id = declared(api, people)
    imported = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/import",
        json={"csv": csv_rows(40)},
        headers=people.carrier.auth,
    )
    assert imported.status_code == 201, imported.get_json()
    items = imported.get_json()["items"]
    assert len(items) == 40
    assert items[0]["deadline_at"] <= items[-1]["deadline_at"]
    ids = [c["id"] for c in items]
    refused = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/fallback",
        json={"consignments": ids},
        headers=people.carrier.auth,
    )
    assert refused.status_code == 409
    in_fallback(api, people, incident_id)
    sent = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/fallback",
        json={"consignments": ids},
        headers=people.carrier.auth,
    ).get_json()
    assert sent["summary"]["sent_by_fallback"] == 40
    sheet = api.get(people.carrier, f"/incidents/{incident_id}/carrier-sheet.csv?lang=fr")
    assert sheet.mimetype == "text/csv"
    text = sheet.get_data(as_text=True)
    assert text.startswith("\ufeffEORI;Incident;") and text.count("\r\n") == 41
    assert "Transmis par la voie de secours" in text
    pdf = api.get(people.carrier, f"/incidents/{incident_id}/carrier-sheet.pdf?lang=en")
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Carrier sheet" in content and "H0039" in content
    clock.advance(hours=1)
    api.act(people.carrier, incident_id, "recover")
    lodgings = [{"consignment": cid, "mrn": mrn(i)} for i, cid in enumerate(ids)]
    lodgings[7]["mrn"] = lodgings[7]["mrn"][:-1] + ("1" if lodgings[7]["mrn"][-1] != "1" else "2")
    wrong = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/lodgings",
        json={"lodgings": lodgings},
        headers=people.carrier.auth,
    )
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"][0]["field"] == f"consignments.{ids[7]}"
    lodgings[7]["mrn"] = mrn(7)
    done = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/lodgings",
        json={"lodgings": lodgings},
        headers=people.carrier.auth,
    ).get_json()
    assert done["summary"]["lodged"] == 40
    assert api.act(people.desk, incident_id, "close").status_code == 200


def test_the_desk_waives_the_rest(api, people):
    incident_id = declared(api, people)
    api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments", json=one(), headers=people.carrier.auth
    )
    api.act(people.desk, incident_id, "acknowledge")
    api.act(people.carrier, incident_id, "recover")
    closing = api.act(people.desk, incident_id, "close")
    assert closing.status_code == 409
    path = f"/api/v1/incidents/{incident_id}/consignments/waiver"
    assert (
        api.client.post(path, json={"reason": "x"}, headers=people.carrier.auth).status_code == 403
    )
    waived = api.client.post(
        path, json={"reason": "goods released on paper by the office"}, headers=people.desk.auth
    )
    assert waived.get_json()["summary"]["waived"] == 1
    assert api.act(people.desk, incident_id, "close").status_code == 200


def test_the_cases_and_the_template(api, people):
    cases = api.get(people.carrier, "/consignments/cases").get_json()
    assert cases["version"] == "da-2015-2446"
    assert {c["id"] for c in cases["items"]} >= {"air-placi", "rail-short", "road"}
    template = api.get(people.carrier, "/consignments/template.csv").get_data(as_text=True)
    assert template.splitlines()[0] == ",".join(COLUMNS)


def test_the_goods_page_in_french_lists_and_reports_a_bad_line(as_person, api, people):
    incident_id = declared(api, people)
    browser = as_person(people.carrier, "fr")
    rows = csv_rows(3).replace("H0001;air-long-haul", "H0001;air-trop-long")
    response = browser.post(f"/incidents/{incident_id}/goods/import", data={"rows": rows})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Rien n’a été enregistré" in html or "Rien n'a été enregistré" in html
    assert "Ligne 3 — Cas de délai ENS :" in html
    assert "H0001;air-trop-long" in html  # what was pasted is kept
    response = browser.post(f"/incidents/{incident_id}/goods/import", data={"rows": csv_rows(3)})
    assert response.status_code == 303
    page = browser.page(f"/incidents/{incident_id}/goods")
    assert "3</strong> à risque" in page
    assert "H0002" in page and "dans " in page
    incident_page = browser.page(f"/incidents/{incident_id}")
    assert "Marchandises en jeu" in incident_page and "Délai ENS le plus proche" in incident_page
    listed = incident_page.split('id="next-goods"')[1].split("</ul>")[0]
    assert listed.index("H0000") < listed.index("H0001") < listed.index("H0002")
    assert "À risque" in listed


def test_the_mrn_form_refuses_a_wrong_one_and_keeps_the_others_typed(as_person, api, people):
    incident_id = declared(api, people)
    browser = as_person(people.carrier, "en")
    browser.post(f"/incidents/{incident_id}/goods/import", data={"rows": csv_rows(2)})
    goods = api.get(people.carrier, f"/incidents/{incident_id}/consignments").get_json()["items"]
    first, second = (c["id"] for c in goods)
    response = browser.post(
        f"/incidents/{incident_id}/goods/lodgings",
        data={f"mrn-{first}": mrn(1), f"mrn-{second}": "26FR0000000000002X"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"{goods[1]['document_number']} — MRN:" in html
    assert f'value="{mrn(1)}"' in html
    response = browser.post(
        f"/incidents/{incident_id}/goods/lodgings",
        data={f"mrn-{first}": mrn(1), f"mrn-{second}": mrn(2), "lodged_at": "2026-11-22T08:20"},
    )
    assert response.status_code == 303
    summary = api.get(people.carrier, f"/incidents/{incident_id}/consignments").get_json()
    assert summary["summary"]["lodged"] == 2
    assert {c["lodged_at"] for c in summary["items"]} == {"2026-11-22T07:20:00Z"}  # Paris time


def test_the_carrier_sheet_as_a_picture(api, people, tmp_path):
    """Rendered to PNG (pdftoppm), as a person sees it: one page for a few consignments."""
    import subprocess

    incident_id = declared(api, people)
    api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/import",
        json={"csv": csv_rows(6)},
        headers=people.carrier.auth,
    )
    pdf = api.get(people.carrier, f"/incidents/{incident_id}/carrier-sheet.pdf?lang=fr").data
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Fiche transporteur" in text and "Vols et marchandises" in text
    assert "risque" in text and "22/11/2026" in text
    (tmp_path / "carrier-sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "carrier-sheet.pdf"), str(tmp_path / "p")],
        check=True,
    )
    assert (tmp_path / "p-1.png").stat().st_size > 5_000


def test_a_thousand_rows_by_the_api_beyond_the_usual_body_limit(api, people, settings):
    incident_id = declared(api, people)
    text = csv_rows(1000)
    assert len(text.encode()) > settings.api_max_body_bytes
    response = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/import",
        json={"csv": text},
        headers=people.carrier.auth,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["summary"]["total"] == 1000
    too_large = api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments",
        json={**one(), "note": "x" * settings.api_max_body_bytes},
        headers=people.carrier.auth,
    )
    assert too_large.status_code == 413


def test_hostile_values_on_the_goods_forms_get_a_4xx_in_french(as_person, api, people):
    incident_id = declared(api, people)
    browser = as_person(people.carrier, "fr")
    browser.post(f"/incidents/{incident_id}/goods/import", data={"rows": csv_rows(1)})
    (item,) = api.get(people.carrier, f"/incidents/{incident_id}/consignments").get_json()["items"]
    page = f"/incidents/{incident_id}/goods"
    attempts = [
        ("import", {"rows": "document_kind\x00,x"}),
        ("import", {"rows": "\u202e" * 5000}),
        ("add", {"document_kind": "awb_house", "document_number": "x" * 5000}),
        ("add", {"document_kind": "nothing", "arrival_at": "2026-13-45T99:99"}),
        ("lodgings", {f"mrn-{item['id']}": mrn(1), "lodged_at": "hier à midi"}),
        ("lodgings", {"mrn-999999": mrn(1)}),
        ("sent", {"consignment": "abc"}),
        ("not-needed", {"consignment": str(item["id"]), f"reason-{item['id']}": " "}),
        ("not-needed", {"consignment": "1e9"}),
        ("waiver", {"reason": "x" * 600}),
    ]
    for action, data in attempts:
        response = browser.post(f"{page}/{action}", data=data)
        assert response.status_code < 500, (action, data)
        if response.status_code == 422:
            html = response.get_data(as_text=True)
            errors = html.split('id="goods-errors"')[1].split("</div>")[0]
            assert "Rien n'a été enregistré" in errors, (action, errors)
            shown = errors
            # The file's column names and the kinds' codes are quoted as the template has them
            # (a select's tampered value is answered with the codes it accepts).
            for code in (*COLUMNS, *(k.value for k in DocumentKind)):
                shown = shown.replace(code, "")
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", shown), (action, errors)  # no field code
    listed = api.get(people.carrier, f"/incidents/{incident_id}/consignments").get_json()
    assert listed["summary"] == {**listed["summary"], "total": 1, "at_risk": 1}


def test_one_consignment_refused_says_each_fault_beside_its_field(as_person, api, people):
    incident_id = declared(api, people)
    browser = as_person(people.carrier, "fr")
    typed = {
        "document_kind": "awb_master",
        "document_number": "020-12345675",
        "case": "air-long-haul",
        "means_of_transport": "AF0123",
        "office_of_first_entry": "XX12",  # not a French office
        "arrival_at": "2026-11-22T18:00",
    }
    response = browser.post(f"/incidents/{incident_id}/goods/add", typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    form = page.split('id="add-one"', 1)[1].split("</form>", 1)[0]
    assert (
        'name="office_of_first_entry" required maxlength="8" value="XX12" placeholder="FR004100" '
        'aria-invalid="true" aria-describedby="office_of_first_entry-error"' in form
    )
    assert '<p class="field-error" id="office_of_first_entry-error">' in form
    assert 'value="AF0123"' in form and "aria-invalid" not in form.split("c-office", 1)[0]


def test_a_long_list_of_goods_is_a_landscape_annex_a_consignment_a_line(
    api, people, monkeypatch, tmp_path
):
    """Past GOODS_LINES_IN_FLOW consignments (30; 3 here), the incident report lists them in an
    annex after the timeline, on landscape pages where each takes one line; the body keeps their
    counts and says where they are. A short list stays where it was, in portrait."""
    import subprocess

    from bcp.reports import documents
    from bcp.reports.render import Renderer

    monkeypatch.setattr(api.client.application.extensions["bcp"], "renderer", Renderer(1, 0))
    incident_id = declared(api, people)
    api.client.post(
        f"/api/v1/incidents/{incident_id}/consignments/import",
        json={"csv": csv_rows(6)},
        headers=people.carrier.auth,
    )

    def report(lang: str) -> PdfReader:
        url = f"/incidents/{incident_id}/report.pdf?lang={lang}"
        return PdfReader(io.BytesIO(api.get(people.carrier, url).data))

    def landscape(page) -> bool:
        return page.mediabox.width > page.mediabox.height

    in_flow = report("fr")
    assert not any(landscape(p) for p in in_flow.pages)
    assert "Annexe : marchandises en jeu" not in "".join(p.extract_text() for p in in_flow.pages)

    monkeypatch.setattr(documents, "GOODS_LINES_IN_FLOW", 3)
    for lang, annex, pointer in (
        ("fr", "Annexe : marchandises en jeu", "Listées une par ligne dans l’annexe"),
        ("en", "Annex: goods at stake", "Listed one a line in the annex"),
    ):
        pdf = report(lang)
        wide = [p for p in pdf.pages if landscape(p)]
        turned = [i for i, p in enumerate(pdf.pages) if landscape(p)]
        last = len(pdf.pages) - 1  # the notifications' annex comes after the goods'
        assert turned and turned == list(range(last - len(turned), last))
        body = "".join(p.extract_text() for p in pdf.pages if not landscape(p))
        annexed = "".join(p.extract_text() for p in wide)
        assert pointer in body and "H0000" not in body
        assert annex in annexed
        lines = [line for line in annexed.splitlines() if line.startswith("H000")]
        assert [line.split(" — ")[0] for line in lines] == [f"H{i:04d}" for i in range(6)]
        assert all("FR004100" in line and "22/11/2026" in line for line in lines)  # one line each
    (tmp_path / "report.pdf").write_bytes(
        api.get(people.carrier, f"/incidents/{incident_id}/report.pdf?lang=fr").data
    )
    first_wide = next(i for i, p in enumerate(report("fr").pages) if landscape(p)) + 1
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            str(first_wide),
            "-l",
            str(first_wide),
            str(tmp_path / "report.pdf"),
            str(tmp_path / "annex"),
        ],
        check=True,
    )
    assert any(p.stat().st_size > 5_000 for p in tmp_path.glob("annex*.png"))
    # the carrier sheet keeps its list in place, turned to landscape, its summary before it
    url = f"/incidents/{incident_id}/carrier-sheet.pdf?lang=fr"
    sheet = PdfReader(io.BytesIO(api.get(people.carrier, url).data))
    assert not landscape(sheet.pages[0]) and "Vols et marchandises" in sheet.pages[0].extract_text()
    turned = "".join(p.extract_text() for p in sheet.pages if landscape(p))
    assert [line.split(" — ")[0] for line in turned.splitlines() if line.startswith("H000")] == [
        f"H{i:04d}" for i in range(6)
    ]

"""XLIFF through a real server on 127.0.0.1: the /v1 routes, who may import, the review page's button
and form, and `editions xliff export|import` on the same database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from editions.cli import main
from editions.document import Article, Block, Mark
from editions.service.context import ServiceConfig
from editions.store.editions import get_edition
from editions.store.keys import create_key
from editions.xliff import SCHEMA

from .conftest import LiveService, live_service, seed_edition

X = "{urn:oasis:names:tc:xliff:document:2.0}"
HTML = {"Accept": "text/html"}
ARTICLE = Article(
    source_lang="en",
    headline="Port reopens after strike",
    blocks=[
        Block(
            id="b1",
            text="The <a1>port of Le Havre</a1> reopened on Friday.",
            marks={"a1": Mark(kind="link", href="https://example.org/port")},
        ),
        Block(id="b2", text="Ships queued for two days."),
    ],
)
FR = {
    "headline": "Le port rouvre après la grève",
    "b1": "Le <a1>port du Havre</a1> a rouvert vendredi.",
    "b2": "Les navires ont attendu deux jours.",
}


def _edited(data: bytes, unit: str, text: str) -> bytes:
    """`data` with the target of `unit` set to plain `text`, its inline codes gone."""
    root = etree.fromstring(data)
    [target] = root.xpath(f"//x:unit[@id='{unit}']/x:segment/x:target", namespaces={"x": X[1:-1]})
    for child in list(target):
        target.remove(child)
    target.text = text
    return etree.tostring(root)


def _valid(data: bytes) -> bool:
    return etree.XMLSchema(etree.parse(str(SCHEMA))).validate(etree.fromstring(data))


def test_export_routes_send_valid_xliff_as_a_sandboxed_attachment(service: LiveService) -> None:
    job_id, edition_id = seed_edition(service.ctx, ARTICLE, "fr", FR)
    with service.client() as client:
        one = client.get(f"/v1/editions/{edition_id}/xliff")
        job = client.get(f"/v1/jobs/{job_id}/xliff", params={"lang": "fr"})
        missing = client.get("/v1/editions/nope/xliff")
        other_lang = client.get(f"/v1/jobs/{job_id}/xliff", params={"lang": "vi"})
    for response in (one, job):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/xliff+xml")
        assert response.headers["content-disposition"].startswith("attachment;")
        assert "sandbox" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert _valid(response.content)
    assert f"{ARTICLE.id}.en-fr.xlf" in one.headers["content-disposition"]
    assert missing.status_code == 404
    assert other_lang.status_code == 422 and "vi" in other_lang.json()["error"]


def test_import_applies_edits_and_refuses_a_stale_or_tampered_file(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, ARTICLE, "fr", FR)
    with service.client() as client:
        exported = client.get(f"/v1/editions/{edition_id}/xliff").content
        tampered = _edited(_edited(exported, "b2", "Les navires ont patienté deux jours."), "b1", "Le port.")
        refused = client.post("/v1/editions/xliff", content=tampered)
        assert get_edition(service.ctx.store, edition_id).revision == 1  # nothing of it applied
        edited = _edited(exported, "b2", "Les navires ont patienté deux jours.")
        applied = client.post(
            "/v1/editions/xliff", content=edited, headers={"Content-Type": "application/xliff+xml"}
        )
        again = client.post("/v1/editions/xliff", content=edited)  # exported at revision 1, now 2
        garbage = client.post("/v1/editions/xliff", content=b"<html>not xliff</html>")
    assert refused.status_code == 422
    assert "unit b1" in refused.json()["error"]
    assert applied.status_code == 200, applied.text
    assert applied.json() == {
        "changed": [{"edition_id": edition_id, "unit": "b2"}],
        "revisions": {edition_id: 2},
        "unchanged": 2,
    }
    stored = get_edition(service.ctx.store, edition_id)
    assert [b.text for b in stored.edition.blocks] == [FR["b1"], "Les navires ont patienté deux jours."]
    assert again.status_code == 409 and "revision 2 now" in again.json()["error"]
    assert garbage.status_code == 422 and "<html>" in garbage.json()["error"]
    assert service.ctx.memory.stats().by_origin == {"translator": 1}


@pytest.fixture
def keyed(db_url: str) -> Iterator[LiveService]:
    with live_service(ServiceConfig(database_url=db_url, workers=0, require_keys=True)) as live:
        yield live


def test_only_editors_import_and_a_key_exports_only_its_own_editions(keyed: LiveService) -> None:
    store = keyed.ctx.store
    submitter, key = create_key(store, "cms")
    other, _ = create_key(store, "other desk")
    editor, _ = create_key(store, "review desk", role="editor")
    _, edition_id = seed_edition(keyed.ctx, ARTICLE, "fr", FR, owner=key.prefix)
    with keyed.client() as client:
        own = client.get(f"/v1/editions/{edition_id}/xliff", headers={"X-API-Key": submitter})
        foreign = client.get(f"/v1/editions/{edition_id}/xliff", headers={"X-API-Key": other})
        edited = _edited(own.content, "b2", "Les navires ont patienté deux jours.")
        by_submitter = client.post("/v1/editions/xliff", content=edited, headers={"X-API-Key": submitter})
        page = client.post(
            f"/editions/{edition_id}/xliff",
            files={"file": ("e.xlf", edited)},
            headers={"X-API-Key": submitter, "Accept": "text/html"},
        )
        form = client.get(f"/editions/{edition_id}", headers={"X-API-Key": submitter, "Accept": "text/html"})
        by_editor = client.post("/v1/editions/xliff", content=edited, headers={"X-API-Key": editor})
        schema = client.get("/openapi.json", headers={"X-API-Key": editor}).json()
    assert own.status_code == 200 and foreign.status_code == 404
    assert by_submitter.status_code == 403 and "editor" in by_submitter.json()["error"]
    assert by_editor.status_code == 200 and by_editor.json()["revisions"] == {edition_id: 2}
    assert page.status_code == 403 and 'type="file"' not in form.text  # no form for a submitter either
    body = schema["paths"]["/v1/editions/xliff"]["post"]["requestBody"]["content"]
    assert "application/xliff+xml" in body


def test_the_review_page_has_an_xliff_button_and_an_import_form(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, ARTICLE, "fr", FR)
    _, other_id = seed_edition(service.ctx, ARTICLE, "vi", {**FR, "b2": "Tàu chờ hai ngày."})
    with service.client(headers=HTML) as client:
        page = client.get(f"/editions/{edition_id}")
        assert f'href="/editions/{edition_id}/xliff"' in page.text
        assert f'action="/editions/{edition_id}/xliff"' in page.text and 'type="file"' in page.text
        download = client.get(f"/editions/{edition_id}/xliff")
        assert download.status_code == 200 and _valid(download.content)
        assert download.headers["content-disposition"].startswith("attachment;")
        edited = _edited(download.content, "b2", "Les navires ont patienté deux jours.")
        wrong_page = client.post(f"/editions/{other_id}/xliff", files={"file": ("e.xlf", edited)})
        cross_site = client.post(
            f"/editions/{edition_id}/xliff",
            files={"file": ("e.xlf", edited)},
            headers={"Origin": "https://evil.example"},
        )
        assert get_edition(service.ctx.store, edition_id).revision == 1
        posted = client.post(f"/editions/{edition_id}/xliff", files={"file": ("e.xlf", edited)})
        assert posted.status_code == 303
        shown = client.get(posted.headers["location"])
    assert wrong_page.status_code == 422 and "not this one" in wrong_page.text
    assert cross_site.status_code == 403
    assert "Imported from XLIFF" in shown.text and "patienté" in shown.text
    assert get_edition(service.ctx.store, edition_id).revision == 2


def test_the_cli_exports_and_imports_on_the_same_database(
    service: LiveService, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id, edition_id = seed_edition(service.ctx, ARTICLE, "fr", FR)
    out = tmp_path / "edition.xlf"
    assert main(["xliff", "export", edition_id, "--db", db_url, "-o", str(out)]) == 0
    assert main(["xliff", "export", job_id, "--db", db_url, "-o", str(tmp_path / "job.xlf")]) == 0
    assert _valid(out.read_bytes()) and _valid((tmp_path / "job.xlf").read_bytes())
    out.write_bytes(_edited(out.read_bytes(), "headline", "Le port du Havre rouvre"))
    assert main(["xliff", "import", str(out), "--db", db_url]) == 0
    assert "revision 2, 1 units changed (headline)" in capsys.readouterr().err
    assert get_edition(service.ctx.store, edition_id).edition.headline == "Le port du Havre rouvre"
    assert main(["xliff", "import", str(out), "--db", db_url]) != 0  # the same file again: stale now
    bad = tmp_path / "bad.xlf"
    bad.write_bytes(b"\x00\x01 not xml")
    assert main(["xliff", "import", str(bad), "--db", db_url]) != 0
    assert main(["xliff", "export", "nothing-here", "--db", db_url]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("editions: error: ") for line in lines)
    assert "revision 2 now" in lines[0] and "not an XML file" in lines[1] and "no edition or job" in lines[2]

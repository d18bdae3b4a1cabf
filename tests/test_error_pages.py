"""What a user reads when a request is refused: 403, 404 and 413 pages in
the interface language (a browser asks for HTML), the status code alone for
other clients; and the request-wide body limit (``MAX_CONTENT_LENGTH``)
that refuses an oversized upload before it is read, storing nothing."""
from __future__ import annotations

import io

from tests.factories import stored_files, url_of
from tests.fixtures import make_note
from tests.test_attachments import VIEW, _rows, _urls

BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


def test_a_missing_record_explains_itself_in_the_users_language(app, world, client_for):
    staff = client_for("staff@a.test")
    staff.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = staff.get(url_of(app, VIEW, "details_view", id=999_999), headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and 'data-code="404"' in page
    assert "找不到" in page and "Not Found" not in page
    # a script (no HTML asked) gets the bare status
    plain = staff.get(url_of(app, VIEW, "details_view", id=999_999))
    assert plain.status_code == 404 and 'data-code="404"' not in plain.get_data(as_text=True)


def test_a_refused_page_says_to_ask_the_company_administrator(app, world, client_for):
    readonly = client_for("readonly@a.test")
    response = readonly.get(url_of(app, VIEW, "create_view"), headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and 'data-code="403"' in page
    assert "Ask your company administrator" in page


def test_an_upload_beyond_the_request_limit_is_refused_before_it_is_read(app, world, client_for):
    note_id = make_note(app, "A", email="manager@a.test")
    staff = client_for("manager@a.test")
    rows, files = _rows(app), stored_files(app)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 64 * 1024 * 1024  # the default
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    try:
        response = staff.post(_urls(app, note_id)["upload"],
                              {"id": str(note_id), "file": (io.BytesIO(b"x" * 200 * 1024), "big.pdf")},
                              headers=BROWSER)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'data-code="413"' in page and "Nothing was saved" in page
    assert _rows(app) == rows and stored_files(app) == files

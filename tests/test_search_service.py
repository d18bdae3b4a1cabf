"""Search as a core service (core.search): what the list screens' search box
finds through core's index, on SQLite and PostgreSQL alike.

Two declared entities: the CRM's customer (its own fields and the name and
phone of its *active* contact persons: one-to-many) and the example notes
plugin's note (its title and its tag's name: many-to-one, served by the
base admin view without any search code of its own)."""
import datetime as dt
import re

import pytest
from sqlalchemy import event, func, insert, select

from core import db
from core.records import tenancy
from core.search import Related, Search, SearchDocument, SearchGram, SearchRegistry, reindex, sync, term_clause
from core.search.declare import resolve
from plugins.crm.models import ContactPerson, Customer
from tests.plugins.notes.models import Note, Tag

CUSTOMERS = "/admin/crm/customer/"
NOTES = "/admin/notes/note/"
COUNT = re.compile(r'class="nav-link active">[^<(]*\((\d+)\)')


def acting(world, company="A"):
    return tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test"))


def add_customer(app, world, code, **kwargs):
    """A customer of ``company`` (default A) with contacts (and archived ones): the CRM tests' helper."""
    from plugins.crm.tests.test_search import add
    return add(app, world, code, **kwargs)


def listed(client, url, term, markers):
    """(markers shown on the list searched by ``term``, count shown)."""
    page = client.get(url, query_string={"search": term}).get_data(as_text=True)
    page = page.replace(f'value="{term}"', "")  # the search box itself
    count = COUNT.search(page)
    return {m for m in markers if m in page}, int(count.group(1)) if count else 0


@pytest.fixture
def shop(app, world):
    ids = {
        "KH1": add_customer(app, world, "KH1", name="西湖国宾馆", phone="0571-87979888",
                            contacts=[("周文斌", "13900001111")], archived=[("王秀英", "13722223333")]),
        "KH2": add_customer(app, world, "KH2", name="Hangzhou Tea House", short_name="A1 Tea",
                            contacts=[("Alice Wong", "555-0100")]),
        "KH3": add_customer(app, world, "KH3", name="50%折扣商店", phone="0571-5000"),
        "KH9": add_customer(app, world, "KH9", company="B", name="西湖国宾馆", contacts=[("周文斌", "1")]),
    }
    return ids


def customers(client, term):
    return listed(client, CUSTOMERS, term, ("KH1", "KH2", "KH3", "KH9"))


@pytest.mark.parametrize("term, expected", [
    ("国宾", {"KH1"}),               # two Chinese characters: the gram table
    ("国", {"KH1"}),                 # one
    ("馆", {"KH1"}),                 # a word's last character
    ("国宾馆", {"KH1"}),              # three: the trigram index
    ("A1", {"KH2"}),                 # two latin characters, any case
    ("a1", {"KH2"}),
    ("hAnGzHoU", {"KH2"}),           # mixed case
    ("ALICE", {"KH2"}),              # a contact's name
    ("555-01", {"KH2"}),             # a contact's phone
    ("50%", {"KH3"}),                # % is literal
    ("%", {"KH3"}),
    ("5%", set()),
    ("0571-5", {"KH3"}),             # not "0571-8..." of KH1
    ("^50%", {"KH3"}),               # starts with, literal
    ("=kh2", {"KH2"}),               # equals, any case
    ("=kh", set()),
    ("王秀英", set()),                # an archived contact does not find the customer
    ("13722223333", set()),
    ("西湖 周文斌", {"KH1"}),          # terms are AND-ed, B's twin never listed
    ("西湖 Alice", set()),
])
def test_the_customer_list_finds(shop, client_for, term, expected):
    assert customers(client_for("staff@a.test"), term) == (expected, len(expected))


def test_another_company_never_matches(shop, app, world, client_for):
    assert customers(client_for("staff@b.test"), "国宾") == ({"KH9"}, 1)
    assert customers(client_for("staff@b.test"), "Tea") == (set(), 0)
    with app.app_context(), acting(world, "A"):
        for term in ("国宾", "西湖国宾馆", "周", "^西湖"):
            ids = set(db.session.scalars(select(Customer.id).where(term_clause(Customer, term))))
            assert ids == {shop["KH1"]}, term  # not B's twin, even without the list's company filter


def test_a_related_change_updates_the_hit(shop, app, world, client_for):
    client = client_for("staff@a.test")
    with app.app_context(), acting(world):
        contact = db.session.query(ContactPerson).filter_by(name="周文斌", customer_id=shop["KH1"]).one()
        contact.name = "周武"  # renamed
        db.session.query(ContactPerson).filter_by(name="王秀英").one().archived_at = None  # restored
        db.session.commit()
    assert customers(client, "周文斌")[0] == set()
    assert customers(client, "周武")[0] == {"KH1"}
    assert customers(client, "王秀英")[0] == {"KH1"}
    with app.app_context(), acting(world):
        contact = db.session.query(ContactPerson).filter_by(name="周武").one()
        contact.customer = db.session.get(Customer, shop["KH2"])  # moved to another customer
        db.session.commit()
    assert customers(client, "周武")[0] == {"KH2"}
    with app.app_context(), acting(world):
        db.session.query(ContactPerson).filter_by(name="王秀英").one().archived_at = dt.datetime(2025, 2, 1)
        db.session.commit()
    assert customers(client, "王秀英")[0] == set()


def test_notes_are_found_by_title_and_tag_through_the_base_view(app, world, client_for):
    with app.app_context(), acting(world):
        tag = Tag(name="空调维修")
        db.session.add_all([Note(title="Call back 国宾", tag=tag), Note(title="plain note")])
        db.session.commit()
        tag_id = tag.id
    client = client_for("staff@a.test")
    notes = ("Call back 国宾", "plain note")
    assert listed(client, NOTES, "空调", notes) == ({"Call back 国宾"}, 1)
    assert listed(client, NOTES, "CALL", notes) == ({"Call back 国宾"}, 1)
    with app.app_context(), acting(world):
        db.session.get(Tag, tag_id).name = "电梯"  # the tag renamed: its notes follow
        db.session.commit()
    assert listed(client, NOTES, "空调", notes) == (set(), 0)
    assert listed(client, NOTES, "电梯", notes) == ({"Call back 国宾"}, 1)
    assert listed(client_for("staff@b.test"), NOTES, "电梯", notes) == (set(), 0)


def documents(entity, record_id):
    return (db.session.scalar(select(func.count()).select_from(SearchDocument)
                              .where(SearchDocument.entity == entity, SearchDocument.record_id == record_id)),
            db.session.scalar(select(func.count()).select_from(SearchGram)
                              .where(SearchGram.entity == entity, SearchGram.record_id == record_id)))


def test_a_deleted_record_leaves_no_document(shop, app, world, client_for):
    with app.app_context(), acting(world):
        assert documents("crm.customer", shop["KH3"])[0] == 1 and documents("crm.customer", shop["KH3"])[1] > 0
        db.session.delete(db.session.get(Customer, shop["KH3"]))
        db.session.commit()
        assert documents("crm.customer", shop["KH3"]) == (0, 0)
        assert documents("crm.customer", shop["KH2"])[0] == 1  # the others stay
    assert customers(client_for("staff@a.test"), "50%") == (set(), 0)


def test_two_character_terms_are_served_by_the_gram_index(shop, app, client_for):
    client = client_for("staff@a.test")
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(CUSTOMERS, query_string={"search": "国宾"}).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    searches = [s for s in seen if "search_grams" in s]
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    # The count and the page; on SQLite first how many records the term
    # matches (core.search.dense: PostgreSQL's planner chooses by itself).
    assert len(searches) == (3 if sqlite else 2)
    assert not any("LIKE" in s.upper() for s in searches)


def test_writes_without_the_orm_are_indexed_by_reindex_and_upgrade(shop, app, world, client_for):
    client = client_for("staff@a.test")
    with app.app_context():
        sync()  # the state of after an upgrade (the tests' cleaning empties it)
        before = db.session.execute(select(SearchDocument.record_id, SearchDocument.body)
                                    .where(SearchDocument.entity == "crm.customer")).all()
        with db.engine.begin() as conn:  # a bulk load: no flush, no document
            conn.execute(insert(Customer.__table__), [dict(
                company_id=world.company("A").id, version=1, created_at=dt.datetime(2026, 1, 1), code="KH7",
                name="钱塘宾馆", kind="organisation", is_key=False)])
    assert customers(client, "钱塘") == (set(), 0)
    with app.app_context():
        synced = sync()
        assert synced["crm.customer"] == "1 documents written"  # only the customer's table was written to
        assert {key: state for key, state in synced.items() if key != "crm.customer"} == {
            key: "up to date" for key in synced if key != "crm.customer"} and "notes.note" in synced
    assert listed(client, CUSTOMERS, "钱塘", ("KH7",)) == ({"KH7"}, 1)
    with app.app_context():
        assert reindex("crm.customer")["crm.customer"] == len(before) + 1
        after = db.session.execute(select(SearchDocument.record_id, SearchDocument.body)
                                   .where(SearchDocument.entity == "crm.customer")).all()
        assert set(before) <= set(after)  # the flush events built what a rebuild builds


def test_a_changed_declaration_is_rebuilt_by_upgrade(shop, app, monkeypatch, client_for):
    with app.app_context():
        sync()
        registry = SearchRegistry.current()
        plan = registry.plan_of("crm.customer")
        wider = resolve("crm.customer", Customer, Search(fields=(*plan.fields, "address"),
                                                         related=(Related("contacts", fields=("name", "phone")),)))
        monkeypatch.setitem(registry.by_entity, "crm.customer", wider)
        monkeypatch.setitem(registry.by_model, Customer, wider)
        assert sync()["crm.customer"] == "rebuilt (4 documents)"
        assert sync()["crm.customer"] == "up to date"


@pytest.mark.parametrize("search, message", [
    (Search(fields=("nope",)), "Customer.nope is not a column"),
    (Search(fields=("name",), related=(Related("contacts", fields=("nope",)),)), "ContactPerson.nope"),
    (Search(fields=("name",), related=(Related("friends", fields=("name",)),)), "no relationship 'friends'"),
])
def test_a_declaration_that_does_not_fit_the_model_is_refused(search, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve("crm.customer", Customer, search)


def test_a_declaration_names_fields():
    with pytest.raises(ValueError, match="tuple of field names"):
        Search(fields="name")
    with pytest.raises(ValueError, match="names no field"):
        Search(fields=())


def test_grams_of_a_text():
    from core.search.text import BASE, gram, gram_range, grams
    assert grams(body_of("国宾馆", "A1")) == {gram("国宾"), gram("宾馆"), gram("馆"), gram("a1"), gram("1")}
    low, high = gram_range("宾")
    assert {g for g in grams("国宾馆") if low <= g < high} == {gram("宾馆")}
    assert gram("馆") % BASE == 0  # a word's last character


def body_of(*values):
    from core.search import body
    return body(values)


def test_the_document_text_is_folded_and_skips_empty_fields():
    assert body_of("KH1", None, "", "Tea House") == "kh1 tea house"


def test_qdesk_search_reindex_and_status(shop, app):
    from core.cli import main
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["search", "reindex", "crm.customer"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("crm.customer: 4 documents in ")
    result = runner.invoke(main, ["search", "status"])
    assert "crm.customer" in result.output and "notes.note" in result.output
    result = runner.invoke(main, ["search", "reindex", "crm.nothing"])
    assert result.exit_code != 0 and "no searchable entity crm.nothing" in result.output
    with app.app_context():
        assert all(documents("crm.customer", rid)[0] == 1 for rid in shop.values())



def _statements(app, client, url, query_string):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = client.get(url, query_string=query_string).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return page, [s for s in seen if "search_grams" in s or "search_documents" in s]


@pytest.fixture
def many_hotels(app, world):
    # 600 customers of A: 540 named …国宾馆 (every tenth, KH…0, is not), 20 of
    # them archived; three 长城 shops among the others; B has 国宾 customers too.
    with app.app_context():
        with acting(world):
            rows = []
            for n in range(600):
                name = "长城电器商行" if n in (10, 20, 30) else ("东方商场" if n % 10 == 0 else f"西湖国宾馆{n}号楼")
                rows.append(Customer(code=f"KH{n:04d}", name=name,
                                     archived_at=dt.datetime(2025, 1, 1) if n % 10 == 1 and n < 200 else None))
            db.session.add_all(rows)
            db.session.commit()
        with acting(world, "B"):
            db.session.add_all([Customer(code=f"KB{n:04d}", name="锦江国宾馆") for n in range(50)])
            db.session.commit()
    hotels = [f"KH{n:04d}" for n in range(600) if n % 10 != 0 and not (n % 10 == 1 and n < 200)]
    return hotels


CODE = re.compile(r'<td class="col-code">\s*(K[HB]\d{4})\s*<')


@pytest.mark.parametrize("term", ["国宾", "国宾馆"])
def test_a_page_of_a_search_matching_most_records_is_read_in_order_and_looked_up(many_hotels, app, client_for, term):
    # 520 active matches of 600: on SQLite the first page reads the customers
    # in code order and looks each up in the index (EXISTS) instead of listing
    # and sorting the 520 (later pages, which read further, may list them:
    # core.search.dense); PostgreSQL's planner chooses by itself (IN). Either
    # way the pages show exactly the matches, in code order, once each, and the
    # count is right.
    client = client_for("staff@a.test")
    assert len(many_hotels) == 520
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    shown = []
    for page_no in range(11):
        page, statements = _statements(app, client, CUSTOMERS, {"search": term, "page": page_no})
        shown += CODE.findall(page)
        listing = [s for s in statements if "LIMIT" in s.upper() and "count(" not in s]
        assert len(listing) == 1
        if page_no == 0:
            assert ("EXISTS" in listing[0].upper()) == sqlite
    assert shown == many_hotels
    assert COUNT.search(client.get(CUSTOMERS, query_string={"search": term}).get_data(as_text=True)).group(1) == "520"


def test_a_rare_term_or_an_order_no_index_serves_keeps_the_list_of_matches(many_hotels, app, client_for):
    client = client_for("staff@a.test")
    page, statements = _statements(app, client, CUSTOMERS, {"search": "长城"})
    assert CODE.findall(page) == ["KH0010", "KH0020", "KH0030"]
    assert not any("EXISTS" in s.upper() for s in statements)
    # Sorted by name (no index reads names in order): the matches are listed
    # and sorted, whatever their number.
    from plugins.crm.admin.customers import CustomerView
    by_name = CustomerView.column_list.index("name")
    page, statements = _statements(app, client, CUSTOMERS, {"search": "国宾", "sort": by_name})
    assert not any("EXISTS" in s.upper() for s in statements)
    by_name_then_entry = sorted(many_hotels, key=lambda code: (f"西湖国宾馆{int(code[2:])}号楼", code))
    assert CODE.findall(page) == by_name_then_entry[:50]

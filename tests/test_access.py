"""core.records.access: the one place that says who may do what to which record.

Each function is called as the front-ends call it (acting as a user of a
company) and must raise the domain error, never an HTTP one, and change
nothing when it refuses. The CRM's contact log (a declared entity with a
workflow, a sequence and a deadline) and the example ``notes`` plugin (an
entity implied by its screen) are the subjects."""
import datetime as dt

import pytest
from werkzeug.exceptions import HTTPException

from core import db

from core.records import access, tenancy
from core.errors import Conflict, Forbidden, Invalid, NotFound
from plugins.crm.models import ContactLog, Customer
from tests.factories import database_state, disable_with_dependents, make
from tests.plugins.notes.models import Tag


@pytest.fixture
def a(ctx, world):
    return world.company("A"), world.user("staff@a.test")


def _log(company, user, **kw):
    customer = make(Customer, company, user, code=kw.pop("code", "K1"), name="客户")
    return make(ContactLog, company, user, customer=customer, subject="来电", occurred_at=dt.datetime(2026, 11, 30, 9))


def test_entities_name_themselves_and_their_permissions(app, ctx):
    entity = access.resolve("crm.contactlog")
    assert access.resolve(ContactLog) is entity and access.resolve(entity) is entity
    assert (entity.plugin_key, entity.name, entity.model, entity.label("zh"), entity.label("en")) == (
        "crm", "contactlog", ContactLog, "来电来函来访登记", "Contact log")
    perms = app.extensions["qdesk.permissions"].by_key
    assert {f"crm.contactlog.{a}" for a in ("read", "create", "write", "delete")} <= set(perms)
    assert perms["crm.contactlog.delete"].grants == {"admin", "manager"}
    # A screen of a model no plugin declares names an implicit entity after itself.
    assert access.resolve(Tag).key == "notes.tag"
    with pytest.raises(KeyError, match="no entity 'crm.nothing'"):
        access.resolve("crm.nothing")


def test_get_and_records_are_company_scoped_and_refuse_non_ids(a, world):
    company, user = a
    log = _log(company, user)
    b_log = _log(world.company("B"), world.user("staff@b.test"), code="KB")
    with tenancy.acting_as(company, user):
        assert access.get("crm.contactlog", str(log.id)) is log
        for bad in (b_log.id, "abc", "²", "9" * 20, -1, None):
            with pytest.raises(NotFound):
                access.get("crm.contactlog", bad)
        assert access.records(ContactLog, [b_log.id, log.id, "x", log.id]) == [log]
        with pytest.raises(NotFound):
            access.records(ContactLog, [b_log.id, log.id], strict=True)
        assert [r.id for r in access.query("crm.contactlog")] == [log.id]


def test_the_module_gate_and_the_permission(a, world):
    company, user = a
    log = _log(company, user)
    with tenancy.acting_as(company, world.user("readonly@a.test")):
        assert access.get("crm.contactlog", log.id) is log  # read-only users read
        assert access.can("crm.contactlog", "read") and not access.can("crm.contactlog", "write")
        with pytest.raises(Forbidden):
            access.update(log, {"subject": "改"}, log.version)
        with pytest.raises(Forbidden):
            access.archive(log)
    disable_with_dependents(company, "crm")
    with tenancy.acting_as(company, user):
        # A disabled module does not exist for the company: not found, not forbidden.
        with pytest.raises(NotFound):
            access.get("crm.contactlog", log.id)
        assert not access.can("crm.contactlog", "read")
    with tenancy.acting_as(None, user):
        with pytest.raises(NotFound):
            access.query("crm.contactlog")


def test_update_checks_the_version_and_the_fields_core_keeps(a):
    company, user = a
    log = _log(company, user)
    before = log.version
    with tenancy.acting_as(company, user):
        access.update(log, {"subject": "来电：空调异响"}, before)
        db.session.commit()
        assert log.version == before + 1
        state = database_state()
        with pytest.raises(Conflict, match="changed by someone else"):
            access.update(log, {"subject": "旧页面的修改"}, before)  # the version the user saw is stale
        for kept in ("state", "number", "reply_due", "company_id", "version"):
            with pytest.raises(Invalid) as refused:
                access.update(log, {kept: "x"}, log.version)
            assert refused.value.field == kept
        db.session.rollback()
        assert database_state() == state  # nothing changed


def test_create_stamps_company_and_refuses_kept_fields(a, world):
    company, user = a
    customer = make(Customer, company, user, code="K1", name="客户")
    with tenancy.acting_as(company, user):
        log = access.create("crm.contactlog", {"customer": customer, "subject": "新来电",
                                               "occurred_at": dt.datetime(2026, 11, 30, 9)})
        db.session.commit()
        assert (log.company_id, log.state, log.number[:3]) == (company.id, "open", "LD-")
        with pytest.raises(Invalid):
            access.create("crm.contactlog", {"customer": customer, "subject": "x", "state": "closed"})
    with tenancy.acting_as(company, world.user("readonly@a.test")):
        with pytest.raises(Forbidden):
            access.create("crm.contactlog", {"customer": customer, "subject": "x"})


def test_archive_and_transition_go_through_the_same_gate(a, world):
    company, user = a
    log = _log(company, user)
    with tenancy.acting_as(company, user):
        with pytest.raises(Conflict):
            access.transition(log, "reply", expected_version=log.version - 1)
        access.transition(log, "reply", expected_version=log.version)
        db.session.commit()
        assert log.state == "replied"
    with tenancy.acting_as(company, world.user("manager@a.test")):
        assert access.archive(log) == "archived"  # it has a history
        db.session.commit()
        assert log.archived_at is not None
        assert access.query(ContactLog).count() == 0 and access.query(ContactLog, archived=True).count() == 1
    with tenancy.acting_as(world.company("B"), world.user("manager@b.test")):
        with pytest.raises(NotFound):  # another company's record, however obtained
            access.archive(log)


def test_printing_raises_domain_errors_not_http_ones(a, world):
    from core import printing
    company, user = a
    log = _log(company, user)
    b_log = _log(world.company("B"), world.user("staff@b.test"), code="KB")
    with tenancy.acting_as(company, user):
        printable = printing.get_printable("crm.contact_register")
        assert printable.needed_permission == "crm.contactlog.read"  # from the entity, not the table name
        for ids in ([b_log.id], ["abc"], [log.id, b_log.id]):
            try:
                printing.load_records(printable, ids, strict=True)
            except NotFound:
                pass
            except HTTPException as exc:  # pragma: no cover - the failure this test is about
                pytest.fail(f"printing raised an HTTP error: {exc}")
            else:
                pytest.fail(f"{ids} printed")
    disable_with_dependents(company, "crm")
    with tenancy.acting_as(company, user):
        with pytest.raises(NotFound):
            printing.get_printable("crm.contact_register")
    with tenancy.acting_as(world.company("B"), world.user("readonly@b.test")):
        printing.check_permission(printing.get_printable("crm.contact_register"))  # readers may print


def test_the_cli_names_the_refusal(app, world, tmp_path):
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        b_log = _log(world.company("B"), world.user("staff@b.test"), code="KB")
        mine = _log(company, user)
        ids = [str(b_log.id)], [str(mine.id)]
    from core.cli import main
    runner = app.test_cli_runner()
    refused = runner.invoke(main, ["print", "crm.contact_register", *ids[0], "--company", "A",
                                  "-o", str(tmp_path / "x.pdf")])
    assert refused.exit_code != 0 and "not every id" in refused.output and not (tmp_path / "x.pdf").exists()
    done = runner.invoke(main, ["print", "crm.contact_register", *ids[1], "--company", "A",
                               "-o", str(tmp_path / "y.pdf")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "y.pdf").read_bytes().startswith(b"%PDF")


def test_a_job_acts_as_the_system_of_its_company(a, world):
    """A job or the CLI (a company, no user) may read, change and fire
    transitions in its company, and only there."""
    company, user = a
    log = _log(company, user)
    with tenancy.acting_as(company, None):
        assert access.get(ContactLog, log.id) is log
        access.transition(log, "reply")
        db.session.commit()
        assert log.state == "replied"
    with tenancy.acting_as(world.company("B"), None):
        with pytest.raises(NotFound):
            access.get(ContactLog, log.id)

"""The callback and sampling chain through its screens (002-A, AS-42 …
AS-44, D-8): T-AS-11 (240 jobs, 3 fake → 237 qualified → a sample of 12,
ceil(237 × 5 %) = ceil(11.85)), the draw redone from its seed, completion
refused while outcomes are missing, samples only from a completed run,
N = 0 and N = 1, the rate setting, isolation between companies."""
from decimal import Decimal

from core import db
from core.settings import set_settings

from ..callbacks_sampling import draw
from ..models.callbacks import CallbackRun
from .callbacks_helpers import (LINES, RUNS, add_orders, alerts, create_run, fire, lines_of, run_of, set_outcomes,
                                setup_org, text)


def _level_one(app, world, client_for, n, fakes=0, **orders):
    """A completed level-1 run over ``n`` orders, the first ``fakes`` fake."""
    org = setup_org(app, world)
    add_orders(app, world, org, n, **orders)
    staff = client_for("staff@a.test")
    run = create_run(staff, department=org["centre"])
    page = fire(staff, run, "generate")
    assert run_of(app, run).state == "in_progress", alerts(page)
    lines = lines_of(app, run)
    set_outcomes(app, run, {pk: ("fake" if i < fakes else "satisfied") for i, (pk, _o, _x) in enumerate(lines)})
    page = fire(staff, run, "complete")
    assert run_of(app, run).state == "completed", alerts(page)
    return org, staff, run


def test_t_as_11_240_jobs_3_fake_237_qualified_a_sample_of_12_redone_from_its_seed(app, world, client_for):
    org, staff, first = _level_one(app, world, client_for, 240, fakes=3)
    one = run_of(app, first)
    assert (one.population_size, one.sample_size, len(lines_of(app, first))) == (240, 240, 240)
    sample = create_run(staff, level="sample", source=first)
    page = fire(staff, sample, "generate")
    run = run_of(app, sample)
    assert run.state == "in_progress", alerts(page)
    # 237 × 0.05 = 11.85 → 12; the population is the 237 qualified orders, sorted.
    assert (run.population_size, run.sample_size, run.rate) == (237, 12, Decimal("0.0500"))
    qualified = sorted(order for _pk, order, outcome in lines_of(app, first) if outcome != "fake")
    assert [pair[0] for pair in run.population] == qualified
    drawn = [order for _pk, order, _o in lines_of(app, sample)]
    assert len(drawn) == 12 and set(drawn) <= set(qualified)
    assert drawn == draw(run.seed, qualified, 12)  # anyone can redo it
    # The run's page shows the seed, N, the rate and the size; "verify" redraws the same 12.
    shown = text(page)
    for expected in (str(run.seed), "237", "5 %", "12"):
        assert expected in shown, expected
    verified = text(staff.get(f"{RUNS}verify/?id={sample}"))
    assert "the same 12 records" in verified and str(run.seed) in verified
    # The printed form of the sample (its text: test_callbacks_print.py).
    pdf = staff.get(f"/print/quality.callback_run/{sample}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def _settings(app, world, values, code="A"):
    with app.app_context():
        set_settings(values, world.company(code), world.user(f"admin@{code.lower()}.test"))
        db.session.commit()


def test_the_rate_is_a_setting(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 240, fakes=3)
    _settings(app, world, {"quality.callback_sample_percent": "10"})
    sample = create_run(staff, level="sample", source=first)
    fire(staff, sample, "generate")
    run = run_of(app, sample)
    assert (run.population_size, run.rate, run.sample_size) == (237, Decimal("0.1000"), 24)  # 23.7 → 24


def test_n_equals_zero_gives_no_sample_and_says_so(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 3, fakes=3)
    sample = create_run(staff, level="sample", source=first)
    page = fire(staff, sample, "generate")
    assert "nothing to sample (N = 0)" in alerts(page)
    run = run_of(app, sample)
    assert run.state == "open" and run.seed is None and lines_of(app, sample) == []


def test_n_equals_one_gives_a_sample_of_one(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 3, fakes=2)
    sample = create_run(staff, level="sample", source=first)
    fire(staff, sample, "generate")
    (_pk, order, _o), = lines_of(app, sample)
    assert (run_of(app, sample).population_size, run_of(app, sample).sample_size) == (1, 1)
    assert order == next(o for _p, o, outcome in lines_of(app, first) if outcome == "satisfied")


def test_completion_is_refused_naming_how_many_outcomes_are_missing(app, world, client_for):
    org = setup_org(app, world)
    add_orders(app, world, org, 5)
    staff = client_for("staff@a.test")
    run = create_run(staff)
    fire(staff, run, "generate")
    lines = lines_of(app, run)
    set_outcomes(app, run, {pk: "satisfied" for pk, _o, _x in lines[:3]})
    page = fire(staff, run, "complete")
    assert "2 of 5 callbacks have no outcome yet" in alerts(page)
    assert run_of(app, run).state == "in_progress"
    set_outcomes(app, run, {pk: "satisfied" for pk, _o, _x in lines[3:]})  # positive control
    fire(staff, run, "complete")
    assert run_of(app, run).state == "completed"


def test_a_sample_is_drawn_only_from_a_completed_run_of_the_level_below(app, world, client_for):
    org = setup_org(app, world)
    add_orders(app, world, org, 4)
    staff = client_for("staff@a.test")
    first = create_run(staff)
    fire(staff, first, "generate")
    sample = create_run(staff, level="sample", source=first)
    page = fire(staff, sample, "generate")
    assert "is not completed yet" in alerts(page) and run_of(app, sample).state == "open"
    # A re-sample is drawn from a 5 % sample, not from the 100 % run.
    response = staff.post(f"{RUNS}new/", {"level": "resample", "period": "2026-11", "source": str(first)})
    assert response.status_code == 200 and "is drawn from a" in alerts(response)
    # A 100 % callback drawn from a run is a sample of it; nothing is drawn from a re-sample.
    other = create_run(staff, level="centre", source=first, period="2025-01")
    assert (run_of(app, other).level, run_of(app, other).period) == ("sample", "2026-11")
    # No source at all.
    response = staff.post(f"{RUNS}new/", {"level": "sample", "period": "2026-11"})
    assert response.status_code == 200 and "choose it" in alerts(response)


def test_generate_takes_the_centres_orders_called_back_or_closed_in_the_period(app, world, client_for):
    import datetime as dt
    org = setup_org(app, world)
    due = add_orders(app, world, org, 3)
    due += add_orders(app, world, org, 1, state="callback_done", start=10)  # called back, not closed yet
    add_orders(app, world, org, 1, called=dt.datetime(2026, 10, 31, 23, 59), start=20)  # October
    add_orders(app, world, org, 1, called=dt.datetime(2026, 12, 1, 0, 0), start=21)  # December
    add_orders(app, world, org, 1, state="resolved", start=22)  # not called back
    add_orders(app, world, org, 1, start=23, department_id=None)  # another centre's (none)
    add_orders(app, world, org, 1, start=24, archived_at=dt.datetime(2026, 11, 20))
    org_b = setup_org(app, world, "B")
    add_orders(app, world, org_b, 2, code="B", start=30)
    staff = client_for("staff@a.test")
    run = create_run(staff, department=org["centre"])
    fire(staff, run, "generate")
    assert sorted(order for _p, order, _o in lines_of(app, run)) == sorted(due)
    whole = create_run(staff)  # the whole company: the order without a centre too
    fire(staff, whole, "generate")
    assert len(lines_of(app, whole)) == len(due) + 1
    # The same period and centre twice: refused.
    again = create_run(staff, department=org["centre"])
    page = fire(staff, again, "generate")
    assert "are in run" in alerts(page) and run_of(app, again).state == "open"
    # No order at all in a period: said so, nothing changes.
    empty = create_run(staff, period="2025-03")
    page = fire(staff, empty, "generate")
    assert "there is nothing to call back" in alerts(page) and run_of(app, empty).state == "open"


def test_company_b_cannot_see_company_a_runs_or_lines(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 2)
    line = lines_of(app, first)[0][0]
    b = client_for("staff@b.test")
    assert b.get(f"{RUNS}details/?id={first}").status_code == 404
    assert b.get(f"{RUNS}verify/?id={first}").status_code == 404
    assert b.get(f"{LINES}edit/?id={line}").status_code == 404
    assert b.get(f"/print/quality.callback_run/{first}.pdf").status_code == 404
    with app.app_context():
        number = db.session.get(CallbackRun, first).number
    assert number not in text(b.get(RUNS)) and "GD-2026-00001" not in text(b.get(LINES))
    assert staff.get(f"{RUNS}details/?id={first}").status_code == 200  # positive control
    assert number in text(staff.get(RUNS))


def test_the_draw_sample_button_of_a_completed_run(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 40, fakes=1)
    page = text(staff.get(f"{RUNS}details/?id={first}"))
    assert 'value="quality.draw_sample"' in page and "Draw the 5 % sample" in page
    response = staff.post(f"{RUNS}record-action/", {"id": str(first), "action": "quality.draw_sample"})
    assert response.status_code == 302, alerts(response)
    with app.app_context():
        sample = db.session.query(CallbackRun).filter(CallbackRun.source_id == first).one()
        assert (sample.level, sample.state, sample.population_size, sample.sample_size) == ("sample", "in_progress",
                                                                                          39, 2)  # 1.95 → 2
        sample_id = sample.id
    assert 'value="quality.draw_sample"' not in text(staff.get(f"{RUNS}details/?id={first}"))  # drawn once
    # Offered again on the completed sample, as the re-sample (10 % of 2 → 1).
    set_outcomes(app, sample_id, {pk: "satisfied" for pk, _o, _x in lines_of(app, sample_id)})
    fire(staff, sample_id, "complete")
    assert "Draw the re-sample" in text(staff.get(f"{RUNS}details/?id={sample_id}"))
    response = staff.post(f"{RUNS}record-action/", {"id": str(sample_id), "action": "quality.draw_sample"})
    assert response.status_code == 302
    with app.app_context():
        again = db.session.query(CallbackRun).filter(CallbackRun.source_id == sample_id).one()
        assert (again.level, again.population_size, again.sample_size) == ("resample", 2, 1)


def test_the_draw_sample_button_says_so_when_nothing_is_qualified(app, world, client_for):
    _org, staff, first = _level_one(app, world, client_for, 2, fakes=2)
    readonly = client_for("readonly@a.test")  # no button, and a 403 for the post
    assert 'value="quality.draw_sample"' not in text(readonly.get(f"{RUNS}details/?id={first}"))
    draw_it = {"id": str(first), "action": "quality.draw_sample"}
    assert readonly.post(f"{RUNS}record-action/", draw_it).status_code == 403
    assert 'value="quality.draw_sample"' in text(staff.get(f"{RUNS}details/?id={first}"))
    response = staff.post(f"{RUNS}record-action/", {"id": str(first), "action": "quality.draw_sample"},
                          follow_redirects=True)
    assert "nothing to sample (N = 0)" in alerts(response)
    with app.app_context():
        assert db.session.query(CallbackRun).filter(CallbackRun.source_id == first).count() == 0

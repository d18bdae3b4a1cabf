"""The printed 回访/抽访记录表 (printable quality.callback_run), read back
with pdftotext: the level ticked, the period and centre, one row per
callback with the columns of after_sales.md §1.3, the summary and, for a
sample, its seed, population size, rate and size."""
import re
import shutil
import subprocess

import pytest

from core import db

from ..models.callbacks import CallbackRun
from .callbacks_helpers import add_orders, create_run, fire, lines_of, record, set_outcomes, setup_org


def pdf_text(pdf: bytes, tmp_path, name) -> str:
    if shutil.which("pdftotext") is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_printed_record_of_a_callback_run_and_of_its_sample(app, world, client_for, tmp_path):
    org = setup_org(app, world)
    add_orders(app, world, org, 4)
    staff = client_for("staff@a.test")
    run = create_run(staff, department=org["centre"])
    fire(staff, run, "generate")
    first, second, third, fourth = (pk for pk, _o, _x in lines_of(app, run))
    assert record(staff, first, "dissatisfied", remarks="维修后仍有异响").status_code == 302
    assert record(staff, second, "fake", remarks="用户称未报修").status_code == 302
    set_outcomes(app, run, {third: "satisfied", fourth: "satisfied"})
    fire(staff, run, "complete")
    with app.app_context():
        number = db.session.get(CallbackRun, run).number
    out = pdf_text(staff.get(f"/print/quality.callback_run/{run}.pdf").data, tmp_path, "run.pdf")
    flat = re.sub(r"\s+", " ", out)
    for expected in ("Callback / sampling record", number, "2026-11", "售后服务部", "GD-2026-00001", "西湖国宾馆",
                     "0571-87979889", "空调维修1", "维修后仍有异响", "用户称未报修", "刘洋", "To call back",
                     "Callback rate", "Fake records (to finance for the penalty)"):
        assert expected in flat, expected
    # 应回访数 4, 已回访数 4, 回访率 100.00 %, 满意数 2, 满意率 50.00 %, 假单数 1.
    assert re.search(r"4\s+4\s+100\.00 %\s+2\s+50\.00 %\s+1", out), out[-800:]
    assert "☑" in out and "□" in out  # the fake line's box and the others'
    # The sample's form: its seed, N, rate and size.
    sample = create_run(staff, level="sample", source=run)
    fire(staff, sample, "generate")
    with app.app_context():
        drawn = db.session.get(CallbackRun, sample)
        seed, size = drawn.seed, drawn.sample_size
    out = pdf_text(staff.get(f"/print/quality.callback_run/{sample}.pdf").data, tmp_path, "sample.pdf")
    flat = re.sub(r"\s+", " ", out)
    assert str(seed) in flat and "Random seed" in flat and "Population size (N)" in re.sub(r"\s+", " ", flat)
    assert re.search(r"5 ?% ?→ ?1\b", flat) and size == 1  # ceil(3 × 5 %) = 1 of the 3 qualified
    # The population on paper: the 3 qualified orders (the fake one is not), ids ascending, the drawn one
    # ticked, and how to redo the draw from the seed: an auditor needs nothing but the form.
    with app.app_context():
        lines = db.session.get(CallbackRun, run).lines
        qualified = sorted((line.work_order_id, line.order_number) for line in lines if line.outcome != "fake")
        (picked,) = [line.work_order_id for line in db.session.get(CallbackRun, sample).lines]
    assert "Population of the draw (N = 3), in the draw's order; ☑ drawn" in flat
    assert f"random.Random({seed}).sample(ids, 1)" in flat
    members = re.findall(r"([☑□]) (\d+) · (\S+)", flat)
    assert [(int(pk), number) for _box, pk, number in members] == qualified
    assert [int(pk) for box, pk, _n in members if box == "☑"] == [picked]
    import random  # the draw redone from the paper alone
    assert random.Random(seed).sample([pk for pk, _n in qualified], 1) == [picked]
    # In Chinese: the form's title and the level and outcome labels.
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    flat = re.sub(r"\s+", "", pdf_text(staff.get(f"/print/quality.callback_run/{run}.pdf").data, tmp_path, "zh.pdf"))
    for expected in ("回访/抽访记录表", number, "服务管理中心100%回访", "直效营销科5%抽访", "顾客服务部复抽", "不满意"):
        assert expected in flat, expected

"""CRM list benchmark: the customer list with a search and the contact log
with the overdue filter, on a big company.

    .venv/bin/python bench/crm_list.py [--customers 200000] [--logs 1000000]
        [--runs 20] [--database-url postgresql+psycopg://...] [--workdir DIR]

Builds a database through the app's migrations (what ``qdesk db upgrade``
does; SQLite in a temp dir unless ``--database-url`` is given -- that
database is EMPTIED first), loads the demo companies (``qdesk demo load``),
then bulk-inserts (Core ``executemany``, not the ORM) into the demo company
HZ ``--customers`` customers, each with a contact person (plus an archived
one for every tenth), and ``--logs`` contact-log entries (a fifth of them
open and overdue), and into CD a tenth of that as noise. Rows written
without the ORM do not reach core's search index (core.search: documents
kept at flush), so the customers' documents are then rebuilt as ``qdesk
search reindex crm.customer`` does (its time is printed). Then ``ANALYZE``.

Measured, logged in as the demo staff user of HZ through the Flask test
client (``--runs`` requests after a warm-up):

* list pages: customer list searched by a name fragment (>= 3 characters:
  trigram index), a 2-character name fragment (``国宾``: the gram table, about
  one customer in twenty), a 3-character one as common (``大酒店``: trigram
  index), a code, a phone and a contact's name; the contact log with
  ``?overdue=1``.
  p50/p95 ms of the whole request, SQL statements per page, and the same
  statements re-run directly on a connection (p50/p95 ms): the rest is
  Flask, Flask-Admin, templates.
* customer search alone: ``count(*)`` of the matching customers of HZ
  through the index (core.search, via plugins/crm/search.py) beside the
  plain ``ILIKE '%term%'`` query on the fields (p50 ms).

Results are printed as tables; nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = ("杭州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "丽水", "衢州", "舟山", "义乌")
WORDS = ("西湖", "钱塘", "之江", "瑞达", "东方", "新世纪", "华美", "国宾", "金色", "阳光", "开元", "雷迪森", "望湖",
         "黄龙", "天目", "富春", "运河", "湘湖", "九溪", "龙井", "紫金", "银泰", "万象", "百合", "海棠", "玉泉",
         "明珠", "星光", "锦绣", "和平", "建国", "友好", "长城", "凯旋", "曙光", "青藤", "兰亭", "会稽", "南湖")
KINDS = ("大酒店", "宾馆", "饭店", "商场", "超市", "电器商行", "物业管理有限公司", "医院", "中学", "大厦", "广场",
         "度假村", "写字楼", "购物中心", "家电城")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文斌德华立新建国志红海燕晓东春梅"
CHANNELS = ("phone", "letter", "fax", "email", "visit", "web")
SUBJECTS = ("空调不制冷", "电梯异响", "热水不稳定", "年度维保续签", "报价咨询", "投诉服务态度", "上门维修预约",
            "配件更换", "发票问题", "展会保障")
CHUNK = 20_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def make_app(workdir: Path, url: str | None):
    os.environ["QDESK_INSTANCE_PATH"] = str(workdir)
    from sqlalchemy import text
    from core import create_app, migrate
    from core.extensions import db
    app = create_app({"DATABASE_URL": url or f"sqlite:///{workdir / 'bench.db'}",
                      "PLUGINS_TOML": str(workdir / "none.toml")})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate.upgrade()  # qdesk db upgrade
    return app


def reopen(workdir: Path):
    """The app over a database an earlier ``--workdir`` run built, and its terms."""
    os.environ["QDESK_INSTANCE_PATH"] = str(workdir)
    from core import create_app
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                      "PLUGINS_TOML": str(workdir / "none.toml")})
    return app, json.loads((workdir / "terms.json").read_text())


def bulk_load(app, customers: int, logs: int, seed: int = 7) -> dict:
    """Demo companies, then ``customers``/``logs`` rows in HZ and a tenth of
    that in CD; returns the search terms taken from the data."""
    from sqlalchemy import func, select, text
    from core.demo import load_demo
    from core.extensions import db
    from core.models import Company, Membership, User
    from plugins.crm.models import ContactLog, ContactPerson, Customer
    rng = random.Random(seed)
    now = dt.datetime.now().replace(microsecond=0)
    with app.app_context():
        load_demo()
        companies = {c.code: c.id for c in db.session.query(Company)}
        members = {code: [m.user_id for m in db.session.query(Membership).filter_by(company_id=cid)]
                   for code, cid in companies.items()}
        staff = db.session.query(User).filter_by(email="staff@hz.demo").one().id
        terms = {}
        with db.engine.begin() as conn:
            for code, n_customers, n_logs in (("HZ", customers, logs),
                                              ("CD", customers // 10, logs // 10)):
                company_id, users = companies[code], members[code]
                base = dict(company_id=company_id, version=1, created_at=now, created_by_id=staff)
                start = time.perf_counter()
                target = n_customers // 2
                for first in range(0, n_customers, CHUNK):
                    rows = []
                    for i in range(first, min(first + CHUNK, n_customers)):
                        word = rng.choice(WORDS) + rng.choice(WORDS)
                        rows.append(dict(base, code=f"{code}{i + 1:07d}",
                                         name=f"{rng.choice(CITIES)}{word}{rng.choice(KINDS)}",
                                         short_name=word, kind="organisation", province="浙江",
                                         city=rng.choice(CITIES), phone=f"0571-8{rng.randrange(10**7):07d}",
                                         is_key=rng.random() < 0.05, responsible_id=rng.choice(users)))
                    conn.execute(Customer.__table__.insert(), rows)
                ids = list(conn.execute(select(Customer.id).where(Customer.company_id == company_id)
                                        .order_by(Customer.id)).scalars())
                t_customers = time.perf_counter() - start
                start = time.perf_counter()
                for first in range(0, len(ids), CHUNK):
                    rows = []
                    for cid in ids[first:first + CHUNK]:
                        person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                        rows.append(dict(base, customer_id=cid, name=person, is_primary=True,
                                         phone=f"13{rng.randrange(10**9):09d}", archived_at=None))
                        if cid % 10 == 0:
                            rows.append(dict(base, customer_id=cid, name=rng.choice(SURNAMES) + "离职",
                                             is_primary=False, phone=f"15{rng.randrange(10**9):09d}",
                                             archived_at=now))
                    conn.execute(ContactPerson.__table__.insert(), rows)
                t_contacts = time.perf_counter() - start
                start = time.perf_counter()
                for first in range(0, n_logs, CHUNK):
                    rows = []
                    for _ in range(first, min(first + CHUNK, n_logs)):
                        occurred = now - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                        state = "open" if rng.random() < 0.2 else rng.choice(("replied", "closed"))
                        rows.append(dict(base, customer_id=rng.choice(ids), channel=rng.choice(CHANNELS),
                                         direction=rng.choice(("in", "out")), occurred_at=occurred,
                                         subject=rng.choice(SUBJECTS), content=None,
                                         handled_by_id=rng.choice(users), follow_up_owner_id=rng.choice(users),
                                         reply_due=occurred + dt.timedelta(days=3), state=state,
                                         replied_at=None if state == "open" else occurred + dt.timedelta(days=1)))
                    conn.execute(ContactLog.__table__.insert(), rows)
                t_logs = time.perf_counter() - start
                print(f"loaded {code}: {n_customers} customers {t_customers:.1f}s, contacts {t_contacts:.1f}s, "
                      f"{n_logs} log entries {t_logs:.1f}s", flush=True)
                if code == "HZ":
                    # a customer from the middle whose contact has a 3-character name
                    row = conn.execute(select(Customer.code, Customer.name, Customer.phone, ContactPerson.name)
                                       .join(ContactPerson, ContactPerson.customer_id == Customer.id)
                                       .where(Customer.id >= ids[target], ContactPerson.archived_at.is_(None),
                                              func.length(ContactPerson.name) == 3)
                                       .order_by(Customer.id).limit(1)).one()
                    terms = {"code": row[0], "phone": row[2][-7:], "contact": row[3],
                             "name3": row[1][2:5], "name2": "国宾", "common3": "大酒店"}
        from core.search import reindex
        start = time.perf_counter()
        count = reindex("crm.customer")["crm.customer"]  # qdesk search reindex crm.customer
        print(f"search index: {count} customer documents in {time.perf_counter() - start:.1f}s", flush=True)
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return terms


class Statements:
    def __init__(self):
        self.seen = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))


def measure_page(app, client, url: str, runs: int) -> dict:
    """Request ``url`` ``runs`` times; then its SQL statements, re-run directly."""
    from sqlalchemy import event
    from core.extensions import db
    assert client.get(url).status_code == 200  # warm-up
    times, counts, statements = [], [], []
    with app.app_context():
        for _ in range(runs):
            seen = Statements()
            event.listen(db.engine, "before_cursor_execute", seen)
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            event.remove(db.engine, "before_cursor_execute", seen)
            assert response.status_code == 200, response.status_code
            counts.append(len(seen.seen))
            statements = seen.seen
        sql_times = []
        with db.engine.connect() as conn:
            for _ in range(runs):
                start = time.perf_counter()
                for statement, parameters in statements:
                    conn.exec_driver_sql(statement, parameters).fetchall()
                sql_times.append((time.perf_counter() - start) * 1000)
            conn.rollback()
    spread = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
    return dict(url=url, p50=percentile(times, 50), p95=percentile(times, 95), queries=spread,
                sql_p50=percentile(sql_times, 50),
                sql_p95=percentile(sql_times, 95))


def measure_search(app, term: str, runs: int) -> dict:
    from sqlalchemy import func, select
    from core.extensions import db
    from core.models import Company
    from core.search import term_clause
    from plugins.crm.models import Customer
    from plugins.crm.search import indexable, like_clause
    with app.app_context():
        company_id = db.session.query(Company).filter_by(code="HZ").one().id
        result = dict(term=term, indexed=indexable(term))
        for key, clause in (("index", term_clause(Customer, term, company_id)), ("like", like_clause(term))):
            query = select(func.count()).select_from(Customer).where(
                Customer.company_id == company_id, Customer.archived_at.is_(None), clause)
            with db.engine.connect() as conn:
                result["matches"] = conn.execute(query).scalar()  # warm-up
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    conn.execute(query).scalar()
                    times.append((time.perf_counter() - start) * 1000)
            result[key] = percentile(times, 50)
    return result


def login(app):
    from core.demo import DEMO_PASSWORD
    from tests.fixtures import Client
    client = Client(app)
    assert client.login("staff@hz.demo", DEMO_PASSWORD).status_code == 302
    return client.http


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=200_000, help="customers of the big company")
    parser.add_argument("--logs", type=int, default=1_000_000, help="contact-log entries of the big company")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per case")
    parser.add_argument("--database-url", help="SQLAlchemy URL (PostgreSQL); EMPTIED first. Default: "
                                               "SQLite in a temp dir")
    parser.add_argument("--workdir", type=Path,
                        help="keep the SQLite database in this folder; a later run with the same folder "
                             "measures it again without rebuilding (the sizes it was built with apply)")
    args = parser.parse_args()
    from urllib.parse import quote
    with tempfile.TemporaryDirectory(prefix="qdesk-bench-") as tmp:
        workdir = Path(tmp)
        if args.workdir is not None and args.database_url is None:
            workdir = args.workdir.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        if (workdir / "bench.db").exists() and args.workdir is not None:
            app, terms = reopen(workdir)
            args.customers, args.logs = terms.pop("_sizes", (args.customers, args.logs))
        else:
            app = make_app(workdir, args.database_url)
            terms = bulk_load(app, args.customers, args.logs)
            if args.workdir is not None:
                saved = {**terms, "_sizes": [args.customers, args.logs]}
                (workdir / "terms.json").write_text(json.dumps(saved, ensure_ascii=False))
        with app.app_context():
            from core.extensions import db
            dialect = db.engine.dialect.name
            version = db.session.execute(db.text(
                "SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")).scalar()
        print(f"built in {time.perf_counter() - start:.0f}s: {dialect} {version}, HZ {args.customers} customers / "
              f"{args.logs} log entries, CD {args.customers // 10} / {args.logs // 10}\n")
        client = login(app)
        cases = [(f"customers ?search= name fragment '{terms['name3']}'", terms["name3"]),
                 (f"customers ?search= 2 chars '{terms['name2']}' (grams)", terms["name2"]),
                 (f"customers ?search= 3 chars, common '{terms['common3']}'", terms["common3"]),
                 (f"customers ?search= code '{terms['code']}'", terms["code"]),
                 (f"customers ?search= phone '{terms['phone']}'", terms["phone"]),
                 (f"customers ?search= contact '{terms['contact']}'", terms["contact"])]
        rows = [(label, measure_page(app, client, f"/admin/crm/customer/?search={quote(term)}", args.runs))
                for label, term in cases]
        rows.append(("contact log ?overdue=1", measure_page(app, client, "/admin/crm/contactlog/?overdue=1",
                                                            args.runs)))
        print(f"list pages ({args.runs} runs; page size 50)")
        print(f"{'page':<52}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL p50':>9}{'SQL p95':>9}")
        for label, r in rows:
            print(f"{label:<52}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['queries']:>9}{r['sql_p50']:>9.1f}{r['sql_p95']:>9.1f}")
        print("(queries: SQL statements per request, min-max over the runs; the first request after the\n"
              " per-process caches of user, company and modules expire has 3 more. SQL: the page's\n"
              " statements re-run directly on a connection.)\n")
        print(f"customer search in HZ, count(*) ({args.runs} runs, p50 ms)")
        print(f"{'term':<22}{'matches':>9}{'index ms':>10}{'LIKE ms':>10}{'speed-up':>10}")
        for term in (terms["name3"], terms["name2"], terms["common3"], terms["code"], terms["phone"],
                     terms["contact"]):
            r = measure_search(app, term, args.runs)
            shown = term if len(term) >= 3 else f"{term} (grams)"
            print(f"{shown:<22}{r['matches']:>9}{r['index']:>10.1f}{r['like']:>10.1f}"
                  f"{r['like'] / r['index']:>9.1f}x")


if __name__ == "__main__":
    main()

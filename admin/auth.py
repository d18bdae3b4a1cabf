"""Login, logout, the company switcher and the per-request user/company."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from core import tenancy
from core.extensions import db
from core.models import Company, User
from core.security import LoginError, authenticate, companies_of

bp = Blueprint("qdesk_auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only same-site relative targets (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.index")


def load_current() -> None:
    """``before_request``: make the session's user and company current.

    The company must be one of the user's active memberships; otherwise the
    first one is taken, so a stale or forged session value never leaks data.
    """
    user = db.session.get(User, session["user_id"]) if "user_id" in session else None
    if user is not None and not user.active:
        session.clear()
        user = None
    company = None
    if user is not None:
        companies = companies_of(user)
        wanted = session.get("company_id")
        company = next((c for c in companies if c.id == wanted), companies[0] if companies else None)
        session["company_id"] = company.id if company else None
    tenancy.set_current(user, company)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user = authenticate(request.form.get("email", ""), request.form.get("password", ""))
        except LoginError as exc:
            flash(str(exc), "error")
            return render_template("qdesk/login.html", email=request.form.get("email", "")), 401
        session.clear()  # no session fixation: a fresh session per login
        session["user_id"] = user.id
        return redirect(_safe_next(request.args.get("next")))
    return render_template("qdesk/login.html", email="")


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("qdesk_auth.login"))


@bp.route("/switch-company", methods=["POST"])
def switch_company():
    user = tenancy.current_user()
    if user is None:
        return redirect(url_for("qdesk_auth.login"))
    wanted = request.form.get("company_id", type=int)
    company = next((c for c in companies_of(user) if c.id == wanted), None)
    if company is None:
        flash("You are not a member of that company.", "error")
    else:
        session["company_id"] = company.id
        flash(f"Now working in {company.name}.", "success")
    return redirect(url_for("admin.index"))


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


def navbar_context() -> dict:
    """Template globals for the navbar: user, company, switchable companies."""
    user = tenancy.current_user()
    return dict(qdesk_user=user, qdesk_company=tenancy.current_company(),
                qdesk_companies=companies_of(user) if user else [])


__all__ = ["bp", "load_current", "navbar_context", "Company"]

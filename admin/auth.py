"""Login, logout, the company switcher and the per-request user/company."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext

from admin.history import AUDIT_ACTIONS
from core.records import tenancy
from core.extensions import db
from core.models import SESSIONS_ENDED, Company, User
from core.records.security import LoginError, authenticate, companies_of

bp = Blueprint("qdesk_auth", __name__, template_folder="templates")

#: Session key holding ``User.session_generation`` as it was at login.
SESSION_GENERATION = "session_generation"


def _safe_next(target: str | None) -> str:
    """Only same-site relative targets (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.index")


def load_current() -> None:
    """``before_request``: make the session's user and company current.

    The company must be one of the user's active memberships; otherwise the
    first one is taken, so a stale or forged session value never leaks data.
    A fresh session (just logged in) starts in the company the user last
    worked in (``User.last_company_id``).
    A session whose generation is not the user's (it was ended by a logout or
    a password change, or predates generations) is logged out.
    """
    user = db.session.get(User, session["user_id"]) if "user_id" in session else None
    if user is not None and not user.active:
        session.clear()
        user = None
    if user is not None and session.get(SESSION_GENERATION) != user.session_generation:
        session.clear()
        flash(_("Your session has ended. Please log in again."), "info")
        user = None
    company = None
    if user is not None:
        companies = companies_of(user)
        wanted = session.get("company_id") or user.last_company_id
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
        session[SESSION_GENERATION] = user.session_generation
        return redirect(_safe_next(request.args.get("next")))
    return render_template("qdesk/login.html", email="")


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session and every other session of the user (copied cookies
    included): the user's session generation moves on."""
    user = tenancy.current_user()
    if user is not None:
        user.end_sessions()
        db.session.commit()
    session.clear()
    return redirect(url_for("qdesk_auth.login"))


@bp.after_app_request
def keep_own_session(response):
    """A request that ended the sessions of its own user without logging out
    (they changed their own password) keeps its session: it takes the new
    generation, so only the other sessions and copied cookies end."""
    ended = db.session.info.pop(SESSIONS_ENDED, None)
    user_id = session.get("user_id")
    if ended and user_id in ended:
        generation = db.session.query(User.session_generation).filter(User.id == user_id).scalar()
        if generation is not None:
            session[SESSION_GENERATION] = generation
    return response


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """A one-time set-password link (:mod:`core.people.links`): the form,
    then the password set and the link spent; a link that does not work
    (unknown, used, replaced, expired) says so and changes nothing."""
    from core.errors import Invalid
    from core.people import check_link, use_link
    headers = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    try:
        email = check_link(token).user.email
    except Invalid as exc:
        return render_template("qdesk/set_password.html", error=str(exc), email=None), 400, headers
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            return render_template("qdesk/set_password.html", email=email,
                                   error=_("The two passwords differ.")), 400, headers
        try:
            use_link(token, password)
        except Invalid as exc:
            return render_template("qdesk/set_password.html", email=email, error=str(exc)), 400, headers
        session.clear()
        flash(_("Your password is set. Log in with it."), "success")
        return redirect(url_for("qdesk_auth.login"))
    return render_template("qdesk/set_password.html", email=email, error=None), 200, headers


@bp.route("/switch-company", methods=["POST"])
def switch_company():
    user = tenancy.current_user()
    if user is None:
        return redirect(url_for("qdesk_auth.login"))
    wanted = request.form.get("company_id", type=int)
    company = next((c for c in companies_of(user) if c.id == wanted), None)
    if company is None:
        flash(_("You are not a member of that company."), "error")
    else:
        session["company_id"] = company.id
        user.last_company_id = company.id  # the next login starts here
        db.session.commit()
        flash(_("Now working in %(name)s.", name=company.name), "success")
    return redirect(url_for("admin.index"))


@bp.route("/set-language", methods=["POST"])
def set_language():
    """Switch the interface language; kept on the user's profile when logged in."""
    from core.config import LOCALES
    locale = request.form.get("locale")
    if locale in LOCALES:
        session["locale"] = locale
        user = tenancy.current_user()
        if user is not None:
            user.locale = locale
            db.session.commit()
    target = request.referrer or ""
    if urlsplit(target).netloc not in ("", request.host):
        target = ""
    return redirect(_safe_next(urlsplit(target).path or None))


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


ROLE_LABELS = {"admin": lazy_gettext("admin"), "manager": lazy_gettext("manager"),
               "staff": lazy_gettext("staff"), "readonly": lazy_gettext("read-only")}




def navbar_context() -> dict:
    """Template globals: user, company, switchable companies, locale."""
    user = tenancy.current_user()
    return dict(qdesk_user=user, qdesk_company=tenancy.current_company(),
                qdesk_companies=companies_of(user) if user else [],
                locale=str(get_locale() or "zh_Hans_CN"),
                role_label=lambda role: ROLE_LABELS.get(role, role or ""),
                audit_action_label=lambda action: AUDIT_ACTIONS.get(action, action))


__all__ = ["bp", "load_current", "navbar_context", "Company"]

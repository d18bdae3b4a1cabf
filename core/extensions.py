"""Flask extensions shared by core, the admin shell and plugins.

They are created here unbound and attached to the app in ``create_app``, so
importing a model module never needs an application.
"""
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names: Alembic can then compare and alter constraints
# identically on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every qdesk model, core and plugins alike."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
babel = Babel()
# The one CSRF mechanism: every POST of the app (Flask-Admin forms, actions,
# login, Modules screen) carries the same token. Flask-Admin's SecureForm is
# deliberately not used.
csrf = CSRFProtect()

"""Packaging for qdesk: the core, the admin shell and the built-in plugins.

Built-in plugins register through the same ``qdesk.plugins`` entry-point group
as third-party ones, so our own code exercises the public extension API.
"""
from setuptools import find_packages, setup

setup(
    name="qdesk",
    version="0.1.0",
    description="Modular service-quality management on Flask, pluggy and Flask-Admin",
    python_requires=">=3.11",
    packages=find_packages(include=["core", "core.*", "admin", "admin.*", "plugins", "plugins.*", "migrations"]),
    include_package_data=True,
    package_data={
        "core": ["translations/*/LC_MESSAGES/*", "templates/**/*", "static/**/*"],
        "admin": ["templates/**/*", "static/**/*"],
        "plugins": ["*/migrations/versions/*.py", "*/templates/**/*"],
        "migrations": ["script.py.mako", "versions/*.py"],
    },
    data_files=[],
    install_requires=[
        "Flask>=3.1,<3.2",
        "Flask-Admin[sqlalchemy]==2.2.1",
        "SQLAlchemy>=2.0.40,<2.1",
        "Flask-SQLAlchemy==3.1.1",
        "Flask-Babel==4.0.0",
        "Flask-WTF==1.3.0",
        "WTForms>=3.2,<3.4",
        "pluggy>=1.5,<2",
        "marshmallow>=4,<5",
        "openpyxl>=3.1,<4",  # XLSX export and import (admin/imports.py, core/imports.py)
        "defusedxml>=0.7.1,<0.8",  # openpyxl parses XLSX imports through it: no XML entities
        "WeasyPrint==70.0",
        "Pillow>=10,<14",  # attachments: images checked and re-encoded (core/attachments/content.py)
        "alembic>=1.16,<2",
        "psycopg[binary]>=3.2,<4",
        "click>=8.1",
        "chinesecalendar>=1.11,<2",
    ],
    extras_require={
        "test": [
            "pytest>=8,<10",
            "pytest-xdist>=3.6,<4",  # scripts/run-tests.sh runs the suite on every core (-n)
            "pytest-timeout>=2.3,<3",  # a hung test fails with its stacks instead of eating CI's time
            "playwright>=1.50,<2",
            "time-machine>=2.14,<4",  # moves the clock of the live server (plugins/crm/tests/test_browser.py)
            "aiosmtpd==1.4.6",  # a real SMTP server on loopback for the e-mail tests (tests/test_notify.py)
        ],
    },
    entry_points={
        "console_scripts": ["qdesk = core.cli:main"],
        # Built-in plugins are listed here as they are added, e.g.
        # "crm = plugins.crm". Third-party plugins add their own.
        "qdesk.plugins": ["crm = plugins.crm", "after_sales = plugins.after_sales", "quality = plugins.quality",
                          "customer_property = plugins.customer_property"],
        # Front-ends core starts without importing them (core/plugin/frontends.py).
        "qdesk.frontends": ["admin = admin:init_admin"],
    },
)

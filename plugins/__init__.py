"""Built-in qdesk plugins, one package each (crm, after_sales, ...).

Each registers through the ``qdesk.plugins`` entry point in ``setup.py``, the
same way a third-party plugin does.
"""

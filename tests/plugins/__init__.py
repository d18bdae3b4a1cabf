"""Small plugins that prove the kernel, and serve integrators as examples.

They are installed through the ``qdesk.plugins`` entry point by a fixture in
``tests/fixtures.py`` (a throwaway ``.dist-info`` put on ``sys.path``), the
same way a pip-installed plugin is found.

* ``notes``: two company-owned models (Tag, Note), a relation dropdown, an
  inline-editable column and a bulk action.
* ``tasks``: depends on ``notes``; a Task points at a Note through an ajax
  lookup.
"""

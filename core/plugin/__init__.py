"""The plugin machinery: how plugins are found, checked and called.

* :mod:`core.plugin.hookspecs`: every hook a plugin can implement;
* :mod:`core.plugin.manifest`: what a plugin says about itself;
* :mod:`core.plugin.registry`: loading (entry points, ``plugins.toml``,
  dependencies) and calling hooks, per company where they are per company;
* :mod:`core.plugin.declarations`: the registries of what plugins declare
  under their key (permissions, settings, sequences, workflows...);
* :mod:`core.plugin.modules`: enabling and disabling modules per company;
* :mod:`core.plugin.builtin`: core's own hook implementations.

Plugins import the public names from :mod:`core` (``hookimpl``, ``Manifest``).
"""

"""The show file: pydantic models, the YAML loader with line/column errors, and checks.

Public entry points: :func:`showctl.model.loader.load_show` (path → ``Show`` or a list of
``Problem`` objects, all at once) and the models in :mod:`showctl.model.show`.
"""

"""Interchange with other show-control tools: files other software reads and writes.

* :mod:`showctl.interchange.usitt_ascii`: the USITT ASCII light-cue format as text —
  read it into plain records (with line numbers), write records back as text;
* :mod:`showctl.interchange.ascii_show`: those records to a show file and a show's
  light cues to those records (``showctl import-ascii`` / ``export-ascii``);
* :mod:`showctl.interchange.cli`: the two commands.
"""

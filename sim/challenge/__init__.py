"""`python -m sim challenge`: a graded track for mgr module authors.

Harness layer: it reads the shipped challenges (`catalog`), grades a module
directory with the scenario engine (`grading`) and prints (`cli`). Nothing
below the harness imports it; it imports no daemon code (the module under
test runs in real mgr processes that the scenario engine starts).

A challenge is a folder of ``challenges/`` (``sim.resources.challenges_dir``):
``challenge.yaml`` (number, name, title, module, about), ``statement.md``,
``skeleton/``, ``reference/`` and ``broken/`` (each a module directory with
``module.py``) and ``grading/*.yaml``, scenarios whose ``within`` thresholds
are the graded figures.
"""

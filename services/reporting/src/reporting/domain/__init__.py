"""Pure rules of the annual health-and-safety report (seed 004): inputs, checks, figures.

Nothing here imports a database, a web framework or a renderer.

- ``vocabulary``: closed lists (staff categories, material elements…) with French labels;
- ``validation``: the base input model, French messages, ``ReportInputError``;
- ``establishment``, ``indicators``, ``means``: the seed's parts I, II, III–IV;
- ``report``: the whole input and ``parse_report_input``;
- ``figures``, ``rates``, ``computations``, ``report_figures``: exact computations;
- ``presentation``: the rounding rules and French number formatting, applied once.
"""

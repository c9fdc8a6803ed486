"""`shipyard matrix`: proves combinations of answers (docs/matrix.md).

plan (the combinations copier.yml allows) -> scenarios (plain renders, updates, feature toggles)
-> faults (which of them run the generated fault tests) -> run (produce each repo with project, then
every check and validator, sharing mypy caches from mypy_cache) -> report. command is the CLI entry.
"""

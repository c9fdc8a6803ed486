"""Optional features, one package each, installed by app.main.create_app after the core.

The recipe for a feature `example` (added by the template when its question is answered):

- `app/features/example/__init__.py` defines `INSTALL_ORDER: int` (lower installs first; core
  features use 10-90) and `install(app: FastAPI) -> None`, which adds the feature's routes,
  middleware (`app.core.middleware.add_feature_middleware`, so it runs inside the core stack),
  readiness checks (`app.core.health.register_readiness_check`) and lifecycle hooks
  (`app.state.lifecycle.on_startup/on_shutdown`).
- Its configuration is a pydantic-settings class subclassing `app.core.settings.ServiceSettings`
  with its own env prefix, so the configuration tests and .env.example pick it up. The startup
  check (app.core.settings_check) imports every module of the package and validates each such
  class with the core's: state constraints in the field types and validators so a bad value stops
  the start naming its variable, and override `check_with_core` for rules that involve core
  settings (e.g. APP_WORKERS).
- Its tests live in `tests/features/test_example.py`.

- Where it joins another feature (counters for metrics, spans for tracing), the join's code is a
  module of its own rendered only with both, and `app/features/joins.py` (rendered from the
  answers) is where the feature asks for it: no module names in strings.

Nothing else names a feature: create_app discovers whatever packages are here.
"""

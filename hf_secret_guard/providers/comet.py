"""Comet ML API keys: 25 letters and digits with no prefix: a key only where a key goes.  Source: public
``COMET_API_KEY`` values (no scanner has a rule)."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="comet",
    display="Comet",
    formats=(),
    secret_name="COMET_API_KEY",
    env_names=("COMET_API_KEY",),
    revoke_url="https://www.comet.com/account-settings/apiKeys",
    callers=("comet_ml.init", "comet_ml.login", "Experiment", "comet_ml.Experiment"),
    positional_callers=(),
    cli_logins=(),
)

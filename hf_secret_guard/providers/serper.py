"""Serper keys: 40 hex with no prefix: a key only where a key goes."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="serper",
    display="Serper",
    formats=(),
    secret_name="SERPER_API_KEY",
    env_names=("SERPER_API_KEY",),
    revoke_url="https://serper.dev/api-key",
    callers=("GoogleSerperAPIWrapper",),
    positional_callers=(),
    cli_logins=(),
)

"""SerpAPI keys: 64 hex with no prefix: a key only where a key goes."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="serpapi",
    display="SerpAPI",
    formats=(),
    secret_name="SERPAPI_API_KEY",
    env_names=("SERPAPI_API_KEY",),
    revoke_url="https://serpapi.com/manage-api-key",
    callers=("GoogleSearch", "SerpAPIWrapper", "serpapi.Client"),
    positional_callers=(),
    cli_logins=(),
)

"""Anthropic API and admin keys: a fixed prefix, 93 base64url characters and a fixed ``AA`` tail.
Sources: gitleaks and betterleaks ``anthropic.go``, trufflehog ``anthropic/anthropic.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="anthropic",
    display="Anthropic",
    formats=(
        TokenFormat(
            "sk-ant-api03-", "A-Za-z0-9_-", 95, "Anthropic API key", body_pattern="[A-Za-z0-9_-]{93}AA"
        ),
        TokenFormat(
            "sk-ant-admin01-", "A-Za-z0-9_-", 95, "Anthropic admin key", body_pattern="[A-Za-z0-9_-]{93}AA"
        ),
    ),
    secret_name="ANTHROPIC_API_KEY",
    env_names=("ANTHROPIC_API_KEY",),
    revoke_url="https://console.anthropic.com/settings/keys",
    hub=HubEndpoints(
        default="https://api.anthropic.com",
        env="HFSG_ANTHROPIC_ENDPOINT",
        whoami="/v1/models",
        auth_header="x-api-key",
        auth_scheme="",
        headers=(("anthropic-version", "2023-06-01"),),
        not_verified=("sk-ant-admin01-",),
    ),
    callers=("Anthropic", "AsyncAnthropic", "ChatAnthropic", "anthropic.Anthropic"),
    found=('import anthropic\nclient = anthropic.Anthropic(api_key="{KEY}")',),
    not_found=('client = anthropic.Anthropic(api_key="sk-ant-...")',),
)

"""OpenRouter API keys: ``sk-or-v1-`` and 64 hex.  Sources: betterleaks ``openrouter.go``, trufflehog
``openrouter/openrouter.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="openrouter",
    display="OpenRouter",
    formats=(TokenFormat("sk-or-v1-", "0-9a-f", 64, "OpenRouter API key"),),
    secret_name="OPENROUTER_API_KEY",
    env_names=("OPENROUTER_API_KEY",),
    revoke_url="https://openrouter.ai/settings/keys",
    hub=HubEndpoints(default="https://openrouter.ai", env="HFSG_OPENROUTER_ENDPOINT", whoami="/api/v1/key"),
    found=('client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="{KEY}")',),
    not_found=('api_key = "sk-or-v1-..."',),
)

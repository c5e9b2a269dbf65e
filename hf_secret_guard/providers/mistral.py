"""Mistral API keys: 32 letters and digits with no prefix: a key only where a key goes.  Source:
betterleaks ``mistral.go``."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="mistral",
    display="Mistral",
    formats=(),
    secret_name="MISTRAL_API_KEY",
    env_names=("MISTRAL_API_KEY",),
    revoke_url="https://console.mistral.ai/api-keys",
    callers=("Mistral", "MistralClient", "ChatMistralAI"),
    positional_callers=(),
    cli_logins=(),
)

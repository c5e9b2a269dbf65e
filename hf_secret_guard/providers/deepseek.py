"""DeepSeek API keys: ``sk-`` and 32 hex, the prefix everyone uses: a key only where a key goes.  Sources:
betterleaks ``deepseek.go``, trufflehog ``deepseek/deepseek.go``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="deepseek",
    display="DeepSeek",
    formats=(TokenFormat("sk-", "0-9a-f", 32, "DeepSeek API key", anywhere=False),),
    secret_name="DEEPSEEK_API_KEY",
    env_names=("DEEPSEEK_API_KEY",),
    revoke_url="https://platform.deepseek.com/api_keys",
    callers=(),
    positional_callers=(),
    cli_logins=(),
)

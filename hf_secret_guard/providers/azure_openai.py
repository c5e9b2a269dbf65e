"""Azure OpenAI keys: 32 hex (legacy) or 84-character identifiable keys: keys only where a key goes.
Sources: trufflehog ``azure_openai``, kingfisher ``azureopenai.yml``."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="azure_openai",
    display="Azure OpenAI",
    formats=(),
    secret_name="AZURE_OPENAI_API_KEY",
    env_names=("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"),
    revoke_url="https://portal.azure.com",
    callers=("AzureOpenAI", "AzureChatOpenAI", "AzureOpenAIEmbeddings"),
    positional_callers=(),
    cli_logins=(),
)

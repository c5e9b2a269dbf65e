"""Cohere API keys: 40 letters and digits with no prefix, so a key only where a key goes.  Sources:
gitleaks and betterleaks ``cohere.go``, docs.cohere.com."""

from hf_secret_guard.providers.spec import Provider

PROVIDER = Provider(
    name="cohere",
    display="Cohere",
    formats=(),
    secret_name="CO_API_KEY",
    env_names=("CO_API_KEY", "COHERE_API_KEY"),
    revoke_url="https://dashboard.cohere.com/api-keys",
    callers=("cohere.Client", "cohere.ClientV2", "ChatCohere", "CohereEmbeddings"),
    positional_callers=("cohere.Client", "cohere.ClientV2"),
    cli_logins=(),
)

"""LangSmith API keys: ``lsv2_pt_`` (personal) or ``lsv2_sk_`` (service), 32 hex, ``_``, 10 hex.
Sources: betterleaks ``langchain.go``, trufflehog ``langsmith/langsmith.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="langsmith",
    display="LangSmith",
    formats=(
        TokenFormat(
            "lsv2_", "a-z0-9_", 46, "LangSmith API key", body_pattern="(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}"
        ),
    ),
    secret_name="LANGSMITH_API_KEY",
    env_names=("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"),
    revoke_url="https://smith.langchain.com/settings",
    hub=HubEndpoints(
        default="https://api.smith.langchain.com",
        env="HFSG_LANGSMITH_ENDPOINT",
        whoami="/api/v1/api-key/current",
        auth_header="x-api-key",
        auth_scheme="",
        not_verified=("lsv2_sk_",),  # a service key answers at /api/v1/orgs/current instead,
    ),
    found=('import os\nos.environ["LANGCHAIN_API_KEY"] = "{KEY}"',),
    not_found=('os.environ["LANGCHAIN_API_KEY"] = "lsv2_pt_..."',),
)

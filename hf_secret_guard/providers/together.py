"""Together AI keys: ``tgp_v1_`` and 43 base64url characters (the legacy 64-hex keys are keys only where a
key goes).  Source: betterleaks ``togetherai.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="together",
    display="Together AI",
    formats=(TokenFormat("tgp_v1_", "A-Za-z0-9_-", 43, "Together AI API key"),),
    secret_name="TOGETHER_API_KEY",
    env_names=("TOGETHER_API_KEY",),
    revoke_url="https://api.together.ai/settings/api-keys",
    hub=HubEndpoints(default="https://api.together.xyz", env="HFSG_TOGETHER_ENDPOINT", whoami="/v1/models"),
    callers=("Together",),
    found=('from together import Together\nclient = Together(api_key="{KEY}")',),
    not_found=('client = Together(api_key="tgp_v1_...")',),
)

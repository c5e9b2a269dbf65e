"""xAI API keys: ``xai-`` and 80 letters and digits.  Sources: betterleaks ``xai.go``, trufflehog
``xai/xai.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="xai",
    display="xAI",
    formats=(TokenFormat("xai-", "A-Za-z0-9", 80, "xAI API key"),),
    secret_name="XAI_API_KEY",
    env_names=("XAI_API_KEY",),
    revoke_url="https://console.x.ai",
    hub=HubEndpoints(default="https://api.x.ai", env="HFSG_XAI_ENDPOINT", whoami="/v1/api-key"),
    found=('client = OpenAI(base_url="https://api.x.ai/v1", api_key="{KEY}")',),
    not_found=('api_key = "xai-..."',),
)

"""NVIDIA NIM API keys: ``nvapi-`` and 64 base64url characters.  Sources: betterleaks ``nvidia.go``,
trufflehog ``nvapi/nvapi.go``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="nvidia",
    display="NVIDIA",
    formats=(TokenFormat("nvapi-", "A-Za-z0-9_-", 64, "NVIDIA API key"),),
    secret_name="NVIDIA_API_KEY",
    env_names=("NVIDIA_API_KEY", "NGC_API_KEY"),
    revoke_url="https://build.nvidia.com",
    found=('client = OpenAI(base_url="https://integrate.api.nvidia.com/v1", api_key="{KEY}")',),
    not_found=('api_key = "nvapi-..."',),
)

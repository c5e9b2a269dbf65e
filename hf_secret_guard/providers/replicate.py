"""Replicate API tokens: ``r8_`` and 37 letters and digits.  Sources: betterleaks ``replicate.go``,
trufflehog ``replicate/replicate.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="replicate",
    display="Replicate",
    formats=(TokenFormat("r8_", "A-Za-z0-9", 37, "Replicate API token"),),
    secret_name="REPLICATE_API_TOKEN",
    env_names=("REPLICATE_API_TOKEN",),
    revoke_url="https://replicate.com/account/api-tokens",
    hub=HubEndpoints(
        default="https://api.replicate.com", env="HFSG_REPLICATE_ENDPOINT", whoami="/v1/account"
    ),
    callers=("replicate.Client",),
    found=('import os\nos.environ["REPLICATE_API_TOKEN"] = "{KEY}"',),
    not_found=('token = "r8_..."',),
)

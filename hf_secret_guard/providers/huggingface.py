"""Hugging Face user access tokens (``hf_``) and the older organization API tokens (``api_org_``).

Formats: huggingface_hub's token handling and the Hub's secret-scanning partnership; the Hub answers
``/api/whoami-v2`` for a live token and ``/api/credentials/revoke`` for anyone reporting a leak (hub-docs,
"Revoking a leaked token")."""

from __future__ import annotations

from hf_secret_guard.providers.spec import Confidence, HubEndpoints, Provider, TokenFormat


def _digits_are_medium(body: str) -> Confidence:
    """Issued tokens are letters only in every sample we know of; one with digits is probably real, but
    less surely so."""
    return "medium" if any(c.isdigit() for c in body) else "high"


PROVIDER = Provider(
    name="huggingface",
    display="Hugging Face",
    formats=(
        TokenFormat("hf_", "A-Za-z0-9", 34, "Hugging Face token", _digits_are_medium),
        TokenFormat("api_org_", "A-Za-z", 34, "Hugging Face organization token"),
    ),
    secret_name="HF_TOKEN",
    env_names=(
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HUGGINGFACEHUB_API_TOKEN",
        "HUGGINGFACE_TOKEN",
        "HUGGINGFACE_HUB_TOKEN",
        "HF_API_TOKEN",
        "HF_ACCESS_TOKEN",
        "HF_HUB_TOKEN",
        "HF_API_KEY",
        "HUGGINGFACE_API_KEY",
        "HF_AUTH_TOKEN",
        "HF_WRITE_TOKEN",
        "HF_READ_TOKEN",
    ),
    revoke_url="https://huggingface.co/settings/tokens",
    hub=HubEndpoints(
        default="https://huggingface.co",
        env="HF_ENDPOINT",
        whoami="/api/whoami-v2",
        revoke="/api/credentials/revoke",
    ),
    callers=(
        "login",
        "HfApi",
        "InferenceClient",
        "HfFolder.save_token",
        "snapshot_download",
        "hf_hub_download",
    ),
    positional_callers=("login", "huggingface_hub.login", "HfFolder.save_token"),
    cli_logins=("huggingface-cli login --token", "hf auth login --token"),
    slot_names=("use_auth_token", "hub_token", "hf_token"),
    found=(
        'from huggingface_hub import login\nlogin(token="{KEY}")',
        'import os\nos.environ["HF_TOKEN"] = "{KEY}"',
        "!huggingface-cli login --token {KEY}",
        'url = "https://user:{KEY}@huggingface.co/repo"',
    ),
    not_found=(
        'login(token="hf_...")',
        'login(token="hf_your_token_here")',
        'path = "models/hf_multilingualsentimentclassifiermodel/config.json"',
        "from huggingface_hub import hf_hub_download",
    ),
)

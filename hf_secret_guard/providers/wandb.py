"""Weights & Biases API keys: ``wandb_v1_``, a 27-character key id, ``_``, 49 more (SDK 0.22.3 on).  The
legacy 40-hex keys look like a git SHA-1: keys only where a key goes.  Sources: betterleaks
``weightsandbiases.go``, wandb ``sdk/lib/auth/validation.py``, docs.wandb.ai."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="wandb",
    display="Weights & Biases",
    formats=(
        TokenFormat(
            "wandb_v1_",
            "A-Za-z0-9_",
            77,
            "Weights & Biases API key",
            body_pattern="[A-Za-z0-9]{27}_[A-Za-z0-9]{49}",
        ),
    ),
    secret_name="WANDB_API_KEY",
    env_names=("WANDB_API_KEY",),
    revoke_url="https://wandb.ai/authorize",
    hub=HubEndpoints(
        default="https://api.wandb.ai",
        env="HFSG_WANDB_ENDPOINT",
        whoami="/graphql",
        auth_scheme="Basic api:",
        method="POST",
        body='{"query": "query { viewer { id } }"}',
    ),
    callers=("wandb.login",),
    positional_callers=("wandb.login",),
    cli_logins=("wandb login",),
    found=(
        'import wandb\nwandb.login(key="{KEY}")',
        "!wandb login {KEY}",
    ),
    not_found=('wandb.login(key="YOUR_WANDB_KEY")',),
)

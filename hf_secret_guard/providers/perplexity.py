"""Perplexity API keys: ``pplx-`` and 48 letters and digits.  Sources: gitleaks and betterleaks
``perplexity.go``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="perplexity",
    display="Perplexity",
    formats=(TokenFormat("pplx-", "A-Za-z0-9", 48, "Perplexity API key"),),
    secret_name="PERPLEXITY_API_KEY",
    env_names=("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
    revoke_url="https://www.perplexity.ai/settings/api",
    found=('import os\nos.environ["PPLX_API_KEY"] = "{KEY}"',),
    not_found=('api_key = "pplx-..."',),
)

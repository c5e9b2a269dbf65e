"""Firecrawl API keys: ``fc-`` and exactly 32 hex (older keys are UUIDs).  Sources: kingfisher
``firecrawl.yml``, docs.firecrawl.dev."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="firecrawl",
    display="Firecrawl",
    formats=(TokenFormat("fc-", "0-9a-f", 32, "Firecrawl API key"),),
    secret_name="FIRECRAWL_API_KEY",
    env_names=("FIRECRAWL_API_KEY",),
    revoke_url="https://www.firecrawl.dev/app/api-keys",
    callers=("FirecrawlApp",),
    found=('from firecrawl import FirecrawlApp\napp = FirecrawlApp(api_key="{KEY}")',),
    not_found=('app = FirecrawlApp(api_key="fc-YOUR_API_KEY")',),
)

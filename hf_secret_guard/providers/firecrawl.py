"""Firecrawl API keys: ``fc-`` and exactly 32 hex (older keys are UUIDs).  Sources: kingfisher
``firecrawl.yml``, docs.firecrawl.dev."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="firecrawl",
    display="Firecrawl",
    formats=(TokenFormat("fc-", "0-9a-f", 32, "Firecrawl API key"),),
    secret_name="FIRECRAWL_API_KEY",
    env_names=("FIRECRAWL_API_KEY",),
    revoke_url="https://www.firecrawl.dev/app/api-keys",
    hub=HubEndpoints(
        default="https://api.firecrawl.dev", env="HFSG_FIRECRAWL_ENDPOINT", whoami="/v1/crawl/active"
    ),
    callers=("FirecrawlApp",),
    found=('from firecrawl import FirecrawlApp\napp = FirecrawlApp(api_key="{KEY}")',),
    not_found=('app = FirecrawlApp(api_key="fc-YOUR_API_KEY")',),
)

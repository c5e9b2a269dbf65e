"""Tavily API keys: ``tvly-`` (and ``tvly-dev-``, ``tvly-prod-``), then 32 characters or an id and 42.
Sources: kingfisher ``tavily.yml`` (``tvly-`` and 32 only); the ``tvly-dev-`` shapes are public-code
observations."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="tavily",
    display="Tavily",
    formats=(
        TokenFormat(
            "tvly-",
            "A-Za-z0-9-",
            (32, 58),
            "Tavily API key",
            body_pattern="(?:dev-|prod-)?(?:[A-Za-z0-9]{32}|[A-Za-z0-9]{5,6}-[A-Za-z0-9]{42})",
        ),
    ),
    secret_name="TAVILY_API_KEY",
    env_names=("TAVILY_API_KEY",),
    revoke_url="https://app.tavily.com",
    callers=("TavilyClient", "TavilySearchResults"),
    found=('from tavily import TavilyClient\nclient = TavilyClient(api_key="{KEY}")',),
    not_found=('client = TavilyClient(api_key="tvly-YOUR_API_KEY")',),
)

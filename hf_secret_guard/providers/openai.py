"""OpenAI API keys.  Every key OpenAI issues carries ``T3BlbkFJ`` (base64 of "OpenAI") between two random
halves: legacy ``sk-`` user keys and ``sk-proj-``, ``sk-svcacct-``, ``sk-admin-``, ``sk-None-`` keys.
Other ``sk-`` values (DeepSeek, relays, OpenAI-compatible servers) share the prefix but not the marker:
they are keys only where a key goes.  Sources: gitleaks and betterleaks ``openai.go``, trufflehog
``openai/openai.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="openai",
    display="OpenAI",
    formats=(
        TokenFormat(
            "sk-",
            "A-Za-z0-9_-",
            (48, 170),
            "OpenAI API key",
            body_pattern=r"(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74}",
            shown_prefix=r"sk-(?:proj-|svcacct-|admin-|None-)?",
        ),
        TokenFormat("sk-", "A-Za-z0-9_-", (20, 200), "OpenAI-compatible key", anywhere=False),
    ),
    secret_name="OPENAI_API_KEY",
    env_names=("OPENAI_API_KEY",),
    revoke_url="https://platform.openai.com/api-keys",
    hub=HubEndpoints(
        default="https://api.openai.com",
        env="HFSG_OPENAI_ENDPOINT",
        whoami="/v1/models",
        not_verified=("sk-admin-",),
    ),
    callers=("OpenAI", "AsyncOpenAI", "ChatOpenAI", "OpenAIEmbeddings", "openai.OpenAI"),
    found=(
        'from openai import OpenAI\nclient = OpenAI(api_key="{KEY}")',
        'import os\nos.environ["OPENAI_API_KEY"] = "{KEY}"',
        'headers = {{"Authorization": "Bearer {KEY}"}}',
    ),
    not_found=('client = OpenAI(api_key="sk-...")', 'api_key = "sk-your-key-here"'),
)

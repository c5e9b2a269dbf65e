"""Groq API keys: ``gsk_``, 20 characters, the fixed marker ``WGdyb3FY`` (base64 of "XgroqX"), 24 more.
Sources: betterleaks ``groq.go``; trufflehog ``groq/groq.go`` and its test keys."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="groq",
    display="Groq",
    formats=(
        TokenFormat(
            "gsk_", "A-Za-z0-9", 52, "Groq API key", body_pattern="[A-Za-z0-9]{20}WGdyb3FY[A-Za-z0-9]{24}"
        ),
    ),
    secret_name="GROQ_API_KEY",
    env_names=("GROQ_API_KEY",),
    revoke_url="https://console.groq.com/keys",
    hub=HubEndpoints(default="https://api.groq.com", env="HFSG_GROQ_ENDPOINT", whoami="/openai/v1/models"),
    callers=("Groq", "AsyncGroq", "ChatGroq"),
    found=('from groq import Groq\nclient = Groq(api_key="{KEY}")',),
    not_found=('client = Groq(api_key="gsk_...")',),
)

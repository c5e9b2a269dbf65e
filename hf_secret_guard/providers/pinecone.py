"""Pinecone API keys (``pcsk_``; the older ones are UUIDs, keys only where a key goes).  Sources:
betterleaks ``pinecone.go``, trufflehog ``pinecone/pinecone.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="pinecone",
    display="Pinecone",
    formats=(
        TokenFormat(
            "pcsk_",
            "A-Za-z0-9_",
            (69, 70),
            "Pinecone API key",
            body_pattern="[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}",
        ),
    ),
    secret_name="PINECONE_API_KEY",
    env_names=("PINECONE_API_KEY",),
    revoke_url="https://app.pinecone.io",
    hub=HubEndpoints(
        default="https://api.pinecone.io",
        env="HFSG_PINECONE_ENDPOINT",
        whoami="/indexes",
        auth_header="Api-Key",
        auth_scheme="",
    ),
    callers=("Pinecone", "pinecone.init", "PineconeVectorStore"),
    found=('from pinecone import Pinecone\npc = Pinecone(api_key="{KEY}")',),
    not_found=('pc = Pinecone(api_key="pcsk_...")',),
)

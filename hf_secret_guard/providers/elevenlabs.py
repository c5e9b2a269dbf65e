"""ElevenLabs API keys: ``sk_`` and 48 hex (the legacy 32-hex keys are keys only where a key goes).
Sources: betterleaks ``elevenlabs.go``, trufflehog ``elevenlabs/v2``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="elevenlabs",
    display="ElevenLabs",
    formats=(TokenFormat("sk_", "0-9a-f", 48, "ElevenLabs API key"),),
    secret_name="ELEVENLABS_API_KEY",
    env_names=("ELEVENLABS_API_KEY",),
    revoke_url="https://elevenlabs.io/app/settings/api-keys",
    hub=HubEndpoints(
        default="https://api.elevenlabs.io",
        env="HFSG_ELEVENLABS_ENDPOINT",
        whoami="/v1/user",
        auth_header="xi-api-key",
        auth_scheme="",
    ),
    callers=("ElevenLabs",),
    found=('from elevenlabs.client import ElevenLabs\nclient = ElevenLabs(api_key="{KEY}")',),
    not_found=('client = ElevenLabs(api_key="sk_...")',),
)

"""Neptune API tokens: base64 of ``{"api_address": ..., "api_url": ..., "api_key": "<uuid>"}``, so the
token proves itself by decoding.  Source: public ``NEPTUNE_API_TOKEN`` values (no scanner has a rule)."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

_PREFIX = "eyJhcGlfYWRkcmVzcyI6"  # base64 of '{"api_address":'


def _decodes(token: str) -> bool:
    import base64  # only when a Neptune token is checked
    import binascii  # only when a Neptune token is checked
    import json  # not loaded by a clean run of a .py file

    try:
        data = json.loads(base64.b64decode(token + "=" * (-len(token) % 4), validate=True))
    except (ValueError, binascii.Error):
        return False
    return isinstance(data, dict) and isinstance(data.get("api_key"), str) and len(data["api_key"]) >= 16


def _sealed(token: str) -> str:
    """A token that decodes, its key made from the candidate's random characters."""
    import base64  # only when a Neptune token is checked
    import json  # not loaded by a clean run of a .py file

    chars = "".join(c for c in token[len(_PREFIX) :].lower() if c in "0123456789abcdef").ljust(32, "0")
    key = f"{chars[:8]}-{chars[8:12]}-{chars[12:16]}-{chars[16:20]}-{chars[20:32]}"
    payload = {"api_address": "https://app.neptune.ai", "api_url": "https://app.neptune.ai", "api_key": key}
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


PROVIDER = Provider(
    name="neptune",
    display="Neptune",
    formats=(
        TokenFormat(
            _PREFIX,
            "A-Za-z0-9+/=",
            (100, 400),
            "Neptune API token",
            body_pattern="[A-Za-z0-9+/]{100,398}={0,2}",
            check=_decodes,
            seal=_sealed,
        ),
    ),
    secret_name="NEPTUNE_API_TOKEN",
    env_names=("NEPTUNE_API_TOKEN",),
    revoke_url="https://app.neptune.ai",
    callers=("neptune.init_run", "neptune.init"),
    found=('import neptune\nrun = neptune.init_run(api_token="{KEY}")',),
    not_found=('run = neptune.init_run(api_token="YOUR_API_TOKEN")',),
)

"""GitHub tokens.  Classic tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``) end in six base62
characters that are the CRC32 of the thirty before them, so a random string almost never passes; that
checksum is verified here.  Fine-grained ``github_pat_`` tokens have no public checksum.  Sources:
github.blog 2021-04-05 "Behind GitHub's new authentication token formats", gitleaks ``github.go``."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_crc32(text: str) -> str:
    """The six-character checksum GitHub appends: CRC32 in base62, zero-padded."""
    import zlib  # only when a GitHub token is checked

    number, digits = zlib.crc32(text.encode()), ""
    while number:
        number, digit = divmod(number, 62)
        digits = _BASE62[digit] + digits
    return digits.rjust(6, "0")


def _checksum_ok(token: str) -> bool:
    body = token[4:]
    return base62_crc32(body[:30]) == body[30:]


def _sealed(token: str) -> str:
    return token[:34] + base62_crc32(token[4:34])


def _classic(prefix: str, display: str) -> TokenFormat:
    return TokenFormat(prefix, "A-Za-z0-9", 36, display, check=_checksum_ok, seal=_sealed)


PROVIDER = Provider(
    name="github",
    display="GitHub",
    formats=(
        _classic("ghp_", "GitHub personal access token"),
        _classic("gho_", "GitHub OAuth token"),
        _classic("ghu_", "GitHub user-to-server token"),
        _classic("ghs_", "GitHub server-to-server token"),
        _classic("ghr_", "GitHub refresh token"),
        TokenFormat(
            "github_pat_",
            "A-Za-z0-9_",
            82,
            "GitHub fine-grained token",
            body_pattern="[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        ),
    ),
    secret_name="GITHUB_TOKEN",
    env_names=("GITHUB_TOKEN", "GH_TOKEN"),
    revoke_url="https://github.com/settings/tokens",
    hub=HubEndpoints(
        default="https://api.github.com",
        env="HFSG_GITHUB_ENDPOINT",
        whoami="/user",
        revoke="/credentials/revoke",
        headers=(("Accept", "application/vnd.github+json"),),
        not_verified=("ghr_",),  # a refresh token authenticates nothing: 401 would call it dead
        revoke_prefixes=("ghp_", "github_pat_"),  # what docs.github.com/rest/credentials/revoke accepts,
    ),
    positional_callers=("Github", "Auth.Token"),
    found=("!git clone https://{KEY}@github.com/me/private.git", 'g = Github("{KEY}")'),
    not_found=('token = "ghp_..."', 'g = Github("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")'),
)

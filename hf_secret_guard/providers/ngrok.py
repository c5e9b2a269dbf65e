"""ngrok authtokens: a specific shape but no prefix word: a key only where a key goes (Colab notebooks pass
it to ``!ngrok authtoken`` or ``ngrok.set_auth_token``).  Sources: betterleaks ``ngrok``, trufflehog
``ngrok/ngrok.go``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="ngrok",
    display="ngrok",
    formats=(
        TokenFormat(
            "",
            "A-Za-z0-9_",
            49,
            "ngrok authtoken",
            body_pattern="[23][A-Za-z0-9]{26}_[1-9][A-Za-z0-9]{20}",
            anywhere=False,
        ),
    ),
    secret_name="NGROK_AUTHTOKEN",
    env_names=("NGROK_AUTHTOKEN", "NGROK_AUTH_TOKEN"),
    revoke_url="https://dashboard.ngrok.com/get-started/your-authtoken",
    callers=(),
    positional_callers=("ngrok.set_auth_token", "set_auth_token"),
    cli_logins=("ngrok authtoken", "ngrok config add-authtoken"),
)

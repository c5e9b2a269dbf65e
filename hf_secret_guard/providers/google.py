"""Google API keys (``AIza``: AI Studio's standard Gemini keys, also Maps, YouTube, Firebase) and AI
Studio's newer Gemini auth keys (``AQ.Ab8RN6``, the only kind it issues now; the last character is the
base64url end of 37 bytes).  Sources: gitleaks and betterleaks ``gcp.go``, betterleaks
``gcp-gemini-api``, ai.google.dev/gemini-api/docs/api-key."""

from hf_secret_guard.providers.spec import HubEndpoints, Provider, TokenFormat

PROVIDER = Provider(
    name="google",
    display="Google",
    formats=(
        TokenFormat("AIza", "0-9A-Za-z_-", 35, "Google API key"),
        TokenFormat("AQ.Ab8RN6", "0-9A-Za-z_-", 44, "Gemini API key", body_pattern="[0-9A-Za-z_-]{43}[AQgw]"),
    ),
    secret_name="GOOGLE_API_KEY",
    env_names=("GOOGLE_API_KEY", "GEMINI_API_KEY"),
    revoke_url="https://aistudio.google.com/app/apikey",
    hub=HubEndpoints(
        default="https://generativelanguage.googleapis.com",
        env="HFSG_GOOGLE_ENDPOINT",
        whoami="/v1beta/models",
        auth_header="x-goog-api-key",
        auth_scheme="",
        dead=(400, 401),  # 400 API_KEY_INVALID; a 403 (API not enabled for this key) stays unknown,
    ),
    callers=(
        "genai.configure",
        "genai.Client",
        "ChatGoogleGenerativeAI",
        "GoogleGenerativeAI",
        "GoogleGenerativeAIEmbeddings",
    ),
    found=(
        'import google.generativeai as genai\ngenai.configure(api_key="{KEY}")',
        'import os\nos.environ["GOOGLE_API_KEY"] = "{KEY}"',
        'url = "https://generativelanguage.googleapis.com/v1beta/models?key={KEY}"',
    ),
    not_found=('genai.configure(api_key="AIza...")', 'api_key = "YOUR_GEMINI_API_KEY"'),
)

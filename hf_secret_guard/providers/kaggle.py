"""Kaggle API tokens: ``KGAT_`` and 32 hex.  The legacy 32-hex key of ``kaggle.json`` looks like an MD5:
a key only where a key goes.  Sources: Kaggle/kagglehub README, kaggle-sdk-python ``kaggle_env.py``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat

PROVIDER = Provider(
    name="kaggle",
    display="Kaggle",
    formats=(TokenFormat("KGAT_", "0-9a-f", 32, "Kaggle API token"),),
    secret_name="KAGGLE_API_TOKEN",
    env_names=("KAGGLE_API_TOKEN", "KAGGLE_KEY"),
    revoke_url="https://www.kaggle.com/settings/account",
    found=('import os\nos.environ["KAGGLE_API_TOKEN"] = "{KEY}"',),
    not_found=('os.environ["KAGGLE_API_TOKEN"] = "KGAT_..."',),
)

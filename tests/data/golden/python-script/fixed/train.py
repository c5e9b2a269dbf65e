"""Fine-tune and push: the shapes people write in a script."""

import os

from huggingface_hub import login
from openai import OpenAI

login(token=os.environ["HF_TOKEN_2"])
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
headers = {"Authorization": f"Bearer {os.environ['HF_TOKEN_3']}"}

# Clean twins: none of these is a secret.
model = "meta-llama/Llama-3.2-1B"
revision = "0123456789abcdef0123456789abcdef01234567"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
token = os.environ.get("HF_TOKEN")

"""Fine-tune and push: the shapes people write in a script."""

from google.colab import userdata
import os

from huggingface_hub import login
from openai import OpenAI

login(token=userdata.get("HF_TOKEN_2"))
os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")
client = OpenAI(api_key=userdata.get("OPENAI_API_KEY"))
os.environ["WANDB_API_KEY"] = userdata.get("WANDB_API_KEY")
headers = {"Authorization": f"Bearer {userdata.get('HF_TOKEN_3')}"}

# Clean twins: none of these is a secret.
model = "meta-llama/Llama-3.2-1B"
revision = "0123456789abcdef0123456789abcdef01234567"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
token = os.environ.get("HF_TOKEN")

import os

os.environ["HF_TOKEN"] = "hf_your_token_here"
os.environ["OPENAI_API_KEY"] = "YOUR_API_KEY"
example = "<T1>"  # hf-secret-guard: ignore[HFG001]
os.environ["HF_TOKEN"] = "<T2>"

from google.colab import userdata
from huggingface_hub import login

login(token=userdata.get("HF_TOKEN"))
checkpoint = "hf_multilingualsentimentclassifiermodel/config.json"
commit = "0123456789abcdef0123456789abcdef01234567"
run_id = "3f2a9c1e-7b4d-4e8a-9c1f-2d3e4f5a6b7c"
masked = "hf_****abcd"

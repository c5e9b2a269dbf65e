#!/bin/sh
export GROQ_API_KEY=<KEY:groq>
huggingface-cli login --token "$HF_TOKEN"
python train.py --push_to_hub

"""Where users work: the IPython/Jupyter/Colab extension (``%load_ext hf_secret_guard``) and the masking
it shares with the Jupyter pre-save hook (``hf_secret_guard.jupyter``).

Nothing here is imported by the CLI: a scan never pays for it.
"""

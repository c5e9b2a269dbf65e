from hf_secret_guard.cli.entry import run_module

run_module()

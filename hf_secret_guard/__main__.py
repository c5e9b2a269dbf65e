from hf_secret_guard.cli.entry import run

run()

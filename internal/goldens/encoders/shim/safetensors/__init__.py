"""safetensors shim: gen.py writes and reads the files itself (see gen.py)."""

"""Package of transformers' MPNet files: gen.py's mpnet-bench copies the
reference modeling_mpnet.py and configuration_mpnet.py in here (in a
temporary copy of this shim; they are not committed)."""

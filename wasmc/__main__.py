"""`python -m wasmc ...`: the same as the `wasmc` command."""
from .cli import main

main(prog_name="python -m wasmc")

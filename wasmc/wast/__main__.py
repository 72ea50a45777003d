"""`python -m wasmc.wast FILE.wast...`: the same as `wasmc wast`, whose options and report the CLI owns."""
import sys

from ..cli import standalone, wast_command

standalone(wast_command, sys.argv[1:], "python -m wasmc.wast")

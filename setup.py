"""setuptools hook for cffi: builds runtime_c into the extension module wasmc._rt and the function-cache
scanner (wasmc/fcache/canon.c) into wasmc.fcache._canon at install time."""
from setuptools import setup

setup(cffi_modules=["runtime_c/build.py:ffibuilder", "wasmc/fcache/canon_build.py:ffibuilder"])

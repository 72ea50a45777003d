"""setuptools hook for cffi: builds runtime_c into the extension module wasmc._rt at install time."""
from setuptools import setup

setup(cffi_modules=["runtime_c/build.py:ffibuilder"])

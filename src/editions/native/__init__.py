"""The native llama.cpp build: what this machine can execute, how the library was built, whether it runs."""

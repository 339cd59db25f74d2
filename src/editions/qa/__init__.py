"""Checks on a translated block: what an editor must look at before publishing."""

"""The independent verifier: re-checks a whole election from its record alone.

Imports crypto, election and record only; never the server or the command line.
"""

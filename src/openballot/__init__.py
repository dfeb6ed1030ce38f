"""OpenBallot: end-to-end verifiable elections.

Layers, each importing only those below it:
crypto <- election <- record <- verify <- cli.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]

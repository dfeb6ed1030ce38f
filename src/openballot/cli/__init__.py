"""The command line: one verb per step of each role, each reading and writing files."""

"""The JSON leaves of a board log: one per public message, in the order the board accepted
them. docs/record.md lists the types; `openballot.record.from_board` turns them into a record."""

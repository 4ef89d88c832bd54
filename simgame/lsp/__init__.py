"""The scenario language server (`simgame lsp`): the validator, hover, navigation, completion,
rename and outcome figures in any editor that speaks the Language Server Protocol.

The layers: `symbols` finds every id and field name in a scenario's text and where it is written;
`schemahelp` reads field descriptions from the JSON Schema; `info` turns ids into hover text and
completions; `edits` renames; `checks` runs the same checks as `simgame validate`; `lens` reads
outcome maps; `server` wires them to pygls. Nothing here imports the TUI or the cohort, and nothing
here explores a scenario: the outcome maps are only read (import contracts in pyproject.toml).
"""

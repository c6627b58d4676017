"""The native API of a running show: its command vocabulary, its state views and a client.

Front ends (the console, browser pages, scripts) talk to the engine process only
through this package: :mod:`showctl.api.protocol` (messages and the one command
vocabulary), :mod:`showctl.api.views` (the state stream as plain data) and
:mod:`showctl.api.client` (a client over WebSocket or an in-memory link). The contract
is documented in docs/api.md. Nothing here imports the engine.
"""

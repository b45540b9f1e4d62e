"""How the browser tests and the browser benchmark launch Chromium: Debian's package, never downloaded."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless in a container: no sandbox, no GPU, and nothing that reaches the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

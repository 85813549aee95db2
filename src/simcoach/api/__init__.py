"""HTTP and websocket transport: thin routers over :mod:`simcoach.practice`."""

"""The Qt user interface. Talks to the core API only; never writes SQL."""

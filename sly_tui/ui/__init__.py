"""The Textual dashboard: app, screens, modals and widgets.

It reaches the server only through the polling service (and the client, for actions).
"""

"""The web service and pages of `evkg serve` (stage: interface; imports any stage below it).

`app` holds the Starlette application: routes, limits and the page templates in templates/ and static/.
"""

# Connections the server holds open at once, in all and from one client address (evkg.web.server); here so that
# the command line can show them without loading the web packages.
MAX_CONNECTIONS = 200
MAX_CONNECTIONS_PER_CLIENT = 20           # a browser opens about 6 to one server

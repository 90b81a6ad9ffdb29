"""The web service and pages of `evkg serve` (stage: interface; imports any stage below it).

`app` holds the Starlette application: routes, limits and the page templates in templates/ and static/.
"""

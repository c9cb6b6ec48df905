"""HTML views for insatser, plans and field work, one module per page or insats: parse input, call one selector
and/or service, render.

Every view declares its access policy. Cases and people are reached only through selectors that apply
permissions (404 when not visible) and write the access log. Each form posts to one action; a service's
ValidationError goes back onto the form's fields (Swedish), the page is shown again with status 400.
Mina ärenden (home) is served from here for config.urls.
"""

from interventions.views.home import home

__all__ = ["home"]
